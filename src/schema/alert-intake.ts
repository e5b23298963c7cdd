// Wire formats of alert intake: the Alertmanager webhook (version "4"), the PagerDuty
// Events API v2 (bodies in and the answers PagerDuty gives), and Headroom's plain JSON
// webhook. Objects are loose: newer Alertmanagers add fields (`notification_reason`,
// `routeLabels`) and PagerDuty senders add their own, and none of that may cost an
// alert. Each schema is checked at compile time (`satisfies`) against the shape the
// core's normalization reads (core/alerts/wire.ts).
import { z } from 'zod';
import {
  ALERT_SEVERITIES,
  isHttpUrl,
  parseInstant,
  severityFromText,
} from '../core/alerts/incoming-alert.js';
import type {
  AlertmanagerMessageInput,
  PagerDutyEventInput,
  WebhookAlertInput,
} from '../core/alerts/wire.js';
import { addCodedIssue } from './coded-issue.js';

/** PagerDuty's limits, in characters (code points, as Alertmanager counts runes). */
export const SUMMARY_MAX_CHARACTERS = 1024;
export const DEDUP_KEY_MAX_CHARACTERS = 255;

const labelSetSchema = z.record(z.string(), z.string());

/** An ISO 8601 date-time with a zone (RFC 3339, or `+0000` as PagerDuty's examples write it). */
const instantTextSchema = z
  .string()
  .superRefine((text, ctx) => {
    if (parseInstant(text) === undefined) {
      addCodedIssue(
        ctx,
        'invalid_timestamp',
        `expected an ISO 8601 date-time with a zone, such as 2026-11-22T04:30:33.062Z; got ${JSON.stringify(text)}`,
      );
    }
  })
  .meta({ format: 'date-time' });

/** An error map that words a missing field; other issues keep zod's message. */
function missing(message: string) {
  return (issue: { readonly input?: unknown }) => (issue.input === undefined ? message : undefined);
}

function boundedText(what: string, max: number, whenMissing?: string) {
  const base = whenMissing === undefined ? z.string() : z.string({ error: missing(whenMissing) });
  return base.superRefine((text, ctx) => {
    if (text.trim() === '') addCodedIssue(ctx, 'empty_value', `${what} must not be empty`);
    const length = Array.from(text).length;
    if (length > max) {
      addCodedIssue(
        ctx,
        'too_long',
        `${what} is ${length} characters long; at most ${max} are allowed`,
      );
    }
  });
}

const dedupKeySchema = boundedText('dedup_key', DEDUP_KEY_MAX_CHARACTERS);

const linkSchema = z.looseObject({ href: z.string().min(1), text: z.string().optional() });

// ---------------------------------------------------------------------------
// Alertmanager webhook, version "4"

export const ALERTMANAGER_STATUSES = ['firing', 'resolved'] as const;

export const alertmanagerAlertSchema = z.looseObject({
  status: z.enum(ALERTMANAGER_STATUSES),
  labels: labelSetSchema,
  annotations: labelSetSchema.optional(),
  startsAt: instantTextSchema,
  /** `0001-01-01T00:00:00Z` (Go's zero time) while firing. */
  endsAt: instantTextSchema.optional(),
  /** May be `""`. */
  generatorURL: z.string().optional(),
  /** 16 hex digits, a hash of the label set, stable from firing to resolved. */
  fingerprint: z.string().optional(),
});

/**
 * What Alertmanager POSTs to a `webhook_configs` URL. Only the fields intake needs are
 * required; Alertmanager always sends all of them, tools that imitate it sometimes not.
 */
export const alertmanagerWebhookSchema = z
  .looseObject({
    version: z.literal('4', { error: 'expected Alertmanager webhook version "4"' }),
    /** `<route matchers>:<group labels>`: the stable id of the aggregation group. */
    groupKey: z.string().optional(),
    /** Alerts left out by `max_alerts`; 0 = none. */
    truncatedAlerts: z.number().int().nonnegative().optional(),
    /** `resolved` only when every alert of the group is. */
    status: z.enum(ALERTMANAGER_STATUSES),
    receiver: z.string().optional(),
    groupLabels: labelSetSchema.optional(),
    commonLabels: labelSetSchema.optional(),
    commonAnnotations: labelSetSchema.optional(),
    externalURL: z.string().optional(),
    alerts: z.array(alertmanagerAlertSchema),
  })
  .meta({ id: 'AlertmanagerWebhook' }) satisfies z.ZodType<AlertmanagerMessageInput>;
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

// ---------------------------------------------------------------------------
// PagerDuty Events API v2: POST /v2/enqueue

const imageSchema = z.looseObject({
  src: z.string().min(1),
  href: z.string().optional(),
  alt: z.string().optional(),
});

const pagerDutyCommon = {
  /** PagerDuty's are 32 characters; ours are Headroom integration keys. */
  routing_key: z.string().min(1, { error: 'routing_key must not be empty' }),
  images: z.array(imageSchema).optional(),
  links: z.array(linkSchema).optional(),
  /** The sending tool, e.g. "Alertmanager"; shown with `client_url`. */
  client: z.string().optional(),
  client_url: z.string().optional(),
};

/** PD-CEF: summary, source and severity are required for a trigger. */
export const pagerDutyPayloadSchema = z.looseObject(
  {
    summary: boundedText('payload.summary', SUMMARY_MAX_CHARACTERS),
    source: z.string().min(1, { error: 'payload.source must not be empty' }),
    /** Case-sensitive, as in PagerDuty. */
    severity: z.enum(ALERT_SEVERITIES),
    timestamp: instantTextSchema.optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    /** Free-form; Alertmanager sends strings only, PagerDuty's example numbers too. */
    custom_details: z.unknown().optional(),
  },
  { error: missing('a trigger needs a payload with summary, source and severity') },
);

/**
 * An acknowledge or resolve may repeat the payload (Alertmanager sends the full one
 * with its resolve); PagerDuty does not read it then, so neither do we check it.
 */
const followUpPayloadSchema = z.looseObject({
  summary: z.string().optional(),
  source: z.string().optional(),
  severity: z.string().optional(),
  timestamp: z.string().optional(),
  component: z.string().optional(),
  group: z.string().optional(),
  class: z.string().optional(),
  custom_details: z.unknown().optional(),
});

export const pagerDutyTriggerSchema = z.looseObject({
  ...pagerDutyCommon,
  event_action: z.literal('trigger'),
  /** Absent: the server makes one up, so every such trigger is a new alert. */
  dedup_key: dedupKeySchema.optional(),
  payload: pagerDutyPayloadSchema,
});

export const pagerDutyFollowUpSchema = z.looseObject({
  ...pagerDutyCommon,
  event_action: z.enum(['acknowledge', 'resolve']),
  /** Which alert: required, an acknowledge or resolve without it means nothing. */
  dedup_key: boundedText(
    'dedup_key',
    DEDUP_KEY_MAX_CHARACTERS,
    'an acknowledge or resolve needs the dedup_key of its alert',
  ),
  payload: followUpPayloadSchema.optional(),
});

/**
 * An Events API v2 alert event, as any PagerDuty client sends it, Alertmanager's
 * `pagerduty_configs` with a `routing_key` included (its `dedup_key` is the hex
 * SHA-256 of the group key, and it sends no `acknowledge` and no `timestamp`). The
 * branch is chosen by `event_action`, so a trigger without a payload is told so.
 */
export const pagerDutyEventSchema = z
  .discriminatedUnion('event_action', [pagerDutyTriggerSchema, pagerDutyFollowUpSchema])
  .meta({ id: 'PagerDutyEvent' }) satisfies z.ZodType<PagerDutyEventInput>;
export type PagerDutyEvent = z.infer<typeof pagerDutyEventSchema>;

// PagerDuty's answers. Alertmanager reads only the status code; PagerDuty clients
// (Uptime Kuma, SDKs) read `dedup_key` from the 202 to send the resolve later.

export const pagerDutyAcceptedSchema = z
  .object({
    status: z.literal('success'),
    message: z.literal('Event processed'),
    dedup_key: z.string(),
  })
  .meta({ id: 'PagerDutyAccepted' });
export type PagerDutyAccepted = z.infer<typeof pagerDutyAcceptedSchema>;

export const pagerDutyInvalidEventSchema = z
  .object({
    status: z.literal('invalid event'),
    message: z.literal('Event object is invalid'),
    errors: z.array(z.string()),
  })
  .meta({ id: 'PagerDutyInvalidEvent' });
export type PagerDutyInvalidEvent = z.infer<typeof pagerDutyInvalidEventSchema>;

/** A 5xx: the sender retries (Alertmanager does, within its flush). */
export const pagerDutyServerErrorSchema = z
  .object({ status: z.literal('error'), message: z.string() })
  .meta({ id: 'PagerDutyServerError' });
export type PagerDutyServerError = z.infer<typeof pagerDutyServerErrorSchema>;

export function pagerDutyAccepted(dedupKey: string): PagerDutyAccepted {
  return { status: 'success', message: 'Event processed', dedup_key: dedupKey };
}

/** The 400 answer for a body `pagerDutyEventSchema` refused: one line per issue, led by its field. */
export function pagerDutyInvalidEvent(error: z.ZodError): PagerDutyInvalidEvent {
  return {
    status: 'invalid event',
    message: 'Event object is invalid',
    errors: error.issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
    ),
  };
}

// ---------------------------------------------------------------------------
// Headroom's plain JSON webhook

const severityTextSchema = z.string().superRefine((text, ctx) => {
  if (severityFromText(text) === undefined) {
    addCodedIssue(
      ctx,
      'invalid_severity',
      `unknown severity ${JSON.stringify(text)}; use critical, error, warning or info (P1–P5, SEV1–SEV5, page and ticket are understood too)`,
    );
  }
});

const httpUrlSchema = z
  .string()
  .superRefine((text, ctx) => {
    if (!isHttpUrl(text)) {
      addCodedIssue(
        ctx,
        'invalid_url',
        `expected an http(s) URL such as https://runbooks.example.com/checkout; got ${JSON.stringify(text)}`,
      );
    }
  })
  .meta({ format: 'uri', pattern: '^https?://' });

/**
 * For scripts and tools without a format of their own: one alert per POST. `title`
 * (or `summary`, its synonym) says what is wrong; `dedupKey` ties a resolve to its
 * trigger, and without it the labels (or the title) and the service do. Field names
 * are camelCase like the rest of Headroom's API.
 */
export const webhookAlertSchema = z
  .looseObject({
    title: boundedText('title', SUMMARY_MAX_CHARACTERS).optional(),
    summary: boundedText('summary', SUMMARY_MAX_CHARACTERS).optional(),
    /** Absent: firing. */
    status: z.enum(ALERTMANAGER_STATUSES).optional(),
    dedupKey: boundedText('dedupKey', DEDUP_KEY_MAX_CHARACTERS).optional(),
    /** The Headroom service; absent: a `service` label, else the integration's service. */
    service: z.string().min(1).optional(),
    /** critical, error, warning or info; common synonyms too. Absent: error. */
    severity: severityTextSchema.optional(),
    labels: labelSetSchema.optional(),
    annotations: labelSetSchema.optional(),
    runbook: httpUrlSchema.optional(),
    links: z.array(linkSchema).optional(),
    startsAt: instantTextSchema.optional(),
    endsAt: instantTextSchema.optional(),
  })
  .superRefine((alert, ctx) => {
    const hasTitle = alert.title !== undefined || alert.summary !== undefined;
    if (alert.status !== 'resolved' && !hasTitle) {
      addCodedIssue(ctx, 'missing_field', 'a firing alert needs a title (or summary)', ['title']);
    }
    const identified =
      hasTitle || alert.dedupKey !== undefined || Object.keys(alert.labels ?? {}).length > 0;
    if (alert.status === 'resolved' && !identified) {
      addCodedIssue(
        ctx,
        'missing_field',
        'a resolve needs the dedupKey (or the labels or title) of the alert it resolves',
        ['dedupKey'],
      );
    }
  })
  .meta({ id: 'WebhookAlert' }) satisfies z.ZodType<WebhookAlertInput>;
export type WebhookAlert = z.infer<typeof webhookAlertSchema>;
