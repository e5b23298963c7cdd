// The deploy gate: may this deploy of this service go out now? The facts come from
// what the server already holds: the compiled policies that apply (the catalog keeps
// them per config change), the SLOs' current statuses, open incidents, and the
// approvals given for the service. The decision itself is core/policy/decide.ts; it is
// answered once it is kept (decision-log.ts: committed with the others of its moment).
import { randomUUID } from 'node:crypto';
import { decideDeploy } from '../core/policy/decide.js';
import type { DeployDecision } from '../core/policy/decision.js';
import {
  sloFactsFromStatus,
  sloWindowFacts,
  type GateFacts,
  type SloFacts,
} from '../core/policy/model.js';
import { fractionValue } from '../core/slo/fraction.js';
import type { Service } from '../core/slo/model.js';
import type { SloStatus } from '../core/slo/status.js';
import type { GateRequest } from '../schema/policy.js';
import { approvalOf } from './approvals.js';
import { requireServiceExists } from './deploys.js';
import type { DecisionLog } from './decision-log.js';
import { invalid, notFound } from './errors.js';
import type { DeployDecisionRecord } from './ports/records.js';
import type { AppDependencies, LiveSlo } from './ports/slo-catalog.js';
import { actorOf, requireReader, type Principal } from './principal.js';
import { statusesOf } from './slo-status.js';

/** Catalog reads may be this stale on an instance that did not take the write itself. */
const CATALOG_FRESHNESS_MS = 250;

export async function checkDeploy(
  deps: AppDependencies,
  log: DecisionLog,
  principal: Principal,
  request: GateRequest,
): Promise<DeployDecisionRecord> {
  requireReader(principal);
  const { catalog, clock, incidents } = deps;
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const service = catalog.service(request.service);
  if (service === undefined) throw notFound(`service "${request.service}"`);
  const policies = catalog.policies().index.forService(service);
  const now = clock.now();

  // No policy: nothing to enforce, and nothing to read.
  let facts: GateFacts = { slos: [], openIncidents: [], approvals: [] };
  if (policies.length > 0) {
    const entries = catalog.slosOf(service.name);
    const needsApprovals = policies.some((policy) => policy.approvalRoles.length > 0);
    const needsIncidents = policies.some((policy) => policy.incidentFreeze !== undefined);
    const approvals = needsApprovals ? catalog.approvalsOf(service.name) : [];
    const [statuses, openIncidents] = await Promise.all([
      statusesOf(deps, entries, undefined),
      needsIncidents
        ? incidents.openIncidents(
            [service.name, ...service.dependencies.map((dependency) => dependency.service)],
            now,
          )
        : [],
    ]);
    facts = {
      slos: sloFacts(entries, new Map(statuses.map((status) => [status.slo, status]))),
      openIncidents,
      approvals: approvals.map((approval) =>
        approvalOf(approval, catalog.rolesOf(approval.approver)),
      ),
    };
  }

  const asking = principal.kind === 'token' ? (principal.user ?? undefined) : undefined;
  const decision = decideFor(
    service,
    policies,
    facts,
    { labels: request.labels, actor: request.actor, requestedBy: asking },
    now,
  );
  const record: DeployDecisionRecord = {
    id: decisionId(now),
    at: now,
    service: service.name,
    actor: request.actor,
    requestedBy: actorOf(principal),
    allowed: decision.allowed,
    version: request.version ?? null,
    commit: request.commit ?? null,
    labels: request.labels,
    decision,
  };
  await log.keep(record);
  return record;
}

/**
 * `dec_`, the decision's millisecond in 12 hex digits, then 80 random bits: 32 hex
 * digits, as the ids were when they were wholly random. Ids that grow with time land
 * at the right edge of the unique index instead of on a random page of it, so a
 * commit dirties fewer pages and a WAL checkpoint has fewer to copy back: in a
 * one-commit-per-millisecond run against a 100k-row table the slowest commits took
 * about half as long. 80 random bits per millisecond leave collisions out of reach.
 * The randomness comes from randomUUID's pool (randomBytes per check showed in
 * profiles); its version and variant digits are left out.
 */
export function decisionId(at: number): string {
  const random = randomUUID();
  return `dec_${at.toString(16).padStart(12, '0')}${random.slice(0, 8)}${random.slice(9, 13)}${random.slice(28, 36)}`;
}

/** The policy decision for a deploy of `service` by `request.actor` with its labels. */
export function decideFor(
  service: Service,
  policies: Parameters<typeof decideDeploy>[0]['policies'],
  facts: GateFacts,
  request: {
    readonly labels: readonly string[];
    readonly actor: string;
    readonly requestedBy?: string | undefined;
  },
  now: number,
): DeployDecision {
  return decideDeploy(
    {
      request: {
        service: service.name,
        labels: request.labels,
        actor: request.actor,
        requestedBy: request.requestedBy,
      },
      service: {
        name: service.name,
        team: service.team,
        tier: service.tier,
        dependencies: service.dependencies,
      },
      policies,
      facts,
    },
    now,
  );
}

/**
 * Each SLO's facts from its status, by SLO name. An SLO without a status (its source
 * gave none) is unknown, like one whose source could not be read: never silently healthy.
 */
export function sloFacts(
  entries: readonly LiveSlo[],
  statuses: ReadonlyMap<string, SloStatus>,
): SloFacts[] {
  return entries.map((entry) => {
    const status = statuses.get(entry.slo.name);
    if (status !== undefined) return sloFactsFromStatus(status);
    return {
      name: entry.slo.name,
      remaining: 1,
      exhausted: false,
      objective: fractionValue(entry.slo.objective),
      sli: null,
      window: sloWindowFacts(entry.slo.window),
      firingAlerts: [],
      unknown: { reason: 'no status could be computed', numbersAt: null },
    };
  });
}

// Reads need not wait for the decision log: a decision is answered only once stored.
export async function listDecisions(
  deps: AppDependencies,
  principal: Principal,
  query: {
    readonly service?: string | undefined;
    readonly before?: string | undefined;
    readonly limit: number;
  },
): Promise<DeployDecisionRecord[]> {
  requireReader(principal);
  const { store } = deps;
  if (query.service !== undefined) await requireServiceExists(deps, query.service);
  // An unknown cursor would answer an empty page, which reads as "no more decisions".
  if (query.before !== undefined && (await store.getDeployDecision(query.before)) === undefined) {
    throw invalid('unknown page cursor', [
      {
        path: 'before',
        message: `no gate decision "${query.before}"; before takes the id of the last decision of the previous page (dec_…)`,
      },
    ]);
  }
  return store.listDeployDecisions({
    ...(query.service === undefined ? {} : { service: query.service }),
    ...(query.before === undefined ? {} : { before: query.before }),
    limit: query.limit,
  });
}

export async function getDecision(
  { store }: AppDependencies,
  principal: Principal,
  id: string,
): Promise<DeployDecisionRecord> {
  requireReader(principal);
  const decision = await store.getDeployDecision(id);
  if (decision === undefined) throw notFound(`gate decision "${id}"`);
  return decision;
}
