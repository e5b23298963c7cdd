// What a deploy did to an SLO's budget as the UI words it, written here independently of
// the UI's code: the API's `consumed` is start minus end, so a negative one is budget
// regained (a calendar window that started afresh), and a rounding of nothing is spent.

export interface HourBudget {
  consumed: number;
  burnRate: number | null;
}

export interface DeployBudgetAnswer {
  slo: string;
  before: HourBudget;
  after: HourBudget | null;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
const rate = (burn: number | null) => (burn === null ? '—' : `${burn.toFixed(2)}×`);

export function budgetChangeText(consumed: number): string {
  return consumed < -0.0005
    ? `regained ${percent(-consumed)}`
    : `spent ${percent(Math.max(consumed, 0))}`;
}

/** The whole line: the hour before and the hour after, each with its 1h burn rate. */
export function hoursAroundText(budget: DeployBudgetAnswer): string {
  const before = `${budgetChangeText(budget.before.consumed)} (${rate(budget.before.burnRate)}) the hour before`;
  const after =
    budget.after === null
      ? 'the hour after is not over'
      : `${budgetChangeText(budget.after.consumed)} (${rate(budget.after.burnRate)}) the hour after`;
  return `${before}, ${after}`;
}
