// The Heartbeat kind of headroom/v1: a cron job or batch job that pings Headroom when
// it runs; a missed or failed run pages the owning service's escalation policy.
import { z } from 'zod';
import type { HeartbeatResource } from '../core/slo/model.js';
import { formatDuration, formatRunTime } from '../core/time/duration.js';
import { durationSchema, HEADROOM_API_VERSION, metadataSchema, runTimeSchema } from './config.js';

const MINUTE_MS = 60_000;
const SECOND_MS = 1000;

const scheduleSchema = z.union(
  [
    z.strictObject({
      /** A 5-field cron expression, read in `timeZone`. */
      cron: z.string().min(1),
      timeZone: z.string().min(1).default('UTC'),
    }),
    z.strictObject({
      /** Expected again this long after each successful run. */
      every: durationSchema,
    }),
  ],
  { error: 'a schedule is {cron: "<expression>", timeZone: <IANA zone>} or {every: <duration>}' },
);

export const heartbeatSpecSchema = z.strictObject({
  /** The owning service: its team edits the check, its escalation policy is paged. */
  service: z.string().min(1),
  description: z.string().optional(),
  schedule: scheduleSchema,
  /** How late a run may be before the check is down (and pages). */
  grace: durationSchema.default(60),
  /** A run started with /start and not finished this long after makes the check late (down a grace later); default: grace. To the second. */
  maxRunTime: runTimeSchema.optional(),
  /** Runs that finish faster than this after /start are flagged as suspiciously fast. To the second. */
  minRunTime: runTimeSchema.optional(),
  /** A paused check ignores pings until resumed (healthchecks' manual resume). */
  manualResume: z.boolean().default(false),
});

export const heartbeatDocumentSchema = z.strictObject({
  apiVersion: z.literal(HEADROOM_API_VERSION),
  kind: z.literal('Heartbeat'),
  metadata: metadataSchema,
  spec: heartbeatSpecSchema,
});

export type HeartbeatDocument = z.output<typeof heartbeatDocumentSchema>;
export type HeartbeatDocumentInput = z.input<typeof heartbeatDocumentSchema>;

export function heartbeatFromDocument(document: HeartbeatDocument): HeartbeatResource {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    service: spec.service,
    description: spec.description,
    definition: {
      name: metadata.name,
      schedule:
        'cron' in spec.schedule
          ? { kind: 'cron', expression: spec.schedule.cron, timeZone: spec.schedule.timeZone }
          : { kind: 'period', periodMs: spec.schedule.every * MINUTE_MS },
      graceMs: spec.grace * MINUTE_MS,
      ...(spec.maxRunTime === undefined ? {} : { maxRunMs: spec.maxRunTime * SECOND_MS }),
      ...(spec.minRunTime === undefined ? {} : { minRunMs: spec.minRunTime * SECOND_MS }),
      manualResume: spec.manualResume,
    },
    labels: metadata.labels,
  };
}

/** The canonical document of a heartbeat: durations written as such, defaults filled in. */
export function heartbeatToDocument(resource: HeartbeatResource): HeartbeatDocumentInput {
  const { definition } = resource;
  const minutes = (ms: number) => formatDuration(Math.round(ms / MINUTE_MS));
  const runTime = (ms: number) => formatRunTime(Math.round(ms / SECOND_MS));
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'Heartbeat',
    metadata: { name: resource.name, labels: { ...resource.labels } },
    spec: {
      service: resource.service,
      ...(resource.description === undefined ? {} : { description: resource.description }),
      schedule:
        definition.schedule.kind === 'cron'
          ? { cron: definition.schedule.expression, timeZone: definition.schedule.timeZone }
          : { every: minutes(definition.schedule.periodMs) },
      grace: minutes(definition.graceMs),
      ...(definition.maxRunMs === undefined ? {} : { maxRunTime: runTime(definition.maxRunMs) }),
      ...(definition.minRunMs === undefined ? {} : { minRunTime: runTime(definition.minRunMs) }),
      manualResume: definition.manualResume === true,
    },
  };
}
