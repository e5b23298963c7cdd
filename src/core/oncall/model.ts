// The on-call schedule as the core reads it. The schema (schema/schedule.ts)
// produces exactly this shape from YAML and API bodies, so no mapping sits in
// between; the core still checks what it relies on and throws a RangeError for a
// value the schema would have refused.

import type { Weekday } from './local-time.js';

export type { Weekday } from './local-time.js';
export { WEEKDAYS } from './local-time.js';

/**
 * A time-of-day window on chosen weekdays, in the layer's zone: the layer has
 * someone on call only inside its windows. A window whose `to` is not after its
 * `from` runs past midnight and ends on the next day (Friday 18:00 to 09:00 ends
 * on Saturday); `to: "24:00"` is the end of the day.
 */
export interface Restriction {
  /** The days on which the window starts. */
  readonly days: readonly Weekday[];
  /** HH:MM, 00:00 to 23:59. */
  readonly from: string;
  /** HH:MM, 00:00 to 24:00. */
  readonly to: string;
}

/**
 * A rotation: members take turns of `shiftLength` minutes, the first at `start`.
 * Hand-offs happen at `start + n × shiftLength` on the local wall clock of the
 * layer's zone, so a 1-week shift hands off on Monday 09:00 all year (lasting 167
 * or 169 hours across a DST change) and 12-hour shifts keep 09:00 and 21:00.
 */
export interface Layer {
  /** Unique in the schedule; shown on timelines. */
  readonly name: string;
  /** User names in turn order; a name may appear more than once to take more turns. */
  readonly members: readonly string[];
  /** Local date-time of the first hand-off, e.g. 2026-11-02T09:00 (no offset). */
  readonly start: string;
  /** Local date-time from which the layer has no one; absent: no end. */
  readonly end?: string | undefined;
  /** Whole minutes, at least 1 (the schema asks at least 60). */
  readonly shiftLength: number;
  /** IANA zone of `start`, `end` and `restrictions`; absent: the schedule's. */
  readonly timeZone?: string | undefined;
  /** Absent: always on. */
  readonly restrictions?: readonly Restriction[] | undefined;
}

/** Someone on call instead of whoever the layers say, from `start` to `end` (ISO instants with offset). */
export interface Override {
  readonly user: string;
  readonly start: string;
  readonly end: string;
  readonly reason?: string | undefined;
}

export interface ScheduleSpec {
  /** The owning team; absent: installation-wide. */
  readonly team?: string | undefined;
  readonly description?: string | undefined;
  readonly timeZone: string;
  /** Later layers take precedence over earlier ones wherever they have someone. */
  readonly layers: readonly Layer[];
  /** Take precedence over every layer; a later override over an earlier one. */
  readonly overrides?: readonly Override[] | undefined;
}

/** A schedule: the document's `metadata.name` with its `spec`. */
export interface Schedule extends ScheduleSpec {
  readonly name: string;
}

/** What decides who is on call. */
export type ShiftSource =
  | { readonly kind: 'layer'; readonly index: number; readonly layer: string }
  | {
      readonly kind: 'override';
      readonly index: number;
      readonly reason: string | undefined;
    };

interface Interval {
  /** Epoch milliseconds, inclusive. */
  readonly startMs: number;
  /** Epoch milliseconds, exclusive. */
  readonly endMs: number;
}

/**
 * A piece of the final timeline: someone on call and why, or no one. Pieces
 * returned together touch, never overlap, and neighbours always differ in user or
 * source (equal neighbours are merged).
 */
export type ScheduleShift = Interval &
  (
    | { readonly user: string; readonly source: ShiftSource }
    | { readonly user: null; readonly source: null }
  );

/** A turn of one layer, inside its restrictions; neighbours of the same user merged. */
export interface LayerShift extends Interval {
  readonly user: string;
}

export interface LayerTimeline {
  readonly layer: string;
  readonly index: number;
  readonly timeZone: string;
  /** In time order, not overlapping; gaps where the layer has no one. */
  readonly shifts: readonly LayerShift[];
}

/**
 * Who is on call at an instant, and the bounds of that piece of the timeline.
 * A bound further away than the look-ahead (`horizonMs`) is null.
 */
export type OnCall = {
  readonly sinceMs: number | null;
  readonly untilMs: number | null;
} & (
  | { readonly user: string; readonly source: ShiftSource }
  | { readonly user: null; readonly source: null }
);
