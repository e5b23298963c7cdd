// What a check's recent runs come to, told from its last pings: how many ended, how
// many failed or were flagged, and how long they took. A run is a success or a failure
// ping (an exit status counts as one or the other); its time is known when a /start
// opened it.
import type { PingKind } from './model.js';

export interface EndedPing {
  readonly at: number;
  /** The effective kind: an exit status is a success (0) or a failure. */
  readonly kind: PingKind;
  readonly durationMs: number | null;
  readonly tooFast: boolean;
  readonly overran: boolean;
}

export interface RecentRuns {
  readonly runs: number;
  readonly failed: number;
  readonly tooFast: number;
  readonly overran: number;
  /** The oldest of these runs' ends; null without runs. */
  readonly sinceMs: number | null;
  /** Over the runs with a duration; null without any. */
  readonly medianMs: number | null;
  readonly longestMs: number | null;
}

export function recentRuns(pings: readonly EndedPing[]): RecentRuns {
  const ended = pings.filter((ping) => ping.kind === 'success' || ping.kind === 'fail');
  const durations = ended
    .flatMap((ping) => (ping.durationMs === null ? [] : [ping.durationMs]))
    .sort((a, b) => a - b);
  return {
    runs: ended.length,
    failed: ended.filter((ping) => ping.kind === 'fail').length,
    tooFast: ended.filter((ping) => ping.tooFast).length,
    overran: ended.filter((ping) => ping.overran).length,
    sinceMs: ended.length === 0 ? null : Math.min(...ended.map((ping) => ping.at)),
    medianMs: median(durations),
    longestMs: durations.at(-1) ?? null,
  };
}

/** The middle value, or the mean of the two middle ones; null for none. */
function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}
