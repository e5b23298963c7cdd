// Reads OpenSLO v1 documents into Headroom's model. All documents of a config are read
// together: SLOs refer to SLIs, alert policies, alert conditions and data sources by
// name, in any file. Each document is validated on its own and contributes nothing
// when it has errors; a reference to such a document is an error of its own.
import { DateTime, IANAZone } from 'luxon';
import type { z } from 'zod';
import { fractionFromDecimal, fractionFromPercent } from '../../core/slo/fraction.js';
import {
  prometheusSliSource,
  type Alerting,
  type BudgetingMethod,
  type BurnRateAlertRule,
  type CalendarUnit,
  type Fraction,
  type PrometheusSliSource,
  type Service,
  type Sli,
  type SliSource,
  type Slo,
  type SloWindow,
  type Tier,
} from '../../core/slo/model.js';
import { parseDuration } from '../../core/time/duration.js';
import {
  openSloAlertConditionSchema,
  openSloAlertNotificationTargetSchema,
  openSloAlertPolicySchema,
  openSloDataSourceSchema,
  openSloKinds,
  openSloServiceSchema,
  openSloSliSchema,
  openSloSloSchema,
  type OpenSloAlertCondition,
  type OpenSloAlertConditionSpec,
  type OpenSloAlertPolicy,
  type OpenSloAlertPolicySpec,
  type OpenSloDataSource,
  type OpenSloKind,
  type OpenSloMetadata,
  type OpenSloMetricSource,
  type OpenSloObjective,
  type OpenSloService,
  type OpenSloSli,
  type OpenSloSliSpec,
  type OpenSloSlo,
  type OpenSloTimeWindow,
} from '../../schema/openslo.js';
import {
  IssueCollector,
  positionOf,
  type FieldPath,
  type Located,
  type SourceDocument,
} from '../document.js';
import { closest, reportZodIssues } from '../zod-issues.js';
import type { FormatResult } from './types.js';

const TIERS: readonly Tier[] = ['critical', 'standard', 'low'];
const PAGE_SEVERITIES = new Set(['page', 'critical', 'high']);
const CALENDAR_UNITS: Readonly<Record<string, CalendarUnit>> = {
  '1w': 'week',
  '1M': 'month',
  '1Q': 'quarter',
};
const CALENDAR_STARTS: Readonly<Record<CalendarUnit, string>> = {
  week: 'on a Monday at 00:00',
  month: 'on day 1 at 00:00',
  quarter: 'on 1 January, April, July or October at 00:00',
};
const START_TIME_FORMAT = 'yyyy-MM-dd HH:mm:ss';

// The issue reporter tells a wrong type from a missing field by the input.
const PARSE_OPTIONS = { reportInput: true };

/** What an SLI says before the objective adds a threshold SLI's operator and value. */
type Indicator =
  | { readonly kind: 'ratio'; readonly counts: 'good' | 'bad'; readonly source: SliSource }
  | { readonly kind: 'threshold'; readonly source: SliSource };

/** A referable document: its mapped value, or undefined when it has errors. */
interface Entry<T> {
  readonly source: SourceDocument;
  readonly value: T | undefined;
}

type Table<T> = Map<string, Entry<T>>;

interface Parsed<T> {
  readonly source: SourceDocument;
  readonly data: T;
}

/** Referable documents by kind, in the order of mapping: each kind refers only to those above it. */
interface Registry {
  readonly dataSources: Table<string>;
  readonly slis: Table<Indicator>;
  readonly conditions: Table<BurnRateAlertRule>;
  readonly policies: Table<readonly BurnRateAlertRule[]>;
}

type ReferableKind = 'DataSource' | 'SLI' | 'AlertCondition' | 'AlertPolicy';

export function readOpenSloDocuments(
  sources: SourceDocument[],
  issues: IssueCollector,
): FormatResult {
  const reader = new OpenSloReader(issues);
  for (const source of sources) reader.declare(source);
  return reader.map();
}

class OpenSloReader {
  private readonly services: Parsed<OpenSloService>[] = [];
  private readonly slos: Parsed<OpenSloSlo>[] = [];
  private readonly pending = {
    DataSource: [] as Parsed<OpenSloDataSource>[],
    SLI: [] as Parsed<OpenSloSli>[],
    AlertCondition: [] as Parsed<OpenSloAlertCondition>[],
    AlertPolicy: [] as Parsed<OpenSloAlertPolicy>[],
  };
  private readonly registry: Registry = {
    dataSources: new Map(),
    slis: new Map(),
    conditions: new Map(),
    policies: new Map(),
  };

  constructor(private readonly issues: IssueCollector) {}

  /** Validates the shape of one document and records it under its name. */
  declare(source: SourceDocument): void {
    const kind = this.kindOf(source);
    switch (kind) {
      case undefined:
        return;
      case 'Service': {
        const data = this.parse(source, openSloServiceSchema);
        if (data !== undefined) this.services.push({ source, data });
        return;
      }
      case 'SLO': {
        const data = this.parse(source, openSloSloSchema);
        if (data !== undefined) this.slos.push({ source, data });
        return;
      }
      case 'DataSource':
        this.declareReferable(
          source,
          kind,
          openSloDataSourceSchema,
          this.registry.dataSources,
          this.pending.DataSource,
        );
        return;
      case 'SLI':
        this.declareReferable(source, kind, openSloSliSchema, this.registry.slis, this.pending.SLI);
        return;
      case 'AlertCondition':
        this.declareReferable(
          source,
          kind,
          openSloAlertConditionSchema,
          this.registry.conditions,
          this.pending.AlertCondition,
        );
        return;
      case 'AlertPolicy':
        this.declareReferable(
          source,
          kind,
          openSloAlertPolicySchema,
          this.registry.policies,
          this.pending.AlertPolicy,
        );
        return;
      case 'AlertNotificationTarget':
        // Validated, then not read: notifications go through Headroom's escalation policies.
        this.parse(source, openSloAlertNotificationTargetSchema);
        return;
    }
  }

  map(): FormatResult {
    for (const { source, data } of this.pending.DataSource) {
      this.registry.dataSources.set(data.metadata.name, { source, value: data.spec.type });
    }
    for (const { source, data } of this.pending.SLI) {
      const value = this.checked(() => this.indicatorOf(data.spec, source, ['spec']));
      this.registry.slis.set(data.metadata.name, { source, value });
    }
    for (const { source, data } of this.pending.AlertCondition) {
      const value = this.checked(() => this.ruleOf(data.spec, source, ['spec']));
      this.registry.conditions.set(data.metadata.name, { source, value });
    }
    for (const { source, data } of this.pending.AlertPolicy) {
      const value = this.checked(() => this.policyRulesOf(data.spec, source, ['spec']));
      this.registry.policies.set(data.metadata.name, { source, value });
    }
    const services: Located<Service>[] = this.services.map(({ source, data }) => ({
      value: this.serviceOf(data, source),
      source,
      path: [],
    }));
    const slos: Located<Slo>[] = [];
    for (const { source, data } of this.slos) {
      const value = this.checked(() => this.sloOf(data, source));
      if (value !== undefined) slos.push({ value, source, path: [] });
    }
    return {
      services,
      impliedServices: [],
      slos,
      dataSources: [],
      schedules: [],
      policies: [],
      escalationPolicies: [],
      runbooks: [],
      incidentSettings: [],
      heartbeats: [],
    };
  }

  // ---- documents -------------------------------------------------------------

  private kindOf(source: SourceDocument): OpenSloKind | undefined {
    const value = source.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.issues.error(
        source,
        [],
        'invalid_type',
        'expected an OpenSLO object with apiVersion, kind, metadata and spec',
      );
      return undefined;
    }
    const kind = (value as { kind?: unknown }).kind;
    const supported = openSloKinds.join(', ');
    if (kind === undefined) {
      this.issues.error(
        source,
        ['kind'],
        'missing_field',
        `required field is missing; expected one of ${supported}`,
      );
      return undefined;
    }
    const known = openSloKinds.find((candidate) => candidate === kind);
    if (known !== undefined) return known;
    const suggestion = typeof kind === 'string' ? closest(kind, openSloKinds) : undefined;
    const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
    this.issues.error(
      source,
      ['kind'],
      'unknown_kind',
      `unknown OpenSLO kind ${JSON.stringify(kind)}${hint} (supported: ${supported})`,
    );
    return undefined;
  }

  private parse<T>(source: SourceDocument, schema: z.ZodType<T>): T | undefined {
    const result = schema.safeParse(source.value, PARSE_OPTIONS);
    if (result.success) return result.data;
    reportZodIssues(result.error, schema, source, [], this.issues);
    return undefined;
  }

  /**
   * Parses a document that others refer to by name. A document with errors is still
   * recorded (without a value) so that references to it say so instead of "unknown".
   */
  private declareReferable<T extends { metadata: OpenSloMetadata }, V>(
    source: SourceDocument,
    kind: ReferableKind,
    schema: z.ZodType<T>,
    table: Table<V>,
    pending: Parsed<T>[],
  ): void {
    const data = this.parse(source, schema);
    const name = data?.metadata.name ?? nameOf(source.value);
    if (name === undefined) return;
    const earlier = table.get(name);
    if (earlier !== undefined) {
      this.issues.error(
        source,
        ['metadata', 'name'],
        'duplicate_name',
        `${kind} "${name}" is already defined at ${where(earlier.source)}; ${kind} names must be unique`,
      );
      return;
    }
    table.set(name, { source, value: undefined });
    if (data !== undefined) pending.push({ source, data });
  }

  /** Runs `map`; undefined when it reported any error, so that half-read objects never escape. */
  private checked<T>(map: () => T | undefined): T | undefined {
    const before = errorCount(this.issues);
    const value = map();
    return errorCount(this.issues) === before ? value : undefined;
  }

  private lookUp<T>(
    kind: ReferableKind,
    name: string,
    table: Table<T>,
    source: SourceDocument,
    path: FieldPath,
  ): T | undefined {
    const entry = table.get(name);
    if (entry === undefined) {
      const known = [...table.keys()];
      const suggestion = closest(name, known);
      const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
      const list = known.length === 0 ? `no ${kind} is defined` : `defined: ${known.join(', ')}`;
      this.issues.error(
        source,
        path,
        'unknown_reference',
        `unknown ${kind} "${name}"${hint} (${list})`,
      );
      return undefined;
    }
    if (entry.value === undefined) {
      this.issues.error(
        source,
        path,
        'invalid_reference',
        `${kind} "${name}" at ${where(entry.source)} has errors; fix them first`,
      );
    }
    return entry.value;
  }

  // ---- Service -----------------------------------------------------------------

  private serviceOf(data: OpenSloService, source: SourceDocument): Service {
    const { labels } = data.metadata;
    const team = firstText(labels?.team);
    if (team === undefined) {
      this.issues.warning(
        source,
        labels === undefined ? ['metadata'] : ['metadata', 'labels'],
        'missing_team',
        'OpenSLO Service has no team; set metadata.labels.team',
      );
    }
    return {
      name: data.metadata.name,
      team,
      tier: this.tierOf(firstText(labels?.tier), source),
      dependencies: [],
      runbook: this.runbookOf(data.metadata, source),
      description: data.spec?.description,
      labels: flattenLabels(labels),
    };
  }

  /** An annotation or label `runbook`; Headroom links only http(s) URLs from alerts. */
  private runbookOf(metadata: OpenSloMetadata, source: SourceDocument): string | undefined {
    const inAnnotations = metadata.annotations?.runbook !== undefined;
    const runbook = inAnnotations
      ? firstText(metadata.annotations?.runbook)
      : firstText(metadata.labels?.runbook);
    if (runbook === undefined || /^https?:\/\/\S+$/.test(runbook)) return runbook;
    this.issues.warning(
      source,
      ['metadata', inAnnotations ? 'annotations' : 'labels', 'runbook'],
      'invalid_url',
      `runbook must be an http(s) URL such as https://runbooks.example.com/checkout; got ${JSON.stringify(runbook)}; the service has no runbook`,
    );
    return undefined;
  }

  private tierOf(label: string | undefined, source: SourceDocument): Tier {
    if (label === undefined) return 'standard';
    const tier = TIERS.find((candidate) => candidate === label);
    if (tier !== undefined) return tier;
    this.issues.warning(
      source,
      ['metadata', 'labels', 'tier'],
      'invalid_tier',
      `tier "${label}" is not one of ${TIERS.join(', ')}; the service is treated as standard`,
    );
    return 'standard';
  }

  // ---- SLI -------------------------------------------------------------------

  private indicatorOf(
    spec: OpenSloSliSpec,
    source: SourceDocument,
    path: FieldPath,
  ): Indicator | undefined {
    const { thresholdMetric, ratioMetric } = spec;
    if (thresholdMetric !== undefined && ratioMetric !== undefined) {
      this.issues.error(
        source,
        [...path, 'ratioMetric'],
        'conflicting_fields',
        'an SLI has either thresholdMetric or ratioMetric, not both',
        true,
      );
      return undefined;
    }
    if (thresholdMetric !== undefined) {
      const metricPath = [...path, 'thresholdMetric', 'metricSource'];
      const reading = this.readingOf(thresholdMetric.metricSource, source, metricPath);
      if (reading === undefined) return undefined;
      // The model has no slot for a value query; the metric's query is kept as totalQuery.
      const sliSource = this.sliSourceOf([reading], source, (query) => ({ totalQuery: query }));
      return sliSource === undefined ? undefined : { kind: 'threshold', source: sliSource };
    }
    if (ratioMetric !== undefined)
      return this.ratioOf(ratioMetric, source, [...path, 'ratioMetric']);
    this.issues.error(
      source,
      path,
      'missing_field',
      'an SLI needs thresholdMetric or ratioMetric (good or bad with total, or raw with rawType)',
    );
    return undefined;
  }

  private ratioOf(
    ratio: NonNullable<OpenSloSliSpec['ratioMetric']>,
    source: SourceDocument,
    path: FieldPath,
  ): Indicator | undefined {
    const { good, bad, total, raw, rawType } = ratio;
    if (raw !== undefined) {
      const other = (['good', 'bad', 'total'] as const).find((field) => ratio[field] !== undefined);
      if (other !== undefined) {
        this.issues.error(
          source,
          [...path, other],
          'conflicting_fields',
          `${other} cannot be combined with raw; give raw with rawType, or good or bad with total`,
          true,
        );
        return undefined;
      }
      if (rawType === undefined) {
        this.issues.error(
          source,
          [...path, 'raw'],
          'missing_field',
          'raw needs rawType: success (raw is good/total) or failure (raw is bad/total)',
          true,
        );
        return undefined;
      }
      const reading = this.readingOf(raw.metricSource, source, [...path, 'raw', 'metricSource']);
      if (reading === undefined) return undefined;
      // Headroom keeps the error ratio; a success ratio is turned into one in PromQL.
      const sliSource = this.sliSourceOf([reading], source, (query) => ({
        errorRatioQuery: rawType === 'failure' ? query : `1 - (${query})`,
      }));
      return sliSource === undefined
        ? undefined
        : { kind: 'ratio', counts: 'bad', source: sliSource };
    }
    if (rawType !== undefined) {
      this.issues.error(
        source,
        [...path, 'rawType'],
        'conflicting_fields',
        'rawType applies only to raw; with good or bad and total, leave it out',
        true,
      );
      return undefined;
    }
    if (good !== undefined && bad !== undefined) {
      this.issues.error(
        source,
        [...path, 'bad'],
        'conflicting_fields',
        'give good or bad next to total, not both',
        true,
      );
      return undefined;
    }
    const numerator = good ?? bad;
    if (numerator === undefined || total === undefined) {
      this.issues.error(
        source,
        path,
        'missing_field',
        `ratioMetric needs ${numerator === undefined ? 'good or bad' : 'total'}: good or bad with total, or raw with rawType`,
      );
      return undefined;
    }
    const counts = good !== undefined ? 'good' : 'bad';
    const countReading = this.readingOf(numerator.metricSource, source, [
      ...path,
      counts,
      'metricSource',
    ]);
    const totalReading = this.readingOf(total.metricSource, source, [
      ...path,
      'total',
      'metricSource',
    ]);
    if (countReading === undefined || totalReading === undefined) return undefined;
    const sliSource = this.sliSourceOf([countReading, totalReading], source, (query, index) =>
      index === 0
        ? counts === 'good'
          ? { goodQuery: query }
          : { badQuery: query }
        : { totalQuery: query },
    );
    return sliSource === undefined ? undefined : { kind: 'ratio', counts, source: sliSource };
  }

  /** Where one metric is read from: its data source type, reference and (for Prometheus) query. */
  private readingOf(
    metric: OpenSloMetricSource,
    source: SourceDocument,
    path: FieldPath,
  ): Reading | undefined {
    let type = metric.type;
    let typePath: FieldPath = [...path, 'type'];
    if (metric.metricSourceRef !== undefined) {
      const refPath = [...path, 'metricSourceRef'];
      const referred = this.lookUp(
        'DataSource',
        metric.metricSourceRef,
        this.registry.dataSources,
        source,
        refPath,
      );
      if (referred === undefined) return undefined;
      if (type !== undefined && type.toLowerCase() !== referred.toLowerCase()) {
        this.issues.error(
          source,
          typePath,
          'conflicting_fields',
          `type "${type}" contradicts DataSource "${metric.metricSourceRef}" of type "${referred}"; leave type out to use the DataSource's`,
        );
        return undefined;
      }
      type = referred;
      if (metric.type === undefined) typePath = refPath;
    }
    if (type === undefined) {
      this.issues.error(
        source,
        path,
        'missing_field',
        'metricSource needs type (e.g. Prometheus) or metricSourceRef (the name of a DataSource)',
      );
      return undefined;
    }
    if (type.toLowerCase() !== 'prometheus') {
      return {
        type,
        prometheus: false,
        dataSource: metric.metricSourceRef,
        query: undefined,
        typePath,
      };
    }
    const query = this.promQlOf(metric.spec, source, [...path, 'spec']);
    if (query === undefined) return undefined;
    return { type, prometheus: true, dataSource: metric.metricSourceRef, query, typePath };
  }

  private promQlOf(
    spec: Readonly<Record<string, unknown>> | undefined,
    source: SourceDocument,
    path: FieldPath,
  ): string | undefined {
    const query = spec?.query;
    const promql = spec?.promql;
    if (query !== undefined && promql !== undefined) {
      this.issues.error(
        source,
        [...path, 'promql'],
        'conflicting_fields',
        'give the PromQL expression as query or as promql, not both',
        true,
      );
      return undefined;
    }
    const text = query ?? promql;
    if (typeof text === 'string' && text.trim() !== '') return text;
    const field = promql !== undefined ? 'promql' : 'query';
    this.issues.error(
      source,
      text === undefined ? path : [...path, field],
      text === undefined ? 'missing_field' : 'invalid_value',
      'a Prometheus metric source needs spec.query with a PromQL expression, e.g. sum(rate(http_requests_total[5m]))',
    );
    return undefined;
  }

  /**
   * One SLI reads one data source. Prometheus readings become a Prometheus source; any
   * other type falls back to pushed events, which is the only other source so far.
   */
  private sliSourceOf(
    readings: readonly Reading[],
    source: SourceDocument,
    queryFields: (query: string | undefined, index: number) => Partial<PrometheusQueries>,
  ): SliSource | undefined {
    const foreign = readings.find((reading) => !reading.prometheus);
    if (foreign !== undefined) {
      this.issues.warning(
        source,
        foreign.typePath,
        'source_not_supported',
        `metric source type "${foreign.type}" is not supported yet (supported: Prometheus); the SLI reads pushed events instead`,
      );
      return { type: 'events' };
    }
    const dataSources = [...new Set(readings.map((reading) => reading.dataSource))];
    if (dataSources.length > 1) {
      this.issues.error(
        source,
        readings[readings.length - 1]?.typePath ?? [],
        'unsupported',
        `the metrics of one SLI read different data sources (${dataSources.map(describeDataSource).join(', ')}); Headroom reads an SLI from one data source`,
      );
      return undefined;
    }
    const queries = readings.reduce<Partial<PrometheusQueries>>(
      (all, reading, index) => ({ ...all, ...queryFields(reading.query, index) }),
      {},
    );
    return prometheusSliSource({ dataSource: dataSources[0], ...queries });
  }

  // ---- alerting ----------------------------------------------------------------

  private ruleOf(
    spec: OpenSloAlertConditionSpec,
    source: SourceDocument,
    path: FieldPath,
  ): BurnRateAlertRule | undefined {
    const condition = spec.condition;
    const conditionPath = [...path, 'condition'];
    if (condition.op === 'lt' || condition.op === 'lte') {
      this.issues.error(
        source,
        [...conditionPath, 'op'],
        'unsupported',
        `op ${condition.op} is not supported: burn-rate alerts fire when the burn rate rises above the threshold; expected gt or gte`,
      );
    }
    if (!(condition.threshold > 0)) {
      this.issues.error(
        source,
        [...conditionPath, 'threshold'],
        'out_of_range',
        `threshold ${condition.threshold} is not a burn rate above 0; expected e.g. 14.4`,
      );
    }
    const lookback = parseDuration(condition.lookbackWindow);
    if (!lookback.ok) {
      this.issues.error(
        source,
        [...conditionPath, 'lookbackWindow'],
        'invalid_duration',
        lookback.reason,
      );
    }
    this.checkAlertAfter(condition.alertAfter, source, [...conditionPath, 'alertAfter']);
    if (!lookback.ok) return undefined;
    return {
      severity: PAGE_SEVERITIES.has(spec.severity.toLowerCase()) ? 'page' : 'ticket',
      longWindowMinutes: lookback.minutes,
      // The Workbook's multiwindow rule: a short window of 1/12 of the long one.
      shortWindowMinutes: Math.max(1, Math.round(lookback.minutes / 12)),
      factor: condition.threshold,
    };
  }

  private checkAlertAfter(
    alertAfter: string | undefined,
    source: SourceDocument,
    path: FieldPath,
  ): void {
    if (alertAfter === undefined || /^0+[a-zA-Z]?$/.test(alertAfter)) return;
    const parsed = parseDuration(alertAfter);
    if (!parsed.ok) {
      this.issues.error(source, path, 'invalid_duration', parsed.reason);
      return;
    }
    this.issues.warning(
      source,
      path,
      'ignored_field',
      `alertAfter ${alertAfter} is ignored: Headroom's multiwindow rule uses a short window instead of a pending duration`,
    );
  }

  private policyRulesOf(
    spec: OpenSloAlertPolicySpec,
    source: SourceDocument,
    path: FieldPath,
  ): readonly BurnRateAlertRule[] {
    return spec.conditions.flatMap((item, index) => {
      const rule = this.inlineOrReferred(item, item.conditionRef, {
        kind: 'AlertCondition',
        refField: 'conditionRef',
        table: this.registry.conditions,
        what: 'a condition',
        source,
        path: [...path, 'conditions', index],
        readInline: (spec, specPath) => this.ruleOf(spec, source, specPath),
      });
      return rule === undefined ? [] : [rule];
    });
  }

  private alertingOf(
    policies: OpenSloSlo['spec']['alertPolicies'],
    source: SourceDocument,
    path: FieldPath,
  ): Alerting {
    if (policies === undefined || policies.length === 0) return { enabled: true, rules: undefined };
    const rules = policies.flatMap(
      (item, index) =>
        this.inlineOrReferred(item, item.alertPolicyRef, {
          kind: 'AlertPolicy',
          refField: 'alertPolicyRef',
          table: this.registry.policies,
          what: 'an alert policy',
          source,
          path: [...path, index],
          readInline: (spec, specPath) => this.policyRulesOf(spec, source, specPath),
        }) ?? [],
    );
    return { enabled: true, rules };
  }

  /** An OpenSLO list item is either a reference by name or the object written inline. */
  private inlineOrReferred<Spec, T>(
    item: { apiVersion?: unknown; kind?: unknown; metadata?: unknown; spec?: Spec | undefined },
    reference: string | undefined,
    how: {
      kind: ReferableKind;
      refField: string;
      table: Table<T>;
      what: string;
      source: SourceDocument;
      path: FieldPath;
      readInline: (spec: Spec, specPath: FieldPath) => T | undefined;
    },
  ): T | undefined {
    const { kind, refField, source, path } = how;
    const inline = inlineFieldOf(item);
    if (reference !== undefined) {
      if (inline !== undefined) {
        this.issues.error(
          source,
          [...path, inline],
          'conflicting_fields',
          `give ${refField} or an inline ${kind} (kind, metadata, spec), not both`,
          true,
        );
        return undefined;
      }
      return this.lookUp(kind, reference, how.table, source, [...path, refField]);
    }
    if (item.spec === undefined) {
      this.issues.error(
        source,
        path,
        'missing_field',
        `${how.what} needs ${refField} (the name of an ${kind}) or an inline ${kind} with spec`,
      );
      return undefined;
    }
    return how.readInline(item.spec, [...path, 'spec']);
  }

  // ---- SLO ---------------------------------------------------------------------

  private sloOf(data: OpenSloSlo, source: SourceDocument): Slo | undefined {
    const spec = data.spec;
    const indicator = this.sloIndicatorOf(spec, source);
    const window = this.windowOf(spec.timeWindow, source, ['spec', 'timeWindow']);
    const objective = this.objectiveOf(spec, indicator, source);
    const alerting = this.alertingOf(spec.alertPolicies, source, ['spec', 'alertPolicies']);
    if (indicator === undefined || window === undefined || objective === undefined)
      return undefined;
    return {
      name: data.metadata.name,
      service: spec.service,
      description: spec.description,
      sli: objective.sli,
      objective: objective.target,
      window,
      budgeting: objective.budgeting,
      alerting,
      labels: flattenLabels(data.metadata.labels),
    };
  }

  private sloIndicatorOf(spec: OpenSloSlo['spec'], source: SourceDocument): Indicator | undefined {
    if (spec.indicator !== undefined && spec.indicatorRef !== undefined) {
      this.issues.error(
        source,
        ['spec', 'indicatorRef'],
        'conflicting_fields',
        'give indicator (an inline SLI) or indicatorRef (the name of an SLI), not both',
        true,
      );
      return undefined;
    }
    if (spec.indicator !== undefined) {
      return this.indicatorOf(spec.indicator.spec, source, ['spec', 'indicator', 'spec']);
    }
    if (spec.indicatorRef !== undefined) {
      return this.lookUp('SLI', spec.indicatorRef, this.registry.slis, source, [
        'spec',
        'indicatorRef',
      ]);
    }
    this.issues.error(
      source,
      ['spec'],
      'missing_field',
      'an SLO needs indicator (an inline SLI) or indicatorRef (the name of an SLI)',
    );
    return undefined;
  }

  private windowOf(
    windows: readonly OpenSloTimeWindow[],
    source: SourceDocument,
    path: FieldPath,
  ): SloWindow | undefined {
    const [window, extra] = windows;
    if (window === undefined || extra !== undefined) {
      this.issues.error(
        source,
        extra === undefined ? path : [...path, 1],
        extra === undefined ? 'too_small' : 'invalid_value',
        `timeWindow needs exactly one entry, found ${windows.length}`,
      );
      return undefined;
    }
    const windowPath = [...path, 0];
    // OpenSLO: isRolling defaults to false when a calendar is given; without one, rolling is the only reading.
    const rolling = window.isRolling ?? window.calendar === undefined;
    if (rolling) {
      if (window.calendar !== undefined) {
        this.issues.error(
          source,
          [...windowPath, 'calendar'],
          'conflicting_fields',
          'calendar applies only to calendar windows; set isRolling: false or leave calendar out',
          true,
        );
        return undefined;
      }
      return this.rollingWindowOf(window.duration, source, [...windowPath, 'duration']);
    }
    if (window.calendar === undefined) {
      this.issues.error(
        source,
        windowPath,
        'missing_field',
        'a calendar window (isRolling: false) needs calendar with startTime and timeZone',
      );
      return undefined;
    }
    const unit = CALENDAR_UNITS[window.duration];
    if (unit === undefined) {
      this.issues.error(
        source,
        [...windowPath, 'duration'],
        'unsupported',
        `calendar window "${window.duration}" is not supported; expected 1w, 1M or 1Q (a week, month or quarter)`,
      );
    }
    const calendarPath = [...windowPath, 'calendar'];
    const { startTime, timeZone } = window.calendar;
    const zoneOk = this.checkTimeZone(timeZone, source, [...calendarPath, 'timeZone']);
    if (unit === undefined || !zoneOk) return undefined;
    if (!this.checkStartTime(startTime, unit, timeZone, source, [...calendarPath, 'startTime'])) {
      return undefined;
    }
    return { kind: 'calendar', unit, timeZone };
  }

  private rollingWindowOf(
    duration: string,
    source: SourceDocument,
    path: FieldPath,
  ): SloWindow | undefined {
    if (/^\d+[MQY]$/.test(duration)) {
      this.issues.error(
        source,
        path,
        'unsupported',
        `rolling window "${duration}": rolling windows need m, h, d or w (e.g. 30d or 4w); for calendar months or quarters set isRolling: false with a calendar`,
      );
      return undefined;
    }
    const parsed = parseDuration(duration);
    if (!parsed.ok) {
      this.issues.error(source, path, 'invalid_duration', parsed.reason);
      return undefined;
    }
    return { kind: 'rolling', minutes: parsed.minutes };
  }

  private checkTimeZone(timeZone: string, source: SourceDocument, path: FieldPath): boolean {
    if (IANAZone.isValidZone(timeZone)) return true;
    const suggestion = closest(timeZone, Intl.supportedValuesOf('timeZone'));
    const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
    this.issues.error(
      source,
      path,
      'invalid_time_zone',
      `unknown time zone "${timeZone}"${hint} (expected an IANA zone name such as Europe/Berlin)`,
    );
    return false;
  }

  /**
   * Headroom's calendar windows are whole weeks, months or quarters, so the start time
   * must be where such a period starts. Wall-clock fields decide this, whatever the zone.
   */
  private checkStartTime(
    startTime: string,
    unit: CalendarUnit,
    timeZone: string,
    source: SourceDocument,
    path: FieldPath,
  ): boolean {
    const wallClock = DateTime.fromFormat(startTime, START_TIME_FORMAT, { zone: 'UTC' });
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(startTime) || !wallClock.isValid) {
      this.issues.error(
        source,
        path,
        'invalid_value',
        `startTime "${startTime}" is not a date and time as "YYYY-MM-DD hh:mm:ss", e.g. "2025-01-01 00:00:00"`,
      );
      return false;
    }
    const periodStart = wallClock.startOf(unit);
    if (periodStart.equals(wallClock)) return true;
    this.issues.error(
      source,
      path,
      'unsupported',
      `startTime "${startTime}" is not the start of a ${unit}: Headroom aligns calendar windows to calendar boundaries, and a ${unit} starts ${CALENDAR_STARTS[unit]} in ${timeZone}; expected e.g. "${periodStart.toFormat(START_TIME_FORMAT)}"`,
    );
    return false;
  }

  private objectiveOf(
    spec: OpenSloSlo['spec'],
    indicator: Indicator | undefined,
    source: SourceDocument,
  ): { sli: Sli; target: Fraction; budgeting: BudgetingMethod } | undefined {
    const path: FieldPath = ['spec', 'objectives'];
    const [objective, extra] = spec.objectives;
    if (objective === undefined) {
      this.issues.error(
        source,
        path,
        'too_small',
        'objectives needs one entry with target or targetPercent',
      );
      return undefined;
    }
    if (extra !== undefined) {
      this.issues.error(
        source,
        [...path, 1],
        'unsupported',
        'Headroom supports one objective per SLO; write each further objective as an SLO of its own',
      );
    }
    const objectivePath = [...path, 0];
    const composite = (['indicator', 'indicatorRef', 'compositeWeight'] as const).find(
      (field) => objective[field] !== undefined,
    );
    if (composite !== undefined) {
      this.issues.error(
        source,
        [...objectivePath, composite],
        'unsupported',
        `composite objectives (${composite}) are not supported; write each indicator as an SLO of its own`,
        true,
      );
    }
    const target = this.targetOf(objective, source, objectivePath);
    const budgeting = this.budgetingOf(spec.budgetingMethod, objective, source, objectivePath);
    if (indicator === undefined) return undefined;
    const sli = this.sliOf(indicator, objective, source, objectivePath);
    if (target === undefined || budgeting === undefined || sli === undefined) return undefined;
    return { sli, target, budgeting };
  }

  private targetOf(
    objective: OpenSloObjective,
    source: SourceDocument,
    path: FieldPath,
  ): Fraction | undefined {
    const { target, targetPercent } = objective;
    if (target !== undefined && targetPercent !== undefined) {
      this.issues.error(
        source,
        [...path, 'targetPercent'],
        'conflicting_fields',
        'give target (e.g. 0.999) or targetPercent (e.g. 99.9), not both',
        true,
      );
      return undefined;
    }
    if (target === undefined && targetPercent === undefined) {
      this.issues.error(
        source,
        path,
        'missing_field',
        'an objective needs target (e.g. 0.999) or targetPercent (e.g. 99.9)',
      );
      return undefined;
    }
    const fraction =
      target !== undefined ? fractionFromDecimal(target) : fractionFromPercent(targetPercent ?? 0);
    if (fraction === undefined) {
      const field = target !== undefined ? 'target' : 'targetPercent';
      this.issues.error(
        source,
        [...path, field],
        'too_precise',
        `${field} has more digits than Headroom keeps exactly (15); expected e.g. 0.9995 or 99.95`,
      );
    }
    return fraction;
  }

  private budgetingOf(
    method: OpenSloSlo['spec']['budgetingMethod'],
    objective: OpenSloObjective,
    source: SourceDocument,
    path: FieldPath,
  ): BudgetingMethod | undefined {
    switch (method) {
      case 'Occurrences': {
        for (const field of ['timeSliceTarget', 'timeSliceWindow'] as const) {
          if (objective[field] !== undefined) {
            this.issues.warning(
              source,
              [...path, field],
              'ignored_field',
              `${field} is ignored with budgetingMethod Occurrences; it applies to Timeslices`,
              true,
            );
          }
        }
        return { kind: 'occurrences' };
      }
      case 'Timeslices': {
        const window = objective.timeSliceWindow;
        if (window !== undefined && !isOneMinute(window)) {
          this.issues.error(
            source,
            [...path, 'timeSliceWindow'],
            'unsupported',
            `timeSliceWindow ${String(window)} is not supported: Headroom evaluates one-minute slices; expected 1m (or leave it out)`,
          );
        }
        if (objective.timeSliceTarget === undefined) {
          this.issues.error(
            source,
            path,
            'missing_field',
            'budgetingMethod Timeslices needs timeSliceTarget, the share of good events that makes a minute good (e.g. 0.95)',
          );
          return undefined;
        }
        const sliceTarget = fractionFromDecimal(objective.timeSliceTarget);
        if (sliceTarget === undefined) {
          this.issues.error(
            source,
            [...path, 'timeSliceTarget'],
            'too_precise',
            'timeSliceTarget has more digits than Headroom keeps exactly (15); expected e.g. 0.95',
          );
          return undefined;
        }
        return { kind: 'timeslices', sliceTarget };
      }
      case 'RatioTimeslices':
        this.issues.error(
          source,
          ['spec', 'budgetingMethod'],
          'unsupported',
          'budgetingMethod RatioTimeslices is not supported; expected Occurrences or Timeslices (one-minute slices)',
        );
        return undefined;
    }
  }

  /** Completes the indicator with the objective: threshold SLIs take op and value from it. */
  private sliOf(
    indicator: Indicator,
    objective: OpenSloObjective,
    source: SourceDocument,
    path: FieldPath,
  ): Sli | undefined {
    const { op, value } = objective;
    if (indicator.kind === 'ratio') {
      const extra = op !== undefined ? 'op' : value !== undefined ? 'value' : undefined;
      if (extra === undefined) return indicator;
      this.issues.error(
        source,
        [...path, extra],
        'conflicting_fields',
        `${extra} applies only to thresholdMetric SLIs; the objective of a ratioMetric SLI takes target or targetPercent only`,
        true,
      );
      return undefined;
    }
    if (op === undefined || value === undefined) {
      this.issues.error(
        source,
        path,
        'missing_field',
        `a thresholdMetric SLI needs ${op === undefined ? 'op (lte, lt, gte or gt)' : 'value'} on its objective, e.g. op: lte, value: 0.3`,
      );
      return undefined;
    }
    return {
      kind: 'threshold',
      operator: op,
      threshold: value,
      unit: undefined,
      source: indicator.source,
    };
  }
}

interface Reading {
  readonly type: string;
  readonly prometheus: boolean;
  readonly dataSource: string | undefined;
  readonly query: string | undefined;
  /** Where the type was decided: `type`, or the `metricSourceRef` it came from. */
  readonly typePath: FieldPath;
}

type PrometheusQueries = Omit<PrometheusSliSource, 'type' | 'dataSource'>;

function describeDataSource(name: string | undefined): string {
  return name === undefined ? 'an inline metricSource' : `DataSource "${name}"`;
}

function errorCount(issues: IssueCollector): number {
  return issues.issues.filter((issue) => issue.severity === 'error').length;
}

function where(source: SourceDocument): string {
  const { line, column } = positionOf(source, ['metadata', 'name']);
  return `${source.file}:${line}:${column}`;
}

function nameOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const metadata = (value as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const name = (metadata as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function inlineFieldOf(item: {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
  spec?: unknown;
}) {
  return (['kind', 'metadata', 'spec', 'apiVersion'] as const).find(
    (field) => item[field] !== undefined,
  );
}

type LabelValue = NonNullable<OpenSloMetadata['labels']>[string];

function firstText(value: LabelValue | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : String(first);
}

function flattenLabels(labels: OpenSloMetadata['labels']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    flat[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return flat;
}

function isOneMinute(window: number | string): boolean {
  if (typeof window === 'number') return window === 1;
  if (/^\d+$/.test(window)) return Number(window) === 1;
  const parsed = parseDuration(window);
  return parsed.ok && parsed.minutes === 1;
}
