// A schedule read once into numbers: wall values, instants and zone clocks. Every
// query on the same schedule object reuses it (schedules are immutable values).

import {
  DAY_MS,
  MINUTE_MS,
  WEEKDAYS,
  parseInstant,
  parseLocalDateTime,
  parseTimeOfDay,
} from './local-time.js';
import type { Parsed } from './local-time.js';
import type { Restriction, Schedule, ShiftSource } from './model.js';
import { ZoneClock } from './zone-clock.js';

/** A restriction window: on the days in `daysMask` (bit 0 Monday), from `fromMs` to `toMs` after local midnight. */
export interface CompiledWindow {
  readonly daysMask: number;
  readonly fromMs: number;
  /** After `fromMs`; past DAY_MS when the window ends the next day. */
  readonly toMs: number;
}

export interface CompiledLayer {
  readonly index: number;
  readonly name: string;
  readonly clock: ZoneClock;
  readonly members: readonly string[];
  readonly startWallMs: number;
  readonly shiftMs: number;
  /** The first hand-off. */
  readonly startMs: number;
  /** Where the layer stops; +Infinity when it does not. */
  readonly endMs: number;
  /** null: no restrictions, always on. */
  readonly windows: readonly CompiledWindow[] | null;
  readonly source: ShiftSource;
}

export interface CompiledOverride {
  readonly user: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly source: ShiftSource;
}

export interface CompiledSchedule {
  readonly name: string;
  readonly layers: readonly CompiledLayer[];
  /** In list order: a later one wins where they overlap. */
  readonly overrides: readonly CompiledOverride[];
}

const compiled = new WeakMap<Schedule, CompiledSchedule>();

export function compileSchedule(schedule: Schedule): CompiledSchedule {
  const known = compiled.get(schedule);
  if (known !== undefined) return known;
  const result = compile(schedule);
  compiled.set(schedule, result);
  return result;
}

function compile(schedule: Schedule): CompiledSchedule {
  const where = (path: string) => `schedule ${JSON.stringify(schedule.name)}: ${path}`;
  const scheduleClock = clockOf(schedule.timeZone, where('timeZone'));
  const layers = schedule.layers.map((layer, index): CompiledLayer => {
    const at = (field: string) => where(`layers[${index}].${field}`);
    const clock =
      layer.timeZone === undefined ? scheduleClock : clockOf(layer.timeZone, at('timeZone'));
    if (layer.members.length === 0) throw new RangeError(`${at('members')}: no members`);
    if (!Number.isSafeInteger(layer.shiftLength) || layer.shiftLength < 1) {
      throw new RangeError(
        `${at('shiftLength')}: ${layer.shiftLength} is not a whole number of minutes above 0`,
      );
    }
    const startWallMs = valueOf(parseLocalDateTime(layer.start), at('start'));
    let endMs = Number.POSITIVE_INFINITY;
    if (layer.end !== undefined) {
      const endWallMs = valueOf(parseLocalDateTime(layer.end), at('end'));
      if (endWallMs <= startWallMs) throw new RangeError(`${at('end')}: not after start`);
      endMs = clock.instantOf(endWallMs);
    }
    return {
      index,
      name: layer.name,
      clock,
      members: layer.members,
      startWallMs,
      shiftMs: layer.shiftLength * MINUTE_MS,
      startMs: clock.instantOf(startWallMs),
      endMs,
      windows:
        layer.restrictions === undefined
          ? null
          : compileWindows(layer.restrictions, at('restrictions')),
      source: { kind: 'layer', index, layer: layer.name },
    };
  });
  const overrides = (schedule.overrides ?? []).map((override, index): CompiledOverride => {
    const at = (field: string) => where(`overrides[${index}].${field}`);
    const startMs = valueOf(parseInstant(override.start), at('start'));
    const endMs = valueOf(parseInstant(override.end), at('end'));
    if (endMs <= startMs) throw new RangeError(`${at('end')}: not after start`);
    return {
      user: override.user,
      startMs,
      endMs,
      source: { kind: 'override', index, reason: override.reason },
    };
  });
  return { name: schedule.name, layers, overrides };
}

function compileWindows(restrictions: readonly Restriction[], where: string): CompiledWindow[] {
  if (restrictions.length === 0) {
    throw new RangeError(
      `${where}: empty, which would leave the layer empty; omit it for no restrictions`,
    );
  }
  return restrictions.map((restriction, index) => {
    const at = `${where}[${index}]`;
    let daysMask = 0;
    for (const day of restriction.days) {
      const bit = WEEKDAYS.indexOf(day);
      if (bit === -1) throw new RangeError(`${at}.days: unknown day ${JSON.stringify(day)}`);
      daysMask |= 1 << bit;
    }
    if (daysMask === 0) throw new RangeError(`${at}.days: no days`);
    const fromMs = valueOf(parseTimeOfDay(restriction.from), `${at}.from`) * MINUTE_MS;
    const toMs = valueOf(parseTimeOfDay(restriction.to), `${at}.to`) * MINUTE_MS;
    if (fromMs >= DAY_MS)
      throw new RangeError(`${at}.from: 24:00 is the end of a day, not a start`);
    return { daysMask, fromMs, toMs: toMs > fromMs ? toMs : toMs + DAY_MS };
  });
}

function clockOf(timeZone: string, where: string): ZoneClock {
  try {
    return ZoneClock.of(timeZone);
  } catch (error) {
    throw new RangeError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

function valueOf<T>(parsed: Parsed<T>, where: string): T {
  if (!parsed.ok) throw new RangeError(`${where}: ${parsed.reason}`);
  return parsed.value;
}
