// Reading SLOs' numbers: the status of one SLO (the JSON of `headroom eval`) and
// its history as points for charts.
import { evaluateSlo } from '../core/slo/evaluate.js';
import type { SloStatus } from '../core/slo/status.js';
import { invalid, notFound } from './errors.js';
import {
  readsElsewhere,
  type AppDependencies,
  type LiveSlo,
  type SeriesPoint,
} from './ports/slo-catalog.js';
import { requireReader, type Principal } from './principal.js';

/** Status reads may be this stale on an instance that did not take the write itself. */
const STATUS_FRESHNESS_MS = 250;
export const MAX_SERIES_POINTS = 2000;
const MINUTE_MS = 60_000;

/**
 * SLIs read from Prometheus at "now" may be this old: a scrape interval is 15 s to 1 min,
 * so reading more often shows nothing new and only loads Prometheus.
 */
export const READ_SLI_FRESHNESS_MS = 15_000;

export async function getSloStatus(
  deps: AppDependencies,
  principal: Principal,
  name: string,
  atMs: number | undefined,
): Promise<SloStatus> {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: STATUS_FRESHNESS_MS });
  const entry = deps.catalog.get(name);
  if (entry === undefined) throw notFound(`SLO "${name}"`);
  const [status] = await statusesOf(deps, [entry], atMs);
  if (status === undefined) throw notFound(`SLO "${name}"`);
  return status;
}

export async function listSloStatuses(
  deps: AppDependencies,
  principal: Principal,
  atMs: number | undefined,
  service?: string,
): Promise<SloStatus[]> {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: STATUS_FRESHNESS_MS });
  if (service === undefined) return statusesOf(deps, deps.catalog.all(), atMs);
  if (deps.catalog.service(service) === undefined) throw notFound(`service "${service}"`);
  return statusesOf(deps, deps.catalog.slosOf(service), atMs);
}

/**
 * The statuses of `entries` at `atMs` (undefined: now), in their order: pushed events
 * evaluated here, the rest read through the SLI reader (at now, a recent read will do).
 */
export async function statusesOf(
  { clock, sliReader }: AppDependencies,
  entries: readonly LiveSlo[],
  atMs: number | undefined,
): Promise<SloStatus[]> {
  const at = atMs ?? clock.now();
  const elsewhere = entries.filter(readsElsewhere);
  const read =
    elsewhere.length === 0
      ? new Map<number, SloStatus>()
      : await sliReader.statuses(
          elsewhere,
          at,
          atMs === undefined ? { maxAgeMs: READ_SLI_FRESHNESS_MS } : {},
        );
  const statuses: SloStatus[] = [];
  for (const [index, entry] of entries.entries()) {
    // An evaluation cycle over a thousand SLOs would hold every request up for tens of
    // milliseconds (a deploy gate's answer among them): let them through now and then.
    if (index > 0 && index % EVALUATIONS_PER_TURN === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const status = readsElsewhere(entry)
      ? read.get(entry.id)
      : evaluateSlo(entry.slo, entry.series, at);
    if (status !== undefined) statuses.push(status);
  }
  return statuses;
}

/** SLOs evaluated in one turn of the event loop: a few milliseconds' worth. */
const EVALUATIONS_PER_TURN = 50;

export interface SeriesRequest {
  readonly fromMs: number | undefined;
  readonly toMs: number | undefined;
  /** Whole minutes; undefined = about 200 points. */
  readonly stepMinutes: number | undefined;
}

export async function getSloSeries(
  { clock, catalog, sliReader }: AppDependencies,
  principal: Principal,
  name: string,
  request: SeriesRequest,
): Promise<{ slo: string; from: string; to: string; stepMinutes: number; points: SeriesPoint[] }> {
  requireReader(principal);
  await catalog.refresh({ maxAgeMs: STATUS_FRESHNESS_MS });
  const entry = catalog.get(name);
  if (entry === undefined) throw notFound(`SLO "${name}"`);
  const { slo, series } = entry;
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
  const points = readsElsewhere(entry)
    ? [...(await sliReader.series(entry, from, to, stepMinutes))]
    : pointsOfSeries(slo, series, from, to, stepMinutes);
  return {
    slo: name,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    stepMinutes,
    points,
  };
}

function pointsOfSeries(
  slo: LiveSlo['slo'],
  series: LiveSlo['series'],
  from: number,
  to: number,
  stepMinutes: number,
): SeriesPoint[] {
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
  return points;
}
