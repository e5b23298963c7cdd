// Local wall-clock readings as plain numbers. A "wall" value is the reading of a
// clock in some zone written as if it were UTC milliseconds: 2026-11-02T09:00 is
// Date.UTC(2026, 10, 2, 9). Arithmetic on wall values has no DST, which is what
// "the same local time every day" means; a zone turns them into instants
// (zone-clock.ts). The calendar conversions are integer arithmetic (Hinnant's
// days-from-civil), so the hot paths allocate no Date.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Monday first, as ISO 8601 numbers the days. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Days since 1970-01-01 of a proleptic Gregorian date; month 1-12. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The weekday of a day number (days since 1970-01-01, a Thursday); 0 is Monday. */
export function weekdayOfDay(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

function daysInMonth(year: number, month: number): number {
  return (
    daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
    daysFromCivil(year, month, 1)
  );
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const LOCAL_EXAMPLE = 'e.g. 2026-11-02T09:00';

/**
 * A local date-time such as 2026-11-02T09:00 (seconds, if written, must be :00),
 * as a wall value. It has no offset on purpose: the zone it is read in decides
 * the instant, so that a rotation keeps its local hand-off time all year.
 */
export function parseLocalDateTime(text: string): Parsed<number> {
  const match = LOCAL_DATE_TIME.exec(text);
  if (match === null) {
    const why = /(Z|[+-]\d{2}:?\d{2})$/.test(text)
      ? `${JSON.stringify(text)} has an offset; a local date-time is read in the time zone, so write it without one`
      : `${JSON.stringify(text)} is not a local date-time`;
    return { ok: false, reason: `${why}, ${LOCAL_EXAMPLE}` };
  }
  const [, y, mo, d, h, mi, s] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  if (!validDate(year, month, day)) {
    return {
      ok: false,
      reason: `${JSON.stringify(text)} is not a date in the calendar, ${LOCAL_EXAMPLE}`,
    };
  }
  if (hour > 23 || minute > 59) {
    return {
      ok: false,
      reason: `${JSON.stringify(text)} is not a time of day (00:00 to 23:59), ${LOCAL_EXAMPLE}`,
    };
  }
  if (s !== undefined && s !== '00') {
    return {
      ok: false,
      reason: `${JSON.stringify(text)} has seconds; hand-offs are whole minutes, ${LOCAL_EXAMPLE}`,
    };
  }
  return {
    ok: true,
    value: daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS,
  };
}

const TIME_OF_DAY = /^(\d{2}):(\d{2})$/;

/** A time of day HH:MM from 00:00 to 24:00 (the end of the day), as minutes since midnight. */
export function parseTimeOfDay(text: string): Parsed<number> {
  const match = TIME_OF_DAY.exec(text);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (match === null || hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) {
    return {
      ok: false,
      reason: `${JSON.stringify(text)} is not a time of day; write HH:MM from 00:00 to 24:00, e.g. "09:00" (quoted in YAML)`,
    };
  }
  return { ok: true, value: hour * 60 + minute };
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const INSTANT_EXAMPLE = 'e.g. 2026-11-05T10:00:00+01:00 or 2026-11-05T09:00:00Z';

/**
 * An ISO 8601 instant with its offset, such as 2026-11-05T10:00:00+01:00, as epoch
 * milliseconds. Unlike Date.parse it refuses dates that are not in the calendar
 * (Date.parse reads February 30th as March 2nd) and readings without an offset.
 */
export function parseInstant(text: string): Parsed<number> {
  const match = INSTANT.exec(text);
  if (match === null) {
    const why = LOCAL_DATE_TIME.test(text)
      ? `${JSON.stringify(text)} has no offset; an instant needs one (Z or ±HH:MM)`
      : `${JSON.stringify(text)} is not an instant`;
    return { ok: false, reason: `${why}, ${INSTANT_EXAMPLE}` };
  }
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  const offsetHours = Number(oh ?? 0);
  const offsetMinutes = Number(om ?? 0);
  if (
    !validDate(year, month, day) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    return {
      ok: false,
      reason: `${JSON.stringify(text)} is not a valid instant, ${INSTANT_EXAMPLE}`,
    };
  }
  const millis = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const offset =
    zulu === undefined ? (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) : 0;
  const wall =
    daysFromCivil(year, month, day) * DAY_MS +
    hour * HOUR_MS +
    minute * MINUTE_MS +
    second * 1000 +
    millis;
  return { ok: true, value: wall - offset * MINUTE_MS };
}
