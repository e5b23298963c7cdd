// Prometheus recording and alerting rules for SLOs whose SLI lives in Prometheus, named
// and labelled like Sloth's (`slo:sli_error:ratio_rate<window>`, `sloth_id`, …) so that
// Sloth dashboards and alert routes keep working. Pure: the model in, rule groups out.
import { alertRulesFor, windowNominalMinutes } from '../../core/slo/alert-rules.js';
import type { BurnRateAlertRule, PrometheusSliSource, Slo } from '../../core/slo/model.js';
import { formatDuration } from '../../core/time/duration.js';
import { hasWindow, isPlainSelector, windowed } from './sli-queries.js';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

export interface GeneratedRules {
  readonly groups: RuleGroup[];
  /** SLOs no rules could be written for, with why. */
  readonly skipped: { readonly slo: string; readonly reason: string }[];
}

export function prometheusRules(slos: readonly Slo[]): GeneratedRules {
  const groups: RuleGroup[] = [];
  const skipped: GeneratedRules['skipped'] = [];
  for (const slo of slos) {
    const reason = whyNoRules(slo);
    if (reason !== undefined) {
      skipped.push({ slo: slo.name, reason });
      continue;
    }
    groups.push(...rulesOf(slo, slo.sli.source as PrometheusSliSource));
  }
  return { groups, skipped };
}

function whyNoRules(slo: Slo): string | undefined {
  const { source } = slo.sli;
  if (source.type === 'heartbeat') {
    return `it counts the runs of heartbeat "${source.heartbeat}", which Headroom sees and Prometheus does not`;
  }
  if (source.type !== 'prometheus') {
    return 'its counts are pushed to Headroom (events), so Prometheus has no series for it; give its SLI a Prometheus source (sli.source.prometheus) to generate rules';
  }
  if (slo.sli.kind === 'threshold') {
    return 'threshold SLIs need a query that counts good events (for example a histogram bucket); write it as a ratio SLI with goodQuery and totalQuery';
  }
  if (slo.window.kind === 'calendar') {
    return 'calendar windows (a month, a quarter) have no PromQL range selector; use a rolling window such as 30d';
  }
  if (slo.budgeting.kind === 'timeslices') {
    return 'Timeslices budgets count good minutes, which recording rules over ratios cannot; use budgetingMethod occurrences';
  }
  const queries = [source.errorRatioQuery, source.badQuery, source.goodQuery, source.totalQuery];
  if (queries.every((query) => query === undefined)) return 'its Prometheus source has no query';
  if (source.errorRatioQuery === undefined && source.totalQuery === undefined) {
    return 'a ratio needs totalQuery besides goodQuery or badQuery (or an errorRatioQuery)';
  }
  const unreadable = queries.find(
    (query) => query !== undefined && !hasWindow(query) && !isPlainSelector(query),
  );
  if (unreadable !== undefined) {
    return `the query ${JSON.stringify(unreadable)} has no {{.window}} placeholder and is not a plain counter selector, so it cannot be evaluated over each alert window (write e.g. sum(rate(http_requests_total[{{.window}}])))`;
  }
  if (source.errorRatioQuery !== undefined && !hasWindow(source.errorRatioQuery)) {
    return 'its errorRatioQuery has no {{.window}} placeholder, so it cannot be evaluated over each alert window';
  }
  return undefined;
}

/** The PromQL of the error ratio over a window of `minutes`. */
function errorRatio(source: PrometheusSliSource, minutes: number): string {
  const over = (query: string): string => windowed(query, minutes);
  if (source.errorRatioQuery !== undefined) return `(${over(source.errorRatioQuery)})`;
  const total = over(source.totalQuery ?? '');
  if (source.badQuery !== undefined) return `(${over(source.badQuery)})\n/\n(${total})`;
  return `1 - (\n(${over(source.goodQuery ?? '')})\n/\n(${total})\n)`;
}

function rulesOf(slo: Slo, source: PrometheusSliSource): RuleGroup[] {
  // Sloth names an SLO within its service (sloth_id = <service>-<slo>); SLOs read from
  // Sloth files carry that id as their name already, and keep Sloth's labels exactly.
  const prefix = `${slo.service}-`;
  const sloName = slo.name.startsWith(prefix) ? slo.name.slice(prefix.length) : slo.name;
  const id = `${slo.service}-${sloName}`;
  const ids = { sloth_id: id, sloth_service: slo.service, sloth_slo: sloName };
  const selector = `{sloth_id="${id}", sloth_service="${slo.service}", sloth_slo="${sloName}"}`;
  const labels = { ...slo.labels, ...ids };
  const objective = slo.objective.numerator / slo.objective.denominator;
  const errorBudget =
    (slo.objective.denominator - slo.objective.numerator) / slo.objective.denominator;
  const periodMinutes = windowNominalMinutes(slo.window);
  const period = formatDuration(periodMinutes);
  const alertRules = alertRulesFor(slo.alerting, slo.window);

  const windows = [
    ...new Set([
      5,
      ...alertRules.flatMap((rule) => [rule.shortWindowMinutes, rule.longWindowMinutes]),
    ]),
  ]
    .filter((minutes) => minutes < periodMinutes)
    .sort((a, b) => a - b);
  // Sloth's base window: the current burn rate and the period ratio read the 5m ratio.
  const base = '5m';
  const sliRules: RecordingRule[] = windows.map((minutes) => {
    const window = formatDuration(minutes);
    return {
      record: `slo:sli_error:ratio_rate${window}`,
      expr: errorRatio(source, minutes),
      labels: { ...labels, sloth_window: window },
    };
  });
  // As Sloth does: the period's ratio from the 5m ratio's samples, cheap to evaluate.
  sliRules.push({
    record: `slo:sli_error:ratio_rate${period}`,
    expr: `sum_over_time(slo:sli_error:ratio_rate${base}${selector}[${period}])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate${base}${selector}[${period}])`,
    labels: { ...labels, sloth_window: period },
  });

  const byIds = 'on(sloth_id, sloth_slo, sloth_service) group_left';
  const metaRules: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${objective})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(${errorBudget})`, labels },
    { record: 'slo:time_period:days', expr: `vector(${periodMinutes / (24 * 60)})`, labels },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate${base}${selector}\n/ ${byIds}\nslo:error_budget:ratio${selector}`,
      labels,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate${period}${selector}\n/ ${byIds}\nslo:error_budget:ratio${selector}`,
      labels,
    },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${selector}`,
      labels,
    },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: {
        ...labels,
        sloth_mode: 'headroom-generate-prometheus',
        sloth_objective: String(objective * 100),
      },
    },
  ];

  const groups: RuleGroup[] = [
    { name: `sloth-slo-sli-recordings-${id}`, rules: sliRules },
    { name: `sloth-slo-meta-recordings-${id}`, rules: metaRules },
  ];
  const alerts = (['page', 'ticket'] as const).flatMap((severity) => {
    const rules = alertRules.filter((rule) => rule.severity === severity);
    if (rules.length === 0) return [];
    return [alertOf(slo, severity, rules, selector, errorBudget)];
  });
  if (alerts.length > 0) groups.push({ name: `sloth-slo-alerts-${id}`, rules: alerts });
  return groups;
}

function alertOf(
  slo: Slo,
  severity: 'page' | 'ticket',
  rules: readonly BurnRateAlertRule[],
  selector: string,
  errorBudget: number,
): AlertingRule {
  const over = (minutes: number, factor: number): string =>
    `max(slo:sli_error:ratio_rate${formatDuration(minutes)}${selector} > (${factor} * ${errorBudget})) without (sloth_window)`;
  const expr = rules
    .map(
      (rule) =>
        `(\n  ${over(rule.shortWindowMinutes, rule.factor)}\n  and\n  ${over(rule.longWindowMinutes, rule.factor)}\n)`,
    )
    .join('\nor\n');
  return {
    alert: alertName(slo.name),
    expr,
    labels: { sloth_severity: severity },
    annotations: {
      title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
      summary: `{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.`,
    },
  };
}

/** `checkout-availability` -> `CheckoutAvailabilityBurnRate`: a valid alert name per SLO. */
function alertName(slo: string): string {
  const words = slo.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return `${words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')}BurnRate`;
}
