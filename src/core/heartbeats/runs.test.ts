import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HeartbeatPing } from './model.js';
import { countDue, minuteCounts, runOutcome, runOutcomes } from './runs.js';
import { applyPing, evaluate, NEW_HEARTBEAT_STATE, type FinishedRun } from './state.js';
import { cronCheck, DAY, HOUR, iso, MINUTE, ms, periodCheck } from './test-support.js';

const finished = (finishedAt: number, extra: Partial<FinishedRun> = {}): FinishedRun => ({
  runId: undefined,
  startedAt: undefined,
  finishedAt,
  durationMs: undefined,
  outcome: 'success',
  exitStatus: undefined,
  onTime: true,
  tooFast: false,
  overran: false,
  ...extra,
});

describe('runOutcome', () => {
  const bound = 30 * MINUTE;

  it('judges outcome, duration bound and too-fast; lateness is left to missed slots', () => {
    expect(runOutcome(finished(5), bound)).toEqual({ at: 5, good: true, reason: 'succeeded' });
    expect(runOutcome(finished(5, { outcome: 'fail' }), bound).reason).toBe('failed');
    expect(runOutcome(finished(5, { durationMs: 31 * MINUTE }), bound).reason).toBe('too-slow');
    expect(runOutcome(finished(5, { tooFast: true, durationMs: 1 }), bound).reason).toBe(
      'too-fast',
    );
    expect(runOutcome(finished(5, { onTime: false }), bound).good).toBe(true);
  });
});

describe('runOutcomes', () => {
  const check = cronCheck('0 2 * * *', 'UTC', HOUR);
  const day = (n: number, hh = '02:10'): number =>
    ms(`2026-06-${String(n).padStart(2, '0')}T${hh}:00Z`);

  it('counts each slot that passed without a completion as bad, at its deadline', () => {
    const runs = [finished(day(1)), finished(day(4)), finished(day(5, '05:00'))];
    const { events, truncated } = runOutcomes(check, {
      runs,
      previousCompletionAt: null,
      fromExclusive: day(1) - 1,
      toInclusive: day(8, '00:00'),
    });
    expect(truncated).toBe(false);
    expect(events.map((e) => [iso(e.at), e.reason])).toEqual([
      ['2026-06-01T02:10:00.000Z', 'succeeded'],
      ['2026-06-02T03:00:00.000Z', 'missed'],
      ['2026-06-03T03:00:00.000Z', 'missed'],
      ['2026-06-04T02:10:00.000Z', 'succeeded'],
      ['2026-06-05T03:00:00.000Z', 'missed'], // the 05:00 run came after the deadline
      ['2026-06-05T05:00:00.000Z', 'succeeded'],
      ['2026-06-06T03:00:00.000Z', 'missed'], // silence since: the tail counts up to `to`
      ['2026-06-07T03:00:00.000Z', 'missed'],
    ]);
  });

  it('windows (from, to] add up to the whole: nothing twice, nothing revised', () => {
    const runs = [finished(day(1)), finished(day(4)), finished(day(5, '05:00'))];
    const input = { runs, previousCompletionAt: null };
    const whole = runOutcomes(check, { ...input, fromExclusive: 0, toInclusive: day(9) }).events;
    const cuts = [0, day(2, '02:30'), day(3, '03:00'), day(5, '04:00'), day(9)];
    const pieces = cuts.slice(1).flatMap(
      (to, i) =>
        runOutcomes(check, {
          // A stream sees only the runs finished by `to`.
          runs: runs.filter((run) => run.finishedAt <= to),
          previousCompletionAt: null,
          fromExclusive: cuts[i] ?? 0,
          toInclusive: to,
        }).events,
    );
    expect(pieces).toEqual(whole);
  });

  it('counts nothing before the first completion nor from a pause until the next one', () => {
    const { events } = runOutcomes(check, {
      runs: [finished(day(2)), finished(day(10))],
      previousCompletionAt: null,
      pauses: [{ from: day(4, '12:00'), to: day(9, '00:00') }],
      fromExclusive: 0,
      toInclusive: day(11, '00:00'),
    });
    expect(events.map((e) => [iso(e.at), e.reason])).toEqual([
      ['2026-06-02T02:10:00.000Z', 'succeeded'],
      ['2026-06-03T03:00:00.000Z', 'missed'],
      ['2026-06-04T03:00:00.000Z', 'missed'],
      ['2026-06-10T02:10:00.000Z', 'succeeded'],
    ]);
  });

  it('is bounded: a per-minute schedule silent for a year stops at maxSlots', () => {
    const minutely = cronCheck('* * * * *', 'UTC', MINUTE);
    const result = runOutcomes(minutely, {
      runs: [],
      previousCompletionAt: 0,
      fromExclusive: 0,
      toInclusive: 365 * DAY,
      maxSlots: 1000,
    });
    expect(result.truncated).toBe(true);
    expect(result.events).toHaveLength(1000);
    expect(countDue(minutely, 0, 0, DAY, 10_000)).toEqual({ count: 1440, truncated: false });
  });

  it('counts one slot per day across both DST changes in Europe/Amsterdam', () => {
    const daily = cronCheck('30 2 * * *', 'Europe/Amsterdam', HOUR);
    for (const [from, to] of [
      ['2026-03-26T12:00:00Z', '2026-03-31T12:00:00Z'],
      ['2026-10-22T12:00:00Z', '2026-10-27T12:00:00Z'],
    ] as const) {
      expect(countDue(daily, ms(from), ms(from), ms(to), 100)).toEqual({
        count: 5,
        truncated: false,
      });
    }
  });

  it('property (period): missed slots are exactly the deadlines the state machine went down at', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MINUTE, max: DAY }),
        fc.integer({ min: 0, max: HOUR }),
        fc.array(fc.integer({ min: 1, max: 5 * DAY }), { minLength: 1, maxLength: 15 }),
        (period, grace, gaps) => {
          const subject = periodCheck(period, grace);
          let at = ms('2026-01-01T00:00:00Z');
          let state = NEW_HEARTBEAT_STATE;
          const runs: FinishedRun[] = [];
          let downs = 0;
          for (const gap of gaps) {
            at += gap;
            const ping: HeartbeatPing = { at, kind: 'success' };
            const result = applyPing(subject, state, ping);
            downs += result.transitions.filter((t) => t.to === 'down').length;
            runs.push(...result.finished);
            state = result.state;
          }
          const end = at + 10 * DAY;
          if (evaluate(subject, state, end).transition?.to === 'down') downs += 1;
          const events = runOutcomes(subject, {
            runs,
            previousCompletionAt: null,
            fromExclusive: 0,
            toInclusive: end,
            maxSlots: 1_000_000,
          }).events;
          const missed = events.filter((e) => e.reason === 'missed');
          // Each down is the first missed slot of a silence; later ones follow it.
          const silences = new Set(
            missed.map((e) => runs.filter((r) => r.finishedAt < e.at).length),
          ).size;
          expect(silences).toBe(downs);
          expect(events.filter((e) => e.reason === 'succeeded')).toHaveLength(runs.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('minuteCounts', () => {
  it('sums events per epoch minute for MinuteSeries.add', () => {
    expect(
      minuteCounts([
        { at: 61_000, good: true, reason: 'succeeded' },
        { at: 119_999, good: false, reason: 'missed' },
        { at: 0, good: true, reason: 'succeeded' },
      ]),
    ).toEqual([
      { minute: 0, good: 1, total: 1 },
      { minute: 1, good: 1, total: 2 },
    ]);
  });
});
