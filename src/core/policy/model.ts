// Error-budget policies as the engine reads them. The headroom/v1 `ErrorBudgetPolicy`
// document (schema/policy.ts) maps onto these types; the gate reads only these.
// Instants are epoch milliseconds and durations whole minutes, as elsewhere in core.
import { windowLength } from '../slo/evaluate.js';
import type { AlertSeverity, Dependency, Service, SloWindow } from '../slo/model.js';
import type { AlertStatus, SloStatus } from '../slo/status.js';

export type PolicyEffect = 'deny' | 'requireApproval';

/**
 * What makes a rule match. Budget and alert conditions are checked per SLO of the
 * service, so one rule can give one reason per SLO.
 */
export type PolicyCondition =
  /** Some SLO has spent its whole budget: remaining <= 0 (or its facts say exhausted). */
  | { readonly kind: 'budgetExhausted' }
  /** Some SLO has less than `percent` % of its budget left (strictly below). */
  | { readonly kind: 'budgetBelow'; readonly percent: number }
  /**
   * A burn-rate alert of at least this severity fires on some SLO: `page` matches
   * page alerts, `ticket` matches ticket and page alerts (a page-level burn is also
   * a ticket-level one).
   */
  | { readonly kind: 'burnAlert'; readonly severity: AlertSeverity }
  /** One of the policy's freezes is in force: all of them, or the ones named. */
  | { readonly kind: 'freeze'; readonly freezes: 'all' | readonly string[] };

export type ConditionKind = PolicyCondition['kind'];

export interface PolicyRule {
  readonly name: string;
  readonly when: PolicyCondition;
  /**
   * `deny` is lifted only by a label in `unlessLabels`; `requireApproval` is lifted
   * by such a label or by an approval from one of the policy's approver roles.
   */
  readonly effect: PolicyEffect;
  /** A deploy carrying any of these labels is exempt (e.g. rollback, reliability). */
  readonly unlessLabels: readonly string[];
}

/** A moment of the week on a local wall clock: ISO day (1 Monday … 7 Sunday) and minute of the day. */
export interface WeeklyTime {
  readonly day: number;
  readonly minute: number;
}

export const HOLIDAY_TYPES = ['public', 'bank', 'optional', 'school', 'observance'] as const;
export type HolidayType = (typeof HOLIDAY_TYPES)[number];

/** No deploys on the holidays of a country (or one of its regions), whole local days. */
export interface HolidayFreezeSpec {
  readonly name: string;
  /** ISO 3166-1 alpha-2, upper case (NL, US). */
  readonly country: string;
  /** ISO 3166-2 subdivision as date-holidays names it (BY, NY), upper case. */
  readonly region: string | undefined;
  /** Where the holiday's days begin and end. */
  readonly timeZone: string;
  readonly types: readonly HolidayType[];
}

/** A weekly recurring freeze on a local wall clock; `to` before `from` wraps over the week's end. */
export interface WindowFreezeSpec {
  readonly name: string;
  readonly from: WeeklyTime;
  readonly to: WeeklyTime;
  readonly timeZone: string;
}

/** A one-off freeze: from `startMs` (or indefinitely before) until `endMs`, exclusive. */
export interface AdHocFreezeSpec {
  readonly name: string;
  readonly startMs: number | undefined;
  readonly endMs: number;
  readonly reason: string;
  /** Where the people who set it live: the gate tells its end on their clock too. */
  readonly timeZone: string | undefined;
}

export interface PolicyFreezes {
  readonly holidays: readonly HolidayFreezeSpec[];
  readonly windows: readonly WindowFreezeSpec[];
  readonly adHoc: readonly AdHocFreezeSpec[];
}

export type IncidentDependencies = 'critical' | 'all' | 'none';

/** An open incident on the service, or on a dependency of the kind named, holds its deploys. */
export interface IncidentFreezeSpec {
  readonly dependencies: IncidentDependencies;
  readonly effect: PolicyEffect;
  readonly unlessLabels: readonly string[];
}

/** The rule name under which the incident freeze reports and approvals name it. */
export const INCIDENT_FREEZE_RULE = 'incident-freeze';

export interface ApprovalSettings {
  /** Roles whose holders may approve; holding any one is enough. */
  readonly roles: readonly string[];
  /** An approval valid for longer than this (expiry − grant) does not count. */
  readonly maxDurationMinutes: number;
}

export type OnUnavailable = 'allow' | 'deny';

export interface PolicyScope {
  readonly all: boolean;
  readonly services: readonly string[];
  readonly teams: readonly string[];
}

export interface ErrorBudgetPolicy {
  readonly name: string;
  readonly appliesTo: PolicyScope;
  readonly rules: readonly PolicyRule[];
  readonly freezes: PolicyFreezes;
  readonly incidentFreeze: IncidentFreezeSpec | undefined;
  readonly approvals: ApprovalSettings | undefined;
  /** What `headroom gate` does when the server cannot answer. */
  readonly onUnavailable: OnUnavailable;
}

// ---------------------------------------------------------------------------
// What the gate is asked, and what it knows.

/** A deploy asking to go out. Other fields (version, commit) may ride along; the decision does not read them. */
export interface DeployRequest {
  readonly service: string;
  readonly labels: readonly string[];
  /** Who deploys: never counts as their own approver. */
  readonly actor: string;
  /**
   * The user whose token asked, when the token is bound to one: whoever names the
   * actor, an approval by the one asking does not count either.
   */
  readonly requestedBy?: string | undefined;
}

export type GateService = Pick<Service, 'name' | 'team' | 'tier'> & {
  readonly dependencies: readonly Dependency[];
};

/** A firing burn-rate alert, as the SLO status reports it. */
export type FiringAlert = Omit<AlertStatus, 'firing'>;

export interface SloFacts {
  readonly name: string;
  /** Fraction of the budget left: 1 untouched, 0 spent, negative overspent. */
  readonly remaining: number;
  readonly exhausted: boolean;
  /** The objective as a fraction: 99.9 % is 0.999. */
  readonly objective: number;
  /** Good / total over the window; null without events. */
  readonly sli: number | null;
  readonly window: SloWindowFacts;
  readonly firingAlerts: readonly FiringAlert[];
  /**
   * Set when the SLI could not be read (its source is `unknown`): the numbers above are
   * the last good ones, if any. Every budget and burn-alert rule then holds the deploy:
   * an SLO nobody can read is not a healthy one.
   */
  readonly unknown?: SloUnknown;
}

/** `30d` rolling, or `month` (week, quarter) calendar: the budget's window as its status names it. */
export interface SloWindowFacts {
  readonly type: 'rolling' | 'calendar';
  readonly length: string;
}

export function sloWindowFacts(window: SloWindow): SloWindowFacts {
  return { type: window.kind, length: windowLength(window) };
}

export interface SloUnknown {
  /** Why it could not be read. */
  readonly reason: string;
  /** When the numbers were last read; null: never. */
  readonly numbersAt: string | null;
}

export interface OpenIncident {
  readonly id: string;
  readonly title: string | undefined;
  /** Services the incident is open on. */
  readonly services: readonly string[];
}

export interface Approval {
  readonly id: string;
  readonly service: string;
  readonly approver: string;
  /** Roles the approver holds at the check: one who lost the role no longer lifts anything. */
  readonly approverRoles: readonly string[];
  /** Set: the approval is for this person's deploys only. Unset: for anyone's but the approver's. */
  readonly requester: string | undefined;
  readonly reason: string;
  readonly grantedAtMs: number;
  readonly expiresAtMs: number;
  /** `all`, or rules by name (`budget-low`) or by policy and name (`payments/budget-low`). */
  readonly scope: 'all' | readonly string[];
}

export interface GateFacts {
  readonly slos: readonly SloFacts[];
  /** Open incidents on the service and on its dependencies; others are ignored. */
  readonly openIncidents: readonly OpenIncident[];
  /** Approvals given for the service; the gate decides which of them count. */
  readonly approvals: readonly Approval[];
}

/**
 * The facts of one SLO from its status: a budget at or below zero is exhausted; a
 * source that could not be read makes the SLO unknown.
 */
export function sloFactsFromStatus(status: SloStatus): SloFacts {
  const facts: SloFacts = {
    name: status.slo,
    remaining: status.errorBudget.remaining,
    exhausted: status.errorBudget.remaining <= 0,
    objective: status.objective,
    sli: status.sli,
    window: { type: status.window.type, length: status.window.length },
    firingAlerts: status.alerts
      .filter((alert) => alert.firing)
      .map(({ firing: _firing, ...alert }) => alert),
  };
  const { source } = status;
  if (source?.state !== 'unknown') return facts;
  return {
    ...facts,
    unknown: {
      reason: source.reason ?? 'the source could not be read',
      numbersAt: source.numbersAt,
    },
  };
}
