import type { AlertSeverity } from './model.js';

/** The burn-rate windows every status reports, whatever the SLO's own window. */
export const REPORTED_BURN_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type ReportedBurnWindow = (typeof REPORTED_BURN_WINDOWS)[number] | 'window';

export interface Counts {
  readonly good: number;
  readonly bad: number;
  readonly total: number;
}

export interface WindowDescription {
  readonly type: 'rolling' | 'calendar';
  /** `30d` for rolling windows; `week` | `month` | `quarter` for calendar ones. */
  readonly length: string;
  readonly timeZone: string | null;
  /** First instant covered (inclusive) and the evaluation time (exclusive), ISO-8601 UTC. */
  readonly start: string;
  readonly end: string;
}

export interface AlertStatus {
  readonly severity: AlertSeverity;
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly factor: number;
  readonly longBurnRate: number | null;
  readonly shortBurnRate: number | null;
  readonly firing: boolean;
}

/** One SLO evaluated at one instant: the JSON of `headroom eval` and of the status API. */
export interface SloStatus {
  readonly slo: string;
  readonly service: string;
  readonly at: string;
  /** The objective as a fraction (99.9 % -> 0.999), on the same scale as `sli`. */
  readonly objective: number;
  readonly budgetingMethod: 'occurrences' | 'timeslices';
  readonly window: WindowDescription;
  /** Null when the window holds no events: no traffic is not 100 %. */
  readonly sli: number | null;
  /** Null when the source gives only a ratio (an error ratio query). */
  readonly events: Counts | null;
  /** Timeslices only: one-minute slices with events, good and bad. */
  readonly slices: Counts | null;
  readonly errorBudget: {
    /** Fraction of the budget left: 1 untouched, 0 spent, negative overspent. */
    readonly remaining: number;
    readonly consumed: number;
    /** In events (occurrences) or minutes (timeslices). */
    readonly allowed: number | null;
    readonly spent: number | null;
    readonly unit: 'events' | 'minutes';
  };
  readonly burnRates: Readonly<Record<ReportedBurnWindow, number | null>>;
  readonly alerts: readonly AlertStatus[];
  /** When the remaining budget runs out at the current (1h) burn rate; null if it does not. */
  readonly exhaustionAt: string | null;
  /** SLIs read from a data source: whether this read worked; absent for pushed events. */
  readonly source?: SourceHealth | undefined;
}

export interface SourceHealth {
  readonly type: 'prometheus';
  readonly dataSource: string;
  /** `unknown`: the last read failed; the numbers are the last good ones (or none). */
  readonly state: 'ok' | 'unknown';
  readonly reason: string | null;
  /** When the numbers shown were read, and how old they are at `checkedAt`. */
  readonly numbersAt: string | null;
  readonly ageSeconds: number | null;
  readonly checkedAt: string;
}
