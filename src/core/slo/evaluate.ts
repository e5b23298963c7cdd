// One SLO at one instant: SLI, error budget, burn rates, alert states and the
// projected exhaustion, all from the per-minute counts.
//
// A window of length w evaluated at T covers the minutes that start at or after
// T − w and before T. Calendar windows cover the minutes from the start of the
// calendar period containing T (in the SLO's time zone) to T.
import { alertRulesFor, isFiring } from './alert-rules.js';
import { allowedBudget, burnRate, ratioOfProducts, remainingBudget } from './budget-math.js';
import { difference, NO_COUNTS, type MinuteSeries, type WindowCounts } from './minute-series.js';
import type { BurnRateAlertRule, Slo, SloWindow } from './model.js';
import { fractionValue } from './fraction.js';
import {
  REPORTED_BURN_WINDOWS,
  type AlertStatus,
  type ReportedBurnWindow,
  type SloStatus,
  type WindowDescription,
} from './status.js';
import { calendarPeriodContaining } from '../time/calendar.js';
import { formatDuration, parseDuration } from '../time/duration.js';

const MINUTE_MS = 60_000;

const REPORTED_WINDOW_MINUTES: readonly (readonly [ReportedBurnWindow, number])[] =
  REPORTED_BURN_WINDOWS.map((name) => {
    const parsed = parseDuration(name);
    if (!parsed.ok) throw new Error(`bad built-in window ${name}`);
    return [name, parsed.minutes] as const;
  });

/** The burn rate that projections use: the page rule's long window, recent but not jittery. */
export const PROJECTION_BURN_WINDOW = '1h';

interface ResolvedWindow {
  /** First minute covered; the window ends at the evaluation minute. */
  readonly fromMinute: number;
  /** When the budget resets (calendar windows); undefined for rolling windows. */
  readonly resetsAtMs: number | undefined;
  /** The window's full length, for exhaustion projections. */
  readonly lengthMs: number;
  readonly description: WindowDescription;
}

export function evaluateSlo(slo: Slo, series: MinuteSeries, atMs: number): SloStatus {
  const endMinute = Math.ceil(atMs / MINUTE_MS);
  const countsBeforeEnd = series.countsBefore(endMinute);
  return evaluateFromCounts(slo, atMs, (minutes) =>
    minutes <= 0
      ? NO_COUNTS
      : difference(countsBeforeEnd, series.countsBefore(endMinute - minutes)),
  );
}

/**
 * Counts over whole windows ending at the evaluation instant, by length in minutes,
 * as a source that sums them itself (Prometheus `increase()`) reports them. A ratio-only
 * source (an error ratio query) gives fractions of one event: `ratioOnly` then hides the
 * counts, which would mean nothing, and keeps the ratios.
 */
export interface WindowTotals {
  readonly counts: (minutes: number) => WindowCounts;
  readonly ratioOnly: boolean;
}

/** The window lengths (minutes) an evaluation of `slo` at `atMs` reads, each once. */
export function windowsNeeded(slo: Slo, atMs: number): number[] {
  const endMinute = Math.ceil(atMs / MINUTE_MS);
  const lengths = new Set<number>([
    endMinute - resolveWindow(slo, atMs).fromMinute,
    ...REPORTED_WINDOW_MINUTES.map(([, minutes]) => minutes),
    ...preparedRules(slo).flatMap(({ rule }) => [rule.longWindowMinutes, rule.shortWindowMinutes]),
  ]);
  return [...lengths].filter((minutes) => minutes > 0).sort((a, b) => a - b);
}

/** The same evaluation from window totals read elsewhere (see `windowsNeeded`). */
export function evaluateSloFromTotals(slo: Slo, totals: WindowTotals, atMs: number): SloStatus {
  const status = evaluateFromCounts(slo, atMs, (minutes) =>
    minutes <= 0 ? NO_COUNTS : totals.counts(minutes),
  );
  if (!totals.ratioOnly) return status;
  return {
    ...status,
    events: null,
    errorBudget: { ...status.errorBudget, allowed: null, spent: null },
  };
}

function evaluateFromCounts(
  slo: Slo,
  atMs: number,
  countsOfLength: (minutes: number) => WindowCounts,
): SloStatus {
  const endMinute = Math.ceil(atMs / MINUTE_MS);
  const window = resolveWindow(slo, atMs);
  const objective = slo.objective;
  const countsOver = (fromMinute: number): WindowCounts => countsOfLength(endMinute - fromMinute);
  const counts = countsOver(window.fromMinute);
  const timeslices = slo.budgeting.kind === 'timeslices';
  const [budgetGood, budgetTotal] = timeslices
    ? [counts.goodSlices, counts.slices]
    : [counts.good, counts.total];
  const budgetBad = budgetTotal - budgetGood;

  // Alert windows mostly coincide with the reported ones: compute each length once.
  const burnByMinutes = new Map<number, number | null>();
  const burnOver = (minutes: number): number | null => {
    const known = burnByMinutes.get(minutes);
    if (known !== undefined) return known;
    const recent = countsOver(Math.ceil((atMs - minutes * MINUTE_MS) / MINUTE_MS));
    const rate = timeslices
      ? burnRate(recent.slices - recent.goodSlices, recent.slices, objective)
      : burnRate(recent.total - recent.good, recent.total, objective);
    burnByMinutes.set(minutes, rate);
    return rate;
  };

  const burnRates = {} as Record<ReportedBurnWindow, number | null>;
  for (const [name, minutes] of REPORTED_WINDOW_MINUTES) burnRates[name] = burnOver(minutes);
  burnRates.window = burnRate(budgetBad, budgetTotal, objective);

  const alerts: AlertStatus[] = preparedRules(slo).map(({ rule, longWindow, shortWindow }) => {
    const longBurnRate = burnOver(rule.longWindowMinutes);
    const shortBurnRate = burnOver(rule.shortWindowMinutes);
    return {
      severity: rule.severity,
      longWindow,
      shortWindow,
      factor: rule.factor,
      longBurnRate,
      shortBurnRate,
      firing: isFiring(longBurnRate, shortBurnRate, rule.factor),
    };
  });

  const remaining = remainingBudget(budgetBad, budgetTotal, objective);
  return {
    slo: slo.name,
    service: slo.service,
    at: window.description.end,
    objective: fractionValue(objective),
    budgetingMethod: slo.budgeting.kind,
    window: window.description,
    sli: budgetTotal === 0 ? null : budgetGood / budgetTotal,
    events: eventCounts(counts),
    slices: timeslices
      ? { good: counts.goodSlices, bad: counts.slices - counts.goodSlices, total: counts.slices }
      : null,
    errorBudget: {
      remaining,
      consumed: 1 - remaining,
      allowed: allowedBudget(budgetTotal, objective),
      spent: budgetBad,
      unit: timeslices ? 'minutes' : 'events',
    },
    burnRates,
    alerts,
    exhaustionAt: projectExhaustion(remaining, burnRates[PROJECTION_BURN_WINDOW], window, atMs),
  };
}

interface PreparedRule {
  readonly rule: BurnRateAlertRule;
  readonly longWindow: string;
  readonly shortWindow: string;
}

// The rules of an SLO depend only on its definition; evaluating thousands of SLOs
// every minute should not rebuild them each time.
const rulesBySlo = new WeakMap<Slo, readonly PreparedRule[]>();

function preparedRules(slo: Slo): readonly PreparedRule[] {
  let prepared = rulesBySlo.get(slo);
  if (prepared === undefined) {
    prepared = alertRulesFor(slo.alerting, slo.window).map((rule) => ({
      rule,
      longWindow: formatDuration(rule.longWindowMinutes),
      shortWindow: formatDuration(rule.shortWindowMinutes),
    }));
    rulesBySlo.set(slo, prepared);
  }
  return prepared;
}

function eventCounts(counts: WindowCounts): SloStatus['events'] {
  return { good: counts.good, bad: counts.total - counts.good, total: counts.total };
}

/** `30d` for a rolling window; `week`, `month` or `quarter` for a calendar one. */
export function windowLength(window: SloWindow): string {
  return window.kind === 'rolling' ? formatDuration(window.minutes) : window.unit;
}

function resolveWindow(slo: Slo, atMs: number): ResolvedWindow {
  const end = new Date(atMs).toISOString();
  if (slo.window.kind === 'rolling') {
    const fromMinute = Math.ceil((atMs - slo.window.minutes * MINUTE_MS) / MINUTE_MS);
    return {
      fromMinute,
      resetsAtMs: undefined,
      lengthMs: slo.window.minutes * MINUTE_MS,
      description: {
        type: 'rolling',
        length: windowLength(slo.window),
        timeZone: null,
        start: new Date(fromMinute * MINUTE_MS).toISOString(),
        end,
      },
    };
  }
  const period = calendarPeriodContaining(slo.window.unit, slo.window.timeZone, atMs);
  return {
    fromMinute: Math.ceil(period.startMs / MINUTE_MS),
    resetsAtMs: period.endMs,
    lengthMs: period.endMs - period.startMs,
    description: {
      type: 'calendar',
      length: windowLength(slo.window),
      timeZone: slo.window.timeZone,
      start: new Date(period.startMs).toISOString(),
      end,
    },
  };
}

/**
 * At burn rate b a whole budget lasts one window length / b, so the remaining
 * fraction r lasts r × length / b. Already spent: exhausted now. Not burning, or
 * a calendar budget that resets before it would run out: null.
 */
function projectExhaustion(
  remaining: number,
  currentBurn: number | null,
  window: ResolvedWindow,
  atMs: number,
): string | null {
  if (remaining <= 0) return new Date(atMs).toISOString();
  if (currentBurn === null || currentBurn <= 0) return null;
  const exhaustionMs = atMs + Math.round((remaining * window.lengthMs) / currentBurn / 1000) * 1000;
  if (window.resetsAtMs !== undefined && exhaustionMs >= window.resetsAtMs) return null;
  return new Date(exhaustionMs).toISOString();
}

/** What an interval (an incident) spent of the budget of the SLO window it ended in. */
export interface BudgetSpent {
  /** The whole minutes counted: the minute the interval starts in through the one it ends in. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly events: { readonly good: number; readonly bad: number; readonly total: number };
  /** Bad events (occurrences) or bad one-minute slices (timeslices) in the interval. */
  readonly spent: number;
  /** The budget of the SLO window ending at the interval's end, in the same unit. */
  readonly allowed: number;
  /** spent / allowed: the share of that window's budget the interval used; 0 without events. */
  readonly consumed: number;
  /** The interval's own burn rate; null without events. */
  readonly burnRate: number | null;
}

/**
 * The SLI over [fromMs, toMs), whole minutes: good over all events, or for a
 * timeslices budget good slices over slices with events. Undefined without any.
 */
export function sliBetween(
  slo: Slo,
  series: MinuteSeries,
  fromMs: number,
  toMs: number,
): { readonly sli: number; readonly good: number; readonly total: number } | undefined {
  const span = series.sum(Math.floor(fromMs / MINUTE_MS), Math.ceil(toMs / MINUTE_MS));
  const [good, total] =
    slo.budgeting.kind === 'timeslices' ? [span.goodSlices, span.slices] : [span.good, span.total];
  return total === 0 ? undefined : { sli: good / total, good, total };
}

/**
 * Budget spent between two instants, exactly: the bad events of the interval held
 * against the budget of the window ending at `toMs`. Unlike the difference of the
 * remaining budget at both ends, events leaving the window's far end meanwhile do not
 * blur it. Only the part of the interval inside that window counts (`fromMs` in the
 * result says where it began): a calendar budget that reset meanwhile starts afresh.
 */
export function budgetSpentBetween(
  slo: Slo,
  series: MinuteSeries,
  fromMs: number,
  toMs: number,
): BudgetSpent {
  const endMinute = Math.ceil(toMs / MINUTE_MS);
  const windowFromMinute = resolveWindow(slo, toMs).fromMinute;
  // A calendar budget that reset during the interval: what came before the reset was
  // spent from the previous period's budget, not this one's.
  const fromMinute = Math.max(Math.floor(fromMs / MINUTE_MS), windowFromMinute);
  const toMinute = Math.max(fromMinute, endMinute);
  const span = series.sum(fromMinute, toMinute);
  const window = series.sum(windowFromMinute, endMinute);
  const timeslices = slo.budgeting.kind === 'timeslices';
  const [spanGood, spanTotal, windowTotal] = timeslices
    ? [span.goodSlices, span.slices, window.slices]
    : [span.good, span.total, window.total];
  const spent = spanTotal - spanGood;
  const allowed = allowedBudget(windowTotal, slo.objective);
  return {
    fromMs: fromMinute * MINUTE_MS,
    toMs: toMinute * MINUTE_MS,
    events: { good: span.good, bad: span.total - span.good, total: span.total },
    spent,
    allowed,
    consumed:
      spent === 0 || windowTotal === 0
        ? 0
        : ratioOfProducts(
            spent,
            slo.objective.denominator,
            windowTotal,
            slo.objective.denominator - slo.objective.numerator,
          ),
    burnRate: burnRate(spent, spanTotal, slo.objective),
  };
}
