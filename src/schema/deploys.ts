// The deploy gate's HTTP API beyond the decision itself (schema/policy.ts): what the
// gate answers with, stored decisions, approvals as resources, recorded deploys with
// the budget around them, and the change-failure figure.
import { z } from 'zod';
import { instantQuerySchema, instantSchema } from './api.js';
import { durationSchema, nameSchema } from './config.js';
import { DEPLOY_STATUSES, deployBudgetSchema } from './deploy-budget.js';
import { approvalSchema, deployDecisionSchema, errorBudgetPolicyDocumentSchema } from './policy.js';

export {
  DEPLOY_STATUSES,
  deployBudgetSchema,
  sloDeployMarkSchema,
  type DeployBudget,
  type SloDeployMarkView,
} from './deploy-budget.js';

const labelsSchema = z.array(nameSchema).meta({ examples: [['rollback']] });

/** What `POST /deploys/check` answers: the decision, what was asked, and where it is kept. */
export const gateAnswerSchema = deployDecisionSchema
  .extend({
    id: z.string().meta({ description: 'The stored decision: GET /api/v1/deploys/decisions/{id}' }),
    version: z.string().nullable(),
    commit: z.string().nullable(),
    labels: z.array(z.string()).readonly(),
    /** The credential that asked (CI's token), as the audit log names it. */
    requestedBy: z.string(),
  })
  .meta({ id: 'GateAnswer' });
export type GateAnswer = z.input<typeof gateAnswerSchema>;

export const decisionsQuerySchema = z.object({
  service: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  /** Decisions older than this one (the previous page's last id). */
  before: z.string().optional(),
});

// ---------------------------------------------------------------------------
// Approvals

export const APPROVAL_STATES = ['active', 'expired', 'revoked'] as const;

export const approvalResourceSchema = approvalSchema
  .extend({
    state: z.enum(APPROVAL_STATES),
    /** The credential that gave it. */
    createdBy: z.string(),
    revokedAt: instantSchema.nullable(),
    revokedBy: z.string().nullable(),
  })
  .meta({ id: 'ApprovalResource' });

export const approvalsQuerySchema = z.object({
  service: z.string().optional(),
  /** `active` (default): in force now; `all`: also expired and revoked ones. */
  state: z.enum(['active', 'all']).default('active'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

// ---------------------------------------------------------------------------
// Deploys

export const deployInputSchema = z
  .strictObject({
    service: z.string().min(1),
    status: z.enum(DEPLOY_STATUSES),
    version: z.string().optional(),
    commit: z.string().optional(),
    labels: labelsSchema.default([]),
    /** Who deployed: the person or bot behind the pipeline; kept without surrounding blanks. */
    actor: z.string().trim().min(1),
    /** When; default: now. At most 5 minutes ahead of the server's clock. */
    at: instantSchema.optional(),
    /** The gate decision (`id` of its answer) the deploy went out on. */
    decision: z.string().optional(),
  })
  .meta({ id: 'DeployRecordRequest' });
export type DeployInput = z.output<typeof deployInputSchema>;

export const deploySchema = z
  .object({
    id: z.string(),
    service: z.string(),
    status: z.enum(DEPLOY_STATUSES),
    version: z.string().nullable(),
    commit: z.string().nullable(),
    labels: z.array(z.string()),
    actor: z.string(),
    at: instantSchema,
    decision: z.string().nullable(),
    againstDenial: z.boolean().meta({
      description: 'The gate decision it names denied the deploy: it went out against the gate',
    }),
    recordedBy: z.string(),
    recordedAt: instantSchema,
    /** Per SLO of the service: the budget spent in the hour before and the hour after. */
    budget: z.array(deployBudgetSchema),
  })
  .meta({ id: 'Deploy' });
export type DeployView = z.input<typeof deploySchema>;

export const deploysQuerySchema = z.object({
  service: z.string().optional(),
  status: z.enum(DEPLOY_STATUSES).optional(),
  from: instantQuerySchema.optional(),
  to: instantQuerySchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Deploys older than this one (the previous page's last id). */
  before: z.string().optional(),
});

export const changeFailureQuerySchema = z.object({
  /** Default: 30 days before `to`. */
  from: instantQuerySchema.optional(),
  /** Default: now. */
  to: instantQuerySchema.optional(),
  /** How long after a deploy a page or an incident counts against it. */
  within: durationSchema.prefault('1h'),
});

export const changeFailureSchema = z
  .object({
    service: z.string(),
    from: instantSchema,
    to: instantSchema,
    within: z.string(),
    /** Changes that went out in [from, to): `finished` deploys. */
    deploys: z.number().int(),
    /**
     * Of those, the change failures: rolled back (the latest finished deploy before a
     * `rolled_back` record, whichever version that record names), or the latest change
     * before a page-level burn alert or an incident that started within `within` after
     * it. Each alert, incident or rollback is blamed on that one change only.
     */
    failed: z.number().int(),
    /** failed / deploys; null without deploys. */
    rate: z.number().nullable(),
    /** `failed` deploys in [from, to): they never went out, so they are not in the rate. */
    failedToDeploy: z.number().int(),
    items: z.array(
      z.object({
        deploy: z.string(),
        at: instantSchema,
        version: z.string().nullable(),
        status: z.enum(DEPLOY_STATUSES),
        failedBy: z.array(
          z.discriminatedUnion('kind', [
            z.object({
              kind: z.literal('rollback'),
              /** The rolled_back record. */
              deploy: z.string(),
              at: instantSchema,
            }),
            z.object({
              kind: z.literal('pageAlert'),
              slo: z.string(),
              rule: z.string(),
              at: instantSchema,
            }),
            z.object({
              kind: z.literal('incident'),
              id: z.string(),
              title: z.string().nullable(),
              at: instantSchema,
            }),
          ]),
        ),
      }),
    ),
  })
  .meta({ id: 'ChangeFailure' });
export type ChangeFailure = z.input<typeof changeFailureSchema>;

// ---------------------------------------------------------------------------
// Policies as resources

export const policyResourceSchema = errorBudgetPolicyDocumentSchema
  .extend({ status: z.object({ createdAt: instantSchema, updatedAt: instantSchema }) })
  .meta({ id: 'ErrorBudgetPolicy' });
