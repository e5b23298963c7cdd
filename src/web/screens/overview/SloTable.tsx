// A service's SLOs as rows: budget bar, state, SLI, objective, 1h burn.
import type { OverviewSlo, SloStatus } from '../../api/types';
import { formatBurnRate, formatObjective, formatSli } from '../../format/numbers';
import { sloState } from '../../format/slo-state';
import { paths } from '../../router/routes';
import { BudgetBar } from '../../ui/BudgetBar';
import { StateBadge } from '../../ui/StateBadge';

export function SloTable({
  slos,
  caption,
}: {
  /** The overview's rows, or full statuses (the service screen reads those). */
  readonly slos: readonly OverviewSlo[] | readonly SloStatus[];
  readonly caption: string;
}) {
  if (slos.length === 0) return <p className="muted">No SLOs yet.</p>;
  return (
    <div className="table-scroll">
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
          {slos.map((slo) => {
            const row = rowOf(slo);
            return <SloRow key={row.name} slo={row} />;
          })}
        </tbody>
      </table>
    </div>
  );
}

function SloRow({ slo }: { readonly slo: OverviewSlo }) {
  return (
    <tr data-slo={slo.name}>
      <th scope="row">
        <a href={paths.slo(slo.name)} title={slo.name}>
          {slo.name}
        </a>
      </th>
      <td>
        <BudgetBar remaining={slo.remaining} state={slo.state} />
      </td>
      <td>
        <StateBadge state={slo.state} />
      </td>
      <td className="numeric" data-field="sli">
        {formatSli(slo.sli)}
      </td>
      <td className="numeric" data-field="objective">
        {formatObjective(slo.objective)}
      </td>
      <td className="numeric" data-field="burn-1h">
        {formatBurnRate(slo.burn1h)}
      </td>
    </tr>
  );
}

function rowOf(slo: OverviewSlo | SloStatus): OverviewSlo {
  if (!('errorBudget' in slo)) return slo;
  return {
    name: slo.slo,
    state: sloState(slo),
    remaining: slo.errorBudget.remaining,
    sli: slo.sli,
    objective: slo.objective,
    burn1h: slo.burnRates['1h'],
    firing: [],
  };
}
