// What Headroom saw around the incident: the merged timeline, and the error budget each
// SLO of its services lost (or regained), as the API measured them.
import type { BudgetImpact, TimelineEntry } from '../../api/types';
import {
  formatBudgetChange,
  formatBurnRate,
  formatCount,
  NO_EVENTS_TEXT,
} from '../../format/numbers';
import { formatInstant, formatInstantSeconds } from '../../format/time';
import { paths } from '../../router/routes';

const SOURCE_LABELS: Readonly<Record<TimelineEntry['source'], string>> = {
  incident: 'incident',
  page: 'page',
  alert: 'alert',
  deploy: 'deploy',
  'burn-alert': 'burn alert',
};

export function Timeline({ entries }: { readonly entries: readonly TimelineEntry[] }) {
  if (entries.length === 0) return <p className="muted">Nothing on the timeline yet.</p>;
  return (
    <ol className="incident-timeline" aria-label="Timeline, oldest first">
      {entries.map((entry, index) => (
        <li key={index} data-entry={entry.kind} data-source={entry.source}>
          <time dateTime={entry.at} data-field="at">
            {formatInstantSeconds(entry.at)}
          </time>
          <span className={`badge source source-${entry.source}`} data-field="source">
            {SOURCE_LABELS[entry.source]}
          </span>
          <span data-field="text">
            {entry.text}
            {entry.actor === null ? null : <span className="muted"> — {entry.actor}</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}

const METHOD_TEXT: Readonly<Record<BudgetImpact['slos'][number]['method'], string>> = {
  exact: 'exact (bad events in the interval)',
  'remaining-difference': 'remaining budget at start less at end (Prometheus)',
};

export function BudgetImpactTable({ impact }: { readonly impact: BudgetImpact }) {
  return (
    <>
      <p className="muted small" data-field="interval">
        From {formatInstant(impact.from)} to {formatInstant(impact.to)}
        {impact.complete ? ' (the resolution).' : ' (now: the incident is open).'}
      </p>
      {impact.slos.length === 0 ? (
        <p className="muted">The impacted services have no SLOs.</p>
      ) : (
        <div className="table-scroll">
          <table className="numbers-table">
            <caption className="visually-hidden">Error budget consumed per SLO</caption>
            <thead>
              <tr>
                <th scope="col">SLO</th>
                <th scope="col">Service</th>
                <th scope="col" className="numeric">
                  Objective
                </th>
                <th scope="col" className="numeric">
                  Budget spent or regained
                </th>
                <th scope="col" className="numeric">
                  Bad events
                </th>
                <th scope="col" className="numeric">
                  Burn rate
                </th>
                <th scope="col">Method</th>
              </tr>
            </thead>
            <tbody>
              {impact.slos.map((slo) => (
                <tr key={slo.slo} data-impact={slo.slo}>
                  <th scope="row">
                    <a href={paths.slo(slo.slo)}>{slo.slo}</a>
                  </th>
                  <td>
                    <a href={paths.service(slo.service)}>{slo.service}</a>
                  </td>
                  <td className="numeric">{`${String(slo.objectivePercent)}%`}</td>
                  <td className="numeric" data-field="consumed">
                    {/* Read from Prometheus as the remaining budget at both ends, it is
                        negative when a calendar window started afresh in between. */}
                    {slo.budgetConsumed === null
                      ? NO_EVENTS_TEXT
                      : formatBudgetChange(slo.budgetConsumed)}
                  </td>
                  <td className="numeric" data-field="bad">
                    {slo.events === null
                      ? NO_EVENTS_TEXT
                      : `${formatCount(slo.events.bad)} of ${formatCount(slo.events.total)}`}
                  </td>
                  <td className="numeric" data-field="burn">
                    {formatBurnRate(slo.burnRate)}
                  </td>
                  <td data-field="method" data-method={slo.method}>
                    {METHOD_TEXT[slo.method]}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
