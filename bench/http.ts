// `npm run bench:http`: the server under load on loopback, on SQLite and PostgreSQL.
// Figures, not assertions. Targets on a 2-core machine: 200,000 events/s ingested in
// committed batches of 1,000 lines; status p99 under 10 ms at 2,000 requests/s with
// 1,000 SLOs loaded.
//
// The server runs as its own process (as in production); the load generator
// (autocannon) runs here, so both share the machine's cores.
import autocannon from 'autocannon';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { api, serveOptionsFor, spawnServer, type ServerProcess } from '../test/support/process.js';
import { formatCount, formatTable } from './timing.js';

const TOKEN = 'hr_bench-admin-token-0123456789abcdef';
const SERVICES = 100;
const SLOS_PER_SERVICE = 10;
const LINES_PER_BATCH = 1000;
const PRELOAD_MINUTES = 6 * 60;
const DURATION_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const STATUS_RATE = 2000;
const STATUS_CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 8);

const serviceName = (index: number) => `svc-${String(index).padStart(3, '0')}`;
const sloName = (service: number, slo: number) => `${serviceName(service)}-slo-${slo}`;

function documents(): unknown[] {
  const docs: unknown[] = [];
  for (let service = 0; service < SERVICES; service += 1) {
    docs.push({
      apiVersion: 'headroom/v1',
      kind: 'Service',
      metadata: { name: serviceName(service) },
      spec: { team: 'bench' },
    });
    for (let slo = 0; slo < SLOS_PER_SERVICE; slo += 1) {
      docs.push({
        apiVersion: 'headroom/v1',
        kind: 'SLO',
        metadata: { name: sloName(service, slo) },
        spec: {
          service: serviceName(service),
          sli: { ratio: null },
          objective: 99.9,
          window: '30d',
        },
      });
    }
  }
  return docs;
}

/** NDJSON of one service's SLOs over `minutes` minutes ending at `endMinute`. */
function counts(service: number, endMinute: number, minutes: number): string {
  const lines: string[] = [];
  for (let minute = endMinute - minutes; minute < endMinute; minute += 1) {
    const ts = new Date(minute * 60_000).toISOString();
    for (let slo = 0; slo < SLOS_PER_SERVICE; slo += 1) {
      const total = 1000 + ((minute * 7 + slo) % 100);
      lines.push(
        `{"ts":"${ts}","slo":"${sloName(service, slo)}","good":${total - (minute % 3)},"total":${total}}`,
      );
    }
  }
  return lines.join('\n');
}

interface Figures {
  readonly database: string;
  readonly eventsPerSecond: number;
  readonly ingestP50: number;
  readonly ingestP99: number;
  readonly ingestErrors: number;
  readonly statusRate: number;
  readonly statusP50: number;
  readonly statusP99: number;
  readonly statusErrors: number;
}

async function measure(kindName: 'sqlite' | 'postgres'): Promise<Figures> {
  const kind = TEST_DATABASES.find((candidate) => candidate.name === kindName);
  if (kind === undefined) throw new Error(`no ${kindName}`);
  const database = await kind.create();
  const { args, env } = serveOptionsFor(database.location, TOKEN);
  let server: ServerProcess | undefined;
  try {
    server = await spawnServer(args, env);
    const { url } = server;
    const applied = await api(url, TOKEN, 'POST', '/api/v1/apply', { documents: documents() });
    if (applied.status !== 200) throw new Error(`apply: ${applied.status}`);
    const keys: string[] = [];
    const endMinute = Math.floor(Date.now() / 60_000);
    process.stdout.write(
      `  ${kindName}: loading ${SERVICES * SLOS_PER_SERVICE} SLOs × ${PRELOAD_MINUTES} minutes\n`,
    );
    for (let service = 0; service < SERVICES; service += 1) {
      const created = await api(
        url,
        TOKEN,
        'POST',
        `/api/v1/services/${serviceName(service)}/ingest-keys`,
        {
          name: 'bench',
        },
      );
      const key = (created.body as { key: string }).key;
      keys.push(key);
      const response = await fetch(new URL('/api/v1/events', url), {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
        body: counts(service, endMinute - 1, PRELOAD_MINUTES),
      });
      if (response.status !== 200)
        throw new Error(`preload: ${response.status} ${await response.text()}`);
    }

    // Ingest: batches of 1,000 lines (10 SLOs × 100 minutes), each committed before its answer.
    const batch = counts(0, endMinute - 1, LINES_PER_BATCH / SLOS_PER_SERVICE);
    const ingest = await autocannon({
      url: `${url}/api/v1/events`,
      method: 'POST',
      connections: 4,
      duration: DURATION_SECONDS,
      headers: { authorization: `Bearer ${keys[0] ?? ''}`, 'content-type': 'application/x-ndjson' },
      body: batch,
    });

    // Status: a fixed rate over all SLOs in turn, once the server has caught up with
    // the ingest phase (it follows the event table every second).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await api(url, TOKEN, 'GET', `/api/v1/slos/${sloName(0, 0)}/status`);
    // One request definition whose path rotates: autocannon paces a long `requests`
    // sequence per connection, which adds its own waiting to the measured latency.
    const paths: string[] = [];
    for (let service = 0; service < SERVICES; service += 1) {
      for (let slo = 0; slo < SLOS_PER_SERVICE; slo += 1) {
        paths.push(`/api/v1/slos/${sloName(service, slo)}/status`);
      }
    }
    // 2,000 req/s at about a millisecond each keeps 2 to 4 requests in flight; 8
    // connections cover that. More only adds the load generator's own queueing on
    // the two cores it shares with the server.
    let sent = 0;
    const status = await autocannon({
      url,
      connections: STATUS_CONNECTIONS,
      overallRate: STATUS_RATE,
      duration: DURATION_SECONDS,
      headers: { authorization: `Bearer ${TOKEN}` },
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            sent += 1;
            return { ...request, path: paths[sent % paths.length] ?? '/' };
          },
        },
      ],
    });
    return {
      database: kindName,
      eventsPerSecond: (ingest['2xx'] * LINES_PER_BATCH) / DURATION_SECONDS,
      ingestP50: ingest.latency.p50,
      ingestP99: ingest.latency.p99,
      ingestErrors: ingest.non2xx + ingest.errors,
      statusRate: status['2xx'] / DURATION_SECONDS,
      statusP50: status.latency.p50,
      statusP99: status.latency.p99,
      statusErrors: status.non2xx + status.errors,
    };
  } finally {
    server?.child.kill('SIGTERM');
    if (server !== undefined) await server.exited;
    await database.drop();
  }
}

const figures: Figures[] = [];
for (const name of ['sqlite', 'postgres'] as const) figures.push(await measure(name));
process.stdout.write(
  `\n${formatTable([
    [
      'database',
      'ingest events/s',
      'ingest p50 / p99',
      `status req/s (${STATUS_CONNECTIONS} connections)`,
      'status p50 / p99',
      'errors',
    ],
    ...figures.map((figure) => [
      figure.database,
      formatCount(figure.eventsPerSecond),
      `${figure.ingestP50} / ${figure.ingestP99} ms`,
      formatCount(figure.statusRate),
      `${figure.statusP50} / ${figure.statusP99} ms`,
      String(figure.ingestErrors + figure.statusErrors),
    ]),
  ])}\n`,
);
process.stdout.write(
  'targets: 200,000 events/s ingested; status p99 < 10 ms at 2,000 req/s with 1,000 SLOs\n',
);
