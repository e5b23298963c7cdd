import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile.js';
import { decideDeploy, onUnavailableFor } from './decide.js';
import type { DeployDecision } from './decision.js';
import {
  sloFactsFromStatus,
  type ErrorBudgetPolicy,
  type IncidentFreezeSpec,
  type OpenIncident,
} from './model.js';
import {
  approval,
  at,
  gateInput,
  NO_FREEZES,
  PAGE_ALERT,
  policy,
  rule,
  slo,
  SRE_APPROVALS,
  TICKET_ALERT,
} from './test-support.js';
import type { SloStatus } from '../slo/status.js';
import { sliAgainstObjective } from './reasons.js';

const NOON = at('2026-06-10T12:00:00+02:00'); // a Wednesday with no freeze anywhere

/** The first example: an exhausted budget denies all but reliability work and rollbacks. */
const exhaustedDenies = rule('budget-exhausted', { kind: 'budgetExhausted' }, 'deny', [
  'reliability',
  'rollback',
]);
const pageDenies = rule('page-burn', { kind: 'burnAlert', severity: 'page' }, 'deny', ['rollback']);
const lowNeedsApproval = rule(
  'budget-low',
  { kind: 'budgetBelow', percent: 25 },
  'requireApproval',
  ['rollback'],
);

const standard = policy({
  rules: [exhaustedDenies, pageDenies, lowNeedsApproval],
  approvals: SRE_APPROVALS,
});

function reasonsOf(decision: DeployDecision) {
  return decision.reasons.map((reason) => `${reason.policy}/${reason.rule}`);
}

describe('decideDeploy: no policy, healthy budgets', () => {
  it('allows a deploy no policy applies to, and would allow it without the server too', () => {
    const decision = decideDeploy(gateInput([]), NOON);
    expect(decision).toEqual({
      service: 'checkout',
      actor: 'alice',
      at: '2026-06-10T10:00:00.000Z',
      allowed: true,
      policies: [],
      reasons: [],
      waived: [],
      approvalsApplied: [],
      approvalsRefused: [],
      liftableBy: null,
      onUnavailable: 'allow',
    });
  });

  it('allows a deploy when no rule matches, naming the policies it asked', () => {
    const decision = decideDeploy(gateInput([standard]), NOON);
    expect(decision.allowed).toBe(true);
    expect(decision.policies).toEqual(['payments-default']);
    expect(decision.reasons).toEqual([]);
    expect(decision.onUnavailable).toBe('deny');
  });

  it('refuses facts of another service than the request', () => {
    const input = gateInput([standard]);
    expect(() =>
      decideDeploy({ ...input, request: { ...input.request, service: 'search' } }, NOON),
    ).toThrow(/request is for service "search" but the facts are of "checkout"/);
  });
});

describe('sliAgainstObjective', () => {
  it('says what the budget is made of, for rolling and calendar windows and without events', () => {
    expect(sliAgainstObjective({ ...slo('a', 0.5), objective: 0.9995, sli: 0.99975 })).toBe(
      'SLI 99.975% over 30d against an objective of 99.95%',
    );
    const calendar = { type: 'calendar', length: 'quarter' } as const;
    expect(sliAgainstObjective({ ...slo('a', 1), sli: null, window: calendar })).toBe(
      'no events so far this quarter, against an objective of 99.9%',
    );
    // An SLI a hair under 1 never reads as 100 %: that would hide the failures.
    expect(sliAgainstObjective({ ...slo('a', 0.9999), sli: 0.9999999 })).toBe(
      'SLI 99.999% over 30d against an objective of 99.9%',
    );
  });
});

describe('decideDeploy: exhausted budget', () => {
  const exhausted = { slos: [slo('checkout-availability', -0.125), slo('checkout-latency', 0.6)] };

  it('denies, naming the rule, the SLO and its numbers, and that no approval lifts it', () => {
    const decision = decideDeploy(gateInput([standard], { facts: exhausted }), NOON);
    expect(decision.allowed).toBe(false);
    expect(decision.reasons).toHaveLength(2); // exhausted, and below 25 % too
    const [reason] = decision.reasons;
    expect(reason).toEqual({
      policy: 'payments-default',
      rule: 'budget-exhausted',
      kind: 'budgetExhausted',
      effect: 'deny',
      message:
        '[payments-default/budget-exhausted] SLO checkout-availability has exhausted its error budget (-12.5% left; SLI 99.887% over 30d against an objective of 99.9%). ' +
        'Deploys are denied unless labelled reliability or rollback; no approval lifts this rule.',
      slo: {
        name: 'checkout-availability',
        remaining: -0.125,
        exhausted: true,
        objective: 0.999,
        sli: 0.998875,
        window: { type: 'rolling', length: '30d' },
        thresholdPercent: null,
      },
      alert: null,
      freeze: null,
      incident: null,
      unlessLabels: ['reliability', 'rollback'],
      liftableBy: null,
    });
    expect(decision.liftableBy).toBeNull();
  });

  it.each(['rollback', 'reliability'])('allows a deploy labelled %s', (label) => {
    const decision = decideDeploy(
      gateInput([policy({ rules: [exhaustedDenies] })], {
        facts: exhausted,
        labels: ['hotfix', label],
      }),
      NOON,
    );
    expect(decision.allowed).toBe(true);
    expect(decision.waived).toHaveLength(1);
    expect(decision.waived[0]?.waivedBy).toEqual({ kind: 'label', label });
    expect(decision.waived[0]?.slo?.name).toBe('checkout-availability');
  });

  it('denies a deploy with other labels', () => {
    const decision = decideDeploy(
      gateInput([policy({ rules: [exhaustedDenies] })], { facts: exhausted, labels: ['feature'] }),
      NOON,
    );
    expect(decision.allowed).toBe(false);
  });

  it('counts a budget of exactly 0 as exhausted, and one the facts call exhausted', () => {
    const only = policy({ rules: [exhaustedDenies] });
    const zero = decideDeploy(gateInput([only], { facts: { slos: [slo('a', 0)] } }), NOON);
    expect(zero.reasons.map((reason) => reason.slo?.name)).toEqual(['a']);
    const flagged = decideDeploy(
      gateInput([only], {
        facts: { slos: [{ ...slo('b', 0.01), exhausted: true }] },
      }),
      NOON,
    );
    expect(flagged.reasons.map((reason) => reason.slo)).toEqual([
      {
        name: 'b',
        remaining: 0.01,
        exhausted: true,
        objective: 0.999,
        sli: 0.99901,
        window: { type: 'rolling', length: '30d' },
        thresholdPercent: null,
      },
    ]);
    const left = decideDeploy(gateInput([only], { facts: { slos: [slo('c', 0.0001)] } }), NOON);
    expect(left.allowed).toBe(true);
  });

  it('gives one reason per exhausted SLO', () => {
    const decision = decideDeploy(
      gateInput([policy({ rules: [exhaustedDenies] })], {
        facts: { slos: [slo('a', -0.5), slo('b', 0.5), slo('c', -2)] },
      }),
      NOON,
    );
    expect(decision.reasons.map((reason) => reason.slo?.name)).toEqual(['a', 'c']);
  });

  it('ignores approvals for a deny rule, and says so when one names it outright', () => {
    const facts = {
      ...exhausted,
      approvals: [
        approval({ id: 'apr-all' }),
        approval({ id: 'apr-named', scope: ['budget-exhausted'] }),
      ],
    };
    const decision = decideDeploy(
      gateInput(
        [policy({ rules: [exhaustedDenies, lowNeedsApproval], approvals: SRE_APPROVALS })],
        { facts },
      ),
      NOON,
    );
    expect(reasonsOf(decision)).toEqual(['payments-default/budget-exhausted']);
    // apr-all still lifts the approval rule; apr-named is refused for the deny rule.
    expect(decision.approvalsApplied.map((applied) => [applied.id, applied.rules])).toEqual([
      ['apr-all', ['payments-default/budget-low']],
    ]);
    expect(decision.approvalsRefused).toEqual([
      {
        id: 'apr-named',
        approver: 'bob',
        refusal: 'notApprovable',
        message:
          'rule payments-default/budget-exhausted denies and approvals do not lift deny rules; only the label reliability or rollback lifts it',
        rules: ['payments-default/budget-exhausted'],
      },
    ]);
  });
});

describe('decideDeploy: burn alerts', () => {
  const paging = { slos: [slo('checkout-availability', 0.7, [TICKET_ALERT, PAGE_ALERT])] };

  it('a page-level alert denies everything but rollbacks', () => {
    const only = policy({ rules: [pageDenies] });
    const reliability = decideDeploy(
      gateInput([only], { facts: paging, labels: ['reliability'] }),
      NOON,
    );
    expect(reliability.allowed).toBe(false);
    expect(reliability.reasons[0]).toMatchObject({
      kind: 'burnAlert',
      alert: PAGE_ALERT,
      slo: { name: 'checkout-availability', remaining: 0.7 },
      message:
        '[payments-default/page-burn] A page-level burn-rate alert fires on SLO checkout-availability: ' +
        'burn rate 15.2 over 1h and 16.8 over 5m, above 14.4. ' +
        'Deploys are denied unless labelled rollback; no approval lifts this rule.',
    });
    const rollback = decideDeploy(gateInput([only], { facts: paging, labels: ['rollback'] }), NOON);
    expect(rollback.allowed).toBe(true);
  });

  it('a ticket-level alert does not match a page rule', () => {
    const ticketOnly = { slos: [slo('checkout-availability', 0.7, [TICKET_ALERT])] };
    expect(
      decideDeploy(gateInput([policy({ rules: [pageDenies] })], { facts: ticketOnly }), NOON)
        .allowed,
    ).toBe(true);
  });

  it('a ticket rule matches ticket alerts and page alerts, reporting the page', () => {
    const ticketRule = policy({
      rules: [rule('burning', { kind: 'burnAlert', severity: 'ticket' }, 'deny')],
    });
    const ticket = decideDeploy(
      gateInput([ticketRule], { facts: { slos: [slo('a', 0.9, [TICKET_ALERT])] } }),
      NOON,
    );
    expect(ticket.reasons[0]?.alert).toEqual(TICKET_ALERT);
    const page = decideDeploy(gateInput([ticketRule], { facts: paging }), NOON);
    expect(page.reasons[0]?.alert).toEqual(PAGE_ALERT);
    expect(page.reasons[0]?.message).toContain('Deploys are denied; no approval lifts this rule.');
  });

  it('reads the facts from SLO statuses: only firing alerts count', () => {
    const status = {
      slo: 'checkout-availability',
      objective: 0.995,
      sli: 0.99495,
      window: { type: 'calendar', length: 'month', timeZone: 'Europe/Amsterdam' },
      errorBudget: { remaining: -0.01 },
      alerts: [
        { ...PAGE_ALERT, firing: false },
        { ...TICKET_ALERT, firing: true },
      ],
    } as unknown as SloStatus;
    expect(sloFactsFromStatus(status)).toEqual({
      name: 'checkout-availability',
      remaining: -0.01,
      exhausted: true,
      objective: 0.995,
      sli: 0.99495,
      window: { type: 'calendar', length: 'month' },
      firingAlerts: [TICKET_ALERT],
    });
    const decision = decideDeploy(
      gateInput([policy({ rules: [exhaustedDenies] })], {
        facts: { slos: [sloFactsFromStatus(status)] },
      }),
      NOON,
    );
    expect(decision.reasons[0]?.message).toContain(
      '(-1% left; SLI 99.495% so far this month against an objective of 99.5%)',
    );
  });
});

describe('decideDeploy: an SLO that cannot be read', () => {
  const unreadable = {
    ...slo('checkout-availability', 0.9),
    unknown: { reason: 'Prometheus answered 503', numbersAt: '2026-06-10T09:58:00.000Z' },
  };

  it("holds the deploy under every budget and alert rule, with each rule's own lifts", () => {
    const decision = decideDeploy(
      gateInput([standard], { facts: { slos: [unreadable, slo('checkout-latency', 0.95)] } }),
      NOON,
    );
    expect(decision.allowed).toBe(false);
    expect(decision.reasons.map((reason) => [reason.rule, reason.kind, reason.slo?.name])).toEqual([
      ['budget-exhausted', 'budgetUnknown', 'checkout-availability'],
      ['page-burn', 'budgetUnknown', 'checkout-availability'],
      ['budget-low', 'budgetUnknown', 'checkout-availability'],
    ]);
    expect(decision.reasons[0]?.message).toBe(
      '[payments-default/budget-exhausted] The error budget of SLO checkout-availability is unknown (Prometheus answered 503; last read at 2026-06-10T09:58:00.000Z with 90% left), and an SLO that cannot be read does not count as healthy. Deploys are denied unless labelled reliability or rollback; no approval lifts this rule.',
    );
    // The paging rule asks for the burn rate, and says that is what could not be read.
    expect(decision.reasons[1]?.message).toMatch(
      /^\[payments-default\/page-burn\] The burn rate of SLO checkout-availability could not be read \(Prometheus answered 503; last read at 2026-06-10T09:58:00\.000Z with 90% left\), and an SLO that cannot be read does not count as healthy\. /,
    );
    const rollback = decideDeploy(
      gateInput([standard], { labels: ['rollback'], facts: { slos: [unreadable] } }),
      NOON,
    );
    expect(rollback.allowed).toBe(true);
    expect(rollback.waived.map((reason) => reason.kind)).toEqual([
      'budgetUnknown',
      'budgetUnknown',
      'budgetUnknown',
    ]);
  });

  it('is unknown when its status says the source could not be read', () => {
    const status = {
      slo: 'checkout-availability',
      objective: 0.999,
      sli: null,
      window: { type: 'rolling', length: '28d', timeZone: null },
      errorBudget: { remaining: 1 },
      alerts: [],
      source: { state: 'unknown', reason: 'connection refused', numbersAt: null },
    } as unknown as SloStatus;
    expect(sloFactsFromStatus(status).unknown).toEqual({
      reason: 'connection refused',
      numbersAt: null,
    });
    const decision = decideDeploy(
      gateInput([policy({ rules: [exhaustedDenies] })], {
        facts: { slos: [sloFactsFromStatus(status)] },
      }),
      NOON,
    );
    expect(decision.reasons[0]?.message).toContain('(connection refused; it has never been read)');
  });
});

describe('decideDeploy: budgetBelow requires an approval', () => {
  const low = { slos: [slo('checkout-availability', 0.2)] };
  const only = policy({ rules: [lowNeedsApproval], approvals: SRE_APPROVALS });

  it('holds the deploy and says which approval would lift it', () => {
    const decision = decideDeploy(gateInput([only], { facts: low }), NOON);
    expect(decision.allowed).toBe(false);
    expect(decision.reasons[0]).toMatchObject({
      kind: 'budgetBelow',
      effect: 'requireApproval',
      slo: {
        name: 'checkout-availability',
        remaining: 0.2,
        exhausted: false,
        thresholdPercent: 25,
      },
      liftableBy: {
        roles: ['sre-lead', 'eng-manager'],
        notBy: 'alice',
        maxDurationSeconds: 86_400,
      },
      message:
        '[payments-default/budget-low] SLO checkout-availability has 20% of its error budget left, below 25% (SLI 99.920% over 30d against an objective of 99.9%). ' +
        'Needs an approval from a holder of role sre-lead or eng-manager other than alice, or label the deploy rollback.',
    });
    expect(decision.liftableBy).toEqual({
      approvals: [
        {
          policy: 'payments-default',
          rules: ['budget-low'],
          roles: ['sre-lead', 'eng-manager'],
          maxDurationSeconds: 86_400,
        },
      ],
      notBy: 'alice',
      maxDurationSeconds: 86_400,
    });
  });

  it('is strictly below: 25 % left does not match, 24.99 % does', () => {
    const left = (remaining: number) =>
      decideDeploy(gateInput([only], { facts: { slos: [slo('a', remaining)] } }), NOON).allowed;
    expect(left(0.25)).toBe(true);
    expect(left(0.2499)).toBe(false);
    expect(left(-1)).toBe(false);
  });

  it('an approval by an SRE lead lets the deploy out, and is recorded', () => {
    const decision = decideDeploy(
      gateInput([only], { facts: { ...low, approvals: [approval()] } }),
      NOON,
    );
    expect(decision.allowed).toBe(true);
    expect(decision.approvalsApplied).toEqual([
      {
        id: 'apr-1',
        approver: 'bob',
        reason: 'hotfix for the coupon bug, reviewed',
        expiresAt: '2026-06-10T17:00:00.000Z',
        rules: ['payments-default/budget-low'],
      },
    ]);
    expect(decision.waived[0]?.waivedBy).toEqual({
      kind: 'approval',
      approval: 'apr-1',
      approver: 'bob',
    });
  });

  it('a rollback needs no approval', () => {
    const decision = decideDeploy(gateInput([only], { facts: low, labels: ['rollback'] }), NOON);
    expect(decision.allowed).toBe(true);
    expect(decision.approvalsApplied).toEqual([]);
  });
});

describe('decideDeploy: approvals', () => {
  const low = { slos: [slo('checkout-availability', 0.2)] };
  const only = policy({ rules: [lowNeedsApproval], approvals: SRE_APPROVALS });
  const decide = (approvals: ReturnType<typeof approval>[], atMs = NOON, actor = 'alice') =>
    decideDeploy(gateInput([only], { facts: { ...low, approvals }, actor }), atMs);

  it('an exception that expires: it counts until its expiry, and not from that instant on', () => {
    const expiry = at('2026-06-10T17:00:00Z');
    expect(decide([approval()], expiry - 1).allowed).toBe(true);
    const after = decide([approval()], expiry);
    expect(after.allowed).toBe(false);
    expect(after.approvalsRefused).toEqual([
      {
        id: 'apr-1',
        approver: 'bob',
        refusal: 'expired',
        message: 'the approval expired at 2026-06-10T17:00:00.000Z',
        rules: ['payments-default/budget-low'],
      },
    ]);
    expect(after.reasons[0]?.message).toContain(
      '(approval apr-1 by bob does not count: the approval expired at 2026-06-10T17:00:00.000Z)',
    );
  });

  it('refuses an approval by the one deploying: never their own approver', () => {
    const decision = decide([approval({ approver: 'alice' })]);
    expect(decision.allowed).toBe(false);
    expect(decision.approvalsRefused).toMatchObject([
      {
        id: 'apr-1',
        approver: 'alice',
        refusal: 'approverIsRequester',
        message: 'alice is the one deploying and cannot approve their own deploy',
      },
    ]);
    expect(decision.reasons[0]?.message).toContain('alice is the one deploying and cannot approve');
    // The same approval lets someone else's deploy out.
    expect(
      decide([approval({ approver: 'alice', approverRoles: ['sre-lead'] })], NOON, 'carol').allowed,
    ).toBe(true);
  });

  it('knows the deployer whatever case or blanks CI spells the name with', () => {
    for (const actor of ['Alice', ' alice ', 'ALICE']) {
      const decision = decide([approval({ approver: 'alice' })], NOON, actor);
      expect(decision.allowed).toBe(false);
      expect(decision.approvalsRefused[0]?.refusal).toBe('approverIsRequester');
    }
    // An approval for carol's deploys is for Carol's too.
    expect(decide([approval({ requester: 'carol' })], NOON, 'Carol').allowed).toBe(true);
  });

  it('refuses the approval of the person whose token asks, whoever the actor is said to be', () => {
    const asked = decideDeploy(
      gateInput([only], {
        facts: { ...low, approvals: [approval({ approver: 'bob' })] },
        actor: 'alice',
        requestedBy: 'bob',
      }),
      NOON,
    );
    expect(asked.allowed).toBe(false);
    expect(asked.approvalsRefused[0]).toMatchObject({
      refusal: 'approverIsRequester',
      message: 'bob asked the gate (the token is theirs) and cannot approve a deploy they ask for',
    });
    const byCi = decideDeploy(
      gateInput([only], {
        facts: { ...low, approvals: [approval({ approver: 'bob' })] },
        actor: 'alice',
        requestedBy: 'ci-bot',
      }),
      NOON,
    );
    expect(byCi.allowed).toBe(true);
  });

  it('refuses an approval given by the person who asked for it', () => {
    const decision = decide([approval({ approver: 'carol', requester: 'carol' })], NOON, 'carol');
    expect(decision.approvalsRefused[0]?.refusal).toBe('approverIsRequester');
    // Asked for by carol, given by bob: counts for carol's deploys, not alice's.
    expect(decide([approval({ requester: 'carol' })], NOON, 'carol').allowed).toBe(true);
    const other = decide([approval({ requester: 'carol' })]);
    expect(other.approvalsRefused[0]).toMatchObject({
      refusal: 'otherRequester',
      message: 'the approval is for deploys by carol, not by alice',
    });
  });

  it('refuses an approver without one of the roles the policy names', () => {
    const decision = decide([approval({ approverRoles: ['developer'] })]);
    expect(decision.approvalsRefused[0]).toMatchObject({
      refusal: 'roleNotAllowed',
      message:
        'bob holds role developer; policy payments-default takes approvals from sre-lead or eng-manager',
    });
    expect(decide([approval({ approverRoles: ['developer', 'eng-manager'] })]).allowed).toBe(true);
  });

  it('refuses an approval not yet given, and one longer than the policy allows', () => {
    expect(decide([approval({ grantedAtMs: NOON + 1 })]).approvalsRefused[0]?.refusal).toBe(
      'notYetValid',
    );
    const long = decide([
      approval({
        grantedAtMs: at('2026-06-09T09:00:00Z'),
        expiresAtMs: at('2026-06-12T09:00:00Z'),
      }),
    ]);
    expect(long.approvalsRefused[0]).toMatchObject({
      refusal: 'tooLong',
      message: 'the approval runs 3d, longer than the 1d policy payments-default allows',
    });
  });

  it('counts an approval that names the rule, with or without its policy', () => {
    expect(decide([approval({ scope: ['budget-low'] })]).allowed).toBe(true);
    expect(decide([approval({ scope: ['payments-default/budget-low'] })]).allowed).toBe(true);
  });

  it('ignores approvals for other rules, other policies and other services, without refusing them', () => {
    const decision = decide([
      approval({ id: 'a', scope: ['page-burn'] }),
      approval({ id: 'b', scope: ['team-policy/budget-low'] }),
      approval({ id: 'c', service: 'search' }),
    ]);
    expect(decision.allowed).toBe(false);
    expect(decision.approvalsRefused).toEqual([]);
  });

  it('uses the first approval that counts, and reports every one that does not', () => {
    const decision = decide([
      approval({ id: 'self', approver: 'alice' }),
      approval({ id: 'good' }),
      approval({ id: 'also-good', approver: 'dave' }),
      approval({ id: 'late-self', approver: 'alice' }),
    ]);
    expect(decision.allowed).toBe(true);
    expect(decision.approvalsApplied.map((applied) => applied.id)).toEqual(['good']);
    expect(decision.approvalsRefused.map((refused) => refused.id)).toEqual(['self', 'late-self']);
  });

  it('lists an approval refused under two policies once, with what decides: its expiry', () => {
    const managers = policy({
      name: 'managers',
      rules: [lowNeedsApproval],
      approvals: { roles: ['eng-manager'], maxDurationMinutes: 24 * 60 },
    });
    const expiry = at('2026-06-10T17:00:00Z');
    const decision = decideDeploy(
      gateInput([only, managers], {
        facts: { ...low, approvals: [approval({ approverRoles: ['sre-lead'] })] },
      }),
      expiry,
    );
    expect(decision.approvalsRefused).toEqual([
      {
        id: 'apr-1',
        approver: 'bob',
        refusal: 'expired',
        message: 'the approval expired at 2026-06-10T17:00:00.000Z',
        rules: ['payments-default/budget-low', 'managers/budget-low'],
      },
    ]);
    // In force, it counts under one policy and not the other: that refusal is listed.
    const inForce = decideDeploy(
      gateInput([only, managers], {
        facts: { ...low, approvals: [approval({ approverRoles: ['sre-lead'] })] },
      }),
      NOON,
    );
    expect(inForce.approvalsRefused).toMatchObject([
      { id: 'apr-1', refusal: 'roleNotAllowed', rules: ['managers/budget-low'] },
    ]);
  });

  it('combines refusals that weigh the same under different policies', () => {
    const strict = policy({
      name: 'strict',
      rules: [lowNeedsApproval],
      approvals: { roles: ['sre-lead'], maxDurationMinutes: 60 },
    });
    const managers = policy({
      name: 'managers',
      rules: [lowNeedsApproval],
      approvals: { roles: ['eng-manager'], maxDurationMinutes: 24 * 60 },
    });
    const decision = decideDeploy(
      gateInput([strict, managers], {
        facts: { ...low, approvals: [approval({ approverRoles: ['sre-lead'] })] },
      }),
      NOON,
    );
    expect(decision.approvalsRefused).toEqual([
      {
        id: 'apr-1',
        approver: 'bob',
        refusal: 'tooLong',
        message:
          'the approval runs 8h, longer than the 1h policy strict allows; and bob holds role sre-lead; policy managers takes approvals from eng-manager',
        rules: ['strict/budget-low', 'managers/budget-low'],
      },
    ]);
  });

  it('one approval lifts every rule it covers, and is listed once', () => {
    const twoRules = policy({
      rules: [
        lowNeedsApproval,
        rule('paging', { kind: 'burnAlert', severity: 'page' }, 'requireApproval'),
      ],
      approvals: SRE_APPROVALS,
    });
    const decision = decideDeploy(
      gateInput([twoRules], {
        facts: { slos: [slo('checkout-availability', 0.2, [PAGE_ALERT])], approvals: [approval()] },
      }),
      NOON,
    );
    expect(decision.allowed).toBe(true);
    expect(decision.approvalsApplied).toMatchObject([
      { id: 'apr-1', rules: ['payments-default/budget-low', 'payments-default/paging'] },
    ]);
  });
});

describe('decideDeploy: freezes', () => {
  const christmas = at('2026-12-25T10:00:00+01:00');
  const freezeRule = rule('frozen', { kind: 'freeze', freezes: 'all' }, 'deny', ['rollback']);
  const withFreezes = (freezes: Partial<ErrorBudgetPolicy['freezes']>, rules = [freezeRule]) =>
    policy({ rules, freezes: { ...NO_FREEZES, ...freezes } });
  const nlHolidays = {
    holidays: [
      {
        name: 'holidays-nl',
        country: 'NL',
        region: undefined,
        timeZone: 'Europe/Amsterdam',
        types: ['public'] as const,
      },
    ],
  };
  const weekend = {
    windows: [
      {
        name: 'weekend',
        from: { day: 5, minute: 16 * 60 },
        to: { day: 1, minute: 8 * 60 },
        timeZone: 'Europe/Amsterdam',
      },
    ],
  };

  it('25 December in the Netherlands: denied until Boxing Day ends', () => {
    const decision = decideDeploy(gateInput([withFreezes(nlHolidays)]), christmas);
    expect(decision.allowed).toBe(false);
    expect(decision.reasons[0]).toMatchObject({
      kind: 'freeze',
      freeze: {
        kind: 'holiday',
        name: 'holidays-nl',
        since: '2026-12-24T23:00:00.000Z',
        until: '2026-12-26T23:00:00.000Z',
        timeZone: 'Europe/Amsterdam',
        detail: 'Christmas Day (2026-12-25), followed by Boxing Day (2026-12-26)',
        holidays: [
          { date: '2026-12-25', names: ['Christmas Day'] },
          { date: '2026-12-26', names: ['Boxing Day'] },
        ],
      },
    });
    expect(decision.reasons[0]?.message).toBe(
      '[payments-default/frozen] Public holiday in NL: Christmas Day (2026-12-25), followed by Boxing Day (2026-12-26); ' +
        'freeze holidays-nl holds deploys until 2026-12-27 00:00 Europe/Amsterdam (2026-12-26T23:00:00.000Z). ' +
        'Deploys are denied unless labelled rollback; no approval lifts this rule.',
    );
  });

  it('a rollback goes out on Christmas Day', () => {
    expect(
      decideDeploy(gateInput([withFreezes(nlHolidays)], { labels: ['rollback'] }), christmas)
        .allowed,
    ).toBe(true);
  });

  it('the weekend window over the DST change holds until Monday 08:00 CET', () => {
    const decision = decideDeploy(
      gateInput([withFreezes(weekend)]),
      at('2026-10-25T02:30:00+01:00'),
    );
    expect(decision.reasons[0]?.freeze).toEqual({
      kind: 'window',
      name: 'weekend',
      since: '2026-10-23T14:00:00.000Z',
      until: '2026-10-26T07:00:00.000Z',
      endsAt: '2026-10-26T07:00:00.000Z',
      timeZone: 'Europe/Amsterdam',
      detail: 'Fri 16:00 to Mon 08:00 Europe/Amsterdam',
      holidays: null,
    });
    expect(decision.reasons[0]?.message).toContain(
      'Weekly freeze weekend (Fri 16:00 to Mon 08:00 Europe/Amsterdam) holds deploys until 2026-10-26 08:00 Europe/Amsterdam (2026-10-26T07:00:00.000Z)',
    );
    expect(
      decideDeploy(gateInput([withFreezes(weekend)]), at('2026-10-26T08:00:00+01:00')).allowed,
    ).toBe(true);
  });

  it('holds deploys until the freeze that follows without a gap is over: Easter Monday after the weekend', () => {
    // The example policy's freezes (examples/operations/policies.yaml). Easter Monday
    // 2027 is 29 March: the weekend window ends at 08:00 that day, into the holiday.
    const easterWeekend = withFreezes({ ...nlHolidays, ...weekend });
    const saturday = at('2027-03-27T12:00:00+01:00');
    const decision = decideDeploy(gateInput([easterWeekend]), saturday);
    expect(decision.reasons.map((reason) => reason.freeze?.name)).toEqual(['weekend']);
    expect(decision.reasons[0]?.freeze).toMatchObject({
      kind: 'window',
      // Tuesday 00:00 in Amsterdam (summer time since Sunday), not Monday 08:00.
      until: '2027-03-29T22:00:00.000Z',
      endsAt: '2027-03-29T06:00:00.000Z',
    });
    expect(decision.reasons[0]?.message).toBe(
      '[payments-default/frozen] Weekly freeze weekend (Fri 16:00 to Mon 08:00 Europe/Amsterdam) holds deploys until 2027-03-29 08:00 Europe/Amsterdam (2027-03-29T06:00:00.000Z), ' +
        'and freeze holidays-nl follows without a gap: deploys are held until 2027-03-30 00:00 Europe/Amsterdam (2027-03-29T22:00:00.000Z). ' +
        'Deploys are denied unless labelled rollback; no approval lifts this rule.',
    );
    // What it says holds: held at Monday 08:00, let out on Tuesday at midnight.
    expect(decideDeploy(gateInput([easterWeekend]), at('2027-03-29T06:00:00Z')).allowed).toBe(
      false,
    );
    expect(decideDeploy(gateInput([easterWeekend]), at('2027-03-29T22:00:00Z')).allowed).toBe(true);
    // A rule naming only the window waits for the window alone.
    const windowOnly = withFreezes({ ...nlHolidays, ...weekend }, [
      rule('frozen', { kind: 'freeze', freezes: ['weekend'] }, 'deny', ['rollback']),
    ]);
    expect(decideDeploy(gateInput([windowOnly]), saturday).reasons[0]?.freeze?.until).toBe(
      '2027-03-29T06:00:00.000Z',
    );
  });

  it('says "at least" when freezes still follow one another 14 days on', () => {
    const always = withFreezes({
      windows: [
        {
          name: 'weekend',
          from: { day: 5, minute: 16 * 60 },
          to: { day: 1, minute: 8 * 60 },
          timeZone: 'Europe/Amsterdam',
        },
        {
          name: 'weekdays',
          from: { day: 1, minute: 8 * 60 },
          to: { day: 5, minute: 16 * 60 },
          timeZone: 'Europe/Amsterdam',
        },
      ],
    });
    const [reason] = decideDeploy(gateInput([always]), at('2026-11-10T10:00:00Z')).reasons;
    expect(reason?.message).toContain(
      'freeze weekend follows without a gap: deploys are held until at least',
    );
    expect(Date.parse(reason?.freeze?.until ?? '')).toBeGreaterThan(at('2026-11-27T00:00:00Z'));
  });

  it('an ad-hoc freeze tells its reason', () => {
    const decision = decideDeploy(
      gateInput([
        withFreezes({
          adHoc: [
            {
              name: 'black-friday',
              startMs: undefined,
              endMs: at('2026-11-30T08:00:00+01:00'),
              reason: 'Black Friday traffic',
              timeZone: undefined,
            },
          ],
        }),
      ]),
      at('2026-11-27T12:00:00+01:00'),
    );
    expect(decision.reasons[0]?.message).toContain(
      'Freeze black-friday (Black Friday traffic) holds deploys until 2026-11-30T07:00:00.000Z',
    );
    expect(decision.reasons[0]?.freeze).toMatchObject({
      kind: 'adHoc',
      since: null,
      timeZone: null,
    });
  });

  it('an ad-hoc freeze with a zone tells its end on that clock too', () => {
    const decision = decideDeploy(
      gateInput([
        withFreezes({
          adHoc: [
            {
              name: 'year-end',
              startMs: at('2026-12-18T00:00:00+01:00'),
              endMs: at('2027-01-04T09:00:00+01:00'),
              reason: 'year-end change freeze',
              timeZone: 'Europe/Amsterdam',
            },
          ],
        }),
      ]),
      at('2026-12-28T12:00:00+01:00'),
    );
    expect(decision.reasons[0]?.message).toContain(
      'Freeze year-end (year-end change freeze) holds deploys until 2027-01-04 09:00 Europe/Amsterdam (2027-01-04T08:00:00.000Z)',
    );
    expect(decision.reasons[0]?.freeze).toMatchObject({
      kind: 'adHoc',
      since: '2026-12-17T23:00:00.000Z',
      timeZone: 'Europe/Amsterdam',
    });
  });

  it('a rule naming freezes matches those only: the weekend needs an approval, holidays deny', () => {
    const mixed = policy({
      rules: [
        rule('holidays', { kind: 'freeze', freezes: ['holidays-nl'] }, 'deny', ['rollback']),
        rule('weekend', { kind: 'freeze', freezes: ['weekend'] }, 'requireApproval'),
      ],
      freezes: { ...NO_FREEZES, ...nlHolidays, ...weekend },
      approvals: SRE_APPROVALS,
    });
    // Saturday 26 December: Boxing Day and the weekend.
    const boxingDay = at('2026-12-26T10:00:00+01:00');
    const decision = decideDeploy(gateInput([mixed]), boxingDay);
    expect(reasonsOf(decision)).toEqual(['payments-default/holidays', 'payments-default/weekend']);
    expect(decision.liftableBy).toBeNull();
    // A Saturday with no holiday: only the weekend, which an approval lifts.
    const saturday = decideDeploy(
      gateInput([mixed], {
        facts: {
          approvals: [
            approval({
              grantedAtMs: at('2027-01-09T09:00:00Z'),
              expiresAtMs: at('2027-01-09T18:00:00Z'),
            }),
          ],
        },
      }),
      at('2027-01-09T10:00:00+01:00'),
    );
    expect(saturday.allowed).toBe(true);
    expect(saturday.waived.map((waived) => [waived.rule, waived.waivedBy.kind])).toEqual([
      ['weekend', 'approval'],
    ]);
  });

  it('a freeze that is not in force does not match', () => {
    expect(
      decideDeploy(gateInput([withFreezes({ ...nlHolidays, ...weekend })]), NOON).allowed,
    ).toBe(true);
  });
});

describe('decideDeploy: incident freeze', () => {
  const incidentFreeze = (fields: Partial<IncidentFreezeSpec> = {}): ErrorBudgetPolicy =>
    policy({
      incidentFreeze: {
        dependencies: 'critical',
        effect: 'deny',
        unlessLabels: ['rollback'],
        ...fields,
      },
    });
  const incident = (services: string[], title?: string): OpenIncident => ({
    id: 'inc-42',
    title,
    services,
  });
  const decide = (
    policyValue: ErrorBudgetPolicy,
    incidents: OpenIncident[],
    labels: string[] = [],
  ) =>
    decideDeploy(gateInput([policyValue], { facts: { openIncidents: incidents }, labels }), NOON);

  it('an open incident on the service holds its deploys', () => {
    const decision = decide(incidentFreeze(), [incident(['checkout'], 'Checkout 500s')]);
    expect(decision.reasons).toMatchObject([
      {
        rule: 'incident-freeze',
        kind: 'incident',
        incident: {
          id: 'inc-42',
          title: 'Checkout 500s',
          service: 'checkout',
          viaDependency: false,
        },
        message:
          '[payments-default/incident-freeze] Incident inc-42 ("Checkout 500s") is open on checkout. ' +
          'Deploys are denied unless labelled rollback; no approval lifts this rule.',
      },
    ]);
  });

  it('an open incident on a critical dependency holds the deploy', () => {
    const decision = decide(incidentFreeze(), [incident(['payments-db'])]);
    expect(decision.allowed).toBe(false);
    expect(decision.reasons[0]?.incident).toEqual({
      id: 'inc-42',
      title: null,
      service: 'payments-db',
      viaDependency: true,
    });
    expect(decision.reasons[0]?.message).toContain(
      'Incident inc-42 is open on payments-db, a critical dependency of checkout',
    );
  });

  it('an open incident on a non-critical dependency does not', () => {
    expect(decide(incidentFreeze(), [incident(['recommendations'])]).allowed).toBe(true);
  });

  it('nor one on a service checkout does not depend on', () => {
    expect(decide(incidentFreeze(), [incident(['search'])]).allowed).toBe(true);
  });

  it('dependencies: all holds for any dependency; none only for the service itself', () => {
    expect(
      decide(incidentFreeze({ dependencies: 'all' }), [incident(['recommendations'])]).allowed,
    ).toBe(false);
    expect(
      decide(incidentFreeze({ dependencies: 'none' }), [incident(['payments-db'])]).allowed,
    ).toBe(true);
    expect(decide(incidentFreeze({ dependencies: 'none' }), [incident(['checkout'])]).allowed).toBe(
      false,
    );
  });

  it('a rollback goes out during the incident', () => {
    expect(decide(incidentFreeze(), [incident(['checkout'])], ['rollback']).allowed).toBe(true);
  });

  it('an incident freeze that requires approval is lifted by one naming incident-freeze', () => {
    const approvable = policy({
      incidentFreeze: { dependencies: 'critical', effect: 'requireApproval', unlessLabels: [] },
      approvals: { roles: ['incident-commander'], maxDurationMinutes: 120 },
    });
    const given = approval({
      approver: 'ic-erin',
      approverRoles: ['incident-commander'],
      scope: ['incident-freeze'],
      grantedAtMs: NOON - 600_000,
      expiresAtMs: NOON + 3_600_000,
    });
    const decision = decideDeploy(
      gateInput([approvable], {
        facts: { openIncidents: [incident(['checkout'])], approvals: [given] },
      }),
      NOON,
    );
    expect(decision.allowed).toBe(true);
    expect(decision.approvalsApplied[0]?.rules).toEqual(['payments-default/incident-freeze']);
  });
});

describe('decideDeploy: several policies', () => {
  const teamPolicy = policy({
    name: 'payments-team',
    appliesTo: { all: false, services: [], teams: ['payments'] },
    rules: [lowNeedsApproval],
    approvals: { roles: ['payments-lead'], maxDurationMinutes: 60 },
    onUnavailable: 'allow',
  });
  const everyone = policy({
    name: 'company',
    appliesTo: { all: true, services: [], teams: [] },
    rules: [exhaustedDenies],
    onUnavailable: 'allow',
  });

  it('every policy is asked and every reason reported, in policy order', () => {
    const decision = decideDeploy(
      gateInput([teamPolicy, everyone], { facts: { slos: [slo('checkout-availability', -0.2)] } }),
      NOON,
    );
    expect(reasonsOf(decision)).toEqual(['payments-team/budget-low', 'company/budget-exhausted']);
    expect(decision.policies).toEqual(['payments-team', 'company']);
  });

  it('an approval counts for the policies whose roles its approver holds', () => {
    const sreRule = policy({ rules: [lowNeedsApproval], approvals: SRE_APPROVALS });
    const decision = decideDeploy(
      gateInput([teamPolicy, sreRule], {
        facts: { slos: [slo('checkout-availability', 0.1)], approvals: [approval()] },
      }),
      NOON,
    );
    expect(reasonsOf(decision)).toEqual(['payments-team/budget-low']);
    expect(decision.approvalsApplied[0]?.rules).toEqual(['payments-default/budget-low']);
    expect(decision.approvalsRefused[0]).toMatchObject({
      refusal: 'roleNotAllowed',
      rules: ['payments-team/budget-low'],
    });
    expect(decision.liftableBy).toEqual({
      approvals: [
        {
          policy: 'payments-team',
          rules: ['budget-low'],
          roles: ['payments-lead'],
          maxDurationSeconds: 3600,
        },
      ],
      notBy: 'alice',
      maxDurationSeconds: 3600,
    });
  });

  it('the lift gives each policy its approval cap, and the smallest as what one approval may run', () => {
    const brief = policy({
      name: 'brief',
      rules: [lowNeedsApproval],
      approvals: { roles: ['sre-lead'], maxDurationMinutes: 45 },
    });
    const decision = decideDeploy(
      gateInput([policy({ rules: [lowNeedsApproval], approvals: SRE_APPROVALS }), brief], {
        facts: { slos: [slo('checkout-availability', 0.1)] },
      }),
      NOON,
    );
    expect(decision.reasons.map((reason) => reason.liftableBy?.maxDurationSeconds)).toEqual([
      86_400, 2700,
    ]);
    expect(decision.liftableBy?.approvals.map((entry) => entry.maxDurationSeconds)).toEqual([
      86_400, 2700,
    ]);
    expect(decision.liftableBy?.maxDurationSeconds).toBe(2700);
  });

  it('an approval longer than the smallest cap in the lift does not count under that policy', () => {
    const brief = policy({
      name: 'brief',
      rules: [lowNeedsApproval],
      approvals: { roles: ['sre-lead'], maxDurationMinutes: 45 },
    });
    const policies = [policy({ rules: [lowNeedsApproval], approvals: SRE_APPROVALS }), brief];
    const facts = { slos: [slo('checkout-availability', 0.1)] };
    const cap = decideDeploy(gateInput(policies, { facts }), NOON).liftableBy?.maxDurationSeconds;
    const lasting = (seconds: number) =>
      decideDeploy(
        gateInput(policies, {
          facts: {
            ...facts,
            approvals: [approval({ grantedAtMs: NOON, expiresAtMs: NOON + seconds * 1000 })],
          },
        }),
        NOON,
      ).allowed;
    expect(cap).toBe(2700);
    expect(lasting(2700)).toBe(true);
    expect(lasting(2700 + 60)).toBe(false);
  });

  it('onUnavailable: deny wins over allow; allow when every policy allows', () => {
    expect(onUnavailableFor([teamPolicy, everyone])).toBe('allow');
    expect(onUnavailableFor([teamPolicy, policy({ rules: [exhaustedDenies] })])).toBe('deny');
    expect(onUnavailableFor([])).toBe('allow');
    expect(decideDeploy(gateInput([compilePolicy(teamPolicy), everyone]), NOON).onUnavailable).toBe(
      'allow',
    );
  });
});
