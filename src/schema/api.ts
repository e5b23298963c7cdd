// Request and response bodies of the HTTP API (`/api/v1`). The server validates with
// these, publishes them as OpenAPI, and the CLI parses responses with them: one schema
// per concept. Resources that config files also describe (services, SLOs) travel as
// the same headroom/v1 documents the files hold.
import { z } from 'zod';
import {
  durationSchema,
  HEADROOM_KINDS,
  nameSchema,
  serviceDocumentSchema,
  sloDocumentSchema,
} from './config.js';
import { WEEKDAYS } from '../core/oncall/local-time.js';
import { parseTimestamp } from './event-lines.js';
import { sleepHoursSchema, workingHoursSchema } from './schedule.js';

/** Instants travel as ISO-8601 UTC strings. */
export const instantSchema = z.iso.datetime({ offset: true });

// ---------------------------------------------------------------------------
// Errors: RFC 9457 problem details, with a closed set of codes.

export const ERROR_CODES = [
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const problemFieldSchema = z.object({
  /** Where the mistake is: a JSON path (`spec.objective`) or `line 12` of an event batch. */
  path: z.string(),
  message: z.string(),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.enum(ERROR_CODES),
    errors: z.array(problemFieldSchema).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

// ---------------------------------------------------------------------------
// Teams and users

/** The share of working time a team's toil may take, in percent. */
export const toilCapPercentSchema = z.number().min(0).max(100);

export const teamInputSchema = z.strictObject({
  name: nameSchema,
  displayName: z.string().optional(),
  /** The team's own toil cap; toil summaries and reports use it unless a request gives one. Default 50. */
  toilCapPercent: toilCapPercentSchema.optional(),
});
export const teamSchema = z
  .object({
    name: z.string(),
    displayName: z.string().nullable(),
    /** Null: the default cap (50 %). */
    toilCapPercent: z.number().nullable(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'Team' });
export type TeamInput = z.infer<typeof teamInputSchema>;
export type Team = z.infer<typeof teamSchema>;

export const userInputSchema = z.strictObject({
  name: nameSchema,
  displayName: z.string().optional(),
  email: z.email().optional(),
  /** Where the person lives: on-call hours and reports use it. */
  timeZone: z.string().default('UTC'),
  teams: z.array(nameSchema).default([]),
  /** Roles error-budget policies name as approvers, e.g. sre-lead. */
  roles: z.array(nameSchema).default([]),
  /** In the person's time zone; default Mon–Fri 09:00–17:00. Toil's share and out-of-hours pages use it. */
  workingHours: workingHoursSchema.optional(),
  /** In the person's time zone; default 22:00–07:00. A page in it interrupts a night. */
  sleepHours: sleepHoursSchema.optional(),
});
export const userSchema = z
  .object({
    name: z.string(),
    displayName: z.string().nullable(),
    email: z.string().nullable(),
    timeZone: z.string(),
    /** Null: the default, Mon–Fri 09:00–17:00. */
    workingHours: z
      .object({ days: z.array(z.enum(WEEKDAYS)), start: z.string(), end: z.string() })
      .nullable(),
    /** Null: the default, 22:00–07:00. */
    sleepHours: z.object({ start: z.string(), end: z.string() }).nullable(),
    teams: z.array(z.string()),
    roles: z.array(z.string()),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'User' });
export type UserInput = z.infer<typeof userInputSchema>;
export type User = z.infer<typeof userSchema>;

// ---------------------------------------------------------------------------
// API tokens and ingest keys

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const tokenInputSchema = z.strictObject({
  name: z.string().min(1),
  role: z.enum(ROLES),
  /** Editors edit the services and SLOs of these teams; ignored for other roles. */
  teams: z.array(nameSchema).default([]),
  user: nameSchema.optional(),
  expiresAt: instantSchema.optional(),
});
export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    teams: z.array(z.string()),
    user: z.string().nullable(),
    createdAt: instantSchema,
    expiresAt: instantSchema.nullable(),
    lastUsedAt: instantSchema.nullable(),
    revokedAt: instantSchema.nullable(),
  })
  .meta({ id: 'Token' });
/** The answer to a create: the only time the secret is shown. */
export const createdTokenSchema = tokenSchema.extend({ token: z.string() });
export type TokenInput = z.infer<typeof tokenInputSchema>;
export type Token = z.infer<typeof tokenSchema>;

export const ingestKeyInputSchema = z.strictObject({ name: z.string().min(1) });
export const ingestKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    service: z.string(),
    createdAt: instantSchema,
    revokedAt: instantSchema.nullable(),
  })
  .meta({ id: 'IngestKey' });
export const createdIngestKeySchema = ingestKeySchema.extend({ key: z.string() });

// ---------------------------------------------------------------------------
// Services and SLOs: the config documents, plus what the server adds.

const resourceStampSchema = z.object({
  createdAt: instantSchema,
  updatedAt: instantSchema,
});
export const serviceResourceSchema = serviceDocumentSchema
  .extend({ status: resourceStampSchema })
  .meta({ id: 'Service' });
export const sloResourceSchema = sloDocumentSchema
  .extend({ status: resourceStampSchema })
  .meta({ id: 'SLO' });

// ---------------------------------------------------------------------------
// Config-as-code: plan and apply

export const CHANGE_ACTIONS = ['create', 'update', 'delete'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];
/** What the audit log records changes of: teams, and every kind of config document. */
export const RESOURCE_KINDS = ['Team', ...HEADROOM_KINDS] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const applyRequestSchema = z.strictObject({
  /** headroom/v1 Service and SLO documents; other formats are converted by the client. */
  documents: z.array(z.unknown()),
  /** Delete what the documents no longer hold, within the teams the token may edit. */
  prune: z.boolean().default(false),
  /** Plan only: report the changes, change nothing. */
  dryRun: z.boolean().default(false),
});
export type ApplyRequest = z.input<typeof applyRequestSchema>;

export const changeSchema = z
  .object({
    action: z.enum(CHANGE_ACTIONS),
    kind: z.enum(RESOURCE_KINDS),
    name: z.string(),
    /** The owning team (for an SLO, its service's team). */
    team: z.string().nullable(),
    /** Canonical documents; null when the resource does not exist on that side. */
    before: z.unknown(),
    after: z.unknown(),
    /** Dotted paths of the fields an update changes. */
    fields: z.array(z.string()),
  })
  .meta({ id: 'Change' });
export type Change = z.infer<typeof changeSchema>;

export const applyResponseSchema = z.object({
  dryRun: z.boolean(),
  changes: z.array(changeSchema),
});
export type ApplyResponse = z.infer<typeof applyResponseSchema>;

// ---------------------------------------------------------------------------
// Events

export const ingestResponseSchema = z.object({
  /** Event lines stored by this batch (0 for a replay). */
  accepted: z.number().int(),
  /** True when the Idempotency-Key matched an earlier batch: nothing was stored again. */
  replayed: z.boolean(),
  /** The answer the original batch got. */
  batch: z.object({
    lines: z.number().int(),
    slos: z.number().int(),
    minutes: z.number().int(),
    receivedAt: instantSchema,
  }),
});
export type IngestResponse = z.infer<typeof ingestResponseSchema>;

// ---------------------------------------------------------------------------
// Audit

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: instantSchema,
    /** The token that made the change: `token:<id> (<name>)`, or `system`. */
    actor: z.string(),
    action: z.enum(CHANGE_ACTIONS),
    kind: z.string(),
    name: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Entries with an id below this one (the previous page's last id). */
  before: z.coerce.number().int().optional(),
});

// ---------------------------------------------------------------------------
// Query parameters

/** An RFC 3339 instant in a query string, as epoch milliseconds. */
export const instantQuerySchema = z
  .string()
  .transform((text, ctx) => {
    const parsed = parseTimestamp(text);
    if (parsed.ok) return parsed.ms;
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  })
  .meta({ type: 'string', format: 'date-time', examples: ['2026-11-01T10:00:00Z'] });

export const nameParamsSchema = z.object({ name: z.string() });

export const statusQuerySchema = z.object({ at: instantQuerySchema.optional() });

export const statusListQuerySchema = statusQuerySchema.extend({
  /** Only this service's SLOs. */
  service: z.string().min(1).optional(),
});

export const seriesQuerySchema = z.object({
  from: instantQuerySchema.optional(),
  to: instantQuerySchema.optional(),
  /** A duration such as 5m or 1h; default: about 200 points. */
  step: durationSchema.optional(),
});
