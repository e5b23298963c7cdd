// Readable instants for on-call tests: expectations are written as local times with
// the offset in force, so each line can be checked against a calendar by eye.
import { DateTime } from 'luxon';
import type { LayerShift, Schedule, ScheduleShift, ShiftSource } from './model.js';

/** Epoch milliseconds of an ISO instant with offset; throws on a typo. */
export function instant(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || !/(Z|[+-]\d{2}:\d{2})$/.test(iso))
    throw new Error(`bad test instant ${iso}`);
  return ms;
}

/** An instant as the local reading with offset, to the minute: 2026-03-29T09:00+02:00. */
export function local(ms: number, zone: string): string {
  const text = DateTime.fromMillis(ms, { zone }).toISO({
    suppressMilliseconds: true,
    suppressSeconds: true,
    includeOffset: true,
  });
  if (text === null) throw new Error(`cannot show ${ms} in ${zone}`);
  return text.replace(/Z$/, '+00:00');
}

export function sourceLabel(source: ShiftSource | null): string {
  if (source === null) return '-';
  return source.kind === 'layer' ? source.layer : `override ${source.index}`;
}

/** One line per piece: `start end user source`, local to `zone`. */
export function describeShifts(shifts: readonly ScheduleShift[], zone: string): string[] {
  return shifts.map(
    (shift) =>
      `${local(shift.startMs, zone)} ${local(shift.endMs, zone)} ${shift.user ?? '-'} ${sourceLabel(shift.source)}`,
  );
}

/** One line per layer shift: `start end user`, local to `zone`. */
export function describeLayerShifts(shifts: readonly LayerShift[], zone: string): string[] {
  return shifts.map(
    (shift) => `${local(shift.startMs, zone)} ${local(shift.endMs, zone)} ${shift.user}`,
  );
}

/**
 * The instant of a local reading by RFC 5545, found the slow way from luxon's
 * offsets at instants (never its fromObject, which guesses): every instant whose
 * reading is `wallMs`, earliest first; none, when the clock skipped it, means the
 * offset from before the jump.
 */
export function referenceInstant(zone: string, wallMs: number): number {
  const offsetAt = (instantMs: number) => DateTime.fromMillis(instantMs, { zone }).offset * 60_000;
  const offsets = new Set<number>();
  for (const hoursAway of [-26, -13, 0, 13, 26])
    offsets.add(offsetAt(wallMs + hoursAway * 3_600_000));
  const readings = [...offsets]
    .map((offset) => wallMs - offset)
    .filter((instantMs) => instantMs + offsetAt(instantMs) === wallMs)
    .sort((a, b) => a - b);
  const [first] = readings;
  if (first !== undefined) return first;
  return wallMs - offsetAt(wallMs - Math.max(...offsets));
}

/** The instants of `year` at which `zone` changes its offset (zones that change at most once a week). */
export function offsetChanges(zone: string, year: number): number[] {
  const key = `${zone} ${year}`;
  const known = changeCache.get(key);
  if (known !== undefined) return known;
  const offsetAt = (instantMs: number) => DateTime.fromMillis(instantMs, { zone }).offset;
  const changes: number[] = [];
  const week = 7 * 86_400_000;
  for (let start = Date.UTC(year, 0, 1); start < Date.UTC(year + 1, 0, 1); start += week) {
    let low = start;
    let high = start + week;
    if (offsetAt(low) === offsetAt(high)) continue;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offsetAt(middle) === offsetAt(low)) low = middle;
      else high = middle;
    }
    changes.push(high);
  }
  changeCache.set(key, changes);
  return changes;
}
const changeCache = new Map<string, number[]>();

/** Zones with unusual changes: 30-minute DST, a 2-hour jump, changes at midnight, a skipped day. */
export const ZONES = [
  'UTC',
  'Europe/Amsterdam',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Antarctica/Troll',
  'America/St_Johns',
  'Pacific/Chatham',
  'America/Santiago',
  'America/Havana',
  'Asia/Kolkata',
  'Pacific/Apia',
] as const;

export function hours(shift: { readonly startMs: number; readonly endMs: number }): number {
  return (shift.endMs - shift.startMs) / 3_600_000;
}

/** A one-layer schedule, always on, in `timeZone`. */
export function rotation(
  timeZone: string,
  start: string,
  shiftLength: number,
  members: readonly string[],
): Schedule {
  return {
    name: 'test',
    timeZone,
    layers: [{ name: 'primary', members, start, shiftLength }],
  };
}

export const HOUR = 60;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
