// Toil: logged by hand, and added on their own by pages (the acknowledger's time) and
// incidents (the declarer's and the role holders' time), held against a cap on the
// team's working time. The arithmetic is core/reports/toil.ts; this file gathers the
// entries and people from the store.
import { randomBytes } from 'node:crypto';
import type { Page } from '../core/alerts/grouping.js';
import { incidentTimes } from '../core/incidents/durations.js';
import type { Incident } from '../core/incidents/model.js';
import { resolveZone } from '../core/postmortem/markdown.js';
import {
  normaliseCategory,
  PAGE_TOIL_CAP_MS,
  toilFromIncidents,
  toilFromPages,
  toilCap,
  toilSummary,
  type IncidentForToil,
  type IncidentParticipant,
  type PageForToil,
  type ToilEntry,
  type ToilSummary,
} from '../core/reports/toil.js';
import {
  DEFAULT_SLEEP_HOURS,
  DEFAULT_WORKING_HOURS,
  type PersonCalendar,
} from '../core/reports/working-time.js';
import { recordChange } from './audit.js';
import { forbidden, invalid, notFound } from './errors.js';
import type { IncidentRecord, TeamRecord, ToilEntryRecord, UserRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';
import {
  actorOf,
  mayEditTeam,
  requireReader,
  requireResponder,
  type Principal,
} from './principal.js';

const CATALOG_FRESHNESS_MS = 250;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Summaries and reports cover the last 30 days unless told otherwise. */
export const DEFAULT_PERIOD_MS = 30 * DAY_MS;
/** The longest period a summary or report reads. */
export const MAX_PERIOD_MS = 400 * DAY_MS;
/** One manual entry is at most a day of someone's time. */
export const MAX_TOIL_MINUTES = 24 * 60;
/** Manual toil may be logged this far back, and not in the future. */
const MAX_LOG_LOOKBACK_MS = 90 * DAY_MS;
/** Pages opened this long before a period may still have acknowledged time in it. */
const PAGE_LOOKBACK_MS = 7 * DAY_MS;
/** Incidents that began this long before a period may still have people working in it. */
const INCIDENT_LOOKBACK_MS = 30 * DAY_MS;
const MAX_ROWS = 100_000;

export interface LogToilInput {
  readonly minutes: number;
  readonly description: string;
  readonly service?: string | undefined;
  readonly category?: string | undefined;
  readonly team?: string | undefined;
  readonly person?: string | undefined;
  /** Epoch ms; default now. */
  readonly atMs?: number | undefined;
}

export interface ToilEntryView {
  readonly id: string;
  readonly team: string;
  readonly person: string;
  readonly service: string | null;
  readonly category: string;
  readonly minutes: number;
  readonly at: string;
  readonly description: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

/**
 * Logs toil for a person of a team: for the token's user unless a person is named.
 * The person must be a user and a member of the team; the writer must be that person
 * (a token bound to them), an editor of the team, or an admin. Viewers log nothing.
 * Audited as a ToilEntry change.
 */
export async function logToil(
  deps: AppDependencies,
  principal: Principal,
  input: LogToilInput,
): Promise<ToilEntryView> {
  requireResponder(principal, 'log toil');
  const { store, clock, catalog } = deps;
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const now = clock.now();
  if (!(input.minutes > 0) || input.minutes > MAX_TOIL_MINUTES) {
    throw invalid('the duration is out of range', [
      { path: 'minutes', message: `toil is more than 0 and at most ${MAX_TOIL_MINUTES} minutes` },
    ]);
  }
  const at = input.atMs ?? now;
  if (at > now || at < now - MAX_LOG_LOOKBACK_MS) {
    throw invalid('the instant is out of range', [
      { path: 'at', message: `at must be in the last 90 days and not after now (${iso(now)})` },
    ]);
  }
  if (input.service !== undefined) {
    const known = catalog.service(input.service) ?? (await store.getService(input.service));
    if (known === undefined) {
      throw invalid('the service does not exist', [
        { path: 'service', message: `no service "${input.service}"` },
      ]);
    }
  }
  const person = await personOfEntry(store, principal, input.person);
  const team = await teamOfEntry(store, person, input.team);
  requireToilWriter(principal, person.name, team, `logging toil for ${person.name}`);
  const entry: ToilEntryRecord = {
    id: `toil_${randomBytes(8).toString('hex')}`,
    team,
    person: person.name,
    service: input.service ?? null,
    category: normaliseCategory(input.category ?? 'manual-ops'),
    minutes: input.minutes,
    at,
    description: input.description,
    createdBy: actorOf(principal),
    createdAt: now,
  };
  await store.transaction(async (tx) => {
    await tx.insertToilEntry(entry);
    await recordChange(tx, now, principal, {
      action: 'create',
      kind: 'ToilEntry',
      name: entry.id,
      before: null,
      after: entry,
    });
  });
  return toilEntryView(entry);
}

/**
 * Deletes a logged entry (one logged wrongly is deleted and logged again), under the
 * rule that logs it: the person, an editor of the entry's team, or an admin.
 */
export async function deleteToil(
  { store, clock }: AppDependencies,
  principal: Principal,
  id: string,
): Promise<void> {
  requireResponder(principal, 'delete toil');
  await store.transaction(async (tx) => {
    const before = await tx.getToilEntry(id);
    if (before === undefined) {
      throw notFound(`toil entry "${id}" (GET /api/v1/toil lists the entries and their ids)`);
    }
    requireToilWriter(principal, before.person, before.team, `deleting toil entry ${id}`);
    await tx.deleteToilEntry(id);
    await recordChange(tx, clock.now(), principal, {
      action: 'delete',
      kind: 'ToilEntry',
      name: id,
      before,
      after: null,
    });
  });
}

/** The person themselves (a token bound to them), an editor of the team, or an admin. */
function requireToilWriter(
  principal: Principal,
  person: string,
  team: string,
  action: string,
): void {
  if (principal.kind === 'token' && principal.user === person) return;
  if (mayEditTeam(principal, team)) return;
  throw forbidden(
    `${action} of team ${team} needs ${person}'s own token (a token bound to user ${person}), an editor token of team ${team}, or an admin token`,
  );
}

/** The named person, else the token's user; either must be a user. */
async function personOfEntry(
  store: Store,
  principal: Principal,
  named: string | undefined,
): Promise<UserRecord> {
  const name = named ?? (principal.kind === 'token' ? principal.user : null);
  if (name === null) {
    throw invalid('name the person who did the work', [
      {
        path: 'person',
        message: 'this token is bound to no user; name an existing user who did the work',
      },
    ]);
  }
  const user = await store.getUser(name);
  if (user === undefined) {
    throw invalid('the person is not a user', [
      {
        path: 'person',
        message: `no user "${name}"; name an existing user (GET /api/v1/users) or create the user first`,
      },
    ]);
  }
  return user;
}

/** The team given (it must exist and have the person), else the person's only team. */
async function teamOfEntry(
  store: Store,
  person: UserRecord,
  team: string | undefined,
): Promise<string> {
  const teams = person.teams;
  if (team !== undefined) {
    if ((await store.getTeam(team)) === undefined) {
      throw invalid('the team does not exist', [{ path: 'team', message: `no team "${team}"` }]);
    }
    if (!teams.includes(team)) {
      throw invalid('the person is not in the team', [
        {
          path: 'team',
          message: `${person.name} is not a member of team ${team} (${
            teams.length === 0 ? 'they are in no team' : `their teams: ${teams.join(', ')}`
          }); give one of their teams, or add them to ${team} first`,
        },
      ]);
    }
    return team;
  }
  const [only] = teams;
  if (teams.length === 1 && only !== undefined) return only;
  throw invalid('name the team the toil counts to', [
    {
      path: 'team',
      message:
        teams.length === 0
          ? `${person.name} is in no team; add them to the team first, then give the team`
          : `${person.name} is in ${teams.length} teams (${teams.join(', ')}); give the team`,
    },
  ]);
}

export async function listToil(
  deps: AppDependencies,
  principal: Principal,
  filter: {
    readonly team?: string | undefined;
    readonly person?: string | undefined;
    readonly fromMs?: number | undefined;
    readonly toMs?: number | undefined;
    readonly limit: number;
  },
): Promise<ToilEntryView[]> {
  requireReader(principal);
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.fromMs >= filter.toMs) {
    throw invalid('from must be before to', [{ path: 'from', message: 'from must be before to' }]);
  }
  const records = await deps.store.listToilEntries({
    ...(filter.team === undefined ? {} : { team: filter.team }),
    ...(filter.person === undefined ? {} : { person: filter.person }),
    ...(filter.fromMs === undefined ? {} : { fromMs: filter.fromMs }),
    ...(filter.toMs === undefined ? {} : { toMs: filter.toMs }),
    limit: filter.limit,
  });
  return records.map(toilEntryView);
}

export interface Period {
  readonly fromMs: number;
  readonly toMs: number;
}

/** [from, to): to defaults to now, from to 30 days before to; it must have begun. */
export function periodOf(
  deps: AppDependencies,
  fromMs: number | undefined,
  toMs: number | undefined,
): Period {
  const now = deps.clock.now();
  const to = toMs ?? now;
  const from = fromMs ?? to - DEFAULT_PERIOD_MS;
  if (from >= to)
    throw invalid('from must be before to', [{ path: 'from', message: 'from must be before to' }]);
  if (from >= now) {
    const message = `the period has not begun: from is after now (${new Date(now).toISOString()})`;
    throw invalid(message, [{ path: 'from', message }]);
  }
  if (to - from > MAX_PERIOD_MS) {
    throw invalid('the period is too long', [
      { path: 'from', message: `a period is at most ${MAX_PERIOD_MS / DAY_MS} days` },
    ]);
  }
  return { fromMs: from, toMs: to };
}

/** The team's toil in the period against its working time and the cap. */
export async function teamToilSummary(
  deps: AppDependencies,
  principal: Principal,
  team: string,
  query: {
    readonly fromMs?: number | undefined;
    readonly toMs?: number | undefined;
    readonly capPercent?: number | undefined;
  },
): Promise<ToilSummary> {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const record = await deps.store.getTeam(team);
  if (record === undefined) throw notFound(`team "${team}"`);
  const period = periodOf(deps, query.fromMs, query.toMs);
  const users = await deps.store.listUsers();
  return summaryOf(deps, record, period, users, query.capPercent);
}

/**
 * For the report: the same summary, the team already read and the users read. The cap
 * is the request's, else the team's own, else the default (`toilCap`).
 */
export async function summaryOf(
  deps: AppDependencies,
  team: TeamRecord,
  period: Period,
  users: readonly UserRecord[],
  requestedCapPercent: number | undefined,
): Promise<ToilSummary> {
  const entries = await toilEntries(deps, period, users);
  const cap = toilCap(requestedCapPercent, team.toilCapPercent);
  return toilSummary(entries, {
    team: team.name,
    fromMs: period.fromMs,
    toMs: period.toMs,
    working: { kind: 'calendar', people: teamCalendars(users, team.name) },
    workingUntilMs: deps.clock.now(),
    capPercent: cap.percent,
    capSource: cap.source,
  });
}

/**
 * The team's members on their own clocks: their own working and sleep hours, else
 * Mon–Fri 09:00–17:00 and 22:00–07:00, in their zone (an unknown zone is UTC).
 */
export function teamCalendars(users: readonly UserRecord[], team: string): PersonCalendar[] {
  return users.filter((user) => user.teams.includes(team)).map(personCalendar);
}

export function personCalendar(user: UserRecord): PersonCalendar {
  return {
    name: user.name,
    timeZone: resolveZone(user.timeZone).zone,
    workingHours: user.workingHours ?? DEFAULT_WORKING_HOURS,
    sleepHours: user.sleepHours ?? DEFAULT_SLEEP_HOURS,
  };
}

/**
 * Every team's toil that may touch the period: manual entries, acknowledged pages and
 * incident participation. All teams, because `toilSummary` counts a person's
 * overlapping page and incident minutes once across teams before it picks a team's.
 */
async function toilEntries(
  deps: AppDependencies,
  period: Period,
  users: readonly UserRecord[],
): Promise<ToilEntry[]> {
  const { store } = deps;
  const [manual, pages, incidents] = await Promise.all([
    store.listToilEntries({ fromMs: period.fromMs, toMs: period.toMs, limit: MAX_ROWS }),
    store.listPages({
      openedFrom: period.fromMs - PAGE_LOOKBACK_MS,
      openedTo: period.toMs,
      limit: MAX_ROWS,
    }),
    store.listIncidents({
      fromMs: period.fromMs - INCIDENT_LOOKBACK_MS,
      toMs: period.toMs,
      limit: MAX_ROWS,
    }),
  ]);
  const teamOfService = serviceTeams(deps);
  const untilMs = Math.min(period.toMs, deps.clock.now());
  const teamsOfPerson = new Map(users.map((user) => [user.name, user.teams]));
  const pageEntries = toilFromPages(
    (await Promise.all(pages.map((page) => pageForToil(page, teamOfService)))).flatMap(
      (page) => page ?? [],
    ),
    { untilMs, capMs: PAGE_TOIL_CAP_MS, teamsOfPerson },
  );
  const incidentEntries = toilFromIncidents(
    (
      await Promise.all(incidents.map((record) => incidentForToil(store, record, teamOfService)))
    ).flatMap((incident) => incident ?? []),
    { untilMs, teamsOfPerson },
  );
  return [...manual.map(manualEntry), ...pageEntries, ...incidentEntries];
}

type TeamOfService = (service: string) => Promise<string | undefined>;

function serviceTeams(deps: AppDependencies): TeamOfService {
  const known = new Map<string, Promise<string | undefined>>();
  return (service) => {
    let team = known.get(service);
    if (team === undefined) {
      const cataloged = deps.catalog.service(service)?.team;
      team =
        cataloged !== undefined
          ? Promise.resolve(cataloged)
          : deps.store.getService(service).then((record) => record?.team);
      known.set(service, team);
    }
    return team;
  };
}

/**
 * A page is owned by the team of its first service; the acknowledger's time counts to
 * their own team (core `teamOfWork`). A page acknowledged by a machine (the
 * integration or source that sent its alerts) cost no one's time.
 */
async function pageForToil(
  page: Page,
  teamOfService: TeamOfService,
): Promise<PageForToil | undefined> {
  const first = page.services[0];
  const by = page.acknowledgedBy;
  if (first === undefined || by === undefined) return undefined;
  if (page.alerts.some((alert) => alert.integration === by || alert.source === by)) {
    return undefined;
  }
  const team = await teamOfService(first);
  if (team === undefined) return undefined;
  return {
    id: page.id,
    services: page.services,
    team,
    acknowledgedAt: page.acknowledgedAt,
    acknowledgedBy: by,
    resolvedAt: page.resolvedAt,
  };
}

/**
 * The people of an incident: the declarer from the declaration on, and everyone who
 * held a role for as long as they held it (hand-overs from the folded role history).
 * Each person's time counts to their own team (core `teamOfWork`), preferring one of
 * the incident's.
 */
async function incidentForToil(
  store: Store,
  record: IncidentRecord,
  teamOfService: TeamOfService,
): Promise<IncidentForToil | undefined> {
  const incident = { ...(record.document as Incident), id: String(record.id) };
  const teams = [
    ...new Set(
      (await Promise.all(incident.services.map(teamOfService))).flatMap((team) => team ?? []),
    ),
  ];
  if (teams.length === 0) return undefined;
  const pages: Page[] = [];
  for (const pageId of incident.pageIds) {
    const page = await store.getPage(pageId);
    if (page !== undefined) pages.push(page);
  }
  const times = incidentTimes(incident, pages);
  const people: IncidentParticipant[] = [
    { person: incident.declaredBy, joinedAt: incident.declaredAt },
  ];
  for (const [index, change] of incident.roleHistory.entries()) {
    if (change.to === undefined) continue;
    const next = incident.roleHistory.slice(index + 1).find((later) => later.role === change.role);
    people.push({
      person: change.to,
      role: change.role,
      joinedAt: change.at,
      leftAt: next?.at,
    });
  }
  return {
    id: incident.id,
    teams,
    services: incident.services,
    people,
    startedAt: times.startedAt,
    resolvedAt: incident.resolvedAt,
  };
}

function manualEntry(record: ToilEntryRecord): ToilEntry {
  return {
    id: record.id,
    team: record.team,
    person: record.person,
    service: record.service ?? undefined,
    category: record.category,
    minutes: record.minutes,
    at: record.at,
    description: record.description,
    source: 'manual',
  };
}

function toilEntryView(record: ToilEntryRecord): ToilEntryView {
  return {
    id: record.id,
    team: record.team,
    person: record.person,
    service: record.service,
    category: record.category,
    minutes: record.minutes,
    at: iso(record.at),
    description: record.description,
    createdBy: record.createdBy,
    createdAt: iso(record.createdAt),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
