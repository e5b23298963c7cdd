// SLIs read from a real Prometheus. The same traffic is written twice: as counters
// backfilled into Prometheus (scraped every 15 s, 7 s past the minute, as a real scrape
// would be) and as per-minute events pushed to Headroom. Headroom's Prometheus-backed
// numbers must equal its own within what increase()'s extrapolation explains; the
// generated Sloth-style rules, evaluated by Prometheus on the same counters, must record
// the same budget and burn rates and fire the same alerts.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readDocumentValues } from '../src/config/documents.js';
import type { SloStatus } from '../src/core/slo/status.js';
import { prometheusRules } from '../src/integrations/prometheus/rules.js';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { serviceDocument } from './support/documents.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';
import { startTestPrometheus, type TestPrometheus } from './support/prometheus.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T = Date.parse('2026-10-20T12:00:00Z');
const START = T - 8 * DAY;
const REQUESTS_PER_MINUTE = 600;
/** The scrape's phase within each minute, and its interval. */
const SCRAPE_OFFSET_MS = 7_000;
const SCRAPE_INTERVAL_MS = 15_000;

/** Errors in the minute starting at `minute`: a trickle, an old incident, one under way. */
function errorsIn(minute: number, service: string): number {
  if (service === 'search') return minute % (5 * MINUTE) === 0 ? 1 : 0;
  if (minute >= T - 90 * MINUTE) return 60; // 10 %: pages
  if (minute >= T - 2 * DAY - 3 * 60 * MINUTE && minute < T - 2 * DAY - 60 * MINUTE) return 30;
  return minute % (2 * MINUTE) === 0 ? 1 : 0;
}

const SERVICES = ['checkout', 'search'];

/** OpenMetrics counters: each minute's events arrive in four equal quarter-minute parts. */
function openMetrics(): string {
  const lines = ['# TYPE http_requests counter'];
  for (const service of SERVICES) {
    for (const code of ['200', '500']) {
      let value = 0;
      for (let minute = START; minute < T + MINUTE; minute += MINUTE) {
        const errors = errorsIn(minute, service);
        const count = code === '500' ? errors : REQUESTS_PER_MINUTE - errors;
        for (let quarter = 0; quarter < 4; quarter += 1) {
          value += Math.floor(count / 4) + (quarter < count % 4 ? 1 : 0);
          const at = minute + quarter * SCRAPE_INTERVAL_MS + SCRAPE_OFFSET_MS;
          lines.push(
            `http_requests_total{service="${service}",code="${code}"} ${String(value)} ${String(at / 1000)}`,
          );
        }
      }
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

function eventLines(service: string, slo: string): string[] {
  const lines: string[] = [];
  for (let minute = START; minute < T; minute += MINUTE) {
    const errors = errorsIn(minute, service);
    lines.push(
      JSON.stringify({
        ts: new Date(minute).toISOString(),
        slo,
        good: REQUESTS_PER_MINUTE - errors,
        total: REQUESTS_PER_MINUTE,
      }),
    );
  }
  return lines;
}

const sliQueries = (service: string) => ({
  badQuery: `sum(rate(http_requests_total{service="${service}", code=~"5.."}[{{.window}}]))`,
  totalQuery: `sum(rate(http_requests_total{service="${service}"}[{{.window}}]))`,
});

function sloOf(name: string, service: string, prometheus?: Record<string, string>) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'SLO',
    metadata: { name },
    spec: {
      service,
      sli: {
        ratio: { counts: 'bad' },
        ...(prometheus === undefined ? {} : { source: { prometheus } }),
      },
      objective: 99.5,
      window: '7d',
    },
  };
}

const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', 'window'] as const;

describe('SLIs read from a real Prometheus', () => {
  let prometheus: TestPrometheus;
  let headroom: TestHeadroom;
  const documents = () => [
    {
      apiVersion: 'headroom/v1',
      kind: 'DataSource',
      metadata: { name: 'main' },
      spec: { type: 'prometheus', url: prometheus.url, timeoutSeconds: 2 },
    },
    serviceDocument('checkout', 'payments'),
    serviceDocument('search', 'discovery'),
    sloOf('checkout-prom', 'checkout', sliQueries('checkout')),
    sloOf('search-prom', 'search', sliQueries('search')),
    sloOf('checkout-pushed', 'checkout'),
    sloOf('checkout-broken', 'checkout', {
      badQuery: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}])',
      totalQuery: 'sum(rate(http_requests_total[{{.window}}]))',
    }),
  ];

  beforeAll(async () => {
    const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');
    if (sqlite === undefined) throw new Error('no sqlite test database');
    prometheus = await startTestPrometheus(openMetrics());
    headroom = await startTestHeadroom(sqlite, { now: new Date(T).toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: documents() },
    });
    expect(applied.status).toBe(200);
    const key = await headroom.call('POST', '/api/v1/services/checkout/ingest-keys', {
      body: { name: 'test' },
    });
    const lines = eventLines('checkout', 'checkout-pushed');
    for (let from = 0; from < lines.length; from += 4000) {
      const pushed = await headroom.call('POST', '/api/v1/events', {
        token: (key.body as { key: string }).key,
        raw: {
          content: lines.slice(from, from + 4000).join('\n'),
          contentType: 'application/x-ndjson',
        },
      });
      expect(pushed.status).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    await headroom.close();
    await prometheus.close();
  });

  const status = async (slo: string, at = T): Promise<SloStatus> => {
    const reply = await headroom.call(
      'GET',
      `/api/v1/slos/${slo}/status?at=${new Date(at).toISOString()}`,
    );
    expect(reply.status).toBe(200);
    return reply.body as SloStatus;
  };

  it('reads the same numbers as the pushed events, within increase() extrapolation', async () => {
    const [fromPrometheus, pushed] = [
      await status('checkout-prom'),
      await status('checkout-pushed'),
    ];
    expect(fromPrometheus.source).toMatchObject({ state: 'ok', dataSource: 'main', reason: null });
    expect(pushed.source).toBeUndefined();

    // Both series are scraped at the same instants, so extrapolation scales errors and
    // totals alike and the ratios (SLI, burn rates, budget) agree closely; counts are
    // off by up to one scrape interval's traffic at each end of a window.
    const totalError = relativeError(fromPrometheus.events?.total, pushed.events?.total);
    expect(totalError).toBeLessThan((2 * SCRAPE_INTERVAL_MS) / (7 * DAY));
    for (const window of WINDOWS) {
      const [read, own] = [fromPrometheus.burnRates[window], pushed.burnRates[window]];
      const bound = window === '5m' ? 0.1 : window === '30m' ? 0.02 : 0.01;
      expect(
        relativeError(read, own),
        `burn rate ${window}: ${String(read)} vs ${String(own)}`,
      ).toBeLessThan(bound);
    }
    expect(fromPrometheus.errorBudget.remaining).toBeCloseTo(pushed.errorBudget.remaining, 2);
    expect(fromPrometheus.alerts.map((alert) => alert.firing)).toEqual(
      pushed.alerts.map((alert) => alert.firing),
    );
    expect(pushed.alerts.some((alert) => alert.firing)).toBe(true);
  });

  it("marks only the SLO with a broken query unknown, with Prometheus's reason", async () => {
    const broken = await status('checkout-broken');
    expect(broken.source).toMatchObject({ state: 'unknown', numbersAt: null });
    expect(broken.source?.reason).toContain('parse error');
    expect((await status('search-prom')).source?.state).toBe('ok');
  });

  it('draws the series from range queries, matching the pushed events', async () => {
    const range = `from=${new Date(T - 6 * 60 * MINUTE).toISOString()}&to=${new Date(T).toISOString()}&step=30m`;
    const [read, own] = await Promise.all(
      ['checkout-prom', 'checkout-pushed'].map(async (slo) => {
        const reply = await headroom.call('GET', `/api/v1/slos/${slo}/series?${range}`);
        expect(reply.status).toBe(200);
        return reply.body as {
          points: {
            at: string;
            errorBudgetRemaining: number;
            burnRates: Record<string, number | null>;
          }[];
        };
      }),
    );
    expect(read?.points.map((point) => point.at)).toEqual(own?.points.map((point) => point.at));
    read?.points.forEach((point, index) => {
      const expected = own?.points[index];
      expect(point.errorBudgetRemaining).toBeCloseTo(expected?.errorBudgetRemaining ?? NaN, 2);
      // A window whose error rate changes inside it: increase() extrapolates each
      // series to the window's edges at that window's own average rate.
      expect(relativeError(point.burnRates['1h'], expected?.burnRates['1h'])).toBeLessThan(0.05);
    });
  });

  it('keeps the last good numbers with their age while Prometheus is down, and recovers', async () => {
    const later = T + 2 * MINUTE;
    await status('checkout-prom', T);
    await prometheus.stop();
    try {
      const down = await status('checkout-prom', later);
      expect(down.source).toMatchObject({
        state: 'unknown',
        numbersAt: new Date(T).toISOString(),
        ageSeconds: 120,
      });
      expect(down.source?.reason).toContain('unreachable');
      expect(down.at).toBe(new Date(T).toISOString());
      // The events-fed SLO does not notice.
      expect((await status('checkout-pushed', later)).source).toBeUndefined();
    } finally {
      await prometheus.start();
    }
    expect((await status('checkout-prom', later)).source?.state).toBe('ok');
  });

  it('gives up on a slow Prometheus after the data source timeout', async () => {
    const slow = await slowProxy(prometheus.url, 4_000);
    try {
      const applied = await headroom.call('POST', '/api/v1/apply', {
        body: {
          documents: documents().map((document) =>
            document.kind === 'DataSource'
              ? { ...document, spec: { ...document.spec, url: slow.url } }
              : document,
          ),
        },
      });
      expect(applied.status).toBe(200);
      const timedOut = await status('checkout-prom', T + 3 * MINUTE);
      expect(timedOut.source).toMatchObject({ state: 'unknown' });
      expect(timedOut.source?.reason).toContain('did not answer within 2s');
    } finally {
      await headroom.call('POST', '/api/v1/apply', { body: { documents: documents() } });
      slow.server.closeAllConnections();
      await new Promise<void>((resolve) => {
        slow.server.close(() => {
          resolve();
        });
      });
    }
    expect((await status('checkout-prom', T + 3 * MINUTE)).source?.state).toBe('ok');
  });

  it('generates rules that Prometheus evaluates to the same budget, burn rates and alerts', async () => {
    const read = readDocumentValues([sloOf('checkout-prom', 'checkout', sliQueries('checkout'))]);
    const slo = read.slos[0]?.value;
    if (slo === undefined) throw new Error('the SLO document does not read');
    const { groups } = prometheusRules([slo]);
    const recording = groups.map((group) => ({
      name: group.name,
      rules: group.rules.filter((rule) => 'record' in rule),
    }));
    // promtool backfills one level of rules at a time: a rule reads only rules
    // recorded by the levels before it. Only the 5m ratio is needed over the whole
    // period (Sloth averages it for the period ratio); the rest only at T.
    const base = 'slo:sli_error:ratio_rate5m';
    const history = recording
      .map((group) => ({ ...group, rules: group.rules.filter((rule) => rule.record === base) }))
      .filter((group) => group.rules.length > 0);
    await prometheus.backfillRules(
      stringify({ groups: history }),
      T - 7 * DAY - 10 * MINUTE,
      T + MINUTE,
      60,
    );
    // Prometheus merges the overlapping backfilled blocks after a restart; the rules
    // that read the history are backfilled only once all of it answers. Up to a minute:
    // on a loaded CI machine the merge has taken longer than 20 s.
    const minutesOfHistory = `count_over_time(${base}{sloth_id="checkout-prom"}[7d])`;
    for (let attempt = 0; ; attempt += 1) {
      const [counted] = await prometheus.query(minutesOfHistory, T);
      if (counted?.value === (7 * DAY) / MINUTE) break;
      if (attempt === 300)
        throw new Error(`the backfilled history has ${String(counted?.value)} samples`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const rest = recording.map((group) => ({
      ...group,
      rules: group.rules.filter((rule) => rule.record !== base),
    }));
    for (const level of ruleLevels(rest)) {
      await prometheus.backfillRules(stringify({ groups: level }), T - 5 * MINUTE, T + MINUTE, 60);
    }
    const one = async (expr: string): Promise<number> => {
      const samples = await prometheus.query(expr, T);
      expect(samples, expr).toHaveLength(1);
      return samples[0]?.value ?? NaN;
    };
    const own = await status('checkout-pushed');
    const selector = '{sloth_id="checkout-prom"}';
    expect(
      relativeError(await one(`slo:current_burn_rate:ratio${selector}`), own.burnRates['5m']),
    ).toBeLessThan(0.1);
    // Every alert window's ratio, against the burn rates Headroom's alerts report.
    for (const rule of own.alerts) {
      for (const [window, burnRate] of [
        [rule.longWindow, rule.longBurnRate],
        [rule.shortWindow, rule.shortBurnRate],
      ] as const) {
        const ratio = await one(`slo:sli_error:ratio_rate${window}${selector}`);
        expect(relativeError(ratio / 0.005, burnRate), window).toBeLessThan(0.05);
      }
    }
    // Sloth's period ratio is the mean of the recorded 5m ratios: the rule computes
    // exactly that, and it approximates Headroom's exact remaining budget (a mean of
    // ratios is not a ratio of sums where traffic or the recorded samples vary).
    const remaining = await one(`slo:period_error_budget_remaining:ratio${selector}`);
    // (promtool records it at its own evaluation steps: within a step of T.)
    const averaged =
      1 - (await one(`avg_over_time(slo:sli_error:ratio_rate5m${selector}[7d])`)) / 0.005;
    expect(Math.abs(remaining - averaged)).toBeLessThan(0.01);
    expect(Math.abs(remaining - own.errorBudget.remaining)).toBeLessThan(0.05);
    for (const severity of ['page', 'ticket'] as const) {
      const alert = groups
        .flatMap((group) => group.rules)
        .find((rule) => 'alert' in rule && rule.labels.sloth_severity === severity);
      if (alert === undefined) throw new Error(`no ${severity} alert`);
      const firing = (await prometheus.query(alert.expr, T)).length > 0;
      expect(firing, severity).toBe(
        own.alerts.some((rule) => rule.severity === severity && rule.firing),
      );
    }
  }, 120_000);
});

function relativeError(
  value: number | null | undefined,
  expected: number | null | undefined,
): number {
  if (value === null || value === undefined || expected === null || expected === undefined) {
    return value === expected ? 0 : Infinity;
  }
  if (expected === 0) return Math.abs(value);
  return Math.abs(value - expected) / Math.abs(expected);
}

interface RuleGroupLike {
  readonly name: string;
  readonly rules: readonly { readonly expr: string; readonly record?: string }[];
}

/** Recording rules split into levels: each rule after every rule whose series it reads. */
function ruleLevels(groups: readonly RuleGroupLike[]): RuleGroupLike[][] {
  const rules = groups.flatMap((group) => group.rules.map((rule) => ({ group: group.name, rule })));
  const level = new Map<string, number>();
  const levelOf = (record: string): number => {
    const known = level.get(record);
    if (known !== undefined) return known;
    const entry = rules.find((candidate) => candidate.rule.record === record);
    const reads = rules.filter(
      (other) =>
        other.rule.record !== undefined &&
        other.rule.record !== record &&
        entry?.rule.expr.includes(`${other.rule.record}{`),
    );
    const value =
      reads.length === 0
        ? 0
        : 1 + Math.max(...reads.map((other) => levelOf(other.rule.record ?? '')));
    level.set(record, value);
    return value;
  };
  const levels: RuleGroupLike[][] = [];
  for (const { group, rule } of rules) {
    const index = levelOf(rule.record ?? '');
    levels[index] ??= [];
    const groupsOfLevel = levels[index];
    let target = groupsOfLevel.find((candidate) => candidate.name === group);
    if (target === undefined) {
      target = { name: group, rules: [] };
      groupsOfLevel.push(target);
    }
    (target.rules as { expr: string; record?: string }[]).push(rule);
  }
  return levels;
}

/** An HTTP proxy that answers only after `delayMs`: a Prometheus under load. */
async function slowProxy(
  target: string,
  delayMs: number,
): Promise<{ url: string; server: Server }> {
  const server = createServer((incoming, outgoing) => {
    setTimeout(() => {
      const forwarded = httpRequest(
        `${target}${incoming.url ?? '/'}`,
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      incoming.pipe(forwarded);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${String(port)}`, server };
}
