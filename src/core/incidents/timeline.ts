// One timeline of an incident: what people wrote on it, and what Headroom saw
// elsewhere around it (pages and their alerts, deploys and rollbacks, burn-rate
// alerts). The postmortem's first draft, and the answer to "what changed just before".
// Which facts belong to an incident (its services, a window around it) is the
// caller's choice: everything passed in is placed.
import { INCIDENT_ROLE_LABELS, type IncidentEvent, type IncidentRole } from './model.js';

export interface TimelineAlert {
  readonly summary: string;
  /** Where it came from: alertmanager, pagerduty, webhook, burn-alert. */
  readonly source: string;
  /** When its condition began, as its sender said; else the page's opening stands for it. */
  readonly startsAt?: number | undefined;
}

export interface TimelinePage {
  readonly id: string;
  readonly summary: string;
  readonly services: readonly string[];
  readonly openedAt: number;
  readonly acknowledgedAt?: number | undefined;
  readonly acknowledgedBy?: string | undefined;
  readonly resolvedAt?: number | undefined;
  readonly alerts: readonly TimelineAlert[];
}

export type TimelineDeployStatus = 'started' | 'finished' | 'failed' | 'rolled_back';

export interface TimelineDeploy {
  readonly id: string;
  readonly service: string;
  readonly version?: string | undefined;
  readonly commit?: string | undefined;
  readonly status: TimelineDeployStatus;
  readonly at: number;
  readonly actor?: string | undefined;
  /** A deploy labelled `rollback` is a rollback, as the deploy gate counts it. */
  readonly labels: readonly string[];
}

export interface TimelineBurnAlert {
  readonly slo: string;
  readonly service: string;
  readonly severity: 'page' | 'ticket';
  readonly event: 'started' | 'resolved';
  readonly at: number;
  readonly burnRate?: number | undefined;
}

export interface TimelineFacts {
  readonly pages: readonly TimelinePage[];
  readonly deploys: readonly TimelineDeploy[];
  readonly burnAlerts: readonly TimelineBurnAlert[];
}

export type TimelineSource = 'incident' | 'page' | 'alert' | 'deploy' | 'burn-alert';

export interface TimelineEntry {
  readonly at: number;
  readonly source: TimelineSource;
  /** What happened, for filtering and icons: e.g. `page-acknowledged`, `role-handed-over`. */
  readonly kind: string;
  /** One readable line. */
  readonly text: string;
  readonly actor?: string | undefined;
  /** The page, deploy or SLO the entry is about. */
  readonly ref?: string | undefined;
}

/**
 * Every entry, ordered by instant. At one millisecond, facts come before the
 * incident's own entries, in causal order (a deploy, then the burn alert and the
 * alert it set off, then the page they opened), because the incident's entries are
 * people reacting to them. The incident's own entries never change order among
 * themselves: one stored with an earlier instant than the one before it (clocks of
 * two instances) is placed as if at that one's instant, keeping its own `at`.
 */
export function buildTimeline(
  events: readonly IncidentEvent[],
  facts: TimelineFacts,
): TimelineEntry[] {
  const placed: Placed[] = [];
  const place = (entry: TimelineEntry, sortAt = entry.at) => {
    placed.push({ entry, sortAt, rank: SOURCE_RANK[entry.source], seq: placed.length });
  };
  for (const deploy of facts.deploys) place(deployEntry(deploy));
  for (const alert of facts.burnAlerts) place(burnAlertEntry(alert));
  for (const page of facts.pages) for (const entry of pageEntries(page)) place(entry);
  const summaries = new Map(facts.pages.map((page) => [page.id, page.summary]));
  let latest = Number.NEGATIVE_INFINITY;
  for (const entry of incidentEntries(events, summaries)) {
    latest = Math.max(latest, entry.at);
    place(entry, latest);
  }
  placed.sort((a, b) => a.sortAt - b.sortAt || a.rank - b.rank || a.seq - b.seq);
  return placed.map((item) => item.entry);
}

// ---------------------------------------------------------------------------

interface Placed {
  readonly entry: TimelineEntry;
  readonly sortAt: number;
  readonly rank: number;
  readonly seq: number;
}

const SOURCE_RANK: Readonly<Record<TimelineSource, number>> = {
  deploy: 0,
  'burn-alert': 1,
  alert: 2,
  page: 3,
  incident: 4,
};

function pageEntries(page: TimelinePage): TimelineEntry[] {
  const about = ` (${page.summary})`;
  const entries: TimelineEntry[] = page.alerts.map((alert) => ({
    at: alert.startsAt ?? page.openedAt,
    source: 'alert',
    kind: 'alert-started',
    text: `Alert started: ${alert.summary} (${alert.source})`,
    ref: page.id,
  }));
  const services = page.services.length === 0 ? '' : ` on ${page.services.join(', ')}`;
  entries.push({
    at: page.openedAt,
    source: 'page',
    kind: 'page-opened',
    text: `Page opened${services}: ${page.summary}`,
    ref: page.id,
  });
  if (page.acknowledgedAt !== undefined) {
    const by = page.acknowledgedBy === undefined ? '' : ` by ${page.acknowledgedBy}`;
    entries.push({
      at: page.acknowledgedAt,
      source: 'page',
      kind: 'page-acknowledged',
      text: `Page acknowledged${by}${about}`,
      actor: page.acknowledgedBy,
      ref: page.id,
    });
  }
  if (page.resolvedAt !== undefined) {
    entries.push({
      at: page.resolvedAt,
      source: 'page',
      kind: 'page-resolved',
      text: `Page resolved${about}`,
      ref: page.id,
    });
  }
  return entries;
}

function deployEntry(deploy: TimelineDeploy): TimelineEntry {
  const what = deploy.version ?? deploy.commit?.slice(0, 7);
  const by = deploy.actor === undefined ? '' : ` by ${deploy.actor}`;
  const rollback = deploy.labels.includes('rollback');
  let kind: string;
  let text: string;
  if (deploy.status === 'rolled_back') {
    kind = 'deploy-rolled-back';
    text = `Deploy of ${deploy.service}${what === undefined ? '' : ` ${what}`} rolled back${by}`;
  } else if (rollback) {
    kind = `rollback-${deploy.status}`;
    text = `Rollback of ${deploy.service}${what === undefined ? '' : ` to ${what}`} ${deploy.status}${by}`;
  } else {
    kind = `deploy-${deploy.status}`;
    text = `Deploy of ${deploy.service}${what === undefined ? '' : ` ${what}`} ${deploy.status}${by}`;
  }
  return { at: deploy.at, source: 'deploy', kind, text, actor: deploy.actor, ref: deploy.id };
}

function burnAlertEntry(alert: TimelineBurnAlert): TimelineEntry {
  const rate =
    alert.event === 'started' && alert.burnRate !== undefined
      ? `, burning the error budget ${Math.round(alert.burnRate * 10) / 10}× as fast as allowed`
      : '';
  return {
    at: alert.at,
    source: 'burn-alert',
    kind: `burn-alert-${alert.event}`,
    text: `Burn-rate ${alert.severity} alert ${alert.event} for SLO ${alert.slo} of ${alert.service}${rate}`,
    ref: alert.slo,
  };
}

/** The incident's events as entries; texts that say "from" need the state before each event. */
function incidentEntries(
  events: readonly IncidentEvent[],
  pageSummaries: ReadonlyMap<string, string>,
): TimelineEntry[] {
  let status = 'investigating';
  let severity = '';
  let title = '';
  let services: readonly string[] = [];
  const holders = new Map<IncidentRole, string>();
  return events.map((event): TimelineEntry => {
    const entry = (kind: string, text: string, ref?: string): TimelineEntry => ({
      at: event.at,
      source: 'incident',
      kind,
      text,
      actor: event.by,
      ref,
    });
    switch (event.type) {
      case 'declared': {
        ({ severity, title, services } = event);
        if (event.commander !== undefined) holders.set('commander', event.commander);
        const summary = event.summary === undefined ? '' : `: ${event.summary}`;
        const since = event.startedAt === undefined ? '' : `; impact since ${iso(event.startedAt)}`;
        const commander =
          event.commander === undefined
            ? ''
            : `; ${event.commander} is ${INCIDENT_ROLE_LABELS.commander}`;
        return entry(
          'declared',
          `${event.by} declared ${severity} "${title}" on ${services.join(', ')}${summary}${since}${commander}`,
        );
      }
      case 'status': {
        const before = status;
        status = event.status;
        const message = event.message === undefined ? '' : `: ${event.message}`;
        if (before === event.status) {
          return entry('update', `${event.by} posted an update (${status})${message}`);
        }
        if (event.status === 'resolved') {
          return entry('resolved', `${event.by} resolved the incident${message}`);
        }
        if (before === 'resolved') {
          return entry('reopened', `${event.by} reopened the incident (${status})${message}`);
        }
        return entry('status-changed', `${event.by} changed the status to ${status}${message}`);
      }
      case 'update':
        return entry('update', `${event.by} posted an update (${status}): ${event.message}`);
      case 'severity': {
        const before = severity;
        severity = event.severity;
        return entry(
          'severity-changed',
          `${event.by} changed the severity from ${before} to ${severity}`,
        );
      }
      case 'title': {
        const before = title;
        title = event.title;
        return entry(
          'title-changed',
          `${event.by} renamed the incident to "${title}" (was "${before}")`,
        );
      }
      case 'role': {
        const from = holders.get(event.role);
        const label = INCIDENT_ROLE_LABELS[event.role];
        if (event.person === undefined) {
          holders.delete(event.role);
          const by = event.by === from ? '' : ` (released by ${event.by})`;
          return entry('role-released', `${from ?? 'nobody'} stepped down as ${label}${by}`);
        }
        holders.set(event.role, event.person);
        const by = event.by === event.person ? '' : ` (assigned by ${event.by})`;
        return from === undefined
          ? entry('role-assigned', `${event.person} is now ${label}${by}`)
          : entry('role-handed-over', `${event.person} took over as ${label} from ${from}${by}`);
      }
      case 'services': {
        const parts: string[] = [];
        if (event.added.length > 0) parts.push(`added ${event.added.join(', ')}`);
        if (event.removed.length > 0) parts.push(`removed ${event.removed.join(', ')}`);
        services = [...services.filter((s) => !event.removed.includes(s)), ...event.added];
        return entry(
          'services-changed',
          `${event.by} ${parts.join(' and ')} (impacted: ${services.join(', ')})`,
        );
      }
      case 'note':
        return entry('note', `${event.by} noted: ${event.text}`);
      case 'page-linked': {
        const summary = pageSummaries.get(event.pageId);
        const about = summary === undefined ? '' : ` (${summary})`;
        return entry(
          'page-linked',
          `${event.by} linked page ${event.pageId}${about}`,
          event.pageId,
        );
      }
      case 'times': {
        const parts: string[] = [];
        if (event.startedAt !== undefined)
          parts.push(`the impact start to ${iso(event.startedAt)}`);
        if (event.mitigatedAt !== undefined) {
          parts.push(`the mitigation to ${iso(event.mitigatedAt)}`);
        }
        return entry('times-corrected', `${event.by} corrected ${parts.join(' and ')}`);
      }
    }
  });
}

/** UTC, to the second when the milliseconds are zero: instants people typed. */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
