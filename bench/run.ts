// `npm run bench`: how fast this machine ingests, parses and evaluates, and how much
// memory an SLO costs. It prints figures, not assertions; the targets are for reference.
//
// 1. events/s into the per-minute store, events pre-parsed (mostly in order, 1 % late);
// 2. NDJSON lines/s end to end through `headroom eval`, and of parsing alone;
// 3. time to evaluate every window of 1,000 and 10,000 SLOs holding 30 days of data;
// 4. bytes per 30-day SLO, from the series' own count and from the runtime's.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_SLO_NAMES } from '../examples/make-events.js';
import { EventLineReader } from '../src/schema/event-lines.js';
import type { CliIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { evaluateSlo } from '../src/core/slo/evaluate.js';
import { createSeries, type MinuteSeries } from '../src/core/slo/minute-series.js';
import type { Slo } from '../src/core/slo/model.js';
import {
  collectGarbage,
  formatBytes,
  formatCount,
  formatMs,
  formatTable,
  perSecond,
  timeAsync,
  timeSync,
} from './timing.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MINUTE_MS = 60_000;
const THIRTY_DAYS = 30 * 24 * 60;
/** 2026-11-01T00:00:00Z in epoch minutes: the evaluation time of every run. */
const END_MINUTE = Date.UTC(2026, 10, 1) / MINUTE_MS;

interface Row {
  readonly measure: string;
  readonly result: string;
  readonly target: string;
}

const rows: Row[] = [];

function report(measure: string, result: string, target = ''): void {
  rows.push({ measure, result, target });
  process.stdout.write(`  ${measure}: ${result}\n`);
}

/** The windows of syntheticSlo, by index modulo 5. */
const WINDOW_KINDS = ['30d', '28d', 'month', '7d slices', 'week'];

/** A mix like real configs: rolling and calendar windows, occurrences and timeslices. */
function syntheticSlo(index: number): Slo {
  const base = {
    name: `slo-${index}`,
    service: `service-${Math.floor(index / 4)}`,
    description: undefined,
    sli: { kind: 'ratio', counts: 'good', source: { type: 'events' } },
    alerting: { enabled: true, rules: undefined },
    labels: {},
  } as const;
  switch (index % 5) {
    case 0:
      return {
        ...base,
        objective: { numerator: 999, denominator: 1000 },
        window: { kind: 'rolling', minutes: THIRTY_DAYS },
        budgeting: { kind: 'occurrences' },
      };
    case 1:
      return {
        ...base,
        objective: { numerator: 99, denominator: 100 },
        window: { kind: 'rolling', minutes: 28 * 24 * 60 },
        budgeting: { kind: 'occurrences' },
      };
    case 2:
      return {
        ...base,
        objective: { numerator: 9995, denominator: 10000 },
        window: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Amsterdam' },
        budgeting: { kind: 'occurrences' },
      };
    case 3:
      return {
        ...base,
        objective: { numerator: 995, denominator: 1000 },
        window: { kind: 'rolling', minutes: 7 * 24 * 60 },
        budgeting: { kind: 'timeslices', sliceTarget: { numerator: 95, denominator: 100 } },
      };
    default:
      return {
        ...base,
        objective: { numerator: 99, denominator: 100 },
        window: { kind: 'calendar', unit: 'week', timeZone: 'America/New_York' },
        budgeting: { kind: 'occurrences' },
        alerting: {
          enabled: true,
          rules: [
            { severity: 'ticket', longWindowMinutes: 1440, shortWindowMinutes: 120, factor: 3 },
          ],
        },
      };
  }
}

/** A linear congruential generator: cheap, deterministic numbers for synthetic traffic. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

// ---------------------------------------------------------------------------
// 1. Ingest pre-parsed events.

function benchIngest(): void {
  const slos = 1000;
  const events = 20_000_000;
  process.stdout.write(
    `\n1. ingest: ${formatCount(events)} pre-parsed events into ${slos} SLOs (1 % late)\n`,
  );
  const next = lcg(1);
  const sloOf = new Uint16Array(events);
  const minuteOf = new Float64Array(events);
  const goodOf = new Uint16Array(events);
  const totalOf = new Uint16Array(events);
  const firstMinute = END_MINUTE - Math.ceil(events / slos);
  for (let i = 0; i < events; i += 1) {
    const random = next();
    const inOrder = firstMinute + Math.floor(i / slos);
    const late = random % 100 === 0;
    sloOf[i] = i % slos;
    // Late events land up to two hours back, where they rewrite part of a block.
    minuteOf[i] = late ? inOrder - 1 - ((random >>> 8) % 120) : inOrder;
    const total = 20 + ((random >>> 12) % 200);
    totalOf[i] = total;
    goodOf[i] = total - ((random >>> 20) % 1000 === 0 ? 1 : 0);
  }
  const timing = timeSync(
    () => {
      const series = Array.from({ length: slos }, (_, index) => createSeries(syntheticSlo(index)));
      for (let i = 0; i < events; i += 1) {
        series[sloOf[i] ?? 0]?.add(minuteOf[i] ?? 0, goodOf[i] ?? 0, totalOf[i] ?? 0);
      }
    },
    3,
    1,
  );
  report(
    'ingest, pre-parsed events (20M, 1k SLOs)',
    `${formatCount(perSecond(events, timing.medianMs))} events/s`,
    '10M events/s',
  );
}

// ---------------------------------------------------------------------------
// 2. NDJSON end to end and parsing alone.

function nullIo(): CliIo {
  return {
    stdout: { write: () => true },
    stderr: { write: (text: string) => process.stderr.write(text) },
    stdin: Readable.from([]),
    stderrIsTerminal: false,
    cwd: root,
  };
}

/**
 * 30 days of the example SLOs, every minute reported by `reporters` instances each (as
 * when each replica pushes its own counts), so that every line lands in a window.
 */
async function writeBenchEvents(file: string, reporters: number): Promise<number> {
  const out = createWriteStream(file);
  const next = lcg(2);
  let lines = 0;
  let batch: string[] = [];
  for (let minute = END_MINUTE - THIRTY_DAYS; minute < END_MINUTE; minute += 1) {
    const ts = `${new Date(minute * MINUTE_MS).toISOString().slice(0, 19)}Z`;
    for (const slo of EXAMPLE_SLO_NAMES) {
      for (let reporter = 0; reporter < reporters; reporter += 1) {
        const random = next();
        const total = 20 + (random % 150);
        const bad = (random >>> 20) % 400 === 0 ? 1 : 0;
        batch.push(`{"ts":"${ts}","slo":"${slo}","good":${total - bad},"total":${total}}`);
      }
    }
    lines += EXAMPLE_SLO_NAMES.length * reporters;
    if (batch.length >= 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  out.end(`${batch.join('\n')}\n`);
  await once(out, 'finish');
  return lines;
}

async function benchNdjson(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'headroom-bench-'));
  try {
    const file = path.join(dir, 'events.ndjson');
    // 5 SLOs x 43,200 minutes x 9 reporters: 1.94M lines.
    const lines = await writeBenchEvents(file, 9);
    const bytes = (await stat(file)).size;
    process.stdout.write(
      `\n2. NDJSON: ${formatCount(lines)} lines (${formatBytes(bytes)}), 30 days of the example SLOs\n`,
    );
    const args = ['eval', '--config', 'examples/config', '--events', file];
    const endToEnd = await timeAsync(
      async () => {
        const code = await main(args, nullIo());
        if (code !== 0) throw new Error(`headroom eval exited ${code}`);
      },
      5,
      1,
    );
    report(
      'NDJSON end to end (headroom eval, 1.9M lines)',
      `${formatCount(perSecond(lines, endToEnd.medianMs))} lines/s (${formatMs(endToEnd.medianMs)})`,
      '1M lines/s',
    );

    const content = await readFile(file);
    const lookup = new Map(EXAMPLE_SLO_NAMES.map((name, index) => [name, index]));
    let sum = 0;
    const parseOnly = timeSync(
      () => {
        const reader = new EventLineReader(lookup, (_slo, _minute, good) => {
          sum += good;
        });
        for (let offset = 0; offset < content.length; offset += 1 << 20) {
          reader.push(content.subarray(offset, Math.min(content.length, offset + (1 << 20))));
        }
        reader.end();
        if (reader.badLineCount > 0) throw new Error('the generated lines should all be valid');
      },
      5,
      1,
    );
    if (sum < 0) throw new Error('unreachable: keeps the sink from being optimised away');
    report(
      'NDJSON parse only (bytes in memory)',
      `${formatCount(perSecond(lines, parseOnly.medianMs))} lines/s`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// 3 and 4. Evaluating many 30-day SLOs, and what they cost in memory.

function benchEvaluate(): void {
  const counts = [1000, 10_000];
  const largest = Math.max(...counts);
  process.stdout.write(
    `\n3. evaluate: ${formatCount(largest)} SLOs with 30 days of per-minute counts each (building...)\n`,
  );
  collectGarbage();
  const before = process.memoryUsage();
  const slos: Slo[] = [];
  const series: MinuteSeries[] = [];
  const next = lcg(3);
  const buildStarted = performance.now();
  for (let index = 0; index < largest; index += 1) {
    const slo = syntheticSlo(index);
    const sloSeries = createSeries(slo);
    // Traffic of tens to hundreds of events a minute, as most SLOs see.
    const scale = 10 + (index % 300);
    for (let minute = END_MINUTE - THIRTY_DAYS; minute < END_MINUTE; minute += 1) {
      const random = next();
      const total = scale + (random % 32);
      const bad = (random >>> 16) % 500 === 0 ? 1 + (random % 5) : 0;
      sloSeries.add(minute, total - bad, total);
    }
    slos.push(slo);
    series.push(sloSeries);
  }
  const buildMs = performance.now() - buildStarted;
  process.stdout.write(
    `  (built ${formatCount(largest * THIRTY_DAYS)} minutes in ${formatMs(buildMs)})\n`,
  );

  const atMs = END_MINUTE * MINUTE_MS;
  for (const count of counts) {
    let alerts = 0;
    const timing = timeSync(
      () => {
        for (let index = 0; index < count; index += 1) {
          const slo = slos[index];
          const sloSeries = series[index];
          if (slo !== undefined && sloSeries !== undefined) {
            alerts += evaluateSlo(slo, sloSeries, atMs).alerts.length;
          }
        }
      },
      7,
      2,
    );
    if (alerts < 0) throw new Error('unreachable: keeps the work from being optimised away');
    report(
      `evaluate all windows, ${formatCount(count)} SLOs x 30 d`,
      `${formatMs(timing.medianMs)} (median of 7)`,
      count === 10_000 ? '< 100 ms' : '',
    );
  }

  // Where the time goes: the SLO mix cycles through five kinds of window.
  const perKind: string[] = [];
  for (let kind = 0; kind < 5; kind += 1) {
    let alerts = 0;
    const timing = timeSync(
      () => {
        for (let index = kind; index < largest; index += 5) {
          const slo = slos[index];
          const sloSeries = series[index];
          if (slo !== undefined && sloSeries !== undefined) {
            alerts += evaluateSlo(slo, sloSeries, atMs).alerts.length;
          }
        }
      },
      5,
      1,
    );
    if (alerts < 0) throw new Error('unreachable: keeps the work from being optimised away');
    perKind.push(
      `${WINDOW_KINDS[kind] ?? kind} ${((timing.medianMs * 1000 * 5) / largest).toFixed(1)}`,
    );
  }
  report('evaluate, microseconds per SLO by window', perKind.join(', '));

  collectGarbage();
  const after = process.memoryUsage();
  const runtimeBytes =
    after.arrayBuffers - before.arrayBuffers + (after.heapUsed - before.heapUsed);
  const ownBytes = series.reduce((sum, one) => sum + one.byteSize(), 0);
  const occurrences = slos.filter((slo) => slo.budgeting.kind === 'occurrences').length;
  // Occurrences keep two counters a minute (good, total); timeslices two more (slices, good slices).
  const counterMinutes = (occurrences * 2 + (largest - occurrences) * 4) * THIRTY_DAYS;
  process.stdout.write(`\n4. memory of ${formatCount(largest)} 30-day SLOs\n`);
  report(
    'memory per 30-day SLO, series.byteSize()',
    `${formatBytes(ownBytes / largest)} (${(ownBytes / counterMinutes).toFixed(2)} B per counter per minute)`,
    '<= 4 B per counter per minute',
  );
  report(
    'memory per 30-day SLO, process.memoryUsage()',
    `${formatBytes(runtimeBytes / largest)} (arrayBuffers + heap delta)`,
  );
  // Appends grow a series by half; a long-held series drops that room with compact().
  for (const one of series) one.compact();
  const compactBytes = series.reduce((sum, one) => sum + one.byteSize(), 0);
  report(
    'memory per 30-day SLO, compacted',
    `${formatBytes(compactBytes / largest)} (${(compactBytes / counterMinutes).toFixed(2)} B per counter per minute)`,
    '<= 4 B per counter per minute',
  );
}

async function run(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    `Headroom benchmark: node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} x ${cpu}\n`,
  );
  if ((globalThis as { gc?: unknown }).gc === undefined) {
    process.stdout.write('(run node with --expose-gc for steadier memory figures)\n');
  }
  benchIngest();
  collectGarbage();
  await benchNdjson();
  collectGarbage();
  benchEvaluate();
  const table = [
    ['measure', 'result (median)', 'target'],
    ...rows.map((row) => [row.measure, row.result, row.target]),
  ];
  process.stdout.write(`\nSummary\n${formatTable(table)}\n`);
}

await run();
