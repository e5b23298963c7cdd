import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Service, Slo } from '../../core/slo/model.js';
import { IssueCollector, type SourceDocument } from '../document.js';
import { readOpenSloDocuments } from './openslo.js';
import { describeIssues, sourceDocumentsFrom } from './test-support.js';
import { emptyFormatResult } from './types.js';

function fixtures(...names: string[]): SourceDocument[] {
  return names.flatMap((name) => {
    const url = new URL(`../../../test/fixtures/config/openslo/${name}`, import.meta.url);
    return sourceDocumentsFrom(readFileSync(url, 'utf8'), name);
  });
}

function read(sources: SourceDocument[]) {
  const issues = new IssueCollector();
  const result = readOpenSloDocuments(sources, issues);
  return { result, issues: describeIssues(issues.issues) };
}

const values = <T>(located: readonly { value: T }[]): T[] => located.map((item) => item.value);

/** Referable documents that the SLOs of the tables below use. */
const shared = `apiVersion: openslo/v1
kind: DataSource
metadata: {name: prometheus}
spec: {type: Prometheus}
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: checkout-success}
spec:
  ratioMetric:
    good: {metricSource: {metricSourceRef: prometheus, spec: {query: sum(good)}}}
    total: {metricSource: {metricSourceRef: prometheus, spec: {query: sum(total)}}}
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: checkout-latency}
spec:
  thresholdMetric: {metricSource: {metricSourceRef: prometheus, spec: {query: p99}}}
---
apiVersion: openslo/v1
kind: AlertCondition
metadata: {name: fast-burn}
spec:
  severity: page
  condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: paging}
spec:
  conditions: [{conditionRef: fast-burn}]
`;

interface SloFields {
  indicator?: string;
  timeWindow?: string;
  budgetingMethod?: string;
  objectives?: string;
  /** Further lines of spec, indented by two spaces. */
  extra?: string;
}

/** An SLO document in `slo.yaml`: line 6 holds the indicator, 7 the window, 8 the method, 9 the objectives. */
function sloDocument(fields: SloFields): string {
  return `apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-availability}
spec:
  service: checkout
  ${fields.indicator ?? 'indicatorRef: checkout-success'}
  timeWindow: ${fields.timeWindow ?? '[{duration: 28d, isRolling: true}]'}
  budgetingMethod: ${fields.budgetingMethod ?? 'Occurrences'}
  objectives: ${fields.objectives ?? '[{target: 0.999}]'}
${fields.extra ?? ''}`;
}

function readSlo(fields: SloFields, more = '') {
  const sources = [
    ...sourceDocumentsFrom(shared, 'shared.yaml'),
    ...sourceDocumentsFrom(sloDocument(fields), 'slo.yaml'),
    ...(more === '' ? [] : sourceDocumentsFrom(more, 'more.yaml')),
  ];
  return read(sources);
}

const checkoutSuccessSli = {
  kind: 'ratio',
  counts: 'good',
  source: {
    type: 'prometheus',
    dataSource: 'prometheus',
    goodQuery: 'sum(good)',
    badQuery: undefined,
    totalQuery: 'sum(total)',
    errorRatioQuery: undefined,
  },
} as const;

describe('readOpenSloDocuments', () => {
  it('maps the example of the anchor study: inline SLI, calendar month, inline alert policy', () => {
    const { result, issues } = read(fixtures('checkout.yaml'));

    expect(issues).toEqual([
      "checkout.yaml:49:93 warning ignored_field spec.alertPolicies[0].spec.conditions[0].spec.condition.alertAfter: alertAfter 2m is ignored: Headroom's multiwindow rule uses a short window instead of a pending duration",
    ]);
    expect(result.services).toEqual([]);
    expect(result.impliedServices).toEqual([]);
    expect(values(result.slos)).toEqual([
      {
        name: 'checkout-availability',
        service: 'checkout',
        description: undefined,
        sli: {
          kind: 'ratio',
          counts: 'bad',
          source: {
            type: 'prometheus',
            dataSource: 'prom-main',
            goodQuery: undefined,
            badQuery: 'sum(http_requests_total{svc="checkout",code=~"5.."})',
            totalQuery: 'sum(http_requests_total{svc="checkout"})',
            errorRatioQuery: undefined,
          },
        },
        objective: { numerator: 199, denominator: 200 },
        window: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' },
        budgeting: { kind: 'occurrences' },
        alerting: {
          enabled: true,
          rules: [{ severity: 'page', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4 }],
        },
        labels: { team: 'payments' },
      } satisfies Slo,
    ]);
    expect(result.slos[0]?.path).toEqual([]);
    expect(result.slos[0]?.source.index).toBe(1);
  });

  it('resolves references across files and maps services, SLIs and alert policies', () => {
    const { result, issues } = read(
      fixtures(
        'payments/slos.yaml',
        'payments/services.yaml',
        'payments/alerting.yaml',
        'payments/slis.yaml',
        'payments/datasources.yaml',
      ),
    );

    expect(issues).toEqual([
      'payments/slis.yaml:54:26 warning source_not_supported spec.ratioMetric.bad.metricSource.metricSourceRef: metric source type "Datadog" is not supported yet (supported: Prometheus); the SLI reads pushed events instead',
      'payments/services.yaml:28:3 warning missing_team metadata: OpenSLO Service has no team; set metadata.labels.team',
    ]);
    expect(values(result.services)).toEqual([
      {
        name: 'checkout',
        team: 'payments',
        tier: 'critical',
        dependencies: [],
        runbook: 'https://runbooks.example.com/checkout',
        description: "Takes the customer's basket to a paid order.",
        labels: { team: 'payments', tier: 'critical', tags: 'revenue,customer-facing' },
      },
      {
        name: 'search',
        team: 'discovery',
        tier: 'standard',
        dependencies: [],
        runbook: 'https://runbooks.example.com/search',
        description: 'Finds products.',
        labels: { team: 'discovery,platform', runbook: 'https://runbooks.example.com/search' },
      },
      {
        name: 'ledger',
        team: undefined,
        tier: 'standard',
        dependencies: [],
        runbook: undefined,
        description: 'Books every payment twice.',
        labels: {},
      },
    ] satisfies Service[]);
    expect(values(result.slos)).toEqual([
      {
        name: 'checkout-availability',
        service: 'checkout',
        description: '99.9 % of checkout requests succeed over 28 days.',
        sli: {
          kind: 'ratio',
          counts: 'good',
          source: {
            type: 'prometheus',
            dataSource: 'prometheus',
            goodQuery: 'sum(http_requests_total{job="checkout",code!~"5.."})',
            badQuery: undefined,
            totalQuery: 'sum(http_requests_total{job="checkout"})',
            errorRatioQuery: undefined,
          },
        },
        objective: { numerator: 999, denominator: 1000 },
        window: { kind: 'rolling', minutes: 40_320 },
        budgeting: { kind: 'occurrences' },
        alerting: {
          enabled: true,
          rules: [
            { severity: 'page', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4 },
            { severity: 'ticket', longWindowMinutes: 4320, shortWindowMinutes: 360, factor: 1 },
          ],
        },
        labels: { journey: 'purchase', tags: 'revenue,customer-facing' },
      },
      {
        name: 'search-latency',
        service: 'search',
        description: undefined,
        sli: {
          kind: 'threshold',
          operator: 'lte',
          threshold: 0.3,
          unit: undefined,
          source: {
            type: 'prometheus',
            dataSource: undefined,
            goodQuery: undefined,
            badQuery: undefined,
            totalQuery:
              'histogram_quantile(0.99, sum by (le) (rate(search_duration_seconds_bucket[1m])))',
            errorRatioQuery: undefined,
          },
        },
        objective: { numerator: 99, denominator: 100 },
        window: { kind: 'calendar', unit: 'quarter', timeZone: 'America/New_York' },
        budgeting: { kind: 'timeslices', sliceTarget: { numerator: 19, denominator: 20 } },
        alerting: { enabled: true, rules: undefined },
        labels: {},
      },
      {
        name: 'ledger-freshness',
        service: 'ledger',
        description: undefined,
        sli: {
          kind: 'ratio',
          counts: 'bad',
          source: {
            type: 'prometheus',
            dataSource: 'prometheus',
            goodQuery: undefined,
            badQuery: undefined,
            totalQuery: undefined,
            errorRatioQuery: '1 - (ledger:fresh_batches:ratio)',
          },
        },
        objective: { numerator: 199, denominator: 200 },
        window: { kind: 'calendar', unit: 'week', timeZone: 'UTC' },
        budgeting: { kind: 'timeslices', sliceTarget: { numerator: 1, denominator: 1 } },
        alerting: { enabled: true, rules: undefined },
        labels: {},
      },
      {
        name: 'ledger-bookings',
        service: 'ledger',
        description: undefined,
        sli: { kind: 'ratio', counts: 'bad', source: { type: 'events' } },
        objective: { numerator: 9999, denominator: 10_000 },
        window: { kind: 'rolling', minutes: 43_200 },
        budgeting: { kind: 'occurrences' },
        alerting: { enabled: true, rules: undefined },
        labels: {},
      },
    ] satisfies Slo[]);
  });

  it('keeps a raw failure ratio as the error-ratio query', () => {
    const { result, issues } = readSlo({
      indicator: `indicator:
    spec:
      ratioMetric:
        rawType: failure
        raw: {metricSource: {type: Prometheus, spec: {query: 'job:errors:ratio_rate5m'}}}`,
    });
    expect(issues).toEqual([]);
    expect(result.slos[0]?.value.sli).toEqual({
      kind: 'ratio',
      counts: 'bad',
      source: {
        type: 'prometheus',
        dataSource: undefined,
        goodQuery: undefined,
        badQuery: undefined,
        totalQuery: undefined,
        errorRatioQuery: 'job:errors:ratio_rate5m',
      },
    });
  });

  it.each([
    ['1w', '2025-03-03 00:00:00', 'week'],
    ['1M', '2024-02-01 00:00:00', 'month'],
    ['1Q', '2025-10-01 00:00:00', 'quarter'],
  ])('maps a calendar window of %s starting %s to a %s', (duration, startTime, unit) => {
    const { result, issues } = readSlo({
      timeWindow: `[{duration: ${duration}, isRolling: false, calendar: {startTime: "${startTime}", timeZone: Asia/Kolkata}}]`,
    });
    expect(issues).toEqual([]);
    expect(result.slos[0]?.value.window).toEqual({
      kind: 'calendar',
      unit,
      timeZone: 'Asia/Kolkata',
    });
  });

  it.each([
    ['a bare number', '1'],
    ['a duration', '1m'],
    ['nothing', undefined],
  ])('accepts a time slice window of one minute as %s', (_name, window) => {
    const sliceWindow = window === undefined ? '' : `, timeSliceWindow: ${window}`;
    const { result, issues } = readSlo({
      budgetingMethod: 'Timeslices',
      objectives: `[{target: 0.99, timeSliceTarget: 0.9${sliceWindow}}]`,
    });
    expect(issues).toEqual([]);
    expect(result.slos[0]?.value.budgeting).toEqual({
      kind: 'timeslices',
      sliceTarget: { numerator: 9, denominator: 10 },
    });
  });

  it.each([
    ['page', 'page'],
    ['CRITICAL', 'page'],
    ['High', 'page'],
    ['ticket', 'ticket'],
    ['warning', 'ticket'],
    ['sev3', 'ticket'],
  ])('maps alert severity %s to %s', (severity, expected) => {
    const { result, issues } = readSlo({
      extra: `  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: inline}
      spec:
        conditions:
          - kind: AlertCondition
            metadata: {name: burn}
            spec:
              severity: ${severity}
              condition: {kind: burnrate, op: gte, threshold: 6, lookbackWindow: 6h}
`,
    });
    expect(issues).toEqual([]);
    expect(result.slos[0]?.value.alerting).toEqual({
      enabled: true,
      rules: [{ severity: expected, longWindowMinutes: 360, shortWindowMinutes: 30, factor: 6 }],
    });
  });

  it.each([
    ['5m', 5, 1],
    ['30m', 30, 3],
    ['1h', 60, 5],
    ['1d', 1440, 120],
    ['3d', 4320, 360],
  ])('derives the short window of a %s lookback as 1/12 of it', (lookback, long, short) => {
    const { result } = readSlo({
      extra: `  alertPolicies:
    - spec:
        conditions:
          - spec:
              severity: page
              condition: {op: gt, threshold: 2, lookbackWindow: ${lookback}}
`,
    });
    expect(result.slos[0]?.value.alerting.rules).toEqual([
      { severity: 'page', longWindowMinutes: long, shortWindowMinutes: short, factor: 2 },
    ]);
  });

  it.each<{ name: string; fields: SloFields; expected: string[] }>([
    {
      name: 'both indicator and indicatorRef',
      fields: {
        extra:
          '  indicator: {spec: {thresholdMetric: {metricSource: {metricSourceRef: prometheus, spec: {query: p99}}}}}\n',
      },
      expected: [
        'slo.yaml:6:3 error conflicting_fields spec.indicatorRef: give indicator (an inline SLI) or indicatorRef (the name of an SLI), not both',
      ],
    },
    {
      name: 'neither indicator nor indicatorRef',
      fields: { indicator: 'description: no indicator' },
      expected: [
        'slo.yaml:5:3 error missing_field spec: an SLO needs indicator (an inline SLI) or indicatorRef (the name of an SLI)',
      ],
    },
    {
      name: 'an unknown indicatorRef',
      fields: { indicator: 'indicatorRef: checkout-sucess' },
      expected: [
        'slo.yaml:6:17 error unknown_reference spec.indicatorRef: unknown SLI "checkout-sucess"; did you mean "checkout-success"? (defined: checkout-success, checkout-latency)',
      ],
    },
    {
      name: 'two time windows',
      fields: { timeWindow: '[{duration: 28d, isRolling: true}, {duration: 7d, isRolling: true}]' },
      expected: [
        'slo.yaml:7:50 error invalid_value spec.timeWindow[1]: timeWindow needs exactly one entry, found 2',
      ],
    },
    {
      name: 'no time window',
      fields: { timeWindow: '[]' },
      expected: [
        'slo.yaml:7:15 error too_small spec.timeWindow: timeWindow needs exactly one entry, found 0',
      ],
    },
    {
      name: 'a rolling month',
      fields: { timeWindow: '[{duration: 1M, isRolling: true}]' },
      expected: [
        'slo.yaml:7:27 error unsupported spec.timeWindow[0].duration: rolling window "1M": rolling windows need m, h, d or w (e.g. 30d or 4w); for calendar months or quarters set isRolling: false with a calendar',
      ],
    },
    {
      name: 'a rolling window in seconds',
      fields: { timeWindow: '[{duration: 3600s}]' },
      expected: [
        'slo.yaml:7:27 error invalid_duration spec.timeWindow[0].duration: durations are whole minutes in "3600s"; expected a duration such as 5m, 1h30m, 7d or 4w (units m, h, d, w)',
      ],
    },
    {
      name: 'a calendar on a rolling window',
      fields: {
        timeWindow:
          '[{duration: 28d, isRolling: true, calendar: {startTime: "2025-01-01 00:00:00", timeZone: UTC}}]',
      },
      expected: [
        'slo.yaml:7:49 error conflicting_fields spec.timeWindow[0].calendar: calendar applies only to calendar windows; set isRolling: false or leave calendar out',
      ],
    },
    {
      name: 'a calendar window without a calendar',
      fields: { timeWindow: '[{duration: 1M, isRolling: false}]' },
      expected: [
        'slo.yaml:7:16 error missing_field spec.timeWindow[0]: a calendar window (isRolling: false) needs calendar with startTime and timeZone',
      ],
    },
    {
      name: 'a calendar window of two weeks',
      fields: {
        timeWindow: '[{duration: 2w, calendar: {startTime: "2025-01-06 00:00:00", timeZone: UTC}}]',
      },
      expected: [
        'slo.yaml:7:27 error unsupported spec.timeWindow[0].duration: calendar window "2w" is not supported; expected 1w, 1M or 1Q (a week, month or quarter)',
      ],
    },
    {
      name: 'a month starting mid-month',
      fields: {
        timeWindow:
          '[{duration: 1M, calendar: {startTime: "2025-01-15 00:00:00", timeZone: Europe/Berlin}}]',
      },
      expected: [
        'slo.yaml:7:53 error unsupported spec.timeWindow[0].calendar.startTime: startTime "2025-01-15 00:00:00" is not the start of a month: Headroom aligns calendar windows to calendar boundaries, and a month starts on day 1 at 00:00 in Europe/Berlin; expected e.g. "2025-01-01 00:00:00"',
      ],
    },
    {
      name: 'a week starting on a Sunday',
      fields: {
        timeWindow: '[{duration: 1w, calendar: {startTime: "2025-01-05 00:00:00", timeZone: UTC}}]',
      },
      expected: [
        'slo.yaml:7:53 error unsupported spec.timeWindow[0].calendar.startTime: startTime "2025-01-05 00:00:00" is not the start of a week: Headroom aligns calendar windows to calendar boundaries, and a week starts on a Monday at 00:00 in UTC; expected e.g. "2024-12-30 00:00:00"',
      ],
    },
    {
      name: 'a quarter starting in February',
      fields: {
        timeWindow: '[{duration: 1Q, calendar: {startTime: "2025-02-01 00:00:00", timeZone: UTC}}]',
      },
      expected: [
        'slo.yaml:7:53 error unsupported spec.timeWindow[0].calendar.startTime: startTime "2025-02-01 00:00:00" is not the start of a quarter: Headroom aligns calendar windows to calendar boundaries, and a quarter starts on 1 January, April, July or October at 00:00 in UTC; expected e.g. "2025-01-01 00:00:00"',
      ],
    },
    {
      name: 'a month starting at noon',
      fields: {
        timeWindow: '[{duration: 1M, calendar: {startTime: "2025-01-01 12:30:00", timeZone: UTC}}]',
      },
      expected: [
        'slo.yaml:7:53 error unsupported spec.timeWindow[0].calendar.startTime: startTime "2025-01-01 12:30:00" is not the start of a month: Headroom aligns calendar windows to calendar boundaries, and a month starts on day 1 at 00:00 in UTC; expected e.g. "2025-01-01 00:00:00"',
      ],
    },
    {
      name: 'a start time in ISO format',
      fields: {
        timeWindow:
          '[{duration: 1M, calendar: {startTime: "2025-01-01T00:00:00Z", timeZone: UTC}}]',
      },
      expected: [
        'slo.yaml:7:53 error invalid_value spec.timeWindow[0].calendar.startTime: startTime "2025-01-01T00:00:00Z" is not a date and time as "YYYY-MM-DD hh:mm:ss", e.g. "2025-01-01 00:00:00"',
      ],
    },
    {
      name: 'an unknown time zone',
      fields: {
        timeWindow:
          '[{duration: 1M, calendar: {startTime: "2025-01-01 00:00:00", timeZone: Europe/Berln}}]',
      },
      expected: [
        'slo.yaml:7:86 error invalid_time_zone spec.timeWindow[0].calendar.timeZone: unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"? (expected an IANA zone name such as Europe/Berlin)',
      ],
    },
    {
      name: 'RatioTimeslices budgeting',
      fields: { budgetingMethod: 'RatioTimeslices' },
      expected: [
        'slo.yaml:8:20 error unsupported spec.budgetingMethod: budgetingMethod RatioTimeslices is not supported; expected Occurrences or Timeslices (one-minute slices)',
      ],
    },
    {
      name: 'Timeslices without a time slice target',
      fields: { budgetingMethod: 'Timeslices' },
      expected: [
        'slo.yaml:9:16 error missing_field spec.objectives[0]: budgetingMethod Timeslices needs timeSliceTarget, the share of good events that makes a minute good (e.g. 0.95)',
      ],
    },
    {
      name: 'five-minute time slices',
      fields: {
        budgetingMethod: 'Timeslices',
        objectives: '[{target: 0.99, timeSliceTarget: 0.9, timeSliceWindow: 5m}]',
      },
      expected: [
        'slo.yaml:9:70 error unsupported spec.objectives[0].timeSliceWindow: timeSliceWindow 5m is not supported: Headroom evaluates one-minute slices; expected 1m (or leave it out)',
      ],
    },
    {
      name: 'two objectives',
      fields: { objectives: '[{target: 0.999}, {target: 0.99}]' },
      expected: [
        'slo.yaml:9:33 error unsupported spec.objectives[1]: Headroom supports one objective per SLO; write each further objective as an SLO of its own',
      ],
    },
    {
      name: 'no objective',
      fields: { objectives: '[]' },
      expected: [
        'slo.yaml:9:15 error too_small spec.objectives: objectives needs one entry with target or targetPercent',
      ],
    },
    {
      name: 'a composite objective',
      fields: {
        objectives: '[{target: 0.999, indicatorRef: checkout-latency, compositeWeight: 2}]',
      },
      expected: [
        'slo.yaml:9:32 error unsupported spec.objectives[0].indicatorRef: composite objectives (indicatorRef) are not supported; write each indicator as an SLO of its own',
      ],
    },
    {
      name: 'both target and targetPercent',
      fields: { objectives: '[{target: 0.999, targetPercent: 99.9}]' },
      expected: [
        'slo.yaml:9:32 error conflicting_fields spec.objectives[0].targetPercent: give target (e.g. 0.999) or targetPercent (e.g. 99.9), not both',
      ],
    },
    {
      name: 'an objective without a target',
      fields: { objectives: '[{displayName: Checkout succeeds}]' },
      expected: [
        'slo.yaml:9:16 error missing_field spec.objectives[0]: an objective needs target (e.g. 0.999) or targetPercent (e.g. 99.9)',
      ],
    },
    {
      name: 'a target of 1',
      fields: { objectives: '[{target: 1}]' },
      expected: [
        'slo.yaml:9:25 error out_of_range spec.objectives[0].target: target must be above 0 and below 1, e.g. 0.999; 1 leaves no error budget',
      ],
    },
    {
      name: 'a target of 0',
      fields: { objectives: '[{target: 0}]' },
      expected: [
        'slo.yaml:9:25 error out_of_range spec.objectives[0].target: target must be above 0 and below 1, e.g. 0.999',
      ],
    },
    {
      name: 'a target with more digits than an exact fraction keeps',
      fields: { objectives: '[{target: 0.9999999999999999}]' },
      expected: [
        'slo.yaml:9:25 error too_precise spec.objectives[0].target: target has more digits than Headroom keeps exactly (15); expected e.g. 0.9995 or 99.95',
      ],
    },
    {
      name: 'a target percent of 100',
      fields: { objectives: '[{targetPercent: 100}]' },
      expected: [
        'slo.yaml:9:32 error out_of_range spec.objectives[0].targetPercent: targetPercent must be above 0 and below 100, e.g. 99.9; 100 leaves no error budget',
      ],
    },
    {
      name: 'op and value on a ratio SLI',
      fields: { objectives: '[{op: lte, value: 0.3, target: 0.999}]' },
      expected: [
        'slo.yaml:9:17 error conflicting_fields spec.objectives[0].op: op applies only to thresholdMetric SLIs; the objective of a ratioMetric SLI takes target or targetPercent only',
      ],
    },
    {
      name: 'a threshold SLI without op',
      fields: {
        indicator: 'indicatorRef: checkout-latency',
        objectives: '[{value: 0.3, target: 0.99}]',
      },
      expected: [
        'slo.yaml:9:16 error missing_field spec.objectives[0]: a thresholdMetric SLI needs op (lte, lt, gte or gt) on its objective, e.g. op: lte, value: 0.3',
      ],
    },
    {
      name: 'a threshold SLI without value',
      fields: {
        indicator: 'indicatorRef: checkout-latency',
        objectives: '[{op: lte, target: 0.99}]',
      },
      expected: [
        'slo.yaml:9:16 error missing_field spec.objectives[0]: a thresholdMetric SLI needs value on its objective, e.g. op: lte, value: 0.3',
      ],
    },
    {
      name: 'an unknown alertPolicyRef',
      fields: { extra: '  alertPolicies: [{alertPolicyRef: pagin}]\n' },
      expected: [
        'slo.yaml:10:36 error unknown_reference spec.alertPolicies[0].alertPolicyRef: unknown AlertPolicy "pagin"; did you mean "paging"? (defined: paging)',
      ],
    },
    {
      name: 'an alertPolicyRef with an inline spec',
      fields: {
        extra:
          '  alertPolicies: [{alertPolicyRef: paging, spec: {conditions: [{conditionRef: fast-burn}]}}]\n',
      },
      expected: [
        'slo.yaml:10:44 error conflicting_fields spec.alertPolicies[0].spec: give alertPolicyRef or an inline AlertPolicy (kind, metadata, spec), not both',
      ],
    },
    {
      name: 'an inline alert policy without spec',
      fields: { extra: '  alertPolicies: [{kind: AlertPolicy, metadata: {name: paging}}]\n' },
      expected: [
        'slo.yaml:10:19 error missing_field spec.alertPolicies[0]: an alert policy needs alertPolicyRef (the name of an AlertPolicy) or an inline AlertPolicy with spec',
      ],
    },
    {
      name: 'an unknown conditionRef',
      fields: { extra: '  alertPolicies: [{spec: {conditions: [{conditionRef: slow-burn}]}}]\n' },
      expected: [
        'slo.yaml:10:55 error unknown_reference spec.alertPolicies[0].spec.conditions[0].conditionRef: unknown AlertCondition "slow-burn" (defined: fast-burn)',
      ],
    },
    {
      name: 'a burn-rate condition that fires below its threshold',
      fields: {
        extra:
          '  alertPolicies: [{spec: {conditions: [{spec: {severity: page, condition: {op: lt, threshold: 0, lookbackWindow: 1M, alertAfter: soon}}}]}}]\n',
      },
      expected: [
        'slo.yaml:10:80 error unsupported spec.alertPolicies[0].spec.conditions[0].spec.condition.op: op lt is not supported: burn-rate alerts fire when the burn rate rises above the threshold; expected gt or gte',
        'slo.yaml:10:95 error out_of_range spec.alertPolicies[0].spec.conditions[0].spec.condition.threshold: threshold 0 is not a burn rate above 0; expected e.g. 14.4',
        'slo.yaml:10:114 error invalid_duration spec.alertPolicies[0].spec.conditions[0].spec.condition.lookbackWindow: unknown unit "M" in "1M"; expected a duration such as 5m, 1h30m, 7d or 4w (units m, h, d, w)',
        'slo.yaml:10:130 error invalid_duration spec.alertPolicies[0].spec.conditions[0].spec.condition.alertAfter: cannot read "soon" in "soon"; expected a duration such as 5m, 1h30m, 7d or 4w (units m, h, d, w)',
      ],
    },
    {
      name: 'a mistyped field',
      fields: { extra: '  alertPolicys: [{alertPolicyRef: paging}]\n' },
      expected: [
        'slo.yaml:10:3 error unknown_field spec.alertPolicys: unknown field "alertPolicys"; did you mean "alertPolicies"? (expected one of: description, service, indicator, indicatorRef, timeWindow, budgetingMethod, objectives, alertPolicies)',
      ],
    },
  ])('rejects an SLO with $name', ({ fields, expected }) => {
    const { result, issues } = readSlo(fields);
    expect(issues).toEqual(expected);
    expect(result.slos).toEqual([]);
  });

  it.each<{ name: string; spec: string; expected: string[] }>([
    {
      name: 'both thresholdMetric and ratioMetric',
      spec: `thresholdMetric: {metricSource: {metricSourceRef: prometheus, spec: {query: p99}}}
  ratioMetric: {raw: {metricSource: {metricSourceRef: prometheus, spec: {query: r}}}, rawType: failure}`,
      expected: [
        'sli.yaml:6:3 error conflicting_fields spec.ratioMetric: an SLI has either thresholdMetric or ratioMetric, not both',
      ],
    },
    {
      name: 'no metric',
      spec: 'description: nothing to measure',
      expected: [
        'sli.yaml:5:3 error missing_field spec: an SLI needs thresholdMetric or ratioMetric (good or bad with total, or raw with rawType)',
      ],
    },
    {
      name: 'both good and bad',
      spec: `ratioMetric:
    good: {metricSource: {metricSourceRef: prometheus, spec: {query: g}}}
    bad: {metricSource: {metricSourceRef: prometheus, spec: {query: b}}}
    total: {metricSource: {metricSourceRef: prometheus, spec: {query: t}}}`,
      expected: [
        'sli.yaml:7:5 error conflicting_fields spec.ratioMetric.bad: give good or bad next to total, not both',
      ],
    },
    {
      name: 'good without total',
      spec: `ratioMetric:
    good: {metricSource: {metricSourceRef: prometheus, spec: {query: g}}}`,
      expected: [
        'sli.yaml:6:5 error missing_field spec.ratioMetric: ratioMetric needs total: good or bad with total, or raw with rawType',
      ],
    },
    {
      name: 'total without good or bad',
      spec: `ratioMetric:
    total: {metricSource: {metricSourceRef: prometheus, spec: {query: t}}}`,
      expected: [
        'sli.yaml:6:5 error missing_field spec.ratioMetric: ratioMetric needs good or bad: good or bad with total, or raw with rawType',
      ],
    },
    {
      name: 'raw without rawType',
      spec: `ratioMetric:
    raw: {metricSource: {metricSourceRef: prometheus, spec: {query: r}}}`,
      expected: [
        'sli.yaml:6:5 error missing_field spec.ratioMetric.raw: raw needs rawType: success (raw is good/total) or failure (raw is bad/total)',
      ],
    },
    {
      name: 'raw with total',
      spec: `ratioMetric:
    rawType: failure
    raw: {metricSource: {metricSourceRef: prometheus, spec: {query: r}}}
    total: {metricSource: {metricSourceRef: prometheus, spec: {query: t}}}`,
      expected: [
        'sli.yaml:8:5 error conflicting_fields spec.ratioMetric.total: total cannot be combined with raw; give raw with rawType, or good or bad with total',
      ],
    },
    {
      name: 'rawType without raw',
      spec: `ratioMetric:
    rawType: success
    good: {metricSource: {metricSourceRef: prometheus, spec: {query: g}}}
    total: {metricSource: {metricSourceRef: prometheus, spec: {query: t}}}`,
      expected: [
        'sli.yaml:6:5 error conflicting_fields spec.ratioMetric.rawType: rawType applies only to raw; with good or bad and total, leave it out',
      ],
    },
    {
      name: 'a metric source without type or reference',
      spec: 'thresholdMetric: {metricSource: {spec: {query: p99}}}',
      expected: [
        'sli.yaml:5:35 error missing_field spec.thresholdMetric.metricSource: metricSource needs type (e.g. Prometheus) or metricSourceRef (the name of a DataSource)',
      ],
    },
    {
      name: 'an unknown data source',
      spec: 'thresholdMetric: {metricSource: {metricSourceRef: promethues, spec: {query: p99}}}',
      expected: [
        'sli.yaml:5:53 error unknown_reference spec.thresholdMetric.metricSource.metricSourceRef: unknown DataSource "promethues"; did you mean "prometheus"? (defined: prometheus)',
      ],
    },
    {
      name: 'a type that contradicts its data source',
      spec: 'thresholdMetric: {metricSource: {metricSourceRef: prometheus, type: Datadog, spec: {query: p99}}}',
      expected: [
        'sli.yaml:5:71 error conflicting_fields spec.thresholdMetric.metricSource.type: type "Datadog" contradicts DataSource "prometheus" of type "Prometheus"; leave type out to use the DataSource\'s',
      ],
    },
    {
      name: 'a Prometheus source without a query',
      spec: 'thresholdMetric: {metricSource: {type: Prometheus, spec: {expr: p99}}}',
      expected: [
        'sli.yaml:5:60 error missing_field spec.thresholdMetric.metricSource.spec: a Prometheus metric source needs spec.query with a PromQL expression, e.g. sum(rate(http_requests_total[5m]))',
      ],
    },
    {
      name: 'two data sources in one SLI',
      spec: `ratioMetric:
    good: {metricSource: {type: Prometheus, spec: {query: g}}}
    total: {metricSource: {metricSourceRef: prometheus, spec: {query: t}}}`,
      expected: [
        'sli.yaml:7:45 error unsupported spec.ratioMetric.total.metricSource.metricSourceRef: the metrics of one SLI read different data sources (an inline metricSource, DataSource "prometheus"); Headroom reads an SLI from one data source',
      ],
    },
  ])('rejects an SLI with $name, and the SLO that refers to it', ({ spec, expected }) => {
    const sli = `apiVersion: openslo/v1
kind: SLI
metadata: {name: checkout-errors}
spec:
  ${spec}
`;
    const issues = new IssueCollector();
    const sources = [
      ...sourceDocumentsFrom(shared, 'shared.yaml'),
      ...sourceDocumentsFrom(sli, 'sli.yaml'),
      ...sourceDocumentsFrom(
        sloDocument({ indicator: 'indicatorRef: checkout-errors' }),
        'slo.yaml',
      ),
    ];
    const result = readOpenSloDocuments(sources, issues);
    expect(describeIssues(issues.issues)).toEqual([
      ...expected,
      'slo.yaml:6:17 error invalid_reference spec.indicatorRef: SLI "checkout-errors" at sli.yaml:3:18 has errors; fix them first',
    ]);
    expect(result.slos).toEqual([]);
  });

  it('maps a metric source of another type to pushed events with a warning', () => {
    const { result, issues } = readSlo({
      indicator: `indicator:
    spec:
      thresholdMetric: {metricSource: {type: CloudWatch, spec: {namespace: AWS/ApplicationELB}}}`,
      objectives: '[{op: lte, value: 0.5, target: 0.99}]',
    });
    expect(issues).toEqual([
      'slo.yaml:8:46 warning source_not_supported spec.indicator.spec.thresholdMetric.metricSource.type: metric source type "CloudWatch" is not supported yet (supported: Prometheus); the SLI reads pushed events instead',
    ]);
    expect(result.slos[0]?.value.sli).toEqual({
      kind: 'threshold',
      operator: 'lte',
      threshold: 0.5,
      unit: undefined,
      source: { type: 'events' },
    });
  });

  it('warns that time slice fields are ignored with Occurrences budgeting', () => {
    const { result, issues } = readSlo({ objectives: '[{target: 0.999, timeSliceTarget: 0.9}]' });
    expect(issues).toEqual([
      'slo.yaml:9:32 warning ignored_field spec.objectives[0].timeSliceTarget: timeSliceTarget is ignored with budgetingMethod Occurrences; it applies to Timeslices',
    ]);
    expect(result.slos[0]?.value.budgeting).toEqual({ kind: 'occurrences' });
  });

  it('rejects an unknown kind, suggesting the closest supported one', () => {
    const { result, issues } = read(
      sourceDocumentsFrom(
        'apiVersion: openslo/v1\nkind: Slo\nmetadata: {name: x}\nspec: {}\n',
        'kinds.yaml',
      ),
    );
    expect(issues).toEqual([
      'kinds.yaml:2:7 error unknown_kind kind: unknown OpenSLO kind "Slo"; did you mean "SLO"? (supported: Service, SLO, SLI, DataSource, AlertPolicy, AlertCondition, AlertNotificationTarget)',
    ]);
    expect(result).toEqual(emptyFormatResult());
  });

  it.each([
    [
      'a list',
      '- apiVersion: openslo/v1\n  kind: SLO\n',
      'kinds.yaml:1:1 error invalid_type : expected an OpenSLO object with apiVersion, kind, metadata and spec',
    ],
    [
      'no kind',
      'apiVersion: openslo/v1\nmetadata: {name: checkout}\n',
      'kinds.yaml:1:1 error missing_field kind: required field is missing; expected one of Service, SLO, SLI, DataSource, AlertPolicy, AlertCondition, AlertNotificationTarget',
    ],
  ])('rejects a document that is %s', (_name, text, expected) => {
    const { result, issues } = read(sourceDocumentsFrom(text, 'kinds.yaml'));
    expect(issues).toEqual([expected]);
    expect(result).toEqual(emptyFormatResult());
  });

  it('rejects a second definition of a referable name and keeps the first', () => {
    const { result, issues } = readSlo(
      {},
      `apiVersion: openslo/v1
kind: SLI
metadata: {name: checkout-success}
spec:
  thresholdMetric: {metricSource: {metricSourceRef: prometheus, spec: {query: p99}}}
`,
    );
    expect(issues).toEqual([
      'more.yaml:3:18 error duplicate_name metadata.name: SLI "checkout-success" is already defined at shared.yaml:8:18; SLI names must be unique',
    ]);
    expect(result.slos[0]?.value.sli).toEqual(checkoutSuccessSli);
  });

  it('reports an invalid AlertPolicy once and every SLO that refers to it', () => {
    const { result, issues } = readSlo(
      { extra: '  alertPolicies: [{alertPolicyRef: tickets}]\n' },
      `apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: tickets}
spec:
  conditions: [{conditionRef: slow-burn}]
`,
    );
    expect(issues).toEqual([
      'more.yaml:5:31 error unknown_reference spec.conditions[0].conditionRef: unknown AlertCondition "slow-burn" (defined: fast-burn)',
      'slo.yaml:10:36 error invalid_reference spec.alertPolicies[0].alertPolicyRef: AlertPolicy "tickets" at more.yaml:3:18 has errors; fix them first',
    ]);
    expect(result.slos).toEqual([]);
  });

  it('checks the shape of every kind, naming the expected fields', () => {
    const { result, issues } = read(
      sourceDocumentsFrom(
        `apiVersion: openslo/v1
kind: Service
metadata: {name: Checkout, labels: {team: {name: payments}}}
spec: {description: Takes orders., owner: payments}
---
apiVersion: openslo/v1
kind: DataSource
metadata: {name: prometheus}
spec: {connectionDetails: {url: http://prometheus:9090}}
---
apiVersion: openslo/v1
kind: AlertCondition
metadata: {name: fast-burn}
spec: {severity: page, condition: {kind: budget, op: above, threshold: "14.4", lookbackWindow: 1h}}
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata: {name: OnCallDevopsMailNotification, displayname: On-call}
spec: {target: email}
`,
        'shapes.yaml',
      ),
    );
    expect(issues).toEqual([
      'shapes.yaml:3:18 error invalid_name metadata.name: expected a name of at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (RFC 1123), e.g. checkout-availability',
      'shapes.yaml:3:43 error invalid_type metadata.labels.team: expected a label value: a string or a list of strings',
      'shapes.yaml:4:36 error unknown_field spec.owner: unknown field "owner" (expected one of: description)',
      'shapes.yaml:9:7 error missing_field spec.type: required field is missing; expected string',
      'shapes.yaml:14:42 error invalid_value spec.condition.kind: expected one of "burnrate"',
      'shapes.yaml:14:54 error invalid_value spec.condition.op: expected one of "lte", "lt", "gte", "gt"',
      'shapes.yaml:14:72 error invalid_type spec.condition.threshold: expected number, got string "14.4"',
      'shapes.yaml:18:48 error unknown_field metadata.displayname: unknown field "displayname"; did you mean "displayName"? (expected one of: name, displayName, labels, annotations)',
    ]);
    expect(result).toEqual(emptyFormatResult());
  });

  it('warns about a runbook that is not a web address and leaves it out', () => {
    const { result, issues } = read(
      sourceDocumentsFrom(
        'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: checkout\n  labels: {team: payments}\n  annotations: {runbook: wiki/checkout}\n',
        'service.yaml',
      ),
    );
    expect(issues).toEqual([
      'service.yaml:6:26 warning invalid_url metadata.annotations.runbook: runbook must be an http(s) URL such as https://runbooks.example.com/checkout; got "wiki/checkout"; the service has no runbook',
    ]);
    expect(result.services[0]?.value.runbook).toBeUndefined();
  });

  it('warns about a tier label it does not know and reads the service as standard', () => {
    const { result, issues } = read(
      sourceDocumentsFrom(
        'apiVersion: openslo/v1\nkind: Service\nmetadata: {name: checkout, labels: {team: payments, tier: tier-1}}\nspec: {}\n',
        'service.yaml',
      ),
    );
    expect(issues).toEqual([
      'service.yaml:3:59 warning invalid_tier metadata.labels.tier: tier "tier-1" is not one of critical, standard, low; the service is treated as standard',
    ]);
    expect(result.services[0]?.value.tier).toBe('standard');
  });
});
