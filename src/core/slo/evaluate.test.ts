import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scaledWorkbookRules } from './alert-rules.js';
import { budgetSpentBetween, evaluateSlo } from './evaluate.js';
import { createSeries, type MinuteSeries } from './minute-series.js';
import type { BurnRateAlertRule, Slo } from './model.js';

const MINUTE = 60_000;
const AT = Date.parse('2026-11-01T00:00:00Z');
const AT_MINUTE = AT / MINUTE;

function slo(overrides: Partial<Slo> = {}): Slo {
  return {
    name: 'checkout-availability',
    service: 'checkout',
    description: undefined,
    sli: { kind: 'ratio', counts: 'good', source: { type: 'events' } },
    objective: { numerator: 999, denominator: 1000 },
    window: { kind: 'rolling', minutes: 30 * 1440 },
    budgeting: { kind: 'occurrences' },
    alerting: { enabled: true, rules: undefined },
    labels: {},
    ...overrides,
  };
}

/** Adds `good`/`total` to each minute in [AT − fromMinutesAgo, AT − toMinutesAgo). */
function fill(
  series: MinuteSeries,
  fromMinutesAgo: number,
  toMinutesAgo: number,
  good: number,
  total: number,
) {
  for (let minute = AT_MINUTE - fromMinutesAgo; minute < AT_MINUTE - toMinutesAgo; minute += 1) {
    series.add(minute, good, total);
  }
}

describe('evaluateSlo, occurrences over a rolling 30 days at 99.9 %', () => {
  // 30 days of 1,000 events a minute, all good, except the last hour: 980 good a minute.
  const definition = slo();
  const series = createSeries(definition);
  fill(series, 30 * 1440, 60, 1000, 1000);
  fill(series, 60, 0, 980, 1000);
  const status = evaluateSlo(definition, series, AT);

  it('counts the events of the window', () => {
    // 43,200 minutes × 1,000 events; 60 minutes × 20 bad events.
    expect(status.events).toEqual({ good: 43_200_000 - 1_200, bad: 1_200, total: 43_200_000 });
    expect(status.sli).toBe((43_200_000 - 1_200) / 43_200_000);
    expect(status.window).toEqual({
      type: 'rolling',
      length: '30d',
      timeZone: null,
      start: '2026-10-02T00:00:00.000Z',
      end: '2026-11-01T00:00:00.000Z',
    });
  });

  it('spends the budget in events', () => {
    // Allowed: 43,200,000 × 1/1000 = 43,200 events; spent 1,200 = 1/36 of it.
    expect(status.errorBudget).toEqual({
      allowed: 43_200,
      spent: 1_200,
      consumed: 1 - 35 / 36,
      remaining: 35 / 36,
      unit: 'events',
    });
  });

  it('reports burn rates as error rate over the budget fraction', () => {
    // Error rate 2 % in the last hour = 20× the 0.1 % budget; diluted over longer windows.
    expect(status.burnRates).toEqual({
      '5m': 20, // 100 bad / 5,000
      '30m': 20,
      '1h': 20,
      '2h': 10, // 1,200 / 120,000 = 1 %
      '6h': 10 / 3, // 1,200 / 360,000
      '1d': 5 / 6, // 1,200 / 1,440,000
      '3d': 5 / 18, // 1,200 / 4,320,000
      window: 1 / 36, // 1,200 / 43,200,000
    });
  });

  it('fires the fast page alert only', () => {
    expect(
      status.alerts.map((alert) => [
        alert.severity,
        alert.longWindow,
        alert.shortWindow,
        alert.firing,
      ]),
    ).toEqual([
      ['page', '1h', '5m', true], // 20 > 14.4 over both
      ['page', '6h', '30m', false], // 3.33 < 6 over 6h
      ['ticket', '1d', '2h', false],
      ['ticket', '3d', '6h', false],
    ]);
  });

  it('projects exhaustion from the 1h burn rate', () => {
    // At 20× a whole 30-day budget lasts 36 h; 35/36 of it lasts 35 h.
    expect(status.exhaustionAt).toBe('2026-11-02T11:00:00.000Z');
  });
});

describe('evaluateSlo, timeslices', () => {
  // 7 days at 99.5 % with slices good at 95 %: 10,080 minutes, 80 without events,
  // 30 at 90 % good (bad slices), the rest at 100 %.
  const definition = slo({
    window: { kind: 'rolling', minutes: 7 * 1440 },
    objective: { numerator: 995, denominator: 1000 },
    budgeting: { kind: 'timeslices', sliceTarget: { numerator: 19, denominator: 20 } },
  });
  const series = createSeries(definition);
  fill(series, 7 * 1440, 200, 100, 100);
  fill(series, 200, 170, 90, 100);
  fill(series, 90, 0, 100, 100);
  const status = evaluateSlo(definition, series, AT);

  it('measures the budget in minutes over the slices that had events', () => {
    // 10,000 slices × 0.5 % = 50 minutes allowed; 30 spent; 20/50 left.
    expect(status.slices).toEqual({ good: 9_970, bad: 30, total: 10_000 });
    expect(status.sli).toBe(0.997);
    expect(status.errorBudget).toEqual({
      allowed: 50,
      spent: 30,
      consumed: 0.6,
      remaining: 0.4,
      unit: 'minutes',
    });
    expect(status.events).toEqual({ good: 999_700, bad: 300, total: 1_000_000 });
  });

  it('counts only slices with events in burn rates', () => {
    // The last 2 h: minutes 120..90 ago are empty, the rest good: no bad slices.
    expect(status.burnRates['2h']).toBe(0);
    // The last 6 h: 30 bad slices of 360 − 80 = 280 → 30/280 ÷ 0.005.
    expect(status.burnRates['6h']).toBe((30 * 1000) / (280 * 5));
  });
});

describe('evaluateSlo without traffic', () => {
  it('reports no SLI, no burn and no alert, and an untouched budget', () => {
    const definition = slo();
    const status = evaluateSlo(definition, createSeries(definition), AT);
    expect(status.sli).toBeNull();
    expect(Object.values(status.burnRates).every((rate) => rate === null)).toBe(true);
    expect(status.alerts.some((alert) => alert.firing)).toBe(false);
    expect(status.errorBudget).toEqual({
      allowed: 0,
      spent: 0,
      consumed: 0,
      remaining: 1,
      unit: 'events',
    });
    expect(status.exhaustionAt).toBeNull();
  });
});

describe('window boundaries', () => {
  it('covers the minutes that start at or after T − w and before T', () => {
    const definition = slo({ window: { kind: 'rolling', minutes: 5 } });
    const series = createSeries(definition);
    series.add(AT_MINUTE - 5, 0, 7); // starts at T − 5m: inside only when T is minute-aligned
    series.add(AT_MINUTE - 1, 0, 11);
    series.add(AT_MINUTE, 0, 13); // starts at T: outside at T, inside at T + 30 s
    expect(evaluateSlo(definition, series, AT).events?.total).toBe(7 + 11);
    // At T + 30 s the window starts at T − 4m30s: minute T − 5m starts before it.
    expect(evaluateSlo(definition, series, AT + 30_000).events?.total).toBe(11 + 13);
  });

  it('starts a calendar month at local midnight in its time zone', () => {
    const definition = slo({
      window: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Amsterdam' },
    });
    const series = createSeries(definition);
    const marchStartsAt = Date.parse('2026-02-28T23:00:00Z'); // 1 March 00:00 CET (UTC+1)
    series.add(marchStartsAt / MINUTE - 1, 0, 5);
    series.add(marchStartsAt / MINUTE, 0, 3);
    const status = evaluateSlo(definition, series, Date.parse('2026-03-31T12:00:00Z'));
    expect(status.events?.total).toBe(3);
    expect(status.window).toMatchObject({
      type: 'calendar',
      length: 'month',
      start: '2026-02-28T23:00:00.000Z',
    });
  });

  it('does not project exhaustion past the reset of a calendar budget', () => {
    const definition = slo({ window: { kind: 'calendar', unit: 'week', timeZone: 'UTC' } });
    const series = createSeries(definition);
    // Thursday 2026-10-29 00:00 Z: 3 days into the week. 1 % errors for the last hour = 10×.
    const thursday = Date.parse('2026-10-29T00:00:00Z') / MINUTE;
    for (let minute = thursday - 3 * 1440; minute < thursday; minute += 1) {
      series.add(minute, minute >= thursday - 60 ? 990 : 1000, 1000);
    }
    const status = evaluateSlo(definition, series, thursday * MINUTE);
    // Remaining 1 − 600/4,320 = 0.86; 0.86 × 7 days / 10 = 14.4 h: before Monday.
    expect(status.exhaustionAt).toBe(
      new Date(
        thursday * MINUTE + Math.round(((1 - 600 / 4320) * 7 * 86_400) / 10) * 1000,
      ).toISOString(),
    );
    // At 0.1× (1 bad in 10,000) the budget would last 63 days: past Monday, so no exhaustion.
    const slower = createSeries(definition);
    slower.add(thursday - 1, 9_999, 10_000);
    expect(evaluateSlo(definition, slower, thursday * MINUTE).exhaustionAt).toBeNull();
  });

  it('reports an overspent budget as exhausted now, with a negative remainder', () => {
    const definition = slo({ window: { kind: 'rolling', minutes: 60 } });
    const series = createSeries(definition);
    series.add(AT_MINUTE - 1, 990, 1000); // 10 bad of 1 allowed
    const status = evaluateSlo(definition, series, AT);
    expect(status.errorBudget.remaining).toBe(-9);
    expect(status.exhaustionAt).toBe('2026-11-01T00:00:00.000Z');
  });
});

describe('alert windows', () => {
  it.each([
    // window, expected [long, short] per rule: Workbook windows × window / 30 days
    [
      30 * 1440,
      [
        [60, 5],
        [360, 30],
        [1440, 120],
        [4320, 360],
      ],
    ],
    [
      28 * 1440,
      [
        [56, 5],
        [336, 28],
        [1344, 112],
        [4032, 336],
      ],
    ],
    [
      7 * 1440,
      [
        [14, 1],
        [84, 7],
        [336, 28],
        [1008, 84],
      ],
    ],
    [
      1440,
      [
        [2, 1],
        [12, 1],
        [48, 4],
        [144, 12],
      ],
    ],
    [
      60,
      [
        [1, 1],
        [1, 1],
        [2, 1],
        [6, 1],
      ],
    ],
  ])('scales to a %d-minute window and keeps the factors', (windowMinutes, expected) => {
    const rules = scaledWorkbookRules(windowMinutes);
    expect(rules.map((rule) => [rule.longWindowMinutes, rule.shortWindowMinutes])).toEqual(
      expected,
    );
    expect(rules.map((rule) => rule.factor)).toEqual([14.4, 6, 3, 1]);
  });

  it('uses the rules an SLO gives, and none when alerting is off', () => {
    const rules: BurnRateAlertRule[] = [
      { severity: 'ticket', longWindowMinutes: 120, shortWindowMinutes: 10, factor: 2 },
    ];
    const definition = slo({ alerting: { enabled: true, rules } });
    const series = createSeries(definition);
    expect(evaluateSlo(definition, series, AT).alerts).toEqual([
      {
        severity: 'ticket',
        longWindow: '2h',
        shortWindow: '10m',
        factor: 2,
        longBurnRate: null,
        shortBurnRate: null,
        firing: false,
      },
    ]);
    const silent = slo({ alerting: { enabled: false, rules: undefined } });
    expect(evaluateSlo(silent, series, AT).alerts).toEqual([]);
  });

  it('fires exactly when both windows burn faster than the factor', () => {
    const rule: BurnRateAlertRule = {
      severity: 'page',
      longWindowMinutes: 60,
      shortWindowMinutes: 5,
      factor: 14.4,
    };
    const definition = slo({ alerting: { enabled: true, rules: [rule] } });
    const minuteArbitrary = fc.record({
      ago: fc.integer({ min: 1, max: 90 }),
      total: fc.integer({ min: 0, max: 200 }),
      bad: fc.integer({ min: 0, max: 200 }),
    });
    fc.assert(
      fc.property(fc.array(minuteArbitrary, { maxLength: 60 }), (minutes) => {
        const series = createSeries(definition);
        const burnOf = (windowMinutes: number) => {
          let bad = 0;
          let total = 0;
          for (const { ago, total: count, bad: badCount } of minutes) {
            const badEvents = Math.min(badCount, count);
            if (ago <= windowMinutes) {
              bad += badEvents;
              total += count;
            }
          }
          return total === 0 ? null : (bad / total) * 1000;
        };
        for (const { ago, total, bad } of minutes)
          series.add(AT_MINUTE - ago, total - Math.min(bad, total), total);
        const long = burnOf(60);
        const short = burnOf(5);
        const expected = long !== null && short !== null && long > 14.4 && short > 14.4;
        const alert = evaluateSlo(definition, series, AT).alerts[0];
        expect(alert?.firing).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('budget laws', () => {
  it('never decreases the consumed budget when only bad events are added', () => {
    const definition = slo({ window: { kind: 'rolling', minutes: 600 } });
    const eventArbitrary = fc.record({
      ago: fc.integer({ min: 1, max: 600 }),
      good: fc.nat(500),
      bad: fc.nat(50),
    });
    fc.assert(
      fc.property(
        fc.array(eventArbitrary, { maxLength: 50 }),
        fc.array(eventArbitrary, { minLength: 1, maxLength: 20 }),
        (base, extra) => {
          const series = createSeries(definition);
          for (const { ago, good, bad } of base) series.add(AT_MINUTE - ago, good, good + bad);
          const before = evaluateSlo(definition, series, AT).errorBudget.consumed;
          for (const { ago, bad } of extra) series.add(AT_MINUTE - ago, 0, bad);
          expect(evaluateSlo(definition, series, AT).errorBudget.consumed).toBeGreaterThanOrEqual(
            before,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('budgetSpentBetween: what an incident spent', () => {
  // 30 days of 1,000 events a minute; 45 minutes, 90 to 45 minutes ago, with 50 bad a minute.
  const definition = slo();
  const series = createSeries(definition);
  fill(series, 30 * 1440, 90, 1000, 1000);
  fill(series, 90, 45, 950, 1000);
  fill(series, 45, 0, 1000, 1000);

  it('holds the bad events of the interval against the budget of the window it ended in', () => {
    // Starts 30 s into the minute 100 minutes ago: that minute counts whole.
    const spent = budgetSpentBetween(
      definition,
      series,
      AT - 100 * MINUTE + 30_000,
      AT - 40 * MINUTE,
    );
    expect(spent.fromMs).toBe(AT - 100 * MINUTE);
    expect(spent.toMs).toBe(AT - 40 * MINUTE);
    expect(spent.events).toEqual({ good: 60_000 - 2_250, bad: 2_250, total: 60_000 });
    expect(spent.spent).toBe(2_250);
    // The window ending 40 minutes ago holds the 43,160 minutes filled before it, of
    // 1,000 events each: a budget of 43,160 events.
    const filledMinutes = 30 * 1440 - 40;
    expect(spent.allowed).toBeCloseTo(filledMinutes, 9);
    expect(spent.consumed).toBeCloseTo(2_250 / filledMinutes, 12);
    expect(spent.burnRate).toBeCloseTo(2_250 / 60_000 / 0.001, 9);
  });

  it('spends nothing over an interval without events', () => {
    const empty = createSeries(definition);
    expect(budgetSpentBetween(definition, empty, AT - 60 * MINUTE, AT)).toMatchObject({
      spent: 0,
      consumed: 0,
      burnRate: null,
    });
  });
});

describe('budgetSpentBetween across a calendar reset', () => {
  it('counts only what the interval spent of the period it ended in', () => {
    const monthly = slo({ window: { kind: 'calendar', unit: 'month', timeZone: 'UTC' } });
    const series = createSeries(monthly);
    // 30 minutes either side of 1 November 00:00 UTC, 10 bad of 1,000 a minute.
    const reset = Date.parse('2026-11-01T00:00:00Z');
    for (let minute = -30; minute < 30; minute += 1) series.add(reset / MINUTE + minute, 990, 1000);
    const spent = budgetSpentBetween(monthly, series, reset - 30 * MINUTE, reset + 30 * MINUTE);
    expect(spent.fromMs).toBe(reset);
    expect(spent.events).toEqual({ good: 29_700, bad: 300, total: 30_000 });
    expect(spent.consumed).toBeCloseTo(300 / 30, 12);
  });
});
