import type { ErrorBudgetPolicy } from '../policy/model.js';
import type { EscalationPolicy } from '../alerts/escalation.js';
import type { AlertSeverity as PageSeverity } from '../alerts/incoming-alert.js';
import type { HeartbeatDefinition } from '../heartbeats/model.js';
import type { SeverityLevel } from '../incidents/model.js';
import type { Schedule } from '../oncall/model.js';

// The internal reliability model. Every config format (headroom/v1, OpenSLO v1,
// Sloth prometheus/v1) is mapped onto these types; the engine reads only these.

/** An exact fraction, e.g. 99.9 % = 999/1000. Kept exact so that budgets and burn
 * rates are one correctly rounded division of integers, not a chain of float errors. */
export interface Fraction {
  readonly numerator: number;
  readonly denominator: number;
}

export type Tier = 'critical' | 'standard' | 'low';

export interface Dependency {
  readonly service: string;
  readonly critical: boolean;
}

export interface Service {
  readonly name: string;
  /** Owning team; undefined only for services implied by an imported format (Sloth). */
  readonly team: string | undefined;
  readonly tier: Tier;
  readonly dependencies: readonly Dependency[];
  readonly runbook: string | undefined;
  readonly description: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

export type ThresholdOperator = 'lte' | 'lt' | 'gte' | 'gt';

/**
 * Where the per-minute counts come from. `events` = pushed counts (NDJSON, API);
 * `heartbeat` = the runs of a Heartbeat check, which Headroom counts itself.
 */
export type SliSource =
  | { readonly type: 'events' }
  | {
      readonly type: 'heartbeat';
      readonly heartbeat: string;
      /** A successful run that took longer than this is bad; undefined: not judged. */
      readonly maxDurationMs: number | undefined;
    }
  | {
      readonly type: 'prometheus';
      readonly dataSource: string | undefined;
      readonly goodQuery: string | undefined;
      readonly badQuery: string | undefined;
      readonly totalQuery: string | undefined;
      /** Sloth `raw.error_ratio_query` / OpenSLO `raw` (failure ratio). */
      readonly errorRatioQuery: string | undefined;
    };

export type PrometheusSliSource = Extract<SliSource, { type: 'prometheus' }>;

/** A Prometheus source with the given queries; the others are unset. */
export function prometheusSliSource(
  fields: Partial<Omit<PrometheusSliSource, 'type'>>,
): PrometheusSliSource {
  return {
    type: 'prometheus',
    dataSource: fields.dataSource,
    goodQuery: fields.goodQuery,
    badQuery: fields.badQuery,
    totalQuery: fields.totalQuery,
    errorRatioQuery: fields.errorRatioQuery,
  };
}

export type Sli =
  | {
      readonly kind: 'ratio';
      /** Which count the source reports besides the total. */
      readonly counts: 'good' | 'bad';
      readonly source: SliSource;
    }
  | {
      readonly kind: 'threshold';
      /** An event is good when `value <op> threshold`, e.g. latency lte 0.3 s. */
      readonly operator: ThresholdOperator;
      readonly threshold: number;
      readonly unit: string | undefined;
      readonly source: SliSource;
    };

export type CalendarUnit = 'week' | 'month' | 'quarter';

export type SloWindow =
  | { readonly kind: 'rolling'; readonly minutes: number }
  | { readonly kind: 'calendar'; readonly unit: CalendarUnit; readonly timeZone: string };

export type BudgetingMethod =
  | { readonly kind: 'occurrences' }
  /** One-minute slices; a slice is good when good/total >= sliceTarget. */
  | { readonly kind: 'timeslices'; readonly sliceTarget: Fraction };

export type AlertSeverity = 'page' | 'ticket';

/** Fires when the burn rate over both windows exceeds `factor`. */
export interface BurnRateAlertRule {
  readonly severity: AlertSeverity;
  readonly longWindowMinutes: number;
  readonly shortWindowMinutes: number;
  readonly factor: number;
}

export interface Alerting {
  readonly enabled: boolean;
  /** Explicit rules, used as given; undefined = the Workbook defaults scaled to the window. */
  readonly rules: readonly BurnRateAlertRule[] | undefined;
}

export interface Slo {
  readonly name: string;
  readonly service: string;
  readonly description: string | undefined;
  readonly sli: Sli;
  readonly objective: Fraction;
  readonly window: SloWindow;
  readonly budgeting: BudgetingMethod;
  readonly alerting: Alerting;
  readonly labels: Readonly<Record<string, string>>;
}

/** Read from the environment or a file at connection time; never stored. */
export type SecretReference = { readonly env: string } | { readonly file: string };

/** Where Headroom reads SLIs it does not receive as events: a Prometheus API. */
export interface DataSource {
  readonly name: string;
  readonly type: 'prometheus';
  readonly url: string;
  readonly isDefault: boolean;
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly bearerToken: SecretReference | undefined;
  readonly basicAuth: { readonly username: string; readonly password: SecretReference } | undefined;
  readonly tls: { readonly caFile: string | undefined; readonly insecureSkipVerify: boolean };
  readonly maxExpressionsPerQuery: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** Where every notification of an escalation policy's pages also goes. */
export type NotificationChannel =
  | { readonly kind: 'webhook'; readonly url: string; readonly secret: SecretReference | undefined }
  | { readonly kind: 'slack'; readonly url: string };

/** An escalation policy as config holds it. */
export interface EscalationPolicyResource {
  readonly name: string;
  readonly team: string | undefined;
  /** Pages of these services, or of these teams' services. */
  readonly services: readonly string[];
  readonly teams: readonly string[];
  readonly policy: EscalationPolicy;
  readonly incidentResponseSchedule: string | undefined;
  readonly channels: readonly NotificationChannel[];
  /** Severities whose pages are low urgency: level 1 once, no escalation. */
  readonly lowUrgency: readonly PageSeverity[];
  readonly labels: Readonly<Record<string, string>>;
}

/** An on-call schedule as config holds it: the core's schedule and its labels. */
export interface ScheduleResource {
  readonly schedule: Schedule;
  readonly labels: Readonly<Record<string, string>>;
}

/** A Markdown runbook for a service's pages and incidents, or for alerts of these names. */
export interface RunbookResource {
  readonly name: string;
  readonly title: string;
  readonly service: string | undefined;
  readonly alerts: readonly string[];
  readonly team: string | undefined;
  readonly markdown: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The severity scale (undefined: the default SEV1 to SEV4) and the incident-response rotation. */
export interface IncidentSettingsResource {
  readonly name: string;
  readonly severities: readonly SeverityLevel[] | undefined;
  readonly incidentResponseSchedule: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/** A cron or batch job's check as config holds it: owned by a service. */
export interface HeartbeatResource {
  readonly name: string;
  readonly service: string;
  readonly description: string | undefined;
  readonly definition: HeartbeatDefinition;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ReliabilityModel {
  readonly services: readonly Service[];
  readonly slos: readonly Slo[];
  readonly dataSources: readonly DataSource[];
  readonly schedules: readonly ScheduleResource[];
  readonly policies: readonly PolicyResource[];
  readonly escalationPolicies: readonly EscalationPolicyResource[];
  readonly runbooks: readonly RunbookResource[];
  readonly incidentSettings: readonly IncidentSettingsResource[];
  readonly heartbeats: readonly HeartbeatResource[];
}

/** An error-budget policy as config holds it: the gate's policy, its description and labels. */
export interface PolicyResource {
  readonly policy: ErrorBudgetPolicy;
  readonly description: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}
