// How the SLO charts write their numbers: the axes coarsely (their labels sit side by
// side), the values under the cursor as precisely as the rest of the screen writes
// them: the SLI with three decimals like the header, the budget with one, burn rates
// with two like the burn-rate tables.
import { formatBudget, formatBurnRate, formatFactor, formatPercent } from '../../format/numbers.js';

export interface ChartFormat {
  /** Tick labels of the y axis. */
  readonly axis: (value: number) => string;
  /** The value under the cursor, in the legend. */
  readonly hover: (value: number) => string;
}

export const SLI_FORMAT: ChartFormat = {
  axis: (value) => formatPercent(value, 2),
  hover: (value) => formatPercent(value, 3),
};

export const BUDGET_FORMAT: ChartFormat = {
  axis: (value) => formatPercent(value, 0),
  hover: formatBudget,
};

export const BURN_FORMAT: ChartFormat = {
  axis: (value) => formatFactor(Number(value.toFixed(2))),
  hover: formatBurnRate,
};
