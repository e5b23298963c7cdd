import { describe, expect, it } from 'vitest';
import { prometheusSliSource, type Slo } from '../../core/slo/model.js';
import { prometheusRules, type AlertingRule, type RecordingRule } from './rules.js';

const slo: Slo = {
  name: 'checkout-availability',
  service: 'checkout',
  description: undefined,
  sli: {
    kind: 'ratio',
    counts: 'bad',
    source: prometheusSliSource({
      badQuery: 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))',
      totalQuery: 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))',
    }),
  },
  objective: { numerator: 999, denominator: 1000 },
  window: { kind: 'rolling', minutes: 30 * 24 * 60 },
  budgeting: { kind: 'occurrences' },
  alerting: { enabled: true, rules: undefined },
  labels: { tier: 'critical' },
};

const records = (groups: ReturnType<typeof prometheusRules>['groups']) =>
  groups.flatMap((group) => group.rules).filter((rule): rule is RecordingRule => 'record' in rule);
const alerts = (groups: ReturnType<typeof prometheusRules>['groups']) =>
  groups.flatMap((group) => group.rules).filter((rule): rule is AlertingRule => 'alert' in rule);

describe('Prometheus rules', () => {
  it('record the error ratio over every alert window and the SLO window, in Sloth names', () => {
    const { groups, skipped } = prometheusRules([slo]);
    expect(skipped).toEqual([]);
    expect(groups.map((group) => group.name)).toEqual([
      'sloth-slo-sli-recordings-checkout-availability',
      'sloth-slo-meta-recordings-checkout-availability',
      'sloth-slo-alerts-checkout-availability',
    ]);
    const sli = records(groups).filter((rule) => rule.record.startsWith('slo:sli_error:'));
    expect(sli.map((rule) => rule.labels.sloth_window)).toEqual([
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      '3d',
      '30d',
    ]);
    expect(sli[0]?.expr).toBe(
      '(sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m])))\n/\n(sum(rate(http_requests_total{job="checkout"}[5m])))',
    );
    expect(sli[0]?.labels).toEqual({
      tier: 'critical',
      sloth_id: 'checkout-availability',
      sloth_service: 'checkout',
      sloth_slo: 'availability',
      sloth_window: '5m',
    });
    expect(sli.at(-1)?.expr).toContain('sum_over_time(slo:sli_error:ratio_rate5m{');
    const meta = Object.fromEntries(records(groups).map((rule) => [rule.record, rule.expr]));
    expect(meta['slo:objective:ratio']).toBe('vector(0.999)');
    expect(meta['slo:error_budget:ratio']).toBe('vector(0.001)');
    expect(meta['slo:time_period:days']).toBe('vector(30)');
    expect(meta['slo:period_error_budget_remaining:ratio']).toContain(
      '1 - slo:period_burn_rate:ratio{',
    );
  });

  it('alert like the Workbook: two window pairs per severity, both windows over the factor', () => {
    const [page, ticket] = alerts(prometheusRules([slo]).groups);
    expect(page?.labels).toEqual({ sloth_severity: 'page' });
    expect(page?.expr).toContain('max(slo:sli_error:ratio_rate5m{sloth_id="checkout-availability"');
    expect(page?.expr).toContain('> (14.4 * 0.001)) without (sloth_window)');
    expect(page?.expr).toContain('> (6 * 0.001)) without (sloth_window)');
    expect(ticket?.expr).toContain('ratio_rate3d');
    expect(page?.alert).toBe('CheckoutAvailabilityBurnRate');
  });

  it('write a good-events ratio as one minus good over total, and keep raw error ratios', () => {
    const good = prometheusRules([
      {
        ...slo,
        sli: {
          kind: 'ratio',
          counts: 'good',
          source: prometheusSliSource({
            goodQuery: 'g[{{.window}}]',
            totalQuery: 't[{{.window}}]',
          }),
        },
      },
    ]);
    expect(records(good.groups)[0]?.expr).toBe('1 - (\n(g[5m])\n/\n(t[5m])\n)');
    const raw = prometheusRules([
      {
        ...slo,
        sli: {
          kind: 'ratio',
          counts: 'bad',
          source: prometheusSliSource({ errorRatioQuery: 'ratio[{{.window}}]' }),
        },
      },
    ]);
    expect(records(raw.groups)[0]?.expr).toBe('(ratio[5m])');
  });

  it('say why an SLO gets no rules', () => {
    const events: Slo = {
      ...slo,
      sli: { kind: 'ratio', counts: 'good', source: { type: 'events' } },
    };
    const calendar: Slo = { ...slo, window: { kind: 'calendar', unit: 'month', timeZone: 'UTC' } };
    const noWindow: Slo = {
      ...slo,
      sli: {
        kind: 'ratio',
        counts: 'bad',
        source: prometheusSliSource({
          badQuery: 'sum(errors_total)',
          totalQuery: 'sum(requests_total)',
        }),
      },
    };
    const { groups, skipped } = prometheusRules([events, calendar, noWindow]);
    expect(groups).toEqual([]);
    expect(skipped.map((entry) => entry.reason)).toEqual([
      expect.stringContaining('pushed to Headroom'),
      expect.stringContaining('calendar windows'),
      expect.stringContaining('{{.window}}'),
    ]);
  });

  it('wrap bare counter selectors (as OpenSLO sources give them) in increase() over each window', () => {
    const { groups, skipped } = prometheusRules([
      {
        ...slo,
        sli: {
          kind: 'ratio',
          counts: 'bad',
          source: prometheusSliSource({
            badQuery: 'http_requests_total{code=~"5.."}',
            totalQuery: 'http_requests_total',
          }),
        },
      },
    ]);
    expect(skipped).toEqual([]);
    expect(groups[0]?.rules[0]?.expr).toBe(
      '(sum(increase(http_requests_total{code=~"5.."}[5m])))\n/\n(sum(increase(http_requests_total[5m])))',
    );
  });

  it('write no alert group when alerting is off', () => {
    const { groups } = prometheusRules([
      { ...slo, alerting: { enabled: false, rules: undefined } },
    ]);
    expect(alerts(groups)).toEqual([]);
    expect(groups).toHaveLength(2);
  });
});
