// SLIs read from Prometheus: for each SLO the good and total increase over every window
// its evaluation needs, all SLOs of a data source in few requests (see query-batch.ts),
// then the same engine as for pushed events. A failure marks only the SLOs it touches
// `unknown`, keeping their last good numbers with their age.
import { invalid } from '../../app/errors.js';
import type { LiveSlo, SeriesPoint, SliReader, SloCatalog } from '../../app/ports/slo-catalog.js';
import type { Clock } from '../../app/ports/clock.js';
import {
  evaluateSloFromTotals,
  windowsNeeded,
  type WindowTotals,
} from '../../core/slo/evaluate.js';
import { NO_COUNTS, type WindowCounts } from '../../core/slo/minute-series.js';
import type { DataSource, PrometheusSliSource, Slo } from '../../core/slo/model.js';
import type { SloStatus } from '../../core/slo/status.js';
import { prometheusClient, QueryError, type Environment, type PrometheusClient } from './client.js';
import { combine, planUnits, readSamples, type BatchUnit, type Sample } from './query-batch.js';
import { sliQueryPlan, type SliQueryPlan, type WindowExpressions } from './sli-queries.js';

const MINUTE_MS = 60_000;
/** Requests in flight per data source: Prometheus evaluates each on its own goroutine. */
const CONCURRENT_REQUESTS = 4;

export interface ReaderCounters {
  /** HTTP queries sent, failed ones included. */
  queries: number;
}

/** Positions of one window's expressions in the data source's expression list. */
interface WindowSlots {
  readonly minutes: number;
  readonly good?: number;
  readonly bad?: number;
  readonly total?: number;
  readonly errorRatio?: number;
  readonly perSecond: boolean;
}

interface Wanted {
  readonly entry: LiveSlo;
  readonly dataSource: DataSource;
  readonly windows: WindowSlots[];
  /** The SLO window's length: without a total there, the SLO is unknown. */
  readonly windowMinutes: number;
}

interface Remembered {
  readonly slo: Slo;
  readonly status: SloStatus;
  readonly checkedAtMs: number;
}

export class PrometheusSliReader implements SliReader {
  readonly counters: ReaderCounters = { queries: 0 };
  private readonly lastGood = new Map<number, Remembered>();
  private readonly latest = new Map<number, Remembered>();
  private readonly clients = new Map<
    string,
    { readonly key: string; readonly client: PrometheusClient }
  >();
  private readonly plans = new WeakMap<Slo, SliQueryPlan>();
  private inflight:
    | { readonly atMs: number; readonly ids: ReadonlySet<number>; readonly done: Promise<unknown> }
    | undefined;

  constructor(
    private readonly catalog: Pick<SloCatalog, 'dataSources'>,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  async statuses(
    entries: readonly LiveSlo[],
    atMs: number,
    options: { readonly maxAgeMs?: number } = {},
  ): Promise<ReadonlyMap<number, SloStatus>> {
    const elsewhere = entries.filter((entry) => entry.slo.sli.source.type === 'prometheus');
    const { maxAgeMs } = options;
    if (maxAgeMs !== undefined) {
      const running = this.inflight;
      // A read under way that is recent enough and covers these SLOs: share it.
      if (running !== undefined && running.atMs >= atMs - maxAgeMs) {
        if (elsewhere.every((entry) => running.ids.has(entry.id)))
          await running.done.catch(() => undefined);
      }
    }
    const result = new Map<number, SloStatus>();
    const stale: LiveSlo[] = [];
    for (const entry of elsewhere) {
      const known = this.latest.get(entry.id);
      const fresh =
        maxAgeMs !== undefined &&
        known !== undefined &&
        known.slo === entry.slo &&
        known.checkedAtMs <= atMs &&
        atMs - known.checkedAtMs <= maxAgeMs;
      if (fresh) result.set(entry.id, known.status);
      else stale.push(entry);
    }
    if (stale.length === 0) return result;
    const reading = this.read(stale, atMs);
    this.inflight = { atMs, ids: new Set(stale.map((entry) => entry.id)), done: reading };
    try {
      for (const [id, status] of await reading) result.set(id, status);
    } finally {
      if (this.inflight.done === reading) this.inflight = undefined;
    }
    return result;
  }

  cached(entry: LiveSlo): SloStatus | undefined {
    const known = this.latest.get(entry.id);
    return known?.slo === entry.slo ? known.status : undefined;
  }

  async series(
    entry: LiveSlo,
    fromMs: number,
    toMs: number,
    stepMinutes: number,
  ): Promise<readonly SeriesPoint[]> {
    const { slo } = entry;
    if (slo.window.kind === 'calendar') {
      throw invalid(
        'the history of a calendar-window SLO read from Prometheus cannot be drawn: its window grows through the period, which one range query cannot express; ask /status with ?at= for single instants',
        [{ path: 'slo', message: 'use a rolling window (e.g. 30d) for a series from Prometheus' }],
      );
    }
    const wanted = this.want([entry], toMs);
    const plannedFor = wanted.planned[0];
    if (plannedFor === undefined) {
      throw invalid(
        `SLO "${slo.name}" cannot be read from Prometheus: ${wanted.unknown.get(entry.id) ?? 'unknown reason'}`,
        [{ path: 'slo', message: 'fix its Prometheus source' }],
      );
    }
    const expressions = wanted.expressionsBySource.get(plannedFor.dataSource.name) ?? [];
    const units = planUnits(expressions);
    const client = this.clientFor(plannedFor.dataSource);
    this.counters.queries += 1;
    let series;
    try {
      series = await client.range(combine(units), fromMs, toMs, stepMinutes * 60);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      throw invalid(`the series could not be read: ${error.message}`, [
        { path: 'slo', message: error.message },
      ]);
    }
    const valuesAt = new Map<number, (number | undefined)[]>();
    for (const { metric, points } of series) {
      for (const [at, value] of points) {
        let values = valuesAt.get(at);
        if (values === undefined) {
          values = new Array<number | undefined>(expressions.length).fill(undefined);
          valuesAt.set(at, values);
        }
        readSamples(units, [{ metric, value }], values);
      }
    }
    const points: SeriesPoint[] = [];
    for (let at = fromMs; at <= toMs; at += stepMinutes * MINUTE_MS) {
      const values = valuesAt.get(at) ?? [];
      const totals = totalsOf(plannedFor, values);
      const status = evaluateSloFromTotals(
        slo,
        totals.ok ? totals.totals : emptyTotals(plannedFor),
        at,
      );
      points.push({
        at: status.at,
        sli: status.sli,
        errorBudgetRemaining: status.errorBudget.remaining,
        burnRates: status.burnRates,
      });
    }
    return points;
  }

  private async read(entries: readonly LiveSlo[], atMs: number): Promise<Map<number, SloStatus>> {
    const { planned, unknown, expressionsBySource, windowsBySource } = this.want(entries, atMs);
    const valuesBySource = new Map<
      string,
      { values: (number | undefined)[]; errors: Map<number, string> }
    >();
    await Promise.all(
      [...expressionsBySource].map(async ([name, expressions]) => {
        const dataSource = planned.find((wanted) => wanted.dataSource.name === name)?.dataSource;
        if (dataSource === undefined) return;
        const windows = windowsBySource.get(name) ?? [];
        valuesBySource.set(name, await this.evaluate(dataSource, expressions, windows, atMs));
      }),
    );
    const result = new Map<number, SloStatus>();
    for (const wanted of planned) {
      const read = valuesBySource.get(wanted.dataSource.name);
      const slots = wanted.windows.flatMap((window) =>
        [window.good, window.bad, window.total, window.errorRatio].filter(
          (slot) => slot !== undefined,
        ),
      );
      const failed = slots
        .map((slot) => read?.errors.get(slot))
        .find((error) => error !== undefined);
      if (failed !== undefined) {
        unknown.set(wanted.entry.id, failed);
        continue;
      }
      const totals = totalsOf(wanted, read?.values ?? []);
      if (!totals.ok) {
        unknown.set(wanted.entry.id, totals.reason);
        continue;
      }
      const status = {
        ...evaluateSloFromTotals(wanted.entry.slo, totals.totals, atMs),
        source: {
          type: 'prometheus' as const,
          dataSource: wanted.dataSource.name,
          state: 'ok' as const,
          reason: null,
          numbersAt: new Date(atMs).toISOString(),
          ageSeconds: 0,
          checkedAt: new Date(atMs).toISOString(),
        },
      };
      const remembered = { slo: wanted.entry.slo, status, checkedAtMs: atMs };
      this.latest.set(wanted.entry.id, remembered);
      const before = this.lastGood.get(wanted.entry.id);
      if (before === undefined || before.checkedAtMs <= atMs)
        this.lastGood.set(wanted.entry.id, remembered);
      result.set(wanted.entry.id, status);
    }
    for (const entry of entries) {
      const reason = unknown.get(entry.id);
      if (reason === undefined) continue;
      const status = this.unknownStatus(entry, reason, atMs);
      this.latest.set(entry.id, { slo: entry.slo, status, checkedAtMs: atMs });
      result.set(entry.id, status);
    }
    return result;
  }

  /** The last good numbers (of the same definition), or an empty evaluation, marked unknown. */
  private unknownStatus(entry: LiveSlo, reason: string, atMs: number): SloStatus {
    const good = this.lastGood.get(entry.id);
    const kept =
      good !== undefined && good.slo === entry.slo && good.checkedAtMs <= atMs ? good : undefined;
    const base =
      kept?.status ??
      evaluateSloFromTotals(entry.slo, { counts: () => NO_COUNTS, ratioOnly: false }, atMs);
    const source = entry.slo.sli.source as PrometheusSliSource;
    return {
      ...base,
      source: {
        type: 'prometheus',
        dataSource: source.dataSource ?? this.defaultDataSource()?.name ?? 'default',
        state: 'unknown',
        reason,
        numbersAt: kept === undefined ? null : new Date(kept.checkedAtMs).toISOString(),
        ageSeconds: kept === undefined ? null : Math.max(0, (atMs - kept.checkedAtMs) / 1000),
        checkedAt: new Date(atMs).toISOString(),
      },
    };
  }

  /** Which expressions each SLO needs at `atMs`, deduplicated per data source. */
  private want(entries: readonly LiveSlo[], atMs: number) {
    const planned: Wanted[] = [];
    const unknown = new Map<number, string>();
    const expressionsBySource = new Map<string, string[]>();
    /** The window of each expression, by position. */
    const windowsBySource = new Map<string, number[]>();
    const slotsBySource = new Map<string, Map<string, number>>();
    const dataSources = this.catalog.dataSources();
    for (const entry of entries) {
      const { slo } = entry;
      const source = slo.sli.source;
      if (source.type !== 'prometheus') continue;
      const dataSource =
        source.dataSource === undefined
          ? this.defaultDataSource()
          : dataSources.find((candidate) => candidate.name === source.dataSource);
      if (dataSource === undefined) {
        unknown.set(
          entry.id,
          source.dataSource === undefined
            ? dataSources.length === 0
              ? 'no DataSource is defined; apply a DataSource document of type prometheus'
              : `its source names no data source and none of the ${dataSources.length} is the default (set spec.default: true on one)`
            : `DataSource "${source.dataSource}" is not defined`,
        );
        continue;
      }
      if (slo.budgeting.kind === 'timeslices') {
        unknown.set(
          entry.id,
          'timeslices budgets count good minutes, which Prometheus increases over windows cannot tell; use budgetingMethod occurrences',
        );
        continue;
      }
      const plan = this.planOf(slo, source);
      if (!plan.ok) {
        unknown.set(entry.id, plan.reason);
        continue;
      }
      const slots = slotsBySource.get(dataSource.name) ?? new Map<string, number>();
      const expressions = expressionsBySource.get(dataSource.name) ?? [];
      const expressionWindows = windowsBySource.get(dataSource.name) ?? [];
      slotsBySource.set(dataSource.name, slots);
      expressionsBySource.set(dataSource.name, expressions);
      windowsBySource.set(dataSource.name, expressionWindows);
      const slotIn =
        (minutes: number) =>
        (expr: string | undefined): number | undefined => {
          if (expr === undefined) return undefined;
          let slot = slots.get(expr);
          if (slot === undefined) {
            slot = expressions.length;
            expressions.push(expr);
            expressionWindows.push(minutes);
            slots.set(expr, slot);
          }
          return slot;
        };
      const lengths = windowsNeeded(slo, atMs);
      const windows = lengths.map((minutes) =>
        slotsOf(minutes, plan.over(minutes), slotIn(minutes)),
      );
      planned.push({ entry, dataSource, windows, windowMinutes: Math.max(...lengths) });
    }
    return { planned, unknown, expressionsBySource, windowsBySource };
  }

  private planOf(slo: Slo, source: PrometheusSliSource): SliQueryPlan {
    let plan = this.plans.get(slo);
    if (plan === undefined) {
      plan = sliQueryPlan(source);
      this.plans.set(slo, plan);
    }
    return plan;
  }

  /** Every expression's value, or the error that kept it from being read. */
  private async evaluate(
    dataSource: DataSource,
    expressions: readonly string[],
    windows: readonly number[],
    atMs: number,
  ): Promise<{ values: (number | undefined)[]; errors: Map<number, string> }> {
    const values = new Array<number | undefined>(expressions.length).fill(undefined);
    const errors = new Map<number, string>();
    let client: PrometheusClient;
    try {
      client = this.clientFor(dataSource);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      expressions.forEach((_, index) => errors.set(index, `${dataSource.name}: ${message}`));
      return { values, errors };
    }
    // One request per window (or more, past the expression limit): each stays within
    // one window's samples, and Prometheus works on several at once.
    const positionsByWindow = new Map<number, number[]>();
    windows.forEach((minutes, position) => {
      const positions = positionsByWindow.get(minutes);
      if (positions === undefined) positionsByWindow.set(minutes, [position]);
      else positions.push(position);
    });
    const chunks: BatchUnit[][] = [];
    for (const positions of positionsByWindow.values()) {
      const units = planUnits(
        positions.map((position) => expressions[position] ?? ''),
        positions,
      );
      for (let from = 0; from < units.length; from += dataSource.maxExpressionsPerQuery) {
        chunks.push(units.slice(from, from + dataSource.maxExpressionsPerQuery));
      }
    }
    const run = async (chunk: readonly BatchUnit[]): Promise<void> => {
      let samples: Sample[];
      this.counters.queries += 1;
      try {
        samples = await client.instant(combine(chunk), atMs);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        // One bad expression fails the whole request: halve until it is found.
        if (error.fault === 'query' && chunk.length > 1) {
          const middle = Math.floor(chunk.length / 2);
          await run(chunk.slice(0, middle));
          await run(chunk.slice(middle));
          return;
        }
        const reason =
          error.fault === 'query' && chunk[0] !== undefined
            ? `${error.message} (query: ${chunk[0].expr.slice(0, 300)})`
            : error.message;
        for (const unit of chunk) for (const index of indexesOf(unit)) errors.set(index, reason);
        return;
      }
      readSamples(chunk, samples, values);
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next];
        next += 1;
        if (chunk !== undefined) await run(chunk);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_REQUESTS, chunks.length) }, worker));
    return { values, errors };
  }

  private defaultDataSource(): DataSource | undefined {
    const dataSources = this.catalog.dataSources();
    return (
      dataSources.find((candidate) => candidate.isDefault) ??
      (dataSources.length === 1 ? dataSources[0] : undefined)
    );
  }

  private clientFor(dataSource: DataSource): PrometheusClient {
    const key = JSON.stringify(dataSource);
    const known = this.clients.get(dataSource.name);
    if (known !== undefined && known.key === key) return known.client;
    const client = prometheusClient(dataSource, this.env);
    this.clients.set(dataSource.name, { key, client });
    return client;
  }
}

function slotsOf(
  minutes: number,
  expressions: WindowExpressions,
  slotOf: (expr: string | undefined) => number | undefined,
): WindowSlots {
  const slots: { -readonly [K in keyof WindowSlots]: WindowSlots[K] } = {
    minutes,
    perSecond: expressions.perSecond,
  };
  const good = slotOf(expressions.good);
  const bad = slotOf(expressions.bad);
  const total = slotOf(expressions.total);
  const errorRatio = slotOf(expressions.errorRatio);
  if (good !== undefined) slots.good = good;
  if (bad !== undefined) slots.bad = bad;
  if (total !== undefined) slots.total = total;
  if (errorRatio !== undefined) slots.errorRatio = errorRatio;
  return slots;
}

function indexesOf(unit: BatchUnit): number[] {
  return unit.kind === 'whole' ? [unit.index] : [...unit.indexesByValue.values()].flat();
}

/**
 * Counts per window from the values read. An empty result for a good or bad query is
 * zero (Prometheus has no series for errors that never happened); an empty total over
 * the SLO's whole window means the query matches nothing, which is worth saying.
 */
function totalsOf(
  wanted: Wanted,
  values: readonly (number | undefined)[],
): { ok: true; totals: WindowTotals } | { ok: false; reason: string } {
  const byMinutes = new Map<number, WindowCounts>();
  let ratioOnly = false;
  for (const window of wanted.windows) {
    const read = (slot: number | undefined): number | undefined =>
      slot === undefined ? undefined : values[slot];
    const scale = window.perSecond ? window.minutes * 60 : 1;
    if (window.errorRatio !== undefined) {
      ratioOnly = true;
      const ratio = read(window.errorRatio);
      if (ratio === undefined && window.minutes === wanted.windowMinutes) {
        return {
          ok: false,
          reason: 'the error ratio query returned no series over the SLO window',
        };
      }
      // NaN is 0/0: no events in that window.
      byMinutes.set(
        window.minutes,
        ratio === undefined || Number.isNaN(ratio)
          ? NO_COUNTS
          : { good: 1 - clamp(ratio), total: 1, slices: 0, goodSlices: 0 },
      );
      continue;
    }
    const total = read(window.total);
    if (total === undefined && window.minutes === wanted.windowMinutes) {
      return { ok: false, reason: 'the total query returned no series over the SLO window' };
    }
    const totalCount = nonNegative(total) * scale;
    const good =
      window.good !== undefined
        ? nonNegative(read(window.good)) * scale
        : totalCount - nonNegative(read(window.bad)) * scale;
    byMinutes.set(window.minutes, {
      good: Math.min(Math.max(good, 0), totalCount),
      total: totalCount,
      slices: 0,
      goodSlices: 0,
    });
  }
  return {
    ok: true,
    totals: { counts: (minutes) => byMinutes.get(minutes) ?? NO_COUNTS, ratioOnly },
  };
}

function emptyTotals(wanted: Wanted): WindowTotals {
  return {
    counts: () => NO_COUNTS,
    ratioOnly: wanted.windows.some((window) => window.errorRatio !== undefined),
  };
}

function nonNegative(value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) || value < 0 ? 0 : value;
}

function clamp(ratio: number): number {
  return Math.min(Math.max(ratio, 0), 1);
}
