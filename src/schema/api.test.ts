// People's own hours and a team's toil cap, as the user and team bodies validate them:
// every mistake is named by its field path.
import { describe, expect, it } from 'vitest';
import { teamInputSchema, userInputSchema } from './api.js';

const issues = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => (result.error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]);

describe('a user’s working and sleep hours', () => {
  it('keeps a Sun–Thu week, a 10:00–18:00 day and a late night as given', () => {
    const user = userInputSchema.parse({
      name: 'ada',
      timeZone: 'Asia/Jerusalem',
      workingHours: { days: ['sun', 'mon', 'tue', 'wed', 'thu'], start: '10:00', end: '18:00' },
      sleepHours: { start: '23:30', end: '06:30' },
    });
    expect(user.workingHours).toEqual({
      days: ['sun', 'mon', 'tue', 'wed', 'thu'],
      start: '10:00',
      end: '18:00',
    });
    expect(user.sleepHours).toEqual({ start: '23:30', end: '06:30' });
  });

  it('leaves both out when not given: the defaults apply', () => {
    const user = userInputSchema.parse({ name: 'ada' });
    expect(user.workingHours).toBeUndefined();
    expect(user.sleepHours).toBeUndefined();
  });

  it('accepts a night shift past midnight and a day to 24:00', () => {
    expect(
      userInputSchema.safeParse({
        name: 'ada',
        workingHours: { days: ['mon'], start: '22:00', end: '06:00' },
        sleepHours: { start: '08:00', end: '24:00' },
      }).success,
    ).toBe(true);
  });

  it('names the field of each mistake', () => {
    const result = userInputSchema.safeParse({
      name: 'ada',
      workingHours: { days: ['mon', 'funday', 'mon'], start: '25:00', end: '17:00' },
      sleepHours: { start: '07:00', end: '07:00' },
    });
    const found = issues(result);
    expect(found).toContainEqual([
      'workingHours.days.1',
      expect.stringContaining('"funday" is not a day'),
    ]);
    expect(found).toContainEqual(['workingHours.days.2', 'mon is listed twice; keep one']);
    expect(found).toContainEqual([
      'workingHours.start',
      expect.stringContaining('"25:00" is not a time of day'),
    ]);
    expect(found).toContainEqual([
      'sleepHours.end',
      'start and end are both 07:00; for a whole day use start "00:00" and end "24:00"',
    ]);
  });

  it('refuses working hours that start and end at once, no days, and unknown fields', () => {
    const found = issues(
      userInputSchema.safeParse({
        name: 'ada',
        workingHours: { days: ['mon'], start: '09:00', end: '09:00', lunch: '12:00' },
      }),
    );
    expect(found).toContainEqual([
      'workingHours.end',
      'start and end are both 09:00; for a whole day use start "00:00" and end "24:00"',
    ]);
    expect(found.map(([path]) => path)).toContain('workingHours');
    expect(
      issues(
        userInputSchema.safeParse({
          name: 'ada',
          workingHours: { days: [], start: '09:00', end: '17:00' },
        }),
      ),
    ).toEqual([['workingHours.days', 'days must not be empty; list the days the person works']]);
    expect(
      issues(
        userInputSchema.safeParse({
          name: 'ada',
          workingHours: { days: ['mon'], start: '24:00', end: '08:00' },
        }),
      ),
    ).toEqual([
      [
        'workingHours.start',
        'start 24:00 is the end of a day; start the working day at 00:00 of the next day',
      ],
    ]);
  });
});

describe('a team’s toil cap', () => {
  it('is a percentage from 0 to 100, optional', () => {
    expect(teamInputSchema.parse({ name: 'payments', toilCapPercent: 35 }).toilCapPercent).toBe(35);
    expect(teamInputSchema.parse({ name: 'payments' }).toilCapPercent).toBeUndefined();
    expect(teamInputSchema.safeParse({ name: 'payments', toilCapPercent: 0 }).success).toBe(true);
    expect(issues(teamInputSchema.safeParse({ name: 'payments', toilCapPercent: 120 }))).toEqual([
      ['toilCapPercent', expect.stringContaining('100')],
    ]);
    expect(
      issues(teamInputSchema.safeParse({ name: 'payments', toilCapPercent: '40' })).map(
        ([path]) => path,
      ),
    ).toEqual(['toilCapPercent']);
  });
});
