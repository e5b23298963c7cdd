// The EscalationPolicy kind of headroom/v1: who is paged for which services, level by
// level, and where notifications go besides people (signed webhooks, Slack).
import { z } from 'zod';
import { ALERT_SEVERITIES } from '../core/alerts/incoming-alert.js';
import type { EscalationPolicyResource } from '../core/slo/model.js';
import { addCodedIssue } from './coded-issue.js';
import {
  durationSchema,
  HEADROOM_API_VERSION,
  metadataSchema,
  secretReferenceSchema,
} from './config.js';

const targetSchema = z.union(
  [
    z.strictObject({ user: z.string().min(1) }),
    z.strictObject({ schedule: z.string().min(1) }),
    z.strictObject({ team: z.string().min(1) }),
  ],
  { error: 'a target is one of {user: <name>}, {schedule: <name>} or {team: <name>}' },
);

const levelSchema = z.strictObject({
  /** Everyone these name is notified when the level starts. */
  notify: z.array(targetSchema).min(1, { error: 'a level needs at least one target' }),
  /** How long this level has to acknowledge before the next one is notified. */
  timeout: durationSchema.default(15),
});

const httpsOrHttpUrl = z.string().superRefine((text, ctx) => {
  if (!URL.canParse(text) || !['http:', 'https:'].includes(new URL(text).protocol)) {
    addCodedIssue(ctx, 'invalid_url', `expected an http(s) URL, got ${JSON.stringify(text)}`);
  }
});

export const channelSchema = z.union(
  [
    z.strictObject({
      /** A JSON POST signed with HMAC-SHA256 of the body (header X-Headroom-Signature). */
      webhook: z.strictObject({ url: httpsOrHttpUrl, secret: secretReferenceSchema.optional() }),
    }),
    z.strictObject({
      /** A Slack incoming webhook (or anything that takes its message format). */
      slack: z.strictObject({ url: httpsOrHttpUrl }),
    }),
  ],
  { error: 'a channel is {webhook: {url, secret?}} or {slack: {url}}' },
);

export const escalationPolicySpecSchema = z.strictObject({
  /** The owning team: its editors change the policy. None: only admins. */
  team: z.string().min(1).optional(),
  /** Pages of these services, or of these teams' services, escalate by this policy. */
  services: z.array(z.string().min(1)).default([]),
  teams: z.array(z.string().min(1)).default([]),
  levels: z.array(levelSchema).min(1, { error: 'levels must not be empty' }),
  /** Times the levels run again when nobody acknowledges (0: once). */
  repeat: z.number().int().min(0).max(10).default(0),
  /**
   * The incident-response rotation: joins the first level of pages on critical-tier
   * services and of pages that touch several teams' services.
   */
  incidentResponse: z.strictObject({ schedule: z.string().min(1) }).optional(),
  /** Every notification of the policy's pages also goes here. */
  channels: z.array(channelSchema).default([]),
  /**
   * Severities whose pages are low urgency: level 1 is notified once, nobody else
   * (PagerDuty's mapping is [warning, info]). None by default: every page escalates.
   */
  lowUrgency: z.array(z.enum(ALERT_SEVERITIES)).default([]),
});

export const escalationPolicyDocumentSchema = z.strictObject({
  apiVersion: z.literal(HEADROOM_API_VERSION),
  kind: z.literal('EscalationPolicy'),
  metadata: metadataSchema,
  spec: escalationPolicySpecSchema,
});

export type EscalationPolicyDocument = z.output<typeof escalationPolicyDocumentSchema>;
export type EscalationPolicyDocumentInput = z.input<typeof escalationPolicyDocumentSchema>;
export type EscalationPolicySpec = z.output<typeof escalationPolicySpecSchema>;
export type NotificationChannel = z.output<typeof channelSchema>;

/** The model value of a validated document. */
export function escalationPolicyFromDocument(
  document: EscalationPolicyDocument,
): EscalationPolicyResource {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    team: spec.team,
    services: spec.services,
    teams: spec.teams,
    policy: {
      name: metadata.name,
      repeat: spec.repeat,
      levels: spec.levels.map((level) => ({
        timeoutMinutes: level.timeout,
        targets: level.notify.map((target) =>
          'user' in target
            ? { kind: 'user' as const, name: target.user }
            : 'schedule' in target
              ? { kind: 'schedule' as const, name: target.schedule }
              : { kind: 'team' as const, name: target.team },
        ),
      })),
    },
    incidentResponseSchedule: spec.incidentResponse?.schedule,
    channels: spec.channels.map((channel) =>
      'webhook' in channel
        ? { kind: 'webhook' as const, url: channel.webhook.url, secret: channel.webhook.secret }
        : { kind: 'slack' as const, url: channel.slack.url },
    ),
    lowUrgency: [...new Set(spec.lowUrgency)],
    labels: metadata.labels,
  };
}
