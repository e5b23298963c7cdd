// Incident events -> the incident view. `applyIncidentEvent` judges a new event against
// the incident as it is (the app stores the event only when it is accepted, with
// compare-and-set on `revision`); `foldIncident` replays stored events.
//
// Stored events are history, not requests: replaying does not judge severities
// against today's scale, because a severity renamed or removed in config must not
// make old incidents unreadable. Everything else is checked again, so that a stored
// list that could never have been accepted fails loudly instead of folding into
// nonsense.
import {
  INCIDENT_ROLE_LABELS,
  severityLevel,
  type Incident,
  type IncidentDeclared,
  type IncidentEvent,
  type IncidentRoleSet,
  type IncidentServicesChanged,
  type IncidentStatusSet,
  type IncidentTimesCorrected,
  type SeverityLevel,
} from './model.js';

export type IncidentEventResult =
  | { readonly ok: true; readonly incident: Incident }
  | { readonly ok: false; readonly problem: string };

/**
 * The incident after `event`, or why the event is refused (one sentence that says
 * what to do instead). `incident` is undefined before the declaration.
 */
export function applyIncidentEvent(
  incident: Incident | undefined,
  id: string,
  event: IncidentEvent,
  severities: readonly SeverityLevel[],
): IncidentEventResult {
  const problem = problemOf(incident, id, event, severities);
  if (problem !== undefined) return { ok: false, problem };
  return { ok: true, incident: evolve(incident, id, event) };
}

/**
 * The incident folded from its stored events, in order. Throws a RangeError naming the
 * event for a list that could not have been accepted (none, or not starting with
 * `declared`, or a refused event).
 */
export function foldIncident(id: string, events: readonly IncidentEvent[]): Incident {
  let incident: Incident | undefined;
  events.forEach((event, index) => {
    const problem = problemOf(incident, id, event, undefined);
    if (problem !== undefined) {
      throw new RangeError(`incident ${id}, event ${index + 1} (${event.type}): ${problem}`);
    }
    incident = evolve(incident, id, event);
  });
  if (incident === undefined) throw new RangeError(`incident ${id} has no events`);
  return incident;
}

// ---------------------------------------------------------------------------

/** `severities` undefined: replaying stored events, whose severities are not judged again. */
function problemOf(
  incident: Incident | undefined,
  id: string,
  event: IncidentEvent,
  severities: readonly SeverityLevel[] | undefined,
): string | undefined {
  if (!Number.isSafeInteger(event.at)) {
    return `an event's instant must be whole epoch milliseconds, got ${event.at}`;
  }
  if (blank(event.by)) return "an event needs the actor's user name";
  if (incident === undefined) {
    if (event.type !== 'declared') {
      return `incident ${id} has not been declared: its first event must be "declared", not "${event.type}"`;
    }
    return declaredProblem(event, severities);
  }
  if (event.type === 'declared') {
    return `incident ${id} is already declared; change its title, severity or services instead`;
  }
  if (incident.status === 'resolved') {
    const reopens = event.type === 'status' && event.status !== 'resolved';
    if (!reopens && event.type !== 'note') {
      return `incident ${id} is resolved: reopen it first (set its status to investigating, identified or monitoring); only notes can be added to a resolved incident`;
    }
  }
  switch (event.type) {
    case 'status':
      return statusProblem(incident, event);
    case 'update':
      return blank(event.message) ? 'an update needs a message' : undefined;
    case 'severity':
      if (event.severity === incident.severity) {
        return `the severity is already ${incident.severity}`;
      }
      return severityProblem(event.severity, severities);
    case 'title':
      if (blank(event.title)) return 'an incident needs a title: it cannot be empty';
      return event.title === incident.title
        ? `the title is already "${incident.title}"`
        : undefined;
    case 'role':
      return roleProblem(incident, event);
    case 'services':
      return servicesProblem(incident, event);
    case 'note':
      return blank(event.text) ? 'a note needs text' : undefined;
    case 'page-linked':
      if (blank(event.pageId)) return 'name the page to link';
      return incident.pageIds.includes(event.pageId)
        ? `page ${event.pageId} is already linked to incident ${id}`
        : undefined;
    case 'times':
      return timesProblem(incident, event);
  }
}

function declaredProblem(
  event: IncidentDeclared,
  severities: readonly SeverityLevel[] | undefined,
): string | undefined {
  if (blank(event.title)) return 'an incident needs a title: it cannot be empty';
  const severity = severityProblem(event.severity, severities);
  if (severity !== undefined) return severity;
  if (event.services.length === 0) {
    return 'an incident needs at least one impacted service: name the services it affects';
  }
  const names = namesProblem(event.services, 'service');
  if (names !== undefined) return names;
  const pages = namesProblem(event.pageIds, 'page');
  if (pages !== undefined) return pages;
  if (event.startedAt !== undefined) {
    if (!Number.isSafeInteger(event.startedAt)) {
      return `startedAt must be whole epoch milliseconds, got ${event.startedAt}`;
    }
    if (event.startedAt > event.at) {
      return 'startedAt is after the declaration: leave it out when impact began as the incident was declared';
    }
  }
  if (event.commander !== undefined && blank(event.commander)) {
    return 'the commander must be a user name; leave it out to assign one later';
  }
  return undefined;
}

function severityProblem(
  name: string,
  severities: readonly SeverityLevel[] | undefined,
): string | undefined {
  if (blank(name)) return 'an incident needs a severity';
  if (severities === undefined || severityLevel(severities, name) !== undefined) return undefined;
  const known = severities.map((level) => level.name).join(', ');
  return `unknown severity "${name}"; known severities: ${known === '' ? '(none configured)' : known}`;
}

function statusProblem(incident: Incident, event: IncidentStatusSet): string | undefined {
  if (event.status === incident.status && (event.message === undefined || blank(event.message))) {
    return `the incident is already ${incident.status}: write a message to post an update without changing the status`;
  }
  return undefined;
}

function roleProblem(incident: Incident, event: IncidentRoleSet): string | undefined {
  const label = INCIDENT_ROLE_LABELS[event.role];
  const holder = incident.roles[event.role]?.person;
  if (event.person === undefined) {
    return holder === undefined ? `nobody is ${label}: there is nothing to release` : undefined;
  }
  if (blank(event.person)) {
    return `name the person to be ${label}, or leave the person out to release the role`;
  }
  return event.person === holder
    ? `${holder} is already ${label}: hand the role over to someone else`
    : undefined;
}

function servicesProblem(incident: Incident, event: IncidentServicesChanged): string | undefined {
  if (event.added.length === 0 && event.removed.length === 0) {
    return 'name the services to add or remove';
  }
  const added = namesProblem(event.added, 'service');
  if (added !== undefined) return added;
  const removed = namesProblem(event.removed, 'service');
  if (removed !== undefined) return removed;
  const both = event.added.find((service) => event.removed.includes(service));
  if (both !== undefined) return `service ${both} is both added and removed: name it once`;
  const present = event.added.find((service) => incident.services.includes(service));
  if (present !== undefined) return `service ${present} is already impacted by this incident`;
  const absent = event.removed.find((service) => !incident.services.includes(service));
  if (absent !== undefined) {
    return `service ${absent} is not impacted by this incident; impacted: ${incident.services.join(', ')}`;
  }
  if (nextServices(incident.services, event).length === 0) {
    return 'an incident needs at least one impacted service: add the one it affects now before removing the last';
  }
  return undefined;
}

function timesProblem(incident: Incident, event: IncidentTimesCorrected): string | undefined {
  if (event.startedAt === undefined && event.mitigatedAt === undefined) {
    return 'give startedAt or mitigatedAt to correct';
  }
  for (const [field, value] of [
    ['startedAt', event.startedAt],
    ['mitigatedAt', event.mitigatedAt],
  ] as const) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value)) {
      return `${field} must be whole epoch milliseconds, got ${value}`;
    }
    if (value > event.at) return `${field} cannot be later than the correction itself`;
  }
  // An impact that began after the declaration would make every duration negative;
  // such an incident was declared early, and impact starts with it.
  if (event.startedAt !== undefined && event.startedAt > incident.declaredAt) {
    return 'startedAt cannot be after the declaration: impact is taken to start when the incident was declared';
  }
  const startedAt = event.startedAt ?? incident.startedAt;
  const mitigatedAt = event.mitigatedAt ?? incident.mitigatedAt;
  if (mitigatedAt !== undefined && mitigatedAt < startedAt) {
    return `mitigatedAt (${iso(mitigatedAt)}) is before startedAt (${iso(startedAt)}): correct both together`;
  }
  return undefined;
}

/** Every name non-empty and given once. */
function namesProblem(names: readonly string[], what: string): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (blank(name)) return `a ${what} name cannot be empty`;
    if (seen.has(name)) return `${what} ${name} is named twice`;
    seen.add(name);
  }
  return undefined;
}

// ---------------------------------------------------------------------------

/** The incident after an event `problemOf` accepted. */
function evolve(incident: Incident | undefined, id: string, event: IncidentEvent): Incident {
  if (incident === undefined) {
    if (event.type !== 'declared') throw new RangeError('the first event must be "declared"');
    return declare(id, event);
  }
  const next = { ...incident, revision: incident.revision + 1, updatedAt: event.at };
  switch (event.type) {
    case 'declared':
      throw new RangeError(`incident ${id} is already declared`);
    case 'status':
      return setStatus(next, event);
    case 'update':
      return {
        ...next,
        updates: [
          ...next.updates,
          {
            at: event.at,
            by: event.by,
            status: next.status,
            message: event.message,
            statusChanged: false,
          },
        ],
      };
    case 'severity':
      return { ...next, severity: event.severity };
    case 'title':
      return { ...next, title: event.title };
    case 'role':
      return setRole(next, event);
    case 'services':
      return { ...next, services: nextServices(next.services, event) };
    case 'note':
      return next;
    case 'page-linked':
      return { ...next, pageIds: [...next.pageIds, event.pageId] };
    case 'times': {
      const reportedStartedAt = event.startedAt ?? next.reportedStartedAt;
      return {
        ...next,
        reportedStartedAt,
        startedAt: reportedStartedAt ?? next.declaredAt,
        mitigatedAt: event.mitigatedAt ?? next.mitigatedAt,
      };
    }
  }
}

function declare(id: string, event: IncidentDeclared): Incident {
  const commander =
    event.commander === undefined ? undefined : { person: event.commander, since: event.at };
  return {
    id,
    title: event.title,
    summary: event.summary === undefined || blank(event.summary) ? undefined : event.summary,
    severity: event.severity,
    status: 'investigating',
    services: [...event.services],
    pageIds: [...event.pageIds],
    declaredAt: event.at,
    declaredBy: event.by,
    startedAt: event.startedAt ?? event.at,
    reportedStartedAt: event.startedAt,
    mitigatedAt: undefined,
    resolvedAt: undefined,
    roles: { commander, communications: undefined, operations: undefined, scribe: undefined },
    roleHistory:
      event.commander === undefined
        ? []
        : [
            {
              role: 'commander',
              from: undefined,
              to: event.commander,
              at: event.at,
              by: event.by,
            },
          ],
    updates: [],
    revision: 1,
    updatedAt: event.at,
  };
}

function setStatus(incident: Incident, event: IncidentStatusSet): Incident {
  const statusChanged = event.status !== incident.status;
  const mitigates = event.status === 'monitoring' || event.status === 'resolved';
  return {
    ...incident,
    status: event.status,
    mitigatedAt: incident.mitigatedAt ?? (mitigates ? event.at : undefined),
    resolvedAt:
      event.status === 'resolved' ? (statusChanged ? event.at : incident.resolvedAt) : undefined,
    updates: [
      ...incident.updates,
      {
        at: event.at,
        by: event.by,
        status: event.status,
        message: event.message === undefined || blank(event.message) ? undefined : event.message,
        statusChanged,
      },
    ],
  };
}

function setRole(incident: Incident, event: IncidentRoleSet): Incident {
  const from = incident.roles[event.role]?.person;
  return {
    ...incident,
    roles: {
      ...incident.roles,
      [event.role]:
        event.person === undefined ? undefined : { person: event.person, since: event.at },
    },
    roleHistory: [
      ...incident.roleHistory,
      { role: event.role, from, to: event.person, at: event.at, by: event.by },
    ],
  };
}

function nextServices(
  services: readonly string[],
  event: IncidentServicesChanged,
): readonly string[] {
  return [...services.filter((service) => !event.removed.includes(service)), ...event.added];
}

function blank(text: string): boolean {
  return text.trim() === '';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
