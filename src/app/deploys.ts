// Deploys as CI records them, and what they did to the budget: for each deploy, the
// budget spent in the hour before it and in the hour after, and per service the share
// of deploys followed by a page-level burn alert or an incident (change failure).
import { randomBytes } from 'node:crypto';
import type { SloStatus } from '../core/slo/status.js';
import { formatDuration } from '../core/time/duration.js';
import type { DeployBudget, DeployInput } from '../schema/deploys.js';
import { AppError, invalid, notFound } from './errors.js';
import { idempotencyKeyOf } from './idempotency-key.js';
import type { DeployRecord } from './ports/records.js';
import type { AppDependencies, LiveSlo } from './ports/slo-catalog.js';
import { actorOf, requireReader, requireTeamEditor, type Principal } from './principal.js';
import { statusesOf } from './slo-status.js';

const CATALOG_FRESHNESS_MS = 250;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
/** As for events: a deploy cannot be recorded further ahead of the server's clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Change failure looks at no more deploys than this at once. */
const MAX_CHANGE_FAILURE_DEPLOYS = 10_000;
/** The label CI gates a rollback with (policies' unlessLabels name it too). */
const ROLLBACK_LABEL = 'rollback';

/**
 * Editors of the service's team (and admins) record its deploys: CI runs with their
 * token. With an Idempotency-Key, a request sent again after its answer was lost finds
 * the deploy the first one stored (`replayed`) instead of recording the change twice.
 */
export async function recordDeploy(
  deps: AppDependencies,
  principal: Principal,
  input: DeployInput,
  idempotencyKey?: string,
): Promise<DeployWithBudget & { readonly replayed: boolean }> {
  requireReader(principal);
  const key = idempotencyKeyOf(idempotencyKey);
  const { store, clock, catalog } = deps;
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const service = catalog.service(input.service);
  if (service === undefined) throw notFound(`service "${input.service}"`);
  requireTeamEditor(principal, service.team ?? null, `recording a deploy of "${service.name}"`);
  const now = clock.now();
  const at = input.at === undefined ? now : Date.parse(input.at);
  if (at > now + MAX_CLOCK_SKEW_MS) {
    throw invalid('the deploy is in the future', [
      {
        path: 'at',
        message: `at is more than 5 minutes ahead of the server's clock (${new Date(now).toISOString()})`,
      },
    ]);
  }
  let decisionAllowed: boolean | null = null;
  let labels: readonly string[] = input.labels;
  if (input.decision !== undefined) {
    // Its id was answered only after it was stored: it is there to read.
    const decision = await store.getDeployDecision(input.decision);
    if (decision === undefined) {
      throw invalid('the decision does not exist', [
        {
          path: 'decision',
          message: `no gate decision "${input.decision}"; decision takes the id the gate answered (dec_…)`,
        },
      ]);
    }
    if (decision.service !== service.name) {
      throw invalid('the decision is not one of this service', [
        {
          path: 'decision',
          message: `gate decision "${input.decision}" is for service "${decision.service}"`,
        },
      ]);
    }
    // A deploy that went out against a denial happened all the same: it is kept, and
    // says so wherever deploys are shown.
    decisionAllowed = decision.allowed;
    // The deploy is the one the gate was asked about: without labels of its own it
    // carries the ones it was gated with, so that a rollback let out as a rollback is
    // counted as one (change failure).
    if (labels.length === 0) labels = decision.labels;
  }
  const deploy: DeployRecord = {
    id: `dep_${randomBytes(8).toString('hex')}`,
    service: service.name,
    status: input.status,
    version: input.version ?? null,
    commit: input.commit ?? null,
    labels,
    actor: input.actor,
    at,
    decisionId: input.decision ?? null,
    decisionAllowed,
    recordedBy: actorOf(principal),
    recordedAt: now,
  };
  // Not in the audit log: deploys are not configuration, and every audited change
  // makes each instance reload its definitions.
  const stored = await store.insertDeploy(deploy, key);
  const replayed = stored.id !== deploy.id;
  if (replayed) requireSameDeploy(stored, deploy, input.at !== undefined);
  return {
    deploy: stored,
    budget: await new BudgetReader(deps).around(stored.service, stored.at),
    replayed,
  };
}

/**
 * A key names one deploy: a request with the key of another is refused (409), naming
 * what differs, rather than answered with a deploy it did not describe. `at` counts
 * only when the request gave it; without it, the first request's instant stands.
 */
function requireSameDeploy(stored: DeployRecord, asked: DeployRecord, atGiven: boolean): void {
  const fields: [string, unknown, unknown][] = [
    ['status', stored.status, asked.status],
    ['version', stored.version, asked.version],
    ['commit', stored.commit, asked.commit],
    ['labels', stored.labels, asked.labels],
    ['actor', stored.actor, asked.actor],
    ['decision', stored.decisionId, asked.decisionId],
    ...(atGiven ? [['at', stored.at, asked.at] as [string, unknown, unknown]] : []),
  ];
  const differing = fields.filter(([, was, is]) => JSON.stringify(was) !== JSON.stringify(is));
  if (differing.length === 0) return;
  throw new AppError(
    'CONFLICT',
    `this Idempotency-Key was used for deploy ${stored.id}, which differs; send a new key for a new deploy`,
    differing.map(([path, was, is]) => ({
      path,
      message: `${show(is)} here, ${show(was)} in deploy ${stored.id}`,
    })),
  );
}

function show(value: unknown): string {
  if (value === null) return 'none';
  if (typeof value === 'number') return new Date(value).toISOString();
  return JSON.stringify(value);
}

/**
 * A list filtered by a service that does not exist would answer an empty list, which
 * reads as "nothing happened" when the name is misspelt: 404, as for the policies. A
 * service gone from the config but still in the store is one (its history is there).
 */
export async function requireServiceExists(deps: AppDependencies, name: string): Promise<void> {
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  if (deps.catalog.service(name) !== undefined) return;
  if ((await deps.store.getService(name)) === undefined) throw notFound(`service "${name}"`);
}

export interface DeployWithBudget {
  readonly deploy: DeployRecord;
  readonly budget: DeployBudget[];
}

export async function listDeploys(
  deps: AppDependencies,
  principal: Principal,
  query: {
    readonly service?: string | undefined;
    readonly status?: DeployRecord['status'] | undefined;
    readonly fromMs?: number | undefined;
    readonly toMs?: number | undefined;
    readonly before?: string | undefined;
    readonly limit: number;
  },
): Promise<DeployWithBudget[]> {
  requireReader(principal);
  if (query.service !== undefined) await requireServiceExists(deps, query.service);
  // An unknown cursor would answer an empty page, which reads as "no older deploys".
  if (query.before !== undefined && (await deps.store.getDeploy(query.before)) === undefined) {
    throw invalid('unknown page cursor', [
      {
        path: 'before',
        message: `no deploy "${query.before}"; before takes the id of the last deploy of the previous page (dep_…)`,
      },
    ]);
  }
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const deploys = await deps.store.listDeploys({
    ...(query.service === undefined ? {} : { service: query.service }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.fromMs === undefined ? {} : { fromMs: query.fromMs }),
    ...(query.toMs === undefined ? {} : { toMs: query.toMs }),
    ...(query.before === undefined ? {} : { before: query.before }),
    limit: query.limit,
  });
  const budgets = new BudgetReader(deps);
  const listed: DeployWithBudget[] = [];
  for (const deploy of deploys) {
    listed.push({ deploy, budget: await budgets.around(deploy.service, deploy.at) });
  }
  return listed;
}

/** One deploy, with the budget around it as the list gives it. */
export async function getDeploy(
  deps: AppDependencies,
  principal: Principal,
  id: string,
): Promise<DeployWithBudget> {
  requireReader(principal);
  const deploy = await deps.store.getDeploy(id);
  if (deploy === undefined) throw notFound(`deploy "${id}"`);
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  return { deploy, budget: await new BudgetReader(deps).around(deploy.service, deploy.at) };
}

/**
 * Statuses of a service's SLOs at instants around deploys, each instant read once:
 * deploys an hour apart share one.
 */
class BudgetReader {
  private readonly cache = new Map<string, Promise<SloStatus[]>>();

  constructor(private readonly deps: AppDependencies) {}

  /** For every SLO of the service, or for the ones given. */
  async around(
    service: string,
    atMs: number,
    entries: readonly LiveSlo[] = this.deps.catalog.slosOf(service),
  ): Promise<DeployBudget[]> {
    if (entries.length === 0) return [];
    const now = this.deps.clock.now();
    const [before, at, after] = await Promise.all([
      this.statuses(service, entries, atMs - HOUR_MS),
      this.statuses(service, entries, atMs),
      atMs + HOUR_MS <= now ? this.statuses(service, entries, atMs + HOUR_MS) : undefined,
    ]);
    return entries.flatMap((entry) => {
      const start = find(before, entry);
      const middle = find(at, entry);
      if (start === undefined || middle === undefined) return [];
      const end = after === undefined ? undefined : find(after, entry);
      return [
        {
          slo: entry.slo.name,
          before: hour(start, middle),
          after: end === undefined ? null : hour(middle, end),
        },
      ];
    });
  }

  private statuses(service: string, entries: readonly LiveSlo[], atMs: number) {
    const key = `${service}\u0000${entries.map((entry) => entry.slo.name).join(',')}\u0000${atMs}`;
    let statuses = this.cache.get(key);
    if (statuses === undefined) {
      statuses = statusesOf(this.deps, entries, atMs);
      this.cache.set(key, statuses);
    }
    return statuses;
  }
}

function find(statuses: readonly SloStatus[], entry: LiveSlo): SloStatus | undefined {
  return statuses.find((status) => status.slo === entry.slo.name);
}

/**
 * The budget over one hour, from the statuses at its ends: what the remaining budget
 * did (what a budget chart shows), and the 1h burn rate at its end, which is the
 * hour's own pace and unaffected by events leaving the window's far end.
 */
function hour(start: SloStatus, end: SloStatus): DeployBudget['before'] {
  return {
    from: start.at,
    to: end.at,
    remainingAtStart: start.errorBudget.remaining,
    remainingAtEnd: end.errorBudget.remaining,
    consumed: start.errorBudget.remaining - end.errorBudget.remaining,
    burnRate: end.burnRates['1h'],
  };
}

/** Most deploy marks one chart shows; a chart of a year of hourly deploys shows the last ones. */
const MAX_DEPLOY_MARKS = 500;

/** Deploys of an SLO's service recorded in [fromMs, toMs], oldest first. */
export async function deploysOfSlo(
  { store, catalog }: AppDependencies,
  principal: Principal,
  slo: string,
  range: { readonly fromMs: number; readonly toMs: number },
): Promise<DeployRecord[]> {
  requireReader(principal);
  const entry = catalog.get(slo);
  if (entry === undefined) throw notFound(`SLO "${slo}"`);
  const deploys = await store.listDeploys({
    service: entry.slo.service,
    fromMs: range.fromMs,
    toMs: range.toMs + 1,
    limit: MAX_DEPLOY_MARKS,
  });
  return deploys.reverse();
}

/** A deploy on an SLO's chart or status, with what it did to that SLO's budget. */
export interface SloDeployMark {
  readonly deploy: DeployRecord;
  /** null: not read (older than the latest `impacts` deploys) or no status there. */
  readonly budget: DeployBudget | null;
}

/**
 * Deploys of an SLO's service in [fromMs, toMs], oldest first; the budget before and
 * after is read for the latest `impacts` of them only: each costs three statuses, and
 * for a Prometheus SLI three queries.
 */
export async function deployMarksOfSlo(
  deps: AppDependencies,
  principal: Principal,
  slo: string,
  range: { readonly fromMs: number; readonly toMs: number },
  impacts: number,
): Promise<SloDeployMark[]> {
  const deploys = await deploysOfSlo(deps, principal, slo, range);
  const entry = deps.catalog.get(slo);
  const budgets = new BudgetReader(deps);
  const firstRead = deploys.length - impacts;
  const marks: SloDeployMark[] = [];
  for (const [index, deploy] of deploys.entries()) {
    const budget =
      entry === undefined || index < firstRead
        ? undefined
        : (await budgets.around(deploy.service, deploy.at, [entry]))[0];
    marks.push({ deploy, budget: budget ?? null });
  }
  return marks;
}

export interface ChangeFailureRequest {
  readonly fromMs: number | undefined;
  readonly toMs: number | undefined;
  readonly withinMinutes: number;
}

export async function changeFailure(
  deps: AppDependencies,
  principal: Principal,
  serviceName: string,
  request: ChangeFailureRequest,
) {
  requireReader(principal);
  const { store, clock, catalog, incidents } = deps;
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const service = catalog.service(serviceName) ?? (await store.getService(serviceName));
  if (service === undefined) throw notFound(`service "${serviceName}"`);
  const to = request.toMs ?? clock.now();
  const from = request.fromMs ?? to - 30 * DAY_MS;
  if (from >= to) {
    throw invalid('from must be before to', [{ path: 'from', message: 'from must be before to' }]);
  }
  if (request.withinMinutes < 1) {
    throw invalid('within must be at least a minute', [
      { path: 'within', message: 'within is a duration such as 30m or 1h' },
    ]);
  }
  const withinMs = request.withinMinutes * 60_000;
  const [records, pages, opened] = await Promise.all([
    // From `within` before the period: a page early in it is blamed on the deploy before.
    store.listDeploys({
      service: serviceName,
      fromMs: from - withinMs,
      toMs: to + withinMs + 1,
      limit: MAX_CHANGE_FAILURE_DEPLOYS,
    }),
    store.listAlertTransitions({
      service: serviceName,
      transition: 'started',
      severity: 'page',
      fromMs: from,
      toMs: to + withinMs + 1,
      limit: 100_000,
    }),
    incidents.incidentsOpened(serviceName, from, to + withinMs + 1),
  ]);
  const chronological = [...records].sort((a, b) => a.at - b.at || compareText(a.id, b.id));
  const inPeriod = (at: number) => at >= from && at < to;
  // A change is a `finished` deploy. A rollback says the change out at the time failed:
  // the latest change before it, whichever version it names (CI records either the
  // version rolled back or the one gone back to). It is not a change of its own. A
  // rollback is a `rolled_back` record, or a `finished` deploy labelled rollback: the
  // rollback commit CI gated with --label rollback and deployed like any other.
  const isRollback = (deploy: DeployRecord) =>
    deploy.status === 'rolled_back' ||
    (deploy.status === 'finished' && deploy.labels.includes(ROLLBACK_LABEL));
  const changes = chronological.filter(
    (deploy) => deploy.status === 'finished' && !isRollback(deploy),
  );
  const rolledBackOf = new Map<string, DeployRecord[]>();
  for (const rollback of chronological.filter(isRollback)) {
    const target = changes.filter((deploy) => deploy.at <= rollback.at).at(-1);
    if (target === undefined) continue;
    rolledBackOf.set(target.id, [...(rolledBackOf.get(target.id) ?? []), rollback]);
  }
  // Each page or incident is blamed on the latest change before it within `within`
  // only, never on every change in the window; one already under way when the change
  // went out is not blamed on it.
  const blamed = (at: number): DeployRecord | undefined =>
    changes.filter((deploy) => at > deploy.at && at <= deploy.at + withinMs).at(-1);
  const pagesOf = new Map<string, typeof pages>();
  for (const page of pages) {
    const deploy = blamed(page.at);
    if (deploy !== undefined) pagesOf.set(deploy.id, [...(pagesOf.get(deploy.id) ?? []), page]);
  }
  const incidentsOf = new Map<string, typeof opened>();
  for (const incident of opened) {
    const deploy = blamed(incident.openedAt);
    if (deploy !== undefined) {
      incidentsOf.set(deploy.id, [...(incidentsOf.get(deploy.id) ?? []), incident]);
    }
  }
  const items = changes
    .filter((deploy) => inPeriod(deploy.at))
    .map((deploy) => ({
      deploy: deploy.id,
      at: iso(deploy.at),
      version: deploy.version,
      status: deploy.status,
      failedBy: [
        ...(rolledBackOf.get(deploy.id) ?? []).map((rollback) => ({
          kind: 'rollback' as const,
          deploy: rollback.id,
          at: iso(rollback.at),
        })),
        ...(pagesOf.get(deploy.id) ?? [])
          .sort((a, b) => a.at - b.at || compareText(a.rule, b.rule))
          .map((page) => ({
            kind: 'pageAlert' as const,
            slo: page.slo,
            rule: page.rule,
            at: iso(page.at),
          })),
        ...(incidentsOf.get(deploy.id) ?? []).map((incident) => ({
          kind: 'incident' as const,
          id: incident.id,
          title: incident.title ?? null,
          at: iso(incident.openedAt),
        })),
      ],
    }));
  const failed = items.filter((item) => item.failedBy.length > 0).length;
  return {
    service: serviceName,
    from: iso(from),
    to: iso(to),
    within: formatDuration(request.withinMinutes),
    deploys: items.length,
    failed,
    rate: items.length === 0 ? null : failed / items.length,
    failedToDeploy: chronological.filter(
      (deploy) => deploy.status === 'failed' && inPeriod(deploy.at),
    ).length,
    items,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
