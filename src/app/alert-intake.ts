// Alerts in: integrations (a secret key per sender), the three wire formats, and
// pages. A body is answered only after it and the pages it changed are committed, so
// a sender that got a 2xx never has to send again, and one that did not (a 5xx, a
// broken connection) may: a replay is deduplicated by the alerts' keys.
import { createHash } from 'node:crypto';
import {
  acknowledgePage,
  DEFAULT_GROUPING_WINDOW_MS,
  groupBatch,
  resolvePage,
  type GroupingOptions,
  type GroupResult,
  type Page,
} from '../core/alerts/grouping.js';
import {
  alertIdentity,
  type AlertBatch,
  type IncomingAlert,
  type SenderGroupRef,
} from '../core/alerts/incoming-alert.js';
import {
  alertKey,
  alertmanagerGroupKey,
  senderGroupKey,
  serviceKey,
} from '../core/alerts/page-keys.js';
import {
  normalizeAlertmanagerMessage,
  heartbeatDedupKey,
  normalizeBurnRateTransition,
  normalizeHeartbeatAlert,
  normalizePagerDutyEvent,
  normalizeWebhookAlert,
  type HeartbeatAlertInput,
  type NormalizeOptions,
} from '../core/alerts/normalize.js';
import type { AlertmanagerWebhook, PagerDutyEvent, WebhookAlert } from '../schema/alert-intake.js';
import { recordChange } from './audit.js';
import {
  followPage,
  linkIsValid,
  LINK_KEY_SETTING,
  raiseUrgencies,
  wakeForIncidentResponse,
  startEscalations,
} from './paging.js';
import { hashSecret, newIntegrationKey, newPublicId } from './credentials.js';
import { GroupCommit } from './group-commit.js';
import { AppError, invalid, notFound } from './errors.js';
import type { AlertIntegrationRecord, IntegrationKind } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';
import type { AlertTransition } from '../core/slo/alert-transitions.js';
import {
  personOf,
  requireReader,
  requireResponder,
  requireTeamEditor,
  type Principal,
} from './principal.js';
import { teamServiceNames } from './teams.js';

export async function createIntegration(
  { store, clock }: AppDependencies,
  principal: Principal,
  input: { readonly name: string; readonly kind: IntegrationKind; readonly service?: string },
): Promise<{ integration: AlertIntegrationRecord; key: string }> {
  return store.transaction(async (tx) => {
    let team: string | null = null;
    if (input.service !== undefined) {
      const service = await tx.getService(input.service);
      if (service === undefined) {
        throw invalid(`service "${input.service}" does not exist`, [
          { path: 'service', message: 'name an existing service, or leave it out' },
        ]);
      }
      team = service.team;
    }
    requireTeamEditor(principal, team, 'creating an alert integration');
    const now = clock.now();
    const key = newIntegrationKey();
    const integration: AlertIntegrationRecord = {
      id: newPublicId(),
      name: input.name,
      kind: input.kind,
      service: input.service ?? null,
      createdAt: now,
      revokedAt: null,
    };
    await tx.insertIntegration(integration, hashSecret(key));
    await recordChange(tx, now, principal, {
      action: 'create',
      kind: 'AlertIntegration',
      name: integration.id,
      before: null,
      after: integration,
    });
    return { integration, key };
  });
}

export async function listIntegrations(
  { store }: AppDependencies,
  principal: Principal,
): Promise<AlertIntegrationRecord[]> {
  requireReader(principal);
  return store.listIntegrations();
}

export async function revokeIntegration(
  { store, clock }: AppDependencies,
  principal: Principal,
  id: string,
): Promise<void> {
  await store.transaction(async (tx) => {
    const integration = (await tx.listIntegrations()).find((candidate) => candidate.id === id);
    if (integration === undefined) throw notFound(`integration "${id}"`);
    const team =
      integration.service === null
        ? null
        : ((await tx.getService(integration.service))?.team ?? null);
    requireTeamEditor(principal, team, 'revoking an alert integration');
    const now = clock.now();
    await tx.revokeIntegration(id, now);
    await recordChange(tx, now, principal, {
      action: 'delete',
      kind: 'AlertIntegration',
      name: id,
      before: integration,
      after: null,
    });
  });
}

export type IncomingBody =
  | { readonly kind: 'alertmanager'; readonly body: AlertmanagerWebhook }
  | { readonly kind: 'pagerduty'; readonly body: PagerDutyEvent }
  | { readonly kind: 'webhook'; readonly body: WebhookAlert };

export interface Received {
  readonly integration: AlertIntegrationRecord;
  readonly results: readonly GroupResult[];
  /** The dedup key of each alert of the body, in order (PagerDuty answers with it). */
  readonly dedupKeys: readonly string[];
}

/** The integration a key opens, or 401/403 as problems a sender's logs make sense of. */
export async function integrationForKey(
  { store }: AppDependencies,
  key: string | undefined,
  kind: IntegrationKind,
): Promise<AlertIntegrationRecord> {
  const integration =
    key === undefined || key === ''
      ? undefined
      : await store.findIntegrationByKeyHash(hashSecret(key));
  if (integration === undefined || integration.revokedAt !== null) {
    throw new AppError('UNAUTHENTICATED', 'unknown or revoked integration key');
  }
  if (integration.kind !== kind) {
    throw new AppError(
      'FORBIDDEN',
      `this key belongs to a ${integration.kind} integration; send ${integration.kind} bodies to its URL`,
    );
  }
  return integration;
}

/** Bodies written in one transaction at most: a batch holds the paging lock, so it stays short. */
const MAX_BODIES_PER_BATCH = 64;
/** How old the catalog may be when it tells which services exist and who owns them. */
const CATALOG_FRESHNESS_MS = 250;

interface PendingBody {
  readonly integration: AlertIntegrationRecord;
  readonly incoming: IncomingBody;
  readonly receivedAt: number;
  readonly batch: AlertBatch;
}

/**
 * Alert bodies in, group-committed: bodies that arrive together are stored and grouped
 * into pages in one transaction, and each is answered once that transaction committed.
 * A burst costs one commit per batch instead of one per body, and the answer still
 * means what it did: stored. A batch that fails is tried again body by body, so one
 * body that cannot be stored gets its 5xx alone.
 */
export class AlertIntake {
  private readonly commits: GroupCommit<PendingBody, readonly GroupResult[]>;

  constructor(private readonly deps: AppDependencies) {
    this.commits = new GroupCommit({
      write: (bodies) => writeBodies(deps, bodies),
      maxBatch: MAX_BODIES_PER_BATCH,
      isolateFailures: true,
    });
  }

  /** Stores the body and groups its alerts into pages; resolves once committed. */
  async receive(integration: AlertIntegrationRecord, incoming: IncomingBody): Promise<Received> {
    const pending = pendingBody(this.deps, integration, incoming);
    return receivedOf(pending, await this.commits.submit(pending));
  }

  /** Waits until every body taken so far is written. */
  flush(): Promise<void> {
    return this.commits.flush();
  }
}

/** Stores one body in a transaction of its own (the server batches through AlertIntake). */
export async function receiveAlerts(
  deps: AppDependencies,
  integration: AlertIntegrationRecord,
  incoming: IncomingBody,
): Promise<Received> {
  const pending = pendingBody(deps, integration, incoming);
  const [results] = await writeBodies(deps, [pending]);
  return receivedOf(pending, results ?? []);
}

function pendingBody(
  deps: AppDependencies,
  integration: AlertIntegrationRecord,
  incoming: IncomingBody,
): PendingBody {
  const receivedAt = deps.clock.now();
  const options: NormalizeOptions = {
    receivedAt,
    integration: integration.id,
    ...(integration.service === null ? {} : { service: integration.service }),
    sha256Hex,
  };
  return { integration, incoming, receivedAt, batch: batchOf(incoming, options) };
}

function receivedOf(pending: PendingBody, results: readonly GroupResult[]): Received {
  return {
    integration: pending.integration,
    results,
    dedupKeys: pending.batch.alerts.map((alert) => alert.dedupKey),
  };
}

/**
 * Stores the bodies, in order, and groups their alerts into pages, in one transaction:
 * the same pages, alerts and escalations as one transaction per body in that order.
 * The open pages any body may touch are read once; each body is grouped against the
 * pages as the bodies before it left them, and a page is written once, as it ended.
 */
async function writeBodies(
  deps: AppDependencies,
  bodies: readonly PendingBody[],
): Promise<(readonly GroupResult[])[]> {
  // A page's escalation policy is chosen when it opens: this instance must know one
  // applied a moment ago on another, or the page would open with nobody to tell.
  await deps.catalog.refresh();
  const results = await deps.store.transaction(async (tx) => {
    await tx.lockPaging();
    for (const body of bodies) {
      await tx.insertReceivedAlert(body.integration.id, body.receivedAt, body.incoming.body);
    }
    let open: readonly Page[] = await tx.listOpenPagesFor(
      lookupKeys(
        deps,
        bodies.flatMap((body) => body.batch.alerts),
        bodies.flatMap((body) => body.batch.resolvedGroup ?? []),
      ),
    );
    const grouped = bodies.map((body) => {
      const result = groupBatch(open, body.batch, body.receivedAt, groupingOptions(deps));
      open = result.openPages;
      return result.results;
    });
    await storeChangedPages(tx, grouped.flat());
    for (const [index, body] of bodies.entries()) {
      await followEscalations(
        deps,
        tx,
        grouped[index] ?? [],
        body.receivedAt,
        `integration:${body.integration.name}`,
      );
    }
    return grouped;
  });
  deps.signals?.pagesChanged();
  return results;
}

/**
 * The evaluator's page-level burn alerts become pages like any other alert (ticket-level
 * ones do not wake anyone); called in the cycle's transaction.
 */
export async function pageBurnAlerts(
  deps: AppDependencies,
  tx: Store,
  transitions: readonly AlertTransition[],
  atMs: number,
): Promise<void> {
  const alerts = transitions
    .filter((transition) => transition.severity === 'page')
    .map((transition) => {
      const alert = normalizeBurnRateTransition(transition);
      const runbook = deps.catalog.service(transition.service)?.runbook;
      return runbook === undefined ? alert : { ...alert, runbookUrl: runbook };
    });
  if (alerts.length === 0) return;
  await tx.lockPaging();
  await groupIntoPages(deps, tx, { alerts, resolvedGroup: undefined }, atMs, 'evaluator');
}

/**
 * Heartbeat checks that went down page their service's escalation policy; those that
 * came back up resolve that page. Called in the transaction that stored the change.
 */
export async function pageHeartbeatAlerts(
  deps: AppDependencies,
  tx: Store,
  inputs: readonly HeartbeatAlertInput[],
  atMs: number,
  /** Who the people paged hear resolved the page: say why when it is not a ping. */
  by = 'heartbeats',
): Promise<void> {
  if (inputs.length === 0) return;
  const alerts = inputs.map((input) => {
    const alert = normalizeHeartbeatAlert(input);
    const runbook = deps.catalog.service(input.service)?.runbook;
    return runbook === undefined ? alert : { ...alert, runbookUrl: runbook };
  });
  await tx.lockPaging();
  await groupIntoPages(deps, tx, { alerts, resolvedGroup: undefined }, atMs, by);
}

/** Groups a batch into the open pages, stores them, and starts or follows escalations. */
async function groupIntoPages(
  deps: AppDependencies,
  tx: Store,
  batch: AlertBatch,
  atMs: number,
  sender: string,
): Promise<readonly GroupResult[]> {
  const open = await tx.listOpenPagesFor(
    lookupKeys(deps, batch.alerts, batch.resolvedGroup === undefined ? [] : [batch.resolvedGroup]),
  );
  const grouped = groupBatch(open, batch, atMs, groupingOptions(deps));
  await storeChangedPages(tx, grouped.results);
  await followEscalations(deps, tx, grouped.results, atMs, sender);
  return grouped.results;
}

function groupingOptions(deps: AppDependencies): GroupingOptions {
  return {
    windowMs: DEFAULT_GROUPING_WINDOW_MS,
    relatedServices: (service) => relatedServices(deps, service),
  };
}

/** Pages the results opened start escalating; those the sender acknowledged or resolved follow. */
async function followEscalations(
  deps: AppDependencies,
  tx: Store,
  results: readonly GroupResult[],
  atMs: number,
  sender: string,
): Promise<void> {
  const opened = results.filter((result) => result.decision === 'opened');
  await startEscalations(
    deps,
    tx,
    opened.flatMap((result) => result.page ?? []),
    atMs,
  );
  const attached = results.flatMap((result) =>
    result.decision === 'attached' && result.page !== undefined ? [result.page] : [],
  );
  await raiseUrgencies(deps, tx, attached, atMs);
  await wakeForIncidentResponse(deps, tx, attached, atMs);
  for (const result of results) {
    if ((result.pageAcknowledged || result.pageResolved) && result.page !== undefined) {
      await followPage(tx, result.page, sender, atMs);
    }
  }
}

export async function listPages(
  deps: AppDependencies,
  principal: Principal,
  filter: {
    readonly status?: 'open' | 'triggered' | 'acknowledged' | 'resolved' | undefined;
    /** Pages that name this service. */
    readonly service?: string | undefined;
    /** Pages that name any service of this team. */
    readonly team?: string | undefined;
    /** Pages carrying this heartbeat check's alert, not resolved yet: it is down. */
    readonly heartbeat?: string | undefined;
    readonly limit: number;
  },
): Promise<Page[]> {
  requireReader(principal);
  const { store, catalog } = deps;
  if (filter.heartbeat !== undefined) return pagesOfHeartbeat(deps, filter.heartbeat, filter);
  if (filter.service !== undefined || filter.team !== undefined)
    await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  let services: string[] | undefined;
  if (filter.service !== undefined) {
    services = [filter.service];
    // A misspelt service would read as one with nothing open: on call, a false calm. A
    // service that config does not know is fine as long as some page names it.
    if (
      catalog.service(filter.service) === undefined &&
      (await store.getService(filter.service)) === undefined &&
      (await store.listPages({ services, limit: 1 })).length === 0
    )
      throw notFound(`service "${filter.service}"`);
  }
  if (filter.team !== undefined) {
    if ((await store.getTeam(filter.team)) === undefined) throw notFound(`team "${filter.team}"`);
    const owned = await teamServiceNames(deps, filter.team);
    services = services === undefined ? owned : services.filter((name) => owned.includes(name));
  }
  return store.listPages({
    limit: filter.limit,
    ...(filter.status === undefined ? {} : { status: filter.status }),
    ...(services === undefined ? {} : { services }),
  });
}

/**
 * The open pages where a heartbeat check's alert is still unresolved, found by the
 * alert's key as grouping finds them, whichever page of its service it joined.
 */
async function pagesOfHeartbeat(
  deps: AppDependencies,
  check: string,
  filter: { readonly status?: string | undefined; readonly limit: number },
): Promise<Page[]> {
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  if (!deps.catalog.heartbeats().some((heartbeat) => heartbeat.name === check))
    throw notFound(`heartbeat "${check}"`);
  const identity = {
    source: 'heartbeat',
    integration: undefined,
    dedupKey: heartbeatDedupKey(check),
  } as const;
  const key = alertIdentity(identity);
  const pages = await deps.store.listOpenPagesFor([alertKey(key)]);
  return pages
    .filter(
      (page) =>
        (filter.status === undefined ||
          filter.status === 'open' ||
          page.status === filter.status) &&
        page.alerts.some((alert) => alert.key === key && alert.status !== 'resolved'),
    )
    .sort((a, b) => b.openedAt - a.openedAt)
    .slice(0, filter.limit);
}

export async function getPage(
  { store }: AppDependencies,
  principal: Principal,
  id: string,
): Promise<Page> {
  requireReader(principal);
  const page = await store.getPage(id);
  if (page === undefined) throw notFound(`page "${id}"`);
  return page;
}

/** A person acknowledges or resolves a page (any token but a viewer's: responders act). */
export async function changePage(
  deps: AppDependencies,
  principal: Principal,
  id: string,
  action: 'acknowledge' | 'resolve',
): Promise<Page> {
  requireResponder(principal, `${action} a page`);
  return changePageAs(deps, principal, personOf(principal), id, action);
}

/**
 * The acknowledge or resolve link of a notification: signed for one page, action and
 * person, so whoever holds the link acts as that person, for that page only.
 */
export async function changePageByLink(
  deps: AppDependencies,
  id: string,
  action: 'acknowledge' | 'resolve',
  user: string,
  signature: string,
): Promise<Page> {
  const key = await deps.store.getSetting(LINK_KEY_SETTING);
  if (key === undefined) throw new AppError('FORBIDDEN', 'this link is not valid (no signing key)');
  if (!linkIsValid(key, id, action, user, signature)) {
    throw new AppError('FORBIDDEN', 'this link is not valid (altered, or for another page)');
  }
  // The person is the acknowledger (their toil, the postmortem's participants); that it
  // was done through a link is the audit's to keep.
  return changePageAs(deps, { kind: 'system' }, user, id, action, 'signed link');
}

async function changePageAs(
  deps: AppDependencies,
  principal: Principal,
  actor: string,
  id: string,
  action: 'acknowledge' | 'resolve',
  via?: string,
): Promise<Page> {
  return deps.store.transaction(async (tx) => {
    await tx.lockPaging();
    const page = await tx.getPage(id);
    if (page === undefined) throw notFound(`page "${id}"`);
    if (page.status === 'resolved') return page;
    if (action === 'acknowledge' && page.status === 'acknowledged') return page;
    const now = deps.clock.now();
    // The page itself is all the change touches: no other open page needs reading.
    const changed =
      action === 'acknowledge'
        ? acknowledgePage([page], id, actor, now)
        : resolvePage([page], id, now);
    const after = changed.page ?? page;
    await tx.putPage(after);
    await followPage(tx, after, actor, now);
    await recordChange(tx, now, principal, {
      action: 'update',
      kind: 'Page',
      name: id,
      before: { status: page.status },
      after:
        via === undefined ? { status: after.status } : { status: after.status, by: actor, via },
    });
    return after;
  });
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function batchOf(incoming: IncomingBody, options: NormalizeOptions): AlertBatch {
  switch (incoming.kind) {
    case 'alertmanager':
      return normalizeAlertmanagerMessage(incoming.body, options);
    case 'pagerduty':
      return {
        alerts: [normalizePagerDutyEvent(incoming.body, options)],
        resolvedGroup: undefined,
      };
    case 'webhook':
      return { alerts: [normalizeWebhookAlert(incoming.body, options)], resolvedGroup: undefined };
  }
}

/** The keys of the open pages these alerts may dedup against or join (see Store.listOpenPagesFor). */
function lookupKeys(
  deps: AppDependencies,
  alerts: readonly IncomingAlert[],
  resolvedGroups: readonly SenderGroupRef[],
): string[] {
  const keys = new Set<string>();
  for (const alert of alerts) {
    keys.add(alertKey(alertIdentity(alert)));
    if (alert.senderGroup !== undefined) keys.add(senderGroupKey(alert.senderGroup));
    if (alert.alertmanagerGroup !== undefined)
      keys.add(alertmanagerGroupKey(alert.alertmanagerGroup));
    if (alert.service !== undefined) {
      keys.add(serviceKey(alert.service));
      for (const related of relatedServices(deps, alert.service)) keys.add(serviceKey(related));
    }
  }
  for (const group of resolvedGroups) keys.add(senderGroupKey(group.senderGroup));
  return [...keys];
}

/** An alert may join an open page of a service this one depends on critically, or of one that depends on it. */
function relatedServices(deps: AppDependencies, service: string): readonly string[] {
  const related = new Set<string>();
  const own = deps.catalog.service(service);
  for (const dependency of own?.dependencies ?? [])
    if (dependency.critical) related.add(dependency.service);
  // Services with SLOs are the ones the catalog holds whole; that is where dependants matter.
  for (const { service: other } of deps.catalog.all()) {
    if (
      other?.dependencies.some(
        (dependency) => dependency.critical && dependency.service === service,
      ) === true
    ) {
      related.add(other.name);
    }
  }
  return [...related];
}

async function storeChangedPages(store: Store, results: readonly GroupResult[]): Promise<void> {
  // A page may change several times in one body: store its last state once.
  const last = new Map<string, Page>();
  for (const result of results)
    if (result.page !== undefined) last.set(result.page.id, result.page);
  for (const page of last.values()) await store.putPage(page);
}
