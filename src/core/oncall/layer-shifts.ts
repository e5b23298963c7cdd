// One layer's turns inside a range of instants, computed from the range alone: the
// turn at any instant is found by arithmetic on wall values, never by walking the
// rotation from its start.

import type { CompiledLayer, CompiledWindow } from './compile.js';
import { DAY_MS, weekdayOfDay } from './local-time.js';
import type { LayerShift } from './model.js';

/**
 * The layer's shifts in [fromMs, toMs), clipped to it, in time order, with
 * neighbouring turns of the same user merged.
 *
 * Turn k starts at hand-off k, the instant of the wall reading start + k × shift,
 * and lasts until a later hand-off has happened. Hand-offs are in order except when
 * a skipped reading (moved forward by the length of the gap) lands after the next
 * hand-off, which needs a gap longer than a shift: then the later turn wins and the
 * earlier one is empty (a 1-hour rotation across Antarctica/Troll's 2-hour gap).
 */
export function shiftsOfLayer(layer: CompiledLayer, fromMs: number, toMs: number): LayerShift[] {
  const low = Math.max(fromMs, layer.startMs);
  const high = Math.min(toMs, layer.endMs);
  if (low >= high) return [];
  const turns = turnsBetween(layer, low, high);
  const shifts =
    layer.windows === null
      ? turns
      : intersect(turns, windowsBetween(layer.windows, layer, low, high));
  return mergeNeighbours(shifts);
}

function turnsBetween(layer: CompiledLayer, low: number, high: number): LayerShift[] {
  const { clock, members, shiftMs, startWallMs } = layer;
  // Instants lie within a day of their readings: a hand-off read a day or more
  // before `low` has happened by then (the turn at `low` is that one or a later
  // one), and one read more than a day after `high` happens after it.
  const first = Math.max(0, Math.floor((low - DAY_MS - startWallMs) / shiftMs));
  const last = Math.floor((high + DAY_MS - startWallMs) / shiftMs) + 1;
  const count = last - first + 1;
  const handoffs = new Array<number>(count);
  for (let i = 0; i < count; i++)
    handoffs[i] = clock.instantOf(startWallMs + (first + i) * shiftMs);

  const turns: LayerShift[] = [];
  // Each turn ends at the earliest later hand-off; walk backwards to know it.
  const ends = new Array<number>(count);
  let earliestLater = Number.POSITIVE_INFINITY;
  for (let i = count - 1; i >= 0; i--) {
    ends[i] = earliestLater;
    earliestLater = Math.min(earliestLater, handoffs[i] ?? earliestLater);
  }
  for (let i = 0; i < count; i++) {
    const startMs = Math.max(handoffs[i] ?? high, low);
    const endMs = Math.min(ends[i] ?? high, high);
    if (startMs < endMs) {
      turns.push({ startMs, endMs, user: members[(first + i) % members.length] ?? '' });
    }
  }
  return turns;
}

/** The layer's restriction windows in [low, high), merged where they overlap or touch. */
function windowsBetween(
  windows: readonly CompiledWindow[],
  layer: CompiledLayer,
  low: number,
  high: number,
): [number, number][] {
  const { clock } = layer;
  // A window starts on a local day and lasts at most two days of wall time, and
  // instants lie within a day of their readings.
  const firstDay = Math.floor(low / DAY_MS) - 3;
  const lastDay = Math.floor(high / DAY_MS) + 1;
  const found: [number, number][] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const bit = 1 << weekdayOfDay(day);
    const midnight = day * DAY_MS;
    for (const window of windows) {
      if ((window.daysMask & bit) === 0) continue;
      // Either end may be a skipped reading; when both are in the gap, or the end
      // lands before the start, the window does not happen that day.
      const start = clock.instantOf(midnight + window.fromMs);
      const end = clock.instantOf(midnight + window.toMs);
      if (start < end && end > low && start < high) {
        found.push([Math.max(start, low), Math.min(end, high)]);
      }
    }
  }
  if (windows.length > 1) found.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const window of found) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && window[0] <= previous[1]) {
      previous[1] = Math.max(previous[1], window[1]);
    } else {
      merged.push(window);
    }
  }
  return merged;
}

/** The parts of the turns inside the windows; both lists sorted and disjoint. */
function intersect(
  turns: readonly LayerShift[],
  windows: readonly [number, number][],
): LayerShift[] {
  const result: LayerShift[] = [];
  let w = 0;
  for (const turn of turns) {
    while (w < windows.length && (windows[w]?.[1] ?? 0) <= turn.startMs) w++;
    for (let v = w; v < windows.length; v++) {
      const window = windows[v];
      if (window === undefined || window[0] >= turn.endMs) break;
      const startMs = Math.max(turn.startMs, window[0]);
      const endMs = Math.min(turn.endMs, window[1]);
      if (startMs < endMs) result.push({ startMs, endMs, user: turn.user });
    }
  }
  return result;
}

function mergeNeighbours(shifts: readonly LayerShift[]): LayerShift[] {
  const merged: LayerShift[] = [];
  for (const shift of shifts) {
    const previous = merged[merged.length - 1];
    if (
      previous !== undefined &&
      previous.user === shift.user &&
      previous.endMs === shift.startMs
    ) {
      merged[merged.length - 1] = {
        startMs: previous.startMs,
        endMs: shift.endMs,
        user: shift.user,
      };
    } else {
      merged.push(shift);
    }
  }
  return merged;
}
