// Zod schemas of the OpenSLO v1 kinds Headroom reads. They check shape only (types,
// unknown fields, ranges); rules that span fields (indicator XOR indicatorRef, good
// XOR bad, ...) are checked while mapping, where the message can name both fields.
import { z } from 'zod';
import { patternedName } from './coded-issue.js';

export const OPENSLO_API_VERSION = 'openslo/v1';

export const openSloKinds = [
  'Service',
  'SLO',
  'SLI',
  'DataSource',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
] as const;
export type OpenSloKind = (typeof openSloKinds)[number];

export const openSloOperators = ['lte', 'lt', 'gte', 'gt'] as const;

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

// Labels are free metadata: unquoted YAML scalars (`userImpacting: true`) are read as
// their text instead of failing a file that every other OpenSLO tool accepts.
const labelValue = z.custom<Scalar | Scalar[]>(
  (value) => isScalar(value) || (Array.isArray(value) && value.every(isScalar)),
  { error: 'expected a label value: a string or a list of strings' },
);
const annotationValue = z.custom<Scalar>(isScalar, {
  error: 'expected an annotation value: a string',
});

/** Names of objects that become Headroom services and SLOs: RFC 1123 labels, as OpenSLO requires. */
const modelName = patternedName(
  /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  'expected a name of at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (RFC 1123), e.g. checkout-availability',
);
/** Names that are only referred to (SLI, AlertPolicy, ...): OpenSLO's own examples use capitals. */
const refName = z.string().min(1, { error: 'expected a non-empty name' });

function metadataSchema(name: z.ZodString) {
  return z.strictObject({
    name,
    displayName: z.string().optional(),
    labels: z.record(z.string(), labelValue).optional(),
    annotations: z.record(z.string(), annotationValue).optional(),
  });
}

function objectSchema<Kind extends OpenSloKind, Spec extends z.ZodType>(
  kind: Kind,
  name: z.ZodString,
  spec: Spec,
) {
  return z.strictObject({
    apiVersion: z.literal(OPENSLO_API_VERSION),
    kind: z.literal(kind),
    metadata: metadataSchema(name),
    spec,
  });
}

export const openSloMetricSourceSchema = z.strictObject({
  metricSourceRef: refName.optional(),
  type: z.string().min(1, { error: 'expected a non-empty type, e.g. Prometheus' }).optional(),
  // Free-form per data source type; Prometheus reads `query` (or `promql`) from it.
  spec: z.record(z.string(), z.unknown()).optional(),
});

const metricSchema = z.strictObject({ metricSource: openSloMetricSourceSchema });

export const openSloSliSpecSchema = z.strictObject({
  description: z.string().optional(),
  thresholdMetric: metricSchema.optional(),
  ratioMetric: z
    .strictObject({
      counter: z.boolean().optional(),
      good: metricSchema.optional(),
      bad: metricSchema.optional(),
      total: metricSchema.optional(),
      rawType: z.enum(['success', 'failure']).optional(),
      raw: metricSchema.optional(),
    })
    .optional(),
});

const inlineSliSchema = z.strictObject({
  apiVersion: z.literal(OPENSLO_API_VERSION).optional(),
  kind: z.literal('SLI').optional(),
  metadata: metadataSchema(refName).optional(),
  spec: openSloSliSpecSchema,
});

const durationText = z.string().min(1, { error: 'expected a duration such as 30d, 4w or 1M' });

export const openSloAlertConditionSpecSchema = z.strictObject({
  description: z.string().optional(),
  severity: z.string().min(1, { error: 'expected a severity such as page or ticket' }),
  condition: z.strictObject({
    kind: z.literal('burnrate').optional(),
    op: z.enum(openSloOperators),
    threshold: z.number(),
    lookbackWindow: durationText,
    alertAfter: z.string().optional(),
  }),
});

/** A condition in a policy: `conditionRef`, or an inline AlertCondition; which one is checked when mapping. */
const conditionItemSchema = z.strictObject({
  conditionRef: refName.optional(),
  apiVersion: z.literal(OPENSLO_API_VERSION).optional(),
  kind: z.literal('AlertCondition').optional(),
  metadata: metadataSchema(refName).optional(),
  spec: openSloAlertConditionSpecSchema.optional(),
});

export const openSloAlertPolicySpecSchema = z.strictObject({
  description: z.string().optional(),
  alertWhenNoData: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  conditions: z.array(conditionItemSchema).min(1, { error: 'expected one condition' }),
  // Delivery is Headroom's escalation policy's job: targets are accepted and not read.
  notificationTargets: z.array(z.unknown()).optional(),
});

/** An alert policy in an SLO: `alertPolicyRef`, or an inline AlertPolicy. */
const alertPolicyItemSchema = z.strictObject({
  alertPolicyRef: refName.optional(),
  apiVersion: z.literal(OPENSLO_API_VERSION).optional(),
  kind: z.literal('AlertPolicy').optional(),
  metadata: metadataSchema(refName).optional(),
  spec: openSloAlertPolicySpecSchema.optional(),
});

const numberOrText = z.custom<number | string>(
  (value) => typeof value === 'number' || typeof value === 'string',
  { error: 'expected minutes as a number or a duration such as 1m' },
);

export const openSloObjectiveSchema = z.strictObject({
  displayName: z.string().optional(),
  op: z.enum(openSloOperators).optional(),
  value: z.number().optional(),
  target: z
    .number()
    .gt(0, { error: 'target must be above 0 and below 1, e.g. 0.999' })
    .lt(1, { error: 'target must be above 0 and below 1, e.g. 0.999; 1 leaves no error budget' })
    .optional(),
  targetPercent: z
    .number()
    .gt(0, { error: 'targetPercent must be above 0 and below 100, e.g. 99.9' })
    .lt(100, {
      error: 'targetPercent must be above 0 and below 100, e.g. 99.9; 100 leaves no error budget',
    })
    .optional(),
  timeSliceTarget: z
    .number()
    .gt(0, { error: 'timeSliceTarget must be above 0 and at most 1, e.g. 0.95' })
    .lte(1, { error: 'timeSliceTarget must be above 0 and at most 1, e.g. 0.95' })
    .optional(),
  timeSliceWindow: numberOrText.optional(),
  // Composite objectives: recognised so that the error says "not supported", not "unknown".
  indicator: z.unknown().optional(),
  indicatorRef: z.string().optional(),
  compositeWeight: z.number().optional(),
});

export const openSloTimeWindowSchema = z.strictObject({
  duration: durationText,
  isRolling: z.boolean().optional(),
  calendar: z
    .strictObject({
      startTime: z.string(),
      timeZone: z.string(),
    })
    .optional(),
});

export const openSloSloSpecSchema = z.strictObject({
  description: z.string().optional(),
  service: modelName,
  indicator: inlineSliSchema.optional(),
  indicatorRef: refName.optional(),
  timeWindow: z.array(openSloTimeWindowSchema),
  budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
  objectives: z.array(openSloObjectiveSchema),
  alertPolicies: z.array(alertPolicyItemSchema).optional(),
});

export const openSloServiceSchema = objectSchema(
  'Service',
  modelName,
  z.strictObject({ description: z.string().optional() }).nullish(),
);
export const openSloSloSchema = objectSchema('SLO', modelName, openSloSloSpecSchema);
export const openSloSliSchema = objectSchema('SLI', refName, openSloSliSpecSchema);
// Only name and type are read; connection details (credentials) stay with the data source.
export const openSloDataSourceSchema = objectSchema(
  'DataSource',
  refName,
  z.looseObject({ type: z.string().min(1, { error: 'expected a type, e.g. Prometheus' }) }),
);
export const openSloAlertPolicySchema = objectSchema(
  'AlertPolicy',
  refName,
  openSloAlertPolicySpecSchema,
);
export const openSloAlertConditionSchema = objectSchema(
  'AlertCondition',
  refName,
  openSloAlertConditionSpecSchema,
);
export const openSloAlertNotificationTargetSchema = objectSchema(
  'AlertNotificationTarget',
  refName,
  z.unknown(),
);

export type OpenSloMetadata = z.infer<ReturnType<typeof metadataSchema>>;
export type OpenSloMetricSource = z.infer<typeof openSloMetricSourceSchema>;
export type OpenSloSliSpec = z.infer<typeof openSloSliSpecSchema>;
export type OpenSloObjective = z.infer<typeof openSloObjectiveSchema>;
export type OpenSloTimeWindow = z.infer<typeof openSloTimeWindowSchema>;
export type OpenSloAlertConditionSpec = z.infer<typeof openSloAlertConditionSpecSchema>;
export type OpenSloAlertPolicySpec = z.infer<typeof openSloAlertPolicySpecSchema>;
export type OpenSloService = z.infer<typeof openSloServiceSchema>;
export type OpenSloSlo = z.infer<typeof openSloSloSchema>;
export type OpenSloSli = z.infer<typeof openSloSliSchema>;
export type OpenSloDataSource = z.infer<typeof openSloDataSourceSchema>;
export type OpenSloAlertPolicy = z.infer<typeof openSloAlertPolicySchema>;
export type OpenSloAlertCondition = z.infer<typeof openSloAlertConditionSchema>;
