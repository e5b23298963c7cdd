// Makes examples/events.ndjson: 30 days of per-minute counts for the SLOs in
// examples/config, ending 2026-11-01T00:00:00Z. Deterministic (a seeded PRNG, no clock),
// so the file is reproducible and a test checks it is up to date.
//
// The story it tells, at the default `headroom eval` time (the end of the data):
// - every SLO has diurnal traffic and a small background error rate inside its objective;
// - two days before the end, payments-api failed for 40 minutes; checkout, which needs it,
//   had a partial outage and slow requests at the same time;
// - checkout has been failing fast for the last 45 minutes: its 1h/5m page alert fires;
// - payments-api's health probes failed in enough minutes of the last 7 days that its
//   uptime SLO has little budget left;
// - recommendations had a long incident two weeks ago, in an earlier week's budget.
//
// Regenerate after changing it: npm run build && node dist/examples/make-events.js
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLE_END = Date.UTC(2026, 10, 1);
const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

export interface ExampleEventsOptions {
  /** The data ends just before this instant (epoch ms, a whole minute). */
  readonly endMs?: number;
  readonly days?: number;
  readonly seed?: number;
}

interface Traffic {
  readonly slo: string;
  /** Which count the line carries besides the total. */
  readonly field: 'good' | 'bad';
  /** Requests per minute at the daily peak; probes per minute for uptime checks. */
  readonly peak: number;
  /** Probes run at a fixed rate whatever the hour. */
  readonly fixed: boolean;
  /** Share of requests that fail (or are slow) on an ordinary minute. */
  readonly background: number;
}

const TRAFFIC: readonly Traffic[] = [
  { slo: 'checkout-availability', field: 'good', peak: 900, fixed: false, background: 0.0003 },
  // The same requests as checkout-availability; good = answered within 300 ms.
  { slo: 'checkout-latency', field: 'good', peak: 900, fixed: false, background: 0.004 },
  { slo: 'payments-api-availability', field: 'bad', peak: 400, fixed: false, background: 0.00005 },
  // 60 probes a minute from three regions; a minute is good when 95 % succeed.
  { slo: 'payments-api-uptime', field: 'good', peak: 60, fixed: true, background: 0.002 },
  {
    slo: 'recommendations-availability',
    field: 'good',
    peak: 1500,
    fixed: false,
    background: 0.002,
  },
];

/** The SLOs of examples/config that the lines are for. */
export const EXAMPLE_SLO_NAMES: readonly string[] = TRAFFIC.map((traffic) => traffic.slo);

interface Incident {
  readonly slo: string;
  /** Minutes before the end of the data that the incident starts. */
  readonly startsBeforeEnd: number;
  readonly minutes: number;
  readonly failureRate: number;
}

const OUTAGE_STARTS = 2 * DAY_MINUTES + 9 * 60 + 50; // 2026-10-29T14:10Z with the default end
const INCIDENTS: readonly Incident[] = [
  {
    slo: 'payments-api-availability',
    startsBeforeEnd: OUTAGE_STARTS,
    minutes: 40,
    failureRate: 0.12,
  },
  { slo: 'payments-api-uptime', startsBeforeEnd: OUTAGE_STARTS, minutes: 40, failureRate: 0.25 },
  { slo: 'checkout-availability', startsBeforeEnd: OUTAGE_STARTS, minutes: 40, failureRate: 0.08 },
  { slo: 'checkout-latency', startsBeforeEnd: OUTAGE_STARTS, minutes: 40, failureRate: 0.15 },
  // A short probe failure five days before the end, and an older one outside the 7d window.
  {
    slo: 'payments-api-uptime',
    startsBeforeEnd: 5 * DAY_MINUTES + 200,
    minutes: 6,
    failureRate: 0.3,
  },
  {
    slo: 'payments-api-uptime',
    startsBeforeEnd: 12 * DAY_MINUTES + 500,
    minutes: 25,
    failureRate: 0.4,
  },
  {
    slo: 'recommendations-availability',
    startsBeforeEnd: 14 * DAY_MINUTES + 600,
    minutes: 90,
    failureRate: 0.2,
  },
  // Burning now: 3 % errors is 30 times checkout's 0.1 % budget rate.
  { slo: 'checkout-availability', startsBeforeEnd: 45, minutes: 45, failureRate: 0.03 },
  { slo: 'checkout-latency', startsBeforeEnd: 45, minutes: 45, failureRate: 0.02 },
];

/** Share of the daily peak, per UTC hour: a European shop, busy in the afternoon. */
const HOURLY_SHAPE = [
  0.3, 0.22, 0.16, 0.13, 0.12, 0.15, 0.25, 0.42, 0.6, 0.72, 0.8, 0.86, 0.9, 0.94, 0.97, 1.0, 0.98,
  0.95, 0.93, 0.9, 0.82, 0.7, 0.55, 0.4,
];

/** The event lines, oldest minute first, the SLOs of a minute always in the same order. */
export function* exampleEventLines(options: ExampleEventsOptions = {}): Generator<string> {
  const endMs = options.endMs ?? EXAMPLE_END;
  const days = options.days ?? 30;
  const random = mulberry32(options.seed ?? 20261101);
  const endMinute = Math.floor(endMs / MINUTE_MS);
  const firstMinute = endMinute - days * DAY_MINUTES;
  for (let minute = firstMinute; minute < endMinute; minute += 1) {
    const ts = `${new Date(minute * MINUTE_MS).toISOString().slice(0, 19)}Z`;
    const load = loadAt(minute) * (1 + 0.05 * gaussian(random));
    let checkoutTotal = 0;
    for (const traffic of TRAFFIC) {
      let total: number;
      if (traffic.fixed) total = traffic.peak;
      else if (traffic.slo === 'checkout-latency') total = checkoutTotal;
      else total = Math.max(0, Math.round(traffic.peak * load * (1 + 0.03 * gaussian(random))));
      if (traffic.slo === 'checkout-availability') checkoutTotal = total;
      const rate = failureRateAt(traffic, endMinute - minute);
      const bad = Math.min(total, poisson(total * rate, random));
      const count = traffic.field === 'bad' ? bad : total - bad;
      yield `{"ts":"${ts}","slo":"${traffic.slo}","${traffic.field}":${count},"total":${total}}`;
    }
  }
}

/** Writes the lines to `file`, newline-terminated. */
export async function writeExampleEvents(
  file: string,
  options: ExampleEventsOptions = {},
): Promise<number> {
  const out = createWriteStream(file);
  let lines = 0;
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const text = `${batch.join('\n')}\n`;
    batch = [];
    if (!out.write(text)) await once(out, 'drain');
  };
  for (const line of exampleEventLines(options)) {
    batch.push(line);
    lines += 1;
    if (batch.length === 10_000) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => {
    out.end((error?: Error | null) => {
      if (error) reject(error);
      else resolve();
    });
  });
  return lines;
}

/** Share of the peak load: the hourly shape, interpolated by minute, lighter at weekends. */
function loadAt(minute: number): number {
  const minuteOfDay = ((minute % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  const hour = Math.floor(minuteOfDay / 60);
  const from = HOURLY_SHAPE[hour] ?? 1;
  const to = HOURLY_SHAPE[(hour + 1) % 24] ?? 1;
  const shape = from + ((to - from) * (minuteOfDay % 60)) / 60;
  // 1970-01-01 was a Thursday: days 2 and 3 of each week are Saturday and Sunday.
  const dayOfWeek = Math.floor(minute / DAY_MINUTES) % 7;
  return shape * (dayOfWeek === 2 || dayOfWeek === 3 ? 0.8 : 1);
}

function failureRateAt(traffic: Traffic, minutesBeforeEnd: number): number {
  let rate = traffic.background;
  for (const incident of INCIDENTS) {
    if (incident.slo !== traffic.slo) continue;
    const into = incident.startsBeforeEnd - minutesBeforeEnd;
    if (into >= 0 && into < incident.minutes) rate = Math.max(rate, incident.failureRate);
  }
  return rate;
}

/** A small, fast, seedable PRNG (public domain); uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson-distributed count: exact (Knuth) for small means, normal beyond. */
function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count += 1;
    product *= random();
  }
  return count;
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Compiled to dist/examples/; the data file belongs next to the sources in examples/.
  const file = process.argv[2] ?? path.resolve(here, '../../examples/events.ndjson');
  const lines = await writeExampleEvents(file);
  process.stdout.write(`wrote ${lines} lines to ${file}\n`);
}
