// The incident as Headroom stores it: an append-only list of events, each written by a
// person at an instant, and the view folded from them (lifecycle.ts). Events rather
// than a mutable row because the timeline, the role hand-overs and the response
// figures are all questions about history, and a history that was overwritten cannot
// answer them.

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_ROLES = ['commander', 'communications', 'operations', 'scribe'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

/** How a role reads in a sentence ("alice took over as incident commander"). */
export const INCIDENT_ROLE_LABELS: Readonly<Record<IncidentRole, string>> = {
  commander: 'incident commander',
  communications: 'communications lead',
  operations: 'operations lead',
  scribe: 'scribe',
};

/**
 * One severity of an organisation's scale. The scale is configuration, not code:
 * teams name and define their levels differently, and what they mean matters more
 * than what they are called.
 */
export interface SeverityLevel {
  readonly name: string;
  readonly meaning: string;
  /** Declaring (or raising to) this severity pages the incident-response rotation. */
  readonly pullsIncidentResponse: boolean;
}

/** Index 0 is the most severe. */
export const DEFAULT_SEVERITIES: readonly SeverityLevel[] = [
  {
    name: 'SEV1',
    meaning:
      'Critical customer-facing outage: a core product is down or losing data for many customers',
    pullsIncidentResponse: true,
  },
  {
    name: 'SEV2',
    meaning:
      'Major degradation: a core feature is failing or much slower for a significant share of customers',
    pullsIncidentResponse: true,
  },
  {
    name: 'SEV3',
    meaning:
      'Partial or minor customer impact with a workaround, or a risk of a SEV1/SEV2 if left alone',
    pullsIncidentResponse: false,
  },
  {
    name: 'SEV4',
    meaning: 'Minor: little or no customer impact, internal tooling or a cosmetic problem',
    pullsIncidentResponse: false,
  },
];

interface EventBase {
  readonly at: number;
  /** The actor's user name. */
  readonly by: string;
}

export interface IncidentDeclared extends EventBase {
  readonly type: 'declared';
  readonly title: string;
  readonly severity: string;
  readonly services: readonly string[];
  readonly summary?: string | undefined;
  /** Pages the incident was declared from. */
  readonly pageIds: readonly string[];
  /** When impact began, if earlier than the declaration. */
  readonly startedAt?: number | undefined;
  readonly commander?: string | undefined;
}

/** A status update people write; also a status change when `status` differs. */
export interface IncidentStatusSet extends EventBase {
  readonly type: 'status';
  readonly status: IncidentStatus;
  readonly message?: string | undefined;
}

/** A stakeholder update: text without a status change. */
export interface IncidentUpdatePosted extends EventBase {
  readonly type: 'update';
  readonly message: string;
}

export interface IncidentSeveritySet extends EventBase {
  readonly type: 'severity';
  readonly severity: string;
}

export interface IncidentTitleSet extends EventBase {
  readonly type: 'title';
  readonly title: string;
}

/** An assignment or hand-over; `person: undefined` releases the role. */
export interface IncidentRoleSet extends EventBase {
  readonly type: 'role';
  readonly role: IncidentRole;
  readonly person: string | undefined;
}

export interface IncidentServicesChanged extends EventBase {
  readonly type: 'services';
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface IncidentNoteAdded extends EventBase {
  readonly type: 'note';
  readonly text: string;
}

export interface IncidentPageLinked extends EventBase {
  readonly type: 'page-linked';
  readonly pageId: string;
}

/** A person correcting when impact began or when it was mitigated. */
export interface IncidentTimesCorrected extends EventBase {
  readonly type: 'times';
  readonly startedAt?: number | undefined;
  readonly mitigatedAt?: number | undefined;
}

export type IncidentEvent =
  | IncidentDeclared
  | IncidentStatusSet
  | IncidentUpdatePosted
  | IncidentSeveritySet
  | IncidentTitleSet
  | IncidentRoleSet
  | IncidentServicesChanged
  | IncidentNoteAdded
  | IncidentPageLinked
  | IncidentTimesCorrected;

export type IncidentEventType = IncidentEvent['type'];

export interface RoleHolder {
  readonly person: string;
  readonly since: number;
}

/** One assignment, hand-over or release. */
export interface RoleChange {
  readonly role: IncidentRole;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly at: number;
  readonly by: string;
}

export interface StatusUpdate {
  readonly at: number;
  readonly by: string;
  /** The status after this update. */
  readonly status: IncidentStatus;
  readonly message: string | undefined;
  /** The update moved the incident to `status` (false: an update within the status). */
  readonly statusChanged: boolean;
}

export interface Incident {
  readonly id: string;
  readonly title: string;
  readonly summary: string | undefined;
  readonly severity: string;
  readonly status: IncidentStatus;
  /** Impacted services, in the order they were named. */
  readonly services: readonly string[];
  readonly pageIds: readonly string[];
  readonly declaredAt: number;
  readonly declaredBy: string;
  /**
   * When impact began as the incident alone knows it: the instant a person gave, else
   * the declaration. `incidentTimes` (durations.ts) also looks at linked pages.
   */
  readonly startedAt: number;
  /** The impact start a person gave (on declaring or as a correction); undefined: none given. */
  readonly reportedStartedAt: number | undefined;
  /**
   * The first entry into monitoring or resolved, unless a person corrected it. A
   * reopen keeps it: time to mitigate measures the first mitigation, and the reopen
   * shows in the timeline and in `resolvedAt`.
   */
  readonly mitigatedAt: number | undefined;
  /** Set while the status is resolved; a reopen clears it. */
  readonly resolvedAt: number | undefined;
  readonly roles: { readonly [R in IncidentRole]: RoleHolder | undefined };
  readonly roleHistory: readonly RoleChange[];
  readonly updates: readonly StatusUpdate[];
  /** The number of events folded: store the next event with compare-and-set on it. */
  readonly revision: number;
  /** The instant of the last event. */
  readonly updatedAt: number;
}

/** The severity named `name`, or undefined when the scale has no such level. */
export function severityLevel(
  severities: readonly SeverityLevel[],
  name: string,
): SeverityLevel | undefined {
  return severities.find((level) => level.name === name);
}
