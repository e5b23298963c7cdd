import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompiledHeartbeat } from './compile.js';
import type { HeartbeatPing } from './model.js';
import { exitStatusPing } from './model.js';
import {
  alertFor,
  applyPing,
  evaluate,
  NEW_HEARTBEAT_STATE,
  pause,
  redefine,
  resume,
  runningSince,
  type HeartbeatState,
  type HeartbeatTransition,
} from './state.js';
import { cronCheck, DAY, HOUR, iso, MINUTE, ms, periodCheck } from './test-support.js';

function run(
  check: CompiledHeartbeat,
  pings: readonly HeartbeatPing[],
  from: HeartbeatState = NEW_HEARTBEAT_STATE,
): { state: HeartbeatState; transitions: HeartbeatTransition[] } {
  let state = from;
  const transitions: HeartbeatTransition[] = [];
  for (const ping of pings) {
    const result = applyPing(check, state, ping);
    state = result.state;
    transitions.push(...result.transitions);
  }
  return { state, transitions };
}

const success = (at: number, runId?: string): HeartbeatPing =>
  runId === undefined ? { at, kind: 'success' } : { at, kind: 'success', runId };
const start = (at: number, runId?: string): HeartbeatPing =>
  runId === undefined ? { at, kind: 'start' } : { at, kind: 'start', runId };

describe('period checks', () => {
  const check = periodCheck(HOUR, 10 * MINUTE);
  const t0 = ms('2026-05-01T00:00:00Z');

  it('stays new until the first ping, whatever the time', () => {
    expect(evaluate(check, NEW_HEARTBEAT_STATE, t0 + 365 * DAY)).toEqual({
      state: NEW_HEARTBEAT_STATE,
      transition: undefined,
      nextCheckAt: null,
    });
  });

  it('is up, then late at last success + period, then down at + grace', () => {
    const { state, transitions } = run(check, [success(t0)]);
    expect(transitions).toEqual([{ from: 'new', to: 'up', at: t0, reason: 'success' }]);
    expect(state).toMatchObject({ status: 'up', expectedAt: t0 + HOUR, lateAt: t0 + HOUR });
    expect(state.downAt).toBe(t0 + HOUR + 10 * MINUTE);
    expect(evaluate(check, state, t0 + HOUR - 1)).toMatchObject({
      transition: undefined,
      nextCheckAt: t0 + HOUR,
    });
    const late = evaluate(check, state, t0 + HOUR + MINUTE);
    expect(late.transition).toEqual({ from: 'up', to: 'late', at: t0 + HOUR, reason: 'late' });
    expect(late.nextCheckAt).toBe(t0 + HOUR + 10 * MINUTE);
    const down = evaluate(check, late.state, t0 + 5 * HOUR);
    // The transition is dated at the deadline, not at the evaluation.
    expect(down.transition).toEqual({
      from: 'late',
      to: 'down',
      at: t0 + HOUR + 10 * MINUTE,
      reason: 'timeout',
    });
    expect(down.nextCheckAt).toBeNull();
    expect(down.transition && alertFor(down.transition)).toBe('page');
    // Skipping late: an evaluation after both deadlines goes straight to down.
    expect(evaluate(check, state, t0 + 5 * HOUR).transition).toMatchObject({
      from: 'up',
      to: 'down',
    });
  });

  it('recovers on a success while down, and says so once', () => {
    const late = run(check, [success(t0), success(t0 + 3 * HOUR)]);
    // The ping caught time up first: down at the deadline, then up at the ping.
    expect(late.transitions.slice(1)).toEqual([
      { from: 'up', to: 'down', at: t0 + HOUR + 10 * MINUTE, reason: 'timeout' },
      { from: 'down', to: 'up', at: t0 + 3 * HOUR, reason: 'success' },
    ]);
    // new to up resolves too: a resolve with no page open is dropped.
    expect(late.transitions.map(alertFor)).toEqual(['resolve', 'page', 'resolve']);
    expect(late.state).toMatchObject({ status: 'up', expectedAt: t0 + 4 * HOUR });
  });

  it('goes down at once on a failure, /fail or a non-zero exit status', () => {
    for (const ping of [
      { at: t0 + MINUTE, kind: 'fail' } as const,
      exitStatusPing(t0 + MINUTE, 1),
    ]) {
      const result = run(check, [success(t0), ping]);
      expect(result.state).toMatchObject({
        status: 'down',
        lastFailureAt: t0 + MINUTE,
        lastSuccessAt: t0,
        lastPingAt: t0 + MINUTE,
        expectedAt: null,
        downAt: null,
      });
      expect(result.transitions.at(-1)).toEqual({
        from: 'up',
        to: 'down',
        at: t0 + MINUTE,
        reason: 'fail',
      });
    }
    const zero = run(check, [exitStatusPing(t0, 0)]);
    expect(zero.state.status).toBe('up');
    // An exit status overrides the kind it came with.
    expect(run(check, [{ at: t0, kind: 'success', exitStatus: 3 }]).state.status).toBe('down');
  });

  it('/log changes nothing, not even lastPingAt (healthchecks)', () => {
    const { state } = run(check, [success(t0)]);
    const logged = applyPing(check, state, { at: t0 + 5 * MINUTE, kind: 'log', logBytes: 120 });
    expect(logged.state).toBe(state);
    expect(logged.transitions).toEqual([]);
  });

  it('property: up before last success + period, late within grace, down after', () => {
    const period = fc.integer({ min: MINUTE, max: 7 * DAY });
    const grace = fc.integer({ min: 0, max: DAY });
    const gaps = fc.array(fc.integer({ min: 0, max: 3 * 7 * DAY }), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        period,
        grace,
        gaps,
        fc.integer({ min: 0, max: 10 * 7 * DAY }),
        (p, g, steps, after) => {
          const subject = periodCheck(p, g);
          let at = t0;
          const pings = steps.map((step) => success((at += step)));
          const { state } = run(subject, pings);
          const last = at;
          // Evaluate from the stored state, or chained through intermediate ticks:
          // both must agree.
          const direct = evaluate(subject, state, last + after).state.status;
          const mid = evaluate(subject, state, last + Math.floor(after / 2)).state;
          const chained = evaluate(subject, mid, last + after).state.status;
          const expected = after < p ? 'up' : after < p + g ? 'late' : 'down';
          expect(direct).toBe(expected);
          expect(chained).toBe(expected);
        },
      ),
    );
  });
});

describe('runs: start, finish, max run, too fast', () => {
  const check = periodCheck(DAY, HOUR, { maxRunMs: 2 * HOUR, minRunMs: MINUTE });
  const t0 = ms('2026-05-01T02:00:00Z');

  it('a start without a finish is late at start + maxRun, and down a grace later', () => {
    const { state } = run(check, [success(t0), start(t0 + 23 * HOUR)]);
    expect(state.openRuns).toEqual([{ runId: undefined, startedAt: t0 + 23 * HOUR }]);
    // Late from the expected instant (t0 + 1d): the schedule comes before the run's limit.
    expect(state).toMatchObject({ lateAt: t0 + DAY, downAt: t0 + DAY + HOUR });
    const hung = run(check, [start(t0)]);
    expect(hung.state).toMatchObject({
      status: 'new',
      lateAt: t0 + 2 * HOUR,
      downAt: t0 + 3 * HOUR,
    });
    expect(evaluate(check, hung.state, t0 + 2 * HOUR - 1).transition).toBeUndefined();
    const late = evaluate(check, hung.state, t0 + 2 * HOUR);
    expect(late.transition).toEqual({
      from: 'new',
      to: 'late',
      at: t0 + 2 * HOUR,
      reason: 'run-late',
    });
    // Late pages nobody; it shows on the check and in the list.
    expect(late.transition && alertFor(late.transition)).toBeUndefined();
    expect(runningSince(check, late.state, t0 + 2 * HOUR + 1)).toBe(t0);
    const down = evaluate(check, late.state, t0 + 4 * HOUR);
    expect(down.transition).toEqual({
      from: 'late',
      to: 'down',
      at: t0 + 3 * HOUR,
      reason: 'run-timeout',
    });
    expect(down.transition && alertFor(down.transition)).toBe('page');
    // Caught up by a ping past both deadlines: straight to where time has put it.
    const ended = applyPing(check, hung.state, success(t0 + 4 * HOUR));
    expect(ended.transitions.map((t) => [t.to, t.reason])).toEqual([
      ['down', 'run-timeout'],
      ['up', 'success'],
    ]);
  });

  it('a run that ends within the grace after maxRun brings a late check up without a page', () => {
    const up = run(check, [success(t0)]).state;
    const started = applyPing(check, up, start(t0 + HOUR, 'slow')).state;
    const late = evaluate(check, started, t0 + 3 * HOUR + MINUTE);
    expect(late.transition).toMatchObject({ from: 'up', to: 'late', reason: 'run-late' });
    const done = applyPing(check, late.state, success(t0 + 3 * HOUR + 30 * MINUTE, 'slow'));
    expect(done.transitions).toEqual([
      { from: 'late', to: 'up', at: t0 + 3 * HOUR + 30 * MINUTE, reason: 'success' },
    ]);
    expect(done.transitions.map(alertFor)).toEqual([undefined]);
    expect(done.finished[0]).toMatchObject({ overran: true, durationMs: 2.5 * HOUR });
  });

  it('remembers why the check is in its status, and since when', () => {
    const up = run(check, [success(t0)]).state;
    expect(up.cause).toEqual({ since: t0, reason: 'success' });
    // A success while up changes no status: up since the first one.
    expect(applyPing(check, up, success(t0 + HOUR)).state.cause).toEqual(up.cause);
    const late = evaluate(check, up, t0 + DAY + MINUTE).state;
    expect(late.cause).toEqual({ since: t0 + DAY, reason: 'late' });
    const down = evaluate(check, late, t0 + DAY + 2 * HOUR).state;
    expect(down.cause).toEqual({ since: t0 + DAY + HOUR, reason: 'timeout' });
    const failedToo = applyPing(check, down, { at: t0 + 2 * DAY, kind: 'fail' }).state;
    expect(failedToo.cause).toEqual(down.cause);
    const paused = pause(check, failedToo, t0 + 3 * DAY).state;
    expect(paused.cause).toEqual({ since: t0 + 3 * DAY, reason: 'pause' });
    expect(resume(check, paused, t0 + 4 * DAY).state.cause).toEqual({
      since: t0 + 4 * DAY,
      reason: 'resume',
    });
  });

  it('default maxRun is the grace time, as in healthchecks', () => {
    const plain = periodCheck(DAY, HOUR);
    const { state } = run(plain, [start(t0)]);
    expect(state).toMatchObject({ lateAt: t0 + HOUR, downAt: t0 + 2 * HOUR });
  });

  it('pairs completions with starts by rid, anonymous with the last anonymous start', () => {
    const started = run(check, [start(t0, 'a'), start(t0 + MINUTE, 'b'), start(t0 + 2 * MINUTE)]);
    expect(started.state.openRuns.map((r) => r.runId)).toEqual(['a', 'b', undefined]);
    const a = applyPing(check, started.state, success(t0 + 30 * MINUTE, 'a'));
    expect(a.finished).toEqual([
      {
        runId: 'a',
        startedAt: t0,
        finishedAt: t0 + 30 * MINUTE,
        durationMs: 30 * MINUTE,
        outcome: 'success',
        exitStatus: undefined,
        onTime: true,
        tooFast: false,
        overran: false,
      },
    ]);
    expect(a.state.openRuns.map((r) => r.runId)).toEqual(['b', undefined]);
    // The oldest open run now sets the run deadlines.
    expect(a.state).toMatchObject({
      lateAt: t0 + MINUTE + 2 * HOUR,
      downAt: t0 + MINUTE + 3 * HOUR,
    });
    // A success without rid ends the anonymous run and, as in healthchecks, clears
    // the running state.
    const anon = applyPing(check, a.state, success(t0 + 40 * MINUTE));
    expect(anon.finished[0]).toMatchObject({ runId: undefined, durationMs: 38 * MINUTE });
    expect(anon.state.openRuns).toEqual([]);
  });

  it('a restarted rid replaces its run; a failure clears every run', () => {
    const twice = run(check, [
      start(t0, 'a'),
      start(t0 + 5 * MINUTE, 'a'),
      start(t0 + 6 * MINUTE, 'b'),
    ]);
    expect(twice.state.openRuns).toEqual([
      { runId: 'a', startedAt: t0 + 5 * MINUTE },
      { runId: 'b', startedAt: t0 + 6 * MINUTE },
    ]);
    const failed = applyPing(check, twice.state, { at: t0 + 7 * MINUTE, kind: 'fail', runId: 'b' });
    expect(failed.state.openRuns).toEqual([]);
    expect(failed.finished[0]).toMatchObject({ outcome: 'fail', durationMs: MINUTE });
  });

  it('flags too-fast and overran runs; completions with no start have no duration', () => {
    const fast = run(check, [start(t0)]);
    expect(applyPing(check, fast.state, exitStatusPing(t0 + 10_000, 0)).finished[0]).toMatchObject({
      tooFast: true,
      overran: false,
      exitStatus: 0,
    });
    // A failure is flagged as one, however fast.
    expect(applyPing(check, fast.state, exitStatusPing(t0 + 10_000, 2)).finished[0]).toMatchObject({
      outcome: 'fail',
      tooFast: false,
    });
    const slow = applyPing(check, fast.state, success(t0 + 4 * HOUR));
    expect(slow.finished[0]).toMatchObject({ tooFast: false, overran: true });
    // The run deadline passed before the completion: down, then recovered.
    expect(slow.transitions.map((t) => t.reason)).toEqual(['run-timeout', 'success']);
    const bare = applyPing(check, NEW_HEARTBEAT_STATE, success(t0));
    expect(bare.finished[0]).toMatchObject({
      startedAt: undefined,
      durationMs: undefined,
      tooFast: false,
    });
  });

  it('does not pair a start more than 72 hours old', () => {
    const long = periodCheck(7 * DAY, 7 * DAY);
    const started = run(long, [start(t0)]);
    const done = applyPing(long, started.state, success(t0 + 73 * HOUR));
    expect(done.finished[0]).toMatchObject({ startedAt: undefined, durationMs: undefined });
  });

  it('keeps at most 32 open runs', () => {
    const many = run(
      check,
      Array.from({ length: 40 }, (_, i) => start(t0 + i, `r${String(i)}`)),
    );
    expect(many.state.openRuns).toHaveLength(32);
    expect(many.state.openRuns[0]?.runId).toBe('r8');
  });

  it('a killed run times out once: later runs bring the check up and keep it up', () => {
    const up = run(check, [success(t0)]).state;
    const killed = applyPing(check, up, start(t0 + 12 * HOUR, 'killed')).state;
    const overdue = evaluate(check, killed, t0 + 14 * HOUR);
    expect(overdue.transition).toMatchObject({ to: 'late', reason: 'run-late' });
    const down = evaluate(check, overdue.state, t0 + 15 * HOUR);
    expect(down.transition).toMatchObject({ to: 'down', reason: 'run-timeout' });
    expect(down.transition && alertFor(down.transition)).toBe('page');
    let state = down.state;
    for (const [i, at] of [t0 + 16 * HOUR, t0 + 17 * HOUR].entries()) {
      state = applyPing(check, state, start(at, `next-${String(i)}`)).state;
      const ended = applyPing(check, state, success(at + MINUTE * 5, `next-${String(i)}`));
      state = ended.state;
      expect(state.status).toBe('up');
      expect(state.downAt).toBe(at + MINUTE * 5 + DAY + HOUR);
      expect(runningSince(check, state, at + MINUTE * 6)).toBeNull();
      expect(evaluate(check, state, at + MINUTE * 6).transition).toBeUndefined();
    }
    // The killed run's end, should it come, still pairs and is flagged as overran.
    const late = applyPing(check, state, success(t0 + 2 * DAY, 'killed'));
    expect(late.finished[0]).toMatchObject({ durationMs: 36 * HOUR, overran: true });
  });

  it('a run that overran while the check was down does not take it down again', () => {
    const failed = run(check, [start(t0, 'a'), start(t0 + MINUTE, 'b')]).state;
    const down = applyPing(check, failed, { at: t0 + 2 * MINUTE, kind: 'fail', runId: 'z' });
    // A failure clears every run; a run started while down outlives its limit.
    const hung = applyPing(check, down.state, start(t0 + 3 * MINUTE, 'hung')).state;
    const ended = applyPing(check, hung, success(t0 + 5 * HOUR));
    expect(ended.state.status).toBe('up');
    expect(evaluate(check, ended.state, t0 + 5 * HOUR + 1).transition).toBeUndefined();
    const withRid = applyPing(check, hung, success(t0 + 5 * HOUR, 'other'));
    expect(withRid.state.downAt).toBe(t0 + 5 * HOUR + DAY + HOUR);
  });

  it('marks a run late when it began after the due deadline', () => {
    const { state } = run(check, [success(t0)]);
    const late = applyPing(check, state, success(t0 + DAY + 2 * HOUR));
    expect(late.finished[0]?.onTime).toBe(false);
    const onTime = applyPing(check, state, success(t0 + DAY + 30 * MINUTE));
    expect(onTime.finished[0]?.onTime).toBe(true);
  });
});

describe('pause and resume', () => {
  const check = periodCheck(HOUR, 10 * MINUTE);
  const t0 = ms('2026-05-01T00:00:00Z');

  it('a paused check ignores time', () => {
    const up = run(check, [success(t0), start(t0 + MINUTE)]).state;
    const paused = pause(check, up, t0 + 2 * MINUTE);
    expect(paused.transition).toEqual({
      from: 'up',
      to: 'paused',
      at: t0 + 2 * MINUTE,
      reason: 'pause',
    });
    expect(paused.state).toMatchObject({
      status: 'paused',
      openRuns: [],
      downAt: null,
      lateAt: null,
    });
    expect(evaluate(check, paused.state, t0 + 100 * DAY)).toMatchObject({
      transition: undefined,
      nextCheckAt: null,
    });
    expect(pause(check, paused.state, t0 + 3 * MINUTE).transition).toBeUndefined();
  });

  it('a success or failure unpauses it (healthchecks); up resolves any page left open', () => {
    const paused = pause(check, run(check, [success(t0)]).state, t0 + MINUTE).state;
    const up = applyPing(check, paused, success(t0 + DAY));
    expect(up.transitions).toEqual([{ from: 'paused', to: 'up', at: t0 + DAY, reason: 'success' }]);
    expect(up.transitions.map(alertFor)).toEqual(['resolve']);
    const down = applyPing(check, paused, { at: t0 + DAY, kind: 'fail' });
    expect(down.transitions.map(alertFor)).toEqual(['page']);
  });

  it('a /start to a paused check is timed but never takes it down', () => {
    const paused = pause(check, NEW_HEARTBEAT_STATE, t0).state;
    const started = applyPing(check, paused, start(t0 + HOUR, 'a')).state;
    expect(started).toMatchObject({ status: 'paused', downAt: null });
    expect(evaluate(check, started, t0 + 2 * HOUR)).toMatchObject({
      transition: undefined,
      nextCheckAt: null,
    });
    // Its end still pairs, and the check is up; a run that overran meanwhile is not
    // held against it.
    const overran = applyPing(check, started, start(t0 + HOUR + MINUTE, 'b')).state;
    const ended = applyPing(check, overran, success(t0 + 3 * HOUR, 'b'));
    expect(ended.finished[0]).toMatchObject({ durationMs: 2 * HOUR - MINUTE, overran: true });
    expect(ended.transitions).toEqual([
      { from: 'paused', to: 'up', at: t0 + 3 * HOUR, reason: 'success' },
    ]);
    expect(ended.state.downAt).toBe(t0 + 4 * HOUR + 10 * MINUTE);
  });

  it('a resumed check pages for nothing started before the pause or while paused', () => {
    const running = run(check, [success(t0), start(t0 + MINUTE)]).state;
    const paused = pause(check, running, t0 + 2 * MINUTE).state;
    const startedWhilePaused = applyPing(check, paused, start(t0 + 3 * MINUTE)).state;
    const resumed = resume(check, startedWhilePaused, t0 + 4 * MINUTE).state;
    expect(evaluate(check, resumed, t0 + 30 * DAY).transition).toBeUndefined();
    // A /start after the resume times that run, as on any new check.
    const started = applyPing(check, resumed, start(t0 + DAY)).state;
    const late = evaluate(check, started, t0 + DAY + 10 * MINUTE);
    expect(late.transition).toMatchObject({ from: 'new', to: 'late', reason: 'run-late' });
    expect(evaluate(check, late.state, t0 + DAY + 20 * MINUTE).transition).toMatchObject({
      from: 'late',
      to: 'down',
      reason: 'run-timeout',
    });
  });

  it('pausing resolves the page of a down check', () => {
    const down = run(check, [{ at: t0, kind: 'fail' }]).state;
    const paused = pause(check, down, t0 + MINUTE);
    expect(paused.transition && alertFor(paused.transition)).toBe('resolve');
    const fromNew = pause(check, NEW_HEARTBEAT_STATE, t0);
    expect(fromNew.transition && alertFor(fromNew.transition)).toBe('resolve');
  });

  it('with manualResume, a paused check ignores every ping', () => {
    const manual = periodCheck(HOUR, 10 * MINUTE, { manualResume: true });
    const paused = pause(manual, NEW_HEARTBEAT_STATE, t0).state;
    for (const ping of [success(t0 + 1), start(t0 + 1), { at: t0 + 1, kind: 'fail' } as const]) {
      const result = applyPing(manual, paused, ping);
      expect(result).toEqual({ state: paused, transitions: [], finished: [], ignored: true });
    }
  });

  it('resume makes it new, expecting nothing until the next ping', () => {
    const paused = pause(check, run(check, [success(t0)]).state, t0 + MINUTE).state;
    const resumed = resume(check, paused, t0 + DAY);
    expect(resumed.transition).toEqual({
      from: 'paused',
      to: 'new',
      at: t0 + DAY,
      reason: 'resume',
    });
    expect(resumed.state).toMatchObject({
      status: 'new',
      lastPingAt: null,
      expectedAt: null,
      downAt: null,
    });
    expect(evaluate(check, resumed.state, t0 + 30 * DAY).transition).toBeUndefined();
    expect(resume(check, resumed.state, t0 + DAY).transition).toBeUndefined();
  });
});

describe('cron checks', () => {
  it('expects the first occurrence after the last ping, in its zone', () => {
    const check = cronCheck('0 9 * * 1-5', 'America/New_York', 30 * MINUTE);
    // Friday 6 March 2026, 09:05 EST; DST starts Sunday 8 March.
    const { state } = run(check, [success(ms('2026-03-06T14:05:00Z'))]);
    // Monday 9 March, 09:00 EDT = 13:00Z (the weekend is skipped, the offset moved).
    expect(iso(state.expectedAt)).toBe('2026-03-09T13:00:00.000Z');
    expect(iso(state.downAt)).toBe('2026-03-09T13:30:00.000Z');
    const autumn = run(check, [success(ms('2026-10-30T13:02:00Z'))]).state;
    // Friday 30 October EDT; DST ends Sunday 1 November: Monday 09:00 EST = 14:00Z.
    expect(iso(autumn.expectedAt)).toBe('2026-11-02T14:00:00.000Z');
  });

  it('stays new until the first ping (no occurrence is expected of a new check)', () => {
    const check = cronCheck('*/5 * * * *', 'UTC', MINUTE);
    expect(evaluate(check, NEW_HEARTBEAT_STATE, ms('2030-01-01T00:00:00Z')).nextCheckAt).toBeNull();
  });

  describe('30 2 * * * in Europe/Amsterdam', () => {
    const check = cronCheck('30 2 * * *', 'Europe/Amsterdam', HOUR);

    it('spring forward (29 March 2026: 02:00 CET -> 03:00 CEST): the skipped 02:30 fires once, at 03:30 CEST', () => {
      const { state } = run(check, [success(ms('2026-03-28T01:31:00Z'))]);
      // 02:30 does not exist that day; cron-parser fires at 01:30Z = 03:30 CEST
      // (02:30 read with the winter offset), once.
      expect(iso(state.expectedAt)).toBe('2026-03-29T01:30:00.000Z');
      expect(iso(state.downAt)).toBe('2026-03-29T02:30:00.000Z');
      const next = applyPing(check, state, success(ms('2026-03-29T01:32:00Z'))).state;
      expect(iso(next.expectedAt)).toBe('2026-03-30T00:30:00.000Z');
      // A job run by a cron that fires the skipped jobs at once (ISC/Debian cron:
      // 03:00 CEST) pings before the expected 03:30: up, no transition. cron-parser
      // then expects the next day: from 03:00:30 CEST it does not see the phantom
      // 03:30 (it only appears when iterating from before the gap).
      const early = applyPing(check, state, success(ms('2026-03-29T01:00:30Z')));
      expect(early.transitions).toEqual([]);
      expect(early.finished[0]?.onTime).toBe(true);
      expect(iso(early.state.expectedAt)).toBe('2026-03-30T00:30:00.000Z');
      // Nor does one already within the hour after the jump.
      expect(iso(check.nextDueAfter(ms('2026-03-29T01:29:00Z')))).toBe('2026-03-30T00:30:00.000Z');
    });

    it('fall back (25 October 2026: 03:00 CEST -> 02:00 CET): the repeated 02:30 fires once, the first time', () => {
      const { state } = run(check, [success(ms('2026-10-24T00:31:00Z'))]);
      expect(iso(state.expectedAt)).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
      // A success after the first 02:30 expects the next day, not the second 02:30.
      const next = applyPing(check, state, success(ms('2026-10-25T00:31:00Z'))).state;
      expect(iso(next.expectedAt)).toBe('2026-10-26T01:30:00.000Z'); // 02:30 CET
      // A ping in the repeated hour (02:25 CET, after the first 02:30) is within
      // grace and expects the next day as well.
      const repeated = applyPing(check, state, success(ms('2026-10-25T01:25:00Z')));
      // It was late (past 02:30 CEST), never down: no page.
      expect(repeated.transitions.map((t) => t.to)).toEqual(['late', 'up']);
      expect(repeated.transitions.map(alertFor)).toEqual([undefined, undefined]);
      expect(iso(repeated.state.expectedAt)).toBe('2026-10-26T01:30:00.000Z');
    });

    it('goes down an hour after the expected occurrence across DST, as numbers', () => {
      const { state } = run(check, [success(ms('2026-03-28T01:31:00Z'))]);
      const result = evaluate(check, state, ms('2026-03-29T03:00:00Z'));
      expect(result.transition).toEqual({
        from: 'up',
        to: 'down',
        at: ms('2026-03-29T02:30:00Z'),
        reason: 'timeout',
      });
    });
  });
});

describe('a changed definition', () => {
  const t0 = ms('2026-05-01T00:00:00Z');

  it('counts the deadlines from the last ping again, both longer and shorter', () => {
    const minutely = periodCheck(MINUTE, 0);
    const up = run(minutely, [success(t0)]).state;
    const daily = periodCheck(DAY, HOUR);
    const longer = redefine(daily, up, t0 + 30 * 1000);
    expect(longer.transition).toBeUndefined();
    expect(longer.state).toMatchObject({
      status: 'up',
      expectedAt: t0 + DAY,
      lateAt: t0 + DAY,
      downAt: t0 + DAY + HOUR,
    });
    expect(evaluate(daily, longer.state, t0 + HOUR).transition).toBeUndefined();
    const shorter = redefine(minutely, run(daily, [success(t0)]).state, t0 + 30 * 1000);
    expect(shorter.state).toMatchObject({ expectedAt: t0 + MINUTE, downAt: t0 + MINUTE });
  });

  it('makes a late check up when the new schedule expects nothing yet', () => {
    const hourly = periodCheck(HOUR, HOUR);
    const late = evaluate(hourly, run(hourly, [success(t0)]).state, t0 + HOUR + MINUTE).state;
    expect(late.status).toBe('late');
    const result = redefine(periodCheck(DAY, HOUR), late, t0 + 2 * HOUR);
    expect(result.transition).toEqual({
      from: 'late',
      to: 'up',
      at: t0 + 2 * HOUR,
      reason: 'redefine',
    });
    expect(result.transition && alertFor(result.transition)).toBeUndefined();
    expect(result.state.lateAt).toBe(t0 + DAY);
  });

  it('moves the run deadline with maxRunTime, and leaves down and paused checks alone', () => {
    const check = periodCheck(DAY, HOUR);
    const started = run(check, [success(t0), start(t0 + MINUTE)]).state;
    expect(started.downAt).toBe(t0 + MINUTE + 2 * HOUR);
    const longer = redefine(
      periodCheck(DAY, HOUR, { maxRunMs: 3 * HOUR }),
      started,
      t0 + 2 * MINUTE,
    );
    expect(longer.state).toMatchObject({
      lateAt: t0 + MINUTE + 3 * HOUR,
      downAt: t0 + MINUTE + 4 * HOUR,
    });
    // A new check late only by its run is new again when a longer limit covers the run.
    const hung = run(check, [start(t0)]).state;
    const late = evaluate(check, hung, t0 + 90 * MINUTE).state;
    expect(late.status).toBe('late');
    const covered = redefine(
      periodCheck(DAY, HOUR, { maxRunMs: 3 * HOUR }),
      late,
      t0 + 91 * MINUTE,
    );
    expect(covered.transition).toEqual({
      from: 'late',
      to: 'new',
      at: t0 + 91 * MINUTE,
      reason: 'redefine',
    });
    expect(covered.state).toMatchObject({ status: 'new', lateAt: t0 + 3 * HOUR });
    const down = run(check, [{ at: t0, kind: 'fail' }]).state;
    expect(redefine(periodCheck(MINUTE, 0), down, t0 + DAY).state).toEqual(down);
    const paused = pause(check, run(check, [success(t0)]).state, t0).state;
    expect(redefine(periodCheck(MINUTE, 0), paused, t0 + DAY).state).toEqual(paused);
  });
});
