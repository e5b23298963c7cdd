// The pages API: a page with its alerts, its escalation (where it stands, who is next),
// whom it could not reach, and the runbooks for its services and alerts. One schema for
// the OpenAPI document, the CLI and the web UI's types.
import { z } from 'zod';
import { ALERT_SEVERITIES, ALERT_SOURCES } from '../core/alerts/incoming-alert.js';
import { instantSchema } from './api.js';

export const PAGE_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
const ESCALATION_STATUSES = ['escalating', 'acknowledged', 'resolved', 'exhausted'] as const;

const positionFields = {
  level: z.number().int().min(1).meta({ description: "The policy's level, 1-based" }),
  round: z.number().int().min(1).meta({ description: 'The run through the levels, 1-based' }),
};

export const pageEscalationSchema = z
  .object({
    policy: z.string(),
    urgency: z.enum(['high', 'low']).meta({
      description:
        'high: escalates level by level until acknowledged; low (a severity the policy lists as lowUrgency): level 1 is notified once and it goes no further',
    }),
    status: z.enum(ESCALATION_STATUSES),
    levels: z.number().int().min(0),
    rounds: z.number().int().min(1),
    notified: z
      .object(positionFields)
      .nullable()
      .meta({ description: 'The last level notified; null before level 1 was' }),
    next: z
      .object({ ...positionFields, at: instantSchema })
      .nullable()
      .meta({ description: 'The level notified next and when, unless someone acknowledges' }),
    exhaustsAt: instantSchema.nullable().meta({
      description: "When the last level's timeout ends with nobody acknowledging",
    }),
    exhaustedAt: instantSchema.nullable(),
    paged: z.array(z.string()).meta({ description: 'Everyone notified so far, in order' }),
    held: z.array(z.object({ person: z.string(), until: instantSchema })).meta({
      description:
        'People whose e-mail about this low-urgency page waits for their working hours, and until when; withdrawn if the page is taken first',
    }),
  })
  .meta({ id: 'PageEscalation' });

const pageAlertSchema = z.object({
  id: z.string(),
  source: z.enum(ALERT_SOURCES),
  dedupKey: z.string(),
  status: z.enum(PAGE_STATUSES),
  summary: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  service: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  runbookUrl: z.string().nullable(),
  links: z.array(z.object({ href: z.string(), text: z.string().optional() })),
  triggerCount: z.number().int().min(1),
  startsAt: instantSchema,
  firstSeenAt: instantSchema,
  lastSeenAt: instantSchema,
  resolvedAt: instantSchema.nullable(),
});

export const pageSchema = z
  .object({
    id: z.string(),
    status: z.enum(PAGE_STATUSES),
    summary: z.string(),
    severity: z.enum(ALERT_SEVERITIES),
    services: z.array(z.string()),
    openedAt: instantSchema,
    acknowledgedAt: instantSchema.nullable(),
    acknowledgedBy: z.string().nullable(),
    resolvedAt: instantSchema.nullable(),
    updatedAt: instantSchema,
    alerts: z.array(pageAlertSchema),
    escalation: pageEscalationSchema.nullable().meta({
      description: 'null when no escalation policy covers the page (see warnings)',
    }),
    warnings: z
      .array(z.object({ at: instantSchema, reason: z.string() }))
      .meta({ description: 'Whom the page could not reach, and why' }),
    runbooks: z.array(z.object({ name: z.string(), title: z.string(), markdown: z.string() })),
  })
  .meta({ id: 'Page' });
export type PageView = z.infer<typeof pageSchema>;
