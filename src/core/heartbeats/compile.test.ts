import fc from 'fast-check';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { compileHeartbeat, compileSchedule, createScheduleCache } from './compile.js';
import type { HeartbeatDefinition } from './model.js';
import { cronCheck, DAY, HOUR, iso, MINUTE, ms, periodCheck } from './test-support.js';

function problems(definition: HeartbeatDefinition): readonly string[] {
  const result = compileHeartbeat(definition);
  return result.ok ? [] : result.problems;
}

const cron = (expression: string, timeZone = 'UTC'): HeartbeatDefinition => ({
  name: 'nightly',
  schedule: { kind: 'cron', expression, timeZone },
  graceMs: HOUR,
});

describe('compileHeartbeat', () => {
  it('compiles cron and period schedules and resolves maxRun to grace', () => {
    const check = cronCheck('0 9 * * *', 'Europe/Amsterdam', HOUR);
    expect(check.maxRunMs).toBe(HOUR);
    expect(check.minRunMs).toBeUndefined();
    expect(iso(check.nextDueAfter(ms('2026-06-01T12:00:00Z')))).toBe('2026-06-02T07:00:00.000Z');
    const period = periodCheck(DAY, HOUR, { maxRunMs: 2 * HOUR, minRunMs: MINUTE });
    expect(period.maxRunMs).toBe(2 * HOUR);
    expect(period.nextDueAfter(1000)).toBe(1000 + DAY);
  });

  it('refuses bad expressions and zones with a sentence each', () => {
    expect(problems(cron('0 9 * * *', 'Europe/Amsterdm'))).toEqual([
      'heartbeat "nightly": "Europe/Amsterdm" is not an IANA time zone (e.g. Europe/Amsterdam, UTC)',
    ]);
    expect(problems(cron('61 * * * *'))[0]).toMatch(/cannot be read: .*61/);
    expect(problems(cron('0 0 31 2 *'))[0]).toMatch(/cannot be read/);
    expect(problems(cron('* * * * * *'))[0]).toMatch(/must have 5 fields .* it has 6/);
    expect(problems(cron(''))[0]).toMatch(/must have 5 fields .* it has 0/);
    expect(problems(cron('H 2 * * *'))[0]).toMatch(/uses H/);
    expect(problems(cron('@reboot'))[0]).toMatch(/not a cron alias/);
    expect(problems(cron('0 0 */2 * 1'))[0]).toMatch(/restrict only one/);
    expect(problems(cron('0 0 1,15 * 1'))).toEqual([]);
    expect(problems(cron('0 9 * * THU'))).toEqual([]);
    expect(problems(cron('@daily'))).toEqual([]);
  });

  it('refuses impossible durations, all at once', () => {
    const found = problems({
      name: 'x',
      schedule: { kind: 'period', periodMs: 0 },
      graceMs: -1,
      minRunMs: 5 * HOUR,
      maxRunMs: HOUR,
    });
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/graceMs/);
    expect(found.join('\n')).toMatch(/periodMs/);
    expect(found.join('\n')).toMatch(/minRunMs/);
  });

  it('shares one parsed schedule per expression and zone through the cache', () => {
    const cache = createScheduleCache();
    const a = compileSchedule({ kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' }, cache);
    const b = compileSchedule({ kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' }, cache);
    const c = compileSchedule(
      { kind: 'cron', expression: '0 * * * *', timeZone: 'Asia/Tokyo' },
      cache,
    );
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(cache.size).toBe(2);
  });

  it('answers the same as a fresh parse at every instant (reset is exact)', () => {
    const check = cronCheck('*/7 3-5 * * 1-5', 'America/New_York', HOUR);
    for (
      let at = ms('2026-03-06T00:00:00Z');
      at < ms('2026-03-12T00:00:00Z');
      at += 37 * MINUTE + 13
    ) {
      const fresh = CronExpressionParser.parse('*/7 3-5 * * 1-5', {
        tz: 'America/New_York',
        currentDate: at,
      });
      expect(check.nextDueAfter(at)).toBe(fresh.next().getTime());
    }
  });

  it('is strictly after: a ping at the occurrence expects the next one', () => {
    const check = cronCheck('0 9 * * *', 'UTC', HOUR);
    expect(iso(check.nextDueAfter(ms('2026-01-01T09:00:00.000Z')))).toBe(
      '2026-01-02T09:00:00.000Z',
    );
    expect(iso(check.nextDueAfter(ms('2026-01-01T09:00:00.500Z')))).toBe(
      '2026-01-02T09:00:00.000Z',
    );
    expect(iso(check.nextDueAfter(ms('2026-01-01T08:59:59.999Z')))).toBe(
      '2026-01-01T09:00:00.000Z',
    );
  });

  it('lists due instants in a range, bounded', () => {
    const check = cronCheck('0 * * * *', 'UTC', HOUR);
    const from = ms('2026-01-01T00:00:00Z');
    const all = check.schedule.dueBetween(from, from, from + DAY, 1000);
    expect(all.instants).toHaveLength(24);
    expect(all.truncated).toBe(false);
    const some = check.schedule.dueBetween(from, from, from + DAY, 5);
    expect(some.instants).toHaveLength(5);
    expect(some.truncated).toBe(true);
    const period = periodCheck(HOUR, MINUTE);
    // Anchored at the ping: 00:10, 01:10, ...; only those after 05:00.
    const anchored = period.schedule.dueBetween(
      from + 10 * MINUTE,
      from + 5 * HOUR,
      from + 8 * HOUR,
      100,
    );
    expect(anchored.instants.map(iso)).toEqual([
      '2026-01-01T05:10:00.000Z',
      '2026-01-01T06:10:00.000Z',
      '2026-01-01T07:10:00.000Z',
    ]);
  });

  it('finds rare occurrences (29 February) without hitting a loop limit', () => {
    const check = cronCheck('0 0 29 2 *', 'UTC', HOUR);
    expect(iso(check.nextDueAfter(ms('2026-03-01T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('cron across DST (what cron-parser does, and what we keep of it)', () => {
  const daily = cronCheck('30 2 * * *', 'Europe/Amsterdam', HOUR);

  it('spring forward 2026-03-29: one slot, at 03:30 CEST when counted from before the gap', () => {
    const from = ms('2026-03-27T00:00:00Z');
    const slots = daily.schedule.dueBetween(from, from, ms('2026-03-31T00:00:00Z'), 100);
    expect(slots.instants.map(iso)).toEqual([
      '2026-03-27T01:30:00.000Z',
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z', // 03:30 CEST: the missing 02:30, read with the winter offset
      '2026-03-30T00:30:00.000Z',
    ]);
    // Asked from inside the hour after the jump, cron-parser sees no slot that day.
    expect(iso(daily.nextDueAfter(ms('2026-03-29T01:00:00Z')))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('spring forward 2027-03-28: a skipped time is due the gap later (03:30 CEST), not at its end', () => {
    // What docs/server.md promises: 02:30 does not exist that night; the slot is 02:30
    // read with the winter offset, 01:30Z, which is 03:30 CEST, not 03:00.
    expect(iso(daily.nextDueAfter(ms('2027-03-27T01:30:00Z')))).toBe('2027-03-28T01:30:00.000Z');
    expect(iso(daily.nextDueAfter(ms('2027-03-28T00:59:00Z')))).toBe('2027-03-28T01:30:00.000Z');
    // A ping from 03:00 CEST on (a cron that ran the job at the end of the gap) is
    // past that day's slot: the next run is due the next night.
    expect(iso(daily.nextDueAfter(ms('2027-03-28T01:00:00Z')))).toBe('2027-03-29T00:30:00.000Z');
    // Two times in the gap: only the first is due (03:15 CEST); 02:45 is not.
    const twice = cronCheck('15,45 2 * * *', 'Europe/Amsterdam', HOUR);
    const slots = twice.schedule.dueBetween(
      0,
      ms('2027-03-28T00:00:00Z'),
      ms('2027-03-29T00:30:00Z'),
      100,
    );
    expect(slots.instants.map(iso)).toEqual([
      '2027-03-28T01:15:00.000Z',
      '2027-03-29T00:15:00.000Z',
    ]);
  });

  it('fall back 2026-10-25: one slot, the first 02:30 (CEST), however it is asked', () => {
    const from = ms('2026-10-23T00:00:00Z');
    const slots = daily.schedule.dueBetween(from, from, ms('2026-10-27T00:00:00Z'), 100);
    expect(slots.instants.map(iso)).toEqual([
      '2026-10-23T00:30:00.000Z',
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    // Raw cron-parser answers the second 02:30 (CET) from inside the repeated hour;
    // that instance is skipped.
    const raw = CronExpressionParser.parse('30 2 * * *', {
      tz: 'Europe/Amsterdam',
      currentDate: ms('2026-10-25T01:25:00Z'),
    });
    expect(iso(raw.next().getTime())).toBe('2026-10-25T01:30:00.000Z');
    expect(iso(daily.nextDueAfter(ms('2026-10-25T01:25:00Z')))).toBe('2026-10-26T01:30:00.000Z');
  });

  it('hourly through the repeated hour: each wall time once', () => {
    const hourly = cronCheck('0 * * * *', 'Europe/Amsterdam', 10 * MINUTE);
    const from = ms('2026-10-24T23:30:00Z');
    const slots = hourly.schedule.dueBetween(from, from, ms('2026-10-25T03:00:00Z'), 100);
    // 02:00 CEST (00:00Z), then 03:00 CET (02:00Z): 02:00 CET (01:00Z) is a repeat.
    expect(slots.instants.map(iso)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T03:00:00.000Z',
    ]);
  });

  it('0 9 * * 1-5 in America/New_York keeps 09:00 local across both changes', () => {
    const weekdays = cronCheck('0 9 * * 1-5', 'America/New_York', HOUR);
    const spring = weekdays.schedule.dueBetween(
      0,
      ms('2026-03-05T00:00:00Z'),
      ms('2026-03-11T00:00:00Z'),
      100,
    );
    expect(spring.instants.map(iso)).toEqual([
      '2026-03-05T14:00:00.000Z',
      '2026-03-06T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
    ]);
    const autumn = weekdays.schedule.dueBetween(
      0,
      ms('2026-10-29T00:00:00Z'),
      ms('2026-11-04T00:00:00Z'),
      100,
    );
    expect(autumn.instants.map(iso)).toEqual([
      '2026-10-29T13:00:00.000Z',
      '2026-10-30T13:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
      '2026-11-03T14:00:00.000Z',
    ]);
  });
});

describe('nextDueAfter remembers the minutes it was asked about', () => {
  it('answers as a schedule compiled afresh does, for any instants in any order', () => {
    const schedule = {
      kind: 'cron',
      expression: '*/7 2-4 * * *',
      timeZone: 'Europe/Amsterdam',
    } as const;
    const reused = compileSchedule(schedule);
    if (typeof reused === 'string') throw new Error(reused);
    const from = Date.parse('2026-10-24T00:00:00Z');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * 24 * 60 * 60_000 }), {
          minLength: 1,
          maxLength: 20,
        }),
        (offsets) => {
          for (const offset of offsets) {
            const fresh = compileSchedule(schedule);
            if (typeof fresh === 'string') throw new Error(fresh);
            expect(reused.nextDueAfter(from + offset)).toBe(fresh.nextDueAfter(from + offset));
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
