import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PingKind } from './model.js';
import { recentRuns, type EndedPing } from './recent-runs.js';

const ping = (
  at: number,
  kind: PingKind,
  durationMs: number | null = null,
  flags: Partial<Pick<EndedPing, 'tooFast' | 'overran'>> = {},
): EndedPing => ({ at, kind, durationMs, tooFast: false, overran: false, ...flags });

describe('recentRuns', () => {
  it('counts the runs that ended, not starts or logs, with their failures and flags', () => {
    const summary = recentRuns([
      ping(900, 'success', 40_000),
      ping(800, 'start'),
      ping(700, 'fail', 10_000),
      ping(600, 'log'),
      ping(500, 'success', 2_000, { tooFast: true }),
      ping(400, 'success', null),
      ping(300, 'success', 90_000, { overran: true }),
    ]);
    expect(summary).toEqual({
      runs: 5,
      failed: 1,
      tooFast: 1,
      overran: 1,
      sinceMs: 300,
      // 2, 10, 40 and 90 seconds: the two middle ones' mean.
      medianMs: 25_000,
      longestMs: 90_000,
    });
  });

  it('takes the middle run time of an odd count, and has none without durations', () => {
    expect(
      recentRuns([ping(3, 'success', 5), ping(2, 'success', 1), ping(1, 'fail', 3)]).medianMs,
    ).toBe(3);
    expect(recentRuns([ping(1, 'success')])).toMatchObject({
      runs: 1,
      medianMs: null,
      longestMs: null,
    });
    expect(recentRuns([ping(1, 'start')])).toEqual({
      runs: 0,
      failed: 0,
      tooFast: 0,
      overran: 0,
      sinceMs: null,
      medianMs: null,
      longestMs: null,
    });
  });

  it('puts the median between the shortest and the longest run', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1 }), (times) => {
        const { medianMs, longestMs } = recentRuns(
          times.map((duration, index) => ping(index, 'success', duration)),
        );
        expect(longestMs).toBe(Math.max(...times));
        expect(medianMs).toBeGreaterThanOrEqual(Math.min(...times));
        expect(medianMs).toBeLessThanOrEqual(Math.max(...times));
        // As many runs took at most the median as took at least it.
        const under = times.filter((time) => time <= (medianMs ?? 0)).length;
        const over = times.filter((time) => time >= (medianMs ?? 0)).length;
        expect(under).toBeGreaterThanOrEqual(times.length / 2);
        expect(over).toBeGreaterThanOrEqual(times.length / 2);
      }),
    );
  });
});
