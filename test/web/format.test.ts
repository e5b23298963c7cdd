// The UI's pure helpers, run in Node: wall-clock times in a schedule's zone become the
// instants the API takes, across DST changes, and numbers are shown one way.
import { describe, expect, it } from 'vitest';
import {
  formatBurnRate,
  formatObjective,
  formatPercent,
  formatSli,
} from '../../src/web/format/numbers.js';
import { localMidnights, wallClockToInstant } from '../../src/web/format/time.js';

describe('wall-clock times in a zone (the override form)', () => {
  it.each([
    ['2026-10-22T08:00', 'Europe/Amsterdam', '2026-10-22T08:00:00+02:00'],
    // Amsterdam leaves summer time on 2026-10-25 at 03:00.
    ['2026-10-25T01:30', 'Europe/Amsterdam', '2026-10-25T01:30:00+02:00'],
    ['2026-10-25T04:00', 'Europe/Amsterdam', '2026-10-25T04:00:00+01:00'],
    ['2026-11-03T12:00', 'Europe/Amsterdam', '2026-11-03T12:00:00+01:00'],
    ['2026-11-02T09:00', 'America/New_York', '2026-11-02T09:00:00-05:00'],
    ['2026-07-01T09:00', 'Asia/Kolkata', '2026-07-01T09:00:00+05:30'],
    ['2026-07-01T09:00', 'UTC', '2026-07-01T09:00:00+00:00'],
  ])('%s in %s is %s', (local, zone, instant) => {
    expect(wallClockToInstant(local, zone)).toBe(instant);
    expect(Date.parse(instant)).not.toBeNaN();
  });

  it('refuses what is not a date and time', () => {
    expect(wallClockToInstant('', 'UTC')).toBeNull();
    expect(wallClockToInstant('2026-11-03', 'UTC')).toBeNull();
  });

  it('finds local midnights, 23 and 25 hours apart across DST changes', () => {
    const midnights = localMidnights(
      Date.parse('2026-10-24T12:00:00Z'),
      Date.parse('2026-10-27T12:00:00Z'),
      'Europe/Amsterdam',
    );
    expect(midnights.map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
      '2026-10-26T23:00:00.000Z',
    ]);
  });
});

describe('numbers as the UI shows them', () => {
  it('rounds for reading only, and says when there were no events', () => {
    expect(formatPercent(0.5623, 1)).toBe('56.2%');
    expect(formatPercent(-0.0423, 1)).toBe('-4.2%');
    expect(formatSli(0.999556)).toBe('99.956%');
    expect(formatSli(null)).toBe('—');
    expect(formatObjective(0.9995)).toBe('99.95%');
    expect(formatObjective(0.999)).toBe('99.9%');
    expect(formatBurnRate(20.8)).toBe('20.80×');
    expect(formatBurnRate(null)).toBe('—');
  });
});
