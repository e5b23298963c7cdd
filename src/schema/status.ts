// The status of an SLO as the API answers it: the same JSON `headroom eval` prints.
// The schema documents and checks the shape; core/slo/status.ts is what produces it.
import { z } from 'zod';
import type { SloStatus } from '../core/slo/status.js';

const countsSchema = z.object({
  good: z.number(),
  bad: z.number(),
  total: z.number(),
});

const burnRatesSchema = z
  .object({
    '5m': z.number().nullable(),
    '30m': z.number().nullable(),
    '1h': z.number().nullable(),
    '2h': z.number().nullable(),
    '6h': z.number().nullable(),
    '1d': z.number().nullable(),
    '3d': z.number().nullable(),
    window: z.number().nullable(),
  })
  .meta({
    id: 'BurnRates',
    description: 'Burn rate per window; null when the window holds no events',
  });

export const sloStatusSchema = z
  .object({
    slo: z.string(),
    service: z.string(),
    at: z.string(),
    objective: z.number().meta({ description: 'The objective as a fraction: 99.9 % is 0.999' }),
    budgetingMethod: z.enum(['occurrences', 'timeslices']),
    window: z.object({
      type: z.enum(['rolling', 'calendar']),
      length: z.string(),
      timeZone: z.string().nullable(),
      start: z.string(),
      end: z.string(),
    }),
    sli: z.number().nullable(),
    events: countsSchema,
    slices: countsSchema.nullable(),
    errorBudget: z.object({
      remaining: z.number(),
      consumed: z.number(),
      allowed: z.number(),
      spent: z.number(),
      unit: z.enum(['events', 'minutes']),
    }),
    burnRates: burnRatesSchema,
    alerts: z
      .array(
        z.object({
          severity: z.enum(['page', 'ticket']),
          longWindow: z.string(),
          shortWindow: z.string(),
          factor: z.number(),
          longBurnRate: z.number().nullable(),
          shortBurnRate: z.number().nullable(),
          firing: z.boolean(),
        }),
      )
      .readonly(),
    exhaustionAt: z.string().nullable(),
  })
  .meta({ id: 'SloStatus' });

// What the schema accepts is what the engine's type describes (the other way round,
// readonly arrays aside, is checked by parsing engine output in status.test.ts).
type Infer = z.infer<typeof sloStatusSchema>;
export const STATUS_SCHEMA_FITS_ENGINE: [Infer] extends [SloStatus] ? true : false = true;

export const sloSeriesSchema = z
  .object({
    slo: z.string(),
    from: z.string(),
    to: z.string(),
    /** The distance between points, e.g. `5m`. */
    step: z.string(),
    points: z.array(
      z.object({
        at: z.string(),
        sli: z.number().nullable(),
        errorBudgetRemaining: z.number(),
        burnRates: burnRatesSchema,
      }),
    ),
  })
  .meta({ id: 'SloSeries' });
