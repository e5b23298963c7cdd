import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copySince, lookbackMinutes } from './lookback.js';
import { createSeries } from './minute-series.js';
import type { Slo } from './model.js';

const DAY = 24 * 60;
const slo: Slo = {
  name: 'checkout-availability',
  service: 'checkout',
  description: undefined,
  sli: { kind: 'ratio', counts: 'good', source: { type: 'events' } },
  objective: { numerator: 999, denominator: 1000 },
  window: { kind: 'rolling', minutes: 30 * DAY },
  budgeting: { kind: 'occurrences' },
  alerting: { enabled: true, rules: undefined },
  labels: {},
};

describe('lookback', () => {
  it('reaches back over the window, the reported burn windows and long alert rules, plus a day', () => {
    expect(lookbackMinutes(slo)).toBe(31 * DAY);
    expect(lookbackMinutes({ ...slo, window: { kind: 'rolling', minutes: 60 } })).toBe(4 * DAY);
    expect(
      lookbackMinutes({ ...slo, window: { kind: 'calendar', unit: 'month', timeZone: 'UTC' } }),
    ).toBe(94 * DAY);
    const longRule = {
      severity: 'ticket',
      longWindowMinutes: 40 * DAY,
      shortWindowMinutes: DAY,
      factor: 1,
    } as const;
    expect(lookbackMinutes({ ...slo, alerting: { enabled: true, rules: [longRule] } })).toBe(
      41 * DAY,
    );
  });

  it('copies exactly the minutes from the cut on', () => {
    const minute = fc.integer({ min: 0, max: 5000 });
    const counts = fc.array(fc.tuple(minute, fc.nat({ max: 50 }), fc.nat({ max: 50 })), {
      maxLength: 200,
    });
    const timeslices: Slo = {
      ...slo,
      budgeting: { kind: 'timeslices', sliceTarget: { numerator: 9, denominator: 10 } },
    };
    fc.assert(
      fc.property(counts, minute, fc.boolean(), (added, cut, slices) => {
        const model = slices ? timeslices : slo;
        const series = createSeries(model);
        for (const [at, good, bad] of added) series.add(at, good, good + bad);
        const copy = copySince(model, series, cut);
        expect(copy.sum(0, cut)).toEqual({ good: 0, total: 0, slices: 0, goodSlices: 0 });
        for (const to of [cut + 1, cut + 100, 6000])
          expect(copy.sum(cut, to)).toEqual(series.sum(cut, to));
      }),
    );
  });
});
