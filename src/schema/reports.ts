// The toil and reliability report API: logging toil, listing it, the team's toil
// against its cap, and the reliability report in JSON, Markdown or HTML.
import { z } from 'zod';
import { instantQuerySchema, instantSchema } from './api.js';
import { durationSchema } from './config.js';

const MAX_MINUTES = 24 * 60;

export const logToilSchema = z
  .strictObject({
    /** Minutes of toil (fractions allowed); or give `duration`. */
    minutes: z
      .number()
      .positive()
      .max(MAX_MINUTES, {
        error: 'at most 1440 minutes (24h) in one entry: log longer work day by day',
      })
      .optional(),
    /** A duration such as 2h, 90m or 1h30m; or give `minutes`. */
    duration: durationSchema.optional(),
    description: z.string().trim().min(1).max(2_000),
    service: z.string().min(1).optional(),
    /** Free text, normalised: "Manual ops" is manual-ops. Default manual-ops. */
    category: z.string().max(100).optional(),
    /** Default: the person's only team. */
    team: z.string().min(1).optional(),
    /** Default: the token's user. */
    person: z.string().min(1).max(200).optional(),
    /** When the work was done; default now. */
    at: instantSchema.optional(),
  })
  .refine((body) => (body.minutes === undefined) !== (body.duration === undefined), {
    error: 'give minutes or duration, not both',
    path: ['minutes'],
  })
  .refine((body) => body.duration === undefined || body.duration <= MAX_MINUTES, {
    error: 'at most 24h in one entry: log longer work day by day',
    path: ['duration'],
  })
  .meta({ id: 'LogToilRequest' });
export type LogToilBody = z.output<typeof logToilSchema>;

export const toilEntrySchema = z
  .object({
    id: z.string(),
    team: z.string(),
    person: z.string(),
    service: z.string().nullable(),
    category: z.string(),
    minutes: z.number(),
    at: instantSchema,
    description: z.string(),
    createdBy: z.string(),
    createdAt: instantSchema,
  })
  .meta({ id: 'ToilEntry' });

export const toilQuerySchema = z.object({
  team: z.string().min(1).optional(),
  person: z.string().min(1).optional(),
  from: instantQuerySchema.optional(),
  to: instantQuerySchema.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

/** A cap in percent of working time, 0 to 100; default the team's own, else 50. */
const capSchema = z.coerce.number().min(0).max(100);

export const toilSummaryQuerySchema = z.object({
  from: instantQuerySchema.optional(),
  to: instantQuerySchema.optional(),
  cap: capSchema.optional(),
});

const toilShareSchema = z.object({
  key: z.string(),
  minutes: z.number(),
  /** Of the team's toil minutes, 0..1. */
  share: z.number(),
});

export const toilSummarySchema = z
  .object({
    team: z.string(),
    from: instantSchema,
    to: instantSchema,
    toilMinutes: z.number(),
    /** Working time in [from, workingTo): workingTo is now while the period is not over. */
    workingMinutes: z.number(),
    workingTo: instantSchema,
    /** toilMinutes / workingMinutes; null without working time. */
    share: z.number().nullable(),
    capPercent: z.number(),
    /** Whose cap: the request's `cap`, the team's own toilCapPercent, or the default 50 %. */
    capSource: z.enum(['request', 'team', 'default']),
    overCap: z.boolean(),
    warning: z.string().nullable(),
    byCategory: z.array(toilShareSchema),
    byService: z.array(toilShareSchema),
    bySource: z.array(toilShareSchema),
    people: z.array(
      z.object({
        person: z.string(),
        toilMinutes: z.number(),
        workingMinutes: z.number().nullable(),
        share: z.number().nullable(),
        overCap: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'ToilSummary' });
export type ToilSummaryView = z.output<typeof toilSummarySchema>;

export const REPORT_FORMATS = ['json', 'markdown', 'html'] as const;

export const reportQuerySchema = z.object({
  team: z.string().min(1),
  from: instantQuerySchema.optional(),
  to: instantQuerySchema.optional(),
  format: z.enum(REPORT_FORMATS).default('json'),
  /** IANA zone the report's dates are shown in; default UTC. */
  zone: z.string().min(1).optional(),
  cap: capSchema.optional(),
});

/**
 * The report as JSON (core/reports/report.ts reportJson): per service SLOs, burn
 * alerts, incidents, postmortems and changes; the team's toil and on-call load.
 * Markdown and HTML answer as text/markdown and text/html.
 */
export const reliabilityReportSchema = z
  .looseObject({
    team: z.string(),
    period: z.looseObject({
      fromMs: z.number(),
      toMs: z.number(),
      from: z.string(),
      to: z.string(),
    }),
    zone: z.string(),
    generatedAt: z.number(),
    generatedAtLocal: z.string(),
    services: z.array(z.looseObject({ service: z.string() })),
    toil: z.looseObject({}).nullable(),
    onCall: z.looseObject({}).nullable(),
  })
  .meta({ id: 'ReliabilityReport' });
