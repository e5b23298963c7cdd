import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sliceIsGood } from './budget-math.js';
import { MinuteSeries } from './minute-series.js';
import type { Fraction } from './model.js';

interface RawEvent {
  readonly minute: number;
  readonly good: number;
  readonly total: number;
}

const NINETY_FIVE: Fraction = { numerator: 19, denominator: 20 };

function bruteForce(events: readonly RawEvent[], from: number, to: number, target = NINETY_FIVE) {
  const perMinute = new Map<number, { good: number; total: number }>();
  let good = 0;
  let total = 0;
  for (const event of events) {
    if (event.minute < from || event.minute >= to || event.total === 0) continue;
    good += event.good;
    total += event.total;
    const minute = perMinute.get(event.minute) ?? { good: 0, total: 0 };
    perMinute.set(event.minute, {
      good: minute.good + event.good,
      total: minute.total + event.total,
    });
  }
  let goodSlices = 0;
  for (const minute of perMinute.values())
    if (sliceIsGood(minute.good, minute.total, target)) goodSlices += 1;
  return { good, total, slices: perMinute.size, goodSlices };
}

function seriesOf(
  events: readonly RawEvent[],
  target: Fraction | undefined = NINETY_FIVE,
): MinuteSeries {
  const series = new MinuteSeries(target);
  for (const event of events) series.add(event.minute, event.good, event.total);
  return series;
}

const START = 29_000_000; // an epoch minute in 2025

const eventArbitrary = (span: number, maxCount: number) =>
  fc
    .record({
      minute: fc.integer({ min: START, max: START + span }),
      total: fc.integer({ min: 0, max: maxCount }),
      goodShare: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ minute, total, goodShare }) => ({
      minute,
      total,
      good: Math.floor(total * goodShare),
    }));

describe('MinuteSeries', () => {
  it('sums a window from the minutes it covers', () => {
    const series = seriesOf([
      { minute: START, good: 9, total: 10 },
      { minute: START + 1, good: 5, total: 5 },
      { minute: START + 63, good: 1, total: 3 },
      { minute: START + 64, good: 0, total: 2 },
      { minute: START + 200, good: 7, total: 7 },
    ]);
    // [START+1, START+65): minutes +1, +63, +64 -> good 5+1+0 = 6, total 5+3+2 = 10.
    // Slices at 95 %: +1 (5/5) good, +63 (1/3) bad, +64 (0/2) bad.
    expect(series.sum(START + 1, START + 65)).toEqual({
      good: 6,
      total: 10,
      slices: 3,
      goodSlices: 1,
    });
    expect(series.sum(START - 1000, START + 1000)).toEqual({
      good: 22,
      total: 27,
      slices: 5,
      goodSlices: 2,
    });
    expect(series.sum(START + 201, START + 300)).toEqual({
      good: 0,
      total: 0,
      slices: 0,
      goodSlices: 0,
    });
  });

  it('reclassifies a slice when late events change its ratio', () => {
    const series = seriesOf([{ minute: START + 5, good: 19, total: 20 }]);
    expect(series.sum(START, START + 10)).toMatchObject({ slices: 1, goodSlices: 1 });
    series.add(START + 5, 0, 1); // 19/21 < 95 %
    expect(series.sum(START, START + 10)).toMatchObject({ slices: 1, goodSlices: 0 });
    series.add(START + 5, 19, 19); // 38/40 = 95 %
    expect(series.sum(START, START + 10)).toMatchObject({
      good: 38,
      total: 40,
      slices: 1,
      goodSlices: 1,
    });
  });

  it('keeps counts exact when a block outgrows 16 and 32 bits', () => {
    const series = seriesOf([
      { minute: START, good: 60_000, total: 60_000 },
      { minute: START + 1, good: 10_000, total: 10_000 },
      { minute: START + 2, good: 4_000_000_000, total: 4_000_000_001 },
      { minute: START + 3, good: 1, total: 2 },
    ]);
    expect(series.sum(START, START + 4)).toMatchObject({
      good: 4_000_070_001,
      total: 4_000_070_003,
    });
    expect(series.sum(START + 1, START + 2)).toMatchObject({ good: 10_000, total: 10_000 });
  });

  it('refuses counts where good exceeds total', () => {
    expect(() => {
      new MinuteSeries(undefined).add(START, 3, 2);
    }).toThrow(RangeError);
    expect(() => {
      new MinuteSeries(undefined).add(START, -1, 2);
    }).toThrow(RangeError);
    expect(() => {
      new MinuteSeries(undefined).add(START, 1.5, 2);
    }).toThrow(RangeError);
  });

  it('uses 2 bytes per counter per minute for a quiet 30-day SLO once compacted', () => {
    const series = new MinuteSeries(undefined);
    for (let minute = 0; minute < 43_200; minute += 1) series.add(START + minute, 99, 100);
    const before = series.sum(START, START + 43_200);
    series.compact();
    // Two Uint16 counters per minute, plus one Float64 prefix per 64-minute block each.
    expect(series.byteSize()).toBeLessThan(43_200 * 2 * 2 * 1.1);
    expect(series.sum(START, START + 43_200)).toEqual(before);
    series.add(START + 43_200, 1, 1);
    expect(series.sum(START, START + 43_201).total).toBe(before.total + 1);
  });

  it('equals the brute-force sum over raw events for any window', () => {
    fc.assert(
      fc.property(
        fc.array(eventArbitrary(2_000, 70_000), { maxLength: 200 }),
        fc.integer({ min: START - 50, max: START + 2_050 }),
        fc.integer({ min: 0, max: 2_100 }),
        (events, from, length) => {
          const series = seriesOf(events);
          expect(series.sum(from, from + length)).toEqual(bruteForce(events, from, from + length));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same sums for out-of-order ingest as for sorted ingest', () => {
    fc.assert(
      fc.property(
        fc.array(eventArbitrary(5_000, 1_000), { maxLength: 300 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: START - 10, max: START + 5_010 }),
            fc.integer({ min: 1, max: 5_000 }),
          ),
          {
            minLength: 1,
            maxLength: 10,
          },
        ),
        (events, windows) => {
          const shuffled = seriesOf(events);
          const sorted = seriesOf([...events].sort((a, b) => a.minute - b.minute));
          for (const [from, length] of windows) {
            expect(shuffled.sum(from, from + length)).toEqual(sorted.sum(from, from + length));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers window queries between adds (prefixes refresh after late events)', () => {
    fc.assert(
      fc.property(
        fc.array(eventArbitrary(3_000, 500), { minLength: 1, maxLength: 100 }),
        (events) => {
          const series = new MinuteSeries(NINETY_FIVE);
          const seen: RawEvent[] = [];
          for (const event of events) {
            series.add(event.minute, event.good, event.total);
            seen.push(event);
            const from = event.minute - 100;
            expect(series.sum(from, event.minute + 1)).toEqual(
              bruteForce(seen, from, event.minute + 1),
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
