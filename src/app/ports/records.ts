// What the app reads from and writes to storage. Instants are epoch milliseconds;
// documents are canonical headroom/v1 JSON.
import type { DeployDecision } from '../../core/policy/decision.js';
import type { DailyHours, WorkingHours } from '../../core/reports/working-time.js';
import type { ActiveAlert, AlertTransition } from '../../core/slo/alert-transitions.js';
import type { Role } from '../../schema/api.js';

export interface TeamRecord {
  readonly name: string;
  readonly displayName: string | null;
  /** The team's own toil cap in percent; null for the default. */
  readonly toilCapPercent: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface UserRecord {
  readonly name: string;
  readonly displayName: string | null;
  readonly email: string | null;
  readonly timeZone: string;
  readonly teams: readonly string[];
  /** Roles error-budget policies name as approvers (sre-lead, …); sorted. */
  readonly roles: readonly string[];
  /** On the person's own clock; null for DEFAULT_WORKING_HOURS. */
  readonly workingHours: WorkingHours | null;
  /** On the person's own clock; null for DEFAULT_SLEEP_HOURS. */
  readonly sleepHours: DailyHours | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly teams: readonly string[];
  readonly user: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

export interface IngestKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface ServiceRecord {
  readonly name: string;
  readonly team: string;
  readonly document: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A config resource of a kind other than Service and SLO (DataSource, …). */
export interface ConfigResourceRecord {
  readonly kind: string;
  readonly name: string;
  readonly team: string | null;
  readonly document: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SloRecord {
  readonly id: number;
  readonly name: string;
  readonly service: string;
  readonly document: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface MinuteCounts {
  readonly minute: number;
  readonly good: number;
  readonly total: number;
}

/** The counts one batch delivered for one SLO, by minute. */
export interface EventCountsRecord {
  readonly id: number;
  readonly sloId: number;
  readonly counts: readonly MinuteCounts[];
}

export interface IngestBatchRecord {
  readonly service: string;
  readonly idempotencyKey: string;
  readonly bodyHash: string;
  readonly response: unknown;
  readonly createdAt: number;
}

export interface AuditRecord {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly kind: string;
  readonly name: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A burn-rate rule firing now, as the evaluator last stored it. */
export type AlertStateRecord = ActiveAlert;

export interface AlertTransitionRecord extends AlertTransition {
  readonly id: number;
}

export interface EvaluationCycleRecord {
  readonly at: number;
  readonly holder: string;
  readonly slos: number;
  readonly transitions: number;
  readonly finishedAt: number;
}

/** An exception to a policy, given by a person (the approver) for a service. */
export interface ApprovalGrantRecord {
  readonly id: string;
  readonly service: string;
  readonly approver: string;
  /** The roles the approver held when approving. */
  readonly approverRoles: readonly string[];
  /** Set: for this person's deploys only. */
  readonly requester: string | null;
  readonly reason: string;
  /** `all`, or rules as `rule` or `policy/rule`. */
  readonly scope: 'all' | readonly string[];
  readonly grantedAt: number;
  readonly expiresAt: number;
  /** The credential that gave it, as the audit log names it. */
  readonly createdBy: string;
  readonly revokedAt: number | null;
  readonly revokedBy: string | null;
}

/** One answer of the deploy gate: who asked, about what, and the whole decision. */
export interface DeployDecisionRecord {
  readonly id: string;
  readonly at: number;
  readonly service: string;
  readonly actor: string;
  readonly requestedBy: string;
  readonly allowed: boolean;
  readonly version: string | null;
  readonly commit: string | null;
  readonly labels: readonly string[];
  readonly decision: DeployDecision;
}

export type DeployStatus = 'started' | 'finished' | 'failed' | 'rolled_back';

export interface DeployRecord {
  readonly id: string;
  readonly service: string;
  readonly status: DeployStatus;
  readonly version: string | null;
  readonly commit: string | null;
  readonly labels: readonly string[];
  readonly actor: string;
  readonly at: number;
  /** The gate decision the deploy went out on, when CI passed it along. */
  readonly decisionId: string | null;
  /** That decision's answer (read with the deploy): false, it went out against a denial. */
  readonly decisionAllowed: boolean | null;
  readonly recordedBy: string;
  readonly recordedAt: number;
}

export const INTEGRATION_KINDS = ['alertmanager', 'pagerduty', 'webhook'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** Where monitoring sends alerts: one secret key, one wire format. */
export interface AlertIntegrationRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: IntegrationKind;
  /** Alerts that name no service belong to this one. */
  readonly service: string | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/**
 * `none`: a row of the delivery log that records whom a page could not reach and why
 * (no escalation policy, nobody on call, escalation exhausted); never sent.
 */
export type NotificationChannelKind = 'email' | 'webhook' | 'slack' | 'none';

export interface DeliveryAttempt {
  readonly at: number;
  readonly ok: boolean;
  /** The status code or the error, for the delivery log. */
  readonly detail: string;
}

/** One notification to one destination, from the outbox. */
export interface NotificationRecord {
  readonly id: number;
  /** Unique: the escalation step and destination it comes from. */
  readonly key: string;
  readonly pageId: string;
  readonly channel: NotificationChannelKind;
  readonly destination: string;
  readonly message: unknown;
  /**
   * `unreached`: a `none` row, there for people to read. `withdrawn`: held for the
   * person's working hours (low urgency), and the page was taken or over before then.
   */
  readonly status: 'pending' | 'sent' | 'failed' | 'unreached' | 'withdrawn';
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly log: readonly DeliveryAttempt[];
  readonly createdAt: number;
  readonly sentAt: number | null;
}

export interface StoredEscalation {
  readonly pageId: string;
  /** core/alerts EscalationState. */
  readonly state: unknown;
  readonly revision: number;
}

/** One entry of an incident's append-only log (core/incidents IncidentEvent in `body`). */
export interface IncidentEventRecord {
  readonly incidentId: number;
  /** 0 for the declaration, then one more per event. */
  readonly seq: number;
  readonly at: number;
  readonly kind: string;
  readonly actor: string;
  readonly body: unknown;
}

export interface IncidentRecord {
  readonly id: number;
  readonly title: string;
  readonly severity: string;
  readonly status: string;
  readonly declaredAt: number;
  readonly startedAt: number;
  readonly resolvedAt: number | null;
  readonly updatedAt: number;
  /** The number of events: the next event's seq. */
  readonly revision: number;
  readonly services: readonly string[];
  /** core/incidents Incident, folded from the events. */
  readonly document: unknown;
}

export const POSTMORTEM_STATUSES = ['draft', 'in-review', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export interface PostmortemRecord {
  readonly incidentId: number;
  readonly status: PostmortemStatus;
  readonly markdown: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly updatedBy: string;
  readonly publishedAt: number | null;
  readonly revision: number;
}

export interface ActionItemRecord {
  readonly id: string;
  readonly incidentId: number;
  readonly title: string;
  readonly owner: string;
  readonly team: string;
  readonly priority: string;
  readonly dueAt: number | null;
  readonly status: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly closedAt: number | null;
}

/** A heartbeat check's runtime row: its ping token and state (config holds the rest). */
export interface HeartbeatRecord {
  readonly name: string;
  readonly token: string;
  readonly status: string;
  /** core/heartbeats HeartbeatState. */
  readonly state: unknown;
  readonly nextCheckAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The state's version: a random stamp that each state write replaces. */
  readonly version: number;
}

/** A check's new state, and the version it gets. */
export type HeartbeatStatePut = Pick<
  HeartbeatRecord,
  'name' | 'status' | 'state' | 'nextCheckAt' | 'updatedAt'
> & { readonly nextVersion: number };

/** A check's new state, computed from the state it had at `version`. */
export type HeartbeatStateWrite = HeartbeatStatePut & { readonly version: number };

export interface HeartbeatPingRecord {
  readonly id: number;
  readonly heartbeat: string;
  readonly at: number;
  readonly kind: string;
  readonly exitStatus: number | null;
  readonly runId: string | null;
  readonly durationMs: number | null;
  readonly body: string | null;
  /** The size of the body the ping sent, in bytes: over what `body` keeps, it was cut. */
  readonly bodyBytes: number | null;
  readonly remote: string | null;
  readonly userAgent: string | null;
}

/** How far an SLO that counts a heartbeat's runs has been counted. */
export interface HeartbeatSloAccountRecord {
  readonly sloId: number;
  readonly heartbeat: string;
  /** Runs and missed slots up to here (inclusive) are counted. */
  readonly countedUntil: number;
  /** The last completion at or before countedUntil; null: none (nothing is due). */
  readonly lastCompletionAt: number | null;
  readonly updatedAt: number;
}

/** A team's key for slug ping URLs (/ping/<key>/<heartbeat name>). */
export interface PingKeyRecord {
  readonly id: string;
  readonly team: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** Toil a person logged by hand (pages and incidents add theirs when a summary is read). */
export interface ToilEntryRecord {
  readonly id: string;
  readonly team: string;
  readonly person: string;
  readonly service: string | null;
  /** Normalised: lowercase, hyphenated. */
  readonly category: string;
  /** May be fractional. */
  readonly minutes: number;
  /** When the work was done. */
  readonly at: number;
  readonly description: string;
  /** The credential that logged it, as the audit log names it. */
  readonly createdBy: string;
  readonly createdAt: number;
}
