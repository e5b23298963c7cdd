// A real Prometheus for tests: Debian's `prometheus` on a free loopback port, with a
// temporary TSDB that promtool backfills from OpenMetrics text or from recording rules.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPrometheus {
  readonly url: string;
  readonly dir: string;
  /** Instant query; the samples as [labels, value]. */
  query(expr: string, atMs: number): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** Writes recording rules' results over [fromMs, toMs] into the TSDB and restarts. */
  backfillRules(
    rulesYaml: string,
    fromMs: number,
    toMs: number,
    stepSeconds: number,
  ): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts Prometheus on data backfilled from `openMetrics` (which must end with `# EOF`). */
export async function startTestPrometheus(openMetrics: string): Promise<TestPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'headroom-prometheus-'));
  const tsdb = path.join(dir, 'tsdb');
  const input = path.join(dir, 'input.om');
  writeFileSync(input, openMetrics);
  await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, tsdb], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const started = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${tsdb}`,
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    started.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child = started;
    for (let attempt = 0; attempt < 300; attempt += 1) {
      if (started.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
      try {
        const response = await fetch(`${url}/-/ready`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`prometheus did not become ready: ${stderr}`);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url,
    dir,
    async query(expr, atMs) {
      const body = new URLSearchParams({ query: expr, time: String(atMs / 1000) });
      const response = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
      const answer = (await response.json()) as {
        status: string;
        error?: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (answer.status !== 'success') throw new Error(`query failed: ${answer.error ?? ''}`);
      return answer.data.result.map((sample) => ({
        metric: sample.metric,
        value: Number(sample.value[1]),
      }));
    },
    async backfillRules(rulesYaml, fromMs, toMs, stepSeconds) {
      const rules = path.join(dir, `rules-${String(Date.now())}.yml`);
      writeFileSync(rules, rulesYaml);
      const output = path.join(dir, 'rule-blocks');
      rmSync(output, { recursive: true, force: true });
      await run(
        'promtool',
        [
          'tsdb',
          'create-blocks-from',
          'rules',
          `--url=${url}`,
          `--start=${String(Math.floor(fromMs / 1000))}`,
          `--end=${String(Math.floor(toMs / 1000))}`,
          `--eval-interval=${String(stepSeconds)}s`,
          `--output-dir=${output}`,
          '--quiet',
          rules,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      await stop();
      await run('sh', ['-c', `mv "${output}"/* "${tsdb}"/ 2>/dev/null || true`]);
      await start();
    },
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
