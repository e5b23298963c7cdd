// Every burn-rate alert firing now, pages before tickets, from the one status read.
import type { AlertStatus, SloStatus } from '../../api/types';
import { formatBurnRate, formatFactor } from '../../format/numbers';
import { paths } from '../../router/routes';
import { Panel } from '../../ui/Panel';

interface Firing {
  readonly slo: string;
  readonly service: string;
  readonly alert: AlertStatus;
}

export function firingAlerts(statuses: readonly SloStatus[]): Firing[] {
  return statuses
    .flatMap((status) =>
      status.alerts
        .filter((alert) => alert.firing)
        .map((alert) => ({ slo: status.slo, service: status.service, alert })),
    )
    .sort((a, b) =>
      a.alert.severity !== b.alert.severity
        ? a.alert.severity === 'page'
          ? -1
          : 1
        : b.alert.factor - a.alert.factor,
    );
}

export function FiringAlerts({ statuses }: { readonly statuses: readonly SloStatus[] }) {
  const firing = firingAlerts(statuses);
  return (
    <Panel title={`Firing burn alerts (${String(firing.length)})`} id="firing">
      {firing.length === 0 ? (
        <p className="muted">No burn-rate alert is firing.</p>
      ) : (
        <ul className="alert-list">
          {firing.map(({ slo, alert }) => (
            <li
              key={`${slo}:${alert.severity}:${alert.longWindow}`}
              data-alert={`${slo}:${alert.longWindow}/${alert.shortWindow}`}
            >
              <span className={`badge severity-${alert.severity}`}>
                <span aria-hidden="true">{alert.severity === 'page' ? '!' : '·'}</span>{' '}
                {alert.severity}
              </span>{' '}
              <a href={paths.slo(slo)}>{slo}</a>{' '}
              <span className="muted">
                {alert.longWindow}/{alert.shortWindow}: {formatBurnRate(alert.longBurnRate)} and{' '}
                {formatBurnRate(alert.shortBurnRate)} over {formatFactor(alert.factor)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
