import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combine, planUnits, readSamples, TAG_LABEL, type Sample } from './query-batch.js';
import { sliQueryPlan, windowed } from './sli-queries.js';
import { prometheusSliSource } from '../../core/slo/model.js';

const errors = (service: string, window = '5m') =>
  `sum(rate(http_requests_total{service="${service}", code=~"5.."}[${window}]))`;
const totals = (service: string, window = '5m') =>
  `sum(rate(http_requests_total{service="${service}"}[${window}]))`;

describe('planUnits', () => {
  it('reads expressions that differ in one label value with one selector, grouped by that label', () => {
    const units = planUnits([errors('a'), errors('b.c'), totals('a'), totals('b.c')]);
    expect(units).toHaveLength(2);
    expect(units.map((unit) => unit.expr)).toEqual([
      'sum by (service) (rate(http_requests_total{service=~"a|b\\\\.c", code=~"5.."}[5m]))',
      'sum by (service) (rate(http_requests_total{service=~"a|b\\\\.c"}[5m]))',
    ]);
  });

  it('keeps different windows, functions and other shapes apart', () => {
    const units = planUnits([
      errors('a', '5m'),
      errors('b', '1h'),
      'sum(increase(http_requests_total{service="a", code=~"5.."}[5m]))',
      'histogram_quantile(0.9, sum by (le) (rate(latency_bucket[5m])))',
    ]);
    expect(units.every((unit) => unit.kind === 'whole')).toBe(true);
  });

  it('tags every unit and joins them with a balanced or', () => {
    const query = combine(planUnits(['up', 'sum(up)', 'count(up)']));
    expect(query).toBe(
      `(label_replace(up, "${TAG_LABEL}", "0", "", "")) or ((label_replace(sum(up), "${TAG_LABEL}", "1", "", "")) or (label_replace(count(up), "${TAG_LABEL}", "2", "", "")))`,
    );
  });

  it('gives every expression its own value back, whichever unit answered it', () => {
    const service = fc.constantFrom('a', 'b', 'c.d', 'e-f', 'g');
    const expression = fc.oneof(
      service.map((name) => errors(name)),
      service.map((name) => totals(name)),
      service.map((name) => totals(name, '1h')),
      fc.constantFrom('up', 'sum(up)', 'vector(1)'),
    );
    fc.assert(
      fc.property(fc.uniqueArray(expression, { minLength: 1, maxLength: 20 }), (expressions) => {
        const truth = (index: number) => index * 10 + 1;
        const units = planUnits(expressions);
        // What Prometheus would answer for the combined query: one series per tagged
        // unit, one per label value for a grouped one.
        const samples: Sample[] = units.flatMap((unit, position) =>
          unit.kind === 'whole'
            ? [{ metric: { [TAG_LABEL]: String(position) }, value: truth(unit.index) }]
            : [...unit.indexesByValue].map(([value, indexes]) => ({
                metric: { [TAG_LABEL]: String(position), [unit.label]: value },
                value: truth(indexes[0] ?? -1),
              })),
        );
        const values = new Array<number | undefined>(expressions.length).fill(undefined);
        readSamples(units, samples, values);
        expect(values).toEqual(expressions.map((_, index) => truth(index)));
      }),
    );
  });
});

describe('sliQueryPlan', () => {
  it('fills in Sloth windows and knows rates from counts', () => {
    const plan = sliQueryPlan(
      prometheusSliSource({
        badQuery: errors('a', '{{.window}}'),
        totalQuery: totals('a', '{{ .window }}'),
      }),
    );
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.over(90)).toEqual({
      bad: errors('a', '1h30m'),
      total: totals('a', '1h30m'),
      perSecond: true,
    });
  });

  it('wraps bare counter selectors in increase()', () => {
    expect(windowed('http_requests_total{code="500"}', 60)).toBe(
      'sum(increase(http_requests_total{code="500"}[1h]))',
    );
  });

  it('says why a source cannot be read', () => {
    const reasons = [
      prometheusSliSource({ goodQuery: 'sum(good)' }),
      prometheusSliSource({ goodQuery: 'sum(good)', totalQuery: 'sum(total)' }),
      prometheusSliSource({ errorRatioQuery: 'sum(errors) / sum(total)' }),
      prometheusSliSource({
        goodQuery: 'sum(rate(good[{{.window}}]))',
        totalQuery: 'sum(increase(total[{{.window}}]))',
      }),
    ].map((source) => {
      const plan = sliQueryPlan(source);
      return plan.ok ? 'readable' : plan.reason;
    });
    expect(reasons).toEqual([
      expect.stringContaining('needs totalQuery'),
      expect.stringContaining('not a plain counter selector'),
      expect.stringContaining('errorRatioQuery has no {{.window}}'),
      expect.stringContaining('mixes rate()'),
    ]);
  });
});
