// The deploy gate through the HTTP API, on SQLite and PostgreSQL: policies applied as
// config, budgets spent by pushed events, burn alerts, approvals (and the ones that do
// not count), freezes on holidays and across a DST switch, decisions kept, deploys
// recorded with the budget around them, and change failure.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runEvaluationCycle } from '../../src/jobs/evaluation-cycle.js';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument, sloDocument } from '../support/documents.js';
import { startTestHeadroom, type Reply, type TestHeadroom } from '../support/headroom.js';

/** A Tuesday with no holiday in NL or the US, outside every change window. */
const T0 = Date.parse('2026-11-10T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const PAYMENTS_POLICY = {
  apiVersion: 'headroom/v1',
  kind: 'ErrorBudgetPolicy',
  metadata: { name: 'payments-budget' },
  spec: {
    appliesTo: { teams: ['payments'] },
    rules: [
      {
        name: 'exhausted',
        when: 'budgetExhausted',
        effect: 'deny',
        unlessLabels: ['reliability', 'rollback'],
      },
      { name: 'paging', when: { burnAlert: 'page' }, effect: 'deny', unlessLabels: ['rollback'] },
      {
        name: 'budget-low',
        when: { budgetBelow: 50 },
        effect: 'requireApproval',
        unlessLabels: ['reliability', 'rollback'],
      },
    ],
    approvals: { roles: ['sre-lead'], maxDuration: '8h' },
  },
};

const FREEZE_POLICY = {
  apiVersion: 'headroom/v1',
  kind: 'ErrorBudgetPolicy',
  metadata: { name: 'storefront-freezes' },
  spec: {
    appliesTo: { services: ['storefront'] },
    rules: [{ name: 'frozen', when: 'freeze', effect: 'deny', unlessLabels: ['rollback'] }],
    freezes: {
      holidays: [{ country: 'NL' }, { country: 'US', timeZone: 'America/New_York' }],
      windows: [{ from: 'Fri 16:00', to: 'Mon 08:00', timeZone: 'Europe/Amsterdam' }],
    },
    onUnavailable: 'allow',
  },
};

interface DeployBody {
  readonly id: string;
  readonly version: string | null;
}

interface Decision {
  id: string;
  actor: string;
  allowed: boolean;
  policies: string[];
  reasons: {
    policy: string;
    rule: string;
    kind: string;
    effect: string;
    message: string;
    slo: { name: string; remaining: number; exhausted: boolean } | null;
    alert: { severity: string; longBurnRate: number | null } | null;
    freeze: { kind: string; name: string; until: string; endsAt?: string; detail: string } | null;
    liftableBy: { roles: string[]; notBy: string; maxDurationSeconds?: number } | null;
  }[];
  waived: { rule: string; waivedBy: { kind: string } }[];
  approvalsApplied: { id: string; approver: string; rules: string[] }[];
  approvalsRefused: { id: string; refusal: string; message: string }[];
  liftableBy: {
    approvals: { policy: string; rules: string[]; roles: string[]; maxDurationSeconds?: number }[];
    maxDurationSeconds?: number;
  } | null;
  onUnavailable: string;
  requestedBy: string;
  version: string | null;
  labels: string[];
}

function minuteLine(slo: string, atMs: number, good: number, total: number): string {
  return JSON.stringify({ ts: new Date(atMs).toISOString(), slo, good, total });
}

describe.each(TEST_DATABASES)('the deploy gate on $name', (kind) => {
  let headroom: TestHeadroom;
  const tokens: Record<string, string> = {};

  const check = async (
    service: string,
    fields: { labels?: string[]; actor?: string; version?: string } = {},
    token?: string,
  ): Promise<Reply & { decision: Decision }> => {
    const reply = await headroom.call('POST', '/api/v1/deploys/check', {
      body: { service, actor: 'alice', ...fields },
      ...(token === undefined ? {} : { token }),
    });
    return { ...reply, decision: reply.body as Decision };
  };

  const approve = (token: string, body: Record<string, unknown>) =>
    headroom.call('POST', '/api/v1/approvals', {
      token,
      body: {
        service: 'low',
        scope: ['budget-low'],
        reason: 'the fix for the coupon bug, reviewed by two',
        expiresAt: new Date(headroom.clock.now() + 2 * HOUR).toISOString(),
        ...body,
      },
    });

  const ingest = async (service: string, lines: string[]) => {
    const key = await headroom.call('POST', `/api/v1/services/${service}/ingest-keys`, {
      body: { name: 'test' },
    });
    const reply = await headroom.call('POST', '/api/v1/events', {
      token: (key.body as { key: string }).key,
      raw: { content: lines.join('\n'), contentType: 'application/x-ndjson' },
    });
    expect(reply.status).toBe(200);
  };

  const token = async (name: string, role: string, fields: Record<string, unknown> = {}) => {
    const reply = await headroom.call('POST', '/api/v1/tokens', {
      body: { name, role, ...fields },
    });
    expect(reply.status).toBe(201);
    return (reply.body as { token: string }).token;
  };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: new Date(T0).toISOString() });
    const services = ['healthy', 'exhausted', 'burning', 'low'];
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          ...services.flatMap((name) => [
            serviceDocument(name, 'payments'),
            sloDocument(`${name}-availability`, name),
          ]),
          serviceDocument('storefront', 'web'),
          PAYMENTS_POLICY,
          FREEZE_POLICY,
        ],
      },
    });
    expect(applied.status).toBe(200);

    for (const [name, roles] of [
      ['alice', []],
      ['bob', ['sre-lead']],
      ['carol', ['eng-manager']],
    ] as const) {
      const user = await headroom.call('POST', '/api/v1/users', { body: { name, roles } });
      expect(user.status).toBe(201);
      tokens[name] = await token(`${name}'s token`, 'viewer', { user: name });
    }
    tokens.ci = await token('payments CI', 'editor', { teams: ['payments'] });
    tokens.viewer = await token('dashboards', 'viewer');

    // exhausted: every request failed four days ago; nothing since (no burn alert).
    await ingest('exhausted', [minuteLine('exhausted-availability', T0 - 4 * DAY, 0, 1000)]);
    // burning: a big good month, then every request of the last 10 minutes failed.
    await ingest('burning', [
      minuteLine('burning-availability', T0 - 10 * DAY, 10_000_000, 10_000_000),
      ...Array.from({ length: 10 }, (_, index) =>
        minuteLine('burning-availability', T0 - (10 - index) * MINUTE, 0, 100),
      ),
    ]);
    // low: 70 of 100,000 failed five days ago: 30 % of the budget left, no alert.
    await ingest('low', [minuteLine('low-availability', T0 - 5 * DAY, 99_930, 100_000)]);
  });

  afterAll(async () => {
    await headroom.close();
  });

  beforeEach(() => {
    headroom.clock.set(T0);
  });

  it('applies policies as config, owned by their team, and lists them', async () => {
    const again = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [PAYMENTS_POLICY, FREEZE_POLICY], dryRun: true },
    });
    expect(again.body).toEqual({ dryRun: true, changes: [] });
    const audit = (await headroom.call('GET', '/api/v1/audit?limit=1000')).body as {
      kind: string;
      name: string;
    }[];
    expect(
      audit.filter((entry) => entry.kind === 'ErrorBudgetPolicy').map((entry) => entry.name),
    ).toEqual(['storefront-freezes', 'payments-budget']);
    const policies = (await headroom.call('GET', '/api/v1/policies?service=low')).body as {
      metadata: { name: string };
      spec: { approvals: { maxDuration: string } };
    }[];
    expect(policies.map((policy) => policy.metadata.name)).toEqual(['payments-budget']);
    expect(policies[0]?.spec.approvals.maxDuration).toBe('8h');

    const changed = {
      ...PAYMENTS_POLICY,
      spec: { ...PAYMENTS_POLICY.spec, onUnavailable: 'allow' },
    };
    const byEditor = await headroom.call('POST', '/api/v1/apply', {
      token: tokens.ci ?? null,
      body: { documents: [changed], dryRun: true },
    });
    expect(byEditor.body).toMatchObject({
      changes: [{ action: 'update', kind: 'ErrorBudgetPolicy', team: 'payments' }],
    });
    const everyone = {
      ...PAYMENTS_POLICY,
      metadata: { name: 'everyone' },
      spec: { ...PAYMENTS_POLICY.spec, appliesTo: { all: true } },
    };
    const refused = await headroom.call('POST', '/api/v1/apply', {
      token: tokens.ci ?? null,
      body: { documents: [everyone] },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      errors: [
        {
          path: 'documents[0]',
          message:
            'ErrorBudgetPolicy "everyone" is installation-wide (no team); changing it needs an admin token',
        },
      ],
    });
  });

  it('refuses a policy document with every mistake at its path, and changes nothing', async () => {
    const reply = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          {
            ...PAYMENTS_POLICY,
            metadata: { name: 'broken' },
            spec: {
              appliesTo: { teams: ['payments'] },
              rules: [{ name: 'low', when: { budgetBelow: 0 }, effect: 'requireApproval' }],
            },
          },
        ],
      },
    });
    expect(reply.status).toBe(400);
    expect((reply.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'documents[0].spec.rules[0].when.budgetBelow',
      'documents[0].spec.rules[0].effect',
    ]);
  });

  it('allows a deploy when every budget is healthy, and keeps the decision', async () => {
    const { status, decision } = await check('healthy', { version: '1.4.0' }, tokens.viewer ?? '');
    expect(status).toBe(200);
    expect(decision).toMatchObject({
      allowed: true,
      policies: ['payments-budget'],
      reasons: [],
      onUnavailable: 'deny',
      version: '1.4.0',
      requestedBy: expect.stringMatching(/^token:\w+ \(dashboards\)$/) as string,
    });
    const kept = await headroom.call('GET', `/api/v1/deploys/decisions/${decision.id}`);
    expect(kept.body).toEqual(decision);
  });

  it('denies a deploy when a budget is exhausted, unless labelled reliability or rollback', async () => {
    const { decision } = await check('exhausted');
    expect(decision.allowed).toBe(false);
    // An exhausted budget is also one below 50 %: both rules hold the deploy.
    expect(decision.reasons.map((reason) => reason.rule)).toEqual(['exhausted', 'budget-low']);
    expect(decision.reasons[0]).toMatchObject({
      policy: 'payments-budget',
      rule: 'exhausted',
      kind: 'budgetExhausted',
      effect: 'deny',
      slo: { name: 'exhausted-availability', remaining: -999, exhausted: true },
    });
    expect(decision.reasons[0]?.message).toBe(
      '[payments-budget/exhausted] SLO exhausted-availability has exhausted its error budget (-99900% left; SLI 0.000% over 30d against an objective of 99.9%). Deploys are denied unless labelled reliability or rollback; no approval lifts this rule.',
    );
    expect(decision.liftableBy).toBeNull();

    const reliability = await check('exhausted', { labels: ['reliability'] });
    expect(reliability.decision.allowed).toBe(true);
    expect(reliability.decision.waived).toMatchObject([
      { rule: 'exhausted', waivedBy: { kind: 'label', label: 'reliability' } },
      { rule: 'budget-low', waivedBy: { kind: 'label', label: 'reliability' } },
    ]);
  });

  it('denies all but rollbacks while a page-level burn alert fires', async () => {
    const { decision } = await check('burning', { labels: ['reliability'] });
    expect(decision.allowed).toBe(false);
    expect(decision.reasons.map((reason) => [reason.rule, reason.kind])).toEqual([
      ['paging', 'burnAlert'],
    ]);
    expect(decision.reasons[0]?.alert).toMatchObject({ severity: 'page', longBurnRate: 1000 });
    expect(decision.reasons[0]?.message).toMatch(
      /^\[payments-budget\/paging\] A page-level burn-rate alert fires on SLO burning-availability: burn rate 1000 over 1h and 1000 over 5m, above 14\.4\. Deploys are denied unless labelled rollback/,
    );
    expect((await check('burning', { labels: ['rollback'] })).decision.allowed).toBe(true);
  });

  it('holds a deploy for an approval when the budget runs low, and says who may give it', async () => {
    const { decision } = await check('low');
    expect(decision.allowed).toBe(false);
    expect(decision.reasons[0]).toMatchObject({
      rule: 'budget-low',
      kind: 'budgetBelow',
      effect: 'requireApproval',
      slo: { name: 'low-availability', exhausted: false },
    });
    expect(decision.reasons[0]?.slo?.remaining).toBeCloseTo(0.3, 12);
    // The policy's 8h cap: an approval for longer would be refused.
    expect(decision.reasons[0]?.liftableBy).toEqual({
      roles: ['sre-lead'],
      notBy: 'alice',
      maxDurationSeconds: 8 * 3600,
    });
    expect(decision.liftableBy).toEqual({
      approvals: [
        {
          policy: 'payments-budget',
          rules: ['budget-low'],
          roles: ['sre-lead'],
          maxDurationSeconds: 8 * 3600,
        },
      ],
      notBy: 'alice',
      maxDurationSeconds: 8 * 3600,
    });
  });

  it("lifts it with an sre-lead's approval, never for the approver's own deploy", async () => {
    const given = await approve(tokens.bob ?? '', {});
    expect(given.status).toBe(201);
    const approval = given.body as { id: string; approver: string; approverRoles: string[] };
    expect(approval).toMatchObject({ approver: 'bob', approverRoles: ['sre-lead'] });

    const alice = await check('low', { actor: 'alice' });
    expect(alice.decision.allowed).toBe(true);
    expect(alice.decision.approvalsApplied).toMatchObject([
      { id: approval.id, approver: 'bob', rules: ['payments-budget/budget-low'] },
    ]);
    expect(alice.decision.waived).toMatchObject([
      { rule: 'budget-low', waivedBy: { kind: 'approval', approval: approval.id } },
    ]);

    const bob = await check('low', { actor: 'bob' });
    expect(bob.decision.allowed).toBe(false);
    expect(bob.decision.approvalsRefused).toMatchObject([
      { id: approval.id, refusal: 'approverIsRequester' },
    ]);
    expect(bob.decision.reasons[0]?.message).toContain(
      'bob is the one deploying and cannot approve their own deploy',
    );

    const audit = (await headroom.call('GET', '/api/v1/audit?limit=5')).body as {
      kind: string;
      name: string;
      actor: string;
    }[];
    expect(audit[0]).toMatchObject({ kind: 'Approval', name: approval.id });
    expect(audit[0]?.actor).toContain("bob's token");
    expect(await headroom.call('DELETE', `/api/v1/approvals/${approval.id}`)).toMatchObject({
      status: 204,
    });
    expect((await check('low')).decision.allowed).toBe(false);
  });

  it('refuses approvals that could never count, saying why', async () => {
    const ownRequest = await approve(tokens.bob ?? '', { requester: 'bob' });
    expect(ownRequest.status).toBe(403);
    expect(ownRequest.body).toMatchObject({
      detail: expect.stringContaining('bob asked for this approval and cannot give it') as string,
    });
    const wrongRole = await approve(tokens.carol ?? '', {});
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body).toMatchObject({
      detail:
        'carol holds role eng-manager; the policies of "low" take approvals from payments-budget: sre-lead',
    });
    const nobody = await approve(tokens.ci ?? '', {});
    expect(nobody.status).toBe(403);
    expect(nobody.body).toMatchObject({
      detail: expect.stringContaining('use an API token bound to a user') as string,
    });
    const denyRule = await approve(tokens.bob ?? '', {
      scope: ['exhausted'],
      expiresAt: new Date(T0 + 2 * DAY).toISOString(),
    });
    expect(denyRule.status).toBe(400);
    expect(denyRule.body).toMatchObject({
      errors: [
        {
          path: 'expiresAt',
          message: 'policy payments-budget allows approvals of at most 8h; this one would run 2d',
        },
        {
          path: 'scope[0]',
          message:
            'rule payments-budget/exhausted denies, and approvals do not lift deny rules (only its unlessLabels do); rules you may lift: payments-budget/budget-low',
        },
      ],
    });
  });

  it('stops counting an approval once it expires, and says so', async () => {
    const given = await approve(tokens.bob ?? '', {
      expiresAt: new Date(T0 + HOUR).toISOString(),
    });
    const { id } = given.body as { id: string };
    expect((await check('low')).decision.allowed).toBe(true);

    headroom.clock.set(T0 + HOUR);
    const later = await check('low');
    expect(later.decision.allowed).toBe(false);
    expect(later.decision.approvalsRefused).toEqual([
      {
        id,
        approver: 'bob',
        refusal: 'expired',
        message: `the approval expired at ${new Date(T0 + HOUR).toISOString()}`,
        rules: ['payments-budget/budget-low'],
      },
    ]);
    const active = (await headroom.call('GET', '/api/v1/approvals?service=low')).body as unknown[];
    expect(active).toEqual([]);
    const all = (await headroom.call('GET', '/api/v1/approvals?service=low&state=all')).body as {
      id: string;
      state: string;
    }[];
    expect(all.find((approval) => approval.id === id)?.state).toBe('expired');
  });

  it('keeps every decision, newest first, with who asked and why', async () => {
    const counted = async () => {
      const text = (await headroom.call('GET', '/metrics')).text;
      const count = (allowed: boolean) =>
        Number(
          new RegExp(
            `^headroom_deploy_gate_decisions_total\\{service="exhausted",allowed="${String(allowed)}"\\} (\\d+)$`,
            'm',
          ).exec(text)?.[1] ?? 0,
        );
      return { allowed: count(true), denied: count(false) };
    };
    const before = await counted();
    const first = await check('exhausted', { version: '2.0.0' }, tokens.ci);
    const second = await check('exhausted', { labels: ['rollback'] }, tokens.viewer);
    // Prometheus counts them too, by answer.
    expect(await counted()).toEqual({ allowed: before.allowed + 1, denied: before.denied + 1 });
    const listed = (
      await headroom.call('GET', '/api/v1/deploys/decisions?service=exhausted&limit=2')
    ).body as Decision[];
    expect(listed).toEqual([second.decision, first.decision]);
    expect(listed[1]).toMatchObject({
      allowed: false,
      version: '2.0.0',
      requestedBy: expect.stringContaining('(payments CI)') as string,
    });
    const older = (
      await headroom.call(
        'GET',
        `/api/v1/deploys/decisions?service=exhausted&limit=1&before=${first.decision.id}`,
      )
    ).body as Decision[];
    expect(older[0]?.id).not.toBe(first.decision.id);
  });

  it('answers checks made together only once their decisions are stored', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) => check('exhausted', { version: `5.0.${index}` })),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      const kept = await headroom.call('GET', `/api/v1/deploys/decisions/${answer.decision.id}`);
      expect(kept.body).toEqual(answer.decision);
    }
  });

  it('records deploys with the budget spent in the hour before and after, and change failure', async () => {
    const record = (fields: Record<string, unknown>, token = tokens.ci ?? null) =>
      headroom.call('POST', '/api/v1/deploys', {
        token,
        body: { service: 'burning', actor: 'alice', version: '3.1.0', ...fields },
      });
    const gate = await check('burning', { labels: ['rollback'] });
    // Recorded without labels, on the decision: it carries the labels it was gated with.
    const recorded = await record({
      status: 'finished',
      at: new Date(T0 - 15 * MINUTE).toISOString(),
      decision: gate.decision.id,
    });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({
      service: 'burning',
      status: 'finished',
      labels: ['rollback'],
      decision: gate.decision.id,
      budget: [
        {
          slo: 'burning-availability',
          before: {
            from: new Date(T0 - 75 * MINUTE).toISOString(),
            to: new Date(T0 - 15 * MINUTE).toISOString(),
            remainingAtStart: 1,
            remainingAtEnd: 1,
            consumed: 0,
            burnRate: null,
          },
          after: null,
        },
      ],
    });
    const rolledBack = await record({
      status: 'finished',
      at: new Date(T0 - 3 * HOUR).toISOString(),
    });
    expect(rolledBack.status).toBe(201);
    expect(
      (await record({ status: 'started', at: new Date(T0 - 16 * MINUTE).toISOString() })).status,
    ).toBe(201);
    // Labels of its own are kept as given, decision or not.
    const fix = await record({
      status: 'finished',
      version: '3.1.1',
      labels: ['hotfix'],
      at: new Date(T0 - 12 * MINUTE).toISOString(),
    });
    expect(fix.body).toMatchObject({ labels: ['hotfix'] });
    expect((await record({ status: 'finished' }, tokens.viewer ?? null)).status).toBe(403);
    const otherTeam = await record({ status: 'finished', service: 'storefront' });
    expect(otherTeam.status).toBe(403);
    expect(otherTeam.body).toMatchObject({
      detail:
        'recording a deploy of "storefront" changes team "web"; that needs an admin token or an editor token of the team',
    });
    const wrongDecision = await record({ status: 'finished', decision: 'dec_nope' });
    expect(wrongDecision.status).toBe(400);
    expect(wrongDecision.body).toMatchObject({
      detail: 'the decision does not exist',
      errors: [
        {
          path: 'decision',
          message: 'no gate decision "dec_nope"; decision takes the id the gate answered (dec_…)',
        },
      ],
    });
    const otherService = await record({
      status: 'finished',
      service: 'low',
      decision: gate.decision.id,
    });
    expect(otherService.body).toMatchObject({
      detail: 'the decision is not one of this service',
      errors: [
        {
          path: 'decision',
          message: `gate decision "${gate.decision.id}" is for service "burning"`,
        },
      ],
    });

    // The evaluator sees the page alert start at T0, within the hour after the first deploy.
    const { deps } = headroom.server;
    await deps.store.tryAcquireLease('evaluator', 'test', T0, 60_000);
    expect(await runEvaluationCycle(deps, 'test', T0)).toMatchObject({ ran: true });

    headroom.clock.set(T0 + HOUR);
    const deploys = (await headroom.call('GET', '/api/v1/deploys?service=burning&status=finished'))
      .body as { at: string; budget: { after: Record<string, unknown> | null }[] }[];
    expect(deploys.map((deploy) => deploy.at)).toEqual([
      new Date(T0 - 12 * MINUTE).toISOString(),
      new Date(T0 - 15 * MINUTE).toISOString(),
      new Date(T0 - 3 * HOUR).toISOString(),
    ]);
    expect(deploys[1]?.budget[0]?.after).toEqual({
      from: new Date(T0 - 15 * MINUTE).toISOString(),
      to: new Date(T0 + 45 * MINUTE).toISOString(),
      remainingAtStart: 1,
      remainingAtEnd: 1 - 1000 / 10_001,
      consumed: 1 - (1 - 1000 / 10_001),
      burnRate: 1000,
    });

    const failure = await headroom.call(
      'GET',
      // within: 1h by default
      `/api/v1/services/burning/change-failure?from=${new Date(T0 - DAY).toISOString()}`,
    );
    // The changes are 3.1.0 three hours ago and the fix; the deploy labelled rollback
    // is not a change of its own but says the change before it failed, as a
    // rolled_back record would.
    expect(failure.body).toMatchObject({
      service: 'burning',
      within: '1h',
      deploys: 2,
      failed: 2,
      rate: 1,
      items: [
        {
          deploy: (rolledBack.body as { id: string }).id,
          at: new Date(T0 - 3 * HOUR).toISOString(),
          failedBy: [
            {
              kind: 'rollback',
              deploy: (recorded.body as { id: string }).id,
              at: new Date(T0 - 15 * MINUTE).toISOString(),
            },
          ],
        },
        {
          at: new Date(T0 - 12 * MINUTE).toISOString(),
          // Both page rules of the Workbook fire when every request fails.
          failedBy: [
            {
              kind: 'pageAlert',
              slo: 'burning-availability',
              rule: 'page:1h/5m:14.4',
              at: new Date(T0).toISOString(),
            },
            {
              kind: 'pageAlert',
              slo: 'burning-availability',
              rule: 'page:6h/30m:6',
              at: new Date(T0).toISOString(),
            },
          ],
        },
      ],
    });
    const series = (
      await headroom.call(
        'GET',
        `/api/v1/slos/burning-availability/series?from=${new Date(T0 - 4 * HOUR).toISOString()}&to=${new Date(T0).toISOString()}&step=1h`,
      )
    ).body as { deploys: { at: string; status: string }[] };
    expect(series.deploys.map((deploy) => [deploy.at, deploy.status])).toEqual([
      [new Date(T0 - 3 * HOUR).toISOString(), 'finished'],
      [new Date(T0 - 16 * MINUTE).toISOString(), 'started'],
      [new Date(T0 - 15 * MINUTE).toISOString(), 'finished'],
      [new Date(T0 - 12 * MINUTE).toISOString(), 'finished'],
    ]);
    const shorter = (
      await headroom.call(
        'GET',
        `/api/v1/services/burning/change-failure?from=${new Date(T0 - DAY).toISOString()}&within=10m`,
      )
    ).body as { failed: number };
    // The page came 12 minutes after the fix; the rollback counts whatever `within` is.
    expect(shorter.failed).toBe(1);
  });

  it('reads one deploy as the list shows it, and pages the list by the id of the last one seen', async () => {
    const ids: string[] = [];
    // Two at one instant: only the order of recording tells them apart.
    for (const minutesAgo of [50, 40, 40, 30]) {
      const recorded = await headroom.call('POST', '/api/v1/deploys', {
        token: tokens.ci ?? null,
        body: {
          service: 'healthy',
          status: 'finished',
          actor: 'alice',
          version: `9.0.${String(ids.length)}`,
          at: new Date(T0 - minutesAgo * MINUTE).toISOString(),
        },
      });
      expect(recorded.status, recorded.text).toBe(201);
      ids.push((recorded.body as { id: string }).id);
    }
    const listed = await headroom.call('GET', '/api/v1/deploys?service=healthy');
    const all = listed.body as { id: string; budget: unknown[] }[];
    expect(all.map((deploy) => deploy.id)).toEqual([...ids].reverse());
    expect(all[0]?.budget).toHaveLength(1);

    for (const deploy of all) {
      // A viewer reads it as it reads the list.
      const one = await headroom.call('GET', `/api/v1/deploys/${deploy.id}`, {
        token: tokens.viewer ?? null,
      });
      expect(one.status, one.text).toBe(200);
      expect(one.body).toEqual(deploy);
    }

    const page = async (before: string) => {
      const reply = await headroom.call(
        'GET',
        `/api/v1/deploys?service=healthy&limit=2&before=${before}`,
      );
      expect(reply.status, reply.text).toBe(200);
      return (reply.body as { id: string }[]).map((deploy) => deploy.id);
    };
    expect(await page(ids[3] ?? '')).toEqual([ids[2], ids[1]]);
    expect(await page(ids[1] ?? '')).toEqual([ids[0]]);
    expect(await page(ids[0] ?? '')).toEqual([]);

    const unknownCursor = await headroom.call('GET', '/api/v1/deploys?before=dep_nope');
    expect(unknownCursor.status).toBe(400);
    expect(unknownCursor.body).toMatchObject({
      errors: [
        { path: 'before', message: expect.stringContaining('no deploy "dep_nope"') as string },
      ],
    });
    const missing = await headroom.call('GET', '/api/v1/deploys/dep_nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'deploy "dep_nope" does not exist',
    });
    expect(
      (await headroom.call('GET', `/api/v1/deploys/${ids[0] ?? ''}`, { token: null })).status,
    ).toBe(401);
  });

  it('records a deploy sent again with its Idempotency-Key once, and refuses the key for another deploy', async () => {
    const record = (body: Record<string, unknown>, key: string) =>
      headroom.call('POST', '/api/v1/deploys', {
        token: tokens.ci ?? null,
        headers: { 'idempotency-key': key },
        body: { service: 'healthy', status: 'started', actor: 'alice', version: '7.1.0', ...body },
      });
    const deploysOf = async (version: string) =>
      ((await headroom.call('GET', '/api/v1/deploys?service=healthy')).body as DeployBody[])
        .filter((deploy) => deploy.version === version)
        .map((deploy) => deploy.id);

    const first = await record({}, 'run-81-started');
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The answer was lost; CI sends the same request a moment later, without `at`.
    headroom.clock.set(T0 + 3_000);
    const again = await record({}, 'run-81-started');
    expect(again.status, again.text).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await deploysOf('7.1.0')).toEqual([(first.body as DeployBody).id]);

    // Another service may use the same key for a deploy of its own.
    const elsewhere = await headroom.call('POST', '/api/v1/deploys', {
      headers: { 'idempotency-key': 'run-81-started' },
      body: { service: 'storefront', status: 'started', actor: 'alice', version: '7.1.0' },
    });
    expect(elsewhere.status, elsewhere.text).toBe(201);
    expect(elsewhere.headers.get('idempotent-replayed')).toBeNull();

    // The finish of the same run under the start's key is a mistake to say, not to answer
    // with the start.
    const reused = await record(
      { status: 'finished', at: new Date(T0 + 60_000).toISOString() },
      'run-81-started',
    );
    expect(reused.status, reused.text).toBe(409);
    const id = (first.body as DeployBody).id;
    expect(reused.body).toMatchObject({
      code: 'CONFLICT',
      detail: `this Idempotency-Key was used for deploy ${id}, which differs; send a new key for a new deploy`,
      errors: [
        { path: 'status', message: `"finished" here, "started" in deploy ${id}` },
        {
          path: 'at',
          message: `2026-11-10T10:01:00.000Z here, 2026-11-10T10:00:00.000Z in deploy ${id}`,
        },
      ],
    });
    expect(await deploysOf('7.1.0')).toEqual([id]);

    // Two copies sent at once (a client that timed out and sent again): one deploy.
    const twins = await Promise.all([
      record({ version: '7.2.0' }, 'run-82'),
      record({ version: '7.2.0' }, 'run-82'),
      record({ version: '7.2.0' }, 'run-82'),
    ]);
    expect(twins.map((reply) => reply.status)).toEqual([201, 201, 201]);
    const twinIds = new Set(twins.map((reply) => (reply.body as DeployBody).id));
    expect(twinIds.size).toBe(1);
    expect(await deploysOf('7.2.0')).toEqual([...twinIds]);

    const empty = await record({}, '');
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ detail: 'Idempotency-Key must be 1 to 255 characters' });
  });

  it('never counts the approval of the one whose token asks, nor of one who lost the role', async () => {
    const given = await approve(tokens.bob ?? '', {});
    expect(given.status).toBe(201);
    const { id } = given.body as { id: string };
    try {
      // bob's own token asks on alice's behalf: bob is asking, and cannot approve.
      const asked = await check('low', { actor: 'alice' }, tokens.bob);
      expect(asked.decision.allowed).toBe(false);
      // (An approval of an earlier test, expired, is refused too.)
      const refusalOf = (decision: Decision) =>
        decision.approvalsRefused.find((refused) => refused.id === id);
      expect(refusalOf(asked.decision)).toMatchObject({ refusal: 'approverIsRequester' });
      // CI spells the deployer as it likes; bob is bob.
      const spelled = await check('low', { actor: 'Bob' });
      expect(refusalOf(spelled.decision)).toMatchObject({ refusal: 'approverIsRequester' });
      expect((await check('low', { actor: 'alice' })).decision.allowed).toBe(true);

      const demoted = await headroom.call('PUT', '/api/v1/users/bob', {
        body: { roles: [] },
      });
      expect(demoted.status).toBe(200);
      const after = await check('low', { actor: 'alice' });
      expect(after.decision.allowed).toBe(false);
      expect(refusalOf(after.decision)).toMatchObject({
        refusal: 'roleNotAllowed',
        message: 'bob holds no role; policy payments-budget takes approvals from sre-lead',
      });
    } finally {
      await headroom.call('PUT', '/api/v1/users/bob', {
        body: { roles: ['sre-lead'] },
      });
      await headroom.call('DELETE', `/api/v1/approvals/${id}`);
    }
  });

  it('pages decisions by the id of the last one seen, and refuses any other cursor', async () => {
    const reply = await headroom.call(
      'GET',
      `/api/v1/deploys/decisions?before=${new Date(T0).toISOString()}`,
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      errors: [{ path: 'before', message: expect.stringContaining('no gate decision') as string }],
    });
  });

  it("shows the deploys in an SLO's status and series, with the budget around each", async () => {
    const recorded = await headroom.call('POST', '/api/v1/deploys', {
      token: tokens.ci ?? null,
      body: {
        service: 'low',
        status: 'finished',
        actor: 'alice',
        version: '7.0.0',
        at: new Date(T0 - 2 * HOUR).toISOString(),
      },
    });
    expect(recorded.status).toBe(201);
    const { id } = recorded.body as { id: string };
    const status = (await headroom.call('GET', '/api/v1/slos/low-availability/status')).body as {
      errorBudget: { remaining: number };
      deploys: { inWindow: number; latest: { id: string; budget: unknown }[] };
    };
    expect(status.deploys.inWindow).toBe(1);
    const remaining = status.errorBudget.remaining;
    // Nothing failed around the deploy: the hour before and the hour after spent nothing.
    expect(status.deploys.latest).toEqual([
      {
        id,
        at: new Date(T0 - 2 * HOUR).toISOString(),
        status: 'finished',
        version: '7.0.0',
        labels: [],
        budget: {
          slo: 'low-availability',
          before: {
            from: new Date(T0 - 3 * HOUR).toISOString(),
            to: new Date(T0 - 2 * HOUR).toISOString(),
            remainingAtStart: remaining,
            remainingAtEnd: remaining,
            consumed: 0,
            burnRate: null,
          },
          after: {
            from: new Date(T0 - 2 * HOUR).toISOString(),
            to: new Date(T0 - HOUR).toISOString(),
            remainingAtStart: remaining,
            remainingAtEnd: remaining,
            consumed: 0,
            burnRate: null,
          },
        },
      },
    ]);
    const series = (
      await headroom.call(
        'GET',
        `/api/v1/slos/low-availability/series?from=${new Date(T0 - 4 * HOUR).toISOString()}&to=${new Date(T0).toISOString()}&step=1h`,
      )
    ).body as { deploys: unknown[] };
    expect(series.deploys).toEqual(status.deploys.latest);
  });

  it('answers 404 for a service it does not know, and 400 for a bad request', async () => {
    const unknown = await check('nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      code: 'NOT_FOUND',
      detail: 'service "nowhere" does not exist',
    });
    // Who deploys is kept without surrounding blanks, in decisions and deploys alike.
    const spaced = await check('healthy', { actor: ' CAROL ' });
    expect(spaced.decision.actor).toBe('CAROL');
    const spacedDeploy = await headroom.call('POST', '/api/v1/deploys', {
      token: tokens.ci ?? null,
      body: { service: 'exhausted', status: 'finished', actor: ' CAROL ' },
    });
    expect(spacedDeploy.body).toMatchObject({ actor: 'CAROL' });
    const blank = await headroom.call('POST', '/api/v1/deploys', {
      token: tokens.ci ?? null,
      body: { service: 'exhausted', status: 'finished', actor: '   ' },
    });
    expect(blank.status).toBe(400);
    // A misspelt service is not a service without deploys, decisions or approvals.
    for (const list of ['/api/v1/deploys/decisions', '/api/v1/deploys', '/api/v1/approvals']) {
      const misspelt = await headroom.call('GET', `${list}?service=chekout`);
      expect(misspelt.status, list).toBe(404);
      expect(misspelt.body).toMatchObject({ detail: 'service "chekout" does not exist' });
      expect((await headroom.call('GET', `${list}?service=healthy`)).status, list).toBe(200);
    }
    const bad = await headroom.call('POST', '/api/v1/deploys/check', {
      body: { service: 'low', labels: ['Not A Label'] },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'body.labels.0',
      'body.actor',
    ]);
  });
});

describe.each(TEST_DATABASES)('freezes at the gate on $name', (kind) => {
  let headroom: TestHeadroom;

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: new Date(T0).toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [serviceDocument('storefront', 'web'), FREEZE_POLICY] },
    });
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await headroom.close();
  });

  const checkAt = async (iso: string, labels: string[] = []) => {
    headroom.clock.set(Date.parse(iso));
    const reply = await headroom.call('POST', '/api/v1/deploys/check', {
      body: { service: 'storefront', actor: 'alice', labels },
    });
    expect(reply.status).toBe(200);
    return reply.body as Decision;
  };

  it('holds deploys on 25 December in the Netherlands until Boxing Day and the weekend after it are over', async () => {
    const decision = await checkAt('2026-12-25T10:00:00Z');
    expect(decision.allowed).toBe(false);
    const dutch = decision.reasons.find((reason) => reason.freeze?.name === 'holidays-nl');
    expect(dutch?.freeze).toMatchObject({
      kind: 'holiday',
      // Boxing Day is a Saturday: the weekend window takes over until Monday 08:00.
      until: '2026-12-28T07:00:00.000Z',
      endsAt: '2026-12-26T23:00:00.000Z',
      detail: 'Christmas Day (2026-12-25), followed by Boxing Day (2026-12-26)',
    });
    expect(dutch?.message).toContain(
      'Public holiday in NL: Christmas Day (2026-12-25), followed by Boxing Day (2026-12-26); freeze holidays-nl holds deploys until',
    );
    expect((await checkAt('2026-12-25T10:00:00Z', ['rollback'])).allowed).toBe(true);
    // Boxing Day is over at midnight in Amsterdam; 27 December is a Sunday, in the weekend window.
    const sunday = await checkAt('2026-12-26T23:00:00Z');
    expect(sunday.reasons.map((reason) => reason.freeze?.name)).toEqual(['fri-1600-to-mon-0800']);
  });

  it('holds deploys over the Easter weekend of 2027 until Easter Monday is over, not Monday 08:00', async () => {
    const saturday = await checkAt('2027-03-27T12:00:00Z');
    expect(saturday.reasons.map((reason) => reason.freeze)).toMatchObject([
      {
        kind: 'window',
        name: 'fri-1600-to-mon-0800',
        until: '2027-03-29T22:00:00.000Z',
        endsAt: '2027-03-29T06:00:00.000Z',
      },
    ]);
    expect(saturday.reasons[0]?.message).toContain(
      'and freeze holidays-nl follows without a gap: deploys are held until 2027-03-30 00:00 Europe/Amsterdam (2027-03-29T22:00:00.000Z)',
    );
    expect((await checkAt('2027-03-29T06:00:00Z')).allowed).toBe(false);
    expect((await checkAt('2027-03-29T22:00:00Z')).allowed).toBe(true);
  });

  it('holds deploys on US Thanksgiving, 26 November 2026, in New York time', async () => {
    const decision = await checkAt('2026-11-26T15:00:00Z');
    expect(decision.reasons.map((reason) => reason.freeze)).toMatchObject([
      {
        kind: 'holiday',
        name: 'holidays-us',
        until: '2026-11-27T05:00:00.000Z',
        detail: 'Thanksgiving Day (2026-11-26)',
      },
    ]);
    expect((await checkAt('2026-11-26T04:59:00Z')).allowed).toBe(true);
    expect((await checkAt('2026-11-27T05:00:00Z')).allowed).toBe(true);
  });

  it('holds deploys from Friday 16:00 to Monday 08:00 Amsterdam time across the DST switch', async () => {
    // Summer time ends on Sunday 25 October 2026: Friday 16:00 is 14:00Z, Monday 08:00 is 07:00Z.
    expect((await checkAt('2026-10-23T13:59:00Z')).allowed).toBe(true);
    const friday = await checkAt('2026-10-23T14:00:00Z');
    expect(friday.allowed).toBe(false);
    expect(friday.reasons[0]?.freeze).toMatchObject({
      kind: 'window',
      name: 'fri-1600-to-mon-0800',
      until: '2026-10-26T07:00:00.000Z',
      detail: 'Fri 16:00 to Mon 08:00 Europe/Amsterdam',
    });
    expect((await checkAt('2026-10-26T06:59:00Z')).allowed).toBe(false);
    expect((await checkAt('2026-10-26T07:00:00Z')).allowed).toBe(true);
    expect(friday.onUnavailable).toBe('allow');
  });
});
