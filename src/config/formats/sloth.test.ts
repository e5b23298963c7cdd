import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BurnRateAlertRule, Service, Slo } from '../../core/slo/model.js';
import { IssueCollector } from '../document.js';
import { readSlothDocument } from './sloth.js';
import { describeIssues, sourceDocumentFrom } from './test-support.js';
import { emptyFormatResult } from './types.js';

function fixture(name: string): string {
  return readFileSync(
    new URL(`../../../test/fixtures/config/sloth/${name}`, import.meta.url),
    'utf8',
  );
}

function read(text: string, file = 'sloth.yaml') {
  const issues = new IssueCollector();
  const result = readSlothDocument(sourceDocumentFrom(text, file), issues);
  return { result, issues: describeIssues(issues.issues) };
}

const workbookPageRules: BurnRateAlertRule[] = [
  { severity: 'page', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4 },
  { severity: 'page', longWindowMinutes: 360, shortWindowMinutes: 30, factor: 6 },
];
const workbookTicketRules: BurnRateAlertRule[] = [
  { severity: 'ticket', longWindowMinutes: 1440, shortWindowMinutes: 120, factor: 3 },
  { severity: 'ticket', longWindowMinutes: 4320, shortWindowMinutes: 360, factor: 1 },
];

describe('readSlothDocument', () => {
  it('maps the getting-started spec to one implied service and one SLO', () => {
    const { result, issues } = read(fixture('getting-started.yaml'), 'getting-started.yaml');

    expect(issues).toEqual([
      'getting-started.yaml:7:9 warning invalid_tier labels.tier: tier "2" is not one of critical, standard, low; the service is treated as standard',
    ]);
    expect(result.services).toEqual([]);
    expect(result.impliedServices.map((located) => located.value)).toEqual([
      {
        name: 'myservice',
        team: 'myteam',
        tier: 'standard',
        dependencies: [],
        runbook: undefined,
        description: undefined,
        labels: { owner: 'myteam', repo: 'myorg/myservice', tier: '2' },
      } satisfies Service,
    ]);
    expect(result.impliedServices[0]?.path).toEqual(['service']);
    expect(result.slos.map((located) => located.value)).toEqual([
      {
        name: 'myservice-requests-availability',
        service: 'myservice',
        description: 'Common SLO based on availability for HTTP request responses.',
        sli: {
          kind: 'ratio',
          counts: 'bad',
          source: {
            type: 'prometheus',
            dataSource: undefined,
            goodQuery: undefined,
            badQuery:
              'sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))',
            totalQuery:
              'sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))',
            errorRatioQuery: undefined,
          },
        },
        objective: { numerator: 999, denominator: 1000 },
        window: { kind: 'rolling', minutes: 43_200 },
        budgeting: { kind: 'occurrences' },
        alerting: { enabled: true, rules: undefined },
        labels: { owner: 'myteam', repo: 'myorg/myservice', tier: '2' },
      } satisfies Slo,
    ]);
    expect(result.slos[0]?.path).toEqual(['slos', 0]);
  });

  it('maps a raw SLI, merges labels and keeps only the alerts that are not disabled', () => {
    const { result, issues } = read(fixture('k8s-apiserver.yaml'));

    expect(issues).toEqual([]);
    expect(result.impliedServices.map((located) => located.value)).toEqual([
      {
        name: 'k8s-apiserver',
        team: 'platform',
        tier: 'critical',
        dependencies: [],
        runbook: undefined,
        description: undefined,
        labels: {
          cluster: 'valhalla',
          component: 'kubernetes',
          team: 'platform',
          tier: 'critical',
        },
      },
    ]);
    const [availability, latency] = result.slos.map((located) => located.value);
    expect(availability?.name).toBe('k8s-apiserver-requests-availability');
    expect(availability?.objective).toEqual({ numerator: 1999, denominator: 2000 });
    expect(availability?.alerting).toEqual({ enabled: true, rules: workbookPageRules });
    expect(latency).toEqual({
      name: 'k8s-apiserver-requests-latency',
      service: 'k8s-apiserver',
      description: '99 % of non-watch requests are served in 400 ms.',
      sli: {
        kind: 'ratio',
        counts: 'bad',
        source: {
          type: 'prometheus',
          dataSource: undefined,
          goodQuery: undefined,
          badQuery: undefined,
          totalQuery: undefined,
          errorRatioQuery: [
            '1 - (',
            '  sum(rate(apiserver_request_duration_seconds_bucket{le="0.4",verb!="WATCH"}[{{.window}}]))',
            '  /',
            '  sum(rate(apiserver_request_duration_seconds_count{verb!="WATCH"}[{{.window}}]))',
            ')',
            '',
          ].join('\n'),
        },
      },
      objective: { numerator: 99, denominator: 100 },
      window: { kind: 'rolling', minutes: 43_200 },
      budgeting: { kind: 'occurrences' },
      alerting: { enabled: true, rules: workbookTicketRules },
      labels: {
        cluster: 'valhalla-eu',
        component: 'kubernetes',
        team: 'platform',
        tier: 'critical',
        category: 'latency',
      },
    } satisfies Slo);
  });

  it.each([
    [
      'both alerts disabled',
      'page_alert: {disable: true}\n      ticket_alert: {disable: true}',
      { enabled: false, rules: undefined },
    ],
    ['no alerting', '', { enabled: true, rules: undefined }],
    ['an alerting name only', 'name: CheckoutErrors', { enabled: true, rules: undefined }],
  ])('maps %s', (_name, alertingBody, expected) => {
    const alerting = alertingBody === '' ? '' : `    alerting:\n      ${alertingBody}\n`;
    const { result, issues } = read(`version: prometheus/v1
service: checkout
slos:
  - name: availability
    objective: 99.5
    sli:
      raw: {error_ratio_query: 'job:errors:ratio_rate{{.window}}'}
${alerting}`);
    expect(issues).toEqual([]);
    expect(result.slos[0]?.value.alerting).toEqual(expected);
  });

  it('takes the team from labels.owner when there is no labels.team, and none without either', () => {
    const spec = (labels: string) => `version: prometheus/v1
service: checkout
labels: ${labels}
slos:
  - name: availability
    objective: 99.5
    sli:
      raw: {error_ratio_query: 'job:errors:ratio_rate{{.window}}'}
`;
    expect(read(spec('{owner: payments}')).result.impliedServices[0]?.value.team).toBe('payments');
    expect(
      read(spec('{team: checkout-team, owner: payments}')).result.impliedServices[0]?.value.team,
    ).toBe('checkout-team');
    expect(read(spec('{}')).result.impliedServices[0]?.value.team).toBeUndefined();
  });

  it('warns about Sloth plugins and alert pending durations, which Headroom ignores', () => {
    const { result, issues } = read(`version: prometheus/v1
service: checkout
slo_plugins:
  chain:
    - id: sloth.dev/contrib/alert_for/v1
slos:
  - name: availability
    objective: 99.5
    plugins:
      chain:
        - id: sloth.dev/contrib/info_labels/v1
    sli:
      raw: {error_ratio_query: 'job:errors:ratio_rate{{.window}}'}
    alerting:
      name: CheckoutErrors
      page_alert: {for: 5m}
`);
    expect(issues).toEqual([
      'sloth.yaml:3:1 warning ignored_field slo_plugins: Sloth SLO plugins are ignored: Headroom evaluates the SLO and generates its rules itself',
      "sloth.yaml:16:20 warning ignored_field slos[0].alerting.page_alert.for: page_alert.for is ignored: Headroom's multiwindow alerts use a short window instead of a pending duration",
      'sloth.yaml:9:5 warning ignored_field slos[0].plugins: Sloth SLO plugins are ignored: Headroom evaluates the SLO and generates its rules itself',
    ]);
    expect(result.slos).toHaveLength(1);
  });

  const validSli = "raw: {error_ratio_query: 'job:errors:ratio_rate{{.window}}'}";
  it.each([
    {
      name: 'an objective of 100',
      objective: '100',
      sli: validSli,
      expected: [
        'sloth.yaml:5:16 error out_of_range slos[0].objective: objective 100 leaves no error budget (any bad event breaks it); expected a percentage below 100, e.g. 99.9',
      ],
    },
    {
      name: 'an objective of 0',
      objective: '0',
      sli: validSli,
      expected: [
        'sloth.yaml:5:16 error out_of_range slos[0].objective: objective 0 is not a percentage above 0 and below 100; expected e.g. 99.9',
      ],
    },
    {
      name: 'an objective written as a fraction above 100',
      objective: '999',
      sli: validSli,
      expected: [
        'sloth.yaml:5:16 error out_of_range slos[0].objective: objective 999 is not a percentage above 0 and below 100; expected e.g. 99.9',
      ],
    },
    {
      name: 'an objective with more digits than an exact fraction keeps',
      objective: '99.99999999999999',
      sli: validSli,
      expected: [
        'sloth.yaml:5:16 error too_precise slos[0].objective: objective 99.99999999999999 has more digits than Headroom keeps exactly (15); expected e.g. 99.95',
      ],
    },
    {
      name: 'a plugin SLI',
      objective: '99.9',
      sli: 'plugin: {id: sloth-common/kubernetes/apiserver/availability, options: {filter: x}}',
      expected: [
        "sloth.yaml:7:7 error unsupported slos[0].sli.plugin: SLI plugins are not supported: Headroom cannot run Sloth plugins; write the plugin's queries as sli.events (error_query, total_query) or sli.raw (error_ratio_query)",
      ],
    },
    {
      name: 'two SLI types',
      objective: '99.9',
      sli: `events: {error_query: 'sum(rate(errors[{{.window}}]))', total_query: 'sum(rate(all[{{.window}}]))'}
      ${validSli}`,
      expected: [
        'sloth.yaml:8:7 error conflicting_fields slos[0].sli.raw: raw cannot be given together with events; an SLI has exactly one of events, raw or plugin',
      ],
    },
    {
      name: 'no SLI type',
      objective: '99.9',
      sli: '{}',
      expected: [
        'sloth.yaml:7:7 error missing_field slos[0].sli: an SLI needs one of events (error_query and total_query) or raw (error_ratio_query)',
      ],
    },
    {
      name: 'a query without the window variable',
      objective: '99.9',
      sli: "events: {error_query: 'sum(rate(errors[5m]))', total_query: 'sum(rate(all[{{ .window }}]))'}",
      expected: [
        'sloth.yaml:7:29 error invalid_value slos[0].sli.events.error_query: query does not use the {{.window}} template variable, which Sloth requires; expected e.g. sum(rate(http_requests_total[{{.window}}]))',
      ],
    },
    {
      name: 'the same error and total query',
      objective: '99.9',
      sli: "events: {error_query: 'sum(rate(all[{{.window}}]))', total_query: 'sum(rate(all[{{.window}}]))'}",
      expected: [
        'sloth.yaml:7:73 error invalid_value slos[0].sli.events.total_query: total_query is the same as error_query, which would make every event bad; expected a query for all events',
      ],
    },
    {
      name: 'a mistyped field',
      objective: '99.9',
      sli: "raw: {error_ratio_querry: 'job:errors:ratio_rate{{.window}}'}",
      expected: [
        'sloth.yaml:7:12 error missing_field slos[0].sli.raw.error_ratio_query: required field is missing; expected string',
        'sloth.yaml:7:13 error unknown_field slos[0].sli.raw.error_ratio_querry: unknown field "error_ratio_querry"; did you mean "error_ratio_query"? (expected one of: error_ratio_query)',
      ],
    },
  ])('rejects $name', ({ objective, sli, expected }) => {
    const { result, issues } = read(`version: prometheus/v1
service: checkout
slos:
  - name: availability
    objective: ${objective}
    sli:
      ${sli}
`);
    expect(issues).toEqual(expected);
    expect(result).toEqual(emptyFormatResult());
  });

  it('reports the mistakes of every SLO and of the envelope together', () => {
    const { result, issues } = read(`version: prometheus/v1
service: Check Out
lables: {team: payments}
slos:
  - name: availability
    objective: "99.9"
    sli:
      raw: {error_ratio_query: 'job:errors:ratio_rate{{.window}}'}
  - name: latency-
    objective: 99
    sli:
      raw: {error_ratio_query: 'job:slow:ratio_rate{{.window}}'}
`);
    expect(issues).toEqual([
      'sloth.yaml:2:10 error invalid_name service: expected a name of letters, digits, ".", "_" and "-", starting and ending with a letter or digit, e.g. requests-availability',
      'sloth.yaml:3:1 error unknown_field lables: unknown field "lables"; did you mean "labels"? (expected one of: version, service, labels, slo_plugins, slos)',
      'sloth.yaml:6:16 error invalid_type slos[0].objective: expected number, got string "99.9"',
      'sloth.yaml:9:11 error invalid_name slos[1].name: expected a name of letters, digits, ".", "_" and "-", starting and ending with a letter or digit, e.g. requests-availability',
    ]);
    expect(result).toEqual(emptyFormatResult());
  });

  it('contributes nothing from a document when one of its SLOs has an error', () => {
    const { result, issues } = read(`version: prometheus/v1
service: checkout
slos:
  - name: availability
    objective: 99.9
    sli:
      raw: {error_ratio_query: 'job:errors:ratio_rate{{.window}}'}
  - name: latency
    objective: 100
    sli:
      raw: {error_ratio_query: 'job:slow:ratio_rate{{.window}}'}
`);
    expect(issues).toHaveLength(1);
    expect(result).toEqual(emptyFormatResult());
  });

  it('requires a service and at least one SLO', () => {
    const { issues } = read('version: prometheus/v1\nslos: []\n');
    expect(issues).toEqual([
      'sloth.yaml:1:1 error missing_field service: required field is missing; expected string',
      'sloth.yaml:2:7 error out_of_range slos: expected at least one SLO',
    ]);
  });
});
