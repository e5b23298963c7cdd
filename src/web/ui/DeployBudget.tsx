// What a deploy did to one SLO's budget, the same on the SLO's and the service's
// screens: the hour before and the hour after, each with its 1h burn rate.
import type { DeployBudget } from '../api/types';
import { formatBudgetChange, formatBurnRate } from '../format/numbers';

export function HoursAroundDeploy({ budget }: { readonly budget: DeployBudget }) {
  const { before, after } = budget;
  return (
    <>
      <span data-field="before">{formatBudgetChange(before.consumed)}</span>{' '}
      <span className="muted" data-field="before-burn">
        ({formatBurnRate(before.burnRate)})
      </span>{' '}
      the hour before,{' '}
      {after === null ? (
        <span data-field="after">the hour after is not over</span>
      ) : (
        <>
          <span data-field="after">{formatBudgetChange(after.consumed)}</span>{' '}
          <span className="muted" data-field="after-burn">
            ({formatBurnRate(after.burnRate)})
          </span>{' '}
          the hour after
        </>
      )}
    </>
  );
}
