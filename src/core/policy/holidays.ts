// Public holidays per country and region, from date-holidays, as whole local days:
// a holiday freezes from local midnight of its day to the next local midnight in
// the calendar's time zone. Holidays that date-holidays gives a start time or an
// eve (Christmas Eve from 14:00, Eid from sunset the evening before) still freeze
// their whole day, because "no releases on public holidays" is about days off,
// not about the hours of the holiday's rule.
//
// Building a date-holidays calendar and asking it for a year cost about a
// millisecond each, and the gate answers in microseconds, so calendars, their
// years and the last answer are kept. Every cached value is a pure function of
// (country, region, types, time zone, year): caching changes no result.
import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';
import type { IANAZone } from 'luxon';
import type { HolidayFreezeSpec, HolidayType } from './model.js';
import { SegmentedCalendar } from './segmented-calendar.js';
import { DAY_MS, firstInstantReading, ianaZone } from './zone-time.js';

/** One local day with at least one holiday on it. */
export interface HolidayDay {
  /** The local date, YYYY-MM-DD. */
  readonly date: string;
  /** The holidays of the day, in English where date-holidays has it. */
  readonly names: readonly string[];
  readonly startMs: number;
  readonly endMs: number;
}

/** Holiday days that follow one another without a gap (Christmas Day and Boxing Day). */
export interface HolidayRun {
  readonly startMs: number;
  readonly endMs: number;
  readonly days: readonly HolidayDay[];
}

/** The holiday state over [startMs, endMs): in `day` of `run`, or between holidays. */
export type HolidaySegment =
  | {
      readonly inside: true;
      readonly startMs: number;
      readonly endMs: number;
      readonly day: HolidayDay;
      readonly run: HolidayRun;
    }
  | { readonly inside: false; readonly startMs: number; readonly endMs: number };

interface YearDays {
  readonly days: readonly HolidayDay[];
  /** runs[i] is the run of days[i]. */
  readonly runs: readonly HolidayRun[];
}

const MAX_CACHED_YEARS = 64;

// date-holidays holds every country's rules and takes a quarter of a second to load:
// it is loaded when a holiday is first asked about, so that what never reads one (the
// CLI's gate and most of its commands) does not wait for it at every start.
const requireModule = createRequire(import.meta.url);
let loadedHolidays: typeof Holidays | undefined;

function holidaysClass(): typeof Holidays {
  loadedHolidays ??= requireModule('date-holidays') as typeof Holidays;
  return loadedHolidays;
}

/** Loads date-holidays now: a server does at start, so that no request waits for it. */
export function loadHolidayRules(): void {
  holidaysClass();
}

export class HolidayCalendar extends SegmentedCalendar<HolidaySegment> {
  private readonly zone: IANAZone;
  private source: Holidays | undefined;
  /** Holiday names per local date, by the year date-holidays was asked for. */
  private readonly namesByYear = new Map<number, ReadonlyMap<string, readonly string[]>>();
  /** Days of the local years around a UTC year: every day that overlaps it. */
  private readonly daysByUtcYear = new Map<number, YearDays>();

  constructor(
    readonly country: string,
    readonly region: string | undefined,
    readonly types: readonly HolidayType[],
    readonly timeZone: string,
  ) {
    super();
    this.zone = ianaZone(timeZone);
    if (holidayCountries()[country] === undefined) {
      throw new RangeError(
        `date-holidays knows no country "${country}"; use an ISO 3166-1 alpha-2 code such as NL or US`,
      );
    }
    if (region !== undefined && holidayRegions(country)?.[region] === undefined) {
      throw new RangeError(`date-holidays knows no region "${region}" of ${country}`);
    }
  }

  /** The holiday days of a local calendar year, in order (for reports and tests). */
  daysOfYear(year: number): readonly HolidayDay[] {
    return this.yearDays(year).days.filter((day) => day.date.startsWith(`${year}-`));
  }

  protected computeSegment(atMs: number): HolidaySegment {
    if (!Number.isFinite(atMs)) throw new RangeError(`not an instant: ${atMs}`);
    const utcYear = new Date(atMs).getUTCFullYear();
    const { days, runs } = this.yearDays(utcYear);
    // The last day that starts at or before atMs.
    let low = 0;
    let high = days.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((days[middle]?.startMs ?? Infinity) <= atMs) low = middle + 1;
      else high = middle;
    }
    const before = days[low - 1];
    const run = runs[low - 1];
    if (before !== undefined && run !== undefined && atMs < before.endMs) {
      return { inside: true, startMs: before.startMs, endMs: before.endMs, day: before, run };
    }
    // Between holidays: only this UTC year's neighbours are known for certain.
    const yearStart = Date.UTC(utcYear, 0, 1);
    const yearEnd = Date.UTC(utcYear + 1, 0, 1);
    return {
      inside: false,
      startMs: Math.max(before?.endMs ?? yearStart, yearStart),
      endMs: Math.min(days[low]?.startMs ?? yearEnd, yearEnd),
    };
  }

  private yearDays(utcYear: number): YearDays {
    const cached = this.daysByUtcYear.get(utcYear);
    if (cached !== undefined) return cached;
    // Offsets stay within ±14 h, so the local years either side hold every day
    // that overlaps the UTC year; a holiday of several days may cross New Year.
    const names = new Map<string, string[]>();
    for (const year of [utcYear - 1, utcYear, utcYear + 1]) {
      for (const [date, dayNames] of this.namesOfYear(year)) {
        const list = names.get(date) ?? [];
        for (const name of dayNames) if (!list.includes(name)) list.push(name);
        names.set(date, list);
      }
    }
    const days = [...names.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([date, dayNames]): HolidayDay => {
        const wall = Date.parse(`${date}T00:00:00Z`);
        return {
          date,
          names: dayNames,
          startMs: firstInstantReading(this.zone, wall),
          endMs: firstInstantReading(this.zone, wall + DAY_MS),
        };
      });
    const runs: HolidayRun[] = [];
    for (let first = 0; first < days.length;) {
      let end = first + 1;
      while (end < days.length && days[end]?.startMs === days[end - 1]?.endMs) end++;
      const members = days.slice(first, end);
      const run: HolidayRun = {
        startMs: members[0]?.startMs ?? 0,
        endMs: members[members.length - 1]?.endMs ?? 0,
        days: members,
      };
      for (let index = first; index < end; index++) runs.push(run);
      first = end;
    }
    if (this.daysByUtcYear.size >= MAX_CACHED_YEARS) this.daysByUtcYear.clear();
    const yearDays = { days, runs };
    this.daysByUtcYear.set(utcYear, yearDays);
    return yearDays;
  }

  private namesOfYear(year: number): ReadonlyMap<string, readonly string[]> {
    const cached = this.namesByYear.get(year);
    if (cached !== undefined) return cached;
    this.source ??=
      this.region === undefined
        ? new (holidaysClass())(this.country, { types: [...this.types], timezone: this.timeZone })
        : new (holidaysClass())(this.country, this.region, {
            types: [...this.types],
            timezone: this.timeZone,
          });
    const names = new Map<string, string[]>();
    for (const holiday of this.source.getHolidays(year, 'en')) {
      // `date` is the local date and time the rule gives ("2026-12-25 00:00:00",
      // "2026-03-20 00:00:00 -0600" for a holiday from the evening before); the
      // holiday's days are that date and, for a holiday of several days, the next.
      const firstWall = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
      const hours = (holiday.end.getTime() - holiday.start.getTime()) / 3_600_000;
      const dayCount = Math.max(1, Math.round(hours / 24));
      for (let index = 0; index < dayCount; index++) {
        const date = new Date(firstWall + index * DAY_MS).toISOString().slice(0, 10);
        const list = names.get(date) ?? [];
        if (!list.includes(holiday.name)) list.push(holiday.name);
        names.set(date, list);
      }
    }
    if (this.namesByYear.size >= MAX_CACHED_YEARS) this.namesByYear.clear();
    this.namesByYear.set(year, names);
    return names;
  }
}

const calendars = new Map<string, HolidayCalendar>();

/** The shared calendar of a holiday freeze: one per country, region, types and zone. */
export function holidayCalendar(
  spec: Pick<HolidayFreezeSpec, 'country' | 'region' | 'types' | 'timeZone'>,
): HolidayCalendar {
  const types = [...new Set(spec.types)].sort();
  const key = `${spec.country}|${spec.region ?? ''}|${types.join(',')}|${spec.timeZone}`;
  let calendar = calendars.get(key);
  if (calendar === undefined) {
    calendar = new HolidayCalendar(spec.country, spec.region, types, spec.timeZone);
    calendars.set(key, calendar);
  }
  return calendar;
}

// ---------------------------------------------------------------------------
// What date-holidays knows, for validating configs.

let directory: Holidays | undefined;
let countries: Readonly<Record<string, string>> | undefined;

function holidayDirectory(): Holidays {
  directory ??= new (holidaysClass())();
  return directory;
}

/** Country codes date-holidays knows, with their names. */
export function holidayCountries(): Readonly<Record<string, string>> {
  countries ??= holidayDirectory().getCountries('en');
  return countries;
}

/** The regions (ISO 3166-2 subdivisions) of a country, with their names; undefined when it has none. */
export function holidayRegions(country: string): Readonly<Record<string, string>> | undefined {
  if (holidayCountries()[country] === undefined) return undefined;
  // Typed as always a record, but undefined for a country without subdivisions.
  const regions: Readonly<Record<string, string>> | undefined = holidayDirectory().getStates(
    country,
    'en',
  );
  return regions;
}

const zonesByPlace = new Map<string, readonly string[]>();

/** The time zones date-holidays lists for a country or region: one means a sensible default. */
export function holidayTimeZones(country: string, region: string | undefined): readonly string[] {
  if (holidayCountries()[country] === undefined) return [];
  const key = `${country}|${region ?? ''}`;
  let zones = zonesByPlace.get(key);
  if (zones === undefined) {
    const calendar =
      region === undefined
        ? new (holidaysClass())(country)
        : new (holidaysClass())(country, region);
    zones = calendar.getTimezones();
    zonesByPlace.set(key, zones);
  }
  return zones;
}
