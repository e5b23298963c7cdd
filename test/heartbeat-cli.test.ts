// `headroom heartbeat` and the `headroom run` wrapper as a cron job runs them: the
// built binary against a running server. `npm test` builds first; run `npm run build`
// before running this file alone.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { runCli } from './support/cli.js';
import { serviceDocument } from './support/documents.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';

const sqlite = TEST_DATABASES[0];

/** Whether a process is alive (signal 0 only asks). */
function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('headroom heartbeat and headroom run', () => {
  let headroom: TestHeadroom;
  /** `headroom run` of a shell script as the nightly-report job. */
  const runNightlyReport = (script: string) =>
    runCli(['run', '--heartbeat', 'nightly-report', '--', 'sh', '-c', script], headroom.url);

  const check = async () =>
    (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      status: string;
      pings: {
        kind: string;
        exitStatus: number | null;
        body: string | null;
        runId: string | null;
      }[];
    };

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    headroom = await startTestHeadroom(sqlite, { now: '2026-11-20T09:00:00Z' });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('reports', 'analytics'),
          {
            apiVersion: 'headroom/v1',
            kind: 'Heartbeat',
            metadata: { name: 'nightly-report' },
            spec: { service: 'reports', schedule: { every: '1d' }, grace: '1h' },
          },
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('lists the checks', async () => {
    const listed = await runCli(['heartbeat', 'list'], headroom.url);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^NAME\s+STATUS\s+SINCE\s+SERVICE/m);
    expect(listed.stdout).toMatch(/nightly-report\s+new\s+—\s+reports\s+every 1d/);
    const down = await runCli(['heartbeat', 'list', '--status', 'down'], headroom.url);
    expect(down.code).toBe(0);
    expect(down.stdout).not.toContain('nightly-report');
    // A state that does not exist is a usage error, not an empty list.
    const bogus = await runCli(['heartbeat', 'list', '--status', 'bogus'], headroom.url);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('Allowed choices are new, up, late, down, paused');
  });

  it('reports a failing command with its exit code and the tail of its output', async () => {
    const run = await runNightlyReport('echo exporting; echo disk full >&2; exit 3');
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('exporting\n');
    expect(run.stderr).toBe('disk full\n');
    const { status, pings } = await check();
    expect(status).toBe('down');
    expect(pings.map((ping) => [ping.kind, ping.exitStatus])).toEqual([
      ['fail', 3],
      ['start', null],
    ]);
    // Start and end carry the same run id; the end carries the output.
    expect(pings[0]?.runId).toBe(pings[1]?.runId);
    expect(pings[0]?.body).toContain('exporting');
    expect(pings[0]?.body).toContain('disk full');
  });

  it('shows one check: why it is down, its ping URL and its runs with their output', async () => {
    const { pingUrl } = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pingUrl: string;
    };
    const shown = await runCli(['heartbeat', 'show', 'nightly-report'], headroom.url);
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines[0]).toMatch(/^nightly-report: down since \S+: a run failed$/);
    expect(shown.stdout).toMatch(/^Service +reports \(team analytics\)$/m);
    expect(shown.stdout).toMatch(/^Schedule +every 1d, grace 1h, max run time 1h$/m);
    expect(lines).toContain(`Ping URL   ${pingUrl}`);
    expect(shown.stdout).toMatch(/^Expected +nothing: the next successful run brings it up$/m);
    expect(shown.stdout).toContain('The last 2 pings, newest first:');
    // The failed run's last line of output, its exit status and its run id.
    const failed = lines.find((line) => /^\S+ +fail /.test(line)) ?? '';
    const runId = ((await check()).pings[0]?.runId ?? '').slice(0, 8);
    expect(failed).toMatch(new RegExp(`^\\S+ +fail +3 +\\d+s +${runId} +disk full$`));

    const newest = await runCli(
      ['heartbeat', 'show', 'nightly-report', '--pings', '1'],
      headroom.url,
    );
    expect(newest.stdout).toContain('The 1 newest of the last 2 pings (--pings 2 lists them all):');
    expect(newest.stdout).not.toMatch(/^\S+ +start /m);

    const json = await runCli(['heartbeat', 'show', 'nightly-report', '--json'], headroom.url);
    expect((JSON.parse(json.stdout) as { pings: { body: string | null }[] }).pings[0]?.body).toBe(
      'exporting\ndisk full\n',
    );
    const none = await runCli(
      ['heartbeat', 'show', 'nightly-report', '--pings', '0'],
      headroom.url,
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('expected a whole number from 1 to 100');
    const unknown = await runCli(['heartbeat', 'show', 'no-such-check'], headroom.url);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('heartbeat "no-such-check"');
  });

  it('reports a command that succeeds, and pauses and resumes the check', async () => {
    const run = await runCli(['run', '--heartbeat', 'nightly-report', '--', 'true'], headroom.url);
    expect(run.code).toBe(0);
    expect((await check()).status).toBe('up');
    expect((await runCli(['heartbeat', 'pause', 'nightly-report'], headroom.url)).stdout).toBe(
      'nightly-report: paused\n',
    );
    expect((await runCli(['heartbeat', 'resume', 'nightly-report'], headroom.url)).stdout).toBe(
      'nightly-report: new\n',
    );
  });

  it('rotates the ping URL: prints the new one and what to do, and the old one answers 404', async () => {
    const before = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pingUrl: string;
      status: string;
    };
    const rotated = await runCli(['heartbeat', 'rotate-token', 'nightly-report'], headroom.url);
    expect(rotated.code, rotated.stderr).toBe(0);
    const [first, second] = rotated.stdout.split('\n');
    const pingUrl = /^nightly-report: new ping URL (\S+)$/.exec(first ?? '')?.[1];
    expect(pingUrl).toMatch(new RegExp(`^${headroom.url}/ping/[0-9a-f-]{36}$`));
    expect(pingUrl).not.toBe(before.pingUrl);
    expect(second).toContain('Update the job');
    expect((await fetch(before.pingUrl)).status).toBe(404);
    expect((await fetch(pingUrl ?? '')).status).toBe(200);

    const json = await runCli(
      ['heartbeat', 'rotate-token', 'nightly-report', '--json'],
      headroom.url,
    );
    expect(json.code).toBe(0);
    const check = JSON.parse(json.stdout) as { name: string; pingUrl: string };
    expect(check.name).toBe('nightly-report');
    expect(check.pingUrl).not.toBe(pingUrl);
    expect((await fetch(pingUrl ?? '')).status).toBe(404);

    const unknown = await runCli(['heartbeat', 'rotate-token', 'no-such-check'], headroom.url);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('heartbeat "no-such-check"');
    const unreachable = await runCli(
      ['heartbeat', 'rotate-token', 'nightly-report'],
      'http://127.0.0.1:1',
    );
    expect(unreachable.code).toBe(3);
  });

  it('passes SIGTERM on to the command, reports how it ended and exits with it', async () => {
    const { pingUrl } = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pingUrl: string;
    };
    const wrapper = spawn(
      process.execPath,
      ['bin/headroom', 'run', '--ping-url', pingUrl, '--', 'sh', '-c', 'echo ready; exec sleep 60'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    const ready = new Promise<void>((resolve) => {
      wrapper.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => {
      wrapper.on('exit', (code) => {
        resolve(code);
      });
    });
    await ready;
    wrapper.kill('SIGTERM');
    expect(await exited).toBe(128 + 15);
    const { status, pings } = await check();
    expect(status).toBe('down');
    expect(pings.map((ping) => [ping.kind, ping.exitStatus])).toContainEqual(['fail', 143]);
    expect(pings[0]).toMatchObject({ kind: 'fail', exitStatus: 143 });
    expect(pings[0]?.body).toContain('ready');
  });

  it('pings a URL given with a trailing slash, and names a URL answered 404', async () => {
    const { pingUrl } = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pingUrl: string;
    };
    const run = await runCli(['run', '--ping-url', `${pingUrl}/`, '--', 'true'], headroom.url);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect((await check()).status).toBe('up');
    const { pings } = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pings: { userAgent: string | null }[];
    };
    expect(pings[0]?.userAgent).toBe('headroom-run');
    const unknown = `${headroom.url}/ping/00000000-0000-4000-8000-000000000000`;
    const missed = await runCli(['run', '--ping-url', unknown, '--', 'true'], headroom.url);
    expect(missed.code).toBe(0);
    expect(missed.stderr).toContain(`the ping to ${unknown} was answered 404`);
  });

  it('still runs the job when Headroom cannot be reached', async () => {
    const run = await runCli(
      ['run', '--heartbeat', 'nightly-report', '--', 'sh', '-c', 'echo still here; exit 4'],
      'http://127.0.0.1:1',
    );
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('still here\n');
    expect(run.stderr).toContain('running the command without pings');

    const dead = 'http://127.0.0.1:1/ping/00000000-0000-4000-8000-000000000000';
    const pinged = await runCli(
      ['run', '--ping-url', dead, '--ping-retries', '1', '--', 'sh', '-c', 'exit 5'],
      dead,
    );
    expect(pinged.code).toBe(5);
    // A refused connection is tried again, once here; then the job goes on without.
    const refused = `headroom run: could not ping ${dead} (connect ECONNREFUSED 127.0.0.1:1)`;
    expect(pinged.stderr.split('\n').filter((line) => line !== '')).toEqual([
      `${refused}; trying again in 1 s`,
      refused,
      `${refused}; trying again in 1 s`,
      refused,
    ]);
  });

  it('ends the run when the command exits, not when a process it left behind does', async () => {
    const { pingUrl } = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pingUrl: string;
    };
    // The background sleep holds the command's stdout and stderr open after sh exits.
    const run = await runCli(
      ['run', '--ping-url', pingUrl, '--', 'sh', '-c', 'sleep 60 & echo "left $!"; echo done'],
      headroom.url,
    );
    const orphan = Number(/^left (\d+)$/m.exec(run.stdout)?.[1]);
    try {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^done$/m);
      // The run was reported, output and all, while the sleep it left is still running.
      const { pings } = await check();
      expect(pings[0]).toMatchObject({ kind: 'success', exitStatus: 0 });
      expect(pings[0]?.body).toContain('done');
      expect(isRunning(orphan)).toBe(true);
    } finally {
      if (isRunning(orphan)) process.kill(orphan, 'SIGKILL');
    }
  });

  it('needs a command', async () => {
    const run = await runCli(['run', '--heartbeat', 'nightly-report'], headroom.url);
    expect(run.code).toBe(2);
  });

  it('says a service filter names no service: exit 2 with the server’s message', async () => {
    const listed = await runCli(['heartbeat', 'list', '--service', 'nosuch'], headroom.url);
    expect(listed.code).toBe(2);
    expect(listed.stdout).toBe('');
    expect(listed.stderr).toContain('service "nosuch" does not exist');
  });

  it('shows a viewer the check without its ping URL, and runs its job without pings', async () => {
    const created = await headroom.call('POST', '/api/v1/tokens', {
      body: { name: 'cli-viewer', role: 'viewer' },
    });
    expect(created.status, created.text).toBe(201);
    const viewer = { HEADROOM_TOKEN: (created.body as { token: string }).token };
    const { pingUrl } = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pingUrl: string;
    };
    const token = pingUrl.split('/').pop() ?? '';
    const shown = await runCli(['heartbeat', 'show', 'nightly-report'], headroom.url, viewer);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(
      /^Ping URL +shown to the editors of the check's team and admins$/m,
    );
    expect(shown.stdout).not.toContain(token);
    const json = await runCli(['heartbeat', 'list', '--json'], headroom.url, viewer);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain(token);

    const run = await runCli(
      ['run', '--heartbeat', 'nightly-report', '--', 'sh', '-c', 'echo ran'],
      headroom.url,
      viewer,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('ran\n');
    expect(run.stderr).toContain('may not read the ping URL of "nightly-report"');
    expect(run.stderr).toContain('running the command without pings');

    const dead = 'http://127.0.0.1:1/ping/00000000-0000-4000-8000-000000000000';
    const pinged = await runCli(
      ['run', '--ping-url', dead, '--ping-retries', '0', '--', 'sh', '-c', 'exit 5'],
      dead,
    );
    expect(pinged.code).toBe(5);
    expect(pinged.stderr).toBe(
      `headroom run: could not ping ${dead} (connect ECONNREFUSED 127.0.0.1:1)\n`.repeat(2),
    );
  });

  it('lists since when a run is going', async () => {
    const { pingUrl } = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pingUrl: string;
    };
    expect((await fetch(`${pingUrl}/fail`)).status).toBe(200);
    expect((await fetch(`${pingUrl}/start?rid=listed`)).status).toBe(200);
    const listed = await runCli(['heartbeat', 'list'], headroom.url);
    expect(listed.stdout).toMatch(
      /^NAME\s+STATUS\s+SINCE\s+SERVICE.*EXPECTED\s+RUNNING SINCE\s+WHY$/m,
    );
    const row = listed.stdout.split('\n').find((line) => line.startsWith('nightly-report '));
    const detail = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      status: string;
      cause: { since: string; text: string };
    };
    // Down since its last run failed, and the next run's start shown as going.
    expect(detail.status).toBe('down');
    expect(row).toMatch(
      new RegExp(
        `^nightly-report\\s+down\\s+${detail.cause.since.replace(/\./g, '\\.')}\\s.*\\s2026-11-20T09:00:00\\.000Z\\s+a run failed$`,
      ),
    );
  });

  it('sends the end of a long output, as much as the server keeps, saying what it left out', async () => {
    // seq 1 6000 writes 28,893 bytes; the error comes last, as a failing job's does.
    const run = await runNightlyReport('seq 1 6000; echo "upload failed: quota" >&2; exit 1');
    expect(run.code).toBe(1);
    const { pings } = (await headroom.call('GET', '/api/v1/heartbeats/nightly-report')).body as {
      pings: { body: string | null; bodyBytes: number | null; bodyTruncated: boolean }[];
    };
    const [end] = pings;
    // Whole, not cut by the server: the server kept all of what it was sent.
    expect(end?.bodyTruncated).toBe(false);
    expect(end?.bodyBytes).toBeLessThanOrEqual(10_000);
    expect(end?.body).toMatch(/\n5999\n6000\nupload failed: quota\n$/);
    const notice = /^\[headroom run: the first (\d+) bytes of output are left out\]\n/.exec(
      end?.body ?? '',
    );
    expect(notice).not.toBeNull();
    const written = 28_893 + Buffer.byteLength('upload failed: quota\n');
    const sent = Buffer.byteLength((end?.body ?? '').slice(notice?.[0].length ?? 0));
    expect(Number(notice?.[1])).toBe(written - sent);
  });

  it('sizes the log by the Ping-Body-Limit of another healthchecks-style server', async () => {
    const bodies: { url: string; body: string }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push({ url: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'ping-body-limit': '200', 'content-type': 'text/plain' });
        response.end('OK');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const pingUrl = `http://127.0.0.1:${String(port)}/ping/5f0c7c4e-9a41-4b7e-8d0e-1c2b3a4d5e6f`;
      const run = await runCli(
        ['run', '--ping-url', pingUrl, '--', 'sh', '-c', 'seq 1 500; echo "straße gesperrt"'],
        headroom.url,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(bodies.map((ping) => ping.url.replace(/rid=[^&]+/, 'rid=…'))).toEqual([
        '/ping/5f0c7c4e-9a41-4b7e-8d0e-1c2b3a4d5e6f/start?rid=…',
        '/ping/5f0c7c4e-9a41-4b7e-8d0e-1c2b3a4d5e6f/0?rid=…',
      ]);
      const log = bodies[1]?.body ?? '';
      expect(Buffer.byteLength(log)).toBeLessThanOrEqual(200);
      expect(log).toMatch(/^\[headroom run: the first \d+ bytes of output are left out\]\n/);
      expect(log).toMatch(/\n499\n500\nstraße gesperrt\n$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('tries a ping again that a server restarting answered 503, and gives up on a 404 at once', async () => {
    const received: string[] = [];
    let unavailable = 2;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        received.push(request.url?.replace(/rid=[^&]+/, 'rid=…') ?? '');
        if (request.url?.includes('/gone/') === true) {
          response.writeHead(404).end('not found');
        } else if (unavailable > 0) {
          unavailable -= 1;
          response.writeHead(503).end('restarting');
        } else {
          response.writeHead(200).end('OK');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/ping`;
      const run = await runCli(['run', '--ping-url', `${base}/job`, '--', 'true'], headroom.url);
      expect(run.code).toBe(0);
      // The start ping got through at its third attempt, after 1 s and 2 s; the end at once.
      expect(received).toEqual([
        '/ping/job/start?rid=…',
        '/ping/job/start?rid=…',
        '/ping/job/start?rid=…',
        '/ping/job/0?rid=…',
      ]);
      expect(run.stderr).toBe(
        `headroom run: the ping to ${base}/job was answered 503 (restarting); trying again in 1 s\n` +
          `headroom run: the ping to ${base}/job was answered 503 (restarting); trying again in 2 s\n`,
      );
      received.length = 0;
      const gone = await runCli(
        ['run', '--ping-url', `${base}/gone/job`, '--', 'true'],
        headroom.url,
      );
      expect(gone.code).toBe(0);
      expect(received).toEqual(['/ping/gone/job/start?rid=…', '/ping/gone/job/0?rid=…']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('shows the page a down check opened, with the command that takes it', async () => {
    const run = await runNightlyReport('echo quota exceeded >&2; exit 5');
    expect(run.code).toBe(5);
    const pages = (await headroom.call('GET', '/api/v1/pages?status=open&service=reports'))
      .body as { id: string; status: string; openedAt: string; summary: string }[];
    const [page] = pages;
    if (page === undefined) throw new Error('the failed run opened no page');
    expect(pages).toHaveLength(1);
    const pageLine = async () =>
      (await runCli(['heartbeat', 'show', 'nightly-report'], headroom.url)).stdout
        .split('\n')
        .filter((line) => line.startsWith('Page '));
    expect(await pageLine()).toEqual([
      `Page       ${page.id} triggered, opened ${page.openedAt}: ${page.summary} (headroom page ack ${page.id})`,
    ]);
    expect((await runCli(['page', 'ack', page.id], headroom.url)).code).toBe(0);
    expect(await pageLine()).toEqual([
      `Page       ${page.id} acknowledged, opened ${page.openedAt}: ${page.summary} (headroom page show ${page.id})`,
    ]);
    // The next success resolves the page: nothing to show.
    expect((await runNightlyReport('true')).code).toBe(0);
    expect(await pageLine()).toEqual([]);
  });
});
