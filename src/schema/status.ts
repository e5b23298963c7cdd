// The status of an SLO as the API answers it: the same JSON `headroom eval` prints.
// The schema documents and checks the shape; core/slo/status.ts is what produces it.
import { z } from 'zod';
import {
  REPORTED_BURN_WINDOWS,
  type ReportedBurnWindow,
  type SloStatus,
} from '../core/slo/status.js';
import { instantSchema } from './api.js';
import { ALERT_SEVERITIES } from './config.js';
import { sloDeployMarkSchema } from './deploy-budget.js';

// Whole numbers for pushed events; a Prometheus source's increase() estimates may not be.
const countSchema = z.number().nonnegative();
const countsSchema = z.object({ good: countSchema, bad: countSchema, total: countSchema });

export const burnRateSchema = z.number().nonnegative().nullable();

// Built from the engine's list so that a window added there cannot be missing here.
const burnRateShape = Object.fromEntries(
  [...REPORTED_BURN_WINDOWS, 'window'].map((window) => [window, burnRateSchema]),
) as Record<ReportedBurnWindow, typeof burnRateSchema>;

const burnRatesSchema = z.object(burnRateShape).meta({
  id: 'BurnRates',
  description:
    'Burn rate per window (1 = spending exactly the budget over the SLO window); `window` is the ' +
    "SLO's own window; null when the window holds no events",
});

/** A burn-rate alert rule with the burn rates over its two windows. */
export const burnAlertSchema = z.object({
  severity: z.enum(ALERT_SEVERITIES),
  longWindow: z.string(),
  shortWindow: z.string(),
  factor: z.number().positive(),
  longBurnRate: burnRateSchema,
  shortBurnRate: burnRateSchema,
});

const alertStatusSchema = burnAlertSchema.extend({ firing: z.boolean() });

export const sloStatusSchema = z
  .object({
    slo: z.string(),
    service: z.string(),
    at: instantSchema,
    objective: z
      .number()
      .gt(0)
      .lt(1)
      .meta({ description: 'The objective as a fraction: 99.9 % is 0.999' }),
    budgetingMethod: z.enum(['occurrences', 'timeslices']),
    window: z.object({
      type: z.enum(['rolling', 'calendar']),
      length: z.string().meta({
        description: '`30d` for rolling windows; `week`, `month` or `quarter` for calendar ones',
      }),
      timeZone: z.string().nullable(),
      start: instantSchema.meta({ description: 'First instant covered (inclusive)' }),
      end: instantSchema.meta({ description: 'The evaluation time (exclusive)' }),
    }),
    sli: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .meta({ description: 'Good / total over the window; null without events' }),
    events: countsSchema
      .nullable()
      .meta({ description: 'null when the source gives only an error ratio' }),
    slices: countsSchema
      .nullable()
      .meta({ description: 'Timeslices only: one-minute slices with events' }),
    errorBudget: z.object({
      remaining: z.number().meta({ description: '1 untouched, 0 spent, negative overspent' }),
      consumed: z.number(),
      allowed: z.number().nonnegative().nullable(),
      spent: countSchema.nullable(),
      unit: z.enum(['events', 'minutes']),
    }),
    burnRates: burnRatesSchema,
    alerts: z.array(alertStatusSchema).readonly(),
    exhaustionAt: instantSchema.nullable().meta({
      description: 'When the budget runs out at the 1h burn rate; null if it does not',
    }),
    source: z
      .object({
        type: z.literal('prometheus'),
        dataSource: z.string(),
        state: z.enum(['ok', 'unknown']),
        reason: z.string().nullable(),
        numbersAt: instantSchema.nullable(),
        ageSeconds: z.number().nonnegative().nullable(),
        checkedAt: instantSchema,
      })
      .optional()
      .meta({
        description:
          'SLIs read from a data source: `unknown` when the last read failed (reason says why); the numbers are then the last good ones, read at numbersAt, ageSeconds old',
      }),
  })
  .meta({ id: 'SloStatus' });

/** One SLO's status as the server shows it: the engine's, and the deploys in its window. */
export const sloStatusWithDeploysSchema = sloStatusSchema
  .extend({
    deploys: z.object({
      inWindow: z.number().int().nonnegative().meta({
        description: "Deploys of the SLO's service recorded in the window (at most 500 counted)",
      }),
      latest: z.array(sloDeployMarkSchema).meta({
        description:
          'The latest deploys in the window, newest first, with what each did to the budget',
      }),
    }),
  })
  .meta({ id: 'SloStatusWithDeploys' });

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Assignability alone lets either side grow an optional field the other lacks.
type SameShape<A, B> =
  MutuallyAssignable<A, B> extends true ? MutuallyAssignable<keyof A, keyof B> : false;

/**
 * Fails to compile when the schema and the engine's type drift apart in either
 * direction (a field, its nullability, an enum member); the tests check the values.
 */
export const SLO_STATUS_SCHEMA_MATCHES_ENGINE: SameShape<
  z.infer<typeof sloStatusSchema>,
  SloStatus
> = true;

export const sloSeriesSchema = z
  .object({
    slo: z.string(),
    from: instantSchema,
    to: instantSchema,
    step: z
      .string()
      .regex(/^(?=\d)(\d+w)?(\d+d)?(\d+h)?(\d+m)?$/)
      .meta({ description: 'The distance between points', examples: ['5m', '1h'] }),
    points: z.array(
      z.object({
        at: instantSchema,
        sli: z.number().min(0).max(1).nullable(),
        errorBudgetRemaining: z.number(),
        burnRates: burnRatesSchema,
      }),
    ),
    /**
     * Deploys of the SLO's service recorded in [from, to], oldest first: marks for
     * charts, the latest 20 with what each did to the budget.
     */
    deploys: z.array(sloDeployMarkSchema).optional(),
  })
  .meta({ id: 'SloSeries' });
export type SloSeries = z.infer<typeof sloSeriesSchema>;
