// A service's SLOs as rows: budget bar, state, SLI, objective, 1h burn.
import type { SloStatus } from '../../api/types';
import { formatBurnRate, formatObjective, formatSli } from '../../format/numbers';
import { sloState } from '../../format/slo-state';
import { paths } from '../../router/routes';
import { BudgetBar } from '../../ui/BudgetBar';
import { StateBadge } from '../../ui/StateBadge';

export function SloTable({
  slos,
  caption,
}: {
  readonly slos: readonly SloStatus[];
  readonly caption: string;
}) {
  if (slos.length === 0) return <p className="muted">No SLOs yet.</p>;
  return (
    <table className="slo-table" aria-label={caption}>
      <thead>
        <tr>
          <th scope="col">SLO</th>
          <th scope="col">Budget left</th>
          <th scope="col">State</th>
          <th scope="col" className="numeric">
            SLI
          </th>
          <th scope="col" className="numeric">
            Objective
          </th>
          <th scope="col" className="numeric">
            Burn 1h
          </th>
        </tr>
      </thead>
      <tbody>
        {slos.map((status) => (
          <SloRow key={status.slo} status={status} />
        ))}
      </tbody>
    </table>
  );
}

function SloRow({ status }: { readonly status: SloStatus }) {
  const state = sloState(status);
  return (
    <tr data-slo={status.slo}>
      <th scope="row">
        <a href={paths.slo(status.slo)} title={status.slo}>
          {status.slo}
        </a>
      </th>
      <td>
        <BudgetBar remaining={status.errorBudget.remaining} state={state} />
      </td>
      <td>
        <StateBadge state={state} />
      </td>
      <td className="numeric" data-field="sli">
        {formatSli(status.sli)}
      </td>
      <td className="numeric" data-field="objective">
        {formatObjective(status.objective)}
      </td>
      <td className="numeric" data-field="burn-1h">
        {formatBurnRate(status.burnRates['1h'])}
      </td>
    </tr>
  );
}
