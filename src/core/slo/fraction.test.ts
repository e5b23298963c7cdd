import { describe, expect, it } from 'vitest';
import { complement, fractionFromDecimal, fractionFromPercent } from './fraction.js';

describe('fractionFromDecimal', () => {
  it.each([
    [0.999, 1, { numerator: 999, denominator: 1000 }],
    [0.5, 1, { numerator: 1, denominator: 2 }],
    [99.9, 100, { numerator: 999, denominator: 1000 }],
    [99.95, 100, { numerator: 1999, denominator: 2000 }],
    [99.999, 100, { numerator: 99999, denominator: 100000 }],
    [95, 100, { numerator: 19, denominator: 20 }],
    [1e-7, 1, { numerator: 1, denominator: 10_000_000 }],
  ])('reads %d (scale %d) as the exact decimal it was written as', (value, scale, expected) => {
    expect(fractionFromDecimal(value, scale)).toEqual(expected);
  });

  it('refuses values that are not finite', () => {
    expect(fractionFromDecimal(Number.NaN)).toBeUndefined();
    expect(fractionFromPercent(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('gives the error-budget fraction of an objective exactly', () => {
    // 1 − 0.999 in floats is 0.0010000000000000009; exactly it is 1/1000.
    expect(complement({ numerator: 999, denominator: 1000 })).toEqual({
      numerator: 1,
      denominator: 1000,
    });
  });
});
