// Weekly recurring freezes on a local wall clock: "Fri 16:00 to Mon 08:00
// Europe/Amsterdam". Each occurrence runs from the instant the clock first reads
// its start to the instant it first reads its end (zone-time.ts), so a weekend
// that contains the autumn DST change lasts an hour longer in real time, and the
// spring one an hour shorter.
import type { IANAZone } from 'luxon';
import type { WeeklyTime, WindowFreezeSpec } from './model.js';
import { SegmentedCalendar } from './segmented-calendar.js';
import {
  DAY_MS,
  firstInstantReading,
  ianaZone,
  isoWeekday,
  MINUTE_MS,
  wallClock,
  wallDay,
  WEEK_MS,
} from './zone-time.js';

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const FULL_DAY_NAMES = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
const WEEKLY_TIME = /^([A-Za-z]+)\s+(\d{1,2}):(\d{2})$/;

export type WeeklyTimeParse =
  | { readonly ok: true; readonly time: WeeklyTime }
  | { readonly ok: false; readonly reason: string };

/** Reads `Fri 16:00` (day names in English, short or full, any case; 24-hour time). */
export function parseWeeklyTime(text: string): WeeklyTimeParse {
  const expected = 'expected a day and a 24-hour time such as "Fri 16:00" or "Monday 08:00"';
  const match = WEEKLY_TIME.exec(text.trim());
  if (match === null) return { ok: false, reason: `cannot read "${text}"; ${expected}` };
  const [, dayText = '', hourText = '', minuteText = ''] = match;
  const lower = dayText.toLowerCase();
  const index = FULL_DAY_NAMES.findIndex((name) => name === lower || name.slice(0, 3) === lower);
  if (index === -1) {
    return {
      ok: false,
      reason: `unknown day "${dayText}" in "${text}"; use Mon, Tue, Wed, Thu, Fri, Sat or Sun`,
    };
  }
  const hour = Number(hourText);
  const minute = Number(minuteText);
  if (hour > 23 || minute > 59) {
    return {
      ok: false,
      reason: `"${text}" is not a time of day; use 00:00 to 23:59 (midnight is 00:00 of the next day)`,
    };
  }
  return { ok: true, time: { day: index + 1, minute: hour * 60 + minute } };
}

/** `Fri 16:00`: the canonical text of a weekly time. */
export function formatWeeklyTime(time: WeeklyTime): string {
  const hours = String(Math.floor(time.minute / 60)).padStart(2, '0');
  const minutes = String(time.minute % 60).padStart(2, '0');
  return `${DAY_NAMES[time.day - 1] ?? '?'} ${hours}:${minutes}`;
}

/** Minutes from Monday 00:00 to the weekly time. */
export function minuteOfWeek(time: WeeklyTime): number {
  return (time.day - 1) * 24 * 60 + time.minute;
}

/** Wall-clock minutes from `from` to `to`, wrapping over the end of the week; 0 when equal. */
export function windowLengthMinutes(from: WeeklyTime, to: WeeklyTime): number {
  const week = 7 * 24 * 60;
  return (((minuteOfWeek(to) - minuteOfWeek(from)) % week) + week) % week;
}

/**
 * The state of a window over a stretch of time: inside an occurrence
 * [startMs, endMs), or in the gap between two, from the end of one (startMs) to the
 * start of the next (endMs).
 */
export interface WindowSegment {
  readonly inside: boolean;
  readonly startMs: number;
  readonly endMs: number;
}

/** A weekly window ready for lookups; it remembers the last segment it found. */
export class WeeklyWindow extends SegmentedCalendar<WindowSegment> {
  private readonly zone: IANAZone;
  private readonly startInWeekMs: number;
  private readonly lengthMs: number;

  constructor(readonly spec: Pick<WindowFreezeSpec, 'from' | 'to' | 'timeZone'>) {
    super();
    this.zone = ianaZone(spec.timeZone);
    const lengthMinutes = windowLengthMinutes(spec.from, spec.to);
    if (lengthMinutes === 0) {
      throw new RangeError(
        `a weekly window from ${formatWeeklyTime(spec.from)} to ${formatWeeklyTime(spec.to)} is empty; from and to must differ`,
      );
    }
    this.startInWeekMs = minuteOfWeek(spec.from) * MINUTE_MS;
    this.lengthMs = lengthMinutes * MINUTE_MS;
  }

  protected computeSegment(atMs: number): WindowSegment {
    if (!Number.isFinite(atMs)) throw new RangeError(`not an instant: ${atMs}`);
    const wall = wallClock(this.zone, atMs);
    const mondayWall = (wallDay(wall) - (isoWeekday(wall) - 1)) * DAY_MS;
    let latestStart = mondayWall + this.startInWeekMs;
    if (latestStart > wall) latestStart -= WEEK_MS;
    // The occurrence that starts at the latest start reading is the usual answer;
    // its neighbours settle instants where the clock turned back over a boundary.
    let gapStart = Number.NEGATIVE_INFINITY;
    let gapEnd = Number.POSITIVE_INFINITY;
    for (let week = -1; week <= 2; week++) {
      const startWall = latestStart + week * WEEK_MS;
      const startMs = firstInstantReading(this.zone, startWall);
      const endMs = firstInstantReading(this.zone, startWall + this.lengthMs);
      if (startMs <= atMs && atMs < endMs) return { inside: true, startMs, endMs };
      if (endMs <= atMs) gapStart = Math.max(gapStart, endMs);
      if (startMs > atMs) gapEnd = Math.min(gapEnd, startMs);
    }
    return { inside: false, startMs: gapStart, endMs: gapEnd };
  }
}

const windows = new Map<string, WeeklyWindow>();
const MAX_SHARED_WINDOWS = 10_000;

/**
 * The shared window of a spec: policies often repeat the same weekend freeze, and
 * each occurrence boundary then costs its zone arithmetic once, not once per policy.
 */
export function weeklyWindow(
  spec: Pick<WindowFreezeSpec, 'from' | 'to' | 'timeZone'>,
): WeeklyWindow {
  const key = `${minuteOfWeek(spec.from)}|${minuteOfWeek(spec.to)}|${spec.timeZone}`;
  let window = windows.get(key);
  if (window === undefined) {
    window = new WeeklyWindow(spec);
    if (windows.size >= MAX_SHARED_WINDOWS) windows.clear();
    windows.set(key, window);
  }
  return window;
}
