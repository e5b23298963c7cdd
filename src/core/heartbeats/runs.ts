// A heartbeat as an SLI: events the SLO engine counts (good / total per minute).
//
// - Every finished run is one event, at its end: good when it succeeded, was not
//   too fast (minRunMs) and, when the SLO bounds it, took no longer than
//   maxDurationMs (a run without a paired /start has no duration and is not
//   judged on it).
// - Every slot that passed without a run is one bad event, at the slot's deadline.
//   The slots after a completion at c are the schedule's due instants after c (a
//   period counts from c, cron occurrences do not depend on it); slot o is missed
//   when no completion came before o + grace. That is the state machine's own rule
//   (down at expectedAt + grace), so a missed slot is exactly a deadline that
//   passed, and the next slots count while the check stays silent.
// - Lateness is counted once, by the missed slot: a run that ends after its slot's
//   deadline is then judged like any other run. A missed slot is final when its
//   deadline passes (no later ping can serve it), so evaluating consecutive
//   windows (from, to] never counts an event twice or revises one.
// - Nothing is due before the first completion, nor from a pause until the first
//   completion after it (paused and new checks expect nothing).
import { epochMinute } from '../slo/minute-series.js';
import type { CompiledHeartbeat } from './compile.js';
import type { FinishedRun } from './state.js';

export type OutcomeReason = 'succeeded' | 'failed' | 'too-fast' | 'too-slow' | 'missed';

export interface RunOutcomeEvent {
  readonly at: number;
  readonly good: boolean;
  readonly reason: OutcomeReason;
}

export interface PauseInterval {
  readonly from: number;
  /** null: still paused. */
  readonly to: number | null;
}

export interface OutcomeInput {
  /** Finished runs by finishedAt, ascending; those up to toInclusive count. */
  readonly runs: readonly FinishedRun[];
  /** The last completion before the runs given (null: none, the check was new).
   * Slots after it and before the first run given are counted. */
  readonly previousCompletionAt: number | null;
  readonly pauses?: readonly PauseInterval[];
  readonly fromExclusive: number;
  readonly toInclusive: number;
  /** A successful run that took longer is bad (the SLO's bound); undefined: not judged. */
  readonly maxDurationMs?: number | undefined;
  /** At most this many missed slots are produced (default 10,000). */
  readonly maxSlots?: number;
}

export interface OutcomeResult {
  /** By instant, ascending; only those in (fromExclusive, toInclusive]. */
  readonly events: readonly RunOutcomeEvent[];
  /** maxSlots was reached: later missed slots were not produced. */
  readonly truncated: boolean;
}

export interface MinuteCount {
  readonly minute: number;
  readonly good: number;
  readonly total: number;
}

export const DEFAULT_MAX_SLOTS = 10_000;

/** The outcome of one finished run as an SLI event; `bound` is the SLO's longest good run. */
export function runOutcome(run: FinishedRun, bound: number | undefined): RunOutcomeEvent {
  const reason: OutcomeReason =
    run.outcome === 'fail'
      ? 'failed'
      : bound !== undefined && run.durationMs !== undefined && run.durationMs > bound
        ? 'too-slow'
        : run.tooFast
          ? 'too-fast'
          : 'succeeded';
  return { at: run.finishedAt, good: reason === 'succeeded', reason };
}

export function runOutcomes(compiled: CompiledHeartbeat, input: OutcomeInput): OutcomeResult {
  const { fromExclusive: from, toInclusive: to } = input;
  const pauses = input.pauses ?? [];
  let budget = input.maxSlots ?? DEFAULT_MAX_SLOTS;
  let truncated = false;
  const events: RunOutcomeEvent[] = [];

  // One gap per completion: from it to the next completion (or `to`).
  const addMissed = (completedAt: number, nextCompletionAt: number): void => {
    if (truncated) return;
    // Nothing is due once a pause begins: slots whose deadline falls after it wait
    // for the first completion after the pause.
    const pausedAt = firstPauseAfter(pauses, completedAt);
    const end = Math.min(nextCompletionAt, to, pausedAt ?? Number.POSITIVE_INFINITY);
    // A slot o is missed when o + grace <= end, and counted when o + grace > from.
    const grace = compiled.graceMs;
    const due = compiled.schedule.dueBetween(completedAt, from - grace, end - grace, budget);
    for (const slot of due.instants)
      events.push({ at: slot + grace, good: false, reason: 'missed' });
    budget -= due.instants.length;
    truncated = due.truncated;
  };

  let previous = input.previousCompletionAt;
  for (const run of input.runs) {
    if (run.finishedAt > to) break;
    if (previous !== null) addMissed(previous, run.finishedAt);
    if (run.finishedAt > from) events.push(runOutcome(run, input.maxDurationMs));
    previous = run.finishedAt;
  }
  if (previous !== null) addMissed(previous, Number.POSITIVE_INFINITY);
  events.sort((a, b) => a.at - b.at);
  return { events, truncated };
}

/** How many slots of the schedule anchored at a completion at `anchorMs` fall in
 * (afterMs, untilMs], counting at most `limit` (cron iteration is bounded). */
export function countDue(
  compiled: CompiledHeartbeat,
  anchorMs: number,
  afterMs: number,
  untilMs: number,
  limit: number,
): { readonly count: number; readonly truncated: boolean } {
  const due = compiled.schedule.dueBetween(anchorMs, afterMs, untilMs, limit);
  return { count: due.instants.length, truncated: due.truncated };
}

/** Events summed per epoch minute, ascending: what `MinuteSeries.add` takes. */
export function minuteCounts(events: readonly RunOutcomeEvent[]): readonly MinuteCount[] {
  const byMinute = new Map<number, { good: number; total: number }>();
  for (const event of events) {
    const minute = epochMinute(event.at);
    const counts = byMinute.get(minute) ?? { good: 0, total: 0 };
    counts.total += 1;
    if (event.good) counts.good += 1;
    byMinute.set(minute, counts);
  }
  return [...byMinute.entries()]
    .sort(([a], [b]) => a - b)
    .map(([minute, { good, total }]) => ({ minute, good, total }));
}

function firstPauseAfter(pauses: readonly PauseInterval[], afterMs: number): number | null {
  let first: number | null = null;
  for (const pause of pauses) {
    const covers = pause.from <= afterMs && (pause.to === null || pause.to > afterMs);
    const at = covers ? afterMs : pause.from > afterMs ? pause.from : null;
    if (at !== null && (first === null || at < first)) first = at;
  }
  return first;
}
