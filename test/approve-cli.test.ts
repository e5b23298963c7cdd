// `headroom approve` and `headroom approvals list|revoke` against a running server: an
// approver lets a held deploy out, and revoking the approval holds it again. `npm test`
// builds first; run `npm run build` before running this file alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { runCli } from './support/cli.js';
import { serviceDocument } from './support/documents.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';

const sqlite = TEST_DATABASES[0];

describe('headroom approve', () => {
  let headroom: TestHeadroom;
  let samToken = '';

  const gate = async () =>
    (
      await headroom.call('POST', '/api/v1/deploys/check', {
        body: { service: 'search', version: '3.1.0', actor: 'ci' },
      })
    ).body as { allowed: boolean };

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    headroom = await startTestHeadroom(sqlite, { now: new Date().toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('search', 'discovery'),
          {
            apiVersion: 'headroom/v1',
            kind: 'ErrorBudgetPolicy',
            metadata: { name: 'search-freeze' },
            spec: {
              appliesTo: { services: ['search'] },
              rules: [{ name: 'frozen', when: 'freeze', effect: 'requireApproval' }],
              freezes: {
                adHoc: [
                  {
                    name: 'migration',
                    start: '2020-01-01T00:00:00Z',
                    end: '2099-01-01T00:00:00Z',
                    reason: 'index migration',
                  },
                ],
              },
              approvals: { roles: ['sre-lead'], maxDuration: '8h' },
            },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'ErrorBudgetPolicy',
            metadata: { name: 'search-audit' },
            spec: {
              appliesTo: { services: ['search'] },
              rules: [{ name: 'audit-hold', when: 'freeze', effect: 'requireApproval' }],
              // Over: it holds nothing now, yet its cap binds approvals of its rule.
              freezes: {
                adHoc: [
                  {
                    name: 'audit',
                    start: '2020-01-01T00:00:00Z',
                    end: '2020-01-02T00:00:00Z',
                    reason: 'yearly audit',
                  },
                ],
              },
              approvals: { roles: ['sre-lead'], maxDuration: '45m' },
            },
          },
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

  it('lets a held deploy out, lists the approval, and revokes it', async () => {
    expect((await gate()).allowed).toBe(false);
    const approved = await runCli(
      [
        'approve',
        'search',
        '--reason',
        'the migration is paused',
        '--expires',
        '2h',
        '--rule',
        'frozen',
      ],
      headroom.url,
      { HEADROOM_TOKEN: samToken },
    );
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/^Approved \S+ for search by sam until \S+ \(frozen\)\.\n$/);
    expect((await gate()).allowed).toBe(true);

    const listed = await runCli(['approvals', 'list', '-s', 'search'], headroom.url);
    expect(listed.stdout).toMatch(/^ID\s+SERVICE\s+STATE/m);
    expect(listed.stdout).toContain('the migration is paused');
    const id = /^Approved (\S+)/.exec(approved.stdout)?.[1] ?? '';
    const revoked = await runCli(['approvals', 'revoke', id], headroom.url);
    expect(revoked.code).toBe(0);
    expect((await gate()).allowed).toBe(false);
  });

  it('refuses an approval longer than a policy it names allows, saying which and its cap', async () => {
    const reason = ['--reason', 'the audit is over'];
    const scoped = await runCli(
      ['approve', 'search', ...reason, '--expires', '2h', '--rule', 'search-audit/audit-hold'],
      headroom.url,
      { HEADROOM_TOKEN: samToken },
    );
    expect(scoped.code).toBe(2);
    expect(scoped.stdout).toBe('');
    expect(scoped.stderr).toContain(
      '--expires: policy search-audit allows approvals of at most 45m; this one would run 2h',
    );
    // Field errors name the options typed, not the API's fields.
    const unknownRule = await runCli(
      ['approve', 'search', ...reason, '--expires', '30m', '--rule', 'no-such-rule'],
      headroom.url,
      { HEADROOM_TOKEN: samToken },
    );
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toMatch(/^ {2}--rule no-such-rule: no rule "no-such-rule" /m);
    expect(unknownRule.stderr).not.toContain('scope[0]');
    // Without rules it is for search-audit too, though search-freeze would take 2h.
    const unscoped = await runCli(
      ['approve', 'search', ...reason, '--expires', '2h'],
      headroom.url,
      { HEADROOM_TOKEN: samToken },
    );
    expect(unscoped.code).toBe(2);
    expect(unscoped.stderr).toContain('the approval would not count for search-audit');
    expect(unscoped.stderr).toContain('policy search-audit allows approvals of at most 45m');
    const listed = await runCli(['approvals', 'list', '-s', 'search', '--json'], headroom.url);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('refuses a user without an approver role, and a bad expiry', async () => {
    const refused = await runCli(
      ['approve', 'search', '--reason', 'x', '--expires', '1h'],
      headroom.url,
    );
    expect(refused.code).toBe(2);
    const bad = await runCli(
      ['approve', 'search', '--reason', 'x', '--expires', 'soon'],
      headroom.url,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--expires soon is neither a duration');
  });
});
