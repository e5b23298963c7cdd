import { describe, expect, it } from 'vitest';
import { calendarShiftsBetween } from './calendar-feed.js';
import type { Schedule } from './model.js';
import { shiftsBetween } from './schedule.js';
import { DAY, instant } from './test-support.js';

const schedule: Schedule = {
  name: 'payments',
  timeZone: 'Europe/Amsterdam',
  layers: [
    {
      name: 'primary',
      members: ['anna', 'bram'],
      start: '2026-10-19T09:00',
      shiftLength: 7 * DAY,
    },
    {
      name: 'office',
      members: ['carla'],
      start: '2026-10-19T09:00',
      shiftLength: DAY,
      restrictions: [{ days: ['sat'], from: '10:00', to: '12:00' }],
    },
  ],
  overrides: [
    {
      user: 'dave',
      start: '2026-10-22T18:00:00+02:00',
      end: '2026-10-23T08:00:00+02:00',
      reason: 'covers for anna',
    },
  ],
};

const iso = (ms: number) => new Date(ms).toISOString();

describe('calendarShiftsBetween', () => {
  it('lists the shifts with someone on call, with uid, summary and description', () => {
    const events = calendarShiftsBetween(
      schedule,
      instant('2026-10-19T00:00+02:00'),
      instant('2026-10-27T00:00+01:00'),
    );
    expect(
      events.map(({ uid, startMs, endMs, summary, description }) => ({
        uid,
        start: iso(startMs),
        end: iso(endMs),
        summary,
        description,
      })),
    ).toEqual([
      {
        uid: 'payments/anna/2026-10-19T07:00:00.000Z@headroom',
        start: '2026-10-19T07:00:00.000Z',
        end: '2026-10-22T16:00:00.000Z',
        summary: 'On call: anna (payments)',
        description: 'Layer primary',
      },
      {
        uid: 'payments/dave/2026-10-22T16:00:00.000Z@headroom',
        start: '2026-10-22T16:00:00.000Z',
        end: '2026-10-23T06:00:00.000Z',
        summary: 'On call: dave (payments)',
        description: 'Override: covers for anna',
      },
      {
        uid: 'payments/anna/2026-10-23T06:00:00.000Z@headroom',
        start: '2026-10-23T06:00:00.000Z',
        end: '2026-10-24T08:00:00.000Z',
        summary: 'On call: anna (payments)',
        description: 'Layer primary',
      },
      {
        uid: 'payments/carla/2026-10-24T08:00:00.000Z@headroom',
        start: '2026-10-24T08:00:00.000Z',
        end: '2026-10-24T10:00:00.000Z',
        summary: 'On call: carla (payments)',
        description: 'Layer office',
      },
      {
        // Anna's week ends on Monday at 09:00 local time, +01:00 since Sunday: 169 hours.
        uid: 'payments/anna/2026-10-24T10:00:00.000Z@headroom',
        start: '2026-10-24T10:00:00.000Z',
        end: '2026-10-26T08:00:00.000Z',
        summary: 'On call: anna (payments)',
        description: 'Layer primary',
      },
      {
        uid: 'payments/bram/2026-10-26T08:00:00.000Z@headroom',
        start: '2026-10-26T08:00:00.000Z',
        end: '2026-10-26T23:00:00.000Z',
        summary: 'On call: bram (payments)',
        description: 'Layer primary',
      },
    ]);
  });

  it('has exactly the instants of shiftsBetween', () => {
    const from = instant('2026-10-19T00:00+02:00');
    const to = instant('2026-11-19T00:00+01:00');
    const events = calendarShiftsBetween(schedule, from, to);
    const shifts = shiftsBetween(schedule, from, to).filter((shift) => shift.user !== null);
    expect(events.map((event) => [event.startMs, event.endMs, event.user, event.source])).toEqual(
      shifts.map((shift) => [shift.startMs, shift.endMs, shift.user, shift.source]),
    );
  });

  it("gives one user's shifts for a personal feed", () => {
    const events = calendarShiftsBetween(
      schedule,
      instant('2026-10-19T00:00+02:00'),
      instant('2026-10-27T00:00+01:00'),
      { user: 'dave' },
    );
    expect(events.map((event) => [event.user, iso(event.startMs), iso(event.endMs)])).toEqual([
      ['dave', '2026-10-22T16:00:00.000Z', '2026-10-23T06:00:00.000Z'],
    ]);
    expect(
      calendarShiftsBetween(
        schedule,
        instant('2026-10-19T00:00+02:00'),
        instant('2026-10-27T00:00+01:00'),
        {
          user: 'nobody-here',
        },
      ),
    ).toEqual([]);
  });

  it('keeps the uid of a shift the range cuts, so that a moving feed updates the event', () => {
    const whole = calendarShiftsBetween(
      schedule,
      instant('2026-10-26T00:00+01:00'),
      instant('2026-10-27T00:00+01:00'),
    );
    const cut = calendarShiftsBetween(
      schedule,
      instant('2026-10-26T12:00+01:00'),
      instant('2026-10-27T00:00+01:00'),
    );
    expect(cut[0]?.startMs).toBe(instant('2026-10-26T12:00+01:00'));
    expect(cut[0]?.uid).toBe('payments/bram/2026-10-26T08:00:00.000Z@headroom');
    expect(cut[0]?.uid).toBe(whole[whole.length - 1]?.uid);
  });
});
