// The SLI, the remaining budget and the burn rates over the window, with the objective,
// the empty budget and each alert rule's factor drawn as thresholds, and the service's
// deploys as vertical markers.
import { useMemo } from 'react';
import type { SloSeries, SloStatus } from '../../api/types';
import { TimeChart, type ChartSeries, type Threshold } from '../../charts/TimeChart';
import { formatFactor } from '../../format/numbers';
import { BUDGET_FORMAT, BURN_FORMAT, SLI_FORMAT } from './chart-formats';
import { deployMarkers } from './Deploys';

const BURN_SERIES = [
  { window: '1h', color: '--chart-1' },
  { window: '6h', color: '--chart-2' },
  { window: '1d', color: '--chart-3' },
  { window: '3d', color: '--chart-4' },
] as const;

export function SloCharts({
  status,
  series,
}: {
  readonly status: SloStatus;
  readonly series: SloSeries;
}) {
  const charts = useMemo(() => chartsOf(status, series), [status, series]);
  if (series.points.length === 0) {
    return <p className="muted">No points in this window.</p>;
  }
  return (
    <div className="charts" data-deploy-markers={charts.sli.markers.length}>
      <figure>
        <figcaption>SLI (step {series.step})</figcaption>
        <TimeChart {...charts.sli} />
      </figure>
      <figure>
        <figcaption>Error budget left</figcaption>
        <TimeChart {...charts.budget} />
      </figure>
      <figure className="chart-wide">
        <figcaption>
          Burn rate, with each alert rule's threshold (scale: linear to 1×, then logarithmic)
        </figcaption>
        <TimeChart {...charts.burn} />
        <ThresholdLegend thresholds={charts.burn.thresholds} />
      </figure>
    </div>
  );
}

function chartsOf(status: SloStatus, series: SloSeries) {
  const x = series.points.map((point) => Date.parse(point.at) / 1000);
  const markers = deployMarkers(series);
  const sli = {
    label: `SLI of ${status.slo} over the window, against the objective`,
    x,
    series: [
      { label: 'SLI', values: series.points.map((point) => point.sli), color: '--chart-1' },
    ] satisfies ChartSeries[],
    thresholds: [
      { value: status.objective, label: 'objective', color: '--threshold-objective' },
    ] satisfies Threshold[],
    markers,
    format: SLI_FORMAT.axis,
    hoverFormat: SLI_FORMAT.hover,
  };
  const budget = {
    label: `Error budget left of ${status.slo} over the window`,
    x,
    series: [
      {
        label: 'Budget left',
        // No events in the window at that point: a gap, not an untouched 100 %.
        values: series.points.map((point) =>
          point.sli === null ? null : point.errorBudgetRemaining,
        ),
        color: '--chart-2',
      },
    ] satisfies ChartSeries[],
    thresholds: [{ value: 0, label: 'spent', color: '--threshold-page' }] satisfies Threshold[],
    markers,
    format: BUDGET_FORMAT.axis,
    hoverFormat: BUDGET_FORMAT.hover,
  };
  const burn = {
    label: `Burn rates of ${status.slo} over the window, with alert thresholds`,
    x,
    series: BURN_SERIES.map(({ window, color }) => ({
      label: window,
      values: series.points.map((point) => point.burnRates[window]),
      color,
    })) satisfies ChartSeries[],
    thresholds: thresholdsOf(status),
    markers,
    format: BURN_FORMAT.axis,
    hoverFormat: BURN_FORMAT.hover,
    scale: 'asinh' as const,
  };
  return { sli, budget, burn };
}

/** One line per distinct factor, naming the rules that use it. */
function thresholdsOf(status: SloStatus): Threshold[] {
  const byFactor = new Map<number, string[]>();
  for (const alert of status.alerts) {
    const names = byFactor.get(alert.factor) ?? [];
    names.push(`${alert.severity} ${alert.longWindow}/${alert.shortWindow}`);
    byFactor.set(alert.factor, names);
  }
  return [...byFactor.entries()].map(([factor, names]) => ({
    value: factor,
    label: `${formatFactor(factor)} ${names.join(', ')}`,
    color: names.some((name) => name.startsWith('page'))
      ? '--threshold-page'
      : '--threshold-ticket',
  }));
}

function ThresholdLegend({ thresholds }: { readonly thresholds: readonly Threshold[] }) {
  return (
    <ul className="threshold-legend" aria-label="Alert thresholds">
      {thresholds.map((threshold) => (
        <li key={threshold.value} data-threshold={threshold.value}>
          <span className="swatch" style={{ borderColor: `var(${threshold.color})` }} />
          {threshold.label}
        </li>
      ))}
    </ul>
  );
}
