import Holidays from 'date-holidays';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeFreezes, compileFreezes, type ActiveFreeze } from './freezes.js';
import {
  holidayCalendar,
  holidayCountries,
  holidayRegions,
  holidayTimeZones,
  HolidayCalendar,
} from './holidays.js';
import type { HolidayFreezeSpec, PolicyFreezes } from './model.js';
import { at, NO_FREEZES } from './test-support.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function holidays(
  country: string,
  timeZone: string,
  fields: Partial<HolidayFreezeSpec> = {},
): PolicyFreezes {
  return {
    ...NO_FREEZES,
    holidays: [
      {
        name: `holidays-${country.toLowerCase()}`,
        country,
        region: undefined,
        timeZone,
        types: ['public'],
        ...fields,
      },
    ],
  };
}

function only(freezes: PolicyFreezes, instant: string): ActiveFreeze | undefined {
  const active = activeFreezes(compileFreezes(freezes), at(instant));
  expect(active.length).toBeLessThanOrEqual(1);
  return active[0];
}

function holidayOf(freeze: ActiveFreeze | undefined) {
  if (freeze?.kind !== 'holiday') throw new Error(`expected a holiday freeze, got ${freeze?.kind}`);
  return freeze;
}

describe('holiday freezes: 25 December in the Netherlands', () => {
  const nl = holidays('NL', 'Europe/Amsterdam');

  it('date-holidays has 25 and 26 December 2026 as public holidays in NL', () => {
    const days = holidayCalendar(nl.holidays[0] as HolidayFreezeSpec).daysOfYear(2026);
    expect(days.slice(-2).map(({ date, names }) => ({ date, names }))).toEqual([
      { date: '2026-12-25', names: ['Christmas Day'] },
      { date: '2026-12-26', names: ['Boxing Day'] },
    ]);
  });

  it('Christmas Day runs from local midnight to local midnight: 24 Dec 23:00Z to 25 Dec 23:00Z', () => {
    const freeze = holidayOf(only(nl, '2026-12-25T12:00:00+01:00'));
    expect(freeze.day).toEqual({
      date: '2026-12-25',
      names: ['Christmas Day'],
      startMs: at('2026-12-24T23:00:00Z'),
      endMs: at('2026-12-25T23:00:00Z'),
    });
  });

  it('holds deploys until Boxing Day ends: the freeze runs 24 Dec 23:00Z to 26 Dec 23:00Z', () => {
    const freeze = holidayOf(only(nl, '2026-12-25T12:00:00+01:00'));
    expect(iso(freeze.startMs)).toBe('2026-12-24T23:00:00.000Z');
    expect(iso(freeze.endMs)).toBe('2026-12-26T23:00:00.000Z');
    expect(freeze.run.days.map((day) => day.date)).toEqual(['2026-12-25', '2026-12-26']);
    expect(freeze.name).toBe('holidays-nl');
  });

  it('begins at local midnight, not UTC midnight', () => {
    expect(only(nl, '2026-12-24T22:59:59.999Z')).toBeUndefined();
    expect(holidayOf(only(nl, '2026-12-24T23:00:00Z')).day.date).toBe('2026-12-25');
    expect(holidayOf(only(nl, '2026-12-26T22:59:59.999Z')).day.date).toBe('2026-12-26');
    expect(only(nl, '2026-12-26T23:00:00Z')).toBeUndefined();
  });

  it('on Boxing Day the freeze began on Christmas Day and ends the same instant', () => {
    const freeze = holidayOf(only(nl, '2026-12-26T08:00:00+01:00'));
    expect(freeze.day.names).toEqual(['Boxing Day']);
    expect(iso(freeze.startMs)).toBe('2026-12-24T23:00:00.000Z');
    expect(iso(freeze.endMs)).toBe('2026-12-26T23:00:00.000Z');
  });

  it('New Year’s Eve is a bank day, not a public holiday: no freeze by default', () => {
    expect(only(nl, '2026-12-31T12:00:00+01:00')).toBeUndefined();
    expect(
      holidayOf(
        only(
          holidays('NL', 'Europe/Amsterdam', { types: ['public', 'bank'] }),
          '2026-12-31T12:00:00+01:00',
        ),
      ).day.date,
    ).toBe('2026-12-31');
  });

  it('in summer time the day starts at 22:00Z: Whit Monday 2026-05-25', () => {
    const freeze = holidayOf(only(nl, '2026-05-25T12:00:00+02:00'));
    expect(iso(freeze.day.startMs)).toBe('2026-05-24T22:00:00.000Z');
    // Whit Sunday (Pentecost) is a public holiday too, so the run began a day earlier.
    expect(iso(freeze.startMs)).toBe('2026-05-23T22:00:00.000Z');
    expect(iso(freeze.endMs)).toBe('2026-05-25T22:00:00.000Z');
  });
});

describe('holiday freezes: US Thanksgiving 2026 in America/New_York', () => {
  const us = holidays('US', 'America/New_York');

  it('freezes Thursday 26 November from 05:00Z to 05:00Z the next day', () => {
    const freeze = holidayOf(only(us, '2026-11-26T15:00:00-05:00'));
    expect(freeze.day.names).toEqual(['Thanksgiving Day']);
    expect(iso(freeze.startMs)).toBe('2026-11-26T05:00:00.000Z');
    expect(iso(freeze.endMs)).toBe('2026-11-27T05:00:00.000Z');
  });

  it('not the evening before in New York, though it is already the 26th in UTC', () => {
    expect(only(us, '2026-11-26T04:59:59Z')).toBeUndefined();
    expect(only(us, '2026-11-27T05:00:00Z')).toBeUndefined();
  });

  it('follows the zone it is given: Thanksgiving in Los Angeles ends three hours later', () => {
    const freeze = holidayOf(
      only(holidays('US', 'America/Los_Angeles'), '2026-11-26T12:00:00-08:00'),
    );
    expect(iso(freeze.endMs)).toBe('2026-11-27T08:00:00.000Z');
  });

  it('a run across New Year: the substitute day on Friday 31 Dec 2027, then 1 Jan 2028', () => {
    // 23:00 on 31 Dec in New York is already 2028 in UTC: the lookup must see both years.
    const freeze = holidayOf(only(us, '2027-12-31T23:00:00-05:00'));
    expect(freeze.day.names).toEqual(["New Year's Day (substitute day)"]);
    expect(iso(freeze.startMs)).toBe('2027-12-31T05:00:00.000Z');
    expect(iso(freeze.endMs)).toBe('2028-01-02T05:00:00.000Z');
  });
});

describe('holiday freezes: regions, types and holidays that are not whole days', () => {
  it('Epiphany (6 January) is a holiday in Bavaria, not in Berlin', () => {
    const instant = '2026-01-06T12:00:00+01:00';
    const bavaria = holidays('DE', 'Europe/Berlin', { name: 'holidays-de-by', region: 'BY' });
    const berlin = holidays('DE', 'Europe/Berlin', { name: 'holidays-de-be', region: 'BE' });
    expect(holidayOf(only(bavaria, instant)).day.names).toEqual(['Epiphany']);
    expect(only(berlin, instant)).toBeUndefined();
  });

  it('Christmas Eve from 14:00 (a German bank holiday) freezes the whole day', () => {
    const de = holidays('DE', 'Europe/Berlin', { types: ['public', 'bank'] });
    const freeze = holidayOf(only(de, '2026-12-24T09:00:00+01:00'));
    expect(freeze.day.names).toEqual(['Christmas Eve']);
    expect(iso(freeze.day.startMs)).toBe('2026-12-23T23:00:00.000Z');
    expect(iso(freeze.endMs)).toBe('2026-12-26T23:00:00.000Z');
  });

  it('Eid al-Fitr in the UAE freezes its three days, not the evening before', () => {
    const ae = holidays('AE', 'Asia/Dubai');
    expect(only(ae, '2026-03-19T20:00:00+04:00')).toBeUndefined();
    const freeze = holidayOf(only(ae, '2026-03-21T12:00:00+04:00'));
    expect(freeze.run.days.map((day) => day.date)).toEqual([
      '2026-03-20',
      '2026-03-21',
      '2026-03-22',
    ]);
    expect(iso(freeze.endMs)).toBe('2026-03-22T20:00:00.000Z');
  });

  it('refuses a country or region date-holidays does not know, rather than freezing nothing', () => {
    expect(() => compileFreezes(holidays('XX', 'UTC'))).toThrow(/no country "XX"/);
    expect(() => compileFreezes(holidays('NL', 'Europe/Amsterdam', { region: 'ZZ' }))).toThrow(
      /no region "ZZ" of NL/,
    );
  });

  it('knows countries, regions and their zones for validation', () => {
    expect(holidayCountries()['NL']).toBeDefined();
    expect(holidayRegions('DE')?.['BY']).toBeDefined();
    expect(holidayRegions('XX')).toBeUndefined();
    expect(holidayTimeZones('NL', undefined)).toEqual(['Europe/Amsterdam']);
    expect(holidayTimeZones('US', 'NY')).toEqual(['America/New_York']);
    expect(holidayTimeZones('US', undefined).length).toBeGreaterThan(1);
  });

  it('shares one calendar per country, region, types and zone', () => {
    const spec = {
      country: 'NL',
      region: undefined,
      types: ['public'] as const,
      timeZone: 'Europe/Amsterdam',
    };
    expect(holidayCalendar(spec)).toBe(holidayCalendar({ ...spec, types: ['public', 'public'] }));
    expect(holidayCalendar(spec)).not.toBe(holidayCalendar({ ...spec, timeZone: 'UTC' }));
  });
});

describe('holiday freezes: properties', () => {
  // date-holidays answers isHoliday by its own zone arithmetic: an independent check
  // of where our local midnights fall, for countries whose public holidays are whole days.
  const cases = [
    ['NL', undefined, 'Europe/Amsterdam'],
    ['US', undefined, 'America/New_York'],
    ['DE', 'BY', 'Europe/Berlin'],
    ['AU', 'NSW', 'Australia/Sydney'],
  ] as const;

  it('an instant is frozen exactly when date-holidays calls it a public holiday', () => {
    const oracles = new Map(
      cases.map(([country, region, timeZone]) => [
        country,
        region === undefined
          ? new Holidays(country, { types: ['public'], timezone: timeZone })
          : new Holidays(country, region, { types: ['public'], timezone: timeZone }),
      ]),
    );
    const calendars = new Map(
      cases.map(([country, region, timeZone]) => [
        country,
        new HolidayCalendar(country, region, ['public'], timeZone),
      ]),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }),
        ([country], ms) => {
          const calendar = calendars.get(country);
          if (calendar === undefined) throw new Error(`no calendar for ${country}`);
          const expected = oracles.get(country)?.isHoliday(new Date(ms)) !== false;
          expect(calendar.segmentAt(ms).inside).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('remembering the last segment changes no answer', () => {
    const shared = new HolidayCalendar('NL', undefined, ['public'], 'Europe/Amsterdam');
    fc.assert(
      fc.property(
        fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') }),
        (ms) => {
          const fresh = new HolidayCalendar('NL', undefined, ['public'], 'Europe/Amsterdam');
          for (const instant of [ms, ms + 3_600_000, ms - 86_400_000]) {
            expect(shared.segmentAt(instant)).toEqual(fresh.segmentAt(instant));
            // A look ahead between two, as a freeze's end is looked up.
            const ahead = instant + 2 * 86_400_000;
            expect(shared.segmentAhead(ahead)).toEqual(fresh.segmentAt(ahead));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ad-hoc freezes and activeFreezes', () => {
  const adHoc = (startMs: number | undefined, endMs: number): PolicyFreezes => ({
    ...NO_FREEZES,
    adHoc: [
      { name: 'black-friday', startMs, endMs, reason: 'Black Friday traffic', timeZone: undefined },
    ],
  });

  it('holds from its start (inclusive) to its end (exclusive)', () => {
    const freezes = compileFreezes(
      adHoc(at('2026-11-27T00:00:00+01:00'), at('2026-11-30T08:00:00+01:00')),
    );
    const state = (instant: string) => activeFreezes(freezes, at(instant)).length;
    expect(state('2026-11-26T22:59:59.999Z')).toBe(0);
    expect(state('2026-11-26T23:00:00Z')).toBe(1);
    expect(state('2026-11-30T06:59:59.999Z')).toBe(1);
    expect(state('2026-11-30T07:00:00Z')).toBe(0);
  });

  it('without a start, holds from any earlier instant until its end', () => {
    const freeze = only(adHoc(undefined, at('2026-11-30T08:00:00+01:00')), '2020-01-01T00:00:00Z');
    expect(freeze).toMatchObject({
      kind: 'adHoc',
      startMs: undefined,
      endMs: at('2026-11-30T07:00:00Z'),
    });
  });

  it('refuses an ad-hoc freeze that ends before it starts', () => {
    expect(() =>
      compileFreezes(adHoc(at('2026-11-30T00:00:00Z'), at('2026-11-29T00:00:00Z'))),
    ).toThrow(/ends before it starts/);
  });

  it('lists every freeze in force: a holiday inside the weekend window', () => {
    const freezes = compileFreezes({
      holidays: holidays('NL', 'Europe/Amsterdam').holidays,
      windows: [
        {
          name: 'weekend',
          from: { day: 5, minute: 16 * 60 },
          to: { day: 1, minute: 8 * 60 },
          timeZone: 'Europe/Amsterdam',
        },
      ],
      adHoc: [
        {
          name: 'year-end',
          startMs: at('2026-12-18T00:00:00Z'),
          endMs: at('2027-01-04T00:00:00Z'),
          reason: 'year-end change freeze',
          timeZone: undefined,
        },
      ],
    });
    // Saturday 26 December 2026: Boxing Day, the weekend and the year-end freeze.
    const active = activeFreezes(freezes, at('2026-12-26T10:00:00+01:00'));
    expect(active.map((freeze) => [freeze.kind, freeze.name, iso(freeze.endMs)])).toEqual([
      ['holiday', 'holidays-nl', '2026-12-26T23:00:00.000Z'],
      ['window', 'weekend', '2026-12-28T07:00:00.000Z'],
      ['adHoc', 'year-end', '2027-01-04T00:00:00.000Z'],
    ]);
  });

  it('refuses two freezes of the same name', () => {
    const nl = holidays('NL', 'Europe/Amsterdam');
    expect(() =>
      compileFreezes({
        ...nl,
        adHoc: [
          { name: 'holidays-nl', startMs: undefined, endMs: 0, reason: 'x', timeZone: undefined },
        ],
      }),
    ).toThrow(/two freezes are named "holidays-nl"/);
  });
});
