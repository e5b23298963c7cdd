// The SLOs as the engine sees them: model, per-minute series, and where they came from.
import type { CompiledPolicy, PolicyIndex } from '../../core/policy/compile.js';
import type { MinuteSeries } from '../../core/slo/minute-series.js';
import type {
  DataSource,
  EscalationPolicyResource,
  HeartbeatResource,
  IncidentSettingsResource,
  RunbookResource,
  ScheduleResource,
  Service,
  Slo,
} from '../../core/slo/model.js';
import type { SloStatus } from '../../core/slo/status.js';
import type { CredentialCache } from '../credential-cache.js';
import type { Clock } from './clock.js';
import type { IncidentSource } from './incidents.js';
import type { ApprovalGrantRecord } from './records.js';
import type { Store } from './store.js';

export interface LiveSlo {
  readonly id: number;
  readonly slo: Slo;
  readonly service: Service | undefined;
  readonly series: MinuteSeries;
}

export interface SloCatalog {
  /**
   * Brings definitions and counts up to date with the database. With `maxAgeMs`, a
   * refresh that started less than that long ago is good enough (hot read paths).
   */
  refresh(options?: { readonly maxAgeMs?: number }): Promise<void>;
  /** Something changed here: the next read refreshes, whatever its `maxAgeMs`. */
  invalidate(): void;
  get(name: string): LiveSlo | undefined;
  all(): readonly LiveSlo[];
  dataSources(): readonly DataSource[];
  /** On-call schedules, read once per config change (their compiled form is cached by identity). */
  schedules(): readonly ScheduleResource[];
  escalationPolicies(): readonly EscalationPolicyResource[];
  runbooks(): readonly RunbookResource[];
  /** Cron-job checks, read once per config change. */
  heartbeats(): readonly HeartbeatResource[];
  /** The installation's IncidentSettings; undefined: the default severities, no rotation. */
  incidentSettings(): IncidentSettingsResource | undefined;
  /** A service by name, whether or not it has SLOs. */
  service(name: string): Service | undefined;
  /** The SLOs of a service, in name order. */
  slosOf(service: string): readonly LiveSlo[];
  /** Error-budget policies, compiled once per change of the config, and their index. */
  policies(): LoadedPolicies;
  /**
   * Approvals given for a service that are not revoked and expired at most a day ago
   * (the gate says why those no longer count). Approvals are audited changes, so they
   * are reloaded with the definitions: a gate check reads no table.
   */
  approvalsOf(service: string): readonly ApprovalGrantRecord[];
  /**
   * The roles a user holds now ([] for a user who no longer exists): an approval
   * counts only while its approver still holds a role the policy names. Users are
   * audited changes too, reloaded with the definitions.
   */
  rolesOf(user: string): readonly string[];
}

export interface LoadedPolicies {
  readonly list: readonly CompiledPolicy[];
  readonly index: PolicyIndex;
}

/** One point of an SLO's history. */
export interface SeriesPoint {
  readonly at: string;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number;
  readonly burnRates: SloStatus['burnRates'];
}

/**
 * SLIs that Headroom reads rather than receives (Prometheus). Every SLO given whose SLI
 * lives elsewhere gets a status, `unknown` with the reason when it could not be read;
 * SLOs fed by pushed events are left out.
 */
export interface SliReader {
  statuses(
    entries: readonly LiveSlo[],
    atMs: number,
    /** A status read this recently (before `atMs`) is good enough. */
    options?: { readonly maxAgeMs?: number },
  ): Promise<ReadonlyMap<number, SloStatus>>;
  /** The last status read for the SLO, if any (no I/O: for metrics scrapes). */
  cached(entry: LiveSlo): SloStatus | undefined;
  /** Points `stepMinutes` apart from `fromMs` through `toMs`. */
  series(
    entry: LiveSlo,
    fromMs: number,
    toMs: number,
    stepMinutes: number,
  ): Promise<readonly SeriesPoint[]>;
}

export function readsElsewhere(entry: LiveSlo): boolean {
  return entry.slo.sli.source.type === 'prometheus';
}

/** Everything app verbs need from the outside world. */
export interface AppDependencies {
  readonly store: Store;
  readonly clock: Clock;
  readonly catalog: SloCatalog;
  readonly credentials: CredentialCache;
  readonly sliReader: SliReader;
  /** Wakes background work early (a page opened: escalate now, not at the next tick). */
  readonly signals?: { pagesChanged(): void };
  /** Open incidents, for the gate's incident freeze and the change-failure figure. */
  readonly incidents: IncidentSource;
  /** The server's log, for what people must hear of though nobody asked (a page reaching no one). */
  readonly log?: WarningLog;
}

export interface WarningLog {
  warn(details: Readonly<Record<string, unknown>>, message: string): void;
}
