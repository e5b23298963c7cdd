// One way to show each kind of number, everywhere: the API's value, rounded for
// reading only (the tests format the API's answer the same way and compare).

const NO_EVENTS = '—';

/** A fraction as a percentage with fixed decimals: 0.5623 -> "56.2%". */
export function formatPercent(fraction: number, decimals = 1): string {
  return `${(fraction * 100).toFixed(decimals)}%`;
}

/** Remaining or consumed budget: one decimal. */
export const formatBudget = (fraction: number): string => formatPercent(fraction, 1);

/**
 * What an hour did to a budget, from the API's `consumed` (start minus end): "spent 1.2%",
 * or "regained 4.7%" when it grew back (a calendar window started afresh, or bad events
 * left a rolling one). A rounding of nothing reads "spent 0.0%", never "-0.0%".
 */
export function formatBudgetChange(consumed: number): string {
  if (consumed < -0.0005) return `regained ${formatBudget(-consumed)}`;
  return `spent ${formatBudget(Math.max(consumed, 0))}`;
}

/** An SLI near 1 needs three decimals to tell 99.956% from 99.9%. */
export const formatSli = (sli: number | null): string =>
  sli === null ? NO_EVENTS : formatPercent(sli, 3);

/** Objectives as written: 0.9995 -> "99.95%" (no trailing zeros, no float noise). */
export function formatObjective(objective: number): string {
  return `${String(Number((objective * 100).toFixed(6)))}%`;
}

/** Burn rates with two decimals and the multiplication sign: "20.80×". */
export const formatBurnRate = (rate: number | null): string =>
  rate === null ? NO_EVENTS : `${rate.toFixed(2)}×`;

export const formatFactor = (factor: number): string => `${String(factor)}×`;

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Event and minute counts: "1,234,567" (Prometheus estimates keep two decimals). */
export const formatCount = (count: number): string => counts.format(count);

const tenths = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** Toil and working time in hours, as the report and the CLI print them: 90 -> "1.5 h", 2 -> "< 0.1 h". */
export const formatHours = (minutes: number): string =>
  minutes > 0 && minutes < 3 ? '< 0.1 h' : `${tenths.format(minutes / 60)} h`;

export const NO_EVENTS_TEXT = NO_EVENTS;
