// Local wall-clock readings and the instants they name, in IANA zones. Freezes are
// written in local time ("Fri 16:00 Europe/Amsterdam", "25 December in NL") and
// must land on the right instant across DST changes.
//
// The rule is the one time/calendar.ts uses for period starts, so that a freeze and
// a calendar budget agree on when a local day begins: a wall-clock reading names the
// first instant the clock shows it; a reading the clock skips (spring forward) names
// the first instant after the skip. luxon's setters would instead guess an offset
// from where they start, which makes the answer depend on the caller.
import { DateTime } from 'luxon';

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
export const WEEK_MS = 7 * DAY_MS;

// Zones, wall clocks and the DST-safe "first instant a clock reads" are calendar.ts's.
export { firstInstantReading, ianaZone, wallClock } from '../time/calendar.js';

/** Days since 1970-01-01 of a wall-clock value; 0 was a Thursday. */
export function wallDay(wallMs: number): number {
  return Math.floor(wallMs / DAY_MS);
}

/** ISO weekday of a wall-clock value: 1 Monday … 7 Sunday. */
export function isoWeekday(wallMs: number): number {
  return ((((wallDay(wallMs) + 3) % 7) + 7) % 7) + 1;
}

const localTexts = new Map<string, string>();

/** `2026-12-27 00:00 Europe/Amsterdam`: how a person reads an instant in a zone. */
export function formatLocal(instantMs: number, timeZone: string): string {
  // Freezes end at a few instants that many policies share, and luxon's formatting
  // costs tens of microseconds: remember the texts.
  const key = `${instantMs}|${timeZone}`;
  let text = localTexts.get(key);
  if (text === undefined) {
    text = `${DateTime.fromMillis(instantMs, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm')} ${timeZone}`;
    if (localTexts.size >= 10_000) localTexts.clear();
    localTexts.set(key, text);
  }
  return text;
}

/**
 * `2026-12-24T23:00:00.000Z`, as Date#toISOString writes it. Written out because
 * the gate formats several instants per decision and a Date costs more than the
 * arithmetic (days to a civil date, as in Howard Hinnant's date algorithms).
 */
export function isoInstant(instantMs: number): string {
  const days = Math.floor(instantMs / DAY_MS);
  const msOfDay = instantMs - days * DAY_MS;
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!Number.isInteger(instantMs) || year < 0 || year > 9999) {
    return new Date(instantMs).toISOString();
  }
  const hours = Math.floor(msOfDay / 3_600_000);
  const minutes = Math.floor(msOfDay / MINUTE_MS) % 60;
  const seconds = Math.floor(msOfDay / 1000) % 60;
  const millis = msOfDay % 1000;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(millis, 3)}Z`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
