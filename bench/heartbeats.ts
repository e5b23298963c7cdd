// `npm run bench:heartbeats`: pings on loopback with 10,000 heartbeat checks, and the
// evaluator's scan of 10,000 checks. Figures, not assertions. Targets: 20,000 pings/s;
// a scan under 50 ms.
//
// The server runs as its own process (SQLite, as a single node would), the load
// generator (wrk when installed, else autocannon) here: both share the machine's cores. Every ping is a full one: the check found by its
// token, the state machine applied, the ping and the new state committed before the
// answer (pings arriving together share a transaction: app/heartbeats.ts).
//
// The checks are pinged in a fixed shuffled order, as jobs finish in an order of their
// own: pinged in the order the server lists them (BENCH_HEARTBEAT_ORDER=listed, what
// this bench did before 2026-12-06), neighbouring pings update neighbouring rows and
// index entries, and a commit writes a fraction of the pages it writes in production.
//
// The scan is measured two ways: the core alone (evaluate() over 10,000 compiled
// checks in memory: what a tick costs when nothing is due), and a whole pass of
// evaluateHeartbeats with every one of the 10,000 checks due at once (read them,
// move each to late, write them back in one transaction): the worst tick. And a
// /metrics scrape, which reads every check's state.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { compileHeartbeat, createScheduleCache } from '../src/core/heartbeats/compile.js';
import { applyPing, evaluate, NEW_HEARTBEAT_STATE } from '../src/core/heartbeats/state.js';
import { evaluateHeartbeats } from '../src/app/heartbeats.js';
import { startHeadroom } from '../src/server/headroom-server.js';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { api, serveOptionsFor, spawnServer, type ServerProcess } from '../test/support/process.js';
import { startBareServer } from './bare-server.js';
import { cpuPerRequestUs, mainThreadCpuMs, processCpuMs } from './process-cpu.js';
import { processWrittenBytes } from './process-io.js';
import { formatCount, formatMs, formatTable, median, timeSync } from './timing.js';

const TOKEN = 'hr_bench-admin-token-0123456789abcdef';
const CHECKS = Number(process.env.BENCH_HEARTBEAT_CHECKS ?? 10_000);
/** Load rounds, each Headroom then the bare server; the figures are their medians. */
const ROUNDS = Number(process.env.BENCH_HEARTBEAT_ROUNDS ?? 3);
const DURATION_SECONDS = Number(process.env.BENCH_HEARTBEAT_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_HEARTBEAT_CONNECTIONS ?? 64);
/** `shuffled` (the default) or `listed`: the order in which the checks are pinged. */
const ORDER = process.env.BENCH_HEARTBEAT_ORDER ?? 'shuffled';
const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Australia/Sydney', 'UTC', 'Asia/Tokyo'];

const checkName = (index: number) => `job-${String(index).padStart(5, '0')}`;

function documents(): unknown[] {
  const docs: unknown[] = [];
  for (let index = 0; index < 100; index += 1) {
    docs.push({
      apiVersion: 'headroom/v1',
      kind: 'Service',
      metadata: { name: `svc-${String(index).padStart(3, '0')}` },
      spec: { team: `team-${String(index % 20).padStart(2, '0')}` },
    });
  }
  for (let index = 0; index < CHECKS; index += 1) {
    docs.push({
      apiVersion: 'headroom/v1',
      kind: 'Heartbeat',
      metadata: { name: checkName(index) },
      spec: {
        service: `svc-${String(index % 100).padStart(3, '0')}`,
        // A third run every few minutes, the rest on cron schedules in five zones.
        schedule:
          index % 3 === 0
            ? { every: `${String(5 + (index % 55))}m` }
            : {
                cron: `${String(index % 60)} ${String(index % 24)} * * *`,
                timeZone: ZONES[index % ZONES.length],
              },
        grace: '15m',
      },
    });
  }
  return docs;
}

async function pings(): Promise<string[][]> {
  const database = await (
    TEST_DATABASES[0] ?? { create: () => Promise.reject(new Error('no SQLite')) }
  ).create();
  const { args, env } = serveOptionsFor(database.location, TOKEN);
  let server: ServerProcess | undefined;
  let cleanUp: () => void = () => undefined;
  try {
    server = await spawnServer(args, env);
    const { url } = server;
    const started = performance.now();
    const applied = await api(url, TOKEN, 'POST', '/api/v1/apply', { documents: documents() });
    if (applied.status !== 200) throw new Error(`apply: ${String(applied.status)}`);
    process.stdout.write(
      `  applied ${formatCount(CHECKS)} checks in ${formatMs(performance.now() - started)}\n`,
    );
    const listed = await api(url, TOKEN, 'GET', '/api/v1/heartbeats');
    const listedPaths = (listed.body as { pingUrl: string }[]).map(
      (check) => new URL(check.pingUrl).pathname,
    );
    const paths = ORDER === 'listed' ? listedPaths : shuffled(listedPaths);
    if (paths.length !== CHECKS)
      throw new Error(`expected ${String(CHECKS)} checks, got ${String(paths.length)}`);

    const scripts = mkdtempSync(path.join(tmpdir(), 'headroom-bench-'));
    cleanUp = () => {
      rmSync(scripts, { recursive: true, force: true });
    };
    const load = hasWrk() ? wrkLoad(url, paths, scripts) : autocannonLoad(url, paths);
    const rounds = await interleavedRounds(load, server.child.pid, paths, scripts);
    const byPings = [...rounds].sort((a, b) => a.result.ok - b.result.ok);
    const middle = byPings[Math.floor(byPings.length / 2)] ?? byPings[0];
    if (middle === undefined) throw new Error('no rounds');
    const spread = (values: readonly number[], format: (value: number) => string) =>
      values.length === 1
        ? format(median(values))
        : `${format(median(values))} (${format(Math.min(...values))} to ${format(Math.max(...values))})`;
    const perSecondOf = (value: number) => formatCount(value / DURATION_SECONDS);
    const cpu = rounds.flatMap((round) =>
      round.cpuPerPingUs === undefined ? [] : [round.cpuPerPingUs],
    );
    const mainCpu = rounds.flatMap((round) =>
      round.mainThreadCpuPerPingUs === undefined ? [] : [round.mainThreadCpuPerPingUs],
    );
    const bareCpu = rounds.flatMap((round) =>
      round.bareCpuPerRequestUs === undefined ? [] : [round.bareCpuPerRequestUs],
    );
    const written = rounds.flatMap((round) =>
      round.writtenPerPingBytes === undefined ? [] : [round.writtenPerPingBytes],
    );
    const microseconds = (value: number) => `${value.toFixed(0)} µs`;
    return [
      [
        `pings/s (2xx), median of ${String(ROUNDS)} rounds (lowest to highest)`,
        spread(
          rounds.map((round) => round.result.ok),
          perSecondOf,
        ),
      ],
      [
        'bare Fastify answering "OK", same generator, in turn with each round: the ceiling',
        spread(
          rounds.map((round) => round.ceiling.ok),
          (value) => `${perSecondOf(value)}/s`,
        ),
      ],
      [
        'pings as a share of that ceiling, round by round',
        spread(
          rounds.map((round) => round.result.ok / Math.max(1, round.ceiling.ok)),
          (value) => `${(100 * value).toFixed(0)} %`,
        ),
      ],
      [
        'server CPU per ping (all its threads)',
        cpu.length === 0 ? 'n/a' : spread(cpu, microseconds),
      ],
      [
        '  of which its main thread (HTTP, the state machine; the rest: the SQLite writer, GC)',
        mainCpu.length === 0 ? 'n/a' : spread(mainCpu, microseconds),
      ],
      [
        "the bare server's CPU per request, same load",
        bareCpu.length === 0 ? 'n/a' : spread(bareCpu, microseconds),
      ],
      [
        'written to disk per ping (the WAL, its checkpoints)',
        written.length === 0
          ? 'n/a'
          : spread(written, (value) => `${(value / 1024).toFixed(1)} KiB`),
      ],
      ['latency p50 / p99 (the median round)', `${middle.result.p50} / ${middle.result.p99}`],
      [
        'errors and non-2xx',
        [
          String(rounds.reduce((sum, round) => sum + round.result.failed, 0)),
          ...rounds.flatMap((round) =>
            round.result.failures === '' ? [] : [`(${round.result.failures})`],
          ),
        ].join(' '),
      ],
      ['connections', String(CONNECTIONS)],
      [
        'order of the pings',
        ORDER === 'listed' ? 'as the checks are listed' : 'shuffled (fixed seed)',
      ],
      ['load generator', middle.result.generator],
    ];
  } finally {
    cleanUp();
    server?.child.kill('SIGTERM');
    if (server !== undefined) await server.exited;
    await database.drop();
  }
}

interface Round {
  readonly result: LoadResult;
  readonly ceiling: LoadResult;
  readonly cpuPerPingUs: number | undefined;
  /** Of cpuPerPingUs, what the main thread (HTTP, the state machine) used. */
  readonly mainThreadCpuPerPingUs: number | undefined;
  readonly bareCpuPerRequestUs: number | undefined;
  /** Bytes the server had written to disk (WAL and checkpoints) per ping. */
  readonly writtenPerPingBytes: number | undefined;
}

/**
 * Headroom and the bare server (bench/bare-server.ts: a server that does nothing) under
 * the same load in turn, round after round: each round's share compares two runs a few
 * seconds apart, so that what else the machine does moves both.
 */
async function interleavedRounds(
  load: (seconds: number) => Promise<LoadResult>,
  pid: number | undefined,
  paths: readonly string[],
  scripts: string,
): Promise<Round[]> {
  const bare = await startBareServer();
  try {
    const bareLoad = hasWrk() ? wrkLoad(bare.url, paths, scripts) : autocannonLoad(bare.url, paths);
    await load(3); // warm-up
    await bareLoad(3);
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const cpuBefore = processCpuMs(pid);
      const mainBefore = mainThreadCpuMs(pid);
      const writtenBefore = processWrittenBytes(pid);
      const result = await load(DURATION_SECONDS);
      const cpuAfter = processCpuMs(pid);
      const mainAfter = mainThreadCpuMs(pid);
      const writtenAfter = processWrittenBytes(pid);
      const bareBefore = processCpuMs(bare.pid);
      const ceiling = await bareLoad(DURATION_SECONDS);
      const bareAfter = processCpuMs(bare.pid);
      rounds.push({
        result,
        ceiling,
        cpuPerPingUs: cpuPerRequestUs(cpuBefore, cpuAfter, result.ok),
        mainThreadCpuPerPingUs: cpuPerRequestUs(mainBefore, mainAfter, result.ok),
        bareCpuPerRequestUs: cpuPerRequestUs(bareBefore, bareAfter, ceiling.ok),
        writtenPerPingBytes:
          writtenBefore === undefined || writtenAfter === undefined || result.ok === 0
            ? undefined
            : (writtenAfter - writtenBefore) / result.ok,
      });
    }
    return rounds;
  } finally {
    await bare.stop();
  }
}

interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  /** What the failures were, when there were any (wrk: non-2xx and each kind of socket error). */
  readonly failures: string;
  readonly p50: string;
  readonly p99: string;
  readonly generator: string;
}

/** The same permutation every run (a seeded Fisher–Yates), so that runs compare. */
function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items];
  let seed = 0x9e3779b9;
  const random = () => {
    // xorshift32: enough to scatter the checks; not for anything secret.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

// Each request pings another check: start and success in turn, like jobs do.
const pathFor = (paths: readonly string[], sent: number) => {
  const path = paths[sent % paths.length] ?? '';
  return sent % 2 === 0 ? path : `${path}/start`;
};

/**
 * wrk (Debian's package) when it is installed: written in C, it leaves the cores to the
 * server, where autocannon, in JavaScript, takes about one of the two for itself.
 */
function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

function wrkLoad(url: string, paths: readonly string[], directory: string) {
  const script = path.join(directory, 'pings.lua');
  writeFileSync(
    script,
    [
      `local paths = {${paths.map((each) => JSON.stringify(each)).join(',')}}`,
      'local sent = 0',
      'request = function()',
      '  sent = sent + 1',
      '  local path = paths[(sent % #paths) + 1]',
      '  if sent % 2 == 1 then path = path .. "/start" end',
      '  return wrk.format("GET", path)',
      'end',
    ].join('\n'),
  );
  return async (seconds: number): Promise<LoadResult> => {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', [
        '-t1',
        `-c${String(CONNECTIONS)}`,
        `-d${String(seconds)}s`,
        '--latency',
        '-s',
        script,
        url,
      ]);
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code === 0) resolve(text);
        else reject(new Error(`wrk exited with ${String(code)}:\n${text}`));
      });
    });
    const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
    const total = number(/(\d+) requests in/);
    const non2xx = number(/Non-2xx or 3xx responses: (\d+)/);
    const kinds = ['connect', 'read', 'write', 'timeout'];
    const socketErrors = (
      /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
        .exec(output)
        ?.slice(1) ?? []
    ).map(Number);
    return {
      ok: total - non2xx,
      failed: non2xx + socketErrors.reduce((sum, count) => sum + count, 0),
      failures: [
        ...(non2xx > 0 ? [`non-2xx ${String(non2xx)}`] : []),
        ...socketErrors.flatMap((count, index) =>
          count > 0 ? [`${kinds[index] ?? '?'} ${String(count)}`] : [],
        ),
      ].join(', '),
      p50: /\s50%\s+(\S+)/.exec(output)?.[1] ?? '?',
      p99: /\s99%\s+(\S+)/.exec(output)?.[1] ?? '?',
      generator: 'wrk, one thread',
    };
  };
}

function autocannonLoad(url: string, paths: readonly string[]) {
  let sent = 0;
  return async (seconds: number): Promise<LoadResult> => {
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({ ...request, path: pathFor(paths, (sent += 1)) }),
        },
      ],
    });
    return {
      ok: result['2xx'],
      failed: result.errors + result.non2xx,
      failures: [
        ...(result.non2xx > 0 ? [`non-2xx ${String(result.non2xx)}`] : []),
        ...(result.errors > 0 ? [`errors ${String(result.errors)}`] : []),
      ].join(', '),
      p50: `${String(result.latency.p50)} ms`,
      p99: `${String(result.latency.p99)} ms`,
      generator: 'autocannon (install wrk for a lighter one)',
    };
  };
}

function coreScan(): string[][] {
  const cache = createScheduleCache();
  const compiled = (
    documents().slice(100) as { metadata: { name: string }; spec: Record<string, unknown> }[]
  ).map((document, index) => {
    const schedule = document.spec.schedule as { every?: string; cron?: string; timeZone?: string };
    const result = compileHeartbeat(
      {
        name: document.metadata.name,
        schedule:
          schedule.cron === undefined
            ? { kind: 'period', periodMs: (5 + (index % 55)) * 60_000 }
            : { kind: 'cron', expression: schedule.cron, timeZone: schedule.timeZone ?? 'UTC' },
        graceMs: 15 * 60_000,
      },
      cache,
    );
    if (!result.ok) throw new Error(result.problems.join('; '));
    return result.compiled;
  });
  const now = Date.parse('2026-11-20T12:00:00Z');
  const states = compiled.map(
    (check, index) =>
      applyPing(check, NEW_HEARTBEAT_STATE, { at: now - (index % 600) * 1000, kind: 'success' })
        .state,
  );
  const timing = timeSync(() => {
    for (let index = 0; index < compiled.length; index += 1) {
      const check = compiled[index];
      const state = states[index];
      if (check !== undefined && state !== undefined) evaluate(check, state, now + 30 * 60_000);
    }
  }, 21);
  return [['core: evaluate() over 10,000 checks (median of 21)', formatMs(timing.medianMs)]];
}

async function fullScan(): Promise<string[][]> {
  const database = await (
    TEST_DATABASES[0] ?? { create: () => Promise.reject(new Error('no SQLite')) }
  ).create();
  let now = Date.parse('2026-11-20T12:00:00Z');
  const clock = { now: () => now };
  const server = await startHeadroom({
    host: '127.0.0.1',
    port: 0,
    database: database.location,
    bootstrapToken: TOKEN,
    version: 'bench',
    background: false,
    clock,
  });
  try {
    const applied = await api(server.url, TOKEN, 'POST', '/api/v1/apply', {
      documents: documents(),
    });
    if (applied.status !== 200) throw new Error(`apply: ${String(applied.status)}`);
    const { deps } = server;
    await evaluateHeartbeats(deps, now); // creates the rows
    // Every check pinged once, so that each has a deadline.
    const listed = await api(server.url, TOKEN, 'GET', '/api/v1/heartbeats');
    const paths = (listed.body as { pingUrl: string }[]).map((check) => check.pingUrl);
    for (let start = 0; start < paths.length; start += 200) {
      await Promise.all(
        paths.slice(start, start + 200).map((url) => fetch(url).then((r) => r.text())),
      );
    }
    // Prometheus scraping Headroom: every check's state is read and written out.
    const scrapeHeld = monitorEventLoopDelay({ resolution: 1 });
    scrapeHeld.enable();
    const scrapes: number[] = [];
    let scraped = '';
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      scraped = await (await fetch(new URL('/metrics', server.url))).text();
      scrapes.push(performance.now() - started);
    }
    scrapeHeld.disable();
    // Counted once held no longer counts: the reading is the client's, not the server's.
    const scrapedLines = scraped
      .split('\n')
      .filter((line) => line.startsWith('headroom_heartbeat_')).length;
    const idle: number[] = [];
    for (let run = 0; run < 11; run += 1) {
      const started = performance.now();
      await evaluateHeartbeats(deps, now);
      idle.push(performance.now() - started);
    }
    // Two days on, every check is past its deadline: one pass moves all 10,000.
    now += 2 * 24 * 60 * 60_000;
    // How long requests would wait meanwhile: the longest the event loop was held.
    const held = monitorEventLoopDelay({ resolution: 1 });
    held.enable();
    const started = performance.now();
    let moved = 0;
    for (;;) {
      const count = await evaluateHeartbeats(deps, now);
      if (count === 0) break;
      moved += count;
      // Passes run in ticks of their own, as the background runner's are.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const all = performance.now() - started;
    held.disable();
    return [
      [
        `a /metrics scrape, ${formatCount(scrapedLines)} heartbeat samples (median of 5)`,
        formatMs(median(scrapes)),
      ],
      ['  the longest it held the event loop meanwhile', formatMs(scrapeHeld.max / 1e6)],
      ['evaluator pass, nothing due (median of 11)', formatMs(median(idle))],
      [`evaluator: ${formatCount(moved)} checks due at once, all moved (and paged)`, formatMs(all)],
      ['  the longest it held the event loop meanwhile', formatMs(held.max / 1e6)],
    ];
  } finally {
    await server.close();
    await database.drop();
  }
}

// BENCH_HEARTBEAT_PARTS=pings (or scan) runs one part only: profiling one is quicker.
const PARTS = process.env.BENCH_HEARTBEAT_PARTS ?? 'scan,pings';
process.stdout.write(`Heartbeats: ${formatCount(CHECKS)} checks\n`);
const rows = [
  ...(PARTS.includes('scan') ? [...coreScan(), ...(await fullScan())] : []),
  ...(PARTS.includes('pings') ? await pings() : []),
];
process.stdout.write(`\n${formatTable([['figure', 'value'], ...rows])}\n`);
