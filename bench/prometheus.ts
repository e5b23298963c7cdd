// `npm run bench:prometheus`: one evaluation cycle's Prometheus reads for 1,000 SLOs, on a
// real Prometheus (Debian's) with two days of backfilled counters for 1,000 services.
// Figures, not assertions: HTTP queries per cycle, cycle time and Headroom's CPU time,
// for SLOs that share one request counter (grouped by label), SLOs whose queries cannot
// be grouped (joined with `or`), and fewer SLOs, to show what the count grows with.
import { PrometheusSliReader } from '../src/integrations/prometheus/sli-reader.js';
import { readDocumentValues } from '../src/config/documents.js';
import { createSeries } from '../src/core/slo/minute-series.js';
import type { LiveSlo } from '../src/app/ports/slo-catalog.js';
import type { DataSource } from '../src/core/slo/model.js';
import { startTestPrometheus } from '../test/support/prometheus.js';
import { formatMs, formatTable, median } from './timing.js';

const SERVICES = 1000;
const MINUTE = 60_000;
const T = Date.parse('2026-10-20T12:00:00Z');
const HISTORY_MINUTES = 2 * 24 * 60;
const RUNS = Number(process.env.BENCH_PROMETHEUS_RUNS ?? 5);

const serviceName = (index: number) => `svc-${String(index).padStart(4, '0')}`;

/** One sample a minute per series, 1 % errors on every service. */
function openMetrics(): string {
  const lines = ['# TYPE http_requests counter'];
  for (let service = 0; service < SERVICES; service += 1) {
    for (const code of ['200', '500']) {
      const perMinute = code === '500' ? 1 : 99;
      const name = `http_requests_total{service="${serviceName(service)}",code="${code}"}`;
      for (let minute = 0; minute <= HISTORY_MINUTES; minute += 1) {
        const at = T - (HISTORY_MINUTES - minute) * MINUTE + 7_000;
        lines.push(`${name} ${String(minute * perMinute)} ${String(at / 1000)}`);
      }
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

function entries(count: number, groupable: boolean): LiveSlo[] {
  // `* 1` keeps the same numbers but a shape the grouping does not recognise.
  const suffix = groupable ? '' : ' * 1';
  const documents = Array.from({ length: count }, (_, index) => ({
    apiVersion: 'headroom/v1',
    kind: 'SLO',
    metadata: { name: `${serviceName(index)}-availability` },
    spec: {
      service: serviceName(index),
      sli: {
        ratio: { counts: 'bad' },
        source: {
          prometheus: {
            badQuery: `sum(rate(http_requests_total{service="${serviceName(index)}", code="500"}[{{.window}}]))${suffix}`,
            totalQuery: `sum(rate(http_requests_total{service="${serviceName(index)}"}[{{.window}}]))${suffix}`,
          },
        },
      },
      objective: 99.5,
      window: '30d',
    },
  }));
  return readDocumentValues(documents).slos.map(({ value }, id) => ({
    id,
    slo: value,
    service: undefined,
    series: createSeries(value),
  }));
}

async function main(): Promise<void> {
  process.stdout.write(`Backfilling ${String(SERVICES * 2)} series × 2 days into Prometheus…\n`);
  const prometheus = await startTestPrometheus(openMetrics());
  try {
    const dataSource: DataSource = {
      name: 'bench',
      type: 'prometheus',
      url: prometheus.url,
      isDefault: true,
      timeoutMs: 60_000,
      headers: {},
      bearerToken: undefined,
      basicAuth: undefined,
      tls: { caFile: undefined, insecureSkipVerify: false },
      maxExpressionsPerQuery: 2000,
      labels: {},
    };
    const rows = [
      ['SLOs', 'queries', 'HTTP queries / cycle', 'cycle (median)', 'Headroom CPU / cycle'],
    ];
    for (const [count, groupable] of [
      [100, true],
      [1000, true],
      [100, false],
      [1000, false],
    ] as const) {
      const slos = entries(count, groupable);
      const times: number[] = [];
      const cpu: number[] = [];
      let queries = 0;
      for (let run = 0; run < RUNS; run += 1) {
        const reader = new PrometheusSliReader(
          { dataSources: () => [dataSource] },
          { now: () => T },
          {},
        );
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const statuses = await reader.statuses(slos, T + run * MINUTE);
        const used = process.cpuUsage(cpuBefore);
        times.push(performance.now() - started);
        cpu.push((used.user + used.system) / 1000);
        queries = reader.counters.queries;
        const unknown = [...statuses.values()].filter((status) => status.source?.state !== 'ok');
        if (unknown.length > 0) {
          throw new Error(
            `${String(unknown.length)} SLOs unknown: ${unknown[0]?.source?.reason ?? ''}`,
          );
        }
      }
      rows.push([
        String(count),
        groupable ? 'shared metric' : 'ungroupable',
        String(queries),
        formatMs(median(times)),
        formatMs(median(cpu)),
      ]);
    }
    process.stdout.write(`${formatTable(rows)}\n`);
  } finally {
    await prometheus.close();
  }
}

await main();
