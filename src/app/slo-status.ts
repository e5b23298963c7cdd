// Reading SLOs' numbers: the status of one SLO (the JSON of `headroom eval`) and
// its history as points for charts.
import { evaluateSlo } from '../core/slo/evaluate.js';
import type { SloStatus } from '../core/slo/status.js';
import { invalid, notFound } from './errors.js';
import type { AppDependencies, LiveSlo } from './ports/slo-catalog.js';
import { requireReader, type Principal } from './principal.js';

/** Status reads may be this stale on an instance that did not take the write itself. */
const STATUS_FRESHNESS_MS = 250;
export const MAX_SERIES_POINTS = 2000;
const MINUTE_MS = 60_000;

export async function getSloStatus(
  { clock, catalog }: AppDependencies,
  principal: Principal,
  name: string,
  atMs: number | undefined,
): Promise<SloStatus> {
  requireReader(principal);
  await catalog.refresh({ maxAgeMs: STATUS_FRESHNESS_MS });
  return evaluateSlo(...liveSlo(catalog.get(name), name), atMs ?? clock.now());
}

export async function listSloStatuses(
  { clock, catalog }: AppDependencies,
  principal: Principal,
  atMs: number | undefined,
): Promise<SloStatus[]> {
  requireReader(principal);
  await catalog.refresh({ maxAgeMs: STATUS_FRESHNESS_MS });
  const at = atMs ?? clock.now();
  return catalog.all().map((entry) => evaluateSlo(entry.slo, entry.series, at));
}

export interface SeriesPoint {
  readonly at: string;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number;
  readonly burnRates: SloStatus['burnRates'];
}

export interface SeriesRequest {
  readonly fromMs: number | undefined;
  readonly toMs: number | undefined;
  /** Whole minutes; undefined = about 200 points. */
  readonly stepMinutes: number | undefined;
}

export async function getSloSeries(
  { clock, catalog }: AppDependencies,
  principal: Principal,
  name: string,
  request: SeriesRequest,
): Promise<{ slo: string; from: string; to: string; stepMinutes: number; points: SeriesPoint[] }> {
  requireReader(principal);
  await catalog.refresh({ maxAgeMs: STATUS_FRESHNESS_MS });
  const [slo, series] = liveSlo(catalog.get(name), name);
  const to = request.toMs ?? clock.now();
  const from =
    request.fromMs ??
    (slo.window.kind === 'rolling'
      ? to - slo.window.minutes * MINUTE_MS
      : to - 30 * 24 * 60 * MINUTE_MS);
  if (from >= to)
    throw invalid('from must be before to', [{ path: 'from', message: 'from must be before to' }]);
  const stepMinutes = request.stepMinutes ?? Math.max(1, Math.ceil((to - from) / MINUTE_MS / 200));
  const count = Math.floor((to - from) / (stepMinutes * MINUTE_MS)) + 1;
  if (count > MAX_SERIES_POINTS) {
    throw invalid(`that is ${count} points; at most ${MAX_SERIES_POINTS}`, [
      {
        path: 'step',
        message: `choose a step of at least ${Math.ceil((to - from) / MINUTE_MS / MAX_SERIES_POINTS)}m`,
      },
    ]);
  }
  const points: SeriesPoint[] = [];
  for (let at = from; at <= to; at += stepMinutes * MINUTE_MS) {
    const status = evaluateSlo(slo, series, at);
    points.push({
      at: status.at,
      sli: status.sli,
      errorBudgetRemaining: status.errorBudget.remaining,
      burnRates: status.burnRates,
    });
  }
  return {
    slo: name,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    stepMinutes,
    points,
  };
}

function liveSlo(entry: LiveSlo | undefined, name: string): [LiveSlo['slo'], LiveSlo['series']] {
  if (entry === undefined) throw notFound(`SLO "${name}"`);
  return [entry.slo, entry.series];
}
