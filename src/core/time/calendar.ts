// Calendar-aligned SLO windows: weeks, months and quarters on the local wall clock
// of an IANA time zone. A period runs from local midnight of its first day to local
// midnight of the next period's first day, so in UTC it is not a whole number of
// days when it contains a DST change or any other change of offset.
//
// Local midnight is resolved here rather than with luxon's DateTime setters: luxon
// settles a repeated wall-clock time with a guessed offset (the offset of the
// instant it starts from, or of Settings.now()), which makes the answer depend on
// where you come from. Resolving it ourselves keeps every period a pure function of
// (unit, zone, instant), and keeps neighbouring periods touching exactly.

import { IANAZone } from 'luxon';
import type { CalendarUnit } from '../slo/model.js';

/** A half-open interval of UTC instants in epoch milliseconds: [startMs, endMs). */
export interface CalendarPeriod {
  readonly startMs: number;
  readonly endMs: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
// Date's range is ±1e8 days; keep a year of room for the neighbouring periods.
const MAX_INSTANT_MS = (100_000_000 - 400) * DAY_MS;

const NOMINAL_DAYS: Readonly<Record<CalendarUnit, number>> = { week: 7, month: 30, quarter: 90 };

/** Nominal length in minutes used to scale alert windows: week 7d, month 30d, quarter 90d. */
export function nominalCalendarMinutes(unit: CalendarUnit): number {
  return NOMINAL_DAYS[unit] * 24 * 60;
}

/**
 * Whether `zone` names a time zone of the IANA database known to this runtime
 * (Europe/Amsterdam, America/New_York, UTC). Fixed offsets such as "+01:00" are
 * refused: they are not IANA names, and only newer runtimes accept them, so a
 * config that uses one would work on one Node and fail on another.
 */
export function isValidTimeZone(zone: string): boolean {
  return !/^[+-]/.test(zone) && IANAZone.isValidZone(zone);
}

/** The calendar period (ISO week starting Monday 00:00, month, quarter Jan/Apr/Jul/Oct) that contains `atMs`, in the local wall-clock of `timeZone`. */
// Zone arithmetic costs tens of microseconds; most calls (one per SLO per evaluation)
// ask for the period they asked for last time. The answer depends only on the
// arguments, so remembering the last period per unit and zone changes no result.
const lastPeriods = new Map<string, CalendarPeriod>();

export function calendarPeriodContaining(
  unit: CalendarUnit,
  timeZone: string,
  atMs: number,
): CalendarPeriod {
  const key = `${unit} ${timeZone}`;
  const last = lastPeriods.get(key);
  if (last !== undefined && last.startMs <= atMs && atMs < last.endMs) return last;
  const period = computePeriodContaining(unit, timeZone, atMs);
  if (lastPeriods.size > 1000) lastPeriods.clear();
  lastPeriods.set(key, period);
  return period;
}

function computePeriodContaining(
  unit: CalendarUnit,
  timeZone: string,
  atMs: number,
): CalendarPeriod {
  const zone = ianaZone(timeZone);
  if (!(Math.abs(atMs) <= MAX_INSTANT_MS)) {
    throw new RangeError(
      `cannot place instant ${atMs} in a ${unit}: not an epoch time in milliseconds within ±${MAX_INSTANT_MS}`,
    );
  }
  let firstDay = firstDayOfPeriod(unit, wallClock(zone, atMs));
  let period = periodFrom(zone, unit, firstDay);
  // Where the clock turns back across midnight (St. John's, November 2009), an
  // instant can read a date of the period that has already ended; the instant decides.
  while (atMs >= period.endMs) {
    firstDay = shiftPeriods(unit, firstDay, 1);
    period = periodFrom(zone, unit, firstDay);
  }
  while (atMs < period.startMs) {
    firstDay = shiftPeriods(unit, firstDay, -1);
    period = periodFrom(zone, unit, firstDay);
  }
  return period;
}

/** The period before the given one (for reports and series). */
export function previousCalendarPeriod(
  unit: CalendarUnit,
  timeZone: string,
  period: CalendarPeriod,
): CalendarPeriod {
  const current = calendarPeriodContaining(unit, timeZone, period.startMs);
  if (current.startMs !== period.startMs || current.endMs !== period.endMs) {
    throw new RangeError(
      `[${period.startMs}, ${period.endMs}) is not a ${unit} in ${timeZone}; the ${unit} at its start is [${current.startMs}, ${current.endMs})`,
    );
  }
  return calendarPeriodContaining(unit, timeZone, period.startMs - 1);
}

export function ianaZone(timeZone: string): IANAZone {
  // luxon caches zones with their validity; isValidZone builds a formatter per call.
  const zone = IANAZone.create(timeZone);
  if (/^[+-]/.test(timeZone) || !zone.isValid) {
    throw new RangeError(
      `unknown time zone "${timeZone}"; expected an IANA name such as Europe/Amsterdam or UTC`,
    );
  }
  return zone;
}

/** Offset of `zone` at `instantMs`, in milliseconds. */
function offsetMs(zone: IANAZone, instantMs: number): number {
  return zone.offset(instantMs) * MINUTE_MS;
}

/**
 * The local wall-clock reading at `instantMs`, as if it were a UTC time: the
 * getUTC* accessors of a Date at this value give the local calendar fields.
 */
export function wallClock(zone: IANAZone, instantMs: number): number {
  return instantMs + offsetMs(zone, instantMs);
}

/** Wall-clock value of local midnight on a calendar day; months and days may overflow. */
function localDay(year: number, monthIndex: number, day: number): number {
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

function firstDayOfPeriod(unit: CalendarUnit, wallMs: number): number {
  const date = new Date(wallMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (unit) {
    case 'week': {
      const daysSinceMonday = (date.getUTCDay() + 6) % 7;
      return localDay(year, month, date.getUTCDate() - daysSinceMonday);
    }
    case 'month':
      return localDay(year, month, 1);
    case 'quarter':
      return localDay(year, month - (month % 3), 1);
  }
}

function shiftPeriods(unit: CalendarUnit, firstDayWallMs: number, count: number): number {
  const date = new Date(firstDayWallMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (unit) {
    case 'week':
      // Wall-clock values have no DST, so a week is exactly seven days of them.
      return firstDayWallMs + count * 7 * DAY_MS;
    case 'month':
      return localDay(year, month + count, 1);
    case 'quarter':
      return localDay(year, month + 3 * count, 1);
  }
}

function periodFrom(zone: IANAZone, unit: CalendarUnit, firstDayWallMs: number): CalendarPeriod {
  return {
    startMs: firstInstantReading(zone, firstDayWallMs),
    endMs: firstInstantReading(zone, shiftPeriods(unit, firstDayWallMs, 1)),
  };
}

/**
 * The first instant at which the wall clock of `zone` reads `wallMs`, or, when
 * the clock skips over that reading (a DST start at midnight), the first instant
 * after the skip. When the reading occurs twice (the clock turned back), the
 * first occurrence wins: that is when the new day began.
 */
export function firstInstantReading(zone: IANAZone, wallMs: number): number {
  // Real offsets stay within 14 hours, so the offsets a day either side bracket
  // every instant that reads wallMs. When they agree, the clock did not change.
  const before = offsetMs(zone, wallMs - DAY_MS);
  const after = offsetMs(zone, wallMs + DAY_MS);
  if (before === after && offsetMs(zone, wallMs - before) === before) return wallMs - before;

  // Otherwise close the candidates under "the offset at the instant this offset
  // would give", so that the bracket for a skipped reading below is sound.
  const offsets = new Set([before, after]);
  for (const offset of offsets) offsets.add(offsetMs(zone, wallMs - offset));

  let earliest = Number.POSITIVE_INFINITY;
  for (const offset of offsets) {
    const instant = wallMs - offset;
    if (offsetMs(zone, instant) === offset) earliest = Math.min(earliest, instant);
  }
  if (earliest !== Number.POSITIVE_INFINITY) return earliest;

  // The reading was skipped. As the set is closed, neither bound reads wallMs: at
  // `low` the clock reads less, at `high` more, and the jump lies between them.
  let low = wallMs - Math.max(...offsets);
  let high = wallMs - Math.min(...offsets);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallClock(zone, middle) >= wallMs) high = middle;
    else low = middle;
  }
  return high;
}
