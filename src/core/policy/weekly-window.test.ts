import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { WeeklyTime } from './model.js';
import { at } from './test-support.js';
import {
  formatWeeklyTime,
  minuteOfWeek,
  parseWeeklyTime,
  WeeklyWindow,
  windowLengthMinutes,
} from './weekly-window.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MINUTES = 7 * 24 * 60;

function weekly(text: string): WeeklyTime {
  const parsed = parseWeeklyTime(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.time;
}

function window(from: string, to: string, timeZone: string): WeeklyWindow {
  return new WeeklyWindow({ from: weekly(from), to: weekly(to), timeZone });
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('parseWeeklyTime', () => {
  it.each<[string, WeeklyTime]>([
    ['Fri 16:00', { day: 5, minute: 960 }],
    ['Mon 08:00', { day: 1, minute: 480 }],
    ['monday 8:00', { day: 1, minute: 480 }],
    ['SUN 23:59', { day: 7, minute: 1439 }],
    ['  Wed 00:00 ', { day: 3, minute: 0 }],
    ['Saturday   12:30', { day: 6, minute: 750 }],
  ])('reads %j', (text, time) => {
    expect(parseWeeklyTime(text)).toEqual({ ok: true, time });
  });

  it.each([
    ['Fri', 'cannot read "Fri"'],
    ['16:00 Fri', 'cannot read "16:00 Fri"'],
    ['Fry 16:00', 'unknown day "Fry"'],
    ['Fri 24:00', 'is not a time of day'],
    ['Fri 16:60', 'is not a time of day'],
    ['Fri 4pm', 'cannot read'],
    ['', 'cannot read'],
  ])('refuses %j saying %s', (text, reason) => {
    const parsed = parseWeeklyTime(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('formats what it reads back to the canonical text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 1439 }),
        (day, minute) => {
          const time = { day, minute };
          expect(parseWeeklyTime(formatWeeklyTime(time))).toEqual({ ok: true, time });
        },
      ),
    );
  });

  it('measures windows on the wall clock, wrapping over the end of the week', () => {
    expect(windowLengthMinutes(weekly('Fri 16:00'), weekly('Mon 08:00'))).toBe(64 * 60);
    expect(windowLengthMinutes(weekly('Mon 08:00'), weekly('Fri 16:00'))).toBe(104 * 60);
    expect(windowLengthMinutes(weekly('Fri 16:00'), weekly('Fri 16:00'))).toBe(0);
  });

  it('refuses an empty window', () => {
    expect(() => window('Fri 16:00', 'Fri 16:00', 'UTC')).toThrow(/is empty/);
  });

  it('refuses an unknown zone', () => {
    expect(() => window('Fri 16:00', 'Mon 08:00', 'Europe/Amsterdan')).toThrow(
      /unknown time zone "Europe\/Amsterdan"/,
    );
  });
});

describe('WeeklyWindow: Fri 16:00 to Mon 08:00 Europe/Amsterdam', () => {
  const weekend = () => window('Fri 16:00', 'Mon 08:00', 'Europe/Amsterdam');

  it('lasts 65 hours over the weekend the clocks go back (2026-10-23 to 26)', () => {
    const segment = weekend().segmentAt(at('2026-10-24T12:00:00+02:00'));
    expect(segment.inside).toBe(true);
    expect(iso(segment.startMs)).toBe('2026-10-23T14:00:00.000Z'); // Fri 16:00 CEST
    expect(iso(segment.endMs)).toBe('2026-10-26T07:00:00.000Z'); // Mon 08:00 CET
    expect((segment.endMs - segment.startMs) / HOUR_MS).toBe(65);
  });

  it('lasts 63 hours over the weekend the clocks go forward (2026-03-27 to 30)', () => {
    const segment = weekend().segmentAt(at('2026-03-28T12:00:00+01:00'));
    expect(segment.inside).toBe(true);
    expect(iso(segment.startMs)).toBe('2026-03-27T15:00:00.000Z'); // Fri 16:00 CET
    expect(iso(segment.endMs)).toBe('2026-03-30T06:00:00.000Z'); // Mon 08:00 CEST
    expect((segment.endMs - segment.startMs) / HOUR_MS).toBe(63);
  });

  it('lasts 64 hours on an ordinary weekend', () => {
    const segment = weekend().segmentAt(at('2026-06-13T12:00:00+02:00'));
    expect((segment.endMs - segment.startMs) / HOUR_MS).toBe(64);
  });

  it('holds deploys during both passes of the repeated hour', () => {
    const frozen = weekend();
    expect(frozen.segmentAt(at('2026-10-25T02:30:00+02:00')).inside).toBe(true);
    expect(frozen.segmentAt(at('2026-10-25T02:30:00+01:00')).inside).toBe(true);
  });

  it('starts at Friday 16:00 and ends at Monday 08:00, to the millisecond', () => {
    const start = at('2026-10-23T16:00:00+02:00');
    const end = at('2026-10-26T08:00:00+01:00');
    // A fresh window per lookup: no remembered segment can answer for another.
    expect(weekend().segmentAt(start - 1).inside).toBe(false);
    expect(weekend().segmentAt(start).inside).toBe(true);
    expect(weekend().segmentAt(end - 1).inside).toBe(true);
    expect(weekend().segmentAt(end).inside).toBe(false);
  });

  it('between weekends, gives the gap from Monday 08:00 to Friday 16:00', () => {
    const segment = weekend().segmentAt(at('2026-10-28T12:00:00+01:00'));
    expect(segment).toEqual({
      inside: false,
      startMs: at('2026-10-26T08:00:00+01:00'),
      endMs: at('2026-10-30T16:00:00+01:00'),
    });
  });
});

describe('WeeklyWindow: boundaries inside the DST change', () => {
  it('a start the clock skips begins when the clock jumps (Sun 02:30, 2026-03-29)', () => {
    const segment = window('Sun 02:30', 'Sun 04:00', 'Europe/Amsterdam').segmentAt(
      at('2026-03-29T03:30:00+02:00'),
    );
    expect(segment).toEqual({
      inside: true,
      startMs: at('2026-03-29T03:00:00+02:00'),
      endMs: at('2026-03-29T04:00:00+02:00'),
    });
  });

  it('a start the clock shows twice begins at its first showing (Sun 02:30, 2026-10-25)', () => {
    const frozen = window('Sun 02:30', 'Sun 04:00', 'Europe/Amsterdam');
    const expected = {
      inside: true,
      startMs: at('2026-10-25T02:30:00+02:00'),
      endMs: at('2026-10-25T04:00:00+01:00'),
    };
    // 02:10 on the second pass reads before the start, but comes after it.
    expect(frozen.segmentAt(at('2026-10-25T02:10:00+01:00'))).toEqual(expected);
    expect(
      window('Sun 02:30', 'Sun 04:00', 'Europe/Amsterdam').segmentAt(expected.startMs - 1),
    ).toMatchObject({ inside: false, endMs: expected.startMs });
    expect((expected.endMs - expected.startMs) / HOUR_MS).toBe(2.5);
  });

  it('a night window over the spring change lasts one hour, over the autumn change three', () => {
    const night = () => window('Sun 01:30', 'Sun 03:30', 'Europe/Amsterdam');
    const spring = night().segmentAt(at('2026-03-29T01:45:00+01:00'));
    expect((spring.endMs - spring.startMs) / HOUR_MS).toBe(1);
    const autumn = night().segmentAt(at('2026-10-25T01:45:00+02:00'));
    expect((autumn.endMs - autumn.startMs) / HOUR_MS).toBe(3);
  });

  it.each([
    // US DST ends 2026-11-01 and starts 2026-03-08.
    ['America/New_York', '2026-10-31T12:00:00-04:00', 65],
    ['America/New_York', '2026-03-07T12:00:00-05:00', 63],
    // Southern hemisphere: Sydney's clocks go back on 2026-04-05 and forward on 2026-10-04.
    ['Australia/Sydney', '2026-04-04T12:00:00+11:00', 65],
    ['Australia/Sydney', '2026-10-03T12:00:00+10:00', 63],
    // Lord Howe moves its clocks by half an hour.
    ['Australia/Lord_Howe', '2026-04-04T12:00:00+11:00', 64.5],
    ['Asia/Kolkata', '2026-10-24T12:00:00+05:30', 64],
  ])('Fri 16:00 to Mon 08:00 in %s around %s lasts %d hours', (zone, instant, hours) => {
    const segment = window('Fri 16:00', 'Mon 08:00', zone).segmentAt(at(instant));
    expect(segment.inside).toBe(true);
    expect((segment.endMs - segment.startMs) / HOUR_MS).toBe(hours);
  });
});

// Zones with DST at 02:00 or 03:00 (north and south), at midnight (Santiago), of
// half an hour (Lord Howe), with a half-hour offset (St John's, Kolkata), and none.
const ZONES = [
  'Europe/Amsterdam',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/St_Johns',
  'Asia/Kolkata',
  'UTC',
] as const;

const FROM_MS = at('2020-01-01T00:00:00Z');
const TO_MS = at('2035-01-01T00:00:00Z');

const weeklyTimes = fc.record({
  day: fc.integer({ min: 1, max: 7 }),
  minute: fc.integer({ min: 0, max: 1439 }),
});
const windows = fc
  .record({ from: weeklyTimes, to: weeklyTimes, timeZone: fc.constantFrom(...ZONES) })
  .filter(({ from, to }) => windowLengthMinutes(from, to) > 0);
const instants = fc.integer({ min: FROM_MS, max: TO_MS });

/** The independent reading: is the local wall clock within [from, to) of the week? */
function insideByWallClock(
  spec: { from: WeeklyTime; to: WeeklyTime; timeZone: string },
  ms: number,
) {
  const local = DateTime.fromMillis(ms, { zone: spec.timeZone });
  const minute = (local.weekday - 1) * 24 * 60 + local.hour * 60 + local.minute;
  const length = windowLengthMinutes(spec.from, spec.to);
  const sinceStart =
    (((minute - minuteOfWeek(spec.from)) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  return sinceStart < length;
}

function offsetSteady(timeZone: string, ms: number, aroundMs: number): boolean {
  const zone = IANAZone.create(timeZone);
  return zone.offset(ms - aroundMs) === zone.offset(ms + aroundMs);
}

describe('WeeklyWindow: properties over zones with and without DST', () => {
  it('an instant is frozen exactly when its local wall clock is within the window', () => {
    // Near an offset change a wall reading names two instants or none; the
    // examples above pin those down. Everywhere else the wall clock decides.
    fc.assert(
      fc.property(windows, instants, (spec, ms) => {
        fc.pre(offsetSteady(spec.timeZone, ms, 3 * HOUR_MS));
        expect(new WeeklyWindow(spec).segmentAt(ms).inside).toBe(insideByWallClock(spec, ms));
      }),
      { numRuns: 2000 },
    );
  });

  it('every segment holds its instant, and flips state exactly at its ends', () => {
    fc.assert(
      fc.property(windows, instants, (spec, ms) => {
        const segment = new WeeklyWindow(spec).segmentAt(ms);
        expect(segment.startMs).toBeLessThanOrEqual(ms);
        expect(ms).toBeLessThan(segment.endMs);
        const stateAt = (instant: number) => new WeeklyWindow(spec).segmentAt(instant).inside;
        expect(stateAt(segment.startMs)).toBe(segment.inside);
        expect(stateAt(segment.endMs - 1)).toBe(segment.inside);
        expect(stateAt(segment.startMs - 1)).toBe(!segment.inside);
        expect(stateAt(segment.endMs)).toBe(!segment.inside);
      }),
      { numRuns: 500 },
    );
  });

  it('an occurrence lasts its wall-clock length, give or take the offset change inside it', () => {
    fc.assert(
      fc.property(windows, instants, (spec, ms) => {
        const segment = new WeeklyWindow(spec).segmentAt(ms);
        fc.pre(segment.inside);
        const zone = IANAZone.create(spec.timeZone);
        // Boundaries away from offset changes are read exactly once.
        fc.pre(offsetSteady(spec.timeZone, segment.startMs, 3 * HOUR_MS));
        fc.pre(offsetSteady(spec.timeZone, segment.endMs, 3 * HOUR_MS));
        const shiftMs = (zone.offset(segment.endMs) - zone.offset(segment.startMs)) * 60_000;
        expect(segment.endMs - segment.startMs).toBe(
          windowLengthMinutes(spec.from, spec.to) * 60_000 - shiftMs,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('remembering the last segment changes no answer', () => {
    fc.assert(
      fc.property(windows, fc.array(instants, { minLength: 1, maxLength: 20 }), (spec, list) => {
        const remembering = new WeeklyWindow(spec);
        // Nearby instants too, so that many lookups fall in the remembered segment.
        const lookups = list.flatMap((ms) => [ms, ms + HOUR_MS, ms - 7 * HOUR_MS]);
        for (const ms of lookups) {
          expect(remembering.segmentAt(ms)).toEqual(new WeeklyWindow(spec).segmentAt(ms));
          // A look ahead between two, as a freeze's end is looked up.
          const ahead = ms + 3 * DAY_MS;
          expect(remembering.segmentAhead(ahead)).toEqual(new WeeklyWindow(spec).segmentAt(ahead));
        }
      }),
      { numRuns: 200 },
    );
  });
});
