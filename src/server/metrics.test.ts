import { describe, expect, it } from 'vitest';
import type { SloStatus } from '../core/slo/status.js';
import { createMetrics } from './metrics.js';

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

describe('metrics', () => {
  it('show every SLO number as the API would answer it at scrape time', async () => {
    let statuses = [status('checkout-availability'), status('checkout-latency', { sli: null })];
    const metrics = createMetrics({ sloGauges: () => statuses });
    const text = await metrics.render();
    expect(text).toContain(
      'headroom_slo_error_budget_remaining_ratio{slo="checkout-availability",service="checkout"} 0.5',
    );
    expect(text).toContain(
      'headroom_slo_burn_rate{slo="checkout-availability",service="checkout",window="1h"} 15',
    );
    expect(text).not.toContain('window="30m"');
    expect(text).toContain(
      'headroom_slo_alert_firing{slo="checkout-availability",service="checkout",severity="page"} 1',
    );
    expect(text).toContain(
      'headroom_slo_alert_firing{slo="checkout-availability",service="checkout",severity="ticket"} 0',
    );
    expect(text).toContain(
      'headroom_slo_objective{slo="checkout-latency",service="checkout"} 0.999',
    );
    expect(text).not.toContain('headroom_slo_sli{slo="checkout-latency"');
    expect(text).toContain('process_cpu_seconds_total');

    statuses = [status('checkout-latency')];
    expect(await metrics.render()).not.toContain('slo="checkout-availability"');
  });

  it('time requests by route pattern', async () => {
    const metrics = createMetrics({ sloGauges: () => [] });
    metrics.observeRequest('GET', '/api/v1/slos/:name/status', 200, 0.002);
    const text = await metrics.render();
    expect(text).toContain(
      'headroom_http_request_duration_seconds_bucket{le="0.0025",method="GET",route="/api/v1/slos/:name/status",status_code="200"} 1',
    );
  });
});
