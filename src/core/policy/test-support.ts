// Builders for the policy tests: a policy, a service and facts with sensible
// defaults, so that each test spells out only what it is about.
import { compilePolicy, type CompiledPolicy } from './compile.js';
import type { GateInput } from './decision.js';
import type {
  Approval,
  ErrorBudgetPolicy,
  FiringAlert,
  GateFacts,
  GateService,
  PolicyFreezes,
  PolicyRule,
  SloFacts,
} from './model.js';

/** Epoch ms of an ISO instant written with its offset; a typo fails the test, not NaN. */
export function at(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
}

export const NO_FREEZES: PolicyFreezes = { holidays: [], windows: [], adHoc: [] };

export function policy(fields: Partial<ErrorBudgetPolicy> = {}): ErrorBudgetPolicy {
  return {
    name: 'payments-default',
    appliesTo: { all: false, services: ['checkout'], teams: [] },
    rules: [],
    freezes: NO_FREEZES,
    incidentFreeze: undefined,
    approvals: undefined,
    onUnavailable: 'deny',
    ...fields,
  };
}

export function rule(
  name: string,
  when: PolicyRule['when'],
  effect: PolicyRule['effect'],
  unlessLabels: readonly string[] = [],
): PolicyRule {
  return { name, when, effect, unlessLabels };
}

export const SRE_APPROVALS = { roles: ['sre-lead', 'eng-manager'], maxDurationMinutes: 24 * 60 };

export const CHECKOUT: GateService = {
  name: 'checkout',
  team: 'payments',
  tier: 'critical',
  dependencies: [
    { service: 'payments-db', critical: true },
    { service: 'recommendations', critical: false },
  ],
};

export function slo(name: string, remaining: number, firingAlerts: FiringAlert[] = []): SloFacts {
  return {
    name,
    remaining,
    exhausted: remaining <= 0,
    objective: 0.999,
    // The SLI that leaves `remaining` of a 99.9 % budget.
    sli: 1 - 0.001 * (1 - remaining),
    window: { type: 'rolling', length: '30d' },
    firingAlerts,
  };
}

export const PAGE_ALERT: FiringAlert = {
  severity: 'page',
  longWindow: '1h',
  shortWindow: '5m',
  factor: 14.4,
  longBurnRate: 15.2,
  shortBurnRate: 16.8,
};

export const TICKET_ALERT: FiringAlert = {
  severity: 'ticket',
  longWindow: '1d',
  shortWindow: '2h',
  factor: 3,
  longBurnRate: 3.5,
  shortBurnRate: 4,
};

export const HEALTHY: GateFacts = {
  slos: [slo('checkout-availability', 0.8), slo('checkout-latency', 0.95)],
  openIncidents: [],
  approvals: [],
};

export function approval(fields: Partial<Approval> = {}): Approval {
  return {
    id: 'apr-1',
    service: 'checkout',
    approver: 'bob',
    approverRoles: ['sre-lead'],
    requester: undefined,
    reason: 'hotfix for the coupon bug, reviewed',
    grantedAtMs: at('2026-06-10T09:00:00Z'),
    expiresAtMs: at('2026-06-10T17:00:00Z'),
    scope: 'all',
    ...fields,
  };
}

export function gateInput(
  policies: readonly (ErrorBudgetPolicy | CompiledPolicy)[],
  fields: {
    labels?: readonly string[];
    actor?: string;
    requestedBy?: string;
    facts?: Partial<GateFacts>;
    service?: GateService;
  } = {},
): GateInput {
  const service = fields.service ?? CHECKOUT;
  return {
    request: {
      service: service.name,
      labels: fields.labels ?? [],
      actor: fields.actor ?? 'alice',
      requestedBy: fields.requestedBy,
    },
    service,
    policies: policies.map((each) => ('policy' in each ? each : compilePolicy(each))),
    facts: { ...HEALTHY, ...fields.facts },
  };
}
