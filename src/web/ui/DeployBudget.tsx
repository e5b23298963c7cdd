// What a deploy did to one SLO's budget, the same on the SLO's and the service's
// screens and the deploy's page: the hour before and the hour after, each with its 1h
// burn rate.
import type { DeployBudget } from '../api/types';
import { formatBudgetChange, formatBurnRate } from '../format/numbers';
import { paths } from '../router/routes';

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

/** Every SLO of the deploy's service, each linking to its screen. */
export function BudgetAroundDeploy({ budget }: { readonly budget: readonly DeployBudget[] }) {
  if (budget.length === 0) return <span className="muted">no SLOs</span>;
  return (
    <ul className="plain-list">
      {budget.map((slo) => (
        <li key={slo.slo} data-slo={slo.slo}>
          <a href={paths.slo(slo.slo)}>
            <code>{slo.slo}</code>
          </a>
          : <HoursAroundDeploy budget={slo} />
        </li>
      ))}
    </ul>
  );
}
