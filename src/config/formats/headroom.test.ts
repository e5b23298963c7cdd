import { describe, expect, it } from 'vitest';
import { formatIssue, IssueCollector } from '../document.js';
import { readHeadroomDocument } from './headroom.js';
import { sourceDocumentFrom } from './test-support.js';
import { emptyFormatResult } from './types.js';

function read(text: string) {
  const issues = new IssueCollector();
  const result = readHeadroomDocument(sourceDocumentFrom(text, 'x.yaml'), issues);
  return { result, issues: issues.issues.map(formatIssue) };
}

const slo = (spec: string): string => `apiVersion: headroom/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
${spec}`;

describe('readHeadroomDocument', () => {
  it('maps a Service onto the model', () => {
    const { result, issues } = read(`apiVersion: headroom/v1
kind: Service
metadata:
  name: checkout
  labels: { domain: shop }
spec:
  team: payments
  tier: critical
  description: Takes the basket to a paid order.
  runbook: https://runbooks.example.com/checkout
  dependencies:
    - service: payments-api
      critical: true
    - service: recommendations
`);
    expect(issues).toEqual([]);
    expect(result.slos).toEqual([]);
    expect(result.services.map((service) => service.value)).toEqual([
      {
        name: 'checkout',
        team: 'payments',
        tier: 'critical',
        description: 'Takes the basket to a paid order.',
        runbook: 'https://runbooks.example.com/checkout',
        dependencies: [
          { service: 'payments-api', critical: true },
          { service: 'recommendations', critical: false },
        ],
        labels: { domain: 'shop' },
      },
    ]);
    expect(result.services[0]?.path).toEqual([]);
  });

  it('maps a threshold SLO with a calendar window, timeslices and explicit rules onto the model', () => {
    const { result, issues } = read(
      slo(`  sli:
    threshold: { operator: gte, value: 0.25, unit: s }
  objective: 99.5
  window: { calendar: quarter, timeZone: Europe/Amsterdam }
  budgetingMethod: timeslices
  timeSliceTarget: 95
  alerting:
    rules:
      - { severity: ticket, longWindow: 1d, shortWindow: 2h, factor: 3 }
`),
    );
    expect(issues).toEqual([]);
    expect(result.slos.map((item) => item.value)).toEqual([
      {
        name: 'checkout-availability',
        service: 'checkout',
        description: undefined,
        sli: {
          kind: 'threshold',
          operator: 'gte',
          threshold: 0.25,
          unit: 's',
          source: { type: 'events' },
        },
        objective: { numerator: 199, denominator: 200 },
        window: { kind: 'calendar', unit: 'quarter', timeZone: 'Europe/Amsterdam' },
        budgeting: { kind: 'timeslices', sliceTarget: { numerator: 19, denominator: 20 } },
        alerting: {
          enabled: true,
          rules: [
            { severity: 'ticket', longWindowMinutes: 1440, shortWindowMinutes: 120, factor: 3 },
          ],
        },
        labels: {},
      },
    ]);
  });

  it.each([
    ['ratio: {}', 'good'],
    ['ratio:', 'good'],
    ['ratio: { counts: bad }', 'bad'],
  ])('reads "%s" as a ratio SLI counting %s events', (ratio, counts) => {
    const { result } = read(slo(`  sli:\n    ${ratio}\n  objective: 99\n  window: 7d\n`));
    expect(result.slos[0]?.value.sli).toEqual({
      kind: 'ratio',
      counts,
      source: { type: 'events' },
    });
    expect(result.slos[0]?.value.window).toEqual({ kind: 'rolling', minutes: 7 * 1440 });
    expect(result.slos[0]?.value.alerting).toEqual({ enabled: true, rules: undefined });
  });

  it('contributes nothing from a document with an error', () => {
    const { result, issues } = read(slo(`  sli: { ratio: {} }\n  objective: 100\n  window: 30d\n`));
    expect(issues).toHaveLength(1);
    expect(result).toEqual(emptyFormatResult());
  });

  it.each([
    [
      'kind: Slo',
      'x.yaml:2:7: error: kind: unknown kind "Slo" for headroom/v1; did you mean "SLO"? (expected one of: Service, SLO, DataSource, Schedule, ErrorBudgetPolicy, EscalationPolicy, Runbook, IncidentSettings, Heartbeat) [unknown_kind]',
    ],
    [
      'kind: Deployment',
      'x.yaml:2:7: error: kind: unknown kind "Deployment" for headroom/v1 (expected one of: Service, SLO, DataSource, Schedule, ErrorBudgetPolicy, EscalationPolicy, Runbook, IncidentSettings, Heartbeat) [unknown_kind]',
    ],
    [
      'kinds: SLO',
      'x.yaml:1:1: error: kind: required field is missing; expected one of: Service, SLO, DataSource, Schedule, ErrorBudgetPolicy, EscalationPolicy, Runbook, IncidentSettings, Heartbeat [missing_field]',
    ],
  ])('reports "%s" at the kind', (kind, message) => {
    const { result, issues } = read(
      `apiVersion: headroom/v1\n${kind}\nmetadata: { name: a }\nspec: {}\n`,
    );
    expect(issues).toEqual([message]);
    expect(result.services).toEqual([]);
  });

  it('reports a window that is neither a duration nor a calendar by what it got', () => {
    const { issues } = read(slo(`  sli: { ratio: {} }\n  objective: 99\n  window: 30\n`));
    expect(issues).toEqual([
      'x.yaml:9:11: error: spec.window: expected a rolling window such as 30d, or a calendar window such as { calendar: month, timeZone: Europe/Amsterdam }; got number 30 [invalid_type]',
    ]);
  });

  it('suggests the right field inside a calendar window', () => {
    const { issues } = read(
      slo(
        `  sli: { ratio: {} }\n  objective: 99\n  window:\n    calendar: month\n    timezone: UTC\n`,
      ),
    );
    expect(issues).toEqual([
      'x.yaml:11:5: error: spec.window.timezone: unknown field "timezone"; did you mean "timeZone"? (expected one of: calendar, timeZone) [unknown_field]',
    ]);
  });

  it('reports the issues of a document in file order, not schema order', () => {
    const { issues } = read(`spec:
  tier: vital
  team: payments
metadata:
  name: Checkout
kind: Service
apiVersion: headroom/v1
extra: true
`);
    expect(issues.map((issue) => issue.split(': error: ')[0])).toEqual([
      'x.yaml:2:9',
      'x.yaml:5:9',
      'x.yaml:8:1',
    ]);
  });

  it('warns about an objective written as a fraction', () => {
    const { result, issues } = read(
      slo(`  sli: { ratio: {} }\n  objective: 0.999\n  window: 30d\n`),
    );
    expect(issues).toEqual([
      'x.yaml:8:14: warning: spec.objective: objective 0.999 means 0.999 %, below 1 %; objectives are percentages (write 99.9, not 0.999) [suspicious_objective]',
    ]);
    expect(result.slos).toHaveLength(1);
  });
});
