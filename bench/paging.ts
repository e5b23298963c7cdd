// `npm run bench:paging`: a burst of 100,000 Alertmanager-format alerts with 1,000
// distinct fingerprints (over 100 services) into `headroom serve` on SQLite, paging a
// local webhook receiver through an escalation policy. Figures, not assertions:
// alerts accepted per second, p50/p99 from a page's first alert sent to its
// notification received, and counts showing every fingerprint is accounted for and
// no page was notified twice.
import { createServer } from 'node:http';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { api, serveOptionsFor, spawnServer, type ServerProcess } from '../test/support/process.js';
import { processCpuMs } from './process-cpu.js';
import { formatCount, formatTable } from './timing.js';

const TOKEN = 'hr_bench-admin-token-0123456789abcdef';
const ALERTS = Number(process.env.BENCH_PAGING_ALERTS ?? 100_000);
const FINGERPRINTS = 1_000;
const SERVICES = 100;
/** One Alertmanager group per body: one service's fingerprints, as group_by: [service] sends them. */
const ALERTS_PER_BODY = FINGERPRINTS / SERVICES;
const CONCURRENCY = 8;

const serviceOf = (fingerprint: number) => `svc-${String(fingerprint % SERVICES).padStart(3, '0')}`;

function body(offset: number): string {
  const alerts = Array.from({ length: ALERTS_PER_BODY }, (_, index) => {
    // The n-th body is service (n mod 100)'s group of its 10 fingerprints.
    const group = (offset / ALERTS_PER_BODY) % SERVICES;
    const fingerprint = group + index * SERVICES;
    return {
      status: 'firing',
      labels: {
        alertname: 'HighErrorRate',
        service: serviceOf(fingerprint),
        instance: `host-${String(fingerprint)}`,
      },
      annotations: { summary: `errors on host-${String(fingerprint)}` },
      startsAt: '2026-11-01T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: `fp-${String(fingerprint)}`,
    };
  });
  return JSON.stringify({
    receiver: 'headroom',
    status: 'firing',
    alerts,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager',
    version: '4',
    groupKey: `{}:{service="${serviceOf((offset / ALERTS_PER_BODY) % SERVICES)}"}`,
    truncatedAlerts: 0,
  });
}

async function main(): Promise<void> {
  const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');
  if (sqlite === undefined) throw new Error('no sqlite');
  const database = await sqlite.create();

  // The channel: records when each page's notification arrives, and how often.
  const notified = new Map<string, number[]>();
  const receiver = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const { pageId } = JSON.parse(text) as { pageId: string };
      notified.set(pageId, [...(notified.get(pageId) ?? []), Date.now()]);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverPort = (receiver.address() as { port: number }).port;

  let server: ServerProcess | undefined;
  try {
    const { args, env } = serveOptionsFor(database.location, TOKEN);
    server = await spawnServer(args, { ...env, HEADROOM_LEASE_TICK_MS: '1000' });
    const { url } = server;
    const services = Array.from({ length: SERVICES }, (_, index) => ({
      apiVersion: 'headroom/v1',
      kind: 'Service',
      metadata: { name: `svc-${String(index).padStart(3, '0')}` },
      spec: { team: 'bench' },
    }));
    const policy = {
      apiVersion: 'headroom/v1',
      kind: 'EscalationPolicy',
      metadata: { name: 'bench' },
      spec: {
        teams: ['bench'],
        levels: [{ notify: [{ team: 'bench' }] }],
        channels: [{ webhook: { url: `http://127.0.0.1:${String(receiverPort)}/hook` } }],
      },
    };
    const applied = await api(url, TOKEN, 'POST', '/api/v1/apply', {
      documents: [...services, policy],
    });
    if (applied.status !== 200) throw new Error(`apply: ${String(applied.status)}`);
    const integration = await api(url, TOKEN, 'POST', '/api/v1/integrations', {
      name: 'bench',
      kind: 'alertmanager',
    });
    const key = (integration.body as { key: string }).key;

    // First send of each service's first alert: the start of its page's latency.
    const firstSent = new Map<string, number>();
    let next = 0;
    let failed = 0;
    const started = performance.now();
    const cpuBefore = processCpuMs(server.child.pid);
    const worker = async (): Promise<void> => {
      while (next < ALERTS) {
        const offset = next;
        next += ALERTS_PER_BODY;
        const sentAt = Date.now();
        for (let index = 0; index < ALERTS_PER_BODY; index += 1) {
          const service = serviceOf((offset / ALERTS_PER_BODY) % SERVICES);
          if (!firstSent.has(service)) firstSent.set(service, sentAt);
        }
        const response = await fetch(`${url}/api/v1/intake/alertmanager/${key}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: body(offset),
        });
        await response.arrayBuffer();
        if (response.status !== 200) failed += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = processCpuMs(server.child.pid);

    // Wait for the notifications of every page.
    const pages = (await api(url, TOKEN, 'GET', '/api/v1/pages?status=open&limit=1000')).body as {
      id: string;
      openedAt: string;
      services: string[];
      alerts: { dedupKey: string; triggerCount: number }[];
    }[];
    const deadline = Date.now() + 60_000;
    while (notified.size < pages.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // anything sent twice shows now
    const latencies = pages
      .flatMap((page) => {
        const received = notified.get(page.id)?.[0];
        const sent = firstSent.get(page.services[0] ?? '');
        return received === undefined || sent === undefined ? [] : [received - sent];
      })
      .sort((a, b) => a - b);
    const fromOpen = pages
      .flatMap((page) => {
        const received = notified.get(page.id)?.[0];
        return received === undefined ? [] : [received - Date.parse(page.openedAt)];
      })
      .sort((a, b) => a - b);
    const openAt = (q: number) =>
      fromOpen[Math.min(fromOpen.length - 1, Math.floor(q * fromOpen.length))] ?? NaN;
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    const fingerprints = new Set(
      pages.flatMap((page) => page.alerts.map((alert) => alert.dedupKey)),
    );
    const triggers = pages.reduce(
      (sum, page) => sum + page.alerts.reduce((inner, alert) => inner + alert.triggerCount, 0),
      0,
    );
    const twice = [...notified.values()].filter((times) => times.length > 1).length;
    process.stdout.write(
      `${formatTable([
        ['figure', 'value'],
        [`alerts sent (Alertmanager groups of ${String(ALERTS_PER_BODY)})`, formatCount(ALERTS)],
        ['bodies refused', String(failed)],
        ['alerts accepted per second', formatCount(Math.round(ALERTS / seconds))],
        [
          'server CPU per body',
          cpuBefore === undefined || cpuAfter === undefined
            ? 'n/a'
            : `${((cpuAfter - cpuBefore) / (ALERTS / ALERTS_PER_BODY)).toFixed(2)} ms`,
        ],
        ['pages', String(pages.length)],
        ['distinct fingerprints on pages', String(fingerprints.size)],
        ['triggers counted on pages', formatCount(triggers)],
        ['pages notified', String(notified.size)],
        ['pages notified more than once', String(twice)],
        ['first alert sent -> notification received, p50', `${at(0.5).toFixed(0)} ms`],
        ['… p99', `${at(0.99).toFixed(0)} ms`],
        ['page stored -> notification received, p50', `${openAt(0.5).toFixed(0)} ms`],
        ['… p99', `${openAt(0.99).toFixed(0)} ms`],
      ])}\n`,
    );
  } finally {
    server?.child.kill('SIGTERM');
    if (server !== undefined) await server.exited;
    receiver.close();
    await database.drop();
  }
}

await main();
