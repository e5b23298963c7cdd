import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { SloStatus } from '../core/slo/status.js';
import { createMetrics, registerMetricsHooks } from './metrics.js';

function status(slo: string, overrides: Partial<SloStatus> = {}): SloStatus {
  return {
    slo,
    service: 'checkout',
    at: '2026-11-01T00:00:00.000Z',
    objective: 0.999,
    budgetingMethod: 'occurrences',
    window: { type: 'rolling', length: '30d', timeZone: null, start: '', end: '' },
    sli: 0.9995,
    events: { good: 9995, bad: 5, total: 10000 },
    slices: null,
    errorBudget: { remaining: 0.5, consumed: 0.5, allowed: 10, spent: 5, unit: 'events' },
    burnRates: { '5m': 16, '30m': null, '1h': 15, '2h': 1, '6h': 1, '1d': 1, '3d': 1, window: 0.5 },
    alerts: [
      {
        severity: 'page',
        longWindow: '1h',
        shortWindow: '5m',
        factor: 14.4,
        longBurnRate: 15,
        shortBurnRate: 16,
        firing: true,
      },
      {
        severity: 'page',
        longWindow: '6h',
        shortWindow: '30m',
        factor: 6,
        longBurnRate: 1,
        shortBurnRate: null,
        firing: false,
      },
      {
        severity: 'ticket',
        longWindow: '3d',
        shortWindow: '6h',
        factor: 1,
        longBurnRate: 1,
        shortBurnRate: 1,
        firing: false,
      },
    ],
    exhaustionAt: null,
    ...overrides,
  };
}

/** The sample lines of one metric, without comments. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line === name);
}

describe('metrics', () => {
  it('show every SLO number as the API would answer it at scrape time', async () => {
    const metrics = createMetrics({
      sloGauges: () => [status('checkout-availability'), status('checkout-latency', { sli: null })],
    });
    const text = await metrics.render();
    expect(samples(text, 'headroom_slo_error_budget_remaining_ratio')).toEqual([
      'headroom_slo_error_budget_remaining_ratio{slo="checkout-availability",service="checkout"} 0.5',
      'headroom_slo_error_budget_remaining_ratio{slo="checkout-latency",service="checkout"} 0.5',
    ]);
    const availabilityBurn = samples(text, 'headroom_slo_burn_rate').filter((line) =>
      line.includes('slo="checkout-availability"'),
    );
    expect(availabilityBurn).toHaveLength(7);
    expect(availabilityBurn).toContain(
      'headroom_slo_burn_rate{slo="checkout-availability",service="checkout",window="1h"} 15',
    );
    expect(availabilityBurn).toContain(
      'headroom_slo_burn_rate{slo="checkout-availability",service="checkout",window="window"} 0.5',
    );
    expect(text).not.toContain('window="30m"');
    expect(
      samples(text, 'headroom_slo_alert_firing').filter((line) =>
        line.includes('slo="checkout-availability"'),
      ),
    ).toEqual([
      'headroom_slo_alert_firing{slo="checkout-availability",service="checkout",severity="page"} 1',
      'headroom_slo_alert_firing{slo="checkout-availability",service="checkout",severity="ticket"} 0',
    ]);
    expect(samples(text, 'headroom_slo_sli')).toEqual([
      'headroom_slo_sli{slo="checkout-availability",service="checkout"} 0.9995',
    ]);
    expect(samples(text, 'headroom_slo_objective')).toContain(
      'headroom_slo_objective{slo="checkout-latency",service="checkout"} 0.999',
    );
    expect(text).toContain('# TYPE headroom_slo_burn_rate gauge');
  });

  it('show each heartbeat check as its state stands at scrape time', async () => {
    const metrics = createMetrics({
      sloGauges: () => [],
      heartbeatGauges: () =>
        Promise.resolve([
          {
            name: 'nightly-settlement',
            service: 'payments-api',
            status: 'down',
            running: false,
            lastPingAt: Date.parse('2026-11-01T02:00:05Z'),
          },
          {
            name: 'hourly-export',
            service: 'checkout',
            status: 'up',
            running: true,
            lastPingAt: null,
          },
        ]),
    });
    const text = await metrics.render();
    expect(samples(text, 'headroom_heartbeat_up')).toEqual([
      'headroom_heartbeat_up{heartbeat="nightly-settlement",service="payments-api"} 0',
      'headroom_heartbeat_up{heartbeat="hourly-export",service="checkout"} 1',
    ]);
    expect(samples(text, 'headroom_heartbeat_status')).toEqual([
      'headroom_heartbeat_status{heartbeat="nightly-settlement",service="payments-api",status="down"} 1',
      'headroom_heartbeat_status{heartbeat="hourly-export",service="checkout",status="up"} 1',
    ]);
    expect(samples(text, 'headroom_heartbeat_running')).toEqual([
      'headroom_heartbeat_running{heartbeat="nightly-settlement",service="payments-api"} 0',
      'headroom_heartbeat_running{heartbeat="hourly-export",service="checkout"} 1',
    ]);
    // Never pinged: no sample rather than a zero that reads as 1970.
    expect(samples(text, 'headroom_heartbeat_last_ping_timestamp_seconds')).toEqual([
      'headroom_heartbeat_last_ping_timestamp_seconds{heartbeat="nightly-settlement",service="payments-api"} 1793498405',
    ]);
    expect(text).toContain('# TYPE headroom_heartbeat_up gauge');
  });

  it('escape label values as the text format requires', async () => {
    const metrics = createMetrics({
      sloGauges: () => [status('odd "name" \\ with\nbreak', { service: 'a"b' })],
    });
    expect(samples(await metrics.render(), 'headroom_slo_objective')).toEqual([
      'headroom_slo_objective{slo="odd \\"name\\" \\\\ with\\nbreak",service="a\\"b"} 0.999',
    ]);
  });

  it('let other work run while a scrape of many SLOs is written', async () => {
    const statuses = Array.from({ length: 2000 }, (_, index) => status(`slo-${String(index)}`));
    const metrics = createMetrics({ sloGauges: () => statuses });
    let done = false;
    let turns = 0;
    const turn = () => {
      turns += 1;
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    const text = await metrics.render();
    done = true;
    // 2,000 SLOs in five families: dozens of turns of the event loop in between.
    expect(turns).toBeGreaterThan(10);
    expect(samples(text, 'headroom_slo_objective')).toHaveLength(2000);
    expect(samples(text, 'headroom_slo_burn_rate')).toHaveLength(2000 * 7);
  });

  it('keep the standard process and Node.js names', async () => {
    const text = await createMetrics({ sloGauges: () => [] }).render();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_heap_size_total_bytes');
    expect(text).not.toContain('headroom_process_');
  });

  it('drop the series of an SLO that no longer exists', async () => {
    let statuses = [status('checkout-availability'), status('checkout-latency')];
    const metrics = createMetrics({ sloGauges: () => statuses });
    expect(await metrics.render()).toContain('slo="checkout-availability"');
    statuses = [status('checkout-latency')];
    const text = await metrics.render();
    expect(text).not.toContain('slo="checkout-availability"');
    expect(text).toContain('slo="checkout-latency"');
  });

  it('evaluate the SLOs once per scrape', async () => {
    let evaluations = 0;
    const metrics = createMetrics({
      sloGauges: () => {
        evaluations += 1;
        return [status('checkout-availability')];
      },
    });
    await metrics.render();
    expect(evaluations).toBe(1);
    await metrics.render();
    expect(evaluations).toBe(2);
  });

  it('give each of two scrapes at once its own evaluation, even one that takes its time', async () => {
    let scrapes = 0;
    const metrics = createMetrics({
      sloGauges: async () => {
        scrapes += 1;
        const name = `slo-${String(scrapes)}`;
        await new Promise((resolve) => setImmediate(resolve));
        return [status(name)];
      },
    });
    const [first, second] = await Promise.all([metrics.render(), metrics.render()]);
    expect(first).toContain('slo="slo-1"');
    expect(first).not.toContain('slo="slo-2"');
    expect(second).toContain('slo="slo-2"');
    expect(second).not.toContain('slo="slo-1"');
  });

  it('time requests by route pattern', async () => {
    const metrics = createMetrics({ sloGauges: () => [] });
    metrics.observeRequest('GET', '/api/v1/slos/:name/status', 200, 0.002);
    const text = await metrics.render();
    expect(text).toContain(
      'headroom_http_request_duration_seconds_bucket{le="0.0025",method="GET",route="/api/v1/slos/:name/status",status_code="200"} 1',
    );
    expect(text).toContain(
      'headroom_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/api/v1/slos/:name/status",status_code="200"} 0',
    );
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('label requests with the route, not the URL, on a server', async () => {
    const metrics = createMetrics({ sloGauges: () => [] });
    const app = Fastify();
    registerMetricsHooks(app, metrics);
    app.get('/api/v1/slos/:name', (_request, reply) => reply.status(404).send({}));
    try {
      await app.inject({ method: 'GET', url: '/api/v1/slos/checkout-availability' });
      await app.inject({ method: 'GET', url: '/api/v1/slos/checkout-latency' });
      await app.inject({ method: 'GET', url: '/wp-login.php' });
    } finally {
      await app.close();
    }
    const counts = samples(await metrics.render(), 'headroom_http_request_duration_seconds_count');
    expect(counts).toEqual([
      'headroom_http_request_duration_seconds_count{method="GET",route="/api/v1/slos/:name",status_code="404"} 2',
      'headroom_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1',
    ]);
  });
});
