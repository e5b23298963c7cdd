import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionId } from './deploy-gate.js';

describe('decisionId', () => {
  it('keeps the dec_ and 32 hex digits format', () => {
    expect(decisionId(Date.UTC(2026, 11, 4, 15, 0, 0))).toMatch(/^dec_[0-9a-f]{32}$/);
    expect(decisionId(0)).toMatch(/^dec_0{12}[0-9a-f]{20}$/);
  });

  it('sorts the decisions of a later millisecond after those of an earlier one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 2 }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        (earlier, gap) => {
          const later = Math.min(earlier + gap, 2 ** 48 - 1);
          expect(decisionId(earlier) < decisionId(later)).toBe(true);
        },
      ),
    );
  });

  it('gives different ids to decisions of the same millisecond', () => {
    const at = Date.UTC(2026, 11, 4, 15, 0, 0);
    const ids = new Set(Array.from({ length: 10_000 }, () => decisionId(at)));
    expect(ids.size).toBe(10_000);
  });
});
