import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMinuteCounts, encodeMinuteCounts } from './codec.js';

describe('stored minute counts', () => {
  it('read back exactly as written, in minute order', () => {
    const counts = fc.array(
      fc.record({
        minute: fc.integer({ min: 0, max: 2 ** 31 }),
        good: fc.nat({ max: 2 ** 40 }),
        total: fc.nat({ max: 2 ** 40 }),
      }),
      { minLength: 1, maxLength: 50 },
    );
    fc.assert(
      fc.property(counts, (unsorted) => {
        const sorted = [...unsorted].sort((a, b) => a.minute - b.minute);
        expect(decodeMinuteCounts(encodeMinuteCounts(sorted))).toEqual(sorted);
      }),
    );
  });

  it('write offsets after the first minute', () => {
    expect(
      encodeMinuteCounts([
        { minute: 29_000_000, good: 9, total: 10 },
        { minute: 29_000_001, good: 5, total: 5 },
      ]),
    ).toBe('29000000,9,10;1,5,5');
  });
});
