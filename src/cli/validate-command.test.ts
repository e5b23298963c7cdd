import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from './captured-io.js';
import { runValidate, type ValidateReport } from './validate-command.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bad = 'test/fixtures/config/headroom/bad';

async function run(paths: string[], json = false, cwd = root) {
  const captured = captureIo({ cwd });
  const code = await runValidate(paths, { json }, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('runValidate', () => {
  it('says how much a valid config holds and exits 0', async () => {
    expect(await run(['examples/config'])).toEqual({
      code: 0,
      stdout: '3 services, 5 SLOs, 1 runbook, 1 incident settings: valid\n',
      stderr: '',
    });
  });

  it('counts every kind, with the operations example that builds on the services', async () => {
    expect(await run(['examples/config', 'examples/operations'])).toEqual({
      code: 0,
      stdout:
        '3 services, 5 SLOs, 1 error-budget policy, 3 schedules, 2 escalation policies, ' +
        '2 heartbeats, 1 runbook, 1 incident settings: valid\n',
      stderr: '',
    });
    // Alone, its references to the services' names and teams do not resolve.
    const alone = await run(['examples/operations']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('no Service named "payments-api"');
  });

  it('prints every issue to stderr, counts them on stdout and exits 2', async () => {
    const result = await run([
      `${bad}/missing-field.yaml`,
      `${bad}/unknown-kind.yaml`,
      'examples/config',
    ]);
    expect(result).toEqual({
      code: 2,
      stdout: '2 errors in 6 files\n',
      stderr: [
        `${bad}/missing-field.yaml:6:3: error: spec.team: required field is missing; expected string [missing_field]`,
        `${bad}/unknown-kind.yaml:2:7: error: kind: unknown kind "Slo" for headroom/v1; did you mean "SLO"? (expected one of: Service, SLO, DataSource, Schedule, ErrorBudgetPolicy, EscalationPolicy, Runbook, IncidentSettings, Heartbeat) [unknown_kind]`,
        '',
      ].join('\n'),
    });
  });

  it('passes with warnings, and prints them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'headroom-validate-'));
    try {
      await writeFile(
        path.join(dir, 'a.yaml'),
        'apiVersion: headroom/v1\nkind: Service\nmetadata: { name: a }\nspec: { team: t }\n---\n' +
          'apiVersion: headroom/v1\nkind: SLO\nmetadata: { name: a }\nspec:\n  service: a\n  sli: { ratio: {} }\n  objective: 0.999\n  window: 30d\n',
      );
      const result = await run(['.'], false, dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('1 service, 1 SLO: valid, 1 warning\n');
      expect(result.stderr).toMatch(
        /^a\.yaml:12:14: warning: spec\.objective: .*\[suspicious_objective\]\n$/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints the verdict, the issues and the model as JSON with --json', async () => {
    const valid = await run(['examples/config'], true);
    const report = JSON.parse(valid.stdout) as ValidateReport;
    expect(valid.code).toBe(0);
    expect(report.valid).toBe(true);
    expect(report.issues).toEqual([]);
    expect(report.services.map((service) => service.name)).toEqual([
      'checkout',
      'payments-api',
      'recommendations',
    ]);
    expect(report.slos).toHaveLength(5);

    const invalid = await run([`${bad}/bad-duration.yaml`], true);
    const failed = JSON.parse(invalid.stdout) as ValidateReport;
    expect(invalid.code).toBe(2);
    expect(failed.valid).toBe(false);
    expect(failed.issues).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'invalid_duration',
        line: 10,
        column: 11,
        path: 'spec.window',
      }),
    ]);
  });

  it('asks for a path when given none', async () => {
    expect(await run([])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'headroom validate: give at least one config file or directory\n',
    });
  });
});
