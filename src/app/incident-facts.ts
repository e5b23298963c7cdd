// What Headroom saw around an incident, read from the rest of the store: pages and
// their alerts, deploys and rollbacks, burn-rate alerts; and what the incident cost
// each SLO of its services.
import type { Page } from '../core/alerts/grouping.js';
import type { Incident, IncidentEvent } from '../core/incidents/model.js';
import {
  buildTimeline,
  type TimelineBurnAlert,
  type TimelineDeploy,
  type TimelineEntry,
  type TimelineFacts,
  type TimelinePage,
} from '../core/incidents/timeline.js';
import { budgetSpentBetween } from '../core/slo/evaluate.js';
import { fractionValue } from '../core/slo/fraction.js';
import type { DeployRecord } from './ports/records.js';
import { readsElsewhere, type AppDependencies } from './ports/slo-catalog.js';
import { statusesOf } from './slo-status.js';

/** The timeline starts this long before the impact: the change that set it off is in view. */
export const TIMELINE_LEAD_MS = 60 * 60_000;
/** Most facts of one kind a timeline holds. */
const MAX_FACTS = 1000;

export interface IncidentWindow {
  readonly fromMs: number;
  /** The resolution, or now for an open incident. */
  readonly toMs: number;
  readonly complete: boolean;
}

export function incidentWindow(
  deps: AppDependencies,
  incident: Pick<Incident, 'resolvedAt'>,
  startedAt: number,
): IncidentWindow {
  const toMs = incident.resolvedAt ?? deps.clock.now();
  return {
    fromMs: startedAt,
    toMs: Math.max(startedAt, toMs),
    complete: incident.resolvedAt !== undefined,
  };
}

/** Pages, deploys and burn alerts of the incident's services from an hour before its start to its end. */
export async function timelineFacts(
  deps: AppDependencies,
  incident: Incident,
  linked: readonly Page[],
  window: IncidentWindow,
): Promise<TimelineFacts> {
  const { store } = deps;
  const from = window.fromMs - TIMELINE_LEAD_MS;
  const to = window.toMs + 1;
  const services = new Set(incident.services);
  const around = await store.listPages({ openedFrom: from, openedTo: to, limit: MAX_FACTS });
  const pages = new Map<string, Page>();
  for (const page of linked) pages.set(page.id, page);
  for (const page of around) {
    if (page.services.some((service) => services.has(service))) pages.set(page.id, page);
  }
  const deploys: DeployRecord[] = [];
  const burnAlerts: TimelineBurnAlert[] = [];
  for (const service of services) {
    deploys.push(
      ...(await store.listDeploys({ service, fromMs: from, toMs: to, limit: MAX_FACTS })),
    );
    const transitions = await store.listAlertTransitions({
      service,
      fromMs: from,
      toMs: to,
      limit: MAX_FACTS,
    });
    // Each severity has two rules (a fast and a slow burn); at one instant the timeline
    // says once that the severity started or stopped, with the faster burn rate.
    const seen = new Set<string>();
    const sorted = [...transitions].sort(
      (a, b) => (b.numbers.longBurnRate ?? 0) - (a.numbers.longBurnRate ?? 0),
    );
    for (const transition of sorted) {
      if (transition.severity !== 'page' && transition.severity !== 'ticket') continue;
      const key = `${transition.slo}\u0000${transition.severity}\u0000${transition.transition}\u0000${String(transition.at)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      burnAlerts.push({
        slo: transition.slo,
        service: transition.service,
        severity: transition.severity,
        event: transition.transition,
        at: transition.at,
        burnRate: transition.numbers.longBurnRate ?? undefined,
      });
    }
  }
  return {
    pages: [...pages.values()].map(timelinePage),
    deploys: deploys.map(timelineDeploy),
    burnAlerts,
  };
}

export function incidentTimeline(
  events: readonly IncidentEvent[],
  facts: TimelineFacts,
): TimelineEntry[] {
  return buildTimeline(events, facts);
}

/** Deploys of the incident's services in the `lookbackMs` before its start, oldest first. */
export async function deploysBefore(
  deps: AppDependencies,
  services: readonly string[],
  startedAt: number,
  lookbackMs: number,
): Promise<DeployRecord[]> {
  const deploys: DeployRecord[] = [];
  for (const service of new Set(services)) {
    deploys.push(
      ...(await deps.store.listDeploys({
        service,
        fromMs: startedAt - lookbackMs,
        toMs: startedAt + 1,
        limit: MAX_FACTS,
      })),
    );
  }
  return deploys.sort((a, b) => a.at - b.at);
}

export interface SloBudgetImpact {
  readonly slo: string;
  readonly service: string;
  readonly objectivePercent: number;
  readonly method: 'exact' | 'remaining-difference';
  readonly events: { readonly good: number; readonly bad: number; readonly total: number } | null;
  readonly budgetConsumed: number | null;
  readonly burnRate: number | null;
  readonly remainingAtEnd: number | null;
}

/**
 * For every SLO of the impacted services, the budget the incident consumed. SLOs fed by
 * pushed events are counted exactly over the incident's minutes; those read from
 * Prometheus by the remaining budget at both ends, which is what can be read there.
 */
export async function budgetImpact(
  deps: AppDependencies,
  services: readonly string[],
  window: IncidentWindow,
): Promise<SloBudgetImpact[]> {
  const impacts: SloBudgetImpact[] = [];
  for (const service of new Set(services)) {
    const entries = deps.catalog.slosOf(service);
    if (entries.length === 0) continue;
    const atEnd = await statusesOf(deps, entries, window.toMs);
    const elsewhere = entries.filter(readsElsewhere);
    const atStart = elsewhere.length === 0 ? [] : await statusesOf(deps, elsewhere, window.fromMs);
    for (const entry of entries) {
      const end = atEnd.find((status) => status.slo === entry.slo.name);
      const remainingAtEnd = end?.errorBudget.remaining ?? null;
      const objectivePercent = fractionValue(entry.slo.objective) * 100;
      if (!readsElsewhere(entry)) {
        const spent = budgetSpentBetween(entry.slo, entry.series, window.fromMs, window.toMs);
        impacts.push({
          slo: entry.slo.name,
          service,
          objectivePercent,
          method: 'exact',
          events: spent.events,
          budgetConsumed: spent.consumed,
          burnRate: spent.burnRate,
          remainingAtEnd,
        });
        continue;
      }
      const start = atStart.find((status) => status.slo === entry.slo.name);
      const known =
        start !== undefined &&
        end !== undefined &&
        start.source?.state !== 'unknown' &&
        end.source?.state !== 'unknown';
      impacts.push({
        slo: entry.slo.name,
        service,
        objectivePercent,
        method: 'remaining-difference',
        events: null,
        budgetConsumed: known ? start.errorBudget.remaining - end.errorBudget.remaining : null,
        burnRate: null,
        remainingAtEnd,
      });
    }
  }
  return impacts;
}

function timelinePage(page: Page): TimelinePage {
  return {
    id: page.id,
    summary: page.summary,
    services: page.services,
    openedAt: page.openedAt,
    acknowledgedAt: page.acknowledgedAt,
    acknowledgedBy: page.acknowledgedBy,
    resolvedAt: page.resolvedAt,
    alerts: page.alerts.map((alert) => ({
      summary: alert.summary,
      source: alert.source,
      startsAt: alert.startsAt,
    })),
  };
}

function timelineDeploy(deploy: DeployRecord): TimelineDeploy {
  return {
    id: deploy.id,
    service: deploy.service,
    version: deploy.version ?? undefined,
    commit: deploy.commit ?? undefined,
    status: deploy.status,
    at: deploy.at,
    actor: deploy.actor,
    labels: deploy.labels,
  };
}
