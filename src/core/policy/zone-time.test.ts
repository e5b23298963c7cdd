import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInstantReading, ianaZone, isoInstant, isoWeekday } from './zone-time.js';
import { at } from './test-support.js';

describe('isoInstant', () => {
  it('writes what Date#toISOString writes, for any instant Date can hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    0,
    -1,
    at('2026-12-24T23:00:00Z'),
    at('2024-02-29T23:59:59.999Z'),
    at('2000-03-01T00:00:00Z'),
    at('0000-01-01T00:00:00Z'),
    at('9999-12-31T23:59:59.999Z'),
  ])('writes %d exactly', (ms) => {
    expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('local wall clocks', () => {
  it('numbers ISO weekdays from Monday 1 to Sunday 7, before 1970 too', () => {
    expect(isoWeekday(at('2026-10-23T12:00:00Z'))).toBe(5);
    expect(isoWeekday(at('2026-10-25T12:00:00Z'))).toBe(7);
    expect(isoWeekday(at('1969-12-29T00:00:00Z'))).toBe(1);
  });

  it('names the first instant a reading occurs, and the instant after a skipped one', () => {
    const amsterdam = ianaZone('Europe/Amsterdam');
    // 02:30 on 25 October 2026 occurs twice (CEST, then CET): the first counts.
    expect(firstInstantReading(amsterdam, at('2026-10-25T02:30:00Z'))).toBe(
      at('2026-10-25T02:30:00+02:00'),
    );
    // 02:30 on 29 March 2026 is skipped: the clock jumps from 02:00 to 03:00.
    expect(firstInstantReading(amsterdam, at('2026-03-29T02:30:00Z'))).toBe(
      at('2026-03-29T03:00:00+02:00'),
    );
    // Santiago skips midnight when DST starts (6 September 2026): the day begins at 01:00.
    expect(firstInstantReading(ianaZone('America/Santiago'), at('2026-09-06T00:00:00Z'))).toBe(
      at('2026-09-06T01:00:00-03:00'),
    );
  });
});
