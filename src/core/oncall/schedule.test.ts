import { describe, expect, it, vi } from 'vitest';
import type { Schedule } from './model.js';
import { layerShiftsBetween, onCallAt, shiftsBetween } from './schedule.js';
import {
  DAY,
  HOUR,
  WEEK,
  describeLayerShifts,
  describeShifts,
  hours,
  instant,
  local,
  rotation,
} from './test-support.js';
import { ZoneClock } from './zone-clock.js';

const shiftsIn = (schedule: Schedule, from: string, to: string, zone = schedule.timeZone) =>
  describeShifts(shiftsBetween(schedule, instant(from), instant(to)), zone);

describe('shiftsBetween: rotations', () => {
  it('hands a daily rotation on at the same time each day, round robin, with no one before the start', () => {
    const schedule = rotation('UTC', '2026-01-05T09:00', DAY, ['anna', 'bram', 'carla']);
    expect(shiftsIn(schedule, '2026-01-05T00:00Z', '2026-01-09T00:00Z')).toEqual([
      '2026-01-05T00:00+00:00 2026-01-05T09:00+00:00 - -',
      '2026-01-05T09:00+00:00 2026-01-06T09:00+00:00 anna primary',
      '2026-01-06T09:00+00:00 2026-01-07T09:00+00:00 bram primary',
      '2026-01-07T09:00+00:00 2026-01-08T09:00+00:00 carla primary',
      '2026-01-08T09:00+00:00 2026-01-09T00:00+00:00 anna primary',
    ]);
  });

  it('hands a weekly rotation on every Monday at 09:00', () => {
    const schedule = rotation('Europe/Amsterdam', '2026-01-05T09:00', WEEK, ['anna', 'bram']);
    expect(shiftsIn(schedule, '2026-01-12T00:00+01:00', '2026-02-02T12:00+01:00')).toEqual([
      '2026-01-12T00:00+01:00 2026-01-12T09:00+01:00 anna primary',
      '2026-01-12T09:00+01:00 2026-01-19T09:00+01:00 bram primary',
      '2026-01-19T09:00+01:00 2026-01-26T09:00+01:00 anna primary',
      '2026-01-26T09:00+01:00 2026-02-02T09:00+01:00 bram primary',
      '2026-02-02T09:00+01:00 2026-02-02T12:00+01:00 anna primary',
    ]);
  });

  it('merges the turns of a member who follows themself', () => {
    const alone = rotation('UTC', '2026-01-05T09:00', DAY, ['anna']);
    expect(shiftsIn(alone, '2026-01-06T00:00Z', '2026-01-16T00:00Z')).toEqual([
      '2026-01-06T00:00+00:00 2026-01-16T00:00+00:00 anna primary',
    ]);
    const twice = rotation('UTC', '2026-01-05T09:00', DAY, ['anna', 'anna', 'bram']);
    expect(shiftsIn(twice, '2026-01-05T09:00Z', '2026-01-09T09:00Z')).toEqual([
      '2026-01-05T09:00+00:00 2026-01-07T09:00+00:00 anna primary',
      '2026-01-07T09:00+00:00 2026-01-08T09:00+00:00 bram primary',
      '2026-01-08T09:00+00:00 2026-01-09T09:00+00:00 anna primary',
    ]);
  });

  it('keeps 12-hour shifts at 08:00 and 20:00 local across a DST change', () => {
    const schedule = rotation('Europe/Amsterdam', '2026-03-27T08:00', 12 * HOUR, ['day', 'night']);
    const shifts = shiftsBetween(
      schedule,
      instant('2026-03-28T08:00+01:00'),
      instant('2026-03-30T08:00+02:00'),
    );
    expect(describeShifts(shifts, 'Europe/Amsterdam')).toEqual([
      '2026-03-28T08:00+01:00 2026-03-28T20:00+01:00 day primary',
      '2026-03-28T20:00+01:00 2026-03-29T08:00+02:00 night primary',
      '2026-03-29T08:00+02:00 2026-03-29T20:00+02:00 day primary',
      '2026-03-29T20:00+02:00 2026-03-30T08:00+02:00 night primary',
    ]);
    expect(shifts.map(hours)).toEqual([12, 11, 12, 12]);
  });

  it('counts turns from the start without walking them: a 1-hour rotation begun in 1990', () => {
    const members = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const schedule = rotation('UTC', '1990-01-01T00:00', HOUR, members);
    const at = instant('2026-06-15T13:30Z');
    const turn = Math.floor((at - instant('1990-01-01T00:00Z')) / 3_600_000);
    expect(onCallAt(schedule, at)).toMatchObject({
      user: members[turn % members.length],
      sinceMs: instant('2026-06-15T13:00Z'),
      untilMs: instant('2026-06-15T14:00Z'),
    });
  });
});

describe('cost: only the hand-offs near the asked range are looked at', () => {
  it('answers for 2026 about an hourly rotation begun in 1900 from the hand-offs of a few days', () => {
    const schedule = rotation('Europe/Amsterdam', '1900-01-01T00:00', HOUR, ['a', 'b', 'c']);
    const at = instant('2026-06-15T13:30+02:00');
    onCallAt(schedule, at); // learns the zone's offsets around the instant
    const instantOf = vi.spyOn(ZoneClock.prototype, 'instantOf');
    try {
      expect(onCallAt(schedule, at)).toMatchObject({
        sinceMs: instant('2026-06-15T13:00+02:00'),
        untilMs: instant('2026-06-15T14:00+02:00'),
      });
      // A day either side of the instant, and a day of margin either side of that
      // (a reading is within a day of its instant): 4 × 24 hand-offs, not 1.1 million.
      expect(instantOf.mock.calls.length).toBeLessThanOrEqual(4 * 24 + 2);
      instantOf.mockClear();
      expect(shiftsBetween(schedule, at, at + 30 * DAY * 60_000)).toHaveLength(30 * 24 + 1);
      expect(instantOf.mock.calls.length).toBeLessThanOrEqual(32 * 24 + 2);
    } finally {
      instantOf.mockRestore();
    }
  });
});

describe('shiftsBetween: hand-offs across DST keep their local time', () => {
  // [zone, the day of the change, the offsets before and after, hours of the shift across it]
  it.each([
    ['Europe/Amsterdam', '2026-03-28', '2026-03-29', '+01:00', '+02:00', 23],
    ['Europe/Amsterdam', '2026-10-24', '2026-10-25', '+02:00', '+01:00', 25],
    ['America/New_York', '2026-03-07', '2026-03-08', '-05:00', '-04:00', 23],
    ['America/New_York', '2026-10-31', '2026-11-01', '-04:00', '-05:00', 25],
    ['Australia/Sydney', '2026-04-04', '2026-04-05', '+11:00', '+10:00', 25],
    ['Australia/Sydney', '2026-10-03', '2026-10-04', '+10:00', '+11:00', 23],
  ])(
    '%s: the daily 09:00 hand-off from %s to %s',
    (zone, before, change, offsetBefore, offsetAfter, length) => {
      const schedule = rotation(zone, `${before}T09:00`, DAY, ['anna', 'bram']);
      const shifts = shiftsBetween(
        schedule,
        instant(`${before}T09:00${offsetBefore}`),
        instant(`${change}T09:00${offsetAfter}`) + DAY * 60_000,
      );
      expect(describeShifts(shifts, zone)).toEqual([
        `${before}T09:00${offsetBefore} ${change}T09:00${offsetAfter} anna primary`,
        `${change}T09:00${offsetAfter} ${local(instant(`${change}T09:00${offsetAfter}`) + DAY * 60_000, zone)} bram primary`,
      ]);
      expect(shifts.map(hours)).toEqual([length, 24]);
      expect(local(shifts[1]?.endMs ?? 0, zone).slice(10)).toBe(`T09:00${offsetAfter}`);
    },
  );

  it('makes a weekly shift 167 hours long when it holds the spring change, 169 at the autumn one', () => {
    const schedule = rotation('Europe/Amsterdam', '2026-03-23T09:00', WEEK, ['anna', 'bram']);
    const spring = shiftsBetween(
      schedule,
      instant('2026-03-23T09:00+01:00'),
      instant('2026-04-06T09:00+02:00'),
    );
    expect(describeShifts(spring, 'Europe/Amsterdam')).toEqual([
      '2026-03-23T09:00+01:00 2026-03-30T09:00+02:00 anna primary',
      '2026-03-30T09:00+02:00 2026-04-06T09:00+02:00 bram primary',
    ]);
    expect(spring.map(hours)).toEqual([167, 168]);

    const autumn = shiftsBetween(
      schedule,
      instant('2026-10-19T09:00+02:00'),
      instant('2026-10-26T09:00+01:00'),
    );
    expect(describeShifts(autumn, 'Europe/Amsterdam')).toEqual([
      '2026-10-19T09:00+02:00 2026-10-26T09:00+01:00 anna primary',
    ]);
    expect(autumn.map(hours)).toEqual([169]);
  });

  it.each([
    ['Europe/Amsterdam', '2026-03-28', '2026-03-29', '02:30', '2026-03-29T03:30+02:00'],
    ['America/New_York', '2026-03-07', '2026-03-08', '02:30', '2026-03-08T03:30-04:00'],
    ['Australia/Sydney', '2026-10-03', '2026-10-04', '02:30', '2026-10-04T03:30+11:00'],
  ])(
    '%s: a %s→%s hand-off at %s, skipped by the clock, happens an hour later (RFC 5545)',
    (zone, before, change, time, expected) => {
      const schedule = rotation(zone, `${before}T${time}`, DAY, ['anna', 'bram']);
      const from = instant(`${before}T00:00Z`) - DAY * 60_000;
      const shifts = shiftsBetween(schedule, from, from + 4 * DAY * 60_000);
      const handoff = shifts.find((shift) => shift.user === 'bram');
      expect(local(handoff?.startMs ?? 0, zone)).toBe(expected);
      // The shift before it lasts 24 hours, the one after 23: the next day is at 02:30 again.
      const [first, second] = shifts.filter((shift) => shift.user !== null);
      expect(first && hours(first)).toBe(24);
      expect(second && hours(second)).toBe(23);
    },
  );

  it.each([
    ['Europe/Amsterdam', '2026-10-24', '2026-10-25', '02:30', '2026-10-25T02:30+02:00'],
    ['America/New_York', '2026-10-31', '2026-11-01', '01:30', '2026-11-01T01:30-04:00'],
    ['Australia/Sydney', '2026-04-04', '2026-04-05', '02:30', '2026-04-05T02:30+11:00'],
  ])(
    '%s: a %s→%s hand-off at %s, which the clock shows twice, happens at the first',
    (zone, before, change, time, expected) => {
      const schedule = rotation(zone, `${before}T${time}`, DAY, ['anna', 'bram']);
      const from = instant(`${before}T00:00Z`) - DAY * 60_000;
      const shifts = shiftsBetween(schedule, from, from + 4 * DAY * 60_000);
      const handoff = shifts.find((shift) => shift.user === 'bram');
      expect(local(handoff?.startMs ?? 0, zone)).toBe(expected);
      const [first, second] = shifts.filter((shift) => shift.user !== null);
      expect(first && hours(first)).toBe(24);
      expect(second && hours(second)).toBe(25);
    },
  );

  it('starts a rotation whose first hand-off is skipped by the clock an hour later', () => {
    const schedule = rotation('Europe/Amsterdam', '2026-03-29T02:30', DAY, ['anna']);
    expect(
      shiftsIn(schedule, '2026-03-29T00:00+01:00', '2026-03-29T12:00+02:00').slice(0, 2),
    ).toEqual([
      '2026-03-29T00:00+01:00 2026-03-29T03:30+02:00 - -',
      '2026-03-29T03:30+02:00 2026-03-29T12:00+02:00 anna primary',
    ]);
  });

  it('lets the later turn win when a 2-hour gap pushes a 1-hour hand-off past the next (Antarctica/Troll)', () => {
    // Troll jumps from +00:00 to +02:00 at 01:00 UTC on the last Sunday of March,
    // skipping the readings 01:00 to 03:00. The hand-offs read 01:00 (b) and 02:00
    // (c) move forward by the gap, to 03:00 and 04:00, where the hand-offs read
    // 03:00 (d) and 04:00 (e) happen too: the later turns win, b and c get none.
    const schedule = rotation('Antarctica/Troll', '2026-03-29T00:00', HOUR, [
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
    expect(shiftsIn(schedule, '2026-03-29T00:00Z', '2026-03-29T06:00+02:00')).toEqual([
      '2026-03-29T00:00+00:00 2026-03-29T03:00+02:00 a primary',
      '2026-03-29T03:00+02:00 2026-03-29T04:00+02:00 d primary',
      '2026-03-29T04:00+02:00 2026-03-29T05:00+02:00 e primary',
      '2026-03-29T05:00+02:00 2026-03-29T06:00+02:00 a primary',
    ]);
  });
});

describe('shiftsBetween: restrictions', () => {
  const businessHours: Schedule = {
    name: 'office',
    timeZone: 'Europe/Amsterdam',
    layers: [
      {
        name: 'office',
        members: ['anna', 'bram'],
        start: '2026-03-23T09:00',
        shiftLength: WEEK,
        restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
      },
    ],
  };

  it('leaves a business-hours layer empty at night and at the weekend, across the DST change', () => {
    expect(shiftsIn(businessHours, '2026-03-26T00:00+01:00', '2026-03-31T00:00+02:00')).toEqual([
      '2026-03-26T00:00+01:00 2026-03-26T09:00+01:00 - -',
      '2026-03-26T09:00+01:00 2026-03-26T17:00+01:00 anna office',
      '2026-03-26T17:00+01:00 2026-03-27T09:00+01:00 - -',
      '2026-03-27T09:00+01:00 2026-03-27T17:00+01:00 anna office',
      '2026-03-27T17:00+01:00 2026-03-30T09:00+02:00 - -',
      '2026-03-30T09:00+02:00 2026-03-30T17:00+02:00 bram office',
      '2026-03-30T17:00+02:00 2026-03-31T00:00+02:00 - -',
    ]);
  });

  it('puts business hours over a 24/7 layer, which keeps the nights and weekends', () => {
    const schedule: Schedule = {
      ...businessHours,
      layers: [
        {
          name: 'ops',
          members: ['olga', 'otto'],
          start: '2026-03-23T09:00',
          shiftLength: WEEK,
        },
        ...businessHours.layers,
      ],
    };
    expect(shiftsIn(schedule, '2026-03-27T00:00+01:00', '2026-03-30T12:00+02:00')).toEqual([
      '2026-03-27T00:00+01:00 2026-03-27T09:00+01:00 olga ops',
      '2026-03-27T09:00+01:00 2026-03-27T17:00+01:00 anna office',
      '2026-03-27T17:00+01:00 2026-03-30T09:00+02:00 olga ops',
      '2026-03-30T09:00+02:00 2026-03-30T12:00+02:00 bram office',
    ]);
  });

  it('runs a window whose end is not after its start past midnight, and joins touching windows', () => {
    const schedule: Schedule = {
      name: 'nights',
      timeZone: 'America/New_York',
      layers: [
        {
          name: 'nights',
          members: ['nick'],
          start: '2026-01-01T00:00',
          shiftLength: DAY,
          restrictions: [
            { days: ['fri'], from: '18:00', to: '09:00' },
            { days: ['sat'], from: '09:00', to: '24:00' },
            { days: ['sun'], from: '00:00', to: '06:00' },
          ],
        },
      ],
    };
    expect(shiftsIn(schedule, '2026-01-09T00:00-05:00', '2026-01-12T00:00-05:00')).toEqual([
      '2026-01-09T00:00-05:00 2026-01-09T18:00-05:00 - -',
      '2026-01-09T18:00-05:00 2026-01-11T06:00-05:00 nick nights',
      '2026-01-11T06:00-05:00 2026-01-12T00:00-05:00 - -',
    ]);
  });

  it('gives a whole-day window 23 hours on the day the clock springs forward', () => {
    const schedule: Schedule = {
      name: 'sundays',
      timeZone: 'Europe/Amsterdam',
      layers: [
        {
          name: 'sundays',
          members: ['anna'],
          start: '2026-03-01T00:00',
          shiftLength: WEEK,
          restrictions: [{ days: ['sun'], from: '00:00', to: '24:00' }],
        },
      ],
    };
    const shifts = shiftsBetween(
      schedule,
      instant('2026-03-28T00:00+01:00'),
      instant('2026-03-31T00:00+02:00'),
    ).filter((shift) => shift.user !== null);
    expect(describeShifts(shifts, 'Europe/Amsterdam')).toEqual([
      '2026-03-29T00:00+01:00 2026-03-30T00:00+02:00 anna sundays',
    ]);
    expect(shifts.map(hours)).toEqual([23]);
  });

  it('drops a window that lies inside the skipped hour', () => {
    const schedule: Schedule = {
      name: 'gap',
      timeZone: 'Europe/Amsterdam',
      layers: [
        {
          name: 'gap',
          members: ['anna'],
          start: '2026-03-01T00:00',
          shiftLength: DAY,
          restrictions: [{ days: ['sat', 'sun'], from: '02:30', to: '03:00' }],
        },
      ],
    };
    expect(
      shiftsIn(schedule, '2026-03-28T00:00+01:00', '2026-03-30T00:00+02:00').filter(
        (line) => !line.includes(' - -'),
      ),
    ).toEqual(['2026-03-28T02:30+01:00 2026-03-28T03:00+01:00 anna gap']);
  });

  it('stops a layer at its end', () => {
    const schedule: Schedule = {
      name: 'ending',
      timeZone: 'UTC',
      layers: [
        { name: 'old', members: ['anna'], start: '2026-01-01T00:00', shiftLength: DAY },
        {
          name: 'interim',
          members: ['bram'],
          start: '2026-01-05T09:00',
          end: '2026-01-07T09:00',
          shiftLength: DAY,
        },
      ],
    };
    expect(shiftsIn(schedule, '2026-01-05T00:00Z', '2026-01-08T00:00Z')).toEqual([
      '2026-01-05T00:00+00:00 2026-01-05T09:00+00:00 anna old',
      '2026-01-05T09:00+00:00 2026-01-07T09:00+00:00 bram interim',
      '2026-01-07T09:00+00:00 2026-01-08T00:00+00:00 anna old',
    ]);
  });
});

describe('shiftsBetween: follow the sun in one schedule', () => {
  const followTheSun: Schedule = {
    name: 'follow-the-sun',
    timeZone: 'UTC',
    layers: [
      {
        name: 'sydney',
        timeZone: 'Australia/Sydney',
        members: ['sam', 'sia'],
        start: '2026-01-05T09:00',
        shiftLength: DAY,
        restrictions: [
          { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '09:00', to: '17:00' },
        ],
      },
      {
        name: 'amsterdam',
        timeZone: 'Europe/Amsterdam',
        members: ['anna', 'bram'],
        start: '2026-01-05T07:00',
        shiftLength: DAY,
        restrictions: [
          { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '07:00', to: '15:00' },
        ],
      },
      {
        name: 'new-york',
        timeZone: 'America/New_York',
        members: ['nick', 'nora'],
        start: '2026-01-05T09:00',
        shiftLength: DAY,
        restrictions: [
          { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '09:00', to: '17:00' },
        ],
      },
    ],
  };

  it('covers the day without a gap in January (Sydney +11, Amsterdam +1, New York -5)', () => {
    expect(shiftsIn(followTheSun, '2026-01-06T00:00Z', '2026-01-07T00:00Z')).toEqual([
      '2026-01-06T00:00+00:00 2026-01-06T06:00+00:00 sia sydney',
      '2026-01-06T06:00+00:00 2026-01-06T14:00+00:00 bram amsterdam',
      '2026-01-06T14:00+00:00 2026-01-06T22:00+00:00 nora new-york',
      '2026-01-06T22:00+00:00 2026-01-07T00:00+00:00 sam sydney',
    ]);
  });

  it('in April, when the offsets have moved (+10, +2, -4): the later layer wins the overlap, the gap has no one', () => {
    expect(shiftsIn(followTheSun, '2026-04-14T00:00Z', '2026-04-15T00:00Z')).toEqual([
      '2026-04-14T00:00+00:00 2026-04-14T05:00+00:00 sia sydney',
      '2026-04-14T05:00+00:00 2026-04-14T13:00+00:00 bram amsterdam',
      '2026-04-14T13:00+00:00 2026-04-14T21:00+00:00 nora new-york',
      '2026-04-14T21:00+00:00 2026-04-14T23:00+00:00 - -',
      '2026-04-14T23:00+00:00 2026-04-15T00:00+00:00 sam sydney',
    ]);
  });

  it('gives each layer its own shifts in its own zone for a timeline', () => {
    const layers = layerShiftsBetween(
      followTheSun,
      instant('2026-04-14T00:00Z'),
      instant('2026-04-15T00:00Z'),
    );
    expect(layers.map(({ layer, index, timeZone }) => [layer, index, timeZone])).toEqual([
      ['sydney', 0, 'Australia/Sydney'],
      ['amsterdam', 1, 'Europe/Amsterdam'],
      ['new-york', 2, 'America/New_York'],
    ]);
    expect(layers.map((layer) => describeLayerShifts(layer.shifts, layer.timeZone))).toEqual([
      [
        '2026-04-14T10:00+10:00 2026-04-14T17:00+10:00 sia',
        '2026-04-15T09:00+10:00 2026-04-15T10:00+10:00 sam',
      ],
      ['2026-04-14T07:00+02:00 2026-04-14T15:00+02:00 bram'],
      ['2026-04-14T09:00-04:00 2026-04-14T17:00-04:00 nora'],
    ]);
  });
});

describe('shiftsBetween: overrides', () => {
  const daily = rotation('UTC', '2026-01-05T09:00', DAY, ['anna', 'bram']);

  it('replaces the end of one shift and the start of the next', () => {
    const schedule: Schedule = {
      ...daily,
      overrides: [
        {
          user: 'carla',
          start: '2026-01-06T15:00:00Z',
          end: '2026-01-07T12:00:00Z',
          reason: 'swap',
        },
      ],
    };
    expect(shiftsIn(schedule, '2026-01-06T00:00Z', '2026-01-08T00:00Z')).toEqual([
      '2026-01-06T00:00+00:00 2026-01-06T09:00+00:00 anna primary',
      '2026-01-06T09:00+00:00 2026-01-06T15:00+00:00 bram primary',
      '2026-01-06T15:00+00:00 2026-01-07T12:00+00:00 carla override 0',
      '2026-01-07T12:00+00:00 2026-01-08T00:00+00:00 anna primary',
    ]);
  });

  it('holds where no layer has anyone: before the rotation starts, and outside restrictions', () => {
    const schedule: Schedule = {
      name: 'office',
      timeZone: 'Europe/Amsterdam',
      layers: [
        {
          name: 'office',
          members: ['anna'],
          start: '2026-01-05T09:00',
          shiftLength: WEEK,
          restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
        },
      ],
      overrides: [
        { user: 'dave', start: '2026-01-04T20:00:00+01:00', end: '2026-01-05T10:00:00+01:00' },
        { user: 'erik', start: '2026-01-10T10:00:00+01:00', end: '2026-01-10T12:00:00+01:00' },
      ],
    };
    expect(shiftsIn(schedule, '2026-01-04T00:00+01:00', '2026-01-11T00:00+01:00')).toEqual([
      '2026-01-04T00:00+01:00 2026-01-04T20:00+01:00 - -',
      '2026-01-04T20:00+01:00 2026-01-05T10:00+01:00 dave override 0',
      '2026-01-05T10:00+01:00 2026-01-05T17:00+01:00 anna office',
      '2026-01-05T17:00+01:00 2026-01-06T09:00+01:00 - -',
      '2026-01-06T09:00+01:00 2026-01-06T17:00+01:00 anna office',
      '2026-01-06T17:00+01:00 2026-01-07T09:00+01:00 - -',
      '2026-01-07T09:00+01:00 2026-01-07T17:00+01:00 anna office',
      '2026-01-07T17:00+01:00 2026-01-08T09:00+01:00 - -',
      '2026-01-08T09:00+01:00 2026-01-08T17:00+01:00 anna office',
      '2026-01-08T17:00+01:00 2026-01-09T09:00+01:00 - -',
      '2026-01-09T09:00+01:00 2026-01-09T17:00+01:00 anna office',
      '2026-01-09T17:00+01:00 2026-01-10T10:00+01:00 - -',
      '2026-01-10T10:00+01:00 2026-01-10T12:00+01:00 erik override 1',
      '2026-01-10T12:00+01:00 2026-01-11T00:00+01:00 - -',
    ]);
  });

  it('lets a later override win over an earlier one, and keeps a layer and an override of the same user apart', () => {
    const schedule: Schedule = {
      ...daily,
      overrides: [
        { user: 'carla', start: '2026-01-06T10:00:00Z', end: '2026-01-06T20:00:00Z' },
        { user: 'dave', start: '2026-01-06T12:00:00Z', end: '2026-01-06T14:00:00Z' },
        { user: 'bram', start: '2026-01-06T20:00:00Z', end: '2026-01-06T22:00:00Z' },
      ],
    };
    expect(shiftsIn(schedule, '2026-01-06T09:00Z', '2026-01-07T09:00Z')).toEqual([
      '2026-01-06T09:00+00:00 2026-01-06T10:00+00:00 bram primary',
      '2026-01-06T10:00+00:00 2026-01-06T12:00+00:00 carla override 0',
      '2026-01-06T12:00+00:00 2026-01-06T14:00+00:00 dave override 1',
      '2026-01-06T14:00+00:00 2026-01-06T20:00+00:00 carla override 0',
      '2026-01-06T20:00+00:00 2026-01-06T22:00+00:00 bram override 2',
      '2026-01-06T22:00+00:00 2026-01-07T09:00+00:00 bram primary',
    ]);
  });

  it('clips an override that starts before the range and ends after it', () => {
    const schedule: Schedule = {
      ...daily,
      overrides: [{ user: 'carla', start: '2025-12-01T00:00:00Z', end: '2026-02-01T00:00:00Z' }],
    };
    expect(shiftsIn(schedule, '2026-01-06T00:00Z', '2026-01-07T00:00Z')).toEqual([
      '2026-01-06T00:00+00:00 2026-01-07T00:00+00:00 carla override 0',
    ]);
  });
});

describe('shiftsBetween: ranges', () => {
  const daily = rotation('UTC', '2026-01-05T09:00', DAY, ['anna', 'bram']);

  it('is empty for an empty range and refuses a reversed or impossible one', () => {
    const at = instant('2026-01-06T00:00Z');
    expect(shiftsBetween(daily, at, at)).toEqual([]);
    expect(() => shiftsBetween(daily, at, at - 1)).toThrow(/is before fromMs/);
    expect(() => shiftsBetween(daily, Number.NaN, at)).toThrow(/not an epoch time/);
    expect(() => shiftsBetween(daily, at, 1e16)).toThrow(/not an epoch time/);
  });

  it('refuses a schedule the schema would have refused, naming the field', () => {
    const broken = (change: Partial<Schedule['layers'][number]>): Schedule => ({
      name: 'broken',
      timeZone: 'UTC',
      layers: [
        {
          name: 'primary',
          members: ['anna'],
          start: '2026-01-05T09:00',
          shiftLength: DAY,
          ...change,
        },
      ],
    });
    const at = instant('2026-01-06T00:00Z');
    expect(() => shiftsBetween(broken({ start: '2026-02-30T09:00' }), at, at + 1)).toThrow(
      'schedule "broken": layers[0].start: "2026-02-30T09:00" is not a date in the calendar',
    );
    expect(() => shiftsBetween(broken({ timeZone: 'Mars/Olympus' }), at, at + 1)).toThrow(
      'layers[0].timeZone: unknown time zone "Mars/Olympus"',
    );
    expect(() => shiftsBetween(broken({ members: [] }), at, at + 1)).toThrow(
      'layers[0].members: no members',
    );
    expect(() => shiftsBetween(broken({ shiftLength: 0 }), at, at + 1)).toThrow(
      'layers[0].shiftLength',
    );
    expect(() => shiftsBetween(broken({ end: '2026-01-05T09:00' }), at, at + 1)).toThrow(
      'layers[0].end: not after start',
    );
    expect(() => shiftsBetween(broken({ restrictions: [] }), at, at + 1)).toThrow(
      'layers[0].restrictions: empty',
    );
    expect(() =>
      shiftsBetween(
        {
          ...broken({}),
          overrides: [{ user: 'x', start: '2026-01-05T09:00', end: '2026-01-06T09:00Z' }],
        },
        at,
        at + 1,
      ),
    ).toThrow('overrides[0].start: "2026-01-05T09:00" has no offset');
  });
});

describe('onCallAt', () => {
  const weekly = rotation('Europe/Amsterdam', '2026-03-23T09:00', WEEK, ['anna', 'bram']);

  it('says who is on call, from which layer, since and until when', () => {
    expect(onCallAt(weekly, instant('2026-03-25T12:00+01:00'))).toEqual({
      user: 'anna',
      source: { kind: 'layer', index: 0, layer: 'primary' },
      sinceMs: instant('2026-03-23T09:00+01:00'),
      untilMs: instant('2026-03-30T09:00+02:00'),
    });
  });

  it('counts a hand-off instant as the new shift', () => {
    expect(onCallAt(weekly, instant('2026-03-30T09:00+02:00'))).toMatchObject({ user: 'bram' });
    expect(onCallAt(weekly, instant('2026-03-30T09:00+02:00') - 1)).toMatchObject({ user: 'anna' });
  });

  it('says no one, and until when, before the rotation starts', () => {
    expect(onCallAt(weekly, instant('2026-03-20T12:00+01:00'))).toEqual({
      user: null,
      source: null,
      sinceMs: null,
      untilMs: instant('2026-03-23T09:00+01:00'),
    });
  });

  it('names the override that decides', () => {
    const schedule: Schedule = {
      ...weekly,
      overrides: [
        {
          user: 'carla',
          start: '2026-03-24T08:00:00Z',
          end: '2026-03-24T10:00:00Z',
          reason: 'dentist',
        },
      ],
    };
    expect(onCallAt(schedule, instant('2026-03-24T09:00Z'))).toEqual({
      user: 'carla',
      source: { kind: 'override', index: 0, reason: 'dentist' },
      sinceMs: instant('2026-03-24T08:00Z'),
      untilMs: instant('2026-03-24T10:00Z'),
    });
  });

  it('gives null bounds beyond the horizon: a rotation of one never hands off', () => {
    const alone = rotation('UTC', '2026-01-05T09:00', DAY, ['anna']);
    expect(onCallAt(alone, instant('2026-06-01T00:00Z'))).toMatchObject({
      user: 'anna',
      sinceMs: instant('2026-01-05T09:00Z'),
      untilMs: null,
    });
    expect(
      onCallAt(alone, instant('2026-06-01T00:00Z'), { horizonMs: 30 * DAY * 60_000 }),
    ).toMatchObject({
      user: 'anna',
      sinceMs: null,
      untilMs: null,
    });
    expect(() => onCallAt(alone, 0, { horizonMs: -1 })).toThrow(/horizonMs/);
  });

  it('says no one for good after the last layer ends', () => {
    const ended: Schedule = {
      name: 'ended',
      timeZone: 'UTC',
      layers: [
        {
          name: 'primary',
          members: ['anna'],
          start: '2026-01-01T00:00',
          end: '2026-02-01T00:00',
          shiftLength: DAY,
        },
      ],
    };
    expect(onCallAt(ended, instant('2026-03-01T00:00Z'))).toEqual({
      user: null,
      source: null,
      sinceMs: instant('2026-02-01T00:00Z'),
      untilMs: null,
    });
  });
});
