// The headroom/v1 config kinds. The schemas validate and convert the scalar fields
// (durations to minutes, percentages to exact fractions), so that a mistake is
// reported at its own line and the format adapter only maps shapes.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { fractionFromPercent } from '../core/slo/fraction.js';
import type { Fraction } from '../core/slo/model.js';
import { parseDuration, parseRunTime } from '../core/time/duration.js';
import { addCodedIssue } from './coded-issue.js';

export type { CodedIssueParams } from './coded-issue.js';

export const HEADROOM_API_VERSION = 'headroom/v1';
// Every kind; their schemas are joined in schema/documents.ts (kinds with schema files
// of their own import this one, so the union cannot live here).
export const HEADROOM_KINDS = [
  'Service',
  'SLO',
  'DataSource',
  'Schedule',
  'ErrorBudgetPolicy',
  'EscalationPolicy',
  'Runbook',
  'IncidentSettings',
  'Heartbeat',
] as const;
export type HeadroomKind = (typeof HEADROOM_KINDS)[number];

// Checks of a mapping or a list run even when one of its fields already failed, so
// that one pass reports every mistake of a document; they read fields defensively.
const whenMapping = {
  when: (payload: { value: unknown }) =>
    typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
};
const whenList = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };

const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_MAX_LENGTH = 63;
const NAME_RULE = `lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${NAME_MAX_LENGTH} characters`;

/** A lowercase DNS label, like Kubernetes names: it ends up in URLs and metric labels. */
export const nameSchema = z
  .string()
  .superRefine((name, ctx) => {
    if (name.length > NAME_MAX_LENGTH) {
      addCodedIssue(
        ctx,
        'invalid_name',
        `name is ${name.length} characters long; names have at most ${NAME_MAX_LENGTH} characters`,
      );
    } else if (!NAME_PATTERN.test(name)) {
      addCodedIssue(
        ctx,
        'invalid_name',
        `${JSON.stringify(name)} is not a valid name; use ${NAME_RULE}`,
      );
    }
  })
  .meta({ pattern: NAME_PATTERN.source, maxLength: NAME_MAX_LENGTH });

/** A reference to a Service by name; whether it exists is a cross-document check. */
const serviceReferenceSchema = nonEmptyString('service name');

function nonEmptyString(what: string): z.ZodString {
  return z.string().superRefine((text, ctx) => {
    if (text.trim() === '') addCodedIssue(ctx, 'empty_value', `${what} must not be empty`);
  });
}

/** A duration such as 5m, 1h30m or 30d, as whole minutes. */
export const durationSchema = z
  .string()
  .transform((text, ctx) => {
    const parsed = parseDuration(text);
    if (parsed.ok) return parsed.minutes;
    addCodedIssue(ctx, 'invalid_duration', parsed.reason);
    return z.NEVER;
  })
  .meta({ pattern: '^(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?$', examples: ['5m', '1h30m', '30d', '4w'] });

/** How long a job's run takes, to the second: `45s`, `1m30s`, `2h`. Parsed to seconds. */
export const runTimeSchema = z
  .string()
  .transform((text, ctx) => {
    const parsed = parseRunTime(text);
    if (parsed.ok) return parsed.seconds;
    addCodedIssue(ctx, 'invalid_duration', parsed.reason);
    return z.NEVER;
  })
  .meta({ pattern: '^(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?$', examples: ['45s', '1m30s', '2h'] });

/**
 * A percentage as an exact fraction. `maxInclusive` because an objective of 100 %
 * leaves no error budget, while a time slice may demand all of its events be good.
 */
function percentSchema(field: string, maxInclusive: boolean, example: string) {
  return z
    .number()
    .transform((percent, ctx): Fraction => {
      const range = maxInclusive ? `above 0 and at most 100` : `above 0 and below 100`;
      if (percent <= 0 || percent > 100 || (percent === 100 && !maxInclusive)) {
        const why =
          percent === 100
            ? `${field} 100 leaves no error budget; use a percentage below 100, e.g. ${example}`
            : `${field} ${percent} is out of range; use a percentage ${range}, e.g. ${example}`;
        addCodedIssue(ctx, 'out_of_range', why);
        return z.NEVER;
      }
      const fraction = fractionFromPercent(percent);
      if (fraction === undefined) {
        addCodedIssue(
          ctx,
          'too_precise',
          `${field} ${percent} has too many digits to be kept exact; use at most 15 significant digits`,
        );
        return z.NEVER;
      }
      return fraction;
    })
    .meta(
      maxInclusive
        ? { exclusiveMinimum: 0, maximum: 100, examples: [Number(example)] }
        : { exclusiveMinimum: 0, exclusiveMaximum: 100, examples: [Number(example)] },
    );
}

const labelsSchema = z.record(z.string(), z.string());

export const metadataSchema = z.strictObject({
  name: nameSchema,
  labels: labelsSchema.default({}),
  /** Free-form notes for people and tools; Headroom keeps no meaning in them. */
  annotations: labelsSchema.optional(),
});

export const TIERS = ['critical', 'standard', 'low'] as const;

const runbookSchema = z
  .string()
  .superRefine((text, ctx) => {
    if (!isHttpUrl(text)) {
      addCodedIssue(
        ctx,
        'invalid_url',
        `runbook must be an http(s) URL such as https://runbooks.example.com/checkout; got ${JSON.stringify(text)}`,
      );
    }
  })
  .meta({ format: 'uri', pattern: '^https?://' });

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

export const dependencySchema = z.strictObject({
  service: serviceReferenceSchema,
  /** Critical: this service fails when the dependency fails; incidents escalate along it. */
  critical: z.boolean().default(false),
});

export const serviceSpecSchema = z.strictObject({
  team: nonEmptyString('team'),
  tier: z.enum(TIERS).default('standard'),
  description: z.string().optional(),
  runbook: runbookSchema.optional(),
  dependencies: z
    .array(dependencySchema)
    .default([])
    .superRefine((dependencies, ctx) => {
      const seen = new Set<string>();
      dependencies.forEach((dependency, index) => {
        const service = (dependency as Partial<typeof dependency> | undefined)?.service;
        if (typeof service !== 'string') return;
        if (seen.has(service)) {
          addCodedIssue(
            ctx,
            'duplicate_dependency',
            `dependency on "${service}" is listed twice; keep one entry`,
            [index, 'service'],
          );
        }
        seen.add(service);
      });
    }, whenList),
});

export const THRESHOLD_OPERATORS = ['lte', 'lt', 'gte', 'gt'] as const;

export const ratioSliSchema = z.strictObject({
  /** Which count the source reports besides the total. */
  counts: z.enum(['good', 'bad']).default('good'),
});

export const thresholdSliSchema = z.strictObject({
  /** An event is good when `value <operator> threshold`. */
  operator: z.enum(THRESHOLD_OPERATORS).default('lte'),
  value: z.number(),
  unit: z.string().optional(),
});

export const PROMETHEUS_QUERY_FIELDS = [
  'goodQuery',
  'badQuery',
  'totalQuery',
  'errorRatioQuery',
] as const;

/**
 * Where the counts come from when Headroom reads them itself. Written by conversion
 * from OpenSLO and Sloth too, so that any SLO is a headroom/v1 document without loss.
 */
export const prometheusSourceSchema = z
  .strictObject({
    /** The data source's name, as OpenSLO names it; none: the default Prometheus. */
    dataSource: z.string().optional(),
    goodQuery: nonEmptyString('goodQuery').optional(),
    badQuery: nonEmptyString('badQuery').optional(),
    totalQuery: nonEmptyString('totalQuery').optional(),
    /** The failure ratio itself (Sloth `raw.error_ratio_query`, OpenSLO `raw`). */
    errorRatioQuery: nonEmptyString('errorRatioQuery').optional(),
  })
  .superRefine((source, ctx) => {
    const given = source as Partial<Record<string, unknown>> | undefined;
    if (PROMETHEUS_QUERY_FIELDS.every((field) => given?.[field] === undefined)) {
      addCodedIssue(
        ctx,
        'missing_field',
        `a Prometheus source needs at least one query: ${PROMETHEUS_QUERY_FIELDS.join(', ')}`,
      );
    }
  }, whenMapping);

/** The runs of a Heartbeat check as the SLI: each finished run, and each slot that
 * passed without one, is an event that Headroom counts itself. */
export const heartbeatSourceSchema = z.strictObject({
  /** The Heartbeat's name; it must belong to the SLO's service. */
  name: z.string().min(1),
  /** A successful run that took longer than this is bad too. */
  maxDuration: durationSchema.optional(),
});

/** Absent from an SLI: the counts are pushed as events (NDJSON, API). */
export const sliSourceSchema = z
  .strictObject({
    prometheus: prometheusSourceSchema.optional(),
    heartbeat: heartbeatSourceSchema.optional(),
  })
  .superRefine((source, ctx) => {
    const given = source as Partial<typeof source> | undefined;
    const kinds = (['prometheus', 'heartbeat'] as const).filter(
      (kind) => given?.[kind] !== undefined,
    );
    if (kinds.length === 0) {
      addCodedIssue(
        ctx,
        'missing_field',
        'a source is prometheus: {...} or heartbeat: {name: ...}; leave source out for pushed events',
      );
    } else if (kinds.length > 1) {
      addCodedIssue(ctx, 'conflicting_fields', 'an SLI has one source; remove one', ['heartbeat']);
    }
  }, whenMapping);

export const sliSchema = z
  .strictObject({
    // `ratio:` with nothing after it reads as null in YAML: the defaults are meant.
    ratio: ratioSliSchema.nullable().optional(),
    threshold: thresholdSliSchema.optional(),
    source: sliSourceSchema.optional(),
  })
  .superRefine((sli, ctx) => {
    const hasRatio = (sli as Partial<typeof sli> | undefined)?.ratio !== undefined;
    const hasThreshold = (sli as Partial<typeof sli> | undefined)?.threshold !== undefined;
    if (!hasRatio && !hasThreshold) {
      addCodedIssue(
        ctx,
        'missing_field',
        'expected one of ratio or threshold, e.g. ratio: { counts: good }',
      );
    } else if (hasRatio && hasThreshold) {
      addCodedIssue(
        ctx,
        'conflicting_fields',
        'an SLI is either ratio or threshold, not both; remove one',
        ['threshold'],
      );
    } else if (hasThreshold && (sli as Partial<typeof sli>).source?.heartbeat !== undefined) {
      addCodedIssue(
        ctx,
        'conflicting_fields',
        'a heartbeat SLI counts runs as good or bad: write it as ratio: {counts: good}',
        ['threshold'],
      );
    }
  }, whenMapping);

export const CALENDAR_UNITS = ['week', 'month', 'quarter'] as const;

export const calendarWindowSchema = z.strictObject({
  calendar: z.enum(CALENDAR_UNITS),
  /** Where the calendar period starts and ends; an IANA zone name. */
  timeZone: z
    .string()
    .superRefine((zone, ctx) => {
      if (!IANAZone.isValidZone(zone)) {
        addCodedIssue(
          ctx,
          'invalid_time_zone',
          `unknown time zone ${JSON.stringify(zone)}; expected an IANA zone name such as Europe/Amsterdam or UTC`,
        );
      }
    })
    .default('UTC'),
});

/** A rolling window (a duration) or a calendar window; the format adapter picks the branch by the input's type. */
export const windowSchema = z.union([durationSchema, calendarWindowSchema], {
  error:
    'expected a rolling window such as 30d, or a calendar window such as { calendar: month, timeZone: Europe/Amsterdam }',
});

export const ALERT_SEVERITIES = ['page', 'ticket'] as const;

export const alertRuleSchema = z
  .strictObject({
    severity: z.enum(ALERT_SEVERITIES),
    longWindow: durationSchema,
    shortWindow: durationSchema,
    factor: z
      .number()
      .positive({ error: 'factor must be above 0: the burn rate that fires the alert, e.g. 14.4' }),
  })
  .superRefine((rule, ctx) => {
    const { longWindow, shortWindow } = (rule as Partial<typeof rule> | undefined) ?? {};
    if (
      typeof longWindow === 'number' &&
      typeof shortWindow === 'number' &&
      shortWindow >= longWindow
    ) {
      addCodedIssue(
        ctx,
        'out_of_range',
        'shortWindow must be shorter than longWindow (e.g. longWindow: 1h, shortWindow: 5m)',
        ['shortWindow'],
      );
    }
  }, whenMapping);

export const alertingSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Replace the defaults (the Workbook's four rules scaled to the window). */
  rules: z
    .array(alertRuleSchema)
    .min(1, {
      error: 'rules must not be empty; omit rules for the default rules, or set enabled: false',
    })
    .optional(),
});

export const BUDGETING_METHODS = ['occurrences', 'timeslices'] as const;

export const sloSpecSchema = z
  .strictObject({
    service: serviceReferenceSchema,
    description: z.string().optional(),
    sli: sliSchema,
    objective: percentSchema('objective', false, '99.9'),
    window: windowSchema,
    budgetingMethod: z.enum(BUDGETING_METHODS).default('occurrences'),
    timeSliceTarget: percentSchema('timeSliceTarget', true, '95').optional(),
    alerting: alertingSchema.default({ enabled: true }),
  })
  .superRefine((spec, ctx) => {
    const { budgetingMethod, timeSliceTarget } = (spec as Partial<typeof spec> | undefined) ?? {};
    if (budgetingMethod === 'timeslices' && timeSliceTarget === undefined) {
      addCodedIssue(
        ctx,
        'missing_field',
        'budgetingMethod timeslices needs timeSliceTarget: the percentage of good events that makes a one-minute slice good, e.g. 95',
        ['budgetingMethod'],
      );
    } else if (budgetingMethod !== 'timeslices' && timeSliceTarget !== undefined) {
      addCodedIssue(
        ctx,
        'conflicting_fields',
        'timeSliceTarget applies only to budgetingMethod: timeslices; set budgetingMethod: timeslices or remove timeSliceTarget',
        ['timeSliceTarget'],
      );
    }
  }, whenMapping);

/**
 * A secret named, never written: the server reads it from its environment or a file
 * when it connects, so config files, the database and the API never hold it.
 */
export const secretReferenceSchema = z.union([
  z.strictObject({
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
  }),
  z.strictObject({ file: nonEmptyString('file') }),
]);

const urlSchema = z
  .string()
  .superRefine((text, ctx) => {
    if (!isHttpUrl(text)) {
      addCodedIssue(
        ctx,
        'invalid_url',
        `url must be an http(s) URL such as http://prometheus:9090; got ${JSON.stringify(text)}`,
      );
    }
  })
  .meta({ format: 'uri', pattern: '^https?://' });

export const DATA_SOURCE_TYPES = ['prometheus'] as const;

export const dataSourceSpecSchema = z.strictObject({
  type: z.enum(DATA_SOURCE_TYPES),
  /** The Prometheus API root (Thanos Query, Mimir's /prometheus prefix, …). */
  url: urlSchema,
  /** SLOs whose source names no data source read this one (or the only one there is). */
  default: z.boolean().default(false),
  timeoutSeconds: z.number().positive().max(300).default(10),
  /** Extra request headers, e.g. X-Scope-OrgID for a Mimir or Cortex tenant. */
  headers: z.record(z.string(), z.string()).default({}),
  bearerToken: secretReferenceSchema.optional(),
  basicAuth: z
    .strictObject({ username: nonEmptyString('username'), password: secretReferenceSchema })
    .optional(),
  tls: z
    .strictObject({
      /** A PEM file of the CA that signed the server's certificate. */
      caFile: nonEmptyString('caFile').optional(),
      insecureSkipVerify: z.boolean().default(false),
    })
    .optional(),
  /**
   * At most this many expressions are combined into one HTTP query: Prometheus caps
   * the samples one query may load (--query.max-samples).
   */
  maxExpressionsPerQuery: z.number().int().positive().max(10_000).default(2_000),
});

export const serviceDocumentSchema = z.strictObject({
  apiVersion: z.literal(HEADROOM_API_VERSION),
  kind: z.literal('Service'),
  metadata: metadataSchema,
  spec: serviceSpecSchema,
});

export const sloDocumentSchema = z.strictObject({
  apiVersion: z.literal(HEADROOM_API_VERSION),
  kind: z.literal('SLO'),
  metadata: metadataSchema,
  spec: sloSpecSchema,
});

export const dataSourceDocumentSchema = z.strictObject({
  apiVersion: z.literal(HEADROOM_API_VERSION),
  kind: z.literal('DataSource'),
  metadata: metadataSchema,
  spec: dataSourceSpecSchema,
});

/** Validated documents: durations in minutes, percentages as exact fractions, defaults filled in. */
export type ServiceDocument = z.output<typeof serviceDocumentSchema>;
export type SloDocument = z.output<typeof sloDocumentSchema>;
export type DataSourceDocument = z.output<typeof dataSourceDocumentSchema>;
/** Documents as written in YAML. */
export type ServiceDocumentInput = z.input<typeof serviceDocumentSchema>;
export type SloDocumentInput = z.input<typeof sloDocumentSchema>;
export type DataSourceDocumentInput = z.input<typeof dataSourceDocumentSchema>;
