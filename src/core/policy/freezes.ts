// Which freezes of a policy are in force at an instant, and until when. A freeze
// is compiled once (zone lookups, the shared holiday calendar) and each compiled
// freeze remembers the stretch of time its last answer holds for, so the gate's
// common case is a comparison or two.
import {
  holidayCalendar,
  type HolidayCalendar,
  type HolidayDay,
  type HolidayRun,
  type HolidaySegment,
} from './holidays.js';
import type {
  AdHocFreezeSpec,
  HolidayFreezeSpec,
  PolicyFreezes,
  WindowFreezeSpec,
} from './model.js';
import { weeklyWindow, type WeeklyWindow, type WindowSegment } from './weekly-window.js';

export type FreezeKind = 'holiday' | 'window' | 'adHoc';

/**
 * A freeze in force. [startMs, endMs) is the whole stretch it holds deploys: for
 * holidays, the run of consecutive holiday days (25 and 26 December in NL), so that
 * `endMs` is when this freeze stops holding deploys, not just when today's holiday ends.
 */
export type ActiveFreeze =
  | {
      readonly kind: 'holiday';
      readonly name: string;
      readonly startMs: number;
      readonly endMs: number;
      readonly spec: HolidayFreezeSpec;
      /** The holiday day the instant falls on. */
      readonly day: HolidayDay;
      readonly run: HolidayRun;
    }
  | {
      readonly kind: 'window';
      readonly name: string;
      readonly startMs: number;
      readonly endMs: number;
      readonly spec: WindowFreezeSpec;
    }
  | {
      readonly kind: 'adHoc';
      readonly name: string;
      /** Undefined: in force since before anyone can remember (no start was given). */
      readonly startMs: number | undefined;
      readonly endMs: number;
      readonly spec: AdHocFreezeSpec;
    };

export interface CompiledFreeze {
  readonly kind: FreezeKind;
  readonly name: string;
  activeAt(atMs: number): ActiveFreeze | undefined;
  /** When the stretch in force at `atMs` ends, if one is; for instants ahead of the gate's. */
  endAhead(atMs: number): number | undefined;
}

/** A policy's freezes, ready for lookups; build once per policy. */
export interface CompiledFreezes {
  readonly list: readonly CompiledFreeze[];
}

class HolidayFreeze implements CompiledFreeze {
  readonly kind = 'holiday';
  readonly name: string;
  private readonly calendar: HolidayCalendar;
  private lastSegment: HolidaySegment | undefined;
  private lastActive: ActiveFreeze | undefined;

  constructor(readonly spec: HolidayFreezeSpec) {
    this.name = spec.name;
    this.calendar = holidayCalendar(spec);
  }

  activeAt(atMs: number): ActiveFreeze | undefined {
    const segment = this.calendar.segmentAt(atMs);
    if (!segment.inside) return undefined;
    if (segment !== this.lastSegment) {
      this.lastSegment = segment;
      this.lastActive = {
        kind: 'holiday',
        name: this.name,
        startMs: segment.run.startMs,
        endMs: segment.run.endMs,
        spec: this.spec,
        day: segment.day,
        run: segment.run,
      };
    }
    return this.lastActive;
  }

  endAhead(atMs: number): number | undefined {
    const segment = this.calendar.segmentAhead(atMs);
    return segment.inside ? segment.run.endMs : undefined;
  }
}

class WindowFreeze implements CompiledFreeze {
  readonly kind = 'window';
  readonly name: string;
  private readonly window: WeeklyWindow;
  private lastSegment: WindowSegment | undefined;
  private lastActive: ActiveFreeze | undefined;

  constructor(readonly spec: WindowFreezeSpec) {
    this.name = spec.name;
    this.window = weeklyWindow(spec);
  }

  activeAt(atMs: number): ActiveFreeze | undefined {
    const segment = this.window.segmentAt(atMs);
    if (!segment.inside) return undefined;
    if (segment !== this.lastSegment) {
      this.lastSegment = segment;
      this.lastActive = {
        kind: 'window',
        name: this.name,
        startMs: segment.startMs,
        endMs: segment.endMs,
        spec: this.spec,
      };
    }
    return this.lastActive;
  }

  endAhead(atMs: number): number | undefined {
    const segment = this.window.segmentAhead(atMs);
    return segment.inside ? segment.endMs : undefined;
  }
}

class AdHocFreeze implements CompiledFreeze {
  readonly kind = 'adHoc';
  readonly name: string;
  private readonly active: ActiveFreeze;

  constructor(readonly spec: AdHocFreezeSpec) {
    if (spec.startMs !== undefined && !(spec.startMs < spec.endMs)) {
      throw new RangeError(`ad-hoc freeze "${spec.name}" ends before it starts`);
    }
    this.name = spec.name;
    this.active = {
      kind: 'adHoc',
      name: spec.name,
      startMs: spec.startMs,
      endMs: spec.endMs,
      spec,
    };
  }

  activeAt(atMs: number): ActiveFreeze | undefined {
    const { startMs, endMs } = this.spec;
    return (startMs === undefined || startMs <= atMs) && atMs < endMs ? this.active : undefined;
  }

  endAhead(atMs: number): number | undefined {
    return this.activeAt(atMs)?.endMs;
  }
}

/** Compiles a policy's freezes; throws a RangeError for an unknown zone, country or region. */
export function compileFreezes(freezes: PolicyFreezes): CompiledFreezes {
  const list: CompiledFreeze[] = [
    ...freezes.holidays.map((spec) => new HolidayFreeze(spec)),
    ...freezes.windows.map((spec) => new WindowFreeze(spec)),
    ...freezes.adHoc.map((spec) => new AdHocFreeze(spec)),
  ];
  const names = new Set<string>();
  for (const { name } of list) {
    if (names.has(name)) throw new RangeError(`two freezes are named "${name}"`);
    names.add(name);
  }
  return { list };
}

/** The freezes in force at `atMs`, in the order holidays, windows, ad-hoc (each as written). */
export function activeFreezes(freezes: CompiledFreezes, atMs: number): ActiveFreeze[] {
  const active: ActiveFreeze[] = [];
  for (const freeze of freezes.list) {
    const found = freeze.activeAt(atMs);
    if (found !== undefined) active.push(found);
  }
  return active;
}

/** How far past a freeze's end the freezes that follow it are looked for. */
const LOOK_AHEAD_MS = 14 * 24 * 60 * 60_000;

/**
 * When deploys stop being held: a freeze's end, or later where another freeze begins
 * as it ends or overlaps it (a weekend window ending on Easter Monday morning, a
 * holiday that day). Deploys let out at a freeze's own end would be held again at
 * once.
 */
export interface HeldUntil {
  readonly untilMs: number;
  /** The freezes that take over after the one asked about, in the order met. */
  readonly followedBy: readonly string[];
  /**
   * false: still frozen when the look-ahead (14 days past the freeze's end) ran out,
   * so deploys are held until `untilMs` at least.
   */
  readonly complete: boolean;
}

// Deterministic for a freeze in force and the freezes counted: worked out once for as
// long as the compiled freeze hands out the same ActiveFreeze.
const heldUntilCache = new WeakMap<ActiveFreeze, Map<string, HeldUntil>>();

/**
 * The first instant at or after `freeze`'s end at which none of `counted` (the freezes
 * a rule names: `all` or their names) is in force, chaining the ones that abut or
 * overlap; looked for up to 14 days past that end.
 */
export function heldUntil(
  freezes: CompiledFreezes,
  freeze: ActiveFreeze,
  counted: 'all' | readonly string[],
): HeldUntil {
  const key = counted === 'all' ? '\u0000all' : counted.join('\u0000');
  let byCounted = heldUntilCache.get(freeze);
  if (byCounted === undefined) {
    byCounted = new Map();
    heldUntilCache.set(freeze, byCounted);
  }
  let held = byCounted.get(key);
  if (held === undefined) {
    held = chainFreezes(freezes, freeze, counted);
    byCounted.set(key, held);
  }
  return held;
}

function chainFreezes(
  freezes: CompiledFreezes,
  freeze: ActiveFreeze,
  counted: 'all' | readonly string[],
): HeldUntil {
  const candidates = freezes.list.filter(
    (candidate) => counted === 'all' || counted.includes(candidate.name),
  );
  const horizonMs = freeze.endMs + LOOK_AHEAD_MS;
  const followedBy: string[] = [];
  let untilMs = freeze.endMs;
  for (;;) {
    // Every freeze in force at `untilMs` ends after it, so each step moves forward.
    let nextMs = untilMs;
    for (const candidate of candidates) {
      const endMs = candidate.endAhead(untilMs);
      if (endMs === undefined) continue;
      nextMs = Math.max(nextMs, endMs);
      if (candidate.name !== freeze.name && !followedBy.includes(candidate.name)) {
        followedBy.push(candidate.name);
      }
    }
    if (nextMs === untilMs) return { untilMs, followedBy, complete: true };
    if (untilMs > horizonMs) return { untilMs: nextMs, followedBy, complete: false };
    untilMs = nextMs;
  }
}
