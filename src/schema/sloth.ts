// Zod schema of a Sloth `prometheus/v1` spec (slok/sloth pkg/prometheus/api/v1). Shape
// only; Sloth's own rules across fields (one SLI type, {{.window}} in queries, the
// objective's range) are checked while mapping, with messages that name the fields.
import { z } from 'zod';
import { patternedName } from './coded-issue.js';

export const SLOTH_VERSION = 'prometheus/v1';

// Sloth's naming rule for services and SLOs; `<service>-<slo>` is its sloth_id.
const slothName = patternedName(
  /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/,
  'expected a name of letters, digits, ".", "_" and "-", starting and ending with a letter or digit, e.g. requests-availability',
);

const labelsSchema = z.record(z.string(), z.string());

const query = z.string().min(1, { error: 'expected a PromQL query' });

const alertSchema = z.strictObject({
  disable: z.boolean().optional(),
  labels: labelsSchema.optional(),
  annotations: labelsSchema.optional(),
  // Read by the contrib plugin sloth.dev/contrib/alert_for/v1.
  for: z.string().optional(),
});

export const slothSloSchema = z.strictObject({
  name: slothName,
  description: z.string().optional(),
  objective: z.number(),
  labels: labelsSchema.optional(),
  infoLabels: labelsSchema.optional(),
  sli: z.strictObject({
    events: z.strictObject({ error_query: query, total_query: query }).optional(),
    raw: z.strictObject({ error_ratio_query: query }).optional(),
    plugin: z
      .strictObject({
        id: z.string(),
        options: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  }),
  alerting: z
    .strictObject({
      name: z.string().optional(),
      labels: labelsSchema.optional(),
      annotations: labelsSchema.optional(),
      page_alert: alertSchema.optional(),
      ticket_alert: alertSchema.optional(),
    })
    .optional(),
  // Prometheus rule-group evaluation intervals: a rule-generation concern.
  interval: z
    .strictObject({
      all: z.string().optional(),
      slierror: z.string().optional(),
      metadata: z.string().optional(),
      alert: z.string().optional(),
    })
    .optional(),
  plugins: z.unknown().optional(),
});

export const slothSpecSchema = z.strictObject({
  version: z.literal(SLOTH_VERSION),
  service: slothName,
  labels: labelsSchema.optional(),
  slo_plugins: z.unknown().optional(),
  slos: z.array(slothSloSchema).min(1, { error: 'expected at least one SLO' }),
});

export type SlothSpec = z.infer<typeof slothSpecSchema>;
export type SlothSlo = z.infer<typeof slothSloSchema>;
