// The heartbeat state machine. Pings move it (applyPing: may do cron work, once per
// ping); time moves it (evaluate: two number comparisons, so that a tick can scan
// every check). The deadlines evaluate compares against are computed when a ping,
// pause or resume changes the state, and stored with it.
//
// healthchecks' rules, followed here:
// - a new check expects nothing until its first success or failure;
// - a success (or /0) makes it up; a failure (or /1..255) makes it down at once;
// - up: late from the next due instant (last completion + period, or the first cron
//   occurrence after it), down at that instant + grace;
// - an open run (a /start not yet ended) makes the check late at start + maxRun
//   (default: the grace) and down a grace later, whatever the status, except down and
//   paused: a run that takes too long is late as a missed one is. healthchecks goes
//   down at once ("grace doubles as max run time"); the grace step is ours, so that a
//   slow run shows before it pages;
// - a run past maxRun + grace is timed out once: it takes the check down (or finds it
//   down) and holds it no longer, so that the next success brings the check up for
//   good (a killed job never sends its end; healthchecks' single last_start is
//   cleared by the next completion too); its late end still pairs with its start;
// - /start and /log change no status and not lastPingAt (healthchecks' last_ping is
//   the last success or failure);
// - pause clears runs and deadlines; a success or failure to a paused check unpauses
//   it (unless manualResume: then every ping is ignored); a /start to a paused check
//   opens a run only to time the run, never to take the check down; resume makes it
//   new again;
// - a changed definition moves the deadlines, counted from the last ping again.
import type { CompiledHeartbeat } from './compile.js';
import {
  effectiveKind,
  MAX_OPEN_RUNS,
  ranTooFast,
  RUN_PAIRING_WINDOW_MS,
  type HeartbeatPing,
  type HeartbeatStatus,
} from './model.js';

export interface OpenRun {
  /** undefined: the anonymous run (a /start without rid). */
  readonly runId: string | undefined;
  readonly startedAt: number;
  /** It ran past maxRun + grace and was reported: kept only to pair its late end. */
  readonly timedOut?: true;
}

export interface HeartbeatState {
  readonly status: HeartbeatStatus;
  /** The last success or failure (healthchecks' last_ping). */
  readonly lastPingAt: number | null;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
  /** When the next success is due (the next due instant after lastPingAt); null
   * while nothing is expected: new, paused, and down after a failure or a pause. */
  readonly expectedAt: number | null;
  /** Started and not ended, oldest first; at most one anonymous. Timed-out runs
   * stay until ended, cleared or out of the pairing window, but set no deadline. */
  readonly openRuns: readonly OpenRun[];
  /** up (or new) turns late here: expectedAt while up or late, or the oldest open
   * run's start + maxRun, whichever is first. */
  readonly lateAt: number | null;
  /** The check goes down here: a grace after lateAt; null while down or nothing is
   * expected. */
  readonly downAt: number | null;
  /** The transition that put the check in its status: since when, and why. Absent
   * while new, and in states stored before it was kept. */
  readonly cause?: StatusCause | undefined;
}

export interface StatusCause {
  readonly since: number;
  readonly reason: TransitionReason;
}

export const TRANSITION_REASONS = [
  'success',
  'fail',
  'late',
  'timeout',
  'run-late',
  'run-timeout',
  'pause',
  'resume',
  'redefine',
] as const;
export type TransitionReason = (typeof TRANSITION_REASONS)[number];

export interface HeartbeatTransition {
  readonly from: HeartbeatStatus;
  readonly to: HeartbeatStatus;
  /** When it happened: the deadline that passed, or the ping's instant. */
  readonly at: number;
  readonly reason: TransitionReason;
}

export type RunOutcome = 'success' | 'fail';

export interface FinishedRun {
  readonly runId: string | undefined;
  /** undefined when no /start was paired (none sent, or over 72 h before). */
  readonly startedAt: number | undefined;
  readonly finishedAt: number;
  readonly durationMs: number | undefined;
  readonly outcome: RunOutcome;
  readonly exitStatus: number | undefined;
  /** It began (its start, else its end) before the deadline of the slot that was
   * due at the time (expectedAt + grace), or when nothing was due. */
  readonly onTime: boolean;
  /** Ended sooner than minRunMs after its start. */
  readonly tooFast: boolean;
  /** Ran longer than maxRunMs (the check went late meanwhile). */
  readonly overran: boolean;
}

export interface PingResult {
  readonly state: HeartbeatState;
  /** Time caught up to the ping first, so there can be two (up→down at the
   * deadline that had passed, then down→up at the ping). */
  readonly transitions: readonly HeartbeatTransition[];
  readonly finished: readonly FinishedRun[];
  /** The ping changed nothing because the check is paused with manualResume. */
  readonly ignored: boolean;
}

export interface EvaluateResult {
  readonly state: HeartbeatState;
  readonly transition: HeartbeatTransition | undefined;
  /** The next instant at which evaluate could change the status; null: only a ping,
   * pause or resume can. */
  readonly nextCheckAt: number | null;
}

export interface CommandResult {
  readonly state: HeartbeatState;
  readonly transition: HeartbeatTransition | undefined;
}

export type HeartbeatAlert = 'page' | 'resolve';

export const NEW_HEARTBEAT_STATE: HeartbeatState = {
  status: 'new',
  lastPingAt: null,
  lastSuccessAt: null,
  lastFailureAt: null,
  expectedAt: null,
  openRuns: [],
  lateAt: null,
  downAt: null,
};

/** What a transition means for the owner: down pages; up resolves, and so does a
 * pause (a paused check pages nobody, so its page would be stranded open). A resolve
 * with no page open is dropped. late to up resolves nothing: late comes only from up,
 * which holds no page, and it is how nearly every cron run ends, a path kept off the
 * paging lock. */
export function alertFor(transition: HeartbeatTransition): HeartbeatAlert | undefined {
  if (transition.to === 'down' && transition.from !== 'down') return 'page';
  if (transition.to === 'paused') return 'resolve';
  if (transition.to === 'up' && transition.from !== 'late') return 'resolve';
  return undefined;
}

export function evaluate(
  compiled: CompiledHeartbeat,
  state: HeartbeatState,
  atMs: number,
): EvaluateResult {
  const { status, lateAt, downAt } = state;
  if (downAt !== null && atMs >= downAt && status !== 'down') {
    const next = withDeadlines(compiled, {
      ...state,
      status: 'down',
      openRuns: withTimedOut(compiled, state.openRuns, atMs),
    });
    const reason = isRunDeadline(compiled, state, downAt) ? 'run-timeout' : 'timeout';
    const transition: HeartbeatTransition = { from: status, to: 'down', at: downAt, reason };
    return { state: entered(next, transition), transition, nextCheckAt: nextCheck(next) };
  }
  if ((status === 'up' || status === 'new') && lateAt !== null && atMs >= lateAt) {
    const reason = lateAt === state.expectedAt ? 'late' : 'run-late';
    const transition: HeartbeatTransition = { from: status, to: 'late', at: lateAt, reason };
    const next = entered({ ...state, status: 'late' }, transition);
    return { state: next, transition, nextCheckAt: nextCheck(next) };
  }
  return { state, transition: undefined, nextCheckAt: nextCheck(state) };
}

export function applyPing(
  compiled: CompiledHeartbeat,
  state: HeartbeatState,
  ping: HeartbeatPing,
): PingResult {
  if (state.status === 'paused' && compiled.definition.manualResume === true) {
    return { state, transitions: [], finished: [], ignored: true };
  }
  const kind = effectiveKind(ping);
  if (kind === 'log') return { state, transitions: [], finished: [], ignored: false };

  // Bring time up to the ping so that the result does not depend on whether the
  // evaluator happened to tick before the ping arrived.
  const transitions: HeartbeatTransition[] = [];
  let current = state;
  for (;;) {
    const caught = evaluate(compiled, current, ping.at);
    if (caught.transition === undefined) break;
    transitions.push(caught.transition);
    current = caught.state;
  }
  // Runs that overran while the check was down or paused were never reported; they
  // must not take it down again once this ping brings it up.
  current = {
    ...current,
    openRuns: withTimedOut(compiled, current.openRuns, ping.at).filter(
      (run) => run.timedOut !== true || ping.at - run.startedAt <= RUN_PAIRING_WINDOW_MS,
    ),
  };

  if (kind === 'start') {
    const others = current.openRuns.filter((run) => run.runId !== ping.runId);
    const openRuns = [...others, { runId: ping.runId, startedAt: ping.at }].slice(-MAX_OPEN_RUNS);
    return {
      state: withDeadlines(compiled, { ...current, openRuns }),
      transitions,
      finished: [],
      ignored: false,
    };
  }

  const outcome: RunOutcome = kind === 'success' ? 'success' : 'fail';
  const match = current.openRuns.find(
    (run) => run.runId === ping.runId && run.startedAt <= ping.at,
  );
  const paired =
    match !== undefined && ping.at - match.startedAt <= RUN_PAIRING_WINDOW_MS ? match : undefined;
  const durationMs = paired === undefined ? undefined : ping.at - paired.startedAt;
  const beganAt = paired?.startedAt ?? ping.at;
  const dueBy = current.expectedAt === null ? null : current.expectedAt + compiled.graceMs;
  const finished: FinishedRun = {
    runId: ping.runId,
    startedAt: paired?.startedAt,
    finishedAt: ping.at,
    durationMs,
    outcome,
    exitStatus: ping.exitStatus,
    onTime: dueBy === null || beganAt < dueBy,
    tooFast: ranTooFast(compiled.minRunMs, outcome, durationMs),
    overran: durationMs !== undefined && durationMs > compiled.maxRunMs,
  };
  // healthchecks clears its running state on any failure and on a success without
  // rid; a success with rid ends that run only.
  const openRuns =
    outcome === 'fail' || ping.runId === undefined
      ? []
      : current.openRuns.filter((run) => run !== match);
  const to: HeartbeatStatus = outcome === 'success' ? 'up' : 'down';
  const next = withDeadlines(compiled, {
    status: to,
    lastPingAt: ping.at,
    lastSuccessAt: outcome === 'success' ? ping.at : current.lastSuccessAt,
    lastFailureAt: outcome === 'fail' ? ping.at : current.lastFailureAt,
    expectedAt: outcome === 'success' ? compiled.nextDueAfter(ping.at) : null,
    openRuns,
    cause: current.cause,
  });
  if (current.status === to) {
    return { state: next, transitions, finished: [finished], ignored: false };
  }
  const transition: HeartbeatTransition = {
    from: current.status,
    to,
    at: ping.at,
    reason: outcome,
  };
  transitions.push(transition);
  return { state: entered(next, transition), transitions, finished: [finished], ignored: false };
}

/** Pausing forgets runs and deadlines (healthchecks clears last_start and
 * alert_after); lastPingAt and the others stay for display. */
export function pause(
  compiled: CompiledHeartbeat,
  state: HeartbeatState,
  atMs: number,
): CommandResult {
  if (state.status === 'paused') return { state, transition: undefined };
  const transition: HeartbeatTransition = {
    from: state.status,
    to: 'paused',
    at: atMs,
    reason: 'pause',
  };
  const next = withDeadlines(compiled, {
    ...state,
    status: 'paused',
    expectedAt: null,
    openRuns: [],
  });
  return { state: entered(next, transition), transition };
}

/** The definition changed (schedule, grace, run limits): the deadlines are counted
 * again from the last ping, as healthchecks does when a check is edited. A late check
 * that the new schedule no longer expects yet is up again; one whose new deadlines
 * have passed moves at the next evaluation. */
export function redefine(
  compiled: CompiledHeartbeat,
  state: HeartbeatState,
  atMs: number,
): CommandResult {
  const waiting = state.status === 'up' || state.status === 'late';
  const expectedAt =
    waiting && state.lastPingAt !== null
      ? compiled.nextDueAfter(state.lastPingAt)
      : state.expectedAt;
  const moved = withDeadlines(compiled, { ...state, expectedAt });
  if (state.status !== 'late' || (moved.lateAt !== null && moved.lateAt <= atMs)) {
    return { state: moved, transition: undefined };
  }
  // A check late only by an overlong run, never pinged, was new before.
  const back = state.lastPingAt === null ? 'new' : 'up';
  const transition: HeartbeatTransition = { from: 'late', to: back, at: atMs, reason: 'redefine' };
  return {
    state: entered(withDeadlines(compiled, { ...moved, status: back }), transition),
    transition,
  };
}

/** The run shown as running: the oldest open one not yet timed out at `atMs`. */
export function runningSince(
  compiled: CompiledHeartbeat,
  state: HeartbeatState,
  atMs: number,
): number | null {
  const running = state.openRuns.find(
    (run) => run.timedOut !== true && runTimesOutAt(compiled, run) > atMs,
  );
  return running?.startedAt ?? null;
}

/** Resume is a fresh start: new, expecting nothing until the next ping
 * (healthchecks also clears last_ping). */
export function resume(
  compiled: CompiledHeartbeat,
  state: HeartbeatState,
  atMs: number,
): CommandResult {
  if (state.status !== 'paused') return { state, transition: undefined };
  const transition: HeartbeatTransition = { from: 'paused', to: 'new', at: atMs, reason: 'resume' };
  const next = withDeadlines(compiled, {
    ...state,
    status: 'new',
    lastPingAt: null,
    expectedAt: null,
    openRuns: [],
  });
  return { state: entered(next, transition), transition };
}

type WithoutDeadlines = Omit<HeartbeatState, 'lateAt' | 'downAt'>;

function entered(state: HeartbeatState, transition: HeartbeatTransition): HeartbeatState {
  return { ...state, cause: { since: transition.at, reason: transition.reason } };
}

function withDeadlines(compiled: CompiledHeartbeat, state: WithoutDeadlines): HeartbeatState {
  const waiting = state.status === 'up' || state.status === 'late';
  let lateAt = waiting ? state.expectedAt : null;
  const timed = state.openRuns.filter((run) => run.timedOut !== true);
  // Paused means no pages: a /start to a paused check is timed, never a deadline.
  if (state.status !== 'down' && state.status !== 'paused' && timed.length > 0) {
    const runLateAt = Math.min(...timed.map((run) => run.startedAt)) + compiled.maxRunMs;
    lateAt = lateAt === null ? runLateAt : Math.min(lateAt, runLateAt);
  }
  return { ...state, lateAt, downAt: lateAt === null ? null : lateAt + compiled.graceMs };
}

/** A run past this has had its maxRun and the grace after it: the check goes down. */
function runTimesOutAt(compiled: CompiledHeartbeat, run: OpenRun): number {
  return run.startedAt + compiled.maxRunMs + compiled.graceMs;
}

function withTimedOut(
  compiled: CompiledHeartbeat,
  runs: readonly OpenRun[],
  atMs: number,
): readonly OpenRun[] {
  const timesOut = (run: OpenRun) => run.timedOut !== true && runTimesOutAt(compiled, run) <= atMs;
  if (!runs.some(timesOut)) return runs;
  return runs.map((run) => (timesOut(run) ? { ...run, timedOut: true as const } : run));
}

function isRunDeadline(
  compiled: CompiledHeartbeat,
  state: HeartbeatState,
  downAt: number,
): boolean {
  return state.openRuns.some(
    (run) => run.timedOut !== true && runTimesOutAt(compiled, run) === downAt,
  );
}

/** The next instant at which `evaluate` could change the status; null: only a ping, pause or resume can. */
export function nextCheck(state: HeartbeatState): number | null {
  const late = state.status === 'up' || state.status === 'new' ? state.lateAt : null;
  const down = state.status === 'down' ? null : state.downAt;
  if (late === null) return down;
  if (down === null) return late;
  return Math.min(late, down);
}
