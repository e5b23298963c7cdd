// Wall clocks of IANA zones: the offset at an instant, and the instant of a local
// reading, by the rules of RFC 5545 (section 3.3.5) for readings that a change of
// offset skips or repeats:
//
// - a skipped reading (spring forward) happens as if the clock had not jumped yet:
//   it takes the offset from before the gap, so 02:30 in a skipped hour is 03:30;
// - a repeated reading (fall back) happens at its first occurrence.
//
// luxon's DateTime.fromObject does the first, but settles the second with a guess
// (the offset in force at Settings.now()), so the answer would depend on the day
// the code runs. Here both rules are explicit and the answer is a pure function.
//
// Asking Intl for an offset costs microseconds, and a month of a schedule asks
// hundreds of times. So each zone learns its offset changes once per 64-day span
// (a sample a day, then a binary search to the millisecond) and answers from that
// table; the table holds what Intl says, so remembering it changes no result.
// Assumed: a zone does not change its offset and change it back within one day.

import { IANAZone } from 'luxon';
import { isValidTimeZone } from '../time/calendar.js';
import { DAY_MS, MINUTE_MS } from './local-time.js';

const SPAN_DAYS = 64;
const SPAN_MS = SPAN_DAYS * DAY_MS;
const MAX_SPANS_PER_ZONE = 4096;
const MAX_ZONES = 1000;

/** The offset (ms) in force from `atMs` on, until the next change. */
interface OffsetChange {
  readonly atMs: number;
  readonly offsetMs: number;
}

interface Span {
  /** The offset at the span's first millisecond. */
  readonly initialOffsetMs: number;
  /** Changes inside the span, in time order. */
  readonly changes: readonly OffsetChange[];
}

export class ZoneClock {
  private readonly spans = new Map<number, Span>();

  private constructor(
    readonly name: string,
    private readonly zone: IANAZone,
  ) {}

  static of(name: string): ZoneClock {
    const known = clocks.get(name);
    if (known !== undefined) return known;
    if (!isValidTimeZone(name)) {
      throw new RangeError(
        `unknown time zone ${JSON.stringify(name)}; expected an IANA name such as Europe/Amsterdam or UTC`,
      );
    }
    const clock = new ZoneClock(name, IANAZone.create(name));
    if (clocks.size >= MAX_ZONES) clocks.clear();
    clocks.set(name, clock);
    return clock;
  }

  /** The zone's offset from UTC at `instantMs`, in milliseconds. */
  offsetAt(instantMs: number): number {
    const span = this.spanOf(Math.floor(instantMs / SPAN_MS));
    let offset = span.initialOffsetMs;
    for (const change of span.changes) {
      if (change.atMs > instantMs) break;
      offset = change.offsetMs;
    }
    return offset;
  }

  /** The local reading at `instantMs`, as a wall value (local-time.ts). */
  wallAt(instantMs: number): number {
    return instantMs + this.offsetAt(instantMs);
  }

  /**
   * The instant at which this zone's clock reads `wallMs`: the first one when the
   * reading occurs twice, and for a skipped reading the instant it would have had
   * with the offset from before the skip (RFC 5545).
   */
  instantOf(wallMs: number): number {
    // Offsets stay within a day of UTC, so every instant reading wallMs lies within
    // a day of it; only the offset changes in that range matter.
    const low = wallMs - DAY_MS;
    const high = wallMs + DAY_MS;
    const lowSpanIndex = Math.floor(low / SPAN_MS);
    const lowSpan = this.spanOf(lowSpanIndex);
    const highSpanIndex = Math.floor(high / SPAN_MS);
    const highSpan = highSpanIndex === lowSpanIndex ? lowSpan : this.spanOf(highSpanIndex);
    if (
      lowSpan.changes.length === 0 &&
      highSpan.changes.length === 0 &&
      lowSpan.initialOffsetMs === highSpan.initialOffsetMs
    ) {
      return wallMs - lowSpan.initialOffsetMs;
    }
    return this.instantAround(wallMs, low, high);
  }

  private instantAround(wallMs: number, low: number, high: number): number {
    const changes = this.changesBetween(low, high);
    // Pieces of constant offset, in time order: the first that contains the
    // instant its offset gives is the first occurrence of the reading.
    let pieceStart = low;
    let offset = this.offsetAt(low);
    for (const change of changes) {
      const candidate = wallMs - offset;
      if (candidate >= pieceStart && candidate < change.atMs) return candidate;
      pieceStart = change.atMs;
      offset = change.offsetMs;
    }
    const candidate = wallMs - offset;
    if (candidate >= pieceStart) return candidate;
    // No instant reads wallMs: a change moved the clock forward over it.
    let before = this.offsetAt(low);
    for (const change of changes) {
      if (change.atMs + before <= wallMs && wallMs < change.atMs + change.offsetMs) {
        return wallMs - before;
      }
      before = change.offsetMs;
    }
    return wallMs - before; // not reached: the pieces above cover every reading
  }

  /** Offset changes with low < atMs <= high, in time order. */
  private changesBetween(low: number, high: number): OffsetChange[] {
    const found: OffsetChange[] = [];
    const last = Math.floor(high / SPAN_MS);
    for (let index = Math.floor(low / SPAN_MS); index <= last; index++) {
      const span = this.spanOf(index);
      const start = index * SPAN_MS;
      // A span records the changes inside it; one falling exactly on its first
      // millisecond shows as a new initial offset.
      if (start > low && start <= high) {
        const previous = this.offsetAt(start - 1);
        if (previous !== span.initialOffsetMs) {
          found.push({ atMs: start, offsetMs: span.initialOffsetMs });
        }
      }
      for (const change of span.changes) {
        if (change.atMs > low && change.atMs <= high) found.push(change);
      }
    }
    return found;
  }

  private spanOf(index: number): Span {
    const known = this.spans.get(index);
    if (known !== undefined) return known;
    const span = this.learnSpan(index);
    if (this.spans.size >= MAX_SPANS_PER_ZONE) this.spans.clear();
    this.spans.set(index, span);
    return span;
  }

  private learnSpan(index: number): Span {
    const start = index * SPAN_MS;
    const end = start + SPAN_MS;
    const initialOffsetMs = this.intlOffset(start);
    const changes: OffsetChange[] = [];
    let known = start;
    let offset = initialOffsetMs;
    for (let day = 1; day <= SPAN_DAYS; day++) {
      const sample = Math.min(start + day * DAY_MS, end - 1);
      const sampled = this.intlOffset(sample);
      // More than one change between two samples: find them one after the other.
      while (sampled !== offset) {
        let low = known;
        let high = sample;
        while (high - low > 1) {
          const middle = Math.floor((low + high) / 2);
          if (this.intlOffset(middle) === offset) low = middle;
          else high = middle;
        }
        offset = this.intlOffset(high);
        changes.push({ atMs: high, offsetMs: offset });
        known = high;
      }
      known = sample;
    }
    return { initialOffsetMs, changes };
  }

  private intlOffset(instantMs: number): number {
    // luxon gives minutes, with a fraction for the local mean times of old dates.
    return Math.round(this.zone.offset(instantMs) * MINUTE_MS);
  }
}

const clocks = new Map<string, ZoneClock>();
