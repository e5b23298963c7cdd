// A calendar that divides time into segments (inside a freeze, or in the gap before
// the next one) and remembers the segments it found last. The answer depends only on
// the instant and most lookups fall in the segment of the one before, while finding a
// segment takes zone arithmetic of some microseconds: remembered, a gate check at a
// thousand a second pays it once a segment instead of once a check.

/** A span of time [startMs, endMs). */
export interface TimeSegment {
  readonly startMs: number;
  readonly endMs: number;
}

export abstract class SegmentedCalendar<S extends TimeSegment> {
  private last: S | undefined;
  private lastAhead: S | undefined;

  /** The segment that holds `atMs`, found afresh. */
  protected abstract computeSegment(atMs: number): S;

  segmentAt(atMs: number): S {
    const last = this.last;
    if (last !== undefined && holds(last, atMs)) return last;
    const segment = this.computeSegment(atMs);
    this.last = segment;
    return segment;
  }

  /**
   * The segment at an instant away from the gate's own (looking ahead for the freeze
   * that follows one): remembered apart, so that the next check at the gate's instant
   * still finds its segment, and with it the same freeze and its description. While a
   * freeze holds, every check looks ahead from the same instant, its end.
   */
  segmentAhead(atMs: number): S {
    const last = this.last;
    if (last !== undefined && holds(last, atMs)) return last;
    const ahead = this.lastAhead;
    if (ahead !== undefined && holds(ahead, atMs)) return ahead;
    const segment = this.computeSegment(atMs);
    this.lastAhead = segment;
    return segment;
  }
}

function holds(segment: TimeSegment, atMs: number): boolean {
  return segment.startMs <= atMs && atMs < segment.endMs;
}
