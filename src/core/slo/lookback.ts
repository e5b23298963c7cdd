// How far back per-minute counts can still matter for an SLO, and keeping a series to
// that: shared by `headroom eval` (which reads files of any age) and the server (whose
// series would otherwise grow for as long as it runs).
import { createSeries, type MinuteSeries } from './minute-series.js';
import type { Slo } from './model.js';

const DAY_MINUTES = 24 * 60;
/** Longest calendar period (a quarter) plus a day for time-zone offsets. */
const CALENDAR_LOOKBACK_MINUTES = 93 * DAY_MINUTES;
/** The longest burn window every status reports (3d). */
const REPORTED_LOOKBACK_MINUTES = 3 * DAY_MINUTES;

/** How far back from an evaluation time a minute's counts can still count for this SLO. */
export function lookbackMinutes(slo: Slo): number {
  const window = slo.window.kind === 'rolling' ? slo.window.minutes : CALENDAR_LOOKBACK_MINUTES;
  const alertWindows = (slo.alerting.rules ?? []).map((rule) => rule.longWindowMinutes);
  return Math.max(window, REPORTED_LOOKBACK_MINUTES, ...alertWindows) + DAY_MINUTES;
}

/**
 * A new series with the counts of `series` from `fromMinute` on: exact, since the store
 * reads back per-minute counts; O(minutes kept). The copy is compacted.
 */
export function copySince(slo: Slo, series: MinuteSeries, fromMinute: number): MinuteSeries {
  const copy = createSeries(slo);
  const extent = series.extent();
  if (extent === undefined) return copy;
  for (let minute = Math.max(fromMinute, extent.first); minute <= extent.last; minute += 1) {
    const counts = series.sum(minute, minute + 1);
    if (counts.total > 0) copy.add(minute, counts.good, counts.total);
  }
  copy.compact();
  return copy;
}
