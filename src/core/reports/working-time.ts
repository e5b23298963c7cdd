// People's working and sleeping hours, read on their own wall clock. Toil is held
// against the time people actually work, and a page at 03:00 is only a night
// interrupted for someone whose clock says 03:00, so every answer here is computed in
// the person's IANA zone. A local reading names the first instant the clock shows it
// (time/calendar.ts's rule, so a working day and a calendar budget agree on when a
// day begins): the day the clocks spring forward is an hour shorter, the day they
// fall back an hour longer, and nothing depends on luxon's offset guesses.
import { DateTime } from 'luxon';
import {
  DAY_MS,
  MINUTE_MS,
  WEEKDAYS,
  parseTimeOfDay,
  weekdayOfDay,
  type Weekday,
} from '../oncall/local-time.js';
import { firstInstantReading, ianaZone, wallClock } from '../time/calendar.js';

/**
 * A daily span of local time, "HH:MM" each. `end` may be "24:00" (the end of the day);
 * an `end` before `start` crosses midnight into the next day (a night); an `end`
 * equal to `start` is an empty span, never a whole day: write 00:00–24:00 for that.
 */
export interface DailyHours {
  readonly start: string;
  readonly end: string;
}

/** The days a person works and the local hours of each; a span belongs to the day it starts. */
export interface WorkingHours extends DailyHours {
  readonly days: readonly Weekday[];
}

export const DEFAULT_WORKING_HOURS: WorkingHours = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
};

export const DEFAULT_SLEEP_HOURS: DailyHours = { start: '22:00', end: '07:00' };

/** One person's clock: where they live, when they work, when they sleep. */
export interface PersonCalendar {
  readonly name: string;
  /** IANA zone, e.g. Europe/Amsterdam. */
  readonly timeZone: string;
  readonly workingHours: WorkingHours;
  /** Every day of the week; default 22:00–07:00 local. */
  readonly sleepHours?: DailyHours | undefined;
}

/** One occurrence of a daily span: the local date it starts on and its instants [startMs, endMs). */
export interface LocalWindow {
  /** yyyy-MM-dd on the person's wall clock: a night belongs to the date it started. */
  readonly date: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Minutes since local midnight of "HH:MM"; throws RangeError on anything else. */
export function clockMinutes(text: string): number {
  const parsed = parseTimeOfDay(text);
  if (!parsed.ok) throw new RangeError(parsed.reason);
  return parsed.value;
}

/**
 * The occurrences of `hours` in `timeZone` that overlap [fromMs, toMs), unclipped,
 * in time order; only on `days` when given (the weekday of the date a span starts).
 */
export function localWindows(
  timeZone: string,
  hours: DailyHours,
  days: readonly Weekday[] | undefined,
  fromMs: number,
  toMs: number,
): LocalWindow[] {
  if (toMs <= fromMs) return [];
  const zone = ianaZone(timeZone);
  const start = clockMinutes(hours.start);
  const end = clockMinutes(hours.end);
  if (start === end) return [];
  const allowed = days === undefined ? undefined : new Set(days);
  const spanDays = end > start ? 0 : 1;
  const windows: LocalWindow[] = [];
  // A span starting the day before `fromMs`'s local date may still reach into it.
  const firstDay = Math.floor(wallClock(zone, fromMs) / DAY_MS) - 1;
  const lastDay = Math.floor(wallClock(zone, toMs) / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = WEEKDAYS[weekdayOfDay(day)];
    if (allowed !== undefined && (weekday === undefined || !allowed.has(weekday))) continue;
    const startMs = firstInstantReading(zone, day * DAY_MS + start * MINUTE_MS);
    const endMs = firstInstantReading(zone, (day + spanDays) * DAY_MS + end * MINUTE_MS);
    if (endMs <= startMs || endMs <= fromMs || startMs >= toMs) continue;
    windows.push({ date: dateOfDay(day), startMs, endMs });
  }
  return windows;
}

/** Working minutes of one person in [fromMs, toMs), on their own clock. */
export function workingMinutes(person: PersonCalendar, fromMs: number, toMs: number): number {
  const hours = person.workingHours;
  let ms = 0;
  for (const window of localWindows(person.timeZone, hours, hours.days, fromMs, toMs)) {
    ms += Math.min(window.endMs, toMs) - Math.max(window.startMs, fromMs);
  }
  return ms / MINUTE_MS;
}

/** Whether `atMs` falls in the person's working hours (the same windows `workingMinutes` counts). */
export function isWorkingTime(person: PersonCalendar, atMs: number): boolean {
  const hours = person.workingHours;
  return localWindows(person.timeZone, hours, hours.days, atMs, atMs + 1).length > 0;
}

/**
 * The first instant at or after `atMs` in the person's working hours (`atMs` itself
 * while they work); undefined for someone with no working hours in the coming week.
 */
export function nextWorkingTime(person: PersonCalendar, atMs: number): number | undefined {
  const hours = person.workingHours;
  const [first] = localWindows(person.timeZone, hours, hours.days, atMs, atMs + 8 * DAY_MS);
  return first === undefined ? undefined : Math.max(first.startMs, atMs);
}

/** The local date of the night `atMs` falls in (the date the sleep span started), or undefined when awake. */
export function sleepNightOf(person: PersonCalendar, atMs: number): string | undefined {
  const hours = person.sleepHours ?? DEFAULT_SLEEP_HOURS;
  return localWindows(person.timeZone, hours, undefined, atMs, atMs + 1)[0]?.date;
}

function dateOfDay(day: number): string {
  return DateTime.fromMillis(day * DAY_MS, { zone: 'utc' }).toFormat('yyyy-MM-dd');
}
