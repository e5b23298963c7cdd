// `npm run bench:gate`: the deploy gate under load on loopback, on SQLite and
// PostgreSQL. Figures, not assertions. Target: p99 under 5 ms at 1,000 checks/s with
// 1,000 services (one SLO each) and 1,000 policies loaded.
//
// The server runs as its own process; the load generators run here, on a core of their
// own where the machine has two or more (bench/cpu-split.ts). Two of them: autocannon, as bench/http.ts uses it (its rate limit lets
// each connection send its second's quota at once, then wait: bursts at full speed), and
// an open-loop one (bench/raw-http-client.ts) that sends a check every millisecond and times each from when it
// was due, so that its own lateness counts against the server too: 1,000 checks/s as
// CI would send them, spread out. Every check is a full decision: the catalog's
// compiled policies for the service, its SLO's status, the approvals given for it, and
// the decision committed to the database before the answer (group commit:
// app/decision-log.ts). A check therefore takes at least one commit, and a closed-loop
// client gets at most connections / latency checks a second: both generators keep
// enough connections that they, not the server, are never what limits the rate.
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { openDatabase } from '../src/store/database.js';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { api, serveOptionsFor, spawnServer, type ServerProcess } from '../test/support/process.js';
import { startBareServer } from './bare-server.js';
import { RawHttpClient } from './raw-http-client.js';
import { cpuSplit, describeSplit, pin } from './cpu-split.js';
import { cpuPerRequestUs, mainThreadCpuMs, processCpuMs } from './process-cpu.js';
import { formatCount, formatTable } from './timing.js';

const TOKEN = 'hr_bench-admin-token-0123456789abcdef';
const SERVICES = 1000;
const TEAMS = 50;
// Half a minute: what the server does every few seconds (a full garbage collection, the
// evaluator's tick) must fall inside a run for its 99th percentile to count it; ten
// seconds could miss it.
const DURATION_SECONDS = Number(process.env.BENCH_GATE_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_GATE_RATE ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_GATE_CONNECTIONS ?? 32);
/** The open loop's connections: CI jobs do not wait for each other's answers. */
const OPEN_LOOP_CONNECTIONS = 256;
/** One service in this many has spent its budget: those checks are denied. */
const EXHAUSTED_EVERY = 10;
const DATABASES = (process.env.BENCH_GATE_DATABASES ?? 'sqlite,postgres').split(',');
const split = cpuSplit();
if (split !== undefined) pin(process.pid, split.generator);

const serviceName = (index: number) => `svc-${String(index).padStart(4, '0')}`;
const teamName = (index: number) => `team-${String(index % TEAMS).padStart(2, '0')}`;

const FREEZE_ZONE = 'Europe/Amsterdam';

/**
 * A weekly change freeze of two days that begins two days from now: looked up by every
 * check, in force during none. A fixed weekend freeze made a run on a weekend one of
 * denials only, which took other paths and gave figures unlike a weekday's.
 */
function weeklyFreezeAhead(nowMs: number): { from: string; to: string; timeZone: string } {
  const weekly = (at: DateTime) => at.toFormat('ccc HH:mm', { locale: 'en' });
  const start = DateTime.fromMillis(nowMs, { zone: FREEZE_ZONE }).plus({ days: 2 });
  return { from: weekly(start), to: weekly(start.plus({ days: 2 })), timeZone: FREEZE_ZONE };
}

/** 1,000 services with an SLO each, and a policy per service: budgets, alerts, freezes, approvals. */
function documents(nowMs: number): unknown[] {
  const freezeWindow = weeklyFreezeAhead(nowMs);
  const docs: unknown[] = [];
  for (let index = 0; index < SERVICES; index += 1) {
    const service = serviceName(index);
    docs.push(
      {
        apiVersion: 'headroom/v1',
        kind: 'Service',
        metadata: { name: service },
        spec: { team: teamName(index) },
      },
      {
        apiVersion: 'headroom/v1',
        kind: 'SLO',
        metadata: { name: `${service}-availability` },
        spec: { service, sli: { ratio: null }, objective: 99.9, window: '30d' },
      },
      {
        apiVersion: 'headroom/v1',
        kind: 'ErrorBudgetPolicy',
        metadata: { name: `${service}-policy` },
        spec: {
          appliesTo: { services: [service] },
          rules: [
            {
              name: 'exhausted',
              when: 'budgetExhausted',
              effect: 'deny',
              unlessLabels: ['reliability', 'rollback'],
            },
            {
              name: 'paging',
              when: { burnAlert: 'page' },
              effect: 'deny',
              unlessLabels: ['rollback'],
            },
            { name: 'budget-low', when: { budgetBelow: 25 }, effect: 'requireApproval' },
            { name: 'frozen', when: 'freeze', effect: 'deny', unlessLabels: ['rollback'] },
          ],
          freezes: {
            holidays: [{ country: index % 2 === 0 ? 'NL' : 'DE' }],
            windows: [freezeWindow],
            adHoc: [
              {
                name: 'year-end',
                start: '2099-12-20T00:00:00Z',
                end: '2100-01-04T00:00:00Z',
                reason: 'year-end freeze',
              },
            ],
          },
          approvals: { roles: ['sre-lead'], maxDuration: '8h' },
        },
      },
    );
  }
  return docs;
}

interface Figures {
  readonly database: string;
  readonly load: string;
  readonly checksPerSecond: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /**
   * Open loop only: the 99th percentile timed from when the request was handed to the
   * client, as a CI job would time it, and how late the generator's timer sent the
   * 99th percentile check (that lateness is in p50…max, not in this).
   */
  readonly fromSend: { readonly p99: number; readonly sentLateP99: number } | undefined;
  readonly errors: number;
  /** Checks answered 200: each one's decision must be stored. */
  readonly answered: number;
  /** The server's own timing (its request histogram): share answered within 1, 2.5 and 5 ms; none for the bare server. */
  readonly serverWithin: readonly [number, number, number] | undefined;
  /** The longest the server's event loop was held up during the run, in ms. */
  readonly loopStall: number;
  /** The server process's CPU time (all threads) per answered check, in µs; steadier than latency on shared cores. */
  readonly cpuPerCheckUs: number | undefined;
  /** Of cpuPerCheckUs, what the main thread (HTTP, the decision) used; the rest is the SQLite writer, GC, libuv. */
  readonly mainThreadCpuPerCheckUs: number | undefined;
}

const SERVER_BOUNDS = ['0.001', '0.0025', '0.005'] as const;

/** Cumulative counts of gate checks per histogram bound, and in all, from /metrics. */
async function serverHistogram(
  url: string,
): Promise<{ within: number[]; count: number; loopStall: number }> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const within = SERVER_BOUNDS.map(() => 0);
  let count = 0;
  // prom-client samples the loop every 10 ms and resets at each scrape: the maximum
  // since the last scrape, less the sampling interval, is the longest stall.
  const maxLag = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1];
  const loopStall = Math.max(0, Number(maxLag ?? 0) * 1000 - 10);
  for (const line of text.split('\n')) {
    if (!line.includes('route="/api/v1/deploys/check"')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('headroom_http_request_duration_seconds_count')) count += value;
    const bound = /le="([^"]+)"/.exec(line)?.[1];
    const index = SERVER_BOUNDS.findIndex((candidate) => candidate === bound);
    if (index >= 0) within[index] = (within[index] ?? 0) + value;
  }
  return { within, count, loopStall };
}

async function run(
  url: string,
  load: string,
  options: {
    readonly rate?: number;
    readonly connections: number;
    readonly pid?: number | undefined;
  },
): Promise<Omit<Figures, 'database'>> {
  let sent = 0;
  const before = await serverHistogram(url);
  const cpuBefore = processCpuMs(options.pid);
  const mainBefore = mainThreadCpuMs(options.pid);
  const result = await autocannon({
    url: `${url}/api/v1/deploys/check`,
    method: 'POST',
    connections: options.connections,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
    duration: DURATION_SECONDS,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        // One request definition whose body rotates over the services (see bench/http.ts).
        setupRequest: (request) => {
          sent += 1;
          return {
            ...request,
            body: JSON.stringify({
              service: serviceName(sent % SERVICES),
              version: `1.0.${sent}`,
              actor: 'ci-bot',
              labels: sent % 7 === 0 ? ['rollback'] : [],
            }),
          };
        },
      },
    ],
  });
  const cpuAfter = processCpuMs(options.pid);
  const mainAfter = mainThreadCpuMs(options.pid);
  const after = await serverHistogram(url);
  const answered = after.count - before.count;
  const share = (index: number) =>
    answered === 0 ? 0 : ((after.within[index] ?? 0) - (before.within[index] ?? 0)) / answered;
  return {
    load,
    cpuPerCheckUs: cpuPerRequestUs(cpuBefore, cpuAfter, result['2xx']),
    mainThreadCpuPerCheckUs: cpuPerRequestUs(mainBefore, mainAfter, result['2xx']),
    serverWithin: [share(0), share(1), share(2)],
    loopStall: round(after.loopStall),
    checksPerSecond: result['2xx'] / DURATION_SECONDS,
    answered: result['2xx'],
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    fromSend: undefined,
    errors: result.non2xx + result.errors,
  };
}

async function measure(
  kindName: string,
): Promise<{ figures: Figures[]; answered: number; stored: number }> {
  const kind = TEST_DATABASES.find((candidate) => candidate.name === kindName);
  if (kind === undefined) throw new Error(`no database ${kindName}`);
  const database = await kind.create();
  const location = database.location;
  const { args, env } = serveOptionsFor(location, TOKEN);
  let server: ServerProcess | undefined;
  try {
    server = await spawnServer(args, env);
    if (split !== undefined) pin(server.child.pid, split.servers);
    const { url } = server;
    process.stdout.write(`  ${kindName}: applying ${SERVICES} services, SLOs and policies\n`);
    const started = performance.now();
    const applied = await api(url, TOKEN, 'POST', '/api/v1/apply', {
      documents: documents(Date.now()),
    });
    if (applied.status !== 200) {
      throw new Error(`apply: ${applied.status} ${JSON.stringify(applied.body).slice(0, 500)}`);
    }
    process.stdout.write(
      `  ${kindName}: applied in ${Math.round(performance.now() - started)} ms; spending the budget of every ${EXHAUSTED_EVERY}th service\n`,
    );
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 24 * 60 * 60_000;
    for (let index = 0; index < SERVICES; index += EXHAUSTED_EVERY) {
      const service = serviceName(index);
      const key = await api(url, TOKEN, 'POST', `/api/v1/services/${service}/ingest-keys`, {
        name: 'bench',
      });
      const response = await fetch(new URL('/api/v1/events', url), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${(key.body as { key: string }).key}`,
          'content-type': 'application/x-ndjson',
        },
        body: JSON.stringify({
          ts: new Date(minute).toISOString(),
          slo: `${service}-availability`,
          good: 0,
          total: 1000,
        }),
      });
      if (response.status !== 200) throw new Error(`events: ${response.status}`);
    }
    // Warm up: every service's policies compiled and indexed, the JIT settled.
    const pid = server.child.pid;
    const warmUp = await run(url, 'warm-up', { rate: RATE, connections: CONNECTIONS, pid });
    const figures: Figures[] = [];
    figures.push({
      database: kindName,
      ...(await openLoop(url, RATE, pid, kind.name !== 'postgres')),
    });
    const paced = await run(url, `${formatCount(RATE)}/s, autocannon`, {
      rate: RATE,
      connections: CONNECTIONS,
      pid,
    });
    figures.push({ database: kindName, ...paced });
    const flat = await run(url, 'as fast as it goes', { connections: CONNECTIONS, pid });
    figures.push({ database: kindName, ...flat });

    // Every answered check is kept: count the stored decisions once the server stopped.
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;
    const opened = openDatabase(location);
    const { rows } = await sql<{
      count: number | string;
    }>`select count(*) as count from deploy_decisions`.execute(opened.db);
    await opened.close();
    return {
      figures,
      answered: [warmUp, ...figures].reduce((sum, figure) => sum + figure.answered, 0),
      stored: Number(rows[0]?.count ?? 0),
    };
  } finally {
    server?.child.kill('SIGTERM');
    if (server !== undefined) await server.exited;
    await database.drop();
  }
}

/**
 * How the open loop waits for its next check to be due. Where the server runs on the
 * other cores it polls (setImmediate: answers are read between two looks), sending
 * each check within microseconds of when it is due; a timer fires a millisecond or
 * more after it was set, so a timed loop sent checks 1–3 ms late, in pairs. Where the
 * server needs the generator's core too (cores shared; PostgreSQL, whose processes are
 * not pinned) polling would take it from the server: it sleeps a millisecond.
 */
function waiting(serverOnOtherCores: boolean): (next: () => void) => void {
  return split !== undefined && serverOnOtherCores
    ? (next) => setImmediate(next)
    : (next) => setTimeout(next, 1);
}

/** One check every 1000/rate ms for DURATION_SECONDS, each timed from when it was due. */
async function openLoop(
  url: string,
  rate: number,
  pid: number | undefined,
  serverOnOtherCores: boolean,
): Promise<Omit<Figures, 'database'>> {
  const wait = waiting(serverOnOtherCores);
  const client = new RawHttpClient(new URL(url), OPEN_LOOP_CONNECTIONS);
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const before = await serverHistogram(url);
  const cpuBefore = processCpuMs(pid);
  const mainBefore = mainThreadCpuMs(pid);
  const total = rate * DURATION_SECONDS;
  const latencies: number[] = [];
  const fromSend: number[] = [];
  const sentLate: number[] = [];
  const pending: Promise<void>[] = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      // Check n is due at start + n/rate: those due by now are 0 to floor(elapsed × rate).
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; sent < due; sent += 1) {
        const intended = start + (sent * 1000) / rate;
        const index = sent;
        const sentAt = performance.now();
        pending.push(
          client
            .post(
              '/api/v1/deploys/check',
              headers,
              JSON.stringify({
                service: serviceName(index % SERVICES),
                version: `1.0.${index}`,
                actor: 'ci-bot',
                labels: index % 7 === 0 ? ['rollback'] : [],
              }),
            )
            .then(
              (status) => {
                if (status === 200) {
                  const answeredAt = performance.now();
                  latencies.push(answeredAt - intended);
                  fromSend.push(answeredAt - sentAt);
                  sentLate.push(sentAt - intended);
                } else errors += 1;
              },
              () => {
                errors += 1;
              },
            ),
        );
      }
      if (sent >= total) resolve();
      else wait(tick);
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  const cpuAfter = processCpuMs(pid);
  const mainAfter = mainThreadCpuMs(pid);
  client.close();
  const after = await serverHistogram(url);
  const answered = after.count - before.count;
  const share = (index: number) =>
    answered === 0 ? 0 : ((after.within[index] ?? 0) - (before.within[index] ?? 0)) / answered;
  for (const list of [latencies, fromSend, sentLate]) list.sort((a, b) => a - b);
  const quantile = (list: readonly number[], q: number) =>
    round(list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0);
  const at = (q: number) => quantile(latencies, q);
  return {
    load: `${formatCount(rate)}/s, spread out`,
    cpuPerCheckUs: cpuPerRequestUs(cpuBefore, cpuAfter, latencies.length),
    mainThreadCpuPerCheckUs: cpuPerRequestUs(mainBefore, mainAfter, latencies.length),
    checksPerSecond: latencies.length / elapsed,
    answered: latencies.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: round(latencies.at(-1) ?? 0),
    fromSend: { p99: quantile(fromSend, 0.99), sentLateP99: quantile(sentLate, 0.99) },
    errors,
    serverWithin: answered === 0 ? undefined : [share(0), share(1), share(2)],
    loopStall: round(after.loopStall),
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function microseconds(us: number | undefined): string {
  return us === undefined ? 'n/a' : `${us.toFixed(0)} µs`;
}

function percent(fraction: number): string {
  return `${(Math.floor(fraction * 1000) / 10).toFixed(1)}%`;
}

const all: Figures[] = [];
// This machine's floor: the same open loop against a server that does nothing.
const bare = await startBareServer();
if (split !== undefined) pin(bare.pid, split.servers);
try {
  await openLoop(bare.url, RATE, bare.pid, true); // warm-up
  all.push({
    database: 'none: bare Fastify',
    ...(await openLoop(bare.url, RATE, bare.pid, true)),
  });
} finally {
  await bare.stop();
}
for (const name of DATABASES) {
  const { figures, answered, stored } = await measure(name);
  all.push(...figures);
  // Every answered check was committed first: a shortfall is a lost decision.
  process.stdout.write(
    `  ${name}: ${answered} checks answered, ${stored} decisions stored${stored < answered ? ' — DECISIONS LOST' : ''}\n`,
  );
}
process.stdout.write(
  `\n${formatTable([
    [
      'database',
      'load',
      'checks/s',
      'p50',
      'p90',
      'p99',
      'max',
      'p99 from send',
      'sent late p99',
      'errors',
      'server: ≤1 / ≤2.5 / ≤5 ms',
      'loop stall',
      'server CPU/check',
      'of which main thread',
    ],
    ...all.map((figure) => [
      figure.database,
      figure.load,
      formatCount(figure.checksPerSecond),
      `${figure.p50} ms`,
      `${figure.p90} ms`,
      `${figure.p99} ms`,
      `${figure.max} ms`,
      figure.fromSend === undefined ? 'n/a' : `${figure.fromSend.p99} ms`,
      figure.fromSend === undefined ? 'n/a' : `${figure.fromSend.sentLateP99} ms`,
      String(figure.errors),
      figure.serverWithin?.map(percent).join(' / ') ?? 'n/a',
      `${figure.loopStall} ms`,
      microseconds(figure.cpuPerCheckUs),
      microseconds(figure.mainThreadCpuPerCheckUs),
    ]),
  ])}\n`,
);
process.stdout.write(
  `${SERVICES} services (one SLO each) and ${SERVICES} policies, ${CONNECTIONS} connections, ${DURATION_SECONDS} s per run; target: p99 < 5 ms at 1,000 checks/s\n` +
    'every 10th service has spent its budget (denied); a weekly freeze two days ahead is looked up by each check and holds none (a public holiday in NL or DE would);\n' +
    'p50…max: as the load generator saw them ("spread out": from when each check was due);\n' +
    'p99 from send: the same checks timed from when each was handed to the HTTP client, as a CI job times its call; sent late: how far behind its schedule the generator sent a check, counted in p50…max (it polls its core for the next due check, but sleeps a millisecond between looks where the server needs that core too: PostgreSQL, shared cores);\n' +
    '"none: bare Fastify": the same open loop against a server that answers at once (bench/bare-server.ts): the floor on this machine;\n' +
    'server: the share of checks the server answered within 1, 2.5 and 5 ms by its own clock; loop stall: the longest its event loop was held up;\n' +
    `cores: ${describeSplit(split)}\n` +
    "server CPU/check: the server process's CPU time (all its threads) over the run, per answered check; of which main thread: its event loop (HTTP, the decision), the rest being the SQLite writer thread, GC and libuv\n",
);
