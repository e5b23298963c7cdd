// Reads a Sloth `prometheus/v1` spec into Headroom's model: one implied service per
// document and one SLO per entry of `slos`, named like Sloth's sloth_id.
import { z } from 'zod';
import { fractionFromPercent } from '../../core/slo/fraction.js';
import {
  prometheusSliSource,
  type Alerting,
  type BurnRateAlertRule,
  type Service,
  type Sli,
  type Slo,
  type Tier,
} from '../../core/slo/model.js';
import {
  slothSloSchema,
  slothSpecSchema,
  type SlothSlo,
  type SlothSpec,
} from '../../schema/sloth.js';
import type { FieldPath, IssueCollector, Located, SourceDocument } from '../document.js';
import { reportZodIssues } from '../zod-issues.js';
import { emptyFormatResult, type FormatResult } from './types.js';

/** Sloth's default period (`--default-slo-period`); the prometheus/v1 spec cannot change it. */
const SLOTH_PERIOD_MINUTES = 30 * 24 * 60;

// Sloth's google-30d window catalog, for when only one of the two alerts is kept.
const PAGE_RULES: readonly BurnRateAlertRule[] = [
  { severity: 'page', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4 },
  { severity: 'page', longWindowMinutes: 360, shortWindowMinutes: 30, factor: 6 },
];
const TICKET_RULES: readonly BurnRateAlertRule[] = [
  { severity: 'ticket', longWindowMinutes: 1440, shortWindowMinutes: 120, factor: 3 },
  { severity: 'ticket', longWindowMinutes: 4320, shortWindowMinutes: 360, factor: 1 },
];

const TIERS: readonly Tier[] = ['critical', 'standard', 'low'];

/** Sloth's own check: every query is a template over the alert windows. */
const WINDOW_VARIABLE = /\{\{\s*\.window\s*\}\}/;

// The issue reporter tells a wrong type from a missing field by the input.
const PARSE_OPTIONS = { reportInput: true };

// The SLOs are parsed one by one, so that a mistake in one does not hide those in the others.
const envelopeSchema = slothSpecSchema.extend({
  slos: z.array(z.unknown()).min(1, { error: 'expected at least one SLO' }),
});

export function readSlothDocument(source: SourceDocument, issues: IssueCollector): FormatResult {
  const errorsBefore = countErrors(issues);
  const envelope = envelopeSchema.safeParse(source.value, PARSE_OPTIONS);
  if (!envelope.success) {
    reportZodIssues(envelope.error, envelopeSchema, source, [], issues);
  }
  const rawSlos: readonly unknown[] = envelope.success
    ? envelope.data.slos
    : sloListOf(source.value);
  const parsedSlos: SlothSlo[] = [];
  rawSlos.forEach((rawSlo, index) => {
    const parsed = slothSloSchema.safeParse(rawSlo, PARSE_OPTIONS);
    if (parsed.success) parsedSlos.push(parsed.data);
    else reportZodIssues(parsed.error, slothSloSchema, source, ['slos', index], issues);
  });
  if (!envelope.success || parsedSlos.length !== rawSlos.length) return emptyFormatResult();

  const spec: SlothSpec = { ...envelope.data, slos: parsedSlos };
  if (spec.slo_plugins !== undefined) warnPluginsIgnored(source, ['slo_plugins'], issues);
  const slos: Located<Slo>[] = [];
  spec.slos.forEach((slo, index) => {
    const path = ['slos', index];
    const value = mapSlo(spec, slo, source, path, issues);
    if (value !== undefined) slos.push({ value, source, path });
  });
  const service = impliedService(spec, source, issues);
  if (countErrors(issues) > errorsBefore) return emptyFormatResult();
  return {
    services: [],
    impliedServices: [{ value: service, source, path: ['service'] }],
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

function sloListOf(value: unknown): readonly unknown[] {
  if (typeof value !== 'object' || value === null || !('slos' in value)) return [];
  return Array.isArray(value.slos) ? (value.slos as unknown[]) : [];
}

function countErrors(issues: IssueCollector): number {
  return issues.issues.filter((issue) => issue.severity === 'error').length;
}

function mapSlo(
  spec: SlothSpec,
  slo: SlothSlo,
  source: SourceDocument,
  path: FieldPath,
  issues: IssueCollector,
): Slo | undefined {
  const objective = objectiveOf(slo.objective, source, [...path, 'objective'], issues);
  const sli = sliOf(slo, source, [...path, 'sli'], issues);
  const alerting = alertingOf(slo, source, [...path, 'alerting'], issues);
  if (slo.plugins !== undefined) warnPluginsIgnored(source, [...path, 'plugins'], issues);
  if (objective === undefined || sli === undefined) return undefined;
  return {
    name: `${spec.service}-${slo.name}`,
    service: spec.service,
    description: slo.description,
    sli,
    objective,
    window: { kind: 'rolling', minutes: SLOTH_PERIOD_MINUTES },
    budgeting: { kind: 'occurrences' },
    alerting,
    // Sloth merges the service labels into every SLO's, the SLO's winning.
    labels: { ...spec.labels, ...slo.labels },
  };
}

function objectiveOf(
  objective: number,
  source: SourceDocument,
  path: FieldPath,
  issues: IssueCollector,
): Slo['objective'] | undefined {
  if (objective === 100) {
    issues.error(
      source,
      path,
      'out_of_range',
      'objective 100 leaves no error budget (any bad event breaks it); expected a percentage below 100, e.g. 99.9',
    );
    return undefined;
  }
  if (!(objective > 0 && objective < 100)) {
    issues.error(
      source,
      path,
      'out_of_range',
      `objective ${objective} is not a percentage above 0 and below 100; expected e.g. 99.9`,
    );
    return undefined;
  }
  const fraction = fractionFromPercent(objective);
  if (fraction === undefined) {
    issues.error(
      source,
      path,
      'too_precise',
      `objective ${objective} has more digits than Headroom keeps exactly (15); expected e.g. 99.95`,
    );
  }
  return fraction;
}

function sliOf(
  slo: SlothSlo,
  source: SourceDocument,
  path: FieldPath,
  issues: IssueCollector,
): Sli | undefined {
  const given = (['events', 'raw', 'plugin'] as const).filter(
    (type) => slo.sli[type] !== undefined,
  );
  const [first, second] = given;
  if (first === undefined) {
    issues.error(
      source,
      path,
      'missing_field',
      'an SLI needs one of events (error_query and total_query) or raw (error_ratio_query)',
    );
    return undefined;
  }
  if (second !== undefined) {
    issues.error(
      source,
      [...path, second],
      'conflicting_fields',
      `${second} cannot be given together with ${first}; an SLI has exactly one of events, raw or plugin`,
      true,
    );
    return undefined;
  }
  const { events, raw } = slo.sli;
  if (events !== undefined) {
    const errorOk = checkWindowVariable(
      events.error_query,
      source,
      [...path, 'events', 'error_query'],
      issues,
    );
    const totalOk = checkWindowVariable(
      events.total_query,
      source,
      [...path, 'events', 'total_query'],
      issues,
    );
    if (!errorOk || !totalOk) return undefined;
    if (events.error_query.trim() === events.total_query.trim()) {
      issues.error(
        source,
        [...path, 'events', 'total_query'],
        'invalid_value',
        'total_query is the same as error_query, which would make every event bad; expected a query for all events',
      );
      return undefined;
    }
    return {
      kind: 'ratio',
      counts: 'bad',
      // Kept as written, {{.window}} included: rule generation fills the windows in.
      source: prometheusSliSource({ badQuery: events.error_query, totalQuery: events.total_query }),
    };
  }
  if (raw !== undefined) {
    const ok = checkWindowVariable(
      raw.error_ratio_query,
      source,
      [...path, 'raw', 'error_ratio_query'],
      issues,
    );
    if (!ok) return undefined;
    return {
      kind: 'ratio',
      counts: 'bad',
      source: prometheusSliSource({ errorRatioQuery: raw.error_ratio_query }),
    };
  }
  issues.error(
    source,
    [...path, 'plugin'],
    'unsupported',
    "SLI plugins are not supported: Headroom cannot run Sloth plugins; write the plugin's queries as sli.events (error_query, total_query) or sli.raw (error_ratio_query)",
    true,
  );
  return undefined;
}

function checkWindowVariable(
  query: string,
  source: SourceDocument,
  path: FieldPath,
  issues: IssueCollector,
): boolean {
  if (WINDOW_VARIABLE.test(query)) return true;
  issues.error(
    source,
    path,
    'invalid_value',
    'query does not use the {{.window}} template variable, which Sloth requires; expected e.g. sum(rate(http_requests_total[{{.window}}]))',
  );
  return false;
}

function alertingOf(
  slo: SlothSlo,
  source: SourceDocument,
  path: FieldPath,
  issues: IssueCollector,
): Alerting {
  const alerting = slo.alerting;
  for (const alert of ['page_alert', 'ticket_alert'] as const) {
    const pending = alerting?.[alert]?.for;
    if (pending !== undefined) {
      issues.warning(
        source,
        [...path, alert, 'for'],
        'ignored_field',
        `${alert}.for is ignored: Headroom's multiwindow alerts use a short window instead of a pending duration`,
        true,
      );
    }
  }
  const pageOff = alerting?.page_alert?.disable === true;
  const ticketOff = alerting?.ticket_alert?.disable === true;
  if (pageOff && ticketOff) return { enabled: false, rules: undefined };
  if (pageOff) return { enabled: true, rules: TICKET_RULES };
  if (ticketOff) return { enabled: true, rules: PAGE_RULES };
  return { enabled: true, rules: undefined };
}

function warnPluginsIgnored(source: SourceDocument, path: FieldPath, issues: IssueCollector): void {
  issues.warning(
    source,
    path,
    'ignored_field',
    'Sloth SLO plugins are ignored: Headroom evaluates the SLO and generates its rules itself',
    true,
  );
}

function impliedService(spec: SlothSpec, source: SourceDocument, issues: IssueCollector): Service {
  const labels = spec.labels ?? {};
  return {
    name: spec.service,
    team: labels.team ?? labels.owner,
    tier: tierOf(labels.tier, source, issues),
    dependencies: [],
    runbook: undefined,
    description: undefined,
    labels,
  };
}

function tierOf(label: string | undefined, source: SourceDocument, issues: IssueCollector): Tier {
  if (label === undefined) return 'standard';
  const tier = TIERS.find((candidate) => candidate === label);
  if (tier !== undefined) return tier;
  issues.warning(
    source,
    ['labels', 'tier'],
    'invalid_tier',
    `tier "${label}" is not one of ${TIERS.join(', ')}; the service is treated as standard`,
  );
  return 'standard';
}
