// What a deploy did to an SLO's budget: the hour before it and the hour after. Apart
// from deploys.ts so that the SLO status and series (status.ts) can show deploys
// without the gate's schemas, which themselves read the SLO status.
import { z } from 'zod';
import { instantSchema } from './api.js';

export const DEPLOY_STATUSES = ['started', 'finished', 'failed', 'rolled_back'] as const;

const hourBudgetSchema = z.object({
  from: instantSchema,
  to: instantSchema,
  remainingAtStart: z.number().meta({ description: 'Fraction of the budget left at `from`' }),
  remainingAtEnd: z.number(),
  consumed: z
    .number()
    .meta({ description: 'remainingAtStart − remainingAtEnd: the share of the budget spent' }),
  burnRate: z
    .number()
    .nullable()
    .meta({ description: 'The 1h burn rate at `to`: how fast the hour spent the budget' }),
});

export const deployBudgetSchema = z.object({
  slo: z.string(),
  /** The hour before the deploy. */
  before: hourBudgetSchema,
  /** The hour after it; null until that hour has passed. */
  after: hourBudgetSchema.nullable(),
});
export type DeployBudget = z.input<typeof deployBudgetSchema>;

/** A deploy as an SLO's status and series show it: a mark, and what it did to that budget. */
export const sloDeployMarkSchema = z
  .object({
    id: z.string(),
    at: instantSchema,
    status: z.enum(DEPLOY_STATUSES),
    version: z.string().nullable(),
    labels: z.array(z.string()),
    budget: deployBudgetSchema.nullable().meta({
      description:
        "This SLO's budget in the hour before and the hour after the deploy; null when not read (only the latest deploys are)",
    }),
  })
  .meta({ id: 'SloDeployMark' });
export type SloDeployMarkView = z.input<typeof sloDeployMarkSchema>;
