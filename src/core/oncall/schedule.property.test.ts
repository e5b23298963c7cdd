// The schedule engine against a deliberately naive reference: it walks every turn
// of a rotation from its start, resolves local readings through luxon's offsets at
// instants (test-support.ts), and answers for one instant at a time. Between the
// instants at which something can change (hand-offs, window ends, layer and
// override bounds) its answer is constant, so asking it at each of those instants
// gives its whole timeline, which must equal shiftsBetween's.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { calendarShiftsBetween } from './calendar-feed.js';
import type { Layer, Override, Restriction, Schedule, ScheduleShift, Weekday } from './model.js';
import { WEEKDAYS } from './model.js';
import { layerShiftsBetween, onCallAt, shiftsBetween } from './schedule.js';
import { ZONES, offsetChanges, referenceInstant, sourceLabel } from './test-support.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Who is on call, with the source as text: `layer-name`, `override 2`, or `-`. */
interface Answer {
  readonly user: string | null;
  readonly source: string;
}

interface Piece extends Answer {
  readonly startMs: number;
  readonly endMs: number;
}

const NOBODY: Answer = { user: null, source: '-' };

/** A local date-time or time of day read by luxon as a wall value (UTC fields). */
const wallOf = (text: string): number => DateTime.fromISO(text, { zone: 'UTC' }).toMillis();
const minutesOf = (time: string): number => {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return hour * 60 + minute;
};
const DAY_NAMES: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

class ReferenceLayer {
  readonly zone: string;
  readonly startMs: number;
  readonly endMs: number;
  private readonly startWall: number;
  /** Hand-off instants of turns 0, 1, 2, … as far as walked. */
  private readonly handoffs: number[] = [];

  constructor(
    readonly layer: Layer,
    scheduleZone: string,
    private readonly instantOf: (zone: string, wallMs: number) => number,
  ) {
    this.zone = layer.timeZone ?? scheduleZone;
    this.startWall = wallOf(layer.start);
    this.startMs = instantOf(this.zone, this.startWall);
    this.endMs =
      layer.end === undefined ? Number.POSITIVE_INFINITY : instantOf(this.zone, wallOf(layer.end));
  }

  /** The wall reading of hand-off k: start plus k shifts, on the local clock. */
  private wall(turn: number): number {
    return this.startWall + turn * this.layer.shiftLength * MINUTE;
  }

  /** Walks the hand-offs from the first up to readings a day past `untilMs`. */
  private walk(untilMs: number): readonly number[] {
    while (this.wall(this.handoffs.length) <= untilMs + DAY) {
      this.handoffs.push(this.instantOf(this.zone, this.wall(this.handoffs.length)));
    }
    return this.handoffs;
  }

  /** The member on call at t: the latest turn (by number) whose hand-off has happened. */
  userAt(t: number): string | null {
    if (t < this.startMs || t >= this.endMs || !this.inWindow(t)) return null;
    let turn = -1;
    this.walk(t).forEach((handoff, k) => {
      if (handoff <= t) turn = k;
    });
    return this.layer.members[turn % this.layer.members.length] ?? null;
  }

  private windowsOfDay(midnight: number): [number, number][] {
    const day = DAY_NAMES[new Date(midnight).getUTCDay()];
    return (this.layer.restrictions ?? [])
      .filter((restriction) => day !== undefined && restriction.days.includes(day))
      .map((restriction) => {
        const from = minutesOf(restriction.from);
        const to = minutesOf(restriction.to);
        const end = to > from ? to : to + 24 * 60;
        return [
          this.instantOf(this.zone, midnight + from * MINUTE),
          this.instantOf(this.zone, midnight + end * MINUTE),
        ];
      });
  }

  private inWindow(t: number): boolean {
    if (this.layer.restrictions === undefined) return true;
    const here = DateTime.fromMillis(t, { zone: this.zone });
    const today = Date.UTC(here.year, here.month - 1, here.day);
    for (let days = -2; days <= 1; days++) {
      for (const [start, end] of this.windowsOfDay(today + days * DAY)) {
        if (start <= t && t < end) return true;
      }
    }
    return false;
  }

  /** Every instant in [fromMs, toMs) at which this layer's answer may change. */
  changes(fromMs: number, toMs: number): number[] {
    const found = [this.startMs, this.endMs, ...this.walk(toMs)];
    if (this.layer.restrictions !== undefined) {
      for (
        let midnight = Math.floor(fromMs / DAY) * DAY - 3 * DAY;
        midnight < toMs + 2 * DAY;
        midnight += DAY
      ) {
        for (const [start, end] of this.windowsOfDay(midnight)) found.push(start, end);
      }
    }
    return found.filter((t) => t >= fromMs && t < toMs);
  }
}

class Reference {
  readonly layers: ReferenceLayer[];
  private readonly memo = new Map<string, number>();

  constructor(readonly schedule: Schedule) {
    const instantOf = (zone: string, wallMs: number) => {
      const key = `${zone} ${wallMs}`;
      let known = this.memo.get(key);
      if (known === undefined) {
        known = referenceInstant(zone, wallMs);
        this.memo.set(key, known);
      }
      return known;
    };
    this.layers = schedule.layers.map(
      (layer) => new ReferenceLayer(layer, schedule.timeZone, instantOf),
    );
  }

  at(t: number): Answer {
    const overrides = this.schedule.overrides ?? [];
    for (let index = overrides.length - 1; index >= 0; index--) {
      const override = overrides[index];
      if (
        override !== undefined &&
        Date.parse(override.start) <= t &&
        t < Date.parse(override.end)
      ) {
        return { user: override.user, source: `override ${index}` };
      }
    }
    for (let index = this.layers.length - 1; index >= 0; index--) {
      const layer = this.layers[index];
      const user = layer?.userAt(t) ?? null;
      if (layer !== undefined && user !== null) return { user, source: layer.layer.name };
    }
    return NOBODY;
  }

  /** The answers from fromMs to toMs as pieces, equal neighbours merged. */
  timeline(
    fromMs: number,
    toMs: number,
    answer: (t: number) => Answer,
    changes: number[],
  ): Piece[] {
    const points = [...new Set([fromMs, ...changes])].sort((a, b) => a - b);
    const pieces: Piece[] = [];
    points.forEach((startMs, index) => {
      const endMs = points[index + 1] ?? toMs;
      const here = answer(startMs);
      const previous = pieces[pieces.length - 1];
      if (
        previous !== undefined &&
        previous.user === here.user &&
        previous.source === here.source
      ) {
        pieces[pieces.length - 1] = { ...previous, endMs };
      } else {
        pieces.push({ startMs, endMs, ...here });
      }
    });
    return pieces;
  }

  scheduleTimeline(fromMs: number, toMs: number): Piece[] {
    const changes = this.layers.flatMap((layer) => layer.changes(fromMs, toMs));
    for (const override of this.schedule.overrides ?? []) {
      changes.push(Date.parse(override.start), Date.parse(override.end));
    }
    return this.timeline(
      fromMs,
      toMs,
      (t) => this.at(t),
      changes.filter((t) => t >= fromMs && t < toMs),
    );
  }
}

const asPieces = (shifts: readonly ScheduleShift[]): Piece[] =>
  shifts.map((shift) => ({
    startMs: shift.startMs,
    endMs: shift.endMs,
    user: shift.user,
    source: sourceLabel(shift.source),
  }));

// ---------------------------------------------------------------------------
// Random schedules around the offset changes of 2026 (or anywhere in 2026).

const zone = fc.constantFrom(...ZONES);
const anchor = fc.oneof(
  fc
    .tuple(zone, fc.nat(), fc.integer({ min: -3 * DAY, max: 3 * DAY }))
    .map(([name, which, away]) => {
      const changes = offsetChanges(name, 2026);
      return (changes[which % Math.max(1, changes.length)] ?? Date.UTC(2026, 5, 1)) + away;
    }),
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
);
const TIMES = [
  '00:00',
  '00:30',
  '01:00',
  '01:30',
  '02:00',
  '02:30',
  '02:45',
  '03:00',
  '09:00',
  '17:00',
  '23:00',
  '23:30',
];
const time = fc.constantFrom(...TIMES);
const restriction: fc.Arbitrary<Restriction> = fc
  .record({
    days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    from: time,
    to: fc.constantFrom(...TIMES, '24:00'),
  })
  .filter((window) => window.from !== window.to);
const member = fc.constantFrom('ann', 'bob', 'cas', 'dee');

function layerAt(anchorMs: number, index: number) {
  return fc
    .record({
      members: fc.array(member, { minLength: 1, maxLength: 4 }),
      daysBefore: fc.integer({ min: 0, max: 12 }),
      time,
      shiftLength: fc.constantFrom(
        30,
        60,
        90,
        120,
        8 * 60,
        12 * 60,
        24 * 60,
        36 * 60,
        48 * 60,
        7 * 24 * 60,
      ),
      timeZone: fc.option(zone, { nil: undefined }),
      restrictions: fc.option(fc.array(restriction, { minLength: 1, maxLength: 2 }), {
        nil: undefined,
      }),
      endAfterDays: fc.option(fc.integer({ min: 1, max: 14 }), { nil: undefined }),
    })
    .map((drawn): Layer => {
      const day = DateTime.fromMillis(anchorMs - drawn.daysBefore * DAY, { zone: 'UTC' });
      const start = `${day.toISODate() ?? ''}T${drawn.time}`;
      const end =
        drawn.endAfterDays === undefined
          ? undefined
          : `${day.plus({ days: drawn.endAfterDays }).toISODate() ?? ''}T${drawn.time}`;
      return {
        name: `layer-${index}`,
        members: drawn.members,
        start,
        end,
        shiftLength: drawn.shiftLength,
        timeZone: drawn.timeZone,
        restrictions: drawn.restrictions,
      };
    });
}

function overrideAt(anchorMs: number): fc.Arbitrary<Override> {
  return fc
    .record({
      user: fc.constantFrom('ann', 'eve'),
      away: fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }),
      minutes: fc.integer({ min: 1, max: 48 * 60 }),
    })
    .map(({ user, away, minutes }) => ({
      user,
      start: new Date(anchorMs + away * MINUTE).toISOString(),
      end: new Date(anchorMs + (away + minutes) * MINUTE).toISOString(),
    }));
}

const scheduleAround = anchor.chain((anchorMs) =>
  fc
    .record({
      timeZone: zone,
      layers: fc
        .integer({ min: 1, max: 4 })
        .chain((count) =>
          fc.tuple(...Array.from({ length: count }, (_, index) => layerAt(anchorMs, index))),
        ),
      overrides: fc.array(overrideAt(anchorMs), { maxLength: 3 }),
    })
    .map((spec): { schedule: Schedule; anchorMs: number } => ({
      schedule: { name: 'random', ...spec },
      anchorMs,
    })),
);

describe('shiftsBetween against the naive reference', () => {
  it('gives at every instant exactly who the reference says, merged into maximal pieces', () => {
    fc.assert(
      fc.property(scheduleAround, ({ schedule, anchorMs }) => {
        const fromMs = anchorMs - 2 * DAY;
        const toMs = anchorMs + 2 * DAY;
        const actual = asPieces(shiftsBetween(schedule, fromMs, toMs));
        expect(actual).toEqual(new Reference(schedule).scheduleTimeline(fromMs, toMs));
      }),
      { numRuns: 200 },
    );
  });

  it("gives each layer's own shifts as the reference walks them", () => {
    fc.assert(
      fc.property(scheduleAround, ({ schedule, anchorMs }) => {
        const fromMs = anchorMs - 2 * DAY;
        const toMs = anchorMs + 2 * DAY;
        const reference = new Reference(schedule);
        layerShiftsBetween(schedule, fromMs, toMs).forEach((timeline, index) => {
          const layer = reference.layers[index];
          if (layer === undefined) throw new Error(`no layer ${index}`);
          const expected = reference
            .timeline(
              fromMs,
              toMs,
              (t) => ({ user: layer.userAt(t), source: '' }),
              layer.changes(fromMs, toMs),
            )
            .filter((piece) => piece.user !== null)
            .map(({ startMs, endMs, user }) => ({ startMs, endMs, user }));
          expect(timeline.shifts).toEqual(expected);
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('shiftsBetween: shape', () => {
  it('covers the range exactly with touching, non-empty pieces whose neighbours differ', () => {
    fc.assert(
      fc.property(
        scheduleAround,
        fc.integer({ min: -5 * DAY, max: 5 * DAY }),
        fc.integer({ min: 1, max: 30 * DAY }),
        ({ schedule }, start, length) => {
          const fromMs = Date.UTC(2026, 5, 1) + start;
          const toMs = fromMs + length;
          const shifts = shiftsBetween(schedule, fromMs, toMs);
          expect(shifts[0]?.startMs).toBe(fromMs);
          expect(shifts[shifts.length - 1]?.endMs).toBe(toMs);
          shifts.forEach((shift, index) => {
            expect(shift.startMs).toBeLessThan(shift.endMs);
            expect(shift.user === null).toBe(shift.source === null);
            const next = shifts[index + 1];
            if (next === undefined) return;
            expect(next.startMs).toBe(shift.endMs);
            expect(next.user !== shift.user || next.source !== shift.source).toBe(true);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('does not depend on the range asked: a piece of a short range is the clipped piece of a long one', () => {
    fc.assert(
      fc.property(
        scheduleAround,
        fc.integer({ min: -2 * DAY, max: 2 * DAY }),
        fc.integer({ min: 1, max: 2 * DAY }),
        ({ schedule, anchorMs }, start, length) => {
          const long = shiftsBetween(schedule, anchorMs - 3 * DAY, anchorMs + 5 * DAY);
          const fromMs = anchorMs + start;
          const toMs = fromMs + length;
          const clipped = long
            .filter((shift) => shift.endMs > fromMs && shift.startMs < toMs)
            .map((shift) => ({
              ...shift,
              startMs: Math.max(shift.startMs, fromMs),
              endMs: Math.min(shift.endMs, toMs),
            }));
          expect(shiftsBetween(schedule, fromMs, toMs)).toEqual(clipped);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('onCallAt', () => {
  it('is the piece of shiftsBetween that contains the instant, with its bounds', () => {
    fc.assert(
      fc.property(
        scheduleAround,
        fc.integer({ min: -2 * DAY, max: 2 * DAY }),
        ({ schedule, anchorMs }, away) => {
          const atMs = anchorMs + away;
          const fromMs = atMs - 20 * DAY;
          const toMs = atMs + 20 * DAY;
          const piece = shiftsBetween(schedule, fromMs, toMs).find(
            (shift) => shift.startMs <= atMs && atMs < shift.endMs,
          );
          const now = onCallAt(schedule, atMs);
          expect({ user: now.user, source: now.source }).toEqual({
            user: piece?.user,
            source: piece?.source,
          });
          if (piece === undefined) return;
          if (piece.startMs > fromMs) expect(now.sinceMs).toBe(piece.startMs);
          else expect(now.sinceMs === null || now.sinceMs <= fromMs).toBe(true);
          if (piece.endMs < toMs) expect(now.untilMs).toBe(piece.endMs);
          else expect(now.untilMs === null || now.untilMs >= toMs).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('calendarShiftsBetween', () => {
  it("has exactly shiftsBetween's instants for the pieces with someone on call, per schedule and per user", () => {
    fc.assert(
      fc.property(scheduleAround, member, ({ schedule, anchorMs }, user) => {
        const fromMs = anchorMs - DAY;
        const toMs = anchorMs + DAY;
        const shifts = shiftsBetween(schedule, fromMs, toMs).filter((shift) => shift.user !== null);
        const events = calendarShiftsBetween(schedule, fromMs, toMs);
        expect(events.map(({ startMs, endMs, user: who }) => [startMs, endMs, who])).toEqual(
          shifts.map(({ startMs, endMs, user: who }) => [startMs, endMs, who]),
        );
        expect(new Set(events.map((event) => event.uid)).size).toBe(events.length);
        const mine = calendarShiftsBetween(schedule, fromMs, toMs, { user });
        expect(mine).toEqual(events.filter((event) => event.user === user));
      }),
      { numRuns: 100 },
    );
  });
});
