// The arithmetic of budgets and burn rates on exact inputs. Counts are integers and
// the objective an exact fraction, so each figure is one division of two integer
// products: the correctly rounded value of the true rational, not a chain of float
// errors (1 − 0.999 is 0.0010000000000000009 in floats; here the budget is 1/1000).
import type { Fraction } from './model.js';

/** (a × b) / (c × d), exact up to the division when both products are safe integers. */
export function ratioOfProducts(a: number, b: number, c: number, d: number): number {
  const numerator = a * b;
  const denominator = c * d;
  if (Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator))
    return numerator / denominator;
  // Estimated counts (Prometheus increase()) are not integers: plain floats then.
  if (!Number.isInteger(a) || !Number.isInteger(c)) return numerator / denominator;
  // Beyond 2^53 each exact product is rounded once, then divided: within two ulps.
  return Number(BigInt(a) * BigInt(b)) / Number(BigInt(c) * BigInt(d));
}

/** A one-minute slice is good when good/total meets the slice target. */
export function sliceIsGood(good: number, total: number, target: Fraction): boolean {
  return good * target.denominator >= total * target.numerator;
}

/**
 * Burn rate: the error rate divided by the error-budget fraction. 1 spends the budget
 * exactly over the window; null when there are no events (no traffic is not 100 %).
 */
export function burnRate(bad: number, total: number, objective: Fraction): number | null {
  if (total === 0) return null;
  return ratioOfProducts(
    bad,
    objective.denominator,
    total,
    objective.denominator - objective.numerator,
  );
}

/** The budget allowed by `total` events (or slices): total × (1 − objective). */
export function allowedBudget(total: number, objective: Fraction): number {
  return ratioOfProducts(
    total,
    objective.denominator - objective.numerator,
    1,
    objective.denominator,
  );
}

/** Fraction of the budget left: (allowed − spent) / allowed. 1 when nothing is allowed or spent yet. */
export function remainingBudget(bad: number, total: number, objective: Fraction): number {
  if (total === 0) return 1;
  const budgetNumerator = objective.denominator - objective.numerator;
  // (total × b − bad × d) / (total × b), with b/d the budget fraction.
  const left = total * budgetNumerator - bad * objective.denominator;
  const whole = total * budgetNumerator;
  if (Number.isSafeInteger(left) && Number.isSafeInteger(whole)) return left / whole;
  return 1 - ratioOfProducts(bad, objective.denominator, total, budgetNumerator);
}
