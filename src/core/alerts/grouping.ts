// Alerts -> pages. Related alerts of one service that arrive within a window fold into
// one page, so that a person is paged once per problem, not once per symptom; the same
// alert sent again is counted, not paged again. Pure: the caller stores the pages this
// returns and starts, acknowledges or resolves their escalation as the result says.
import { fnv1a64 } from './hash.js';
import {
  alertIdentity,
  moreSevere,
  type AlertBatch,
  type AlertLink,
  type AlertSeverity,
  type AlertSource,
  type IncomingAlert,
  type SenderGroupRef,
} from './incoming-alert.js';

/**
 * Alertmanager's default `group_interval`. Short on purpose: the window bounds how long
 * after a page opens a new alert may join it without paging anyone, and a page that
 * stays open for hours must not swallow the next, unrelated problem.
 */
export const DEFAULT_GROUPING_WINDOW_MS = 5 * 60_000;

export type PageAlertStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface PageAlert {
  /** `<page id>.<n>`: the n-th alert the page took in. */
  readonly id: string;
  /** `alertIdentity` of the alert: source, integration and dedup key. */
  readonly key: string;
  readonly source: AlertSource;
  readonly integration: string | undefined;
  readonly dedupKey: string;
  readonly senderGroup: string | undefined;
  /** See IncomingAlert.alertmanagerGroup; absent on alerts stored before it existed. */
  readonly alertmanagerGroup?: string | undefined;
  readonly status: PageAlertStatus;
  readonly summary: string;
  readonly severity: AlertSeverity;
  readonly service: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly runbookUrl: string | undefined;
  readonly links: readonly AlertLink[];
  readonly startsAt: number;
  readonly endsAt: number | undefined;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  /** Triggers received for this alert, the first included: repeats count here, they do not page. */
  readonly triggerCount: number;
  readonly acknowledgedAt: number | undefined;
  readonly resolvedAt: number | undefined;
}

export type PageStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface Page {
  readonly id: string;
  readonly status: PageStatus;
  readonly openedAt: number;
  /** The first alert's summary. */
  readonly summary: string;
  /** The most severe of its alerts, ever: a page does not calm down while open. */
  readonly severity: AlertSeverity;
  /** The services its alerts name, in order of arrival. */
  readonly services: readonly string[];
  readonly alerts: readonly PageAlert[];
  readonly acknowledgedAt: number | undefined;
  /** A person, or the integration whose source acknowledged every open alert. */
  readonly acknowledgedBy: string | undefined;
  readonly resolvedAt: number | undefined;
  readonly updatedAt: number;
}

export interface GroupingOptions {
  /**
   * How long after a page opens alerts of its services (or related ones) still join
   * it; alerts of a sender group on the page join it for as long as it is open.
   */
  readonly windowMs: number;
  /**
   * Services whose open pages an alert of `service` may join too, e.g. its critical
   * dependencies and dependants: an outage "in the cracks between services" becomes
   * one page that touches several teams. Default: none.
   */
  readonly relatedServices?: ((service: string) => readonly string[]) | undefined;
  /**
   * The id of a new page. Default: a hash of the first alert's identity and the instant,
   * which two instances handling the same event agree on.
   */
  readonly newPageId?: ((alert: IncomingAlert, atMs: number) => string) | undefined;
}

/**
 * - opened: a new page; start its escalation.
 * - attached: a new alert joined an open page; nobody is paged again for it.
 * - repeated: a trigger for an alert already open: counted, fields updated.
 * - acknowledged / resolved: the alert changed; see `pageAcknowledged` / `pageResolved`.
 * - dropped: an acknowledge or resolve for no open alert (PagerDuty drops those too).
 */
export type GroupDecision =
  'opened' | 'attached' | 'repeated' | 'acknowledged' | 'resolved' | 'dropped';

export interface GroupResult {
  readonly decision: GroupDecision;
  /** The page the alert landed on, as it is now; undefined when dropped. */
  readonly page: Page | undefined;
  readonly alert: PageAlert | undefined;
  /** The page became acknowledged now: stop its escalation. */
  readonly pageAcknowledged: boolean;
  /** The page resolved now (its last open alert resolved): close its escalation. */
  readonly pageResolved: boolean;
  /** The open pages after this alert; a resolved page leaves the list. */
  readonly openPages: readonly Page[];
}

/**
 * Where `alert`, arriving at `atMs`, goes among the open pages.
 *
 * Dedup: an open (triggered or acknowledged) alert with the same identity takes the
 * trigger as a repeat; after it resolved, a trigger is a new alert (PagerDuty: "a new
 * alert", never a re-open). Grouping: a new alert joins the open page that shares its
 * sender group, whatever its age (the user's Alertmanager `group_by` is respected);
 * else the open page, opened less than `windowMs` before and at least as severe as the
 * alert, of its service, else of a related service; the latest such page wins. An
 * alert more severe than those pages opens its own, which pages as usual. Alerts that
 * name no service and no sender group each get their own page:
 * nothing says they are related. An acknowledged page still takes new alerts (like
 * PagerDuty, it is not re-escalated for them): its responder is on the problem.
 */
export function groupInto(
  openPages: readonly Page[],
  alert: IncomingAlert,
  atMs: number,
  options: GroupingOptions,
): GroupResult {
  const pages = openPages.filter((page) => page.status !== 'resolved');
  const key = alertIdentity(alert);
  const found = findOpenAlert(pages, key);
  switch (alert.action) {
    case 'trigger':
      return found === undefined
        ? attachOrOpen(pages, alert, key, atMs, options)
        : repeat(pages, found, alert, atMs);
    case 'acknowledge':
      return found === undefined ? dropped(pages) : acknowledgeAlert(pages, found, alert, atMs);
    case 'resolve':
      return found === undefined ? dropped(pages) : resolveAlert(pages, found, alert, atMs);
  }
}

/**
 * The alerts of one message in order, then, when the message resolved the sender's
 * whole group, every alert of that group still open.
 */
export function groupBatch(
  openPages: readonly Page[],
  batch: AlertBatch,
  atMs: number,
  options: GroupingOptions,
): { readonly openPages: readonly Page[]; readonly results: readonly GroupResult[] } {
  let pages = openPages;
  const results: GroupResult[] = [];
  for (const alert of batch.alerts) {
    const result = groupInto(pages, alert, atMs, options);
    results.push(result);
    pages = result.openPages;
  }
  if (batch.resolvedGroup !== undefined) {
    for (const alert of openAlertsOfGroup(pages, batch.resolvedGroup)) {
      const result = groupInto(pages, resolveOf(alert, atMs), atMs, options);
      results.push(result);
      pages = result.openPages;
    }
  }
  return { openPages: pages, results };
}

/** A person acknowledges a page: every open alert on it too. Stop its escalation. */
export function acknowledgePage(
  openPages: readonly Page[],
  pageId: string,
  by: string,
  atMs: number,
): {
  readonly openPages: readonly Page[];
  readonly page: Page | undefined;
  readonly changed: boolean;
} {
  const index = openPages.findIndex((page) => page.id === pageId && page.status !== 'resolved');
  const page = openPages[index];
  if (page === undefined) return { openPages, page: undefined, changed: false };
  if (page.status === 'acknowledged') return { openPages, page, changed: false };
  const alerts = page.alerts.map((alert) =>
    alert.status === 'triggered'
      ? { ...alert, status: 'acknowledged' as const, acknowledgedAt: atMs }
      : alert,
  );
  const acknowledged: Page = {
    ...page,
    alerts,
    status: 'acknowledged',
    acknowledgedAt: atMs,
    acknowledgedBy: by,
    updatedAt: atMs,
  };
  return {
    openPages: replacePage(openPages, index, acknowledged),
    page: acknowledged,
    changed: true,
  };
}

/**
 * A person resolves a page: every alert on it resolves, and a later trigger from the
 * source opens a new alert (and page), as in PagerDuty.
 */
export function resolvePage(
  openPages: readonly Page[],
  pageId: string,
  atMs: number,
): {
  readonly openPages: readonly Page[];
  readonly page: Page | undefined;
  readonly changed: boolean;
} {
  const index = openPages.findIndex((page) => page.id === pageId && page.status !== 'resolved');
  const page = openPages[index];
  if (page === undefined) return { openPages, page: undefined, changed: false };
  const alerts = page.alerts.map((alert) =>
    alert.status === 'resolved'
      ? alert
      : { ...alert, status: 'resolved' as const, resolvedAt: atMs, endsAt: alert.endsAt ?? atMs },
  );
  const resolved: Page = { ...page, alerts, status: 'resolved', resolvedAt: atMs, updatedAt: atMs };
  return { openPages: replacePage(openPages, index, resolved), page: resolved, changed: true };
}

// ---------------------------------------------------------------------------

interface Found {
  readonly pageIndex: number;
  readonly alertIndex: number;
}

function findOpenAlert(pages: readonly Page[], key: string): Found | undefined {
  for (const [pageIndex, page] of pages.entries()) {
    const alertIndex = page.alerts.findIndex(
      (alert) => alert.key === key && alert.status !== 'resolved',
    );
    if (alertIndex >= 0) return { pageIndex, alertIndex };
  }
  return undefined;
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`no item at index ${index}`);
  return item;
}

/** Replaces the page at `index`; a resolved page leaves the open list. */
function replacePage(pages: readonly Page[], index: number, page: Page): Page[] {
  const next = [...pages];
  if (page.status === 'resolved') next.splice(index, 1);
  else next[index] = page;
  return next;
}

function withAlert(page: Page, alertIndex: number, alert: PageAlert, atMs: number): Page {
  const alerts = [...page.alerts];
  alerts[alertIndex] = alert;
  return { ...page, alerts, severity: moreSevere(page.severity, alert.severity), updatedAt: atMs };
}

function dropped(pages: readonly Page[]): GroupResult {
  return {
    decision: 'dropped',
    page: undefined,
    alert: undefined,
    pageAcknowledged: false,
    pageResolved: false,
    openPages: pages,
  };
}

function repeat(
  pages: readonly Page[],
  found: Found,
  incoming: IncomingAlert,
  atMs: number,
): GroupResult {
  const page = at(pages, found.pageIndex);
  const before = at(page.alerts, found.alertIndex);
  // A repeated trigger is an update: Alertmanager re-sends the group with new annotations.
  const alert: PageAlert = {
    ...before,
    summary: incoming.summary,
    severity: incoming.severity,
    labels: incoming.labels,
    annotations: incoming.annotations,
    runbookUrl: incoming.runbookUrl ?? before.runbookUrl,
    links: incoming.links.length > 0 ? incoming.links : before.links,
    lastSeenAt: atMs,
    triggerCount: before.triggerCount + 1,
  };
  const updated = withAlert(page, found.alertIndex, alert, atMs);
  return {
    decision: 'repeated',
    page: updated,
    alert,
    pageAcknowledged: false,
    pageResolved: false,
    openPages: replacePage(pages, found.pageIndex, updated),
  };
}

function acknowledgeAlert(
  pages: readonly Page[],
  found: Found,
  incoming: IncomingAlert,
  atMs: number,
): GroupResult {
  const page = at(pages, found.pageIndex);
  const before = at(page.alerts, found.alertIndex);
  if (before.status === 'acknowledged') {
    return {
      decision: 'acknowledged',
      page,
      alert: before,
      pageAcknowledged: false,
      pageResolved: false,
      openPages: pages,
    };
  }
  const alert: PageAlert = {
    ...before,
    status: 'acknowledged',
    acknowledgedAt: atMs,
    lastSeenAt: atMs,
  };
  const updated = settle(withAlert(page, found.alertIndex, alert, atMs), incoming, atMs);
  return {
    decision: 'acknowledged',
    page: updated,
    alert,
    pageAcknowledged: page.status === 'triggered' && updated.status === 'acknowledged',
    pageResolved: false,
    openPages: replacePage(pages, found.pageIndex, updated),
  };
}

function resolveAlert(
  pages: readonly Page[],
  found: Found,
  incoming: IncomingAlert,
  atMs: number,
): GroupResult {
  const page = at(pages, found.pageIndex);
  const before = at(page.alerts, found.alertIndex);
  const alert: PageAlert = {
    ...before,
    status: 'resolved',
    resolvedAt: atMs,
    endsAt: incoming.endsAt ?? atMs,
    lastSeenAt: atMs,
  };
  const updated = settle(withAlert(page, found.alertIndex, alert, atMs), incoming, atMs);
  return {
    decision: 'resolved',
    page: updated,
    alert,
    pageAcknowledged: page.status === 'triggered' && updated.status === 'acknowledged',
    pageResolved: updated.status === 'resolved',
    openPages: replacePage(pages, found.pageIndex, updated),
  };
}

/**
 * The page's state from its alerts: resolved when all are (auto-resolve); acknowledged
 * by the source when every alert still open is. A page a person acknowledged stays so.
 */
function settle(page: Page, incoming: IncomingAlert, atMs: number): Page {
  const open = page.alerts.filter((alert) => alert.status !== 'resolved');
  if (open.length === 0) return { ...page, status: 'resolved', resolvedAt: atMs };
  if (page.status === 'triggered' && open.every((alert) => alert.status === 'acknowledged')) {
    return {
      ...page,
      status: 'acknowledged',
      acknowledgedAt: atMs,
      acknowledgedBy: incoming.integration ?? incoming.source,
    };
  }
  return page;
}

function attachOrOpen(
  pages: readonly Page[],
  incoming: IncomingAlert,
  key: string,
  atMs: number,
  options: GroupingOptions,
): GroupResult {
  const index = pickPage(pages, incoming, atMs, options);
  const page = index === undefined ? undefined : pages[index];
  if (index === undefined || page === undefined) {
    const id = options.newPageId?.(incoming, atMs) ?? fnv1a64(`${key}@${atMs}`);
    const alert = newAlert(incoming, key, `${id}.1`, atMs);
    const opened: Page = {
      id,
      status: 'triggered',
      openedAt: atMs,
      summary: incoming.summary,
      severity: incoming.severity,
      services: incoming.service === undefined ? [] : [incoming.service],
      alerts: [alert],
      acknowledgedAt: undefined,
      acknowledgedBy: undefined,
      resolvedAt: undefined,
      updatedAt: atMs,
    };
    return {
      decision: 'opened',
      page: opened,
      alert,
      pageAcknowledged: false,
      pageResolved: false,
      openPages: [...pages, opened],
    };
  }
  const alert = newAlert(incoming, key, `${page.id}.${page.alerts.length + 1}`, atMs);
  const services =
    incoming.service === undefined || page.services.includes(incoming.service)
      ? page.services
      : [...page.services, incoming.service];
  const updated = withAlert({ ...page, services }, page.alerts.length, alert, atMs);
  return {
    decision: 'attached',
    page: updated,
    alert,
    pageAcknowledged: false,
    pageResolved: false,
    openPages: replacePage(pages, index, updated),
  };
}

/** The index of the page a new alert joins, or undefined for a new page. */
function pickPage(
  pages: readonly Page[],
  incoming: IncomingAlert,
  atMs: number,
  options: GroupingOptions,
): number | undefined {
  const { service } = incoming;
  const related = service === undefined ? [] : (options.relatedServices?.(service) ?? []);
  let best: { index: number; rank: number; page: Page } | undefined;
  for (const [index, page] of pages.entries()) {
    const rank = joinRank(page, incoming, related, atMs, options);
    if (rank === undefined) continue;
    if (
      best === undefined ||
      rank < best.rank ||
      (rank === best.rank &&
        (page.openedAt > best.page.openedAt ||
          (page.openedAt === best.page.openedAt && page.id < best.page.id)))
    ) {
      best = { index, rank, page };
    }
  }
  return best?.index;
}

/**
 * How closely a new alert belongs on an open page: 0 the sender's own group, 1 its
 * service, 2 a related service; undefined when it does not join that page.
 */
function joinRank(
  page: Page,
  incoming: IncomingAlert,
  related: readonly string[],
  atMs: number,
  options: GroupingOptions,
): number | undefined {
  const { service, senderGroup } = incoming;
  const sameSenderGroup =
    senderGroup !== undefined &&
    page.alerts.some(
      (alert) =>
        alert.senderGroup === senderGroup &&
        alert.source === incoming.source &&
        alert.integration === incoming.integration,
    );
  // An Alertmanager group sent both as a webhook and as PagerDuty events is one group,
  // though the channels disagree on severity (Alertmanager's PagerDuty default is
  // "error") and either may arrive first.
  const sameAlertmanagerGroup =
    incoming.alertmanagerGroup !== undefined &&
    page.alerts.some((alert) => alert.alertmanagerGroup === incoming.alertmanagerGroup);
  // The sender said these alerts are one problem: the group's page takes them for as
  // long as it is open, however old (Alertmanager re-sends a group for hours).
  if (sameSenderGroup || sameAlertmanagerGroup) return 0;
  // From here grouping only guesses that alerts are related: within the window, and
  // never by hiding a more severe alert on a calmer page, which would page no one for
  // it and have the page's notifications name the wrong alert.
  if (atMs - page.openedAt >= options.windowMs) return undefined;
  if (isMoreSevere(incoming.severity, page.severity)) return undefined;
  if (service !== undefined && page.services.includes(service)) return 1;
  if (related.some((name) => page.services.includes(name))) return 2;
  return undefined;
}

function isMoreSevere(severity: AlertSeverity, than: AlertSeverity): boolean {
  return severity !== than && moreSevere(severity, than) === severity;
}

function newAlert(incoming: IncomingAlert, key: string, id: string, atMs: number): PageAlert {
  return {
    id,
    key,
    source: incoming.source,
    integration: incoming.integration,
    dedupKey: incoming.dedupKey,
    senderGroup: incoming.senderGroup,
    alertmanagerGroup: incoming.alertmanagerGroup,
    status: 'triggered',
    summary: incoming.summary,
    severity: incoming.severity,
    service: incoming.service,
    labels: incoming.labels,
    annotations: incoming.annotations,
    runbookUrl: incoming.runbookUrl,
    links: incoming.links,
    startsAt: incoming.startsAt,
    endsAt: undefined,
    firstSeenAt: atMs,
    lastSeenAt: atMs,
    triggerCount: 1,
    acknowledgedAt: undefined,
    resolvedAt: undefined,
  };
}

function openAlertsOfGroup(pages: readonly Page[], group: SenderGroupRef): PageAlert[] {
  return pages.flatMap((page) =>
    page.alerts.filter(
      (alert) =>
        alert.status !== 'resolved' &&
        alert.senderGroup === group.senderGroup &&
        alert.source === group.source &&
        alert.integration === group.integration,
    ),
  );
}

/** A resolve for an alert already on a page, as if its sender had sent one. */
function resolveOf(alert: PageAlert, atMs: number): IncomingAlert {
  return {
    source: alert.source,
    integration: alert.integration,
    dedupKey: alert.dedupKey,
    senderGroup: alert.senderGroup,
    alertmanagerGroup: alert.alertmanagerGroup,
    action: 'resolve',
    summary: alert.summary,
    severity: alert.severity,
    service: alert.service,
    labels: alert.labels,
    annotations: alert.annotations,
    runbookUrl: alert.runbookUrl,
    startsAt: alert.startsAt,
    endsAt: atMs,
    links: alert.links,
  };
}
