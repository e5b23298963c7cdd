import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDuration, formatRunTime, parseDuration, parseRunTime } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['5m', 5],
    ['1h', 60],
    ['1h30m', 90],
    ['7d', 7 * 1440],
    ['4w', 28 * 1440],
    ['1w2d', 9 * 1440],
    ['30d', 43_200],
  ])('reads %s as %d minutes', (text, minutes) => {
    expect(parseDuration(text)).toEqual({ ok: true, minutes });
  });

  it.each([
    ['', 'empty duration'],
    ['30s', 'durations are whole minutes'],
    ['1M', 'unknown unit "M"'],
    ['1y', 'unknown unit "y"'],
    ['30m1h', 'units out of order'],
    ['0m', 'is zero'],
    ['5 m', 'cannot read "5 m"'],
    ['h', 'cannot read "h"'],
  ])('rejects %j saying %s', (text, reason) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('formatDuration', () => {
  it.each([
    [5, '5m'],
    [56, '56m'],
    [90, '1h30m'],
    [1440, '1d'],
    [43_200, '30d'],
    [2160, '1d12h'],
  ])('writes %d minutes as %s', (minutes, text) => {
    expect(formatDuration(minutes)).toBe(text);
  });
});

describe('parseRunTime and formatRunTime', () => {
  it.each([
    ['45s', 45],
    ['1m30s', 90],
    ['5m', 300],
    ['2h', 7200],
    ['1d1s', 86_401],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseRunTime(text)).toEqual({ ok: true, seconds });
  });

  it.each([
    ['', 'empty duration'],
    ['500ms', 'run times are whole seconds'],
    ['1w', 'unknown unit "w"'],
    ['30s1m', 'units out of order'],
    ['0s', 'is zero'],
    ['1.5m', 'cannot read'],
  ])('rejects %j saying %s', (text, reason) => {
    const result = parseRunTime(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('writes what it reads back to the same seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 86_400 }), (seconds) => {
        expect(parseRunTime(formatRunTime(seconds))).toEqual({ ok: true, seconds });
      }),
    );
  });
});
