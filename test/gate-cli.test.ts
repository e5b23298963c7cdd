// `headroom gate` and `headroom deploy record` as CI runs them: the built binary against
// a running server (a separate process), real exit codes, and the server down.
// `npm test` builds first; run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceDocument, sloDocument } from './support/documents.js';
import { api, spawnServer, type ServerProcess } from './support/process.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const TOKEN = 'hr_gate-cli-admin-token-0123456789';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function headroom(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/headroom', ...args],
      {
        cwd: root,
        // Only what a CI job would set: no actor or gate setting from the developer's shell.
        env: { PATH: process.env.PATH ?? '', ...env },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('headroom gate against a running server', () => {
  let directory: string;
  let server: ServerProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-gate-'));
    server = await spawnServer(['--data-dir', directory], { HEADROOM_BOOTSTRAP_TOKEN: TOKEN });
    env = { HEADROOM_URL: server.url, HEADROOM_TOKEN: TOKEN };
    const now = Date.now();
    const applied = await api(server.url, TOKEN, 'POST', '/api/v1/apply', {
      documents: [
        serviceDocument('healthy', 'payments'),
        sloDocument('healthy-availability', 'healthy'),
        serviceDocument('checkout', 'payments'),
        sloDocument('checkout-availability', 'checkout'),
        serviceDocument('storefront', 'web'),
        {
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
            ],
          },
        },
        {
          apiVersion: 'headroom/v1',
          kind: 'ErrorBudgetPolicy',
          metadata: { name: 'launch-freeze' },
          spec: {
            appliesTo: { services: ['storefront'] },
            rules: [{ name: 'frozen', when: 'freeze', effect: 'deny', unlessLabels: ['rollback'] }],
            freezes: {
              adHoc: [
                {
                  name: 'launch',
                  start: new Date(now - 60 * 60_000).toISOString(),
                  end: '2099-01-01T00:00:00Z',
                  reason: 'the big launch',
                },
              ],
            },
          },
        },
      ],
    });
    expect(applied.status).toBe(200);
    const key = await api(server.url, TOKEN, 'POST', '/api/v1/services/checkout/ingest-keys', {
      name: 'test',
    });
    // Every request failed a day ago: the budget is spent, no burn alert fires now.
    const minute = Math.floor(now / 60_000) * 60_000 - 24 * 60 * 60_000;
    const ingest = await fetch(new URL('/api/v1/events', server.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${(key.body as { key: string }).key}`,
        'content-type': 'application/x-ndjson',
      },
      body: JSON.stringify({
        ts: new Date(minute).toISOString(),
        slo: 'checkout-availability',
        good: 0,
        total: 500,
      }),
    });
    expect(ingest.status).toBe(200);
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(directory, { recursive: true, force: true });
  });

  it('exits 0 when the deploy may go out', async () => {
    const run = await headroom(['gate', 'healthy', '--version', '1.4.0', '--actor', 'alice'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ALLOWED: healthy 1\.4\.0 may be deployed now by alice \(payments-budget\)\.\n\nDecision dec_\w+ at /,
    );
  });

  it('exits 1 with every reason for a person: the rule, the SLO and its numbers', async () => {
    const run = await headroom(['gate', 'checkout', '--version', '1.4.1'], {
      ...env,
      GITHUB_ACTOR: 'alice',
      GITHUB_SHA: 'abc123',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('DENIED: checkout 1.4.1 may not be deployed now by alice');
    expect(run.stdout).toContain(
      '  1. [payments-budget/exhausted] SLO checkout-availability has exhausted its error budget (-99900% left). Deploys are denied unless labelled reliability or rollback; no approval lifts this rule.',
    );
    expect(run.stdout).toContain(
      'No approval lifts this: only the labels named above, or the conditions ending.',
    );
    const decisions = await api(
      server.url,
      TOKEN,
      'GET',
      '/api/v1/deploys/decisions?service=checkout&limit=1',
    );
    expect(decisions.body).toMatchObject([
      { allowed: false, actor: 'alice', version: '1.4.1', commit: 'abc123' },
    ]);

    const rollback = await headroom(
      ['gate', 'checkout', '--label', 'rollback', '--actor', 'alice', '--json'],
      env,
    );
    expect(rollback.code).toBe(0);
    expect(JSON.parse(rollback.stdout)).toMatchObject({
      allowed: true,
      labels: ['rollback'],
      waived: [{ rule: 'exhausted', waivedBy: { kind: 'label', label: 'rollback' } }],
    });
  });

  it('says which freeze holds a deploy and until when', async () => {
    const run = await headroom(['gate', 'storefront', '--actor', 'alice'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '[launch-freeze/frozen] Freeze launch (the big launch) holds deploys until 2099-01-01T00:00:00.000Z',
    );
  });

  it('exits 2 for usage errors and requests the server refuses', async () => {
    const missing = await headroom(['gate'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'service'");
    const noActor = await headroom(['gate', 'healthy'], env);
    expect(noActor.code).toBe(2);
    expect(noActor.stderr).toContain('who deploys? pass --actor or set HEADROOM_ACTOR');
    const unknown = await headroom(['gate', 'nowhere', '--actor', 'alice'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('service "nowhere" does not exist');
    const badChoice = await headroom(['gate', 'healthy', '--on-unavailable', 'maybe'], env);
    expect(badChoice.code).toBe(2);
    const badToken = await headroom(['gate', 'healthy', '--actor', 'alice'], {
      ...env,
      HEADROOM_TOKEN: 'hr_not-a-token',
    });
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toContain('the API token is not known');
  });

  it('records a deploy after it went out', async () => {
    const run = await headroom(
      ['deploy', 'record', 'healthy', '--status', 'finished', '--version', '1.4.0'],
      { ...env, HEADROOM_ACTOR: 'alice' },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Recorded deploy dep_\w+: healthy 1\.4\.0 finished at /);
    const deploys = await api(server.url, TOKEN, 'GET', '/api/v1/deploys?service=healthy');
    expect(deploys.body).toMatchObject([{ version: '1.4.0', status: 'finished', actor: 'alice' }]);
    const usage = await headroom(['deploy', 'record', 'healthy', '--actor', 'alice'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--status <status>' not specified");
  });

  describe('with the server down', () => {
    let down: Record<string, string>;
    beforeAll(async () => {
      down = { ...env, HEADROOM_URL: `http://127.0.0.1:${await closedPort()}` };
    });

    it('exits 3 and denies by default, saying it decided without the server', async () => {
      const run = await headroom(['gate', 'healthy', '--actor', 'alice'], down);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('connection refused');
      expect(run.stderr).toContain(
        'The deploy gate did not answer; healthy is DENIED without a decision (onUnavailable: deny, from the default)',
      );
      const explicit = await headroom(
        ['gate', 'healthy', '--actor', 'alice', '--on-unavailable', 'deny'],
        down,
      );
      expect(explicit.code).toBe(3);
    });

    it('exits 0 under allow, with a loud warning', async () => {
      const run = await headroom(
        ['gate', 'healthy', '--actor', 'alice', '--on-unavailable', 'allow', '--json'],
        down,
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        'WARNING: the deploy gate did not answer; healthy is ALLOWED WITHOUT A DECISION (onUnavailable: allow, from --on-unavailable)',
      );
      expect(JSON.parse(run.stdout)).toMatchObject({
        allowed: true,
        decidedWithoutServer: true,
        onUnavailable: 'allow',
      });
      const fromEnv = await headroom(['gate', 'healthy', '--actor', 'alice'], {
        ...down,
        HEADROOM_GATE_ON_UNAVAILABLE: 'allow',
      });
      expect(fromEnv.code).toBe(0);
      expect(fromEnv.stderr).toContain('from HEADROOM_GATE_ON_UNAVAILABLE');
    });
  });
});
