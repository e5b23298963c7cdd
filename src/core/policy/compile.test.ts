import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy, PolicyIndex } from './compile.js';
import type { ErrorBudgetPolicy, PolicyScope } from './model.js';
import { NO_FREEZES, policy, rule, SRE_APPROVALS } from './test-support.js';

const exhausted = rule('budget-exhausted', { kind: 'budgetExhausted' }, 'deny');

describe('compilePolicy', () => {
  it('refuses what the schema refuses, so that code-built policies cannot be silently wrong', () => {
    expect(() =>
      compilePolicy(policy({ rules: [exhausted, { ...exhausted, effect: 'requireApproval' }] })),
    ).toThrow(/two rules are named "budget-exhausted"/);
    expect(() =>
      compilePolicy(
        policy({ rules: [rule('incident-freeze', { kind: 'budgetExhausted' }, 'deny')] }),
      ),
    ).toThrow(/"incident-freeze" is reserved/);
    expect(() =>
      compilePolicy(
        policy({ rules: [rule('frozen', { kind: 'freeze', freezes: ['weekend'] }, 'deny')] }),
      ),
    ).toThrow(/names freezes that do not exist: weekend/);
    expect(() =>
      compilePolicy(policy({ rules: [rule('low', { kind: 'budgetBelow', percent: 0 }, 'deny')] })),
    ).toThrow(/budgetBelow 0 is not a percentage/);
    expect(() =>
      compilePolicy(
        policy({ rules: [rule('low', { kind: 'budgetBelow', percent: 25 }, 'requireApproval')] }),
      ),
    ).toThrow(/requires approvals but names no role/);
    expect(() =>
      compilePolicy(
        policy({
          incidentFreeze: { dependencies: 'critical', effect: 'requireApproval', unlessLabels: [] },
        }),
      ),
    ).toThrow(/requires approvals but names no role/);
    expect(() =>
      compilePolicy(
        policy({
          rules: [rule('frozen', { kind: 'freeze', freezes: 'all' }, 'deny')],
          freezes: {
            ...NO_FREEZES,
            windows: [
              {
                name: 'w',
                from: { day: 5, minute: 0 },
                to: { day: 1, minute: 0 },
                timeZone: 'Mars/Olympus',
              },
            ],
          },
        }),
      ),
    ).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it('keeps what the gate needs: roles, the longest approval, onUnavailable', () => {
    const compiled = compilePolicy(
      policy({
        rules: [rule('low', { kind: 'budgetBelow', percent: 25 }, 'requireApproval')],
        approvals: SRE_APPROVALS,
        onUnavailable: 'allow',
      }),
    );
    expect(compiled.approvalRoles).toEqual(['sre-lead', 'eng-manager']);
    expect(compiled.maxApprovalMs).toBe(24 * 3_600_000);
    expect(compiled.onUnavailable).toBe('allow');
  });
});

function scoped(name: string, appliesTo: Partial<PolicyScope>): ErrorBudgetPolicy {
  return policy({
    name,
    appliesTo: { all: false, services: [], teams: [], ...appliesTo },
    rules: [exhausted],
  });
}

describe('PolicyIndex', () => {
  const policies = [
    scoped('company', { all: true }),
    scoped('checkout-only', { services: ['checkout'] }),
    scoped('payments-team', { teams: ['payments'] }),
    scoped('both', { services: ['checkout'], teams: ['payments'] }),
    scoped('search-team', { teams: ['search'] }),
  ].map(compilePolicy);
  const index = new PolicyIndex(policies);
  const names = (service: { name: string; team: string | undefined }) =>
    index.forService(service).map((compiled) => compiled.name);

  it('finds policies by service, by owning team and for all, in the order given, each once', () => {
    expect(names({ name: 'checkout', team: 'payments' })).toEqual([
      'company',
      'checkout-only',
      'payments-team',
      'both',
    ]);
    expect(names({ name: 'refunds', team: 'payments' })).toEqual([
      'company',
      'payments-team',
      'both',
    ]);
    expect(names({ name: 'search-api', team: 'search' })).toEqual(['company', 'search-team']);
    expect(names({ name: 'legacy', team: undefined })).toEqual(['company']);
  });

  it('answers the same list again (cached) and agrees with a filter over all policies', () => {
    const services = fc.record({
      name: fc.constantFrom('checkout', 'refunds', 'search-api', 'legacy'),
      team: fc.option(fc.constantFrom('payments', 'search', 'growth'), { nil: undefined }),
    });
    fc.assert(
      fc.property(services, (service) => {
        const expected = policies.filter(
          ({ policy: { appliesTo } }) =>
            appliesTo.all ||
            appliesTo.services.includes(service.name) ||
            (service.team !== undefined && appliesTo.teams.includes(service.team)),
        );
        expect(index.forService(service)).toEqual(expected);
        expect(index.forService(service)).toBe(index.forService(service));
      }),
    );
  });
});
