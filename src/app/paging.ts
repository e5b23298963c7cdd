// Pages reach people: an escalation starts when a page opens, advances as its levels
// time out, stops when someone acknowledges, closes on resolve. Each step becomes
// notifications in the outbox, in the same transaction as the escalation's new state
// (compare-and-set on its revision), so a step is sent once even with two instances.
// A page that reaches nobody (no policy, nobody on call, escalation exhausted) says so
// in its delivery log, on the page and in the server log: silence is the worst outcome.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  acknowledge,
  advance,
  includeIncidentResponse,
  incidentResponseReasons,
  raiseToHighUrgency,
  resolve,
  startEscalation,
  type EscalationNotification,
  type EscalationState,
  type AdvanceResult,
  type EscalationTarget,
  type IncidentResponseRule,
  type ResolveTarget,
  type UnreachedTarget,
  type Urgency,
} from '../core/alerts/escalation.js';
import type { Page } from '../core/alerts/grouping.js';
import { onCallAt } from '../core/oncall/schedule.js';
import { nextWorkingTime } from '../core/reports/working-time.js';
import type { EscalationPolicyResource } from '../core/slo/model.js';
import {
  acknowledgedMessageFor,
  exhaustedMessageFor,
  messageFor,
  resolvedMessageFor,
  runbookLinks,
  type NotificationMessage,
  type RunbookReference,
} from '../core/alerts/notification-message.js';
import type { NotificationRecord, UserRecord } from './ports/records.js';
import { runbooksFor } from './runbooks.js';
import { personCalendar } from './toil.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';

export const LINK_KEY_SETTING = 'page-link-signing-key';
/** Retries: 30 s, 1 min, 2 min, … up to an hour apart; given up after this many. */
const MAX_ATTEMPTS = 12;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

export interface PagingContext {
  /** Where people click: the server's public URL (HEADROOM_PUBLIC_URL). */
  readonly publicUrl: string;
  /** Signs acknowledge/resolve links (`linkSigningKey`, read once at start). */
  readonly linkKey: string;
}

/** The key that signs acknowledge/resolve links; made once per database. */
export async function linkSigningKey(store: Store): Promise<string> {
  return store.ensureSetting(LINK_KEY_SETTING, randomBytes(32).toString('hex'));
}

export function linkSignature(key: string, pageId: string, action: string, user: string): string {
  return createHmac('sha256', key).update(`${pageId}\u0000${action}\u0000${user}`).digest('hex');
}

export function linkIsValid(
  key: string,
  pageId: string,
  action: string,
  user: string,
  signature: string,
): boolean {
  const expected = Buffer.from(linkSignature(key, pageId, action, user), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The policy that escalates a page: the first naming one of its services, else its team. */
export function policyForPage(
  deps: AppDependencies,
  page: Page,
): EscalationPolicyResource | undefined {
  const policies = deps.catalog.escalationPolicies();
  for (const service of page.services) {
    const byService = policies.find((policy) => policy.services.includes(service));
    if (byService !== undefined) return byService;
    const team = deps.catalog.service(service)?.team;
    const byTeam =
      team === undefined ? undefined : policies.find((policy) => policy.teams.includes(team));
    if (byTeam !== undefined) return byTeam;
  }
  return undefined;
}

/** Starts the escalation of pages that opened, in the intake's transaction. */
export async function startEscalations(
  deps: AppDependencies,
  tx: Store,
  opened: readonly Page[],
  atMs: number,
): Promise<void> {
  for (const page of opened) {
    const policy = policyForPage(deps, page);
    if (policy === undefined) {
      await recordUnreached(deps, tx, page, [
        {
          key: `${page.id}/unreached/no-policy`,
          what: 'escalation policy',
          reason: `reached no one: no escalation policy covers ${servicesOf(page)}`,
          at: atMs,
        },
      ]);
      continue;
    }
    const state = startEscalation(
      page,
      policy.policy,
      atMs,
      incidentResponseRule(deps, policy),
      urgencyOf(policy, page),
    );
    await tx.putEscalation(page.id, state, state.nextDueAt ?? null, undefined);
  }
}

function incidentResponseRule(
  deps: AppDependencies,
  policy: EscalationPolicyResource | undefined,
): IncidentResponseRule | undefined {
  const schedule = policy?.incidentResponseSchedule;
  return schedule === undefined
    ? undefined
    : {
        schedule,
        tierOf: (service: string) => deps.catalog.service(service)?.tier,
        teamOf: (service: string) => deps.catalog.service(service)?.team,
      };
}

/**
 * Pages that grew (an alert of another team's service, or of a critical-tier one,
 * joined) so that their policy's incident-response rotation is called for: their
 * escalation is made due now, and the paging pass adds the rotation to level 1
 * (`includeIncidentResponse`), notifying it at once when level 1 was notified already.
 */
export async function wakeForIncidentResponse(
  deps: AppDependencies,
  tx: Store,
  pages: readonly Page[],
  atMs: number,
): Promise<void> {
  for (const page of pages) {
    if (page.status !== 'triggered') continue;
    const rule = incidentResponseRule(deps, policyForPage(deps, page));
    if (rule === undefined || incidentResponseReasons(page.services, rule).length === 0) continue;
    const state = (await tx.getEscalation(page.id))?.state as EscalationState | undefined;
    // Already there (or never to be: low urgency, or someone has it): nothing to do.
    if (state === undefined || state.incidentResponse !== undefined || state.urgency === 'low') {
      continue;
    }
    if (state.status !== 'escalating' && state.status !== 'exhausted') continue;
    await tx.wakeEscalation(page.id, atMs);
  }
}

function urgencyOf(policy: EscalationPolicyResource, page: Page): Urgency {
  return policy.lowUrgency.includes(page.severity) ? 'low' : 'high';
}

/**
 * Low-urgency pages that a more severe alert of their group made high-urgency start
 * escalating (level 1 was notified; the next level follows its timeout). Reads an
 * escalation only where a policy has low-urgency severities at all.
 */
export async function raiseUrgencies(
  deps: AppDependencies,
  tx: Store,
  pages: readonly Page[],
  atMs: number,
): Promise<void> {
  for (const page of pages) {
    if (page.status !== 'triggered') continue;
    const policy = policyForPage(deps, page);
    if (policy === undefined || policy.lowUrgency.length === 0) continue;
    if (urgencyOf(policy, page) === 'low') continue;
    const stored = await tx.getEscalation(page.id);
    if (stored === undefined) continue;
    const state = stored.state as EscalationState;
    const raised = raiseToHighUrgency(state, policy.policy, atMs);
    if (raised === state) continue;
    await tx.putEscalation(page.id, raised, raised.nextDueAt ?? null, stored.revision);
    // It no longer waits for anyone's working hours, nor says it does not escalate.
    for (const notification of heldEmails(await tx.listNotifications(page.id), atMs)) {
      const message = { ...(notification.message as NotificationMessage) };
      delete message.lowUrgency;
      await tx.releaseNotification(notification.id, atMs, message);
    }
  }
}

/** A person (or a link) acknowledged or resolved the page: its escalation follows. */
export async function followPage(tx: Store, page: Page, by: string, atMs: number): Promise<void> {
  const stored = await tx.getEscalation(page.id);
  if (stored === undefined) return;
  const state = stored.state as EscalationState;
  const next =
    page.status === 'resolved'
      ? resolve(state, atMs)
      : page.status === 'acknowledged'
        ? acknowledge(state, by, atMs)
        : state;
  if (next === state) return;
  await tx.putEscalation(page.id, next, next.nextDueAt ?? null, stored.revision);
  const neverTold = await withdrawHeldEmails(tx, page, by, atMs);
  if (next.status === 'acknowledged' && state.status !== 'acknowledged') {
    await tellChannels(tx, page, 'acknowledged', atMs, (links) =>
      acknowledgedMessageFor(page, by, atMs, links),
    );
  }
  if (next.status === 'resolved' && state.status !== 'resolved') {
    await tellResolved(tx, page, next.paged, neverTold, by, atMs);
    await tellChannels(tx, page, 'resolved', atMs, () => resolvedMessageFor(page, by, atMs));
  }
}

/**
 * The channels that heard of the page hear that it was taken, that nobody took it
 * (the escalation ran out), then that it is over: otherwise the last thing a Slack
 * channel shows is [CRITICAL] with live buttons. Each notice is built from the links
 * the channel was given.
 */
async function tellChannels(
  tx: Store,
  page: Page,
  event: 'acknowledged' | 'exhausted' | 'resolved',
  atMs: number,
  messageWith: (links: NotificationMessage['links']) => NotificationMessage,
): Promise<void> {
  const notified = new Map<string, NotificationRecord>();
  for (const notification of await tx.listNotifications(page.id)) {
    if (notification.channel !== 'webhook' && notification.channel !== 'slack') continue;
    notified.set(`${notification.channel}\u0000${notification.destination}`, notification);
  }
  await tx.insertNotifications(
    [...notified.values()].map((notification, index) => ({
      pageId: page.id,
      status: 'pending' as const,
      nextAttemptAt: atMs,
      createdAt: atMs,
      key: `${page.id}/${event}/channel/${String(index)}`,
      channel: notification.channel,
      destination: notification.destination,
      message: messageWith((notification.message as NotificationMessage).links),
    })),
  );
}

/**
 * Withdraws the page's e-mails held for working hours: the page was taken or is over
 * before their person's day began. Returns the addresses that never heard of the page,
 * which need not hear that it resolved either.
 */
async function withdrawHeldEmails(
  tx: Store,
  page: Page,
  by: string,
  atMs: number,
): Promise<ReadonlySet<string>> {
  const notifications = await tx.listNotifications(page.id);
  const held = heldEmails(notifications, atMs);
  const detail = `withdrawn: the page was ${page.status} by ${by} before the working hours it waited for`;
  for (const notification of held) {
    await tx.withdrawNotification(notification.id, { at: atMs, ok: false, detail });
  }
  const withdrawn = new Set(held.map((notification) => notification.id));
  const told = new Set(
    notifications
      .filter(
        (notification) =>
          notification.channel === 'email' &&
          notification.status !== 'withdrawn' &&
          !withdrawn.has(notification.id),
      )
      .map((notification) => notification.destination),
  );
  return new Set(
    notifications
      .filter(
        (notification) => notification.channel === 'email' && !told.has(notification.destination),
      )
      .map((notification) => notification.destination),
  );
}

/** Everyone paged hears once that it is over: their phone stops being the incident. */
async function tellResolved(
  tx: Store,
  page: Page,
  paged: readonly string[],
  neverTold: ReadonlySet<string>,
  by: string,
  atMs: number,
): Promise<void> {
  if (paged.length === 0) return;
  const users = await tx.listUsers();
  const message = resolvedMessageFor(page, by, atMs);
  await tx.insertNotifications(
    [...new Set(paged)].flatMap((name) => {
      const email = users.find((user) => user.name === name)?.email;
      if (email === null || email === undefined || neverTold.has(email)) return [];
      return [
        {
          pageId: page.id,
          status: 'pending' as const,
          nextAttemptAt: atMs,
          createdAt: atMs,
          key: `${page.id}/resolved/email/${name}`,
          channel: 'email' as const,
          destination: email,
          message,
        },
      ];
    }),
  );
}

/**
 * Advances every escalation that is due: each step's notifications go to the outbox
 * with the new state, or not at all when another instance got there first.
 */
export async function advanceEscalations(
  deps: AppDependencies,
  context: PagingContext,
  atMs: number,
): Promise<number> {
  const { store } = deps;
  const due = await store.listDueEscalations(atMs, 500);
  if (due.length === 0) return 0;
  const users = await store.listUsers();
  const key = context.linkKey;
  const resolveTarget = targetResolver(deps, users);
  // One transaction for the whole pass: during an alert storm every transaction waits
  // its turn behind intake, so a hundred small ones would delay the last page by seconds.
  return store.transaction(async (tx) => {
    let queued = 0;
    for (const stored of due) {
      const page = await tx.getPage(stored.pageId);
      if (page === undefined) continue;
      const policy = policyForPage(deps, page);
      const result = advanceWithIncidentResponse(
        stored.state as EscalationState,
        page,
        atMs,
        incidentResponseRule(deps, policy),
        resolveTarget,
      );
      const written = await tx.putEscalation(
        stored.pageId,
        result.state,
        result.nextWakeAt ?? null,
        stored.revision,
      );
      if (!written) continue;
      const runbooks = runbookReferences(deps, page);
      const lowUrgency = result.state.urgency === 'low';
      const entries = [
        ...result.notifications.flatMap((notification) =>
          personEntries(notification, page, users, context, key, atMs, runbooks),
        ),
        ...channelEntries(steps(result), page, policy, context, key, atMs, runbooks),
      ];
      queued += await tx.insertNotifications(
        lowUrgency ? entries.map((entry) => lowUrgencyEntry(entry, users, atMs)) : entries,
      );
      await recordUnreached(deps, tx, page, unreachedNotes(deps, stored.state, result));
      const { state } = result;
      if (
        state.status === 'exhausted' &&
        (stored.state as EscalationState).status !== 'exhausted'
      ) {
        const exhausted = {
          atMs: state.exhaustedAt ?? atMs,
          policy: state.policy,
          rounds: state.passes,
        };
        await tellChannels(tx, page, 'exhausted', atMs, (links) =>
          exhaustedMessageFor(page, exhausted, links),
        );
      }
    }
    return queued;
  });
}

/**
 * A due step, after the incident-response rotation joined level 1 if the page now calls
 * for it (once added it stays, so this is a no-op on every later pass).
 */
function advanceWithIncidentResponse(
  state: EscalationState,
  page: Page,
  atMs: number,
  rule: IncidentResponseRule | undefined,
  resolveTarget: ResolveTarget,
): AdvanceResult {
  const joined =
    rule === undefined
      ? undefined
      : includeIncidentResponse(state, page, atMs, rule, resolveTarget);
  const advanced = advance(joined?.state ?? state, atMs, resolveTarget);
  if (joined === undefined) return advanced;
  return {
    ...advanced,
    notifications: [...joined.notifications, ...advanced.notifications],
    unreached: [...joined.unreached, ...advanced.unreached],
  };
}

/** Why a page reached no one, or why part of its escalation did, as people read it. */
export interface PageWarning {
  readonly at: number;
  readonly reason: string;
}

interface UnreachedNote {
  /** Unique per page and cause: recorded (and logged) once. */
  readonly key: string;
  /** What could not be reached, for the delivery log's destination column. */
  readonly what: string;
  readonly reason: string;
  readonly at: number;
}

/**
 * Keeps each note in the page's delivery log as a row that is never sent (channel
 * `none`, status `unreached`, the reason in its log), and warns in the server log.
 * The delivery log is where people look when someone says "I was never paged".
 */
async function recordUnreached(
  deps: AppDependencies,
  tx: Store,
  page: Page,
  notes: readonly UnreachedNote[],
): Promise<void> {
  for (const note of notes) {
    const added = await tx.insertNotifications([
      {
        pageId: page.id,
        status: 'unreached',
        nextAttemptAt: note.at,
        createdAt: note.at,
        key: note.key,
        channel: 'none',
        destination: note.what,
        message: { pageId: page.id, reason: note.reason },
        log: [{ at: note.at, ok: false, detail: note.reason }],
      },
    ]);
    if (added > 0) {
      deps.log?.warn(
        { pageId: page.id, services: page.services, reason: note.reason },
        `page ${page.id}: ${note.reason}`,
      );
    }
  }
}

/** The warnings of these pages (page id to its notes, oldest first), for the page API. */
export async function pageWarnings(
  store: Store,
  pageIds: readonly string[],
): Promise<ReadonlyMap<string, PageWarning[]>> {
  const warnings = new Map<string, PageWarning[]>();
  for (const notification of await store.listUnreachedNotifications(pageIds)) {
    const reason = (notification.message as { reason?: unknown }).reason;
    const list = warnings.get(notification.pageId) ?? [];
    list.push({
      at: notification.createdAt,
      reason: typeof reason === 'string' ? reason : 'reached no one',
    });
    warnings.set(notification.pageId, list);
  }
  return warnings;
}

/**
 * Each step with a target nobody answered for (a gap in a schedule, a team without
 * users), and the escalation running out: after that the page stays triggered and
 * nobody else will be paged (its channels hear so).
 */
function unreachedNotes(
  deps: AppDependencies,
  before: unknown,
  result: AdvanceResult,
): UnreachedNote[] {
  const byStep = new Map<string, UnreachedTarget[]>();
  for (const target of result.unreached) {
    const step = `${String(target.attempt)}/${String(target.level)}`;
    byStep.set(step, [...(byStep.get(step) ?? []), target]);
  }
  const notes = [...byStep].flatMap(([step, targets]) => {
    const first = targets[0];
    if (first === undefined) return [];
    const reachedSomeone = result.notifications.some(
      (notification) =>
        notification.level === first.level && notification.attempt === first.attempt,
    );
    const where = `level ${String(first.level)}, round ${String(first.attempt)}`;
    const why = targets.map((target) => unreachedReason(deps, target.target)).join('; ');
    return [
      {
        key: `${first.pageId}/${step}/unreached`,
        what: targets.map((target) => `${target.target.kind} ${target.target.name}`).join(', '),
        reason: reachedSomeone ? `${where}: ${why}` : `${where} reached no one: ${why}`,
        at: first.dueAt,
      },
    ];
  });
  const { state } = result;
  if (
    state.status === 'exhausted' &&
    (before as EscalationState).status !== 'exhausted' &&
    state.exhaustedAt !== undefined
  ) {
    const rounds = state.passes === 1 ? '' : ` in ${String(state.passes)} rounds`;
    notes.push({
      key: `${state.pageId}/exhausted`,
      what: `escalation policy ${state.policy}`,
      reason: `escalation exhausted at ${new Date(state.exhaustedAt).toISOString()}: nobody acknowledged after every level of ${state.policy}${rounds}; the page stays triggered and nobody else will be paged`,
      at: state.exhaustedAt,
    });
  }
  return notes;
}

function unreachedReason(deps: AppDependencies, target: EscalationTarget): string {
  switch (target.kind) {
    case 'schedule':
      return deps.catalog.schedules().some((entry) => entry.schedule.name === target.name)
        ? `nobody on call on schedule ${target.name}`
        : `schedule ${target.name} does not exist`;
    case 'user':
      return `${target.name} is not a user of this server`;
    case 'team':
      return `team ${target.name} has no users`;
  }
}

function servicesOf(page: Page): string {
  if (page.services.length === 0) return 'a page without a service';
  return `${page.services.length === 1 ? 'service' : 'services'} ${page.services.join(', ')}`;
}

/**
 * The runbooks the page API shows (the alerts' links, the services' runbook URLs, the
 * Runbook documents for its services and alert names), for the notification.
 */
function runbookReferences(deps: AppDependencies, page: Page): RunbookReference[] {
  const links = runbookLinks(page);
  const known = new Set(links.map((link) => link.url));
  for (const service of page.services) {
    const url = deps.catalog.service(service)?.runbook;
    if (url === undefined || known.has(url)) continue;
    known.add(url);
    links.push({ title: `Runbook of ${service}`, url, markdown: null });
  }
  const alertNames = page.alerts.flatMap(
    (alert) => alert.labels.alertname ?? alert.labels.slo ?? [],
  );
  const documents = runbooksFor(deps, { services: page.services, alerts: alertNames }).map(
    (runbook) => ({ title: runbook.title, url: null, markdown: runbook.markdown }),
  );
  return [...links, ...documents];
}

/** Deliveries in flight at once: channels are independent, and each waits on a network. */
const PARALLEL_DELIVERIES = 16;

/** Sends what the outbox holds and is due; a failure is retried with backoff. */
export async function deliverNotifications(
  { store }: AppDependencies,
  deliver: (notification: NotificationRecord) => Promise<{ ok: boolean; detail: string }>,
  now: () => number,
): Promise<number> {
  const due = await store.listDueNotifications(now(), 500);
  const outcomes: { notification: NotificationRecord; ok: boolean; detail: string; at: number }[] =
    [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const notification = due[next];
      next += 1;
      if (notification === undefined) continue;
      const result = await deliver(notification);
      outcomes.push({ notification, ...result, at: now() });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DELIVERIES, due.length) }, worker));
  if (outcomes.length === 0) return 0;
  await store.transaction(async (tx) => {
    for (const { notification, ok, detail, at } of outcomes) {
      const attempts = notification.attempts + 1;
      const status = ok ? 'sent' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
      const backoff = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
      await tx.recordDelivery(
        notification.id,
        { at, ok, detail },
        { status, nextAttemptAt: at + backoff },
      );
    }
  });
  return outcomes.filter((outcome) => outcome.ok).length;
}

function targetResolver(deps: AppDependencies, users: readonly UserRecord[]): ResolveTarget {
  const schedules = deps.catalog.schedules();
  return (target: EscalationTarget, atMs: number) => {
    switch (target.kind) {
      case 'user':
        return users.some((user) => user.name === target.name) ? [target.name] : [];
      case 'team':
        return users.filter((user) => user.teams.includes(target.name)).map((user) => user.name);
      case 'schedule': {
        const schedule = schedules.find((entry) => entry.schedule.name === target.name);
        const onCall = schedule === undefined ? null : onCallAt(schedule.schedule, atMs).user;
        return onCall === null ? [] : [onCall];
      }
    }
  };
}

type OutboxEntry = Omit<NotificationRecord, 'id' | 'attempts' | 'log' | 'sentAt'>;

/** The escalation steps an advance went through, reached or not. */
function steps(result: AdvanceResult): { level: number; attempt: number }[] {
  const seen = new Map<string, { level: number; attempt: number }>();
  for (const step of [...result.notifications, ...result.unreached]) {
    seen.set(`${String(step.attempt)}/${String(step.level)}`, {
      level: step.level,
      attempt: step.attempt,
    });
  }
  return [...seen.values()];
}

/**
 * A low-urgency page tells people in their working hours: its e-mail at 03:00 waits
 * until 09:00 on the person's clock (and is withdrawn if the page is taken or over by
 * then). Channels hear at once: whoever reads them is awake.
 */
function lowUrgencyEntry(
  entry: OutboxEntry,
  users: readonly UserRecord[],
  atMs: number,
): OutboxEntry {
  const message = { ...(entry.message as NotificationMessage), lowUrgency: true };
  if (entry.channel !== 'email') return { ...entry, message };
  const user = users.find((candidate) => candidate.email === entry.destination);
  const workingAt = user === undefined ? undefined : nextWorkingTime(personCalendar(user), atMs);
  return { ...entry, message, nextAttemptAt: workingAt ?? atMs };
}

/** Someone whose e-mail about a low-urgency page waits for their working hours. */
export interface HeldNotice {
  readonly person: string;
  readonly until: number;
}

/** The people each page's held e-mails wait for, and until when (the page API shows them). */
export async function heldNotices(
  store: Store,
  pageIds: readonly string[],
  atMs: number,
): Promise<ReadonlyMap<string, HeldNotice[]>> {
  const held = heldEmails(await store.listPendingNotifications(pageIds), atMs);
  const byPage = new Map<string, HeldNotice[]>();
  if (held.length === 0) return byPage;
  const users = await store.listUsers();
  for (const notification of held) {
    const person =
      users.find((user) => user.email === notification.destination)?.name ??
      notification.destination;
    const list = byPage.get(notification.pageId) ?? [];
    list.push({ person, until: notification.nextAttemptAt });
    byPage.set(notification.pageId, list);
  }
  return byPage;
}

/** The e-mails of a low-urgency page still waiting for their person's working hours. */
function heldEmails(notifications: readonly NotificationRecord[], atMs: number) {
  return notifications.filter(
    (notification) =>
      notification.channel === 'email' &&
      notification.status === 'pending' &&
      notification.nextAttemptAt > atMs &&
      (notification.message as Partial<NotificationMessage>).lowUrgency === true,
  );
}

function personEntries(
  notification: EscalationNotification,
  page: Page,
  users: readonly UserRecord[],
  context: PagingContext,
  key: string,
  atMs: number,
  runbooks: readonly RunbookReference[],
): OutboxEntry[] {
  const step = { level: notification.level, attempt: notification.attempt };
  return notification.users.flatMap((name) => {
    const email = users.find((user) => user.name === name)?.email;
    if (email === null || email === undefined) return [];
    return [
      {
        pageId: page.id,
        status: 'pending' as const,
        nextAttemptAt: atMs,
        createdAt: atMs,
        key: `${notification.key}/email/${name}`,
        channel: 'email' as const,
        destination: email,
        message: messageFor(page, step, links(context, key, page.id, name), runbooks),
      },
    ];
  });
}

/**
 * Channels hear of every step once, even one whose people could not be reached (a gap
 * in a schedule is exactly when a team channel must know), with links that act as the
 * channel.
 */
function channelEntries(
  reached: readonly { level: number; attempt: number }[],
  page: Page,
  policy: EscalationPolicyResource | undefined,
  context: PagingContext,
  key: string,
  atMs: number,
  runbooks: readonly RunbookReference[],
): OutboxEntry[] {
  const pageLinks = links(context, key, page.id, 'channel');
  return reached.flatMap((step) => {
    const message: NotificationMessage = messageFor(page, step, pageLinks, runbooks);
    return (policy?.channels ?? []).map((channel, index) => ({
      pageId: page.id,
      status: 'pending' as const,
      nextAttemptAt: atMs,
      createdAt: atMs,
      key: `${page.id}/${String(step.attempt)}/${String(step.level)}/channel/${String(index)}`,
      channel: channel.kind,
      destination:
        channel.kind === 'webhook'
          ? JSON.stringify({ url: channel.url, secret: channel.secret })
          : channel.url,
      message,
    }));
  });
}

function links(
  context: PagingContext,
  key: string,
  pageId: string,
  user: string,
): NonNullable<NotificationMessage['links']> {
  const act = (action: string) =>
    `${context.publicUrl}/act/pages/${encodeURIComponent(pageId)}/${action}?user=${encodeURIComponent(user)}&sig=${linkSignature(key, pageId, action, user)}`;
  return {
    page: `${context.publicUrl}/pages/${encodeURIComponent(pageId)}`,
    acknowledge: act('acknowledge'),
    resolve: act('resolve'),
  };
}
