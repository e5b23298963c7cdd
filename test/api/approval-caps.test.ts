// Approvals checked up front against the policies they name, on SQLite and PostgreSQL:
// an approval is refused when a policy it is for caps approvals below its length (the
// gate would refuse it there as tooLong), whatever longer caps the approver's other
// policies allow, and when it names a rule only other roles may lift.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const T0 = Date.parse('2026-11-10T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A freeze-driven requireApproval policy on ledger, held now unless `past`. */
function freezePolicy(
  name: string,
  rule: string,
  approvals: { roles: string[]; maxDuration: string },
  past = false,
) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'ErrorBudgetPolicy',
    metadata: { name },
    spec: {
      appliesTo: { services: ['ledger'] },
      rules: [{ name: rule, when: 'freeze', effect: 'requireApproval' }],
      freezes: {
        adHoc: [
          {
            name: `${name}-freeze`,
            start: past ? '2020-01-01T00:00:00Z' : '2026-01-01T00:00:00Z',
            end: past ? '2020-01-02T00:00:00Z' : '2099-01-01T00:00:00Z',
            reason: 'year-end close',
          },
        ],
      },
      approvals,
    },
  };
}

interface Problem {
  detail: string;
  errors: { path: string; message: string }[];
}

describe.each(TEST_DATABASES)('approval caps on $name', (kind) => {
  let headroom: TestHeadroom;
  let samToken = '';

  const approve = (scope: 'all' | string[], lengthMs: number) =>
    headroom.call('POST', '/api/v1/approvals', {
      token: samToken,
      body: {
        service: 'ledger',
        scope,
        reason: 'the close is done',
        expiresAt: new Date(T0 + lengthMs).toISOString(),
      },
    });

  const gate = async () =>
    (
      await headroom.call('POST', '/api/v1/deploys/check', {
        body: { service: 'ledger', actor: 'alice' },
      })
    ).body as { allowed: boolean; approvalsRefused: { refusal: string }[] };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: new Date(T0).toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('ledger', 'finance'),
          freezePolicy('ledger-main', 'frozen', { roles: ['sre-lead'], maxDuration: '8h' }),
          freezePolicy('ledger-audit', 'frozen', { roles: ['sre-lead'], maxDuration: '45m' }),
          // Holds nothing now, so the deploys checked here wait on sre-lead approvals alone.
          freezePolicy(
            'ledger-change',
            'review',
            { roles: ['change-board'], maxDuration: '8h' },
            true,
          ),
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    expect(
      (await headroom.call('POST', '/api/v1/users', { body: { name: 'sam', roles: ['sre-lead'] } }))
        .status,
    ).toBe(201);
    const token = await headroom.call('POST', '/api/v1/tokens', {
      body: { name: "sam's token", role: 'viewer', user: 'sam' },
    });
    samToken = (token.body as { token: string }).token;
  });

  afterAll(async () => {
    await headroom.close();
  });

  beforeEach(async () => {
    headroom.clock.set(T0);
    // Each test starts with no approval in force.
    const active = (await headroom.call('GET', '/api/v1/approvals?service=ledger')).body as {
      id: string;
    }[];
    for (const { id } of active) await headroom.call('DELETE', `/api/v1/approvals/${id}`);
  });

  it('refuses an approval of a rule longer than its own policy allows, whatever other policies allow', async () => {
    const refused = await approve(['ledger-audit/frozen'], 2 * HOUR);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      detail: 'the approval would never count',
      errors: [
        {
          path: 'expiresAt',
          message: 'policy ledger-audit allows approvals of at most 45m; this one would run 2h',
        },
      ],
    });
    expect((await headroom.call('GET', '/api/v1/approvals?service=ledger')).body).toEqual([]);
    expect((await approve(['ledger-audit/frozen'], 45 * MINUTE)).status).toBe(201);
  });

  it('takes a long approval for the rules of the long policy, and a short one for the short', async () => {
    expect((await approve(['ledger-main/frozen'], 2 * HOUR)).status).toBe(201);
    expect((await gate()).allowed).toBe(false);
    expect((await approve(['ledger-audit/frozen'], 45 * MINUTE)).status).toBe(201);
    const decision = await gate();
    expect(decision.allowed).toBe(true);
    expect(decision.approvalsRefused).toEqual([]);
  });

  it('refuses a bare rule name that names a rule of a policy with a shorter cap', async () => {
    const refused = await approve(['frozen'], 2 * HOUR);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      detail: 'the approval would not count for ledger-audit',
      errors: [
        {
          path: 'expiresAt',
          message:
            "policy ledger-audit allows approvals of at most 45m; this one would run 2h; give at most 45m, or leave ledger-audit's rules out of scope",
        },
      ],
    });
  });

  it('refuses an approval without rules longer than one of the policies it is for allows', async () => {
    const refused = await approve('all', 2 * HOUR);
    expect(refused.status).toBe(400);
    expect((refused.body as Problem).errors).toEqual([
      {
        path: 'expiresAt',
        message:
          'policy ledger-audit allows approvals of at most 45m; this one would run 2h; without rules it is for every policy you approve for: give at most 45m, or name in scope only rules of ledger-main',
      },
    ]);
    // Within every cap of the approver's policies (not ledger-change's: sam does not approve
    // for it), it lets the deploy out.
    expect((await approve('all', 45 * MINUTE)).status).toBe(201);
    expect((await gate()).allowed).toBe(true);
  });

  it('refuses a rule that only other roles may lift, naming them', async () => {
    const refused = await approve(['ledger-change/review'], HOUR);
    expect(refused.status).toBe(400);
    expect((refused.body as Problem).errors).toEqual([
      {
        path: 'scope[0]',
        message: 'you hold role sre-lead; policy ledger-change takes approvals from change-board',
      },
    ]);
  });
});
