// The headroom/v1 format adapter: one YAML document (a Service or an SLO) in,
// model values out. The schema validates; this maps shapes and locates issues.
import {
  prometheusSliSource,
  type DataSource,
  type Service,
  type Sli,
  type SliSource,
  type Slo,
  type SloWindow,
} from '../../core/slo/model.js';
import {
  HEADROOM_KINDS,
  dataSourceDocumentSchema,
  serviceDocumentSchema,
  sloDocumentSchema,
  type DataSourceDocument,
  type ServiceDocument,
  type SloDocument,
} from '../../schema/config.js';
import { errorBudgetPolicyDocumentSchema, policyFromDocument } from '../../schema/policy.js';
import { scheduleDocumentSchema, scheduleFromDocument } from '../../schema/schedule.js';
import {
  escalationPolicyDocumentSchema,
  escalationPolicyFromDocument,
} from '../../schema/escalation.js';
import {
  incidentSettingsDocumentSchema,
  incidentSettingsFromDocument,
} from '../../schema/incident-settings.js';
import { runbookDocumentSchema, runbookFromDocument } from '../../schema/runbook.js';
import { heartbeatDocumentSchema, heartbeatFromDocument } from '../../schema/heartbeat.js';
import { compileHeartbeat, createScheduleCache } from '../../core/heartbeats/compile.js';
import type { IssueCollector, SourceDocument } from '../document.js';
import { closest, reportZodIssues } from '../zod-issues.js';
import { emptyFormatResult, type FormatResult } from './types.js';

// The issue reporter tells a wrong type from a missing field by the input.
const PARSE_OPTIONS = { reportInput: true };
const MINUTE_MS = 60_000;
/** Checks sharing a schedule (a fleet of hourly jobs in one zone) are checked once. */
const validatedSchedules = createScheduleCache();

export function readHeadroomDocument(source: SourceDocument, issues: IssueCollector): FormatResult {
  const result = emptyFormatResult();
  const kind = kindOf(source, issues);
  if (kind === 'Service') {
    const parsed = serviceDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, serviceDocumentSchema, source, [], issues);
      return result;
    }
    result.services.push({ value: toService(parsed.data), source, path: [] });
  } else if (kind === 'SLO') {
    const parsed = sloDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, sloDocumentSchema, source, [], issues);
      return result;
    }
    warnAboutFractionalObjective(parsed.data, source, issues);
    result.slos.push({ value: toSlo(parsed.data), source, path: [] });
  } else if (kind === 'DataSource') {
    const parsed = dataSourceDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, dataSourceDocumentSchema, source, [], issues);
      return result;
    }
    result.dataSources.push({ value: toDataSource(parsed.data), source, path: [] });
  } else if (kind === 'Schedule') {
    const parsed = scheduleDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, scheduleDocumentSchema, source, [], issues);
      return result;
    }
    result.schedules.push({
      value: { schedule: scheduleFromDocument(parsed.data), labels: parsed.data.metadata.labels },
      source,
      path: [],
    });
  } else if (kind === 'EscalationPolicy') {
    const parsed = escalationPolicyDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, escalationPolicyDocumentSchema, source, [], issues);
      return result;
    }
    result.escalationPolicies.push({
      value: escalationPolicyFromDocument(parsed.data),
      source,
      path: [],
    });
  } else if (kind === 'Runbook') {
    const parsed = runbookDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, runbookDocumentSchema, source, [], issues);
      return result;
    }
    result.runbooks.push({ value: runbookFromDocument(parsed.data), source, path: [] });
  } else if (kind === 'Heartbeat') {
    const parsed = heartbeatDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, heartbeatDocumentSchema, source, [], issues);
      return result;
    }
    const heartbeat = heartbeatFromDocument(parsed.data);
    const compiled = compileHeartbeat(heartbeat.definition, validatedSchedules);
    if (!compiled.ok) {
      for (const problem of compiled.problems) {
        issues.error(source, ['spec', 'schedule'], 'invalid_schedule', problem);
      }
      return result;
    }
    result.heartbeats.push({ value: heartbeat, source, path: [] });
  } else if (kind === 'IncidentSettings') {
    const parsed = incidentSettingsDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, incidentSettingsDocumentSchema, source, [], issues);
      return result;
    }
    result.incidentSettings.push({
      value: incidentSettingsFromDocument(parsed.data),
      source,
      path: [],
    });
  } else if (kind === 'ErrorBudgetPolicy') {
    const parsed = errorBudgetPolicyDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportZodIssues(parsed.error, errorBudgetPolicyDocumentSchema, source, [], issues);
      return result;
    }
    result.policies.push({
      value: {
        policy: policyFromDocument(parsed.data),
        description: parsed.data.spec.description,
        labels: parsed.data.metadata.labels,
      },
      source,
      path: [],
    });
  }
  return result;
}

function kindOf(
  source: SourceDocument,
  issues: IssueCollector,
): (typeof HEADROOM_KINDS)[number] | undefined {
  const kind = isRecord(source.value) ? source.value.kind : undefined;
  const expected = `expected one of: ${HEADROOM_KINDS.join(', ')}`;
  if (kind === undefined || kind === null) {
    issues.error(source, ['kind'], 'missing_field', `required field is missing; ${expected}`);
    return undefined;
  }
  const known = HEADROOM_KINDS.find((candidate) => candidate === kind);
  if (known !== undefined) return known;
  const text = typeof kind === 'string' ? kind : JSON.stringify(kind);
  const suggestion = closest(text, HEADROOM_KINDS);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  issues.error(
    source,
    ['kind'],
    'unknown_kind',
    `unknown kind "${text}" for headroom/v1${hint} (${expected})`,
  );
  return undefined;
}

function toService(document: ServiceDocument): Service {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    team: spec.team,
    tier: spec.tier,
    dependencies: spec.dependencies.map(({ service, critical }) => ({ service, critical })),
    runbook: spec.runbook,
    description: spec.description,
    labels: metadata.labels,
  };
}

function toDataSource(document: DataSourceDocument): DataSource {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    type: spec.type,
    url: spec.url,
    isDefault: spec.default,
    timeoutMs: Math.round(spec.timeoutSeconds * 1000),
    headers: spec.headers,
    bearerToken: spec.bearerToken,
    basicAuth: spec.basicAuth,
    tls: {
      caFile: spec.tls?.caFile,
      insecureSkipVerify: spec.tls?.insecureSkipVerify ?? false,
    },
    maxExpressionsPerQuery: spec.maxExpressionsPerQuery,
    labels: metadata.labels,
  };
}

function toSlo(document: SloDocument): Slo {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    service: spec.service,
    description: spec.description,
    sli: toSli(spec.sli),
    objective: spec.objective,
    window: toWindow(spec.window),
    budgeting:
      spec.timeSliceTarget !== undefined && spec.budgetingMethod === 'timeslices'
        ? { kind: 'timeslices', sliceTarget: spec.timeSliceTarget }
        : { kind: 'occurrences' },
    alerting: {
      enabled: spec.alerting.enabled,
      rules: spec.alerting.rules?.map((rule) => ({
        severity: rule.severity,
        longWindowMinutes: rule.longWindow,
        shortWindowMinutes: rule.shortWindow,
        factor: rule.factor,
      })),
    },
    labels: metadata.labels,
  };
}

function toSli(sli: SloDocument['spec']['sli']): Sli {
  const source = toSliSource(sli.source);
  if (sli.threshold !== undefined) {
    const { operator, value, unit } = sli.threshold;
    return { kind: 'threshold', operator, threshold: value, unit, source };
  }
  return { kind: 'ratio', counts: sli.ratio?.counts ?? 'good', source };
}

function toSliSource(source: SloDocument['spec']['sli']['source']): SliSource {
  if (source === undefined) return { type: 'events' };
  if (source.heartbeat !== undefined) {
    const { name, maxDuration } = source.heartbeat;
    return {
      type: 'heartbeat',
      heartbeat: name,
      maxDurationMs: maxDuration === undefined ? undefined : maxDuration * MINUTE_MS,
    };
  }
  if (source.prometheus === undefined) return { type: 'events' };
  const { dataSource, goodQuery, badQuery, totalQuery, errorRatioQuery } = source.prometheus;
  return prometheusSliSource({ dataSource, goodQuery, badQuery, totalQuery, errorRatioQuery });
}

function toWindow(window: SloDocument['spec']['window']): SloWindow {
  if (typeof window === 'number') return { kind: 'rolling', minutes: window };
  return { kind: 'calendar', unit: window.calendar, timeZone: window.timeZone };
}

/** OpenSLO writes objectives as fractions (0.999); here they are percentages. */
function warnAboutFractionalObjective(
  document: SloDocument,
  source: SourceDocument,
  issues: IssueCollector,
): void {
  const { numerator, denominator } = document.spec.objective;
  if (numerator * 100 >= denominator) return;
  const percent = (numerator * 100) / denominator;
  issues.warning(
    source,
    ['spec', 'objective'],
    'suspicious_objective',
    `objective ${percent} means ${percent} %, below 1 %; objectives are percentages (write 99.9, not 0.999)`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
