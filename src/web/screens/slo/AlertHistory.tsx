import type { AlertTransition } from '../../api/types';
import { formatBudget, formatBurnRate, formatFactor } from '../../format/numbers';
import { formatInstant } from '../../format/time';

/** Starts and resolutions as the evaluator recorded them, newest first. */
export function AlertHistory({
  transitions,
}: {
  readonly transitions: readonly AlertTransition[];
}) {
  if (transitions.length === 0) {
    return (
      <p className="muted">
        No burn-rate alert has started or resolved yet. The evaluator records them every minute
        while <code>headroom serve</code> runs.
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="numbers-table">
        <caption className="visually-hidden">Burn-rate alerts that started or resolved</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Alert</th>
            <th scope="col">Severity</th>
            <th scope="col">Windows</th>
            <th scope="col" className="numeric">
              Long / short burn
            </th>
            <th scope="col" className="numeric">
              Budget left
            </th>
          </tr>
        </thead>
        <tbody>
          {transitions.map((transition) => (
            <tr key={transition.id} data-transition={transition.id}>
              <td>{formatInstant(transition.at)}</td>
              <td>
                <span className={`badge transition-${transition.transition}`}>
                  <span aria-hidden="true">{transition.transition === 'started' ? '▲' : '✓'}</span>{' '}
                  {transition.transition}
                </span>
              </td>
              <td>{transition.severity}</td>
              <td>
                {transition.numbers.longWindow} / {transition.numbers.shortWindow} over{' '}
                {formatFactor(transition.numbers.factor)}
              </td>
              <td className="numeric">
                {formatBurnRate(transition.numbers.longBurnRate)} /{' '}
                {formatBurnRate(transition.numbers.shortBurnRate)}
              </td>
              <td className="numeric" data-field="remaining">
                {formatBudget(transition.numbers.errorBudgetRemaining)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
