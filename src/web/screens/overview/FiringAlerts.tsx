// Every burn-rate alert firing now, pages before tickets, from the overview's one read.
// The worst few are listed at once; the rest on request: a thousand SLOs can fire a
// thousand alerts, and drawing them all made the overview's first render wait
// (bench/web.ts).
import { useState } from 'react';
import type { FiringAlert, OverviewService } from '../../api/types';
import { formatBurnRate, formatFactor } from '../../format/numbers';
import { paths } from '../../router/routes';
import { Panel } from '../../ui/Panel';

interface Firing {
  readonly slo: string;
  readonly service: string;
  readonly alert: FiringAlert;
}

export function firingAlerts(services: readonly OverviewService[]): Firing[] {
  return services
    .flatMap((service) =>
      service.slos.flatMap((slo) =>
        slo.firing.map((alert) => ({ slo: slo.name, service: service.name, alert })),
      ),
    )
    .sort((a, b) =>
      a.alert.severity !== b.alert.severity
        ? a.alert.severity === 'page'
          ? -1
          : 1
        : b.alert.factor - a.alert.factor,
    );
}

/** Alerts listed before "Show all". */
export const FIRST_ALERTS = 10;

export function FiringAlerts({ services }: { readonly services: readonly OverviewService[] }) {
  const firing = firingAlerts(services);
  const [all, setAll] = useState(false);
  const shown = all ? firing : firing.slice(0, FIRST_ALERTS);
  return (
    <Panel title={`Firing burn alerts (${String(firing.length)})`} id="firing">
      {firing.length === 0 ? (
        <p className="muted">No burn-rate alert is firing.</p>
      ) : (
        <ul className="alert-list">
          {shown.map(({ slo, alert }) => (
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
      {shown.length < firing.length ? (
        <button
          type="button"
          className="link-button"
          data-field="show-all-alerts"
          onClick={() => {
            setAll(true);
          }}
        >
          Show all {firing.length} firing alerts
        </button>
      ) : null}
    </Panel>
  );
}
