// The on-call API's request and response bodies.
import { z } from 'zod';
import { instantQuerySchema, instantSchema } from './api.js';
import { offsetInstantSchema } from './schedule.js';

const shiftSourceSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('layer'), index: z.number().int(), layer: z.string() }),
    z.object({
      kind: z.literal('override'),
      index: z.number().int(),
      reason: z.string().nullable(),
    }),
  ])
  .nullable()
  .meta({ description: 'What decides it: a layer of the schedule or an override; null: nobody' });

export const onCallTurnSchema = z.object({
  user: z.string().nullable().meta({ description: 'null: nobody is on call' }),
  source: shiftSourceSchema,
  since: instantSchema.nullable().meta({ description: 'null: more than a year ago' }),
  until: instantSchema.nullable().meta({ description: 'null: not within a year' }),
});

export const onCallSchema = z
  .object({
    schedule: z.string(),
    timeZone: z
      .string()
      .meta({ description: "The schedule's IANA zone: the clock its hand-offs are written on" }),
    at: instantSchema,
    current: onCallTurnSchema,
    next: onCallTurnSchema.nullable(),
  })
  .meta({ id: 'OnCall' });

const shiftSchema = z.object({
  user: z.string().nullable(),
  source: shiftSourceSchema,
  start: instantSchema,
  end: instantSchema,
});

export const shiftsSchema = z
  .object({
    schedule: z.string(),
    from: instantSchema,
    to: instantSchema,
    shifts: z.array(shiftSchema).meta({ description: 'The final timeline, overrides applied' }),
    layers: z.array(
      z.object({
        layer: z.string(),
        timeZone: z.string(),
        shifts: z.array(z.object({ user: z.string(), start: instantSchema, end: instantSchema })),
      }),
    ),
  })
  .meta({ id: 'Shifts' });

export const scheduleSummarySchema = z.object({
  name: z.string(),
  team: z.string().nullable(),
  description: z.string().nullable(),
  timeZone: z.string(),
  layers: z.array(z.string()),
  document: z.unknown().meta({ description: 'The canonical headroom/v1 Schedule document' }),
});

export const shiftsQuerySchema = z.object({
  from: instantQuerySchema.optional(),
  to: instantQuerySchema.optional(),
});

export const overrideInputSchema = z.strictObject({
  user: z.string().min(1),
  start: offsetInstantSchema,
  end: offsetInstantSchema,
  reason: z.string().optional(),
});

export const feedQuerySchema = z.object({
  token: z.string().optional().meta({
    description:
      'An API token, for calendar apps that cannot send an Authorization header; use a reader token made for the feed',
  }),
});
