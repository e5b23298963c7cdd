import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { CalendarUnit } from '../slo/model.js';
import {
  calendarPeriodContaining,
  isValidTimeZone,
  nominalCalendarMinutes,
  previousCalendarPeriod,
  type CalendarPeriod,
} from './calendar.js';

// Expected instants are written as local wall-clock times with the offset in force
// at that moment, so each line can be checked against a calendar by eye.
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};
const asUtc = (period: CalendarPeriod) => ({
  start: new Date(period.startMs).toISOString(),
  end: new Date(period.endMs).toISOString(),
});
const expected = (start: string, end: string) => ({
  start: new Date(at(start)).toISOString(),
  end: new Date(at(end)).toISOString(),
});
const hours = (period: CalendarPeriod): number => (period.endMs - period.startMs) / 3_600_000;

type Case = readonly [
  description: string,
  instant: string,
  start: string,
  end: string,
  lengthHours: number,
];

describe('calendarPeriodContaining: months in Europe/Amsterdam (CET +01:00, CEST +02:00)', () => {
  it.each<Case>([
    [
      'March loses the hour of the DST start',
      '2026-03-15T12:00:00+01:00',
      '2026-03-01T00:00:00+01:00',
      '2026-04-01T00:00:00+02:00',
      743,
    ],
    [
      'October gains the hour of the DST end',
      '2026-10-25T12:00:00+01:00',
      '2026-10-01T00:00:00+02:00',
      '2026-11-01T00:00:00+01:00',
      745,
    ],
    [
      'the last millisecond of January is January',
      '2026-01-31T23:59:59.999+01:00',
      '2026-01-01T00:00:00+01:00',
      '2026-02-01T00:00:00+01:00',
      744,
    ],
    [
      'local midnight of February 1st is February',
      '2026-02-01T00:00:00+01:00',
      '2026-02-01T00:00:00+01:00',
      '2026-03-01T00:00:00+01:00',
      672,
    ],
    [
      'a UTC instant still on January 31st is February locally',
      '2026-01-31T23:30:00Z',
      '2026-02-01T00:00:00+01:00',
      '2026-03-01T00:00:00+01:00',
      672,
    ],
    [
      'February of the leap year 2028 has 29 days',
      '2028-02-29T12:00:00+01:00',
      '2028-02-01T00:00:00+01:00',
      '2028-03-01T00:00:00+01:00',
      696,
    ],
    [
      'February of 2027 has 28 days',
      '2027-02-28T23:59:59.999+01:00',
      '2027-02-01T00:00:00+01:00',
      '2027-03-01T00:00:00+01:00',
      672,
    ],
    [
      'December ends at the next year',
      '2026-12-31T23:59:59.999+01:00',
      '2026-12-01T00:00:00+01:00',
      '2027-01-01T00:00:00+01:00',
      744,
    ],
    [
      'New Year local, still December 31st in UTC, is January',
      '2026-12-31T23:30:00Z',
      '2027-01-01T00:00:00+01:00',
      '2027-02-01T00:00:00+01:00',
      744,
    ],
  ])('%s', (_, instant, start, end, lengthHours) => {
    const period = calendarPeriodContaining('month', 'Europe/Amsterdam', at(instant));
    expect(asUtc(period)).toEqual(expected(start, end));
    expect(hours(period)).toBe(lengthHours);
  });
});

describe('calendarPeriodContaining: ISO weeks in America/New_York (EST -05:00, EDT -04:00)', () => {
  it.each<Case>([
    [
      'the week of the March DST start has 167 hours',
      '2026-03-08T12:00:00-04:00',
      '2026-03-02T00:00:00-05:00',
      '2026-03-09T00:00:00-04:00',
      167,
    ],
    [
      'the week of the November DST end has 169 hours',
      '2026-11-01T12:00:00-05:00',
      '2026-10-26T00:00:00-04:00',
      '2026-11-02T00:00:00-05:00',
      169,
    ],
    [
      'a week spans the year end, Monday to Monday',
      '2026-12-31T18:00:00-05:00',
      '2026-12-28T00:00:00-05:00',
      '2027-01-04T00:00:00-05:00',
      168,
    ],
    [
      'Sunday evening locally is the old week though Monday in UTC',
      '2027-01-04T03:00:00Z',
      '2026-12-28T00:00:00-05:00',
      '2027-01-04T00:00:00-05:00',
      168,
    ],
    [
      'the last millisecond of Sunday is the old week',
      '2027-01-03T23:59:59.999-05:00',
      '2026-12-28T00:00:00-05:00',
      '2027-01-04T00:00:00-05:00',
      168,
    ],
    [
      'Monday midnight starts the new week',
      '2027-01-04T00:00:00-05:00',
      '2027-01-04T00:00:00-05:00',
      '2027-01-11T00:00:00-05:00',
      168,
    ],
  ])('%s', (_, instant, start, end, lengthHours) => {
    const period = calendarPeriodContaining('week', 'America/New_York', at(instant));
    expect(asUtc(period)).toEqual(expected(start, end));
    expect(hours(period)).toBe(lengthHours);
  });
});

describe('calendarPeriodContaining: quarters', () => {
  it.each<readonly [string, ...Case]>([
    // Asia/Kolkata is +05:30 all year.
    [
      'Asia/Kolkata',
      'Q1 is January to March',
      '2026-02-15T12:00:00+05:30',
      '2026-01-01T00:00:00+05:30',
      '2026-04-01T00:00:00+05:30',
      2160,
    ],
    [
      'Asia/Kolkata',
      'April 1st 00:30 local, still March 31st in UTC, is Q2',
      '2026-03-31T19:00:00Z',
      '2026-04-01T00:00:00+05:30',
      '2026-07-01T00:00:00+05:30',
      2184,
    ],
    [
      'Asia/Kolkata',
      'Q4 ends at the next year',
      '2026-12-31T23:00:00+05:30',
      '2026-10-01T00:00:00+05:30',
      '2027-01-01T00:00:00+05:30',
      2208,
    ],
    // Australia/Sydney: AEDT +11:00 until the first Sunday of April (5 April 2026),
    // AEST +10:00 until the first Sunday of October (4 October 2026).
    [
      'Australia/Sydney',
      'Q1 lies wholly in summer time',
      '2026-03-15T12:00:00+11:00',
      '2026-01-01T00:00:00+11:00',
      '2026-04-01T00:00:00+11:00',
      2160,
    ],
    [
      'Australia/Sydney',
      'Q2 starts in summer time and gains the hour of the April DST end',
      '2026-04-05T12:00:00+10:00',
      '2026-04-01T00:00:00+11:00',
      '2026-07-01T00:00:00+10:00',
      2185,
    ],
    [
      'Australia/Sydney',
      'Q3 lies wholly in standard time',
      '2026-06-30T14:00:00Z',
      '2026-07-01T00:00:00+10:00',
      '2026-10-01T00:00:00+10:00',
      2208,
    ],
    [
      'Australia/Sydney',
      'Q4 loses the hour of the October DST start',
      '2026-12-31T23:59:59.999+11:00',
      '2026-10-01T00:00:00+10:00',
      '2027-01-01T00:00:00+11:00',
      2207,
    ],
  ])('%s: %s', (zone, _, instant, start, end, lengthHours) => {
    const period = calendarPeriodContaining('quarter', zone, at(instant));
    expect(asUtc(period)).toEqual(expected(start, end));
    expect(hours(period)).toBe(lengthHours);
  });
});

describe('calendarPeriodContaining: Asia/Kathmandu (+05:45)', () => {
  it.each<readonly [CalendarUnit, ...Case]>([
    [
      'month',
      'the last millisecond of May is May',
      '2026-05-31T18:14:59.999Z',
      '2026-05-01T00:00:00+05:45',
      '2026-06-01T00:00:00+05:45',
      744,
    ],
    [
      'month',
      'June starts at 18:15 UTC',
      '2026-05-31T18:15:00Z',
      '2026-06-01T00:00:00+05:45',
      '2026-07-01T00:00:00+05:45',
      720,
    ],
    [
      'week',
      'a Wednesday is in the week of the Monday before',
      '2026-06-03T12:00:00+05:45',
      '2026-06-01T00:00:00+05:45',
      '2026-06-08T00:00:00+05:45',
      168,
    ],
    [
      'quarter',
      'Q3 starts at local midnight, a quarter past the UTC hour',
      '2026-08-01T00:00:00Z',
      '2026-07-01T00:00:00+05:45',
      '2026-10-01T00:00:00+05:45',
      2208,
    ],
  ])('%s: %s', (unit, _, instant, start, end, lengthHours) => {
    const period = calendarPeriodContaining(unit, 'Asia/Kathmandu', at(instant));
    expect(asUtc(period)).toEqual(expected(start, end));
    expect(hours(period)).toBe(lengthHours);
    expect(period.startMs % 60_000).toBe(0);
    expect(period.endMs % 60_000).toBe(0);
  });
});

describe('calendarPeriodContaining: local midnight skipped by a clock change', () => {
  // Each zone here moved its clocks forward at 00:00 on the first day of a period,
  // so that day's wall clock starts at the end of the gap. The lost time belongs to
  // the new period: the one before it keeps its full length.
  it.each<readonly [string, CalendarUnit, ...Case]>([
    // Paraguay: DST start on Sunday 1 October 2023, 00:00 -04:00 -> 01:00 -03:00.
    [
      'America/Asuncion',
      'month',
      'October 2023 starts at 01:00',
      '2023-10-15T12:00:00-03:00',
      '2023-10-01T01:00:00-03:00',
      '2023-11-01T00:00:00-03:00',
      743,
    ],
    [
      'America/Asuncion',
      'month',
      'September 2023 ends where October starts',
      '2023-09-30T23:59:59.999-04:00',
      '2023-09-01T00:00:00-04:00',
      '2023-10-01T01:00:00-03:00',
      720,
    ],
    [
      'America/Asuncion',
      'quarter',
      'Q4 2023 starts at 01:00',
      '2023-10-01T04:00:00Z',
      '2023-10-01T01:00:00-03:00',
      '2024-01-01T00:00:00-03:00',
      2207,
    ],
    // Cuba: DST start on Sunday 1 April 2012, 00:00 -05:00 -> 01:00 -04:00.
    [
      'America/Havana',
      'quarter',
      'Q2 2012 starts at 01:00',
      '2012-05-01T00:00:00-04:00',
      '2012-04-01T01:00:00-04:00',
      '2012-07-01T00:00:00-04:00',
      2183,
    ],
    [
      'America/Havana',
      'quarter',
      'Q1 2012 ends where Q2 starts',
      '2012-04-01T04:59:59.999Z',
      '2012-01-01T00:00:00-05:00',
      '2012-04-01T01:00:00-04:00',
      2184,
    ],
    // Iran: DST start on Monday 22 March 2021, 00:00 +03:30 -> 01:00 +04:30.
    [
      'Asia/Tehran',
      'week',
      'the week of 22 March 2021 starts on Monday at 01:00',
      '2021-03-24T12:00:00+04:30',
      '2021-03-22T01:00:00+04:30',
      '2021-03-29T00:00:00+04:30',
      167,
    ],
    [
      'Asia/Tehran',
      'week',
      'the week before ends where it starts',
      '2021-03-21T20:29:59.999Z',
      '2021-03-15T00:00:00+03:30',
      '2021-03-22T01:00:00+04:30',
      168,
    ],
    // Nepal: +05:30 -> +05:45 on 1 January 1986, 00:00 -> 00:15; a 15-minute gap.
    [
      'Asia/Kathmandu',
      'quarter',
      'Q1 1986 starts at 00:15',
      '1986-01-01T00:15:00+05:45',
      '1986-01-01T00:15:00+05:45',
      '1986-04-01T00:00:00+05:45',
      2159.75,
    ],
    [
      'Asia/Kathmandu',
      'month',
      'December 1985 ends where 1986 starts',
      '1985-12-31T18:29:59.999Z',
      '1985-12-01T00:00:00+05:30',
      '1986-01-01T00:15:00+05:45',
      744,
    ],
  ])('%s %s: %s', (zone, unit, _, instant, start, end, lengthHours) => {
    const period = calendarPeriodContaining(unit, zone, at(instant));
    expect(asUtc(period)).toEqual(expected(start, end));
    expect(hours(period)).toBe(lengthHours);
  });

  it.each([
    // America/Santiago: DST start on Sunday 8 September 2024, 00:00 -04:00 -> 01:00 -03:00.
    // Chile never changes clocks on a Monday or a 1st, so this is not a period start;
    // it pins down the luxon rule the period starts above agree with.
    ['America/Santiago', 2024, 9, 8, '2024-09-08T01:00:00-03:00'],
    ['America/Asuncion', 2023, 10, 1, '2023-10-01T01:00:00-03:00'],
    ['America/Havana', 2012, 4, 1, '2012-04-01T01:00:00-04:00'],
    ['Asia/Tehran', 2021, 3, 22, '2021-03-22T01:00:00+04:30'],
    ['Asia/Kathmandu', 1986, 1, 1, '1986-01-01T00:15:00+05:45'],
  ] as const)(
    'agrees with luxon, which moves a skipped %s midnight to the end of the gap (%i-%i-%i)',
    (zone, year, month, day, instant) => {
      expect(DateTime.fromObject({ year, month, day }, { zone }).toMillis()).toBe(at(instant));
    },
  );

  it('shortens the Santiago month and week of the September DST start by an hour', () => {
    const month = calendarPeriodContaining('month', 'America/Santiago', at('2024-09-08T04:00:00Z'));
    expect(asUtc(month)).toEqual(
      expected('2024-09-01T00:00:00-04:00', '2024-10-01T00:00:00-03:00'),
    );
    expect(hours(month)).toBe(719);
    const week = calendarPeriodContaining('week', 'America/Santiago', at('2024-09-08T04:00:00Z'));
    expect(asUtc(week)).toEqual(expected('2024-09-02T00:00:00-04:00', '2024-09-09T00:00:00-03:00'));
    expect(hours(week)).toBe(167);
  });
});

describe('calendarPeriodContaining: local midnight repeated by a clock change', () => {
  // Cuba: DST end on Sunday 1 November 2026, 01:00 -04:00 -> 00:00 -05:00, so the
  // wall clock reads 00:00-00:59 twice. November starts at the first midnight.
  it.each([
    ['the first 00:30', '2026-11-01T00:30:00-04:00'],
    ['the second 00:30', '2026-11-01T00:30:00-05:00'],
    ['the first midnight', '2026-11-01T00:00:00-04:00'],
  ])('puts %s of 1 November 2026 in Havana in November', (_, instant) => {
    const period = calendarPeriodContaining('month', 'America/Havana', at(instant));
    expect(asUtc(period)).toEqual(
      expected('2026-11-01T00:00:00-04:00', '2026-12-01T00:00:00-05:00'),
    );
    expect(hours(period)).toBe(721);
  });

  it('ends October 2026 in Havana at the first midnight', () => {
    const period = calendarPeriodContaining(
      'month',
      'America/Havana',
      at('2026-11-01T03:59:59.999Z'),
    );
    expect(asUtc(period)).toEqual(
      expected('2026-10-01T00:00:00-04:00', '2026-11-01T00:00:00-04:00'),
    );
  });

  // Newfoundland: DST end on 1 November 2009 at 00:01 -02:30 -> 23:01 -03:30, so the
  // clock passes midnight into November, then reads October 31st again for an hour.
  it('puts the repeated hour of 31 October 2009 in St. John’s in November, which has begun', () => {
    const november = expected('2009-11-01T00:00:00-02:30', '2009-12-01T00:00:00-03:30');
    for (const instant of [
      '2009-11-01T00:00:30-02:30',
      '2009-10-31T23:30:00-03:30',
      '2009-11-01T00:00:30-03:30',
    ]) {
      expect(asUtc(calendarPeriodContaining('month', 'America/St_Johns', at(instant)))).toEqual(
        november,
      );
    }
    const october = calendarPeriodContaining(
      'month',
      'America/St_Johns',
      at('2009-10-31T23:59:59.999-02:30'),
    );
    expect(asUtc(october)).toEqual(
      expected('2009-10-01T00:00:00-02:30', '2009-11-01T00:00:00-02:30'),
    );
    expect(hours(october)).toBe(744);
  });
});

describe('previousCalendarPeriod', () => {
  it.each<readonly [CalendarUnit, string, string, string, string]>([
    [
      'month',
      'Europe/Amsterdam',
      '2027-01-15T00:00:00+01:00',
      '2026-12-01T00:00:00+01:00',
      '2027-01-01T00:00:00+01:00',
    ],
    [
      'month',
      'Europe/Amsterdam',
      '2026-04-15T00:00:00+02:00',
      '2026-03-01T00:00:00+01:00',
      '2026-04-01T00:00:00+02:00',
    ],
    [
      'week',
      'America/New_York',
      '2027-01-06T00:00:00-05:00',
      '2026-12-28T00:00:00-05:00',
      '2027-01-04T00:00:00-05:00',
    ],
    [
      'quarter',
      'Australia/Sydney',
      '2026-07-02T00:00:00+10:00',
      '2026-04-01T00:00:00+11:00',
      '2026-07-01T00:00:00+10:00',
    ],
    [
      'quarter',
      'America/Asuncion',
      '2024-01-02T00:00:00-03:00',
      '2023-10-01T01:00:00-03:00',
      '2024-01-01T00:00:00-03:00',
    ],
  ])('steps back one %s in %s', (unit, zone, instant, start, end) => {
    const current = calendarPeriodContaining(unit, zone, at(instant));
    expect(asUtc(previousCalendarPeriod(unit, zone, current))).toEqual(expected(start, end));
  });

  it('rejects a period that is not a calendar period of the zone', () => {
    const amsterdamMonth = calendarPeriodContaining(
      'month',
      'Europe/Amsterdam',
      at('2026-05-15T12:00:00Z'),
    );
    expect(() => previousCalendarPeriod('month', 'America/New_York', amsterdamMonth)).toThrow(
      RangeError,
    );
    expect(() => previousCalendarPeriod('week', 'Europe/Amsterdam', amsterdamMonth)).toThrow(
      /is not a week in Europe\/Amsterdam/,
    );
  });
});

describe('calendarPeriodContaining: invalid input', () => {
  it('throws a RangeError naming an unknown time zone', () => {
    expect(() => calendarPeriodContaining('month', 'Mars/Olympus_Mons', 0)).toThrow(RangeError);
    expect(() => calendarPeriodContaining('month', 'Mars/Olympus_Mons', 0)).toThrow(
      'unknown time zone "Mars/Olympus_Mons"',
    );
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 8.64e15])(
    'throws a RangeError for the instant %d',
    (instant) => {
      expect(() => calendarPeriodContaining('week', 'UTC', instant)).toThrow(RangeError);
    },
  );
});

describe('calendar periods: properties', () => {
  const zones = [
    'Europe/Amsterdam',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Sydney',
    'Asia/Kathmandu',
    'America/Santiago',
    'America/Asuncion',
    'America/Havana',
    'Asia/Tehran',
    'America/St_Johns',
    'UTC',
  ];
  const units: readonly CalendarUnit[] = ['week', 'month', 'quarter'];
  const from = Date.UTC(1980, 0, 1);
  const to = Date.UTC(2036, 0, 1);

  it('contains the instant, touches its neighbours and starts on whole minutes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...units),
        fc.constantFrom(...zones),
        fc.integer({ min: from, max: to }),
        (unit, zone, instant) => {
          const period = calendarPeriodContaining(unit, zone, instant);
          expect(period.startMs).toBeLessThanOrEqual(instant);
          expect(instant).toBeLessThan(period.endMs);
          expect(previousCalendarPeriod(unit, zone, period).endMs).toBe(period.startMs);
          expect(calendarPeriodContaining(unit, zone, period.endMs).startMs).toBe(period.endMs);
          expect(calendarPeriodContaining(unit, zone, period.endMs - 1)).toEqual(period);
          expect(period.startMs % 60_000).toBe(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  // Random instants rarely land on a boundary, so also walk every period in range.
  // Lengths stay near nominal: a week is off by at most the two hours of St. John's
  // double daylight time in 1988, a month or quarter by at most its calendar days.
  it.each(zones)('tiles 1980-2035 in %s without gaps or overlaps', (zone) => {
    for (const unit of units) {
      let period = calendarPeriodContaining(unit, zone, from);
      while (period.startMs < to) {
        const next = calendarPeriodContaining(unit, zone, period.endMs);
        expect(next.startMs).toBe(period.endMs);
        expect(previousCalendarPeriod(unit, zone, next)).toEqual(period);
        expect(next.startMs % 60_000).toBe(0);
        const minutes = (next.endMs - next.startMs) / 60_000;
        const nominal = nominalCalendarMinutes(unit);
        expect(Math.abs(minutes - nominal)).toBeLessThanOrEqual(
          unit === 'week' ? 120 : 3 * 24 * 60,
        );
        period = next;
      }
    }
  });
});

describe('isValidTimeZone', () => {
  it.each([
    'Europe/Amsterdam',
    'America/New_York',
    'Asia/Kathmandu',
    'Asia/Kolkata',
    'Asia/Calcutta',
    'UTC',
    'Etc/GMT-14',
  ])('accepts %s', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each([
    '',
    'Europe/Amsterdamm',
    'Mars/Olympus_Mons',
    ' Europe/Amsterdam',
    '+01:00',
    '-05:30',
    'GMT+1',
    'local',
  ])('rejects %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});

describe('nominalCalendarMinutes', () => {
  it.each([
    ['week', 7 * 24 * 60],
    ['month', 30 * 24 * 60],
    ['quarter', 90 * 24 * 60],
  ] as const)('gives a %s %d minutes', (unit, minutes) => {
    expect(nominalCalendarMinutes(unit)).toBe(minutes);
  });
});
