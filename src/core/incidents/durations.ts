// How long an incident took to be noticed, taken, mitigated and resolved, and the means
// and medians of those over many incidents (MTTA, MTTM, MTTR). Every duration is
// measured from when impact began, not from the declaration: customers felt the
// minutes before anyone typed `declare`, and a figure that starts at the declaration
// rewards declaring late.
import type { Incident } from './model.js';

/** What the durations need of a page linked to the incident. */
export interface LinkedPageTimes {
  readonly openedAt: number;
  readonly acknowledgedAt?: number | undefined;
}

export interface IncidentTimes {
  /** The impact start a person gave, else the earlier of the declaration and the first page. */
  readonly startedAt: number;
  /** The first linked page opening, or the declaration when that came first. */
  readonly detectedAt: number;
  /** The first acknowledgement of a linked page, or the declaration when that came first. */
  readonly acknowledgedAt: number;
  readonly mitigatedAt: number | undefined;
  readonly resolvedAt: number | undefined;
  readonly timeToDetectMs: number;
  readonly timeToAcknowledgeMs: number;
  /** Undefined until mitigated. */
  readonly timeToMitigateMs: number | undefined;
  /** Undefined while not resolved (also after a reopen). */
  readonly timeToResolveMs: number | undefined;
}

/**
 * The instants and durations of one incident and the pages linked to it. Declaring
 * counts as acknowledging: it is a person engaging. Durations are never negative: an
 * impact start given later than a page's acknowledgement means someone was on it
 * before impact, which is 0 minutes to acknowledge.
 */
export function incidentTimes(
  incident: Pick<Incident, 'declaredAt' | 'reportedStartedAt' | 'mitigatedAt' | 'resolvedAt'>,
  linkedPages: readonly LinkedPageTimes[],
): IncidentTimes {
  const firstOpened = earliest(linkedPages.map((page) => page.openedAt));
  const firstAcknowledged = earliest(linkedPages.map((page) => page.acknowledgedAt));
  const detectedAt = Math.min(incident.declaredAt, firstOpened ?? incident.declaredAt);
  const startedAt = incident.reportedStartedAt ?? detectedAt;
  const acknowledgedAt = Math.min(incident.declaredAt, firstAcknowledged ?? incident.declaredAt);
  const since = (at: number | undefined) =>
    at === undefined ? undefined : Math.max(0, at - startedAt);
  return {
    startedAt,
    detectedAt,
    acknowledgedAt,
    mitigatedAt: incident.mitigatedAt,
    resolvedAt: incident.resolvedAt,
    timeToDetectMs: Math.max(0, detectedAt - startedAt),
    timeToAcknowledgeMs: Math.max(0, acknowledgedAt - startedAt),
    timeToMitigateMs: since(incident.mitigatedAt),
    timeToResolveMs: since(incident.resolvedAt),
  };
}

/** One incident for the response figures (from `incidentTimes` and the incident). */
export interface ResponseRow {
  readonly incidentId: string;
  readonly startedAt: number;
  readonly services: readonly string[];
  readonly timeToAcknowledgeMs?: number | undefined;
  readonly timeToMitigateMs?: number | undefined;
  readonly timeToResolveMs?: number | undefined;
}

export interface ResponseMetrics {
  /** A service, a team, or whatever `group` maps services to. */
  readonly key: string;
  /** Incidents that began in the range and touch the group. */
  readonly count: number;
  /** Of those, not resolved. */
  readonly open: number;
  /** Incidents that reached each point: the means and medians are over these. */
  readonly acknowledged: number;
  readonly mitigated: number;
  readonly resolved: number;
  /** Arithmetic means in ms; undefined when no incident reached the point. */
  readonly mttaMs: number | undefined;
  readonly mttmMs: number | undefined;
  readonly mttrMs: number | undefined;
  /** Medians in ms (the mean of the two middle values for an even count). */
  readonly medianTtaMs: number | undefined;
  readonly medianTtmMs: number | undefined;
  readonly medianTtrMs: number | undefined;
}

/**
 * Response figures per group for incidents that began in [fromMs, toMs). `group` maps
 * a service to its keys: `(s) => [s]` per service, `(s) => [teamOf(s)]` per team,
 * `() => ['all']` for one overall figure. An incident counts once per key however
 * many of its services map there; one whose services map to no key is in no group.
 * Ordered by key.
 */
export function responseMetrics(
  rows: readonly ResponseRow[],
  group: (service: string) => readonly string[],
  fromMs: number,
  toMs: number,
): ResponseMetrics[] {
  const byKey = new Map<string, ResponseRow[]>();
  for (const row of rows) {
    if (row.startedAt < fromMs || row.startedAt >= toMs) continue;
    const keys = new Set(row.services.flatMap((service) => group(service)));
    for (const key of keys) {
      const members = byKey.get(key);
      if (members === undefined) byKey.set(key, [row]);
      else members.push(row);
    }
  }
  return [...byKey.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => figures(key, byKey.get(key) ?? []));
}

function figures(key: string, rows: readonly ResponseRow[]): ResponseMetrics {
  const reached = (pick: (row: ResponseRow) => number | undefined) =>
    rows.map(pick).filter((value) => value !== undefined);
  const acknowledge = reached((row) => row.timeToAcknowledgeMs);
  const mitigate = reached((row) => row.timeToMitigateMs);
  const resolve = reached((row) => row.timeToResolveMs);
  return {
    key,
    count: rows.length,
    open: rows.length - resolve.length,
    acknowledged: acknowledge.length,
    mitigated: mitigate.length,
    resolved: resolve.length,
    mttaMs: mean(acknowledge),
    mttmMs: mean(mitigate),
    mttrMs: mean(resolve),
    medianTtaMs: median(acknowledge),
    medianTtmMs: median(mitigate),
    medianTtrMs: median(resolve),
  };
}

function earliest(instants: readonly (number | undefined)[]): number | undefined {
  let min: number | undefined;
  for (const at of instants) if (at !== undefined && (min === undefined || at < min)) min = at;
  return min;
}

function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function median(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle];
  if (upper === undefined) return undefined;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[middle - 1] ?? upper) + upper) / 2;
}
