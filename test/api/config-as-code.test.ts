// `headroom diff` and `headroom apply` against a real server: a plan, an apply, a second
// apply that changes nothing, a change, and --prune within the token's teams.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/cli/apply-command.js';
import { captureIo, repositoryRoot } from '../../src/cli/captured-io.js';
import { runDiff } from '../../src/cli/diff-command.js';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { ADMIN_TOKEN, startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const sqlite = TEST_DATABASES[0];

describe('config as code', () => {
  let headroom: TestHeadroom;
  let config: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite');
    headroom = await startTestHeadroom(sqlite);
    config = mkdtempSync(path.join(tmpdir(), 'headroom-config-'));
    cpSync(path.join(repositoryRoot, 'examples/config'), config, { recursive: true });
    env = { HEADROOM_URL: headroom.url, HEADROOM_TOKEN: ADMIN_TOKEN };
  });
  afterAll(async () => {
    await headroom.close();
    rmSync(config, { recursive: true, force: true });
  });

  const diff = async (...flags: string[]) => {
    const cli = captureIo();
    const code = await runDiff(
      {
        files: [config],
        prune: flags.includes('--prune'),
        url: undefined,
        exitCode: flags.includes('--exit-code'),
      },
      cli.io,
      env,
    );
    return { code, out: cli.stdout(), err: cli.stderr() };
  };
  const apply = async (...flags: string[]) => {
    const cli = captureIo();
    const code = await runApply(
      { files: [config], prune: flags.includes('--prune'), url: undefined },
      cli.io,
      env,
    );
    return { code, out: cli.stdout(), err: cli.stderr() };
  };
  const auditLength = async () =>
    ((await headroom.call('GET', '/api/v1/audit?limit=1000')).body as unknown[]).length;

  it('plans, applies, and then has nothing left to do', async () => {
    const plan = await diff('--exit-code');
    expect(plan.code).toBe(1);
    expect(plan.out).toContain('+ Service checkout (team payments)');
    expect(plan.out).toContain('+ SLO checkout-availability (team payments)');
    expect(plan.out).toMatch(/Plan: 12 to create, 0 to change, 0 to delete\./);

    const applied = await apply();
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/Applied: 12 created/);
    const entries = await auditLength();

    expect((await apply()).out).toMatch(/No changes/);
    expect(await auditLength()).toBe(entries);
    expect((await diff('--exit-code')).code).toBe(0);
  });

  it('shows a change field by field', async () => {
    const file = path.join(config, 'slos/payments.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('objective: 99.9\n', 'objective: 99.95\n'),
    );
    const plan = await diff();
    expect(plan.out).toMatch(/~ SLO \S+ \(team payments\)\n\s+spec\.objective: 99\.9 -> 99\.95/);
    expect((await apply()).out).toMatch(/Applied: 0 created, 1 changed, 0 deleted/);
  });

  it('prunes only with --prune', async () => {
    rmSync(path.join(config, 'slos/discovery.yaml'));
    const plain = await diff();
    expect(plain.out).not.toContain('- SLO');
    const pruning = await diff('--prune');
    expect(pruning.out).toMatch(/- SLO recommendations-availability \(team discovery\)/);
    expect((await apply('--prune')).code).toBe(0);
    expect((await headroom.call('GET', '/api/v1/slos/recommendations-availability')).status).toBe(
      404,
    );
  });

  it('stops at config errors with file:line before any request', async () => {
    writeFileSync(
      path.join(config, 'broken.yaml'),
      'apiVersion: headroom/v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  teem: a\n',
    );
    const entries = await auditLength();
    const result = await apply();
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/broken\.yaml:6:3: error: spec\.teem/);
    expect(await auditLength()).toBe(entries);
    rmSync(path.join(config, 'broken.yaml'));
  });

  it('exits 3 when the server cannot be reached', async () => {
    const cli = captureIo();
    const code = await runApply(
      { files: [config], prune: false, url: 'http://127.0.0.1:9' },
      cli.io,
      { HEADROOM_TOKEN: ADMIN_TOKEN },
    );
    expect(code).toBe(3);
  });
});

describe.each(TEST_DATABASES)('limits on $name', (kind) => {
  it('answers 413 with the limit for a batch that is too large', async () => {
    const headroom = await startTestHeadroom(kind, { bodyLimitBytes: 1024 });
    try {
      const line = '{"ts":"2026-11-01T00:00:00Z","slo":"x","good":1,"total":1}\n';
      const reply = await headroom.call('POST', '/api/v1/events', {
        token: 'hri_unknown',
        raw: { content: line.repeat(100), contentType: 'application/x-ndjson' },
      });
      expect(reply.status).toBe(413);
      expect(reply.body).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        detail: expect.stringContaining('1024 bytes') as unknown,
      });
    } finally {
      await headroom.close();
    }
  });
});
