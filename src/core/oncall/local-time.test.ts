import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  daysFromCivil,
  parseInstant,
  parseLocalDateTime,
  parseTimeOfDay,
  weekdayOfDay,
} from './local-time.js';

const reasonOf = (parsed: { ok: boolean; reason?: string }) => (parsed.ok ? '' : parsed.reason);

describe('daysFromCivil and weekdayOfDay', () => {
  it('agree with Date for every day from year 1 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_162, max: 2_932_896 }), (dayNumber) => {
        const date = new Date(dayNumber * DAY_MS);
        expect(
          daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()),
        ).toBe(dayNumber);
        expect(weekdayOfDay(dayNumber)).toBe((date.getUTCDay() + 6) % 7);
      }),
      { numRuns: 2000 },
    );
  });

  it('number Monday 0 and Sunday 6', () => {
    expect(weekdayOfDay(daysFromCivil(2026, 11, 2))).toBe(0);
    expect(weekdayOfDay(daysFromCivil(2026, 11, 8))).toBe(6);
    expect(weekdayOfDay(daysFromCivil(1969, 12, 31))).toBe(2);
  });
});

describe('parseLocalDateTime', () => {
  it.each([
    ['2026-11-02T09:00', Date.UTC(2026, 10, 2, 9)],
    ['2026-11-02T09:00:00', Date.UTC(2026, 10, 2, 9)],
    ['2028-02-29T23:59', Date.UTC(2028, 1, 29, 23, 59)],
    ['2026-03-29T02:30', Date.UTC(2026, 2, 29, 2, 30)],
  ])('reads %s as its wall value', (text, expected) => {
    expect(parseLocalDateTime(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['2026-11-02T09:00+01:00', 'has an offset; a local date-time is read in the time zone'],
    ['2026-11-02T09:00Z', 'has an offset'],
    ['2026-02-29T09:00', 'is not a date in the calendar'],
    ['2026-04-31T09:00', 'is not a date in the calendar'],
    ['2026-11-02T24:00', 'is not a time of day'],
    ['2026-11-02T09:60', 'is not a time of day'],
    ['2026-11-02T09:00:30', 'has seconds; hand-offs are whole minutes'],
    ['2026-11-02 09:00', 'is not a local date-time, e.g. 2026-11-02T09:00'],
    ['2026-11-02', 'is not a local date-time'],
    ['Monday 09:00', 'is not a local date-time'],
  ])('refuses %s: %s', (text, reason) => {
    expect(reasonOf(parseLocalDateTime(text))).toContain(reason);
  });
});

describe('parseTimeOfDay', () => {
  it.each([
    ['00:00', 0],
    ['09:30', 570],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('reads %s as %i minutes', (text, minutes) => {
    expect(parseTimeOfDay(text)).toEqual({ ok: true, value: minutes });
  });

  it.each(['24:30', '25:00', '12:60', '9:00', '0900', '09:00:00', ''])('refuses %j', (text) => {
    expect(reasonOf(parseTimeOfDay(text))).toContain('is not a time of day; write HH:MM');
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-11-05T10:00:00+01:00', Date.UTC(2026, 10, 5, 9)],
    ['2026-11-05T09:00:00Z', Date.UTC(2026, 10, 5, 9)],
    ['2026-11-05T09:00Z', Date.UTC(2026, 10, 5, 9)],
    ['2026-11-05T04:30:15.250-04:30', Date.UTC(2026, 10, 5, 9, 0, 15, 250)],
    ['2026-11-05T09:00:00.123456789Z', Date.UTC(2026, 10, 5, 9, 0, 0, 123)],
  ])('reads %s', (text, expected) => {
    expect(parseInstant(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['2026-11-05T10:00:00', 'has no offset; an instant needs one (Z or ±HH:MM)'],
    ['2026-02-30T10:00:00Z', 'is not a valid instant'],
    ['2026-11-05T10:00:60Z', 'is not a valid instant'],
    ['2026-11-05', 'is not an instant'],
    ['tomorrow', 'is not an instant'],
  ])('refuses %s: %s', (text, reason) => {
    expect(reasonOf(parseInstant(text))).toContain(reason);
  });

  it('agrees with Date.parse on every instant it accepts', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(Date.UTC(1900, 0, 1)),
          max: new Date(Date.UTC(2200, 0, 1)),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 4, max: 14 * 4 }),
        (date, quarters) => {
          // Write the instant with an offset of `quarters` quarter hours.
          const offsetMinutes = quarters * 15;
          const shifted = new Date(date.getTime() + offsetMinutes * 60_000).toISOString();
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const text = shifted.replace('Z', offset);
          expect(parseInstant(text)).toEqual({ ok: true, value: Date.parse(text) });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
