// `headroom gate` and `headroom deploy record` as CI runs them: the built binary against
// a running server (a separate process), real exit codes, and the server down.
// `npm test` builds first; run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceDocument, sloDocument } from './support/documents.js';
import { api, closedPort, spawnServer, type ServerProcess } from './support/process.js';

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

/** A policy whose ad-hoc freeze holds ledger's deploys until an sre-lead approves. */
function approvalFreeze(name: string, maxDuration: string, now: number) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'ErrorBudgetPolicy',
    metadata: { name },
    spec: {
      appliesTo: { services: ['ledger'] },
      rules: [{ name: 'frozen', when: 'freeze', effect: 'requireApproval', unlessLabels: [] }],
      freezes: {
        adHoc: [
          {
            name: `${name}-window`,
            start: new Date(now - 60 * 60_000).toISOString(),
            end: '2099-01-01T00:00:00Z',
            reason: 'quarter close',
          },
        ],
      },
      approvals: { roles: ['sre-lead'], maxDuration },
    },
  };
}

/** The arguments of a suggested shell command: words, and single-quoted words. */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
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
        serviceDocument('ledger', 'finance'),
        approvalFreeze('ledger-release', '8h', now),
        approvalFreeze('ledger-audit', '45m', now),
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

  /** The environment of an sre-lead, a new user with a token of their own. */
  const srelead = async (name: string): Promise<Record<string, string>> => {
    const user = await api(server.url, TOKEN, 'POST', '/api/v1/users', {
      name,
      roles: ['sre-lead'],
    });
    expect(user.status).toBe(201);
    const token = await api(server.url, TOKEN, 'POST', '/api/v1/tokens', {
      name: `${name}'s token`,
      role: 'viewer',
      user: name,
    });
    return { ...env, HEADROOM_TOKEN: (token.body as { token: string }).token };
  };

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
      '  1. [payments-budget/exhausted] SLO checkout-availability has exhausted its error budget (-99900% left; SLI 0.000% over 30d against an objective of 99.9%). Deploys are denied unless labelled reliability or rollback; no approval lifts this rule.',
    );
    expect(run.stdout).toContain(
      'No approval lifts this; the label reliability or rollback would waive every reason, or wait for the conditions to end.',
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

  it('suggests an approval every policy holding the deploy would count, and it lets the deploy out', async () => {
    const held = await headroom(['gate', 'ledger', '--actor', 'alice'], env);
    expect(held.code).toBe(1);
    expect(held.stdout).toContain(
      'To lift it: an approval from a holder of role sre-lead (not alice) for ledger-release/frozen running at most 8h, given with their own token:',
    );
    expect(held.stdout).toContain(
      'To lift it: an approval from a holder of role sre-lead (not alice) for ledger-audit/frozen running at most 45m, given with their own token:',
    );
    const suggested = held.stdout
      .split('\n')
      .filter((line) => line.startsWith('  headroom approve '))
      .map((line) => shellWords(line.trim()).slice(1))
      .sort((a, b) => (a[3] ?? '').localeCompare(b[3] ?? ''));
    // Not the usual 2h: ledger-audit refuses an approval longer than 45m.
    expect(suggested).toEqual([
      ['approve', 'ledger', '--rule', 'ledger-audit/frozen', '--reason', '…', '--expires', '45m'],
      ['approve', 'ledger', '--rule', 'ledger-release/frozen', '--reason', '…', '--expires', '45m'],
    ]);

    const sam = await srelead('sam');
    for (const args of suggested) {
      const approved = await headroom(
        args.map((arg) => (arg === '…' ? 'quarter-close fix, reviewed' : arg)),
        sam,
      );
      expect(approved.stderr).toBe('');
      expect(approved.code).toBe(0);
    }
    const allowed = await headroom(['gate', 'ledger', '--actor', 'alice', '--json'], env);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ allowed: true, approvalsRefused: [] });
  });

  it('exits 2 for usage errors and requests the server refuses', async () => {
    const missing = await headroom(['gate'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'service'");
    const noActor = await headroom(['gate', 'healthy'], env);
    expect(noActor.code).toBe(2);
    expect(noActor.stderr).toContain(
      'who deploys? pass --actor or set HEADROOM_ACTOR (GITHUB_ACTOR, GITLAB_USER_LOGIN and USER are read too)',
    );
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

  it('exits 2 naming the service or the label the server refuses', async () => {
    for (const args of [
      ['deploy', 'decisions', '--service', 'chekout'],
      ['deploy', 'list', '--service', 'chekout'],
      ['approvals', 'list', '--service', 'chekout'],
    ]) {
      const run = await headroom(args, env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('service "chekout" does not exist');
    }
    // A label the server refuses is named as it was typed, not by its place in the body.
    const badLabel = await headroom(
      ['gate', 'healthy', '--actor', 'alice', '--label', 'rollback', '--label', 'ROLLBACK'],
      env,
    );
    expect(badLabel.code).toBe(2);
    expect(badLabel.stderr).toMatch(/^ {2}--label ROLLBACK: /m);
    expect(badLabel.stderr).not.toContain('body.labels');
    // Four runs of the CLI, each a process of its own.
  }, 60_000);

  it('keeps a deploy recorded on a denied decision, and says it went out against the gate', async () => {
    const denied = await headroom(['gate', 'checkout', '--actor', 'alice', '--json'], env);
    expect(denied.code).toBe(1);
    const { id } = JSON.parse(denied.stdout) as { id: string };
    const run = await headroom(
      ['deploy', 'record', 'checkout', '--status', 'finished', '--decision', id, '--json'],
      { ...env, HEADROOM_ACTOR: 'alice' },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `gate decision ${id} denied this deploy; it is recorded as having gone out against the gate.`,
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ decision: id, againstDenial: true });
    const listed = await api(server.url, TOKEN, 'GET', '/api/v1/deploys?service=checkout&limit=1');
    expect(listed.body).toMatchObject([{ decision: id, againstDenial: true }]);
  });

  it('records a deploy after it went out', async () => {
    // --actor is taken without its surrounding blanks.
    const run = await headroom(
      [
        ...['deploy', 'record', 'healthy', '--status', 'finished', '--version', '1.4.0'],
        ...['--actor', ' alice '],
      ],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Recorded deploy dep_\w+: healthy 1\.4\.0 finished at /);
    const deploys = await api(server.url, TOKEN, 'GET', '/api/v1/deploys?service=healthy');
    expect(deploys.body).toMatchObject([{ version: '1.4.0', status: 'finished', actor: 'alice' }]);
    const usage = await headroom(['deploy', 'record', 'healthy', '--actor', 'alice'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--status <status>' not specified");
    const unknownDecision = await headroom(
      ['deploy', 'record', 'healthy', '--status', 'finished', '--decision', 'dec_nothing'],
      { ...env, HEADROOM_ACTOR: 'alice' },
    );
    expect(unknownDecision.code).toBe(2);
    expect(unknownDecision.stderr).toContain('the decision does not exist');
    expect(unknownDecision.stderr).not.toContain('not one of this service');
    expect(unknownDecision.stderr).toMatch(/^ {2}--decision: no gate decision "dec_nothing"/m);
  });

  it('reads deploys and decisions back: deploy list, deploy decisions, deploy decision', async () => {
    const held = await headroom(
      ['gate', 'checkout', '--version', '2.0.0', '--actor', 'carol', '--json'],
      env,
    );
    expect(held.code).toBe(1);
    const { id } = JSON.parse(held.stdout) as { id: string };
    const recorded = await headroom(
      [
        'deploy',
        'record',
        'checkout',
        '--status',
        'finished',
        '--version',
        '2.0.0',
        '--decision',
        id,
      ],
      { ...env, HEADROOM_ACTOR: 'carol' },
    );
    expect(recorded.code).toBe(0);

    const list = await headroom(['deploy', 'list', '--service', 'checkout', '--limit', '1'], env);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const [header, row, ...rest] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^AT\s+SERVICE\s+VERSION\s+STATUS\s+ACTOR\s+DECISION\s+BUDGET/);
    // A full page: the way to the next one.
    const [latest] = (
      await api(server.url, TOKEN, 'GET', '/api/v1/deploys?service=checkout&limit=1')
    ).body as { id: string }[];
    expect(rest).toEqual([
      '',
      `Older ones: headroom deploy list --service checkout --limit 1 --before ${latest?.id ?? ''}`,
    ]);
    expect(row).toContain(
      `checkout  2.0.0    finished  carol  ${id} (DENIED: went out against the gate)`,
    );
    // The SLO's budget around the deploy: the hour before read, the hour after still to come.
    expect(row).toMatch(/checkout-availability spent \d+\.\d\d% → pending$/);

    const decisions = await headroom(
      ['deploy', 'decisions', '--service', 'checkout', '--denied'],
      env,
    );
    expect(decisions.code).toBe(0);
    const lines = decisions.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AT\s+ID\s+SERVICE\s+VERSION\s+ACTOR\s+ANSWER\s+RULES$/);
    expect(lines[1]).toContain(
      `${id}  checkout  2.0.0    carol  DENIED  payments-budget/exhausted`,
    );
    expect(lines.slice(1).every((line) => line.includes('DENIED'))).toBe(true);
    // The next page keeps the filters given.
    const page = await headroom(
      ['deploy', 'decisions', '--service', 'checkout', '--denied', '--limit', '1'],
      env,
    );
    expect(page.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^Older ones: headroom deploy decisions --service checkout --denied --limit 1 --before dec_\w+$/,
    );

    const one = await headroom(['deploy', 'decision', id], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(
      /^DENIED: checkout 2\.0\.0 was held at \S+ by carol \(payments-budget\)\.\n\n {2}1\. \[payments-budget\/exhausted\] SLO checkout-availability has exhausted its error budget/,
    );
    // A past decision offers nothing to lift: the conditions have moved on since.
    expect(one.stdout).not.toContain('To lift it');
    expect(one.stdout.trimEnd().split('\n').at(-1)).toBe(
      `Decision ${id}, asked with the token of ${(JSON.parse(held.stdout) as { requestedBy: string }).requestedBy}.`,
    );
    const unknown = await headroom(['deploy', 'decision', 'dec_nothing'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('headroom deploy decision:');
    // A plain date is that day in UTC: the deploy's own day holds it, the next day does not.
    const [deploy] = (
      await api(server.url, TOKEN, 'GET', '/api/v1/deploys?service=checkout&limit=1')
    ).body as { id: string; at: string }[];
    const day = deploy?.at.slice(0, 10) ?? '';
    const next = new Date(Date.parse(day) + 24 * 60 * 60_000).toISOString().slice(0, 10);
    const within = await headroom(
      ['deploy', 'list', '--service', 'checkout', '--from', day, '--to', next, '--json'],
      env,
    );
    expect((JSON.parse(within.stdout) as { id: string }[]).map((each) => each.id)).toContain(
      deploy?.id,
    );
    const after = await headroom(['deploy', 'list', '--service', 'checkout', '--from', next], env);
    expect(after.stdout).toBe('No deploys recorded.\n');
    const badLimit = await headroom(['deploy', 'list', '--limit', '0'], env);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('expected a whole number from 1 to 500');
    // Ten runs of the CLI, each a process of its own.
  }, 60_000);

  describe('with the server down', () => {
    let down: Record<string, string>;
    beforeAll(async () => {
      // Asked once: asking again is tried below, and in test/ci-snippets.test.ts.
      down = {
        ...env,
        HEADROOM_URL: `http://127.0.0.1:${await closedPort()}`,
        HEADROOM_GATE_RETRIES: '0',
      };
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

    it("does what the service's policies in --config say", async () => {
      const config = mkdtempSync(path.join(tmpdir(), 'headroom-gate-config-'));
      try {
        const policy = (name: string, services: string, onUnavailable: string) =>
          [
            'apiVersion: headroom/v1',
            'kind: ErrorBudgetPolicy',
            `metadata: { name: ${name} }`,
            'spec:',
            `  appliesTo: { services: [${services}] }`,
            '  rules: [{ name: exhausted, when: budgetExhausted, effect: deny }]',
            `  onUnavailable: ${onUnavailable}`,
          ].join('\n');
        const service = (name: string) =>
          `apiVersion: headroom/v1\nkind: Service\nmetadata: { name: ${name} }\nspec: { team: payments }`;
        writeFileSync(
          path.join(config, 'headroom.yaml'),
          [
            service('healthy'),
            service('checkout'),
            policy('lenient', 'healthy, checkout', 'allow'),
            policy('strict', 'checkout', 'deny'),
          ].join('\n---\n'),
        );
        const allowed = await headroom(
          ['gate', 'healthy', '--actor', 'alice', '--config', config],
          {
            ...down,
            HEADROOM_GATE_ON_UNAVAILABLE: 'deny',
          },
        );
        expect(allowed.code).toBe(0);
        expect(allowed.stderr).toContain(
          `ALLOWED WITHOUT A DECISION (onUnavailable: allow, from the policies in ${config}: lenient)`,
        );
        // Deny if any policy that applies says deny.
        const denied = await headroom(
          ['gate', 'checkout', '--actor', 'alice', '--config', config],
          down,
        );
        expect(denied.code).toBe(3);
        expect(denied.stderr).toContain(`from the policies in ${config}: lenient, strict`);
        // A service the files do not define: the variable decides.
        const unknown = await headroom(
          ['gate', 'storefront', '--actor', 'alice', '--config', config],
          {
            ...down,
            HEADROOM_GATE_ON_UNAVAILABLE: 'allow',
          },
        );
        expect(unknown.code).toBe(0);
        expect(unknown.stderr).toContain(`--config ${config} does not define service storefront`);
        // Config that does not validate cannot say what the policies are: held.
        writeFileSync(
          path.join(config, 'broken.yaml'),
          'apiVersion: headroom/v1\nkind: Nonsense\n',
        );
        const broken = await headroom(['gate', 'healthy', '--actor', 'alice', '--config', config], {
          ...down,
          HEADROOM_GATE_ON_UNAVAILABLE: 'allow',
        });
        expect(broken.code).toBe(3);
        expect(broken.stderr).toContain('which does not validate');
      } finally {
        rmSync(config, { recursive: true, force: true });
      }
    });

    it('lets the variable and the default decide when no policy in --config applies, and advises what decided', async () => {
      const config = mkdtempSync(path.join(tmpdir(), 'headroom-gate-config-'));
      try {
        writeFileSync(
          path.join(config, 'headroom.yaml'),
          [
            'apiVersion: headroom/v1',
            'kind: Service',
            'metadata: { name: checkout }',
            'spec: { team: payments }',
            '---',
            'apiVersion: headroom/v1',
            'kind: Service',
            'metadata: { name: ledger }',
            'spec: { team: finance }',
            '---',
            'apiVersion: headroom/v1',
            'kind: ErrorBudgetPolicy',
            'metadata: { name: strict }',
            'spec:',
            '  appliesTo: { services: [checkout] }',
            '  rules: [{ name: exhausted, when: budgetExhausted, effect: deny }]',
            '  onUnavailable: deny',
          ].join('\n'),
        );
        // The files outrank the variable, so the advice names the policy, not the variable.
        const deniedDespiteVariable = await headroom(
          ['gate', 'checkout', '--actor', 'alice', '--config', config],
          { ...down, HEADROOM_GATE_ON_UNAVAILABLE: 'allow' },
        );
        expect(deniedDespiteVariable.code).toBe(3);
        expect(deniedDespiteVariable.stderr).toContain(
          `if the service's policies allow it, set onUnavailable: allow in policy strict in ${config} (or pass --on-unavailable allow).`,
        );
        expect(deniedDespiteVariable.stderr).not.toContain('HEADROOM_GATE_ON_UNAVAILABLE=allow');
        // A service the files define but no policy there applies to: the files say
        // nothing, so the variable decides, and without it the default deny.
        const noPolicyDenied = await headroom(
          ['gate', 'ledger', '--actor', 'alice', '--config', config],
          { ...down, HEADROOM_GATE_ON_UNAVAILABLE: 'deny' },
        );
        expect(noPolicyDenied.code).toBe(3);
        expect(noPolicyDenied.stderr).toContain(
          `no policy in --config ${config} applies to ledger; onUnavailable comes from HEADROOM_GATE_ON_UNAVAILABLE`,
        );
        expect(noPolicyDenied.stderr).toContain(
          'ledger is DENIED without a decision (onUnavailable: deny, from HEADROOM_GATE_ON_UNAVAILABLE)',
        );
        const noPolicyDefault = await headroom(
          ['gate', 'ledger', '--actor', 'alice', '--config', config],
          down,
        );
        expect(noPolicyDefault.code).toBe(3);
        expect(noPolicyDefault.stderr).toContain(
          'ledger is DENIED without a decision (onUnavailable: deny, from the default)',
        );
        const noPolicyAllowed = await headroom(
          ['gate', 'ledger', '--actor', 'alice', '--config', config],
          { ...down, HEADROOM_GATE_ON_UNAVAILABLE: 'allow' },
        );
        expect(noPolicyAllowed.code).toBe(0);
        expect(noPolicyAllowed.stderr).toContain('from HEADROOM_GATE_ON_UNAVAILABLE');
      } finally {
        rmSync(config, { recursive: true, force: true });
      }
      // Four runs of the CLI, each a process of its own.
    }, 60_000);

    it('never lets a deploy out when HEADROOM_URL is unset or the answer is not a decision', async () => {
      const unset = { ...env };
      delete unset.HEADROOM_URL;
      const noUrl = await headroom(['gate', 'healthy', '--actor', 'alice'], {
        ...unset,
        HEADROOM_GATE_ON_UNAVAILABLE: 'allow',
      });
      expect(noUrl.code).toBe(2);
      expect(noUrl.stderr).toContain('HEADROOM_URL is not set');

      const badRetries = await headroom(['gate', 'healthy', '--actor', 'alice'], {
        ...env,
        HEADROOM_GATE_RETRIES: 'many',
      });
      expect(badRetries.code).toBe(2);
      expect(badRetries.stderr).toContain(
        'HEADROOM_GATE_RETRIES=many is not a whole number from 0 to 10',
      );

      const login = createHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>');
      });
      await new Promise<void>((resolve) => login.listen(0, '127.0.0.1', resolve));
      try {
        const address = login.address();
        const port = typeof address === 'object' && address !== null ? address.port : 0;
        const run = await headroom(['gate', 'healthy', '--actor', 'alice'], {
          ...env,
          HEADROOM_URL: `http://127.0.0.1:${port}`,
          HEADROOM_GATE_ON_UNAVAILABLE: 'allow',
        });
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(
          'The answer is not a gate decision, so healthy is NOT ALLOWED',
        );
      } finally {
        await new Promise((resolve) => login.close(resolve));
      }
    });
  });

  it('asks again when a proxy answers 503 while the server restarts, and gets the decision', async () => {
    const proxy = await startProxy(server.url);
    proxy.failNext('unavailable', 'unavailable');
    try {
      const run = await headroom(['gate', 'healthy', '--actor', 'alice'], {
        ...env,
        HEADROOM_URL: proxy.url,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('ALLOWED');
      expect(run.stderr).toBe(
        `headroom gate: the Headroom server at ${proxy.url} failed (HTTP 503); asking again in 1 s\n` +
          `headroom gate: the Headroom server at ${proxy.url} failed (HTTP 503); asking again in 2 s\n`,
      );
      // Asked once more than allowed: the 503 is the answer, and onUnavailable decides.
      proxy.failNext('unavailable', 'unavailable');
      const once = await headroom(['gate', 'healthy', '--actor', 'alice', '--retries', '1'], {
        ...env,
        HEADROOM_URL: proxy.url,
      });
      expect(once.code).toBe(3);
      expect(once.stderr).toContain('asking again in 1 s');
      expect(once.stderr).toContain('healthy is DENIED without a decision');
    } finally {
      await proxy.close();
    }
  });

  it('sends a deploy record again when its answer was lost, and the server records it once', async () => {
    const proxy = await startProxy(server.url);
    proxy.failNext('loseAnswer');
    const recordedOf = async (version: string) =>
      (
        (await api(server.url, TOKEN, 'GET', '/api/v1/deploys?service=healthy')).body as {
          id: string;
          version: string;
        }[]
      ).filter((deploy) => deploy.version === version);
    try {
      const run = await headroom(
        ['deploy', 'record', 'healthy', '--status', 'finished', '--version', '1.5.0'],
        { ...env, HEADROOM_URL: proxy.url, HEADROOM_ACTOR: 'alice' },
      );
      expect(run.code, run.stderr).toBe(0);
      const key = /\(Idempotency-Key ([\w-]+)\)/.exec(run.stderr)?.[1];
      expect(run.stderr).toBe(
        `headroom deploy record: the Headroom server at ${proxy.url} failed (HTTP 502); sending it again in 1 s (Idempotency-Key ${String(key)})\n`,
      );
      const recorded = await recordedOf('1.5.0');
      expect(recorded).toHaveLength(1);
      expect(run.stdout).toBe(
        `Recorded deploy ${String(recorded[0]?.id)}: healthy 1.5.0 finished at ${String(
          (recorded[0] as { at?: string } | undefined)?.at,
        )}.\n`,
      );

      // A key of the pipeline's own (the run, and what it records) makes a second run of
      // the same step record nothing more; the same key for another deploy is refused.
      const step = ['deploy', 'record', 'healthy', '--version', '1.6.0', '--idempotency-key'];
      const started = await headroom([...step, 'run-4711-started', '--status', 'started'], {
        ...env,
        HEADROOM_ACTOR: 'alice',
      });
      const again = await headroom([...step, 'run-4711-started', '--status', 'started'], {
        ...env,
        HEADROOM_ACTOR: 'alice',
      });
      expect([started.code, again.code]).toEqual([0, 0]);
      expect(again.stdout).toBe(started.stdout);
      expect(await recordedOf('1.6.0')).toHaveLength(1);
      const reused = await headroom([...step, 'run-4711-started', '--status', 'finished'], {
        ...env,
        HEADROOM_ACTOR: 'alice',
      });
      expect(reused.code).toBe(2);
      expect(reused.stderr).toMatch(
        /this Idempotency-Key was used for deploy dep_\w+, which differs/,
      );
      expect(reused.stderr).toMatch(
        /^ {2}--status: "finished" here, "started" in deploy dep_\w+$/m,
      );
    } finally {
      await proxy.close();
    }
  });

  it('writes its answer to the GitHub Actions step summary, also when it decided without the server', async () => {
    const summary = path.join(directory, 'step-summary.md');
    writeFileSync(summary, '');
    const held = await headroom(['gate', 'checkout', '--version', '1.4.2', '--actor', 'alice'], {
      ...env,
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(held.code).toBe(1);
    const down = `http://127.0.0.1:${await closedPort()}`;
    const unanswered = await headroom(['gate', 'healthy', '--actor', 'alice', '--json'], {
      ...env,
      HEADROOM_URL: down,
      HEADROOM_GATE_RETRIES: '0',
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(unanswered.code).toBe(3);
    expect(readFileSync(summary, 'utf8')).toBe(
      [
        '### Deploy gate: checkout 1.4.2: DENIED',
        '',
        '```text',
        held.stdout.trimEnd(),
        '```',
        '',
        `[checkout in Headroom](${server.url}/services/checkout#deploys-title)`,
        '',
        '### Deploy gate: healthy: DENIED WITHOUT A DECISION',
        '',
        '```text',
        unanswered.stderr.trimEnd(),
        '```',
        '',
        `[healthy in Headroom](${down}/services/healthy#deploys-title)`,
        '',
        '',
      ].join('\n'),
    );
    expect(held.stdout).toContain('[payments-budget/exhausted]');
    expect(unanswered.stderr).toContain('healthy is DENIED without a decision');

    // A summary that cannot be written is said, and changes no answer.
    const unwritable = await headroom(['gate', 'healthy', '--actor', 'alice'], {
      ...env,
      GITHUB_STEP_SUMMARY: path.join(directory, 'no-such-directory', 'summary.md'),
    });
    expect(unwritable.code).toBe(0);
    expect(unwritable.stderr).toMatch(
      /^headroom gate: could not write the step summary to .*ENOENT/,
    );
  });

  it('waits for an approval given meanwhile with --wait, and lets the deploy out', async () => {
    const policy = approvalFreeze('vault-release', '8h', Date.now());
    const applied = await api(server.url, TOKEN, 'POST', '/api/v1/apply', {
      documents: [
        serviceDocument('vault', 'finance'),
        { ...policy, spec: { ...policy.spec, appliesTo: { services: ['vault'] } } },
      ],
    });
    expect(applied.status).toBe(200);
    const rita = await srelead('rita');

    const waiting = headroom(
      ['gate', 'vault', '--actor', 'alice', '--wait', '2m', '--wait-interval', '1s'],
      env,
    );
    // Once the gate has held it, the approver approves, as the denial says to.
    const decisionsOfVault = async () =>
      (await api(server.url, TOKEN, 'GET', '/api/v1/deploys/decisions?service=vault')).body as {
        allowed: boolean;
      }[];
    while ((await decisionsOfVault()).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const approved = await headroom(
      [
        ...['approve', 'vault', '--rule', 'vault-release/frozen'],
        ...['--reason', 'vault rotation, reviewed', '--expires', '30m'],
      ],
      rita,
    );
    expect(approved.code, approved.stderr).toBe(0);

    const run = await waiting;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^DENIED: vault may not be deployed now by alice/);
    expect(run.stdout).toContain('\nALLOWED: vault may be deployed now by alice');
    expect(run.stderr).toBe(
      'headroom gate: waiting up to 2m for what holds the deploy to lift (an approval, a freeze or an alert ending); asking again every 1s.\n',
    );
    const decisions = await decisionsOfVault();
    expect(decisions[0]?.allowed).toBe(true);
    expect(decisions.slice(1).every((decision) => !decision.allowed)).toBe(true);

    // A freeze no approval lifts, lasting past the wait, is not waited for.
    const storefront = await headroom(
      ['gate', 'storefront', '--actor', 'alice', '--wait', '2s', '--wait-interval', '1s'],
      env,
    );
    expect(storefront.code).toBe(1);
    expect(storefront.stderr).toContain(
      'headroom gate: not waiting: [launch-freeze/frozen] holds deploys until 2099-01-01T00:00:00.000Z, past the wait, and no approval lifts it.',
    );
    const badWait = await headroom(['gate', 'vault', '--actor', 'alice', '--wait', '10'], env);
    expect(badWait.code).toBe(2);
    expect(badWait.stderr).toContain("option '--wait <duration>' argument '10' is invalid");
  });
});

type ProxyFailure = 'unavailable' | 'loseAnswer';

/**
 * A proxy in front of the server, as CI reaches it: it forwards each request, but
 * fails the next ones as `failNext` says: answered 503 without reaching the server
 * (`unavailable`: a restart), or forwarded and the answer replaced by a 502
 * (`loseAnswer`: the server stored it, the client never heard).
 */
async function startProxy(target: string): Promise<{
  url: string;
  failNext: (...failures: ProxyFailure[]) => void;
  close: () => Promise<void>;
}> {
  const upstream = new URL(target);
  const failures: ProxyFailure[] = [];
  const proxy = createHttpServer((request, response) => {
    const action = failures.shift() ?? 'forward';
    if (action === 'unavailable') {
      request.resume();
      response
        .writeHead(503, { 'content-type': 'text/html' })
        .end('<h1>503 Service Unavailable</h1>');
      return;
    }
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        if (action === 'loseAnswer') {
          answer.resume();
          answer.on('end', () => {
            response
              .writeHead(502, { 'content-type': 'text/html' })
              .end('<h1>502 Bad Gateway</h1>');
          });
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    failNext: (...next) => {
      failures.push(...next);
    },
    close: () =>
      new Promise((resolve) => {
        proxy.close(() => {
          resolve();
        });
      }),
  };
}
