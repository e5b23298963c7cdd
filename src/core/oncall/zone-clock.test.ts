import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, parseLocalDateTime } from './local-time.js';
import { ZONES, local, offsetChanges, referenceInstant } from './test-support.js';
import { ZoneClock } from './zone-clock.js';

const wall = (text: string): number => {
  const parsed = parseLocalDateTime(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};
const resolve = (zone: string, text: string): string =>
  local(ZoneClock.of(zone).instantOf(wall(text)), zone);

describe('ZoneClock.instantOf: readings that exist once', () => {
  it.each([
    ['Europe/Amsterdam', '2026-01-15T09:00', '2026-01-15T09:00+01:00'],
    ['Europe/Amsterdam', '2026-07-15T09:00', '2026-07-15T09:00+02:00'],
    ['America/New_York', '2026-07-04T23:59', '2026-07-04T23:59-04:00'],
    ['Asia/Kolkata', '2026-03-29T02:30', '2026-03-29T02:30+05:30'],
    ['Pacific/Chatham', '2026-01-01T00:00', '2026-01-01T00:00+13:45'],
  ])('%s %s is %s', (zone, reading, expected) => {
    expect(resolve(zone, reading)).toBe(expected);
  });
});

describe('ZoneClock.instantOf: a reading the clock skips moves forward by the gap (RFC 5545)', () => {
  it.each([
    ['Europe/Amsterdam', '2026-03-29T02:30', '2026-03-29T03:30+02:00'],
    ['Europe/Amsterdam', '2026-03-29T02:00', '2026-03-29T03:00+02:00'],
    ['Europe/Amsterdam', '2026-03-29T02:59', '2026-03-29T03:59+02:00'],
    ['America/New_York', '2026-03-08T02:30', '2026-03-08T03:30-04:00'],
    ['Australia/Sydney', '2026-10-04T02:30', '2026-10-04T03:30+11:00'],
    ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-04T02:45+11:00'],
    ['Antarctica/Troll', '2026-03-29T01:30', '2026-03-29T03:30+02:00'],
    ['America/Santiago', '2026-09-06T00:30', '2026-09-06T01:30-03:00'],
    ['Pacific/Apia', '2011-12-30T09:00', '2011-12-31T09:00+14:00'],
  ])('%s %s happens at %s', (zone, reading, expected) => {
    expect(resolve(zone, reading)).toBe(expected);
  });
});

describe('ZoneClock.instantOf: a reading the clock shows twice happens at the first', () => {
  it.each([
    ['Europe/Amsterdam', '2026-10-25T02:30', '2026-10-25T02:30+02:00'],
    ['Europe/Amsterdam', '2026-10-25T02:00', '2026-10-25T02:00+02:00'],
    ['Europe/Amsterdam', '2026-10-25T03:00', '2026-10-25T03:00+01:00'],
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T01:30-04:00'],
    ['Australia/Sydney', '2026-04-05T02:30', '2026-04-05T02:30+11:00'],
    ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-05T01:45+11:00'],
    ['America/Santiago', '2026-04-04T23:30', '2026-04-04T23:30-03:00'],
  ])('%s %s happens at %s', (zone, reading, expected) => {
    expect(resolve(zone, reading)).toBe(expected);
  });
});

describe('ZoneClock: agrees with luxon', () => {
  const zone = fc.constantFrom(...ZONES);
  // 1971 to 2040, by the minute.
  const minute = fc.integer({ min: 365 * 24 * 60, max: 70 * 366 * 24 * 60 });

  it('on the offset at any instant', () => {
    fc.assert(
      fc.property(zone, minute, fc.integer({ min: 0, max: MINUTE_MS - 1 }), (name, at, ms) => {
        const instantMs = at * MINUTE_MS + ms;
        expect(ZoneClock.of(name).offsetAt(instantMs)).toBe(
          DateTime.fromMillis(instantMs, { zone: name }).offset * MINUTE_MS,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('on the instant of any reading, and near every offset change', () => {
    const near = fc
      .tuple(
        zone,
        fc.integer({ min: 2010, max: 2030 }),
        fc.nat(),
        fc.integer({ min: -180, max: 180 }),
      )
      .map(([name, year, which, minutes]) => {
        const changes = offsetChanges(name, year);
        const change = changes[which % Math.max(1, changes.length)] ?? Date.UTC(year, 5, 1);
        // A reading within three hours of the reading at the change.
        const wallMs = ZoneClock.of(name).wallAt(change) + minutes * MINUTE_MS;
        return [name, wallMs] as const;
      });
    const anywhere = fc.tuple(zone, minute).map(([name, at]) => [name, at * MINUTE_MS] as const);
    fc.assert(
      fc.property(fc.oneof(near, anywhere), ([name, wallMs]) => {
        const clock = ZoneClock.of(name);
        const instantMs = clock.instantOf(wallMs);
        expect(instantMs).toBe(referenceInstant(name, wallMs));
        // Either the clock reads wallMs then (and never earlier), or it skipped it.
        const reading = clock.wallAt(instantMs);
        if (reading === wallMs) {
          expect(
            clock.wallAt(instantMs - HOUR_MS) === wallMs ||
              clock.wallAt(instantMs - 30 * MINUTE_MS) === wallMs,
          ).toBe(false);
        } else {
          expect(reading).toBeGreaterThan(wallMs);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses a zone that is not in the IANA database, and fixed offsets', () => {
    expect(() => ZoneClock.of('Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
    expect(() => ZoneClock.of('+01:00')).toThrow('unknown time zone "+01:00"');
  });
});

describe("why not luxon's DateTime.fromObject", () => {
  const fromObject = (zone: string, reading: string, now: string) => {
    const saved = Settings.now;
    Settings.now = () => Date.parse(now);
    try {
      const { year, month, day, hour, minute } = DateTime.fromISO(reading, { zone: 'UTC' });
      return DateTime.fromObject({ year, month, day, hour, minute }, { zone }).toISO({
        suppressMilliseconds: true,
      });
    } finally {
      Settings.now = saved;
    }
  };

  it('settles a repeated reading by the offset in force on the day the code runs', () => {
    expect(fromObject('Europe/Amsterdam', '2026-10-25T02:30', '2026-01-01T00:00Z')).toBe(
      '2026-10-25T02:30:00+01:00',
    );
    expect(fromObject('Europe/Amsterdam', '2026-10-25T02:30', '2026-07-01T00:00Z')).toBe(
      '2026-10-25T02:30:00+02:00',
    );
    expect(resolve('Europe/Amsterdam', '2026-10-25T02:30')).toBe('2026-10-25T02:30+02:00');
  });

  it('can miss a reading that exists once when its guess crosses a change (Pacific/Apia, 2010)', () => {
    // Apia went from -11:00 to -10:00 on 2010-09-26 at 00:00, and is at +13:00 today.
    expect(fromObject('Pacific/Apia', '2010-09-26T14:00', '2026-01-01T00:00Z')).toBe(
      '2010-09-26T15:00:00-10:00',
    );
    expect(resolve('Pacific/Apia', '2010-09-26T14:00')).toBe('2010-09-26T14:00-10:00');
  });
});
