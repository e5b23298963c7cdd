// Instants are shown in UTC unless a time zone says otherwise (an on-call schedule's):
// the API speaks UTC, alerts and charts then line up with logs and with each other.

/** "2026-11-01 19:27 UTC" from the API's ISO string. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2026-11-01 19:27:05 UTC": entries of a timeline can fall within one minute. */
export function formatInstantSeconds(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const zoned = new Map<string, Intl.DateTimeFormat>();

/** "Mon 2 Nov, 09:00" in the given IANA zone. */
export function formatInZone(iso: string, timeZone: string): string {
  let format = zoned.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    zoned.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

const zonedFull = new Map<string, Intl.DateTimeFormat>();

/** "2026-12-05 09:00 Europe/Amsterdam": the whole instant on a zone's clock, named. */
export function formatInstantInZone(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = zonedFull.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    zonedFull.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.year ?? ''}-${part.month ?? ''}-${part.day ?? ''} ${part.hour ?? ''}:${part.minute ?? ''} ${timeZone}`;
}

/**
 * An instant written for a zone: on that zone's clock with UTC after it, so that whoever
 * wrote it and whoever reads it in UTC both recognise it; plain UTC without a zone.
 */
export function formatInstantForZone(iso: string, timeZone: string | null): string {
  if (timeZone === null || timeZone === 'UTC') return formatInstant(iso);
  return `${formatInstantInZone(iso, timeZone)} (${formatInstant(iso)})`;
}

/** "3d 4h", "45m": how long from one instant to another. */
export function formatSpan(fromIso: string, toIso: string): string {
  let minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const parts = [days > 0 ? `${days}d` : '', hours > 0 ? `${hours}h` : '', `${minutes}m`];
  const shown = parts.filter((part) => part !== '');
  // Minutes do not matter next to days.
  return (days > 0 ? shown.slice(0, 2) : shown).join(' ');
}

/**
 * When an SLO's budget runs out at the current burn rate, as the status gives it: a budget
 * already gone reads so, not as running out "in 0m" (the CLI's table says "spent").
 */
export function formatExhaustion(status: {
  readonly at: string;
  readonly exhaustionAt: string | null;
}): string {
  if (status.exhaustionAt === null) return 'not at the current burn rate';
  const leftMs = Date.parse(status.exhaustionAt) - Date.parse(status.at);
  if (leftMs <= 0) return 'already spent';
  const span = leftMs < 60_000 ? 'under a minute' : formatSpan(status.at, status.exhaustionAt);
  return `${formatInstant(status.exhaustionAt)} (in ${span})`;
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in minutes (Amsterdam in summer: 120). */
function offsetMinutes(ms: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(timeZone, format);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(format.formatToParts(new Date(ms)).find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

function parseWallClock(local: string): WallClock | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::00)?$/.exec(local);
  if (match === null) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { year, month, day, hour, minute };
}

/**
 * A wall-clock time in an IANA zone (a datetime-local field's value) as an instant with
 * its offset, which is what the API takes: "2026-10-22T08:00" in Europe/Amsterdam ->
 * "2026-10-22T08:00:00+02:00". Null when the text is not a date and time.
 */
export function wallClockToInstant(local: string, timeZone: string): string | null {
  const wall = parseWallClock(local);
  if (wall === null) return null;
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // The offset at the guess can differ from the one at the answer across a DST change.
  let offset = offsetMinutes(asUtc, timeZone);
  offset = offsetMinutes(asUtc - offset * 60_000, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const pad = (value: number) => String(value).padStart(2, '0');
  const absolute = Math.abs(offset);
  const date = `${String(wall.year)}-${pad(wall.month)}-${pad(wall.day)}`;
  const time = `${pad(wall.hour)}:${pad(wall.minute)}:00`;
  return `${date}T${time}${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** The calendar date of an instant in a zone: "2026-11-02". */
export function localDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

/** The instants of the local midnights in a zone between two instants (DST-correct). */
export function localMidnights(fromMs: number, toMs: number, timeZone: string): number[] {
  const midnights: number[] = [];
  let date = localDate(fromMs, timeZone);
  for (let guard = 0; guard < 800; guard += 1) {
    const instant = wallClockToInstant(`${date}T00:00`, timeZone);
    if (instant === null) break;
    const ms = Date.parse(instant);
    if (ms >= toMs) break;
    if (ms > fromMs) midnights.push(ms);
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    date = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
  }
  return midnights;
}
