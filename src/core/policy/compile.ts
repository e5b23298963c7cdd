// A policy prepared for the gate: freezes compiled (zones, shared holiday
// calendars), rules checked against each other, and an index from services to the
// policies that apply to them. The gate is asked a thousand times a second with a
// thousand policies loaded; everything that does not depend on the request or the
// instant is done here, once per policy.
import { compileFreezes, type CompiledFreezes } from './freezes.js';
import {
  INCIDENT_FREEZE_RULE,
  type ErrorBudgetPolicy,
  type GateService,
  type IncidentFreezeSpec,
  type OnUnavailable,
  type PolicyRule,
} from './model.js';

export interface CompiledPolicy {
  readonly policy: ErrorBudgetPolicy;
  readonly name: string;
  readonly rules: readonly PolicyRule[];
  readonly freezes: CompiledFreezes;
  readonly incidentFreeze: IncidentFreezeSpec | undefined;
  /** Roles that may approve; empty when the policy takes no approvals. */
  readonly approvalRoles: readonly string[];
  readonly maxApprovalMs: number;
  readonly onUnavailable: OnUnavailable;
}

/**
 * Compiles one policy. Throws a RangeError for what the schema refuses too (a rule
 * naming a freeze that does not exist, an approval rule without approver roles,
 * an unknown zone or country), so that a policy built in code cannot be wrong
 * in a way the gate would silently read as "no freeze".
 */
export function compilePolicy(policy: ErrorBudgetPolicy): CompiledPolicy {
  const where = `policy "${policy.name}"`;
  const freezes = compileFreezes(policy.freezes);
  const freezeNames = new Set(freezes.list.map((freeze) => freeze.name));
  const ruleNames = new Set<string>();
  for (const rule of policy.rules) {
    if (rule.name === INCIDENT_FREEZE_RULE) {
      throw new RangeError(`${where}: the rule name "${INCIDENT_FREEZE_RULE}" is reserved`);
    }
    if (ruleNames.has(rule.name)) {
      throw new RangeError(`${where}: two rules are named "${rule.name}"`);
    }
    ruleNames.add(rule.name);
    const { when } = rule;
    if (when.kind === 'freeze' && when.freezes !== 'all') {
      const unknown = when.freezes.filter((name) => !freezeNames.has(name));
      if (unknown.length > 0) {
        throw new RangeError(
          `${where}: rule "${rule.name}" names freezes that do not exist: ${unknown.join(', ')}`,
        );
      }
    }
    if (when.kind === 'budgetBelow' && !(when.percent > 0 && when.percent <= 100)) {
      throw new RangeError(
        `${where}: rule "${rule.name}": budgetBelow ${when.percent} is not a percentage above 0 and at most 100`,
      );
    }
  }
  const needsApproval =
    policy.rules.some((rule) => rule.effect === 'requireApproval') ||
    policy.incidentFreeze?.effect === 'requireApproval';
  const roles = policy.approvals?.roles ?? [];
  if (needsApproval && roles.length === 0) {
    throw new RangeError(`${where} requires approvals but names no role that may give them`);
  }
  return {
    policy,
    name: policy.name,
    rules: policy.rules,
    freezes,
    incidentFreeze: policy.incidentFreeze,
    approvalRoles: roles,
    maxApprovalMs: (policy.approvals?.maxDurationMinutes ?? 0) * 60_000,
    onUnavailable: policy.onUnavailable,
  };
}

const MAX_CACHED_SERVICES = 100_000;

/** Which policies apply to which service: by name, by owning team, or to all. */
export class PolicyIndex {
  private readonly forAll: readonly number[];
  private readonly byService = new Map<string, number[]>();
  private readonly byTeam = new Map<string, number[]>();
  private readonly cache = new Map<string, readonly CompiledPolicy[]>();

  constructor(readonly policies: readonly CompiledPolicy[]) {
    const forAll: number[] = [];
    policies.forEach((compiled, index) => {
      const { appliesTo } = compiled.policy;
      if (appliesTo.all) forAll.push(index);
      for (const service of appliesTo.services) add(this.byService, service, index);
      for (const team of appliesTo.teams) add(this.byTeam, team, index);
    });
    this.forAll = forAll;
  }

  /** The policies that apply to the service, in the order they were given, each once. */
  forService(service: Pick<GateService, 'name' | 'team'>): readonly CompiledPolicy[] {
    const key = `${service.name}\u0000${service.team ?? ''}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const indices = new Set([
      ...this.forAll,
      ...(this.byService.get(service.name) ?? []),
      ...(service.team === undefined ? [] : (this.byTeam.get(service.team) ?? [])),
    ]);
    const found = [...indices]
      .sort((a, b) => a - b)
      .flatMap((index) => {
        const policy = this.policies[index];
        return policy === undefined ? [] : [policy];
      });
    if (this.cache.size >= MAX_CACHED_SERVICES) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }
}

function add(map: Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [index]);
  else if (!list.includes(index)) list.push(index);
}
