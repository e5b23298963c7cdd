// The deploy gate asked without a deploy: would a deploy of each service, with no
// labels, go out now? The same facts and the same core decision as a check
// (deploy-gate.ts), but nothing is recorded: screens ask this every time they load,
// and the decision log is for deploys that were really attempted.
import type { DeployDecision } from '../core/policy/decision.js';
import type { GateFacts } from '../core/policy/model.js';
import type { Service } from '../core/slo/model.js';
import type { SloStatus } from '../core/slo/status.js';
import { approvalOf } from './approvals.js';
import { decideFor, sloFacts } from './deploy-gate.js';
import { notFound } from './errors.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { requireReader, type Principal } from './principal.js';
import { statusesOf } from './slo-status.js';

/** Catalog reads may be this stale on an instance that did not take the write itself. */
const CATALOG_FRESHNESS_MS = 250;

/**
 * Who the preview deploys as. Not a person: approvals for anyone's deploys count,
 * approvals for one person's do not, and no approver is ever the deployer. It reads
 * well in the gate's messages ("an approval … other than the deployer").
 */
export const PREVIEW_ACTOR = 'the deployer';

/** `approval`: every reason left can be lifted by an approval; `denied`: some cannot. */
export type GateState = 'allowed' | 'approval' | 'denied';

export interface GatePreview {
  readonly service: string;
  readonly state: GateState;
  readonly decision: DeployDecision;
}

export function gateStateOf(decision: DeployDecision): GateState {
  if (decision.allowed) return 'allowed';
  return decision.liftableBy === null ? 'denied' : 'approval';
}

/**
 * The gate's answer for each service named (in that order) at one instant. `statuses`:
 * SLO statuses already computed at `atMs`, by SLO name; the ones missing are computed.
 */
export async function previewGates(
  deps: AppDependencies,
  principal: Principal,
  services: readonly string[],
  options: { readonly atMs?: number; readonly statuses?: ReadonlyMap<string, SloStatus> } = {},
): Promise<GatePreview[]> {
  requireReader(principal);
  const { catalog, incidents } = deps;
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const now = options.atMs ?? deps.clock.now();
  const known = options.statuses ?? new Map<string, SloStatus>();
  const { index } = catalog.policies();

  const previews: GatePreview[] = [];
  for (const name of services) {
    const service = catalog.service(name);
    if (service === undefined) continue;
    const policies = index.forService(service);
    // No policy: nothing to enforce, and nothing to read.
    let facts: GateFacts = { slos: [], openIncidents: [], approvals: [] };
    if (policies.length > 0) {
      const entries = catalog.slosOf(service.name);
      const needsApprovals = policies.some((policy) => policy.approvalRoles.length > 0);
      const needsIncidents = policies.some((policy) => policy.incidentFreeze !== undefined);
      const missing = entries.filter((entry) => !known.has(entry.slo.name));
      const [computed, openIncidents] = await Promise.all([
        missing.length === 0 ? [] : statusesOf(deps, missing, options.atMs),
        needsIncidents ? incidents.openIncidents(watchedServices(service), now) : [],
      ]);
      const statuses = new Map(known);
      for (const status of computed) statuses.set(status.slo, status);
      facts = {
        slos: sloFacts(entries, statuses),
        openIncidents,
        approvals: needsApprovals
          ? catalog
              .approvalsOf(service.name)
              .map((approval) => approvalOf(approval, catalog.rolesOf(approval.approver)))
          : [],
      };
    }
    const decision = decideFor(service, policies, facts, { labels: [], actor: PREVIEW_ACTOR }, now);
    previews.push({ service: service.name, state: gateStateOf(decision), decision });
  }
  return previews;
}

/** One service's preview; a service the catalog does not know is not found. */
export async function previewGate(
  deps: AppDependencies,
  principal: Principal,
  service: string,
): Promise<GatePreview> {
  const [preview] = await previewGates(deps, principal, [service]);
  if (preview === undefined) throw notFound(`service "${service}"`);
  return preview;
}

function watchedServices(service: Service): string[] {
  return [service.name, ...service.dependencies.map((dependency) => dependency.service)];
}
