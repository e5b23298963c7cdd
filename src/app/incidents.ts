// Incidents: declared by a person (or from pages), changed by appending events, read
// as the view folded from them. Every change is one compare-and-set append, so two
// responders updating at once never lose each other's update: the second is replayed
// on the new state, or refused with 409 when it named the revision it was based on.
import { resolvePage, type Page } from '../core/alerts/grouping.js';
import { startEscalation, type IncidentResponseRule } from '../core/alerts/escalation.js';
import { incidentTimes, responseMetrics, type ResponseRow } from '../core/incidents/durations.js';
import {
  firstIncidentResponsePull,
  incidentResponseReasonsForIncident,
} from '../core/incidents/incident-response.js';
import { applyIncidentEvent, foldIncident } from '../core/incidents/lifecycle.js';
import {
  DEFAULT_SEVERITIES,
  INCIDENT_ROLES,
  severityLevel,
  type Incident,
  type IncidentEvent,
  type SeverityLevel,
} from '../core/incidents/model.js';
import type { OpenIncident } from '../core/policy/model.js';
import type {
  DeclareIncidentInput,
  IncidentView,
  UpdateIncidentInput,
} from '../schema/incidents.js';
import { conflict, invalid, notFound, type FieldError } from './errors.js';
import type { IncidentSource, OpenedIncident } from './ports/incidents.js';
import type { IncidentEventRecord, IncidentRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';
import { personOf, requireReader, requireResponder, type Principal } from './principal.js';
import { followPage } from './paging.js';
import { runbooksFor } from './runbooks.js';

const CATALOG_FRESHNESS_MS = 250;
/** A declaration may name an impact start this far back at most. */
const MAX_IMPACT_LOOKBACK_MS = 30 * 24 * 60 * 60_000;
/** Appends lost to a concurrent writer are replayed this often before giving up. */
const APPEND_ATTEMPTS = 5;
/** How long each level of the incident-response page has to acknowledge. */
const INCIDENT_RESPONSE_TIMEOUT_MINUTES = 10;
const INCIDENT_RESPONSE_REPEATS = 2;
/** Most incidents the response figures read at once. */
const MAX_METRIC_INCIDENTS = 10_000;

export function incidentRef(id: number): string {
  return `INC-${id}`;
}

/** The organisation's severity scale (IncidentSettings), else SEV1 to SEV4. */
export function severitiesOf(deps: AppDependencies): readonly SeverityLevel[] {
  return deps.catalog.incidentSettings()?.severities ?? DEFAULT_SEVERITIES;
}

export async function declareIncident(
  deps: AppDependencies,
  principal: Principal,
  input: DeclareIncidentInput,
): Promise<IncidentView> {
  requireResponder(principal, 'declare an incident');
  const { store, clock, catalog } = deps;
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const now = clock.now();
  const person = personOf(principal);
  await requireServices(deps, input.services, 'services');
  const pages = await requirePages(store, input.pages, 'pages');
  const startedAt = input.startedAt === undefined ? undefined : Date.parse(input.startedAt);
  if (startedAt !== undefined && (startedAt > now || startedAt < now - MAX_IMPACT_LOOKBACK_MS)) {
    throw invalid('the impact start is out of range', [
      {
        path: 'startedAt',
        message: `startedAt must be in the last 30 days and not after now (${iso(now)})`,
      },
    ]);
  }
  const declared: IncidentEvent = {
    type: 'declared',
    at: now,
    by: person,
    title: input.title,
    severity: input.severity,
    services: input.services,
    summary: input.summary,
    pageIds: pages.map((page) => page.id),
    startedAt,
    commander: input.commander ?? person,
  };
  const result = applyIncidentEvent(undefined, '', declared, severitiesOf(deps));
  if (!result.ok)
    throw invalid(result.problem, [{ path: fieldOf(declared), message: result.problem }]);
  const incident = result.incident;
  const id = await store.transaction(async (tx) => {
    const newId = await tx.insertIncident(recordOf(0, incident), eventRecord(declared));
    await pullIncidentResponse(deps, tx, newId, incident, [declared]);
    return newId;
  });
  deps.signals?.pagesChanged();
  deps.incidents.changed?.();
  return incidentView(deps, await mustGet(store, id));
}

export async function updateIncident(
  deps: AppDependencies,
  principal: Principal,
  id: number,
  input: UpdateIncidentInput,
): Promise<IncidentView> {
  requireResponder(principal, 'update an incident');
  const { store, clock, catalog } = deps;
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  if (input.addServices !== undefined)
    await requireServices(deps, input.addServices, 'addServices');
  if (input.linkPages !== undefined) await requirePages(store, input.linkPages, 'linkPages');
  const person = personOf(principal);
  for (let attempt = 1; ; attempt += 1) {
    const record = await mustGet(store, id);
    if (input.revision !== undefined && input.revision !== record.revision) {
      throw conflict(
        `incident ${incidentRef(id)} is at revision ${record.revision}, not ${input.revision}: someone changed it meanwhile; read it again and retry`,
      );
    }
    const events = eventsOf(input, clock.now(), person);
    if (events.length === 0) {
      throw invalid('the update changes nothing', [
        {
          path: '',
          message:
            'give at least one of status, message, severity, title, roles, services, note, pages or times',
        },
      ]);
    }
    let incident = incidentOf(record);
    for (const event of events) {
      const result = applyIncidentEvent(incident, String(id), event, severitiesOf(deps));
      if (!result.ok)
        throw invalid(result.problem, [{ path: fieldOf(event), message: result.problem }]);
      incident = result.incident;
    }
    const stored = await store.transaction(async (tx) => {
      const appended = await tx.appendIncidentEvents(
        recordOf(id, incident),
        record.revision,
        events.map(eventRecord),
      );
      if (!appended) return false;
      const history = (await tx.listIncidentEvents(id)).map((each) => each.body as IncidentEvent);
      await pullIncidentResponse(deps, tx, id, incident, history);
      if (incident.status === 'resolved') await resolveIncidentResponsePage(deps, tx, id, person);
      return true;
    });
    if (stored) break;
    if (input.revision !== undefined || attempt >= APPEND_ATTEMPTS) {
      throw conflict(`incident ${incidentRef(id)} changed meanwhile; read it again and retry`);
    }
  }
  deps.signals?.pagesChanged();
  deps.incidents.changed?.();
  return incidentView(deps, await mustGet(store, id));
}

export async function getIncident(
  deps: AppDependencies,
  principal: Principal,
  id: number,
): Promise<IncidentView> {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  return incidentView(deps, await mustGet(deps.store, id));
}

export async function listIncidents(
  deps: AppDependencies,
  principal: Principal,
  filter: Parameters<Store['listIncidents']>[0],
): Promise<IncidentView[]> {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const records = await deps.store.listIncidents(filter);
  const views: IncidentView[] = [];
  for (const record of records) views.push(await incidentView(deps, record));
  return views;
}

/** The incident's events and the view folded from them, for the timeline and postmortem. */
export async function loadIncident(
  deps: AppDependencies,
  principal: Principal,
  id: number,
): Promise<{ record: IncidentRecord; incident: Incident; events: IncidentEvent[]; pages: Page[] }> {
  requireReader(principal);
  const record = await mustGet(deps.store, id);
  const events = (await deps.store.listIncidentEvents(id)).map(
    (event) => event.body as IncidentEvent,
  );
  const incident = foldIncident(String(id), events);
  const pages = await linkedPages(deps.store, incident);
  return { record, incident, events, pages };
}

/** MTTA, MTTM and MTTR per service or team for incidents that began in [fromMs, toMs). */
export async function incidentMetrics(
  deps: AppDependencies,
  principal: Principal,
  query: {
    readonly fromMs?: number | undefined;
    readonly toMs?: number | undefined;
    readonly by: 'service' | 'team';
  },
) {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const to = query.toMs ?? deps.clock.now();
  const from = query.fromMs ?? to - 90 * 24 * 60 * 60_000;
  if (from >= to)
    throw invalid('from must be before to', [{ path: 'from', message: 'from must be before to' }]);
  const records = await deps.store.listIncidents({
    fromMs: from,
    toMs: to,
    limit: MAX_METRIC_INCIDENTS,
  });
  const rows = await responseRows(deps.store, records);
  const group =
    query.by === 'service'
      ? (service: string) => [service]
      : (service: string) => {
          const team = deps.catalog.service(service)?.team;
          return team === undefined ? [] : [team];
        };
  const seconds = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
  return {
    from: iso(from),
    to: iso(to),
    by: query.by,
    groups: responseMetrics(rows, group, from, to).map((metrics) => ({
      key: metrics.key,
      incidents: metrics.count,
      open: metrics.open,
      mttaSeconds: seconds(metrics.mttaMs),
      mttmSeconds: seconds(metrics.mttmMs),
      mttrSeconds: seconds(metrics.mttrMs),
      medianTtaSeconds: seconds(metrics.medianTtaMs),
      medianTtmSeconds: seconds(metrics.medianTtmMs),
      medianTtrSeconds: seconds(metrics.medianTtrMs),
    })),
  };
}

/** One response row (times from the impact start) per incident, for MTTA/MTTM/MTTR figures. */
export async function responseRows(
  store: Store,
  records: readonly IncidentRecord[],
): Promise<(ResponseRow & { readonly record: IncidentRecord })[]> {
  const rows: (ResponseRow & { readonly record: IncidentRecord })[] = [];
  for (const record of records) {
    const incident = incidentOf(record);
    const times = incidentTimes(incident, await linkedPages(store, incident));
    rows.push({
      record,
      incidentId: String(record.id),
      startedAt: times.startedAt,
      services: incident.services,
      timeToAcknowledgeMs: times.timeToAcknowledgeMs,
      timeToMitigateMs: times.timeToMitigateMs,
      timeToResolveMs: times.timeToResolveMs,
    });
  }
  return rows;
}

/** Open incidents are read at most this often: the gate asks on every check. */
const OPEN_INCIDENTS_FRESHNESS_MS = 250;
const MAX_OPEN_INCIDENTS = 10_000;

/**
 * The incident port of the deploy gate and the change-failure figure, on the store.
 * Open incidents are few and the gate is hot: they are read whole, at most every
 * 250 ms (at once after a change on this instance), and filtered in memory.
 */
export function storedIncidents(store: Store): IncidentSource {
  let open: { readonly readAt: number; readonly records: Promise<IncidentRecord[]> } | undefined;
  const openRecords = () => {
    const now = performance.now();
    if (open === undefined || now - open.readAt > OPEN_INCIDENTS_FRESHNESS_MS) {
      const records = store.listIncidents({ status: 'open', limit: MAX_OPEN_INCIDENTS });
      // A failed read is not remembered: the next check asks again.
      records.catch(() => {
        open = undefined;
      });
      open = { readAt: now, records };
    }
    return open.records;
  };
  return {
    async openIncidents(services, atMs) {
      const wanted = new Set(services);
      return (await openRecords())
        .filter(
          (record) =>
            record.startedAt <= atMs && record.services.some((service) => wanted.has(service)),
        )
        .map((record): OpenIncident => ({
          id: incidentRef(record.id),
          title: record.title,
          services: record.services,
        }));
    },
    changed() {
      open = undefined;
    },
    async incidentsOpened(service, fromMs, toMs) {
      const records = await store.listIncidents({ service, fromMs, toMs, limit: 10_000 });
      return records.map((record): OpenedIncident => ({
        id: incidentRef(record.id),
        title: record.title,
        service,
        openedAt: record.startedAt,
      }));
    },
  };
}

// ---------------------------------------------------------------------------

async function incidentView(deps: AppDependencies, record: IncidentRecord): Promise<IncidentView> {
  const incident = incidentOf(record);
  const pages = await linkedPages(deps.store, incident);
  const times = incidentTimes(incident, pages);
  const severities = severitiesOf(deps);
  const rule = incidentResponseRule(deps, incident);
  const responsePage = await deps.store.getPage(incidentResponsePageId(record.id));
  const holder = (role: (typeof INCIDENT_ROLES)[number]) => {
    const held = incident.roles[role];
    return held === undefined ? null : { person: held.person, since: iso(held.since) };
  };
  return {
    id: record.id,
    ref: incidentRef(record.id),
    title: incident.title,
    summary: incident.summary ?? null,
    severity: incident.severity,
    severityMeaning: severityLevel(severities, incident.severity)?.meaning ?? null,
    status: incident.status,
    services: [...incident.services],
    teams: teamsOf(deps, incident.services),
    pages: [...incident.pageIds],
    declaredAt: iso(incident.declaredAt),
    declaredBy: incident.declaredBy,
    startedAt: iso(times.startedAt),
    detectedAt: iso(times.detectedAt),
    acknowledgedAt: iso(times.acknowledgedAt),
    mitigatedAt: isoOrNull(times.mitigatedAt),
    resolvedAt: isoOrNull(times.resolvedAt),
    timeToDetectSeconds: times.timeToDetectMs / 1000,
    timeToAcknowledgeSeconds: times.timeToAcknowledgeMs / 1000,
    timeToMitigateSeconds:
      times.timeToMitigateMs === undefined ? null : times.timeToMitigateMs / 1000,
    timeToResolveSeconds: times.timeToResolveMs === undefined ? null : times.timeToResolveMs / 1000,
    roles: {
      commander: holder('commander'),
      communications: holder('communications'),
      operations: holder('operations'),
      scribe: holder('scribe'),
    },
    roleHistory: incident.roleHistory.map((change) => ({
      role: change.role,
      from: change.from ?? null,
      to: change.to ?? null,
      at: iso(change.at),
      by: change.by,
    })),
    updates: incident.updates.map((update) => ({
      at: iso(update.at),
      by: update.by,
      status: update.status,
      message: update.message ?? null,
      statusChanged: update.statusChanged,
    })),
    incidentResponse: {
      reasons: incidentResponseReasonsForIncident(
        incident.services,
        incident.severity,
        severities,
        rule ?? { schedule: '', ...serviceLookups(deps) },
      ),
      schedule: rule?.schedule ?? null,
      page: responsePage?.id ?? null,
    },
    runbooks: runbooksFor(deps, { services: incident.services, alerts: [] }).map((runbook) => ({
      name: runbook.name,
      title: runbook.title,
      service: runbook.service ?? null,
    })),
    revision: record.revision,
    updatedAt: iso(incident.updatedAt),
  };
}

function serviceLookups(deps: AppDependencies): Omit<IncidentResponseRule, 'schedule'> {
  return {
    tierOf: (service) => deps.catalog.service(service)?.tier,
    teamOf: (service) => deps.catalog.service(service)?.team,
  };
}

/**
 * The rotation incidents call in: IncidentSettings' schedule, else the one the
 * escalation policy of an impacted service names for its pages.
 */
function incidentResponseRule(
  deps: AppDependencies,
  incident: Pick<Incident, 'services'>,
): IncidentResponseRule | undefined {
  const schedule =
    deps.catalog.incidentSettings()?.incidentResponseSchedule ??
    incident.services
      .map(
        (service) =>
          deps.catalog
            .escalationPolicies()
            .find(
              (policy) =>
                policy.services.includes(service) ||
                policy.teams.includes(deps.catalog.service(service)?.team ?? '\u0000'),
            )?.incidentResponseSchedule,
      )
      .find((name) => name !== undefined);
  if (schedule === undefined) return undefined;
  return { schedule, ...serviceLookups(deps) };
}

export function incidentResponsePageId(id: number): string {
  return `incident-${id}-response`;
}

export function isIncidentResponsePageId(pageId: string): boolean {
  return /^incident-\d+-response$/.test(pageId);
}

/**
 * Pages the incident-response rotation once, when the incident first calls for it
 * (a critical service, several teams, a severity that pulls it): a page of its own,
 * escalated to the rotation's schedule, in the transaction that stored the event.
 */
async function pullIncidentResponse(
  deps: AppDependencies,
  tx: Store,
  id: number,
  incident: Incident,
  history: readonly IncidentEvent[],
): Promise<void> {
  if (incident.status === 'resolved') return;
  const rule = incidentResponseRule(deps, incident);
  if (rule === undefined) return;
  const pull = firstIncidentResponsePull(history, severitiesOf(deps), rule);
  if (pull === undefined) return;
  const pageId = incidentResponsePageId(id);
  if ((await tx.getPage(pageId)) !== undefined) return;
  const now = deps.clock.now();
  const summary = `${incidentRef(id)} (${incident.severity}): ${incident.title} needs the incident-response rotation`;
  const page: Page = {
    id: pageId,
    status: 'triggered',
    openedAt: now,
    summary,
    severity: 'critical',
    services: [...incident.services],
    alerts: [
      {
        id: `${pageId}.1`,
        key: `incident\u0000${id}`,
        source: 'incident',
        integration: undefined,
        dedupKey: incidentRef(id),
        senderGroup: undefined,
        status: 'triggered',
        summary,
        severity: 'critical',
        service: incident.services[0],
        labels: { incident: incidentRef(id), severity: incident.severity },
        annotations: { reasons: pull.reasons.join(', ') },
        runbookUrl: undefined,
        links: [],
        startsAt: now,
        endsAt: undefined,
        firstSeenAt: now,
        lastSeenAt: now,
        triggerCount: 1,
        acknowledgedAt: undefined,
        resolvedAt: undefined,
      },
    ],
    acknowledgedAt: undefined,
    acknowledgedBy: undefined,
    resolvedAt: undefined,
    updatedAt: now,
  };
  await tx.lockPaging();
  await tx.putPage(page);
  const state = startEscalation(
    page,
    {
      name: `incident-response:${rule.schedule}`,
      repeat: INCIDENT_RESPONSE_REPEATS,
      levels: [
        {
          targets: [{ kind: 'schedule', name: rule.schedule }],
          timeoutMinutes: INCIDENT_RESPONSE_TIMEOUT_MINUTES,
        },
      ],
    },
    now,
    undefined,
  );
  await tx.putEscalation(page.id, state, state.nextDueAt ?? null, undefined);
}

async function resolveIncidentResponsePage(
  deps: AppDependencies,
  tx: Store,
  id: number,
  by: string,
): Promise<void> {
  const page = await tx.getPage(incidentResponsePageId(id));
  if (page === undefined || page.status === 'resolved') return;
  const resolved = resolvePage([page], page.id, deps.clock.now()).page;
  if (resolved === undefined) return;
  await tx.lockPaging();
  await tx.putPage(resolved);
  await followPage(tx, resolved, by, deps.clock.now());
}

/** The events an update stands for, in the order they read best in the timeline. */
function eventsOf(input: UpdateIncidentInput, at: number, by: string): IncidentEvent[] {
  const events: IncidentEvent[] = [];
  if (input.title !== undefined) events.push({ type: 'title', at, by, title: input.title });
  if (input.severity !== undefined)
    events.push({ type: 'severity', at, by, severity: input.severity });
  if (input.addServices !== undefined || input.removeServices !== undefined) {
    events.push({
      type: 'services',
      at,
      by,
      added: input.addServices ?? [],
      removed: input.removeServices ?? [],
    });
  }
  for (const role of INCIDENT_ROLES) {
    const person = input.roles?.[role];
    if (person !== undefined)
      events.push({ type: 'role', at, by, role, person: person ?? undefined });
  }
  for (const pageId of input.linkPages ?? []) events.push({ type: 'page-linked', at, by, pageId });
  if (input.startedAt !== undefined || input.mitigatedAt !== undefined) {
    events.push({
      type: 'times',
      at,
      by,
      startedAt: input.startedAt === undefined ? undefined : Date.parse(input.startedAt),
      mitigatedAt: input.mitigatedAt === undefined ? undefined : Date.parse(input.mitigatedAt),
    });
  }
  if (input.note !== undefined) events.push({ type: 'note', at, by, text: input.note });
  if (input.status !== undefined) {
    events.push({ type: 'status', at, by, status: input.status, message: input.message });
  } else if (input.message !== undefined) {
    events.push({ type: 'update', at, by, message: input.message });
  }
  return events;
}

/** The request field an event came from, for the problem's field path. */
function fieldOf(event: IncidentEvent): string {
  switch (event.type) {
    case 'declared':
      return 'severity';
    case 'services':
      return event.added.length > 0 ? 'addServices' : 'removeServices';
    case 'role':
      return `roles.${event.role}`;
    case 'page-linked':
      return 'linkPages';
    case 'times':
      return event.startedAt === undefined ? 'mitigatedAt' : 'startedAt';
    case 'update':
      return 'message';
    default:
      return event.type;
  }
}

function recordOf(id: number, incident: Incident): Omit<IncidentRecord, 'id'> & { id: number } {
  return {
    id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt,
    startedAt: incident.startedAt,
    resolvedAt: incident.resolvedAt ?? null,
    updatedAt: incident.updatedAt,
    revision: incident.revision,
    services: incident.services,
    document: incident,
  };
}

function eventRecord(event: IncidentEvent): Omit<IncidentEventRecord, 'incidentId' | 'seq'> {
  return { at: event.at, kind: event.type, actor: event.by, body: event };
}

/** The folded view a record keeps, with its id. */
export function incidentOf(record: IncidentRecord): Incident {
  return { ...(record.document as Incident), id: String(record.id) };
}

async function mustGet(store: Store, id: number): Promise<IncidentRecord> {
  const record = await store.getIncident(id);
  if (record === undefined) throw notFound(`incident ${incidentRef(id)}`);
  return record;
}

async function linkedPages(store: Store, incident: Pick<Incident, 'pageIds'>): Promise<Page[]> {
  const pages: Page[] = [];
  for (const pageId of incident.pageIds) {
    const page = await store.getPage(pageId);
    if (page !== undefined) pages.push(page);
  }
  return pages;
}

async function requireServices(
  deps: AppDependencies,
  services: readonly string[],
  path: string,
): Promise<void> {
  const errors: FieldError[] = [];
  for (const [index, name] of services.entries()) {
    const known = deps.catalog.service(name) ?? (await deps.store.getService(name));
    if (known === undefined)
      errors.push({ path: `${path}[${index}]`, message: `no service "${name}"` });
  }
  if (errors.length > 0) throw invalid('the incident names services that do not exist', errors);
}

async function requirePages(store: Store, ids: readonly string[], path: string): Promise<Page[]> {
  const pages: Page[] = [];
  const errors: FieldError[] = [];
  for (const [index, pageId] of ids.entries()) {
    const page = await store.getPage(pageId);
    if (page === undefined)
      errors.push({ path: `${path}[${index}]`, message: `no page "${pageId}"` });
    else pages.push(page);
  }
  if (errors.length > 0) throw invalid('the incident names pages that do not exist', errors);
  return pages;
}

export function teamsOf(deps: AppDependencies, services: readonly string[]): string[] {
  return [...new Set(services.flatMap((service) => deps.catalog.service(service)?.team ?? []))];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : iso(ms);
}
