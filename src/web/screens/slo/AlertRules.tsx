import type { SloStatus } from '../../api/types';
import { formatBurnRate, formatFactor } from '../../format/numbers';
import { Panel } from '../../ui/Panel';

/** The multiwindow rules: both windows must burn faster than the factor to fire. */
export function AlertRules({ status }: { readonly status: SloStatus }) {
  return (
    <Panel title="Burn-rate alerts" id="alert-rules">
      <div className="table-scroll">
        <table className="numbers-table">
          <caption className="visually-hidden">
            Multiwindow burn-rate alert rules and whether each fires now
          </caption>
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Windows</th>
              <th scope="col" className="numeric">
                Threshold
              </th>
              <th scope="col" className="numeric">
                Long
              </th>
              <th scope="col" className="numeric">
                Short
              </th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            {status.alerts.map((alert) => (
              <tr
                key={`${alert.severity}:${alert.longWindow}:${alert.shortWindow}`}
                data-rule={`${alert.longWindow}/${alert.shortWindow}`}
              >
                <td>{alert.severity}</td>
                <td>
                  {alert.longWindow} / {alert.shortWindow}
                </td>
                <td className="numeric">{formatFactor(alert.factor)}</td>
                <td className="numeric" data-field="long-burn">
                  {formatBurnRate(alert.longBurnRate)}
                </td>
                <td className="numeric" data-field="short-burn">
                  {formatBurnRate(alert.shortBurnRate)}
                </td>
                <td data-field="firing">
                  {alert.firing ? (
                    <span className={`badge severity-${alert.severity}`}>
                      <span aria-hidden="true">▲</span> firing
                    </span>
                  ) : (
                    <span className="muted">
                      <span aria-hidden="true">–</span> quiet
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
