// The reliability report of a team for a period: gathered here from the store and the
// catalog, laid out by core/reports/report.ts (Markdown, HTML, JSON).
import { responseMetrics, type ResponseMetrics } from '../core/incidents/durations.js';
import { resolveZone } from '../core/postmortem/markdown.js';
import { budgetSpentBetween, evaluateSlo, sliBetween } from '../core/slo/evaluate.js';
import { lookbackMinutes } from '../core/slo/lookback.js';
import { createSeries, epochMinute } from '../core/slo/minute-series.js';
import type { SloStatus } from '../core/slo/status.js';
import type { ActionItem } from '../core/postmortem/action-items.js';
import {
  onCallLoad,
  type LoadPage,
  type PageNotification,
  type TeamOnCallLoad,
} from '../core/reports/oncall-load.js';
import {
  overdueAsOf,
  postmortemFigures,
  type BurnAlertCount,
  type IncidentFigures,
  type IncidentPostmortem,
  type PostmortemState,
  type ReliabilityReport,
  type ServiceReliability,
  type SloFigures,
} from '../core/reports/report.js';
import { changeFailure } from './deploys.js';
import { isIncidentResponsePageId, responseRows } from './incidents.js';
import { invalid, notFound } from './errors.js';
import { actionItemOf } from './postmortems.js';
import type { IncidentRecord, NotificationRecord, UserRecord } from './ports/records.js';
import { readsElsewhere, type AppDependencies, type LiveSlo } from './ports/slo-catalog.js';
import { requireReader, type Principal } from './principal.js';
import { statusesOf } from './slo-status.js';
import { teamServiceNames } from './teams.js';
import { periodOf, summaryOf, teamCalendars, type Period } from './toil.js';

const CATALOG_FRESHNESS_MS = 250;
const MINUTE_MS = 60_000;
const MAX_ROWS = 100_000;
const DECISION_BATCH = 1_000;
/** A page-level burn alert or an incident this soon after a change is blamed on it (the latest one). */
export const CHANGE_FAILURE_WITHIN_MINUTES = 60;
/** Incidents whose page opened before their recorded start may have begun this much earlier. */
const INCIDENT_START_SLACK_MS = 24 * 60 * 60_000;

export interface ReportQuery {
  readonly team: string;
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  /** IANA zone the report's dates are shown in; default UTC. */
  readonly zone?: string | undefined;
  readonly capPercent?: number | undefined;
}

export async function reliabilityReport(
  deps: AppDependencies,
  principal: Principal,
  query: ReportQuery,
): Promise<ReliabilityReport> {
  requireReader(principal);
  const { store, catalog, clock } = deps;
  if (query.zone !== undefined && !resolveZone(query.zone).known) {
    throw invalid('the zone is unknown', [
      {
        path: 'zone',
        message: `"${query.zone}" is not an IANA time zone; give one such as Europe/Amsterdam or America/New_York, or leave it out for UTC`,
      },
    ]);
  }
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const { team } = query;
  const teamRecord = await store.getTeam(team);
  if (teamRecord === undefined) throw notFound(`team "${team}"`);
  const period = periodOf(deps, query.fromMs, query.toMs);
  const generatedAt = clock.now();
  const services = await teamServiceNames(deps, team);
  const users = await store.listUsers();
  const incidents = await store.listIncidents({
    fromMs: period.fromMs - INCIDENT_START_SLACK_MS,
    toMs: period.toMs,
    limit: MAX_ROWS,
  });
  const incidentRows = await responseRows(store, incidents);
  const overdueItems = await teamActionItems(deps, team, incidents);
  const covered = new Set(services);
  const reliability: ServiceReliability[] = [];
  for (const service of services) {
    // An action item is shown under the first of its incident's services the report covers.
    const items = overdueItems
      .filter((entry) => entry.services.find((each) => covered.has(each)) === service)
      .map((entry) => entry.item);
    reliability.push(
      await serviceReliability(deps, principal, service, period, generatedAt, incidentRows, items),
    );
  }
  const [teamIncidents] = responseMetrics(
    incidentRows,
    (service) => (covered.has(service) ? [team] : []),
    period.fromMs,
    period.toMs,
  );
  return {
    team,
    period,
    zone: query.zone ?? 'UTC',
    generatedAt,
    services: reliability,
    incidents: incidentFigures(teamIncidents),
    toil: await summaryOf(deps, teamRecord, period, users, query.capPercent),
    onCall: await teamOnCallLoad(deps, team, period, users, covered),
    people: teamCalendars(users, team),
    changeFailureWithinMinutes: CHANGE_FAILURE_WITHIN_MINUTES,
  };
}

type IncidentRow = Awaited<ReturnType<typeof responseRows>>[number];

/**
 * The action items the team owns, and those of incidents the period's rows name, open
 * or closed (one closed after the period's end was still open at it), each with the
 * incident it follows up (for the service it is shown under).
 */
async function teamActionItems(
  deps: AppDependencies,
  team: string,
  incidents: readonly IncidentRecord[],
): Promise<{ item: ActionItem; services: readonly string[] }[]> {
  const { store } = deps;
  const records = new Map(
    (await store.listActionItems({ team, limit: MAX_ROWS })).map((item) => [item.id, item]),
  );
  for (const incident of incidents) {
    for (const item of await store.listActionItems({ incidentId: incident.id, limit: MAX_ROWS })) {
      records.set(item.id, item);
    }
  }
  const servicesOf = new Map(incidents.map((incident) => [incident.id, incident.services]));
  const result: { item: ActionItem; services: readonly string[] }[] = [];
  for (const record of records.values()) {
    let services = servicesOf.get(record.incidentId);
    if (services === undefined) {
      services = (await store.getIncident(record.incidentId))?.services ?? [];
      servicesOf.set(record.incidentId, services);
    }
    result.push({ item: actionItemOf(record), services });
  }
  return result;
}

/**
 * One SLO's figures. Counted SLOs are read back from the event table over the period
 * and the window that ends with it, not from the catalog's series: those keep only
 * what the windows still reach, and a report may look further back.
 */
async function sloFigures(
  deps: AppDependencies,
  entry: LiveSlo,
  reported: Period,
  generatedAt: number,
): Promise<SloFigures> {
  const { slo } = entry;
  const objective = slo.objective.numerator / slo.objective.denominator;
  // A period that has not ended yet is measured up to now: a window ending in the future
  // has already let go of events at its start that still count today.
  const period = { fromMs: reported.fromMs, toMs: Math.min(reported.toMs, generatedAt) };
  if (period.toMs <= period.fromMs) {
    const none = { sli: undefined, budgetRemaining: undefined, budgetSpent: undefined };
    return { name: slo.name, objective, sliBasis: 'period', ...none };
  }
  if (readsElsewhere(entry)) {
    const [atStart, atEnd] = await Promise.all([
      statusesOf(deps, [entry], period.fromMs),
      statusesOf(deps, [entry], period.toMs),
    ]);
    const remaining = (status: SloStatus | undefined) =>
      status === undefined || status.sli === null || status.source?.state === 'unknown'
        ? undefined
        : status.errorBudget.remaining;
    const start = remaining(atStart[0]);
    const end = remaining(atEnd[0]);
    return {
      name: slo.name,
      objective,
      sli: end === undefined ? undefined : (atEnd[0]?.sli ?? undefined),
      sliBasis: 'window',
      budgetRemaining: end,
      budgetSpent: start === undefined || end === undefined ? undefined : start - end,
    };
  }
  const fromMinute = Math.min(
    epochMinute(period.fromMs),
    Math.ceil(period.toMs / MINUTE_MS) - lookbackMinutes(slo),
  );
  const series = createSeries(slo);
  for (const counts of await deps.store.sumEventCounts(
    entry.id,
    fromMinute,
    Number.MAX_SAFE_INTEGER,
  ))
    series.add(counts.minute, counts.good, counts.total);
  const over = sliBetween(slo, series, period.fromMs, period.toMs);
  const atEnd = evaluateSlo(slo, series, period.toMs);
  const known = atEnd.sli !== null;
  return {
    name: slo.name,
    objective,
    sli: over?.sli,
    sliBasis: 'period',
    budgetRemaining: known ? atEnd.errorBudget.remaining : undefined,
    budgetSpent: known
      ? budgetSpentBetween(slo, series, period.fromMs, period.toMs).consumed
      : undefined,
  };
}

async function serviceReliability(
  deps: AppDependencies,
  principal: Principal,
  service: string,
  period: Period,
  generatedAt: number,
  incidentRows: readonly IncidentRow[],
  actionItems: readonly ActionItem[],
): Promise<ServiceReliability> {
  const { store, catalog } = deps;
  const slos: SloFigures[] = [];
  for (const entry of catalog.slosOf(service)) {
    slos.push(await sloFigures(deps, entry, period, generatedAt));
  }

  const transitions = await store.listAlertTransitions({
    service,
    transition: 'started',
    fromMs: period.fromMs,
    toMs: period.toMs,
    limit: MAX_ROWS,
  });
  const bySeverity = new Map<string, number>();
  for (const transition of transitions) {
    bySeverity.set(transition.severity, (bySeverity.get(transition.severity) ?? 0) + 1);
  }
  const burnAlerts: BurnAlertCount[] = [...bySeverity].map(([severity, count]) => ({
    severity,
    count,
  }));

  const [metrics] = responseMetrics(
    incidentRows,
    (each) => (each === service ? [service] : []),
    period.fromMs,
    period.toMs,
  );
  const inPeriod = incidentRows.filter(
    (row) =>
      row.services.includes(service) &&
      row.startedAt >= period.fromMs &&
      row.startedAt < period.toMs,
  );
  const postmortems: IncidentPostmortem[] = [];
  for (const row of inPeriod) {
    const postmortem = await store.getPostmortem(row.record.id);
    const state: PostmortemState =
      postmortem === undefined
        ? 'none'
        : postmortem.status === 'published'
          ? 'published'
          : 'in-progress';
    postmortems.push({
      id: `INC-${row.incidentId}`,
      severity: row.record.severity,
      postmortem: state,
    });
  }
  const change = await changeFailure(deps, principal, service, {
    fromMs: period.fromMs,
    toMs: period.toMs,
    withinMinutes: CHANGE_FAILURE_WITHIN_MINUTES,
  });
  return {
    service,
    slos,
    burnAlerts,
    incidents: incidentFigures(metrics),
    postmortems: postmortemFigures(postmortems, actionItems, overdueAsOf({ period, generatedAt })),
    changes: {
      deploys: change.deploys,
      failedDeploys: change.failed,
      failedToDeploy: change.failedToDeploy,
      gateDenials: await gateDenials(deps, service, period),
    },
  };
}

function incidentFigures(metrics: ResponseMetrics | undefined): IncidentFigures {
  return {
    count: metrics?.count ?? 0,
    open: metrics?.open ?? 0,
    mttaMs: metrics?.mttaMs,
    mttrMs: metrics?.mttrMs,
  };
}

/** Gate checks of the service refused in the period, read newest first until before it. */
async function gateDenials(
  deps: AppDependencies,
  service: string,
  period: Period,
): Promise<number> {
  let denials = 0;
  let before: string | undefined;
  for (;;) {
    const batch = await deps.store.listDeployDecisions({
      service,
      ...(before === undefined ? {} : { before }),
      limit: DECISION_BATCH,
    });
    for (const decision of batch) {
      if (!decision.allowed && decision.at >= period.fromMs && decision.at < period.toMs) {
        denials += 1;
      }
    }
    const last = batch[batch.length - 1];
    // Decisions are written in the order they were taken, give or take a batch.
    if (last === undefined || batch.length < DECISION_BATCH || last.at < period.fromMs - 60_000) {
      return denials;
    }
    before = last.id;
  }
}

/**
 * Pages opened this long before a period may still notify people in it (escalations
 * and repeats): load is selected by notification time, not by when the page opened.
 */
const NOTIFICATION_LOOKBACK_MS = 7 * 24 * 60 * 60_000;

/**
 * What on-call cost the team's people: the e-mails that announced a page to them
 * (first notification, escalation, repeat; not "resolved") delivered in the period,
 * by their address and delivery time, whenever the page opened. An announcement given
 * up on woke no one: it is counted as undelivered only. A page is justified by an
 * SLO burn when one of its alerts is a burn-rate alert, and critical when its
 * severity is.
 */
export async function teamOnCallLoad(
  deps: AppDependencies,
  team: string,
  period: Period,
  users: readonly UserRecord[],
  teamServices: ReadonlySet<string>,
): Promise<TeamOnCallLoad> {
  const byEmail = new Map<string, string>();
  for (const user of users) {
    if (user.email !== null) byEmail.set(user.email.trim().toLowerCase(), user.name);
  }
  const pages = await deps.store.listPages({
    openedFrom: period.fromMs - NOTIFICATION_LOOKBACK_MS,
    openedTo: period.toMs,
    limit: MAX_ROWS,
  });
  const loadPages: LoadPage[] = [];
  for (const page of pages) {
    const notifiedPeople: PageNotification[] = [];
    const undelivered: PageNotification[] = [];
    for (const notification of await deps.store.listNotifications(page.id)) {
      if (!announcesPage(notification)) continue;
      const person = byEmail.get(addressOf(notification.destination));
      if (person === undefined) continue;
      if (notification.sentAt !== null) {
        notifiedPeople.push({ person, at: notification.sentAt });
      } else if (notification.status === 'failed') {
        undelivered.push({ person, at: notification.createdAt });
      }
    }
    // A page on one of the team's services is the team's: counted as opened even when
    // it reached none of its people. An incident's response page is the incident
    // response rotation's, whose commanders are rarely of the team: it counts only
    // where it notified someone.
    const ours =
      !isIncidentResponsePageId(page.id) &&
      page.services.some((service) => teamServices.has(service));
    if (notifiedPeople.length === 0 && undelivered.length === 0 && !ours) continue;
    loadPages.push({
      id: page.id,
      team: ours ? team : undefined,
      openedAt: page.openedAt,
      services: page.services,
      severity: page.severity,
      notifiedPeople,
      undelivered,
      justification: {
        sloBurn: page.alerts.some((alert) => alert.source === 'burn-rate'),
        critical: page.severity === 'critical',
      },
    });
  }
  return onCallLoad(loadPages, teamCalendars(users, team), {
    team,
    fromMs: period.fromMs,
    toMs: period.toMs,
  });
}

/**
 * An e-mail that tells a person a page wants them (app/paging.ts keys these
 * `<page>/<step>/<target>/email/<user>` or `<page>/incident-response/email/<user>`);
 * `<page>/resolved/email/<user>` says it is over and woke no one who mattered.
 */
function announcesPage(notification: NotificationRecord): boolean {
  return (
    notification.channel === 'email' &&
    !notification.key.startsWith(`${notification.pageId}/resolved/`)
  );
}

/** `Ada <ada@example.com>` and `ada@example.com` alike, lowercase. */
function addressOf(destination: string): string {
  const match = /<([^>]+)>/.exec(destination);
  return (match?.[1] ?? destination).trim().toLowerCase();
}
