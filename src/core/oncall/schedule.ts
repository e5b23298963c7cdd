// Who is on call: the layers of a schedule stacked (a later layer wins wherever it
// has someone), overrides on top (a later override wins), and the result as one
// timeline of pieces. Every answer is a pure function of the schedule and the
// instants asked about; queries cost what the asked range holds, not the age of
// the rotation.

import { compileSchedule, type CompiledSchedule } from './compile.js';
import { shiftsOfLayer } from './layer-shifts.js';
import { DAY_MS } from './local-time.js';
import type {
  LayerShift,
  LayerTimeline,
  OnCall,
  Schedule,
  ScheduleShift,
  ShiftSource,
} from './model.js';

export type {
  Layer,
  LayerShift,
  LayerTimeline,
  OnCall,
  Override,
  Restriction,
  Schedule,
  ScheduleShift,
  ScheduleSpec,
  ShiftSource,
  Weekday,
} from './model.js';
export { WEEKDAYS } from './model.js';

// Date's range is ±1e8 days; keep a year of room for the look-around of queries.
const MAX_INSTANT_MS = (100_000_000 - 400) * DAY_MS;

/** How far onCallAt looks for the bounds of the current piece unless told otherwise. */
export const DEFAULT_HORIZON_MS = 366 * DAY_MS;

/**
 * The final timeline in [fromMs, toMs): pieces that cover the range exactly, in
 * time order, each with the user on call and what decided it, or `user: null`
 * where no one is. Pieces at the ends are clipped to the range.
 */
export function shiftsBetween(schedule: Schedule, fromMs: number, toMs: number): ScheduleShift[] {
  checkRange(fromMs, toMs);
  return timeline(compileSchedule(schedule), fromMs, toMs);
}

/** Each layer's own shifts in [fromMs, toMs), before layers and overrides are stacked: for timelines. */
export function layerShiftsBetween(
  schedule: Schedule,
  fromMs: number,
  toMs: number,
): LayerTimeline[] {
  checkRange(fromMs, toMs);
  return compileSchedule(schedule).layers.map((layer) => ({
    layer: layer.name,
    index: layer.index,
    timeZone: layer.clock.name,
    shifts: fromMs < toMs ? shiftsOfLayer(layer, fromMs, toMs) : [],
  }));
}

export interface OnCallOptions {
  /** How far before and after the instant to look for the bounds of its piece; default DEFAULT_HORIZON_MS. */
  readonly horizonMs?: number;
}

/**
 * Who is on call at `atMs` (user and source, or no one), since and until when: the
 * piece of shiftsBetween's timeline that contains the instant. A bound more than
 * `horizonMs` away is null (a rotation of one member never hands off).
 */
export function onCallAt(schedule: Schedule, atMs: number, options: OnCallOptions = {}): OnCall {
  checkInstant(atMs, 'atMs');
  const horizonMs = options.horizonMs ?? DEFAULT_HORIZON_MS;
  if (!(horizonMs >= 0 && horizonMs <= MAX_INSTANT_MS)) {
    throw new RangeError(
      `horizonMs ${horizonMs} is not a number of milliseconds from 0 to ${MAX_INSTANT_MS}`,
    );
  }
  const compiled = compileSchedule(schedule);
  // Look a day around first, then twice as far each time a bound is not found.
  let reach = Math.min(DAY_MS, horizonMs);
  for (;;) {
    const fromMs = Math.max(atMs - reach, -MAX_INSTANT_MS);
    const toMs = Math.min(atMs + reach + 1, MAX_INSTANT_MS);
    const piece = pieceAt(timeline(compiled, fromMs, toMs), atMs);
    const sinceKnown = piece.startMs > fromMs;
    const untilKnown = piece.endMs < toMs;
    if ((sinceKnown && untilKnown) || reach >= horizonMs) {
      const bounds = {
        sinceMs: sinceKnown ? piece.startMs : null,
        untilMs: untilKnown ? piece.endMs : null,
      };
      return piece.user === null
        ? { user: null, source: null, ...bounds }
        : { user: piece.user, source: piece.source, ...bounds };
    }
    reach = Math.min(reach * 2, horizonMs);
  }
}

function pieceAt(pieces: readonly ScheduleShift[], atMs: number): ScheduleShift {
  let low = 0;
  let high = pieces.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((pieces[middle]?.endMs ?? Number.POSITIVE_INFINITY) <= atMs) low = middle + 1;
    else high = middle;
  }
  const piece = pieces[low];
  if (piece === undefined) throw new Error(`no piece of the timeline contains ${atMs}`);
  return piece;
}

/** The pieces one source (a layer or an override) contributes, with its precedence given by its place. */
interface Track {
  readonly pieces: readonly LayerShift[];
  readonly source: ShiftSource;
}

function timeline(schedule: CompiledSchedule, fromMs: number, toMs: number): ScheduleShift[] {
  if (fromMs >= toMs) return [];
  // Lowest precedence first.
  const tracks: Track[] = [];
  for (const layer of schedule.layers) {
    const pieces = shiftsOfLayer(layer, fromMs, toMs);
    if (pieces.length > 0) tracks.push({ pieces, source: layer.source });
  }
  for (const override of schedule.overrides) {
    if (override.endMs <= fromMs || override.startMs >= toMs) continue;
    const startMs = Math.max(override.startMs, fromMs);
    const endMs = Math.min(override.endMs, toMs);
    tracks.push({ pieces: [{ startMs, endMs, user: override.user }], source: override.source });
  }

  // Between two consecutive boundaries every track either covers all or nothing.
  let boundaryCount = 2;
  for (const track of tracks) boundaryCount += 2 * track.pieces.length;
  const boundaries = new Float64Array(boundaryCount);
  boundaries[0] = fromMs;
  boundaries[1] = toMs;
  let b = 2;
  for (const track of tracks) {
    for (const piece of track.pieces) {
      boundaries[b++] = piece.startMs;
      boundaries[b++] = piece.endMs;
    }
  }
  boundaries.sort();

  const cursors = new Array<number>(tracks.length).fill(0);
  const result: ScheduleShift[] = [];
  let segmentStart = fromMs;
  for (const boundary of boundaries) {
    if (boundary <= segmentStart) continue;
    let user: string | null = null;
    let source: ShiftSource | null = null;
    for (let t = tracks.length - 1; t >= 0; t--) {
      const track = tracks[t];
      if (track === undefined) continue;
      let cursor = cursors[t] ?? 0;
      let piece = track.pieces[cursor];
      while (piece !== undefined && piece.endMs <= segmentStart) piece = track.pieces[++cursor];
      cursors[t] = cursor;
      if (piece !== undefined && piece.startMs <= segmentStart) {
        user = piece.user;
        source = track.source;
        break;
      }
    }
    const previous = result[result.length - 1];
    if (previous !== undefined && previous.user === user && previous.source === source) {
      result[result.length - 1] = { ...previous, endMs: boundary };
    } else if (user === null || source === null) {
      result.push({ startMs: segmentStart, endMs: boundary, user: null, source: null });
    } else {
      result.push({ startMs: segmentStart, endMs: boundary, user, source });
    }
    segmentStart = boundary;
  }
  return result;
}

function checkInstant(instantMs: number, name: string): void {
  if (!(Math.abs(instantMs) <= MAX_INSTANT_MS)) {
    throw new RangeError(
      `${name} ${instantMs} is not an epoch time in milliseconds within ±${MAX_INSTANT_MS}`,
    );
  }
}

function checkRange(fromMs: number, toMs: number): void {
  checkInstant(fromMs, 'fromMs');
  checkInstant(toMs, 'toMs');
  if (toMs < fromMs) throw new RangeError(`toMs ${toMs} is before fromMs ${fromMs}`);
}
