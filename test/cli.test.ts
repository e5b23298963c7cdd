// The built CLI as users run it: a separate process, real streams, real exit codes.
// `npm test` builds first; run `npm run build` before running this file alone.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function headroom(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/headroom', ...args],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('bin/headroom', () => {
  it('exits quietly when its reader stops early, as `| head` does', async () => {
    const child = spawn(process.execPath, ['bin/headroom', '--help'], { cwd: root });
    // Closed before the process has started: its first write finds no reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('shows help, evaluates the example and exits 2 on a usage error', async () => {
    const help = await headroom(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: headroom');
    expect(help.stdout).toContain('eval');

    const evaluated = await headroom([
      'eval',
      '--config',
      'examples/config',
      '--events',
      'examples/events.ndjson',
    ]);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.code).toBe(0);
    const statuses = JSON.parse(evaluated.stdout) as {
      slo: string;
      alerts: { firing: boolean }[];
    }[];
    expect(statuses.map((status) => status.slo)).toEqual([
      'recommendations-availability',
      'checkout-availability',
      'checkout-latency',
      'payments-api-availability',
      'payments-api-uptime',
    ]);
    expect(statuses[1]?.alerts.some((alert) => alert.firing)).toBe(true);

    const usage = await headroom([
      'eval',
      '-c',
      'examples/config',
      '-e',
      'examples/events.ndjson',
      '--no-such-option',
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain("error: unknown option '--no-such-option'");
  });
});
