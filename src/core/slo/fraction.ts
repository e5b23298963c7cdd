import type { Fraction } from './model.js';

/**
 * The exact fraction a decimal number denotes, from its shortest decimal text:
 * 0.999 -> 999/1000, 99.95 with scale 100 -> 9995/10000. Returns undefined for
 * values that are not finite or need more than 15 significant digits.
 */
export function fractionFromDecimal(value: number, scale = 1): Fraction | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = decimalText(value);
  if (text === undefined) return undefined;
  const negative = text.startsWith('-');
  const [whole = '0', decimals = ''] = (negative ? text.slice(1) : text).split('.');
  const numerator = Number(whole + decimals) * (negative ? -1 : 1);
  const denominator = 10 ** decimals.length * scale;
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator)) return undefined;
  return reduce(numerator, denominator);
}

/** A percentage (99.9) as the fraction it denotes (999/1000). */
export function fractionFromPercent(percent: number): Fraction | undefined {
  return fractionFromDecimal(percent, 100);
}

export function fractionValue(fraction: Fraction): number {
  return fraction.numerator / fraction.denominator;
}

/** 1 − f, exactly. For an objective this is the error-budget fraction. */
export function complement(fraction: Fraction): Fraction {
  return {
    numerator: fraction.denominator - fraction.numerator,
    denominator: fraction.denominator,
  };
}

function decimalText(value: number): string | undefined {
  const text = String(value);
  if (!text.includes('e')) return text;
  // Exponent notation (1e-7, 1.5e21): expand through toFixed within its limits.
  const digits = Math.max(0, Math.min(100, -Math.floor(Math.log10(Math.abs(value))) + 15));
  const fixed = value.toFixed(digits).replace(/\.?0+$/, '');
  return Number(fixed) === value ? fixed : undefined;
}

function reduce(numerator: number, denominator: number): Fraction {
  const divisor = greatestCommonDivisor(Math.abs(numerator), denominator);
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

function greatestCommonDivisor(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x === 0 ? 1 : x;
}
