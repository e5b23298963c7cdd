// The incidents API: declaring and updating incidents, what the API answers with (the
// incident, its timeline, its budget impact), response figures, postmortems, action
// items and runbooks.
import { z } from 'zod';
import { INCIDENT_ROLES, INCIDENT_STATUSES } from '../core/incidents/model.js';
import { ACTION_ITEM_PRIORITIES, ACTION_ITEM_STATUSES } from '../core/postmortem/action-items.js';
import { instantQuerySchema, instantSchema } from './api.js';
import { runbookDocumentSchema } from './runbook.js';

const TEXT_MAX = 10_000;
const personSchema = z.string().min(1).max(200);
const servicesSchema = z.array(z.string().min(1)).min(1, { error: 'name at least one service' });

export const incidentIdParamsSchema = z.object({
  /** The number, with or without its INC- prefix. */
  id: z
    .string()
    .regex(/^(INC-)?\d{1,15}$/i, { error: 'an incident id is a number such as 42 or INC-42' })
    .transform((text) => Number(text.replace(/^INC-/i, ''))),
});

export const declareIncidentSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    severity: z.string().min(1),
    services: servicesSchema,
    summary: z.string().max(TEXT_MAX).optional(),
    /** Pages this incident is declared from. */
    pages: z.array(z.string().min(1)).default([]),
    /** When the impact began, if before the declaration (default: the first page, else now). */
    startedAt: instantSchema.optional(),
    /** Default: whoever declares. */
    commander: personSchema.optional(),
  })
  .meta({ id: 'DeclareIncidentRequest' });
export type DeclareIncidentInput = z.output<typeof declareIncidentSchema>;

const rolesInputSchema = z.partialRecord(z.enum(INCIDENT_ROLES), personSchema.nullable()).meta({
  description: 'A person takes the role (a hand-over when someone held it); null releases it',
});

export const updateIncidentSchema = z
  .strictObject({
    status: z.enum(INCIDENT_STATUSES).optional(),
    /** A status update for stakeholders; with `status`, it goes with the change. */
    message: z.string().min(1).max(TEXT_MAX).optional(),
    severity: z.string().min(1).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    roles: rolesInputSchema.optional(),
    addServices: z.array(z.string().min(1)).optional(),
    removeServices: z.array(z.string().min(1)).optional(),
    note: z.string().min(1).max(TEXT_MAX).optional(),
    linkPages: z.array(z.string().min(1)).optional(),
    /** Corrections: when the impact began, when it was mitigated. */
    startedAt: instantSchema.optional(),
    mitigatedAt: instantSchema.optional(),
    /** The revision the change is based on: refused with 409 when the incident moved on. */
    revision: z.number().int().min(1).optional(),
  })
  .meta({ id: 'UpdateIncidentRequest' });
export type UpdateIncidentInput = z.output<typeof updateIncidentSchema>;

export const resolveIncidentSchema = z
  .strictObject({ message: z.string().min(1).max(TEXT_MAX).optional() })
  .meta({ id: 'ResolveIncidentRequest' });

const roleHolderSchema = z.object({ person: z.string(), since: instantSchema }).nullable();

export const incidentSchema = z
  .object({
    id: z.number().int(),
    ref: z.string().meta({ examples: ['INC-42'] }),
    title: z.string(),
    summary: z.string().nullable(),
    severity: z.string(),
    severityMeaning: z.string().nullable(),
    status: z.enum(INCIDENT_STATUSES),
    services: z.array(z.string()),
    teams: z.array(z.string()),
    pages: z.array(z.string()),
    declaredAt: instantSchema,
    declaredBy: z.string(),
    startedAt: instantSchema,
    detectedAt: instantSchema,
    acknowledgedAt: instantSchema,
    mitigatedAt: instantSchema.nullable(),
    resolvedAt: instantSchema.nullable(),
    /** Seconds from the impact start; null until reached. */
    timeToDetectSeconds: z.number(),
    timeToAcknowledgeSeconds: z.number(),
    timeToMitigateSeconds: z.number().nullable(),
    timeToResolveSeconds: z.number().nullable(),
    roles: z.object(
      Object.fromEntries(INCIDENT_ROLES.map((role) => [role, roleHolderSchema])) as Record<
        (typeof INCIDENT_ROLES)[number],
        typeof roleHolderSchema
      >,
    ),
    roleHistory: z.array(
      z.object({
        role: z.enum(INCIDENT_ROLES),
        from: z.string().nullable(),
        to: z.string().nullable(),
        at: instantSchema,
        by: z.string(),
      }),
    ),
    updates: z.array(
      z.object({
        at: instantSchema,
        by: z.string(),
        status: z.enum(INCIDENT_STATUSES),
        message: z.string().nullable(),
        statusChanged: z.boolean(),
      }),
    ),
    incidentResponse: z.object({
      /** Why the incident-response rotation is needed; empty: it is not. */
      reasons: z.array(z.string()),
      schedule: z.string().nullable(),
      /** The page that called the rotation in; null: not paged (see `reasons`, `schedule`). */
      page: z.string().nullable(),
    }),
    runbooks: z.array(
      z.object({ name: z.string(), title: z.string(), service: z.string().nullable() }),
    ),
    revision: z.number().int(),
    updatedAt: instantSchema,
  })
  .meta({ id: 'Incident' });
export type IncidentView = z.input<typeof incidentSchema>;

export const incidentsQuerySchema = z.object({
  /** `open`: every status but resolved. */
  status: z.enum(['open', ...INCIDENT_STATUSES]).optional(),
  service: z.string().optional(),
  severity: z.string().optional(),
  /** Incidents whose impact started in [from, to). */
  from: instantQuerySchema.optional(),
  to: instantQuerySchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const timelineEntrySchema = z
  .object({
    at: instantSchema,
    source: z.enum(['incident', 'page', 'alert', 'deploy', 'burn-alert']),
    kind: z.string(),
    text: z.string(),
    actor: z.string().nullable(),
    ref: z.string().nullable(),
  })
  .meta({ id: 'TimelineEntry' });

export const budgetImpactSchema = z
  .object({
    from: instantSchema,
    to: instantSchema,
    /** Resolved: up to the resolution; open: up to now. */
    complete: z.boolean(),
    slos: z.array(
      z.object({
        slo: z.string(),
        service: z.string(),
        objectivePercent: z.number(),
        /**
         * exact: the interval's bad events against the budget of the window it ended in
         * (pushed events); remaining-difference: the remaining budget at the start less
         * that at the end (SLIs read from Prometheus).
         */
        method: z.enum(['exact', 'remaining-difference']),
        events: z.object({ good: z.number(), bad: z.number(), total: z.number() }).nullable(),
        /** Share of the window's error budget the incident consumed (0.25 = a quarter). */
        budgetConsumed: z.number().nullable(),
        burnRate: z.number().nullable(),
        remainingAtEnd: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'IncidentBudgetImpact' });

export const incidentMetricsQuerySchema = z.object({
  from: instantQuerySchema.optional(),
  to: instantQuerySchema.optional(),
  by: z.enum(['service', 'team']).default('service'),
});

export const incidentMetricsSchema = z
  .object({
    from: instantSchema,
    to: instantSchema,
    by: z.enum(['service', 'team']),
    groups: z.array(
      z.object({
        key: z.string(),
        incidents: z.number(),
        open: z.number(),
        /** Means and medians in seconds over the incidents that reached the point. */
        mttaSeconds: z.number().nullable(),
        mttmSeconds: z.number().nullable(),
        mttrSeconds: z.number().nullable(),
        medianTtaSeconds: z.number().nullable(),
        medianTtmSeconds: z.number().nullable(),
        medianTtrSeconds: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'IncidentMetrics' });

// ---------------------------------------------------------------------------
// Postmortems

export const POSTMORTEM_REVIEW_STATUSES = ['draft', 'in-review', 'published'] as const;

export const blamelessFindingSchema = z.object({
  line: z.number().int(),
  column: z.number().int(),
  sentence: z.string(),
  phrase: z.string(),
  reason: z.string(),
  suggestion: z.string(),
});

export const postmortemSchema = z
  .object({
    incident: z.number().int(),
    status: z.enum(POSTMORTEM_REVIEW_STATUSES),
    markdown: z.string(),
    revision: z.number().int(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
    updatedBy: z.string(),
    publishedAt: instantSchema.nullable(),
    /** Sections still holding the "to be written" marker: publishing waits for them. */
    unwrittenSections: z.array(z.string()),
    /** Sentences that blame a person rather than a system: advice, not a gate. */
    blamelessFindings: z.array(blamelessFindingSchema),
  })
  .meta({ id: 'Postmortem' });

export const postmortemEditSchema = z
  .strictObject({
    markdown: z.string().min(1).max(500_000),
    /** The revision edited: refused with 409 when someone saved in between. */
    revision: z.number().int().min(1),
  })
  .meta({ id: 'PostmortemEdit' });

export const postmortemReviewSchema = z
  .strictObject({ status: z.enum(POSTMORTEM_REVIEW_STATUSES) })
  .meta({ id: 'PostmortemReview' });

export const runbookDraftSchema = z
  .object({
    /** A Runbook document to review and `headroom apply`. */
    document: runbookDocumentSchema,
    yaml: z.string(),
  })
  .meta({ id: 'RunbookDraft' });

// ---------------------------------------------------------------------------
// Action items

export const actionItemInputSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(500),
    owner: personSchema,
    /** Default: the team of the incident's first service. */
    team: z.string().min(1).optional(),
    priority: z.enum(ACTION_ITEM_PRIORITIES).default('P2'),
    dueAt: instantSchema.optional(),
  })
  .meta({ id: 'ActionItemRequest' });

export const actionItemChangeSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(500).optional(),
    owner: personSchema.optional(),
    team: z.string().min(1).optional(),
    priority: z.enum(ACTION_ITEM_PRIORITIES).optional(),
    dueAt: instantSchema.nullable().optional(),
    status: z.enum(ACTION_ITEM_STATUSES).optional(),
  })
  .meta({ id: 'ActionItemChange' });

export const actionItemSchema = z
  .object({
    id: z.string(),
    incident: z.number().int(),
    title: z.string(),
    owner: z.string(),
    team: z.string(),
    priority: z.enum(ACTION_ITEM_PRIORITIES),
    dueAt: instantSchema.nullable(),
    status: z.enum(ACTION_ITEM_STATUSES),
    overdue: z.boolean(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
    closedAt: instantSchema.nullable(),
  })
  .meta({ id: 'ActionItem' });

export const actionItemsQuerySchema = z.object({
  team: z.string().optional(),
  owner: z.string().optional(),
  incident: z.coerce.number().int().optional(),
  /** `open`: neither done nor won't-do. */
  status: z.enum(['open', ...ACTION_ITEM_STATUSES]).optional(),
  /** Only items past their due date and not closed. */
  overdue: z
    .enum(['true', 'false'])
    .transform((text) => text === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const runbooksQuerySchema = z.object({
  service: z.string().optional(),
  alert: z.string().optional(),
});

export const runbookSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    service: z.string().nullable(),
    alerts: z.array(z.string()),
    team: z.string().nullable(),
    markdown: z.string(),
  })
  .meta({ id: 'Runbook' });

export const incidentSettingsViewSchema = z
  .object({
    /** Most severe first: the organisation's scale, or SEV1 to SEV4 when none is configured. */
    severities: z.array(
      z.object({ name: z.string(), meaning: z.string(), pullsIncidentResponse: z.boolean() }),
    ),
    configured: z.boolean(),
    incidentResponseSchedule: z.string().nullable(),
  })
  .meta({ id: 'IncidentSettingsView' });
