// Per-minute good/total counts of one SLO, laid out so that the sum over any window
// is O(1) and exact, while late and out-of-order events still land in their minute.
//
// Layout: minutes are grouped in blocks of 64. For each counter the series keeps,
// per minute, the running sum from the start of its block (a narrow integer array),
// and per block the sum of all earlier blocks (a Float64Array, exact to 2^53).
// A window sum is then two lookups; an event in an old minute rewrites at most the
// rest of its block and marks later block prefixes stale, to be refreshed lazily.
//
// Counters start as Uint16 (2 bytes per counter per minute) and widen to Uint32 and
// then Float64 only when a block's running sum would overflow, so quiet SLOs stay
// small and busy ones stay exact.
import { sliceIsGood } from './budget-math.js';
import type { Fraction, Slo } from './model.js';

const BLOCK_BITS = 6;
const BLOCK = 1 << BLOCK_BITS;
const IN_BLOCK = BLOCK - 1;

type CounterArray = Uint16Array | Uint32Array | Float64Array;

/** Sums over a span of minutes. Slice fields are zero for occurrence-based series. */
export interface WindowCounts {
  readonly good: number;
  readonly total: number;
  /** Minutes with at least one event. */
  readonly slices: number;
  /** Of those, minutes whose ratio met the slice target. */
  readonly goodSlices: number;
}

export const NO_COUNTS: WindowCounts = { good: 0, total: 0, slices: 0, goodSlices: 0 };

/** Counts over [start, end) from the counts before each end. */
export function difference(end: WindowCounts, start: WindowCounts): WindowCounts {
  return {
    good: end.good - start.good,
    total: end.total - start.total,
    slices: end.slices - start.slices,
    goodSlices: end.goodSlices - start.goodSlices,
  };
}

export function epochMinute(epochMs: number): number {
  return Math.floor(epochMs / 60_000);
}

export function createSeries(slo: Slo): MinuteSeries {
  return new MinuteSeries(
    slo.budgeting.kind === 'timeslices' ? slo.budgeting.sliceTarget : undefined,
  );
}

export class MinuteSeries {
  /** Epoch minute of index 0; a multiple of the block size. */
  private base = 0;
  /** Highest index whose running sums are written; later ones are implicitly empty. */
  private filled = -1;
  private good: CounterArray = new Uint16Array(0);
  private total: CounterArray = new Uint16Array(0);
  private counterMax = 0xffff;
  /** Running counts of slices with events / good slices; at most 64 per block. */
  private slices: Uint8Array | undefined;
  private goodSlices: Uint8Array | undefined;
  /** Per block: the sums of all earlier blocks, valid for blocks below `prefixValid`. */
  private goodBefore = new Float64Array(1);
  private totalBefore = new Float64Array(1);
  private slicesBefore = new Float64Array(1);
  private goodSlicesBefore = new Float64Array(1);
  private prefixValid = 1;

  constructor(private readonly sliceTarget: Fraction | undefined) {
    if (sliceTarget !== undefined) {
      this.slices = new Uint8Array(0);
      this.goodSlices = new Uint8Array(0);
    }
  }

  /** Adds the counts of one minute; repeated adds to a minute accumulate. */
  add(minute: number, good: number, total: number): void {
    if (!(
      good >= 0 &&
      total >= good &&
      Number.isSafeInteger(total) &&
      Number.isSafeInteger(good)
    )) {
      throw new RangeError(
        `counts must be integers with 0 <= good <= total (got ${good}/${total})`,
      );
    }
    if (!Number.isSafeInteger(minute))
      throw new RangeError(`minute must be an integer (got ${minute})`);
    if (total === 0) return;
    if (this.filled < 0) this.base = minute & ~IN_BLOCK;
    if (minute < this.base) this.extendBackTo(minute);
    const index = minute - this.base;
    if (index >= this.good.length) this.extendForwardTo(index);
    if (index > this.filled) this.writeThrough(index);
    const blockLast = Math.min(this.filled, index | IN_BLOCK);
    // The last running sum of the block is its largest: if it fits, all fit.
    while ((this.total[blockLast] ?? 0) + total > this.counterMax) this.widen();
    if (this.slices !== undefined) this.reclassifySlice(index, blockLast, good, total);
    const goodSums = this.good;
    const totalSums = this.total;
    for (let i = index; i <= blockLast; i += 1) {
      goodSums[i] = (goodSums[i] ?? 0) + good;
      totalSums[i] = (totalSums[i] ?? 0) + total;
    }
    const block = index >> BLOCK_BITS;
    if (block + 1 < this.prefixValid) this.prefixValid = block + 1;
  }

  /** Sums over the minutes in [fromMinute, toMinute). */
  sum(fromMinute: number, toMinute: number): WindowCounts {
    if (this.filled < 0 || toMinute <= fromMinute) return NO_COUNTS;
    return difference(this.countsBefore(toMinute), this.countsBefore(fromMinute));
  }

  /**
   * Sums over every minute before `minute`. Windows that end at the same minute
   * share this end, so an evaluation reads it once: `difference(end, start)`.
   */
  countsBefore(minute: number): WindowCounts {
    if (this.filled < 0) return NO_COUNTS;
    this.refreshPrefixes();
    const end = minute - this.base;
    return {
      good: this.prefix(this.good, this.goodBefore, end),
      total: this.prefix(this.total, this.totalBefore, end),
      slices: this.slices === undefined ? 0 : this.prefix(this.slices, this.slicesBefore, end),
      goodSlices:
        this.goodSlices === undefined
          ? 0
          : this.prefix(this.goodSlices, this.goodSlicesBefore, end),
    };
  }

  /** First and last minute holding events, or undefined when empty. */
  extent(): { readonly first: number; readonly last: number } | undefined {
    if (this.filled < 0) return undefined;
    let first = 0;
    while (this.countAt(this.total, first) === 0) first += 1;
    return { first: this.base + first, last: this.base + this.filled };
  }

  /**
   * Releases the room kept for growth. Appends grow the arrays by half, which keeps
   * ingest fast; a series that is done loading (or held for long) need not keep it.
   */
  compact(): void {
    const needed = roundUpToBlock(this.filled + 1);
    if (needed < this.good.length) this.resize(needed, 0);
  }

  /** Bytes held by the series' arrays. */
  byteSize(): number {
    return (
      this.good.byteLength +
      this.total.byteLength +
      (this.slices?.byteLength ?? 0) +
      (this.goodSlices?.byteLength ?? 0) +
      this.goodBefore.byteLength +
      this.totalBefore.byteLength +
      this.slicesBefore.byteLength +
      this.goodSlicesBefore.byteLength
    );
  }

  /** Sum over indices [0, end): the block's prefix plus the running sum in the block. */
  private prefix(
    runningSums: CounterArray | Uint8Array,
    before: Float64Array,
    end: number,
  ): number {
    if (end <= 0) return 0;
    const last = Math.min(end, this.filled + 1) - 1;
    return (before[last >> BLOCK_BITS] ?? 0) + (runningSums[last] ?? 0);
  }

  private countAt(runningSums: CounterArray | Uint8Array, index: number): number {
    const here = runningSums[index] ?? 0;
    return (index & IN_BLOCK) === 0 ? here : here - (runningSums[index - 1] ?? 0);
  }

  private reclassifySlice(index: number, blockLast: number, good: number, total: number): void {
    const slices = this.slices;
    const goodSlices = this.goodSlices;
    const target = this.sliceTarget;
    if (slices === undefined || goodSlices === undefined || target === undefined) return;
    const goodBefore = this.countAt(this.good, index);
    const totalBefore = this.countAt(this.total, index);
    const sliceDelta = totalBefore === 0 ? 1 : 0;
    const wasGood = totalBefore > 0 && sliceIsGood(goodBefore, totalBefore, target);
    const isGood = sliceIsGood(goodBefore + good, totalBefore + total, target);
    const goodDelta = (isGood ? 1 : 0) - (wasGood ? 1 : 0);
    if (sliceDelta === 0 && goodDelta === 0) return;
    for (let i = index; i <= blockLast; i += 1) {
      slices[i] = (slices[i] ?? 0) + sliceDelta;
      goodSlices[i] = (goodSlices[i] ?? 0) + goodDelta;
    }
  }

  /** Writes running sums for the indices after `filled` up to `index` (empty minutes). */
  private writeThrough(index: number): void {
    const from = this.filled + 1;
    if (this.filled >= 0 && (from & IN_BLOCK) !== 0) {
      // The rest of the last written block repeats its last running sum.
      const last = this.filled;
      const end = Math.min(index, last | IN_BLOCK) + 1;
      if (end - from === 1) {
        this.good[from] = this.good[last] ?? 0;
        this.total[from] = this.total[last] ?? 0;
      } else {
        this.good.fill(this.good[last] ?? 0, from, end);
        this.total.fill(this.total[last] ?? 0, from, end);
      }
      if (this.slices !== undefined && this.goodSlices !== undefined) {
        this.slices.fill(this.slices[last] ?? 0, from, end);
        this.goodSlices.fill(this.goodSlices[last] ?? 0, from, end);
      }
    }
    // Whole blocks after it start from zero, which fresh arrays already hold.
    const lastBlockBefore = this.filled >> BLOCK_BITS;
    this.filled = index;
    if (lastBlockBefore + 1 < this.prefixValid) this.prefixValid = Math.max(1, lastBlockBefore + 1);
  }

  private refreshPrefixes(): void {
    const blocks = (this.filled >> BLOCK_BITS) + 1;
    for (let block = this.prefixValid; block < blocks; block += 1) {
      const lastOfPrevious = block * BLOCK - 1;
      this.goodBefore[block] = (this.goodBefore[block - 1] ?? 0) + (this.good[lastOfPrevious] ?? 0);
      this.totalBefore[block] =
        (this.totalBefore[block - 1] ?? 0) + (this.total[lastOfPrevious] ?? 0);
      if (this.slices !== undefined && this.goodSlices !== undefined) {
        this.slicesBefore[block] =
          (this.slicesBefore[block - 1] ?? 0) + (this.slices[lastOfPrevious] ?? 0);
        this.goodSlicesBefore[block] =
          (this.goodSlicesBefore[block - 1] ?? 0) + (this.goodSlices[lastOfPrevious] ?? 0);
      }
    }
    this.prefixValid = Math.max(this.prefixValid, blocks);
  }

  private extendForwardTo(index: number): void {
    // Grow by half at least, in whole blocks, so appends are amortised O(1).
    const wanted = Math.max(index + 1, Math.ceil(this.good.length * 1.5), 1440);
    this.resize(roundUpToBlock(wanted), 0);
  }

  private extendBackTo(minute: number): void {
    const slack = Math.max(roundUpToBlock(Math.floor(this.good.length / 4)), BLOCK);
    const newBase = Math.min(minute & ~IN_BLOCK, this.base - slack);
    const shift = this.base - newBase;
    this.resize(this.good.length + shift, shift);
    this.base = newBase;
    this.filled += shift;
    this.prefixValid = 1;
  }

  /** Reallocates every per-minute array to `length`, moving the data `shift` indices up. */
  private resize(length: number, shift: number): void {
    const move = <T extends CounterArray | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(length);
      next.set(old.subarray(0, Math.min(old.length, length - shift)), shift);
      return next;
    };
    const makeCounter = this.counterFactory();
    this.good = move(this.good, makeCounter);
    this.total = move(this.total, makeCounter);
    if (this.slices !== undefined) this.slices = move(this.slices, (n) => new Uint8Array(n));
    if (this.goodSlices !== undefined)
      this.goodSlices = move(this.goodSlices, (n) => new Uint8Array(n));
    const blocks = length / BLOCK + 1;
    this.goodBefore = new Float64Array(blocks);
    this.totalBefore = new Float64Array(blocks);
    // Occurrence series never read slice prefixes: keep them empty.
    const sliceBlocks = this.slices === undefined ? 1 : blocks;
    this.slicesBefore = new Float64Array(sliceBlocks);
    this.goodSlicesBefore = new Float64Array(sliceBlocks);
    this.prefixValid = 1;
  }

  private widen(): void {
    if (this.good instanceof Float64Array) {
      throw new RangeError('counts beyond 2^53 events in one hour cannot be kept exactly');
    }
    const next: (n: number) => CounterArray =
      this.good instanceof Uint16Array ? (n) => new Uint32Array(n) : (n) => new Float64Array(n);
    const copy = (old: CounterArray): CounterArray => {
      const widened = next(old.length);
      widened.set(old);
      return widened;
    };
    this.good = copy(this.good);
    this.total = copy(this.total);
    this.counterMax = this.good instanceof Uint32Array ? 0xffffffff : Number.MAX_SAFE_INTEGER;
  }

  private counterFactory(): (n: number) => CounterArray {
    if (this.good instanceof Float64Array) return (n) => new Float64Array(n);
    if (this.good instanceof Uint32Array) return (n) => new Uint32Array(n);
    return (n) => new Uint16Array(n);
  }
}

function roundUpToBlock(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}
