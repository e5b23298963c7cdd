import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORKING_HOURS,
  isWorkingTime,
  localWindows,
  nextWorkingTime,
  sleepNightOf,
  workingMinutes,
  type PersonCalendar,
} from './working-time.js';

const utc = (text: string) => Date.parse(text);

const anna: PersonCalendar = {
  name: 'anna',
  timeZone: 'Europe/Amsterdam',
  workingHours: DEFAULT_WORKING_HOURS,
};
const ned: PersonCalendar = {
  name: 'ned',
  timeZone: 'America/New_York',
  workingHours: DEFAULT_WORKING_HOURS,
};

describe('workingMinutes', () => {
  it('counts a week of 09:00–17:00 in the person zone', () => {
    // Mon 2026-03-23 00:00 CET to Mon 2026-03-30 00:00 CEST: the week the clocks change.
    expect(workingMinutes(anna, utc('2026-03-22T23:00Z'), utc('2026-03-29T22:00Z'))).toBe(5 * 480);
  });

  it('clips the days at the ends of the period', () => {
    // Mon 2026-03-30 12:00 to 15:00 CEST.
    expect(workingMinutes(anna, utc('2026-03-30T10:00Z'), utc('2026-03-30T13:00Z'))).toBe(180);
    expect(workingMinutes(anna, utc('2026-03-30T13:00Z'), utc('2026-03-30T13:00Z'))).toBe(0);
  });

  it('a night shift is an hour shorter when the clocks spring forward and longer when they fall back', () => {
    const night = (timeZone: string): PersonCalendar => ({
      name: 'night',
      timeZone,
      workingHours: { days: ['sat'], start: '22:00', end: '06:00' },
    });
    const amsterdam = night('Europe/Amsterdam');
    expect(workingMinutes(amsterdam, utc('2026-03-28T00:00Z'), utc('2026-03-30T00:00Z'))).toBe(420);
    expect(workingMinutes(amsterdam, utc('2026-10-24T00:00Z'), utc('2026-10-26T00:00Z'))).toBe(540);
    expect(workingMinutes(amsterdam, utc('2026-04-04T00:00Z'), utc('2026-04-06T00:00Z'))).toBe(480);
    const newYork = night('America/New_York');
    expect(workingMinutes(newYork, utc('2026-03-07T00:00Z'), utc('2026-03-10T00:00Z'))).toBe(420);
    expect(workingMinutes(newYork, utc('2026-10-31T00:00Z'), utc('2026-11-03T00:00Z'))).toBe(540);
  });

  it('a whole day is 00:00–24:00, and 23 hours on the day of the change', () => {
    const always: PersonCalendar = {
      name: 'always',
      timeZone: 'Europe/Amsterdam',
      workingHours: { days: ['sun'], start: '00:00', end: '24:00' },
    };
    expect(workingMinutes(always, utc('2026-03-28T00:00Z'), utc('2026-03-31T00:00Z'))).toBe(
      23 * 60,
    );
  });

  it('rejects a malformed time of day', () => {
    const bad: PersonCalendar = {
      ...anna,
      workingHours: { days: ['mon'], start: '9', end: '17:00' },
    };
    expect(() => workingMinutes(bad, 0, 7 * 86_400_000)).toThrow(RangeError);
  });
});

describe('isWorkingTime and sleepNightOf', () => {
  it('read the clock of the person zone on both sides of the change', () => {
    // 07:30Z is 08:30 CET on Friday but 09:30 CEST on Monday.
    expect(isWorkingTime(anna, utc('2026-03-27T07:30Z'))).toBe(false);
    expect(isWorkingTime(anna, utc('2026-03-30T07:30Z'))).toBe(true);
    expect(isWorkingTime(anna, utc('2026-03-28T10:00Z'))).toBe(false);
    expect(isWorkingTime(ned, utc('2026-03-30T13:30Z'))).toBe(true);
  });

  it('attributes a night to the date it began', () => {
    expect(sleepNightOf(ned, utc('2026-03-08T06:30Z'))).toBe('2026-03-07');
    expect(sleepNightOf(ned, utc('2026-03-08T07:30Z'))).toBe('2026-03-07');
    expect(sleepNightOf(ned, utc('2026-03-09T02:30Z'))).toBe('2026-03-08');
    expect(sleepNightOf(ned, utc('2026-03-09T01:30Z'))).toBeUndefined();
    expect(sleepNightOf(anna, utc('2026-10-25T05:30Z'))).toBe('2026-10-24');
    expect(sleepNightOf(anna, utc('2026-10-25T06:30Z'))).toBeUndefined();
  });

  it('lists windows in time order with their local dates', () => {
    const windows = localWindows(
      'Europe/Amsterdam',
      { start: '22:00', end: '07:00' },
      undefined,
      utc('2026-03-28T12:00Z'),
      utc('2026-03-29T12:00Z'),
    );
    expect(windows).toEqual([
      { date: '2026-03-28', startMs: utc('2026-03-28T21:00Z'), endMs: utc('2026-03-29T05:00Z') },
    ]);
  });
});

describe('nextWorkingTime', () => {
  it('is the instant itself during working hours', () => {
    const tuesdayNoon = utc('2026-11-03T11:00Z'); // 12:00 in Amsterdam
    expect(nextWorkingTime(anna, tuesdayNoon)).toBe(tuesdayNoon);
  });

  it('is the next morning at 09:00 on the person clock, after a weekend', () => {
    // Tue 03:12 in Amsterdam: 09:00 the same day.
    expect(nextWorkingTime(anna, utc('2026-11-03T02:12Z'))).toBe(utc('2026-11-03T08:00Z'));
    // Fri 17:00 in Amsterdam: Monday 09:00.
    expect(nextWorkingTime(anna, utc('2026-11-06T16:00Z'))).toBe(utc('2026-11-09T08:00Z'));
    // The same instant is Fri 11:00 in New York: working.
    expect(nextWorkingTime(ned, utc('2026-11-06T16:00Z'))).toBe(utc('2026-11-06T16:00Z'));
  });

  it('follows the clock across the autumn change', () => {
    // Sat 24 Oct 2026 in Amsterdam, summer time; Monday 26 Oct starts on winter time.
    expect(nextWorkingTime(anna, utc('2026-10-24T10:00Z'))).toBe(utc('2026-10-26T08:00Z'));
  });

  it('is undefined for someone who never works', () => {
    const never = { ...anna, workingHours: { ...DEFAULT_WORKING_HOURS, days: [] } };
    expect(nextWorkingTime(never, utc('2026-11-03T02:12Z'))).toBeUndefined();
  });
});
