// /metrics: process metrics, HTTP latency, and every SLO's numbers computed at scrape
// time, so that Prometheus sees what the API would answer at that instant.
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SloStatus } from '../core/slo/status.js';

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  render(): Promise<string>;
}

export function createMetrics(options: {
  /** Every SLO's status for this scrape; may take its time (see build-server.ts). */
  readonly sloGauges: () => readonly SloStatus[] | Promise<readonly SloStatus[]>;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Histogram({
    name: 'headroom_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route pattern',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // A scrape evaluates the SLOs once, before collecting: every gauge reads that one
  // evaluation. Scrapes take turns, so that one never reads another's.
  let snapshot: readonly SloStatus[] = [];
  const statuses = (): readonly SloStatus[] => snapshot;
  let previous: Promise<unknown> = Promise.resolve();
  const render = async (): Promise<string> => {
    snapshot = await options.sloGauges();
    try {
      return await registry.metrics();
    } finally {
      snapshot = [];
    }
  };
  const perSlo = (status: SloStatus) => ({ slo: status.slo, service: status.service });
  // Each collect resets first: an SLO deleted since the last scrape loses its series.
  new Gauge({
    name: 'headroom_slo_error_budget_remaining_ratio',
    help: 'Fraction of the error budget left in the window: 1 untouched, 0 spent, negative overspent',
    labelNames: ['slo', 'service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const status of statuses()) this.set(perSlo(status), status.errorBudget.remaining);
    },
  });
  new Gauge({
    name: 'headroom_slo_burn_rate',
    help: 'Error budget burn rate over a window (1 = spending exactly the budget over the SLO window); window="window" is the SLO window itself',
    labelNames: ['slo', 'service', 'window'],
    registers: [registry],
    collect() {
      this.reset();
      for (const status of statuses()) {
        for (const [window, rate] of Object.entries(status.burnRates)) {
          if (rate !== null) this.set({ ...perSlo(status), window }, rate);
        }
      }
    },
  });
  new Gauge({
    name: 'headroom_slo_alert_firing',
    help: '1 when a burn-rate alert of that severity fires for the SLO',
    labelNames: ['slo', 'service', 'severity'],
    registers: [registry],
    collect() {
      this.reset();
      for (const status of statuses()) {
        const severities = new Map<string, boolean>();
        for (const alert of status.alerts) {
          severities.set(alert.severity, (severities.get(alert.severity) ?? false) || alert.firing);
        }
        for (const [severity, firing] of severities)
          this.set({ ...perSlo(status), severity }, firing ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'headroom_slo_sli',
    help: 'The SLI over the SLO window (good / total); absent without traffic',
    labelNames: ['slo', 'service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const status of statuses())
        if (status.sli !== null) this.set(perSlo(status), status.sli);
    },
  });
  new Gauge({
    name: 'headroom_slo_objective',
    help: 'The objective as a fraction (99.9 % = 0.999)',
    labelNames: ['slo', 'service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const status of statuses()) this.set(perSlo(status), status.objective);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    observeRequest(method, route, statusCode, seconds) {
      requests.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
    render() {
      const next = previous.then(render, render);
      previous = next.catch(() => undefined);
      return next;
    },
  };
}

export function registerMetricsHooks(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: one series per route whatever the names in it,
    // and one for every URL no route matched, so a scanner cannot grow the registry.
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
