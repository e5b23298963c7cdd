// /metrics: process metrics and HTTP latency (prom-client), and every SLO's numbers
// and heartbeat check's state computed at scrape time, so that Prometheus sees what
// the API would answer at that instant (slo-exposition.ts, heartbeat-exposition.ts).
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { SloStatus } from '../core/slo/status.js';
import { renderHeartbeatFamilies, type HeartbeatGauge } from './heartbeat-exposition.js';
import { renderSloFamilies } from './slo-exposition.js';

export interface Metrics {
  readonly contentType: string;
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  /** A gate decision answered (kept): by service and answer. */
  countGateDecision(service: string, allowed: boolean): void;
  render(): Promise<string>;
}

export function createMetrics(options: {
  /** Every SLO's status for this scrape; may take its time (see build-server.ts). */
  readonly sloGauges: () => readonly SloStatus[] | Promise<readonly SloStatus[]>;
  /** Every heartbeat check's state for this scrape; none unless given. */
  readonly heartbeatGauges?: () => Promise<readonly HeartbeatGauge[]>;
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
  const gateDecisions = new Counter({
    name: 'headroom_deploy_gate_decisions_total',
    help: 'Deploy gate decisions answered by this instance, by service and answer',
    labelNames: ['service', 'allowed'],
    registers: [registry],
  });

  return {
    contentType: registry.contentType,
    observeRequest(method, route, statusCode, seconds) {
      requests.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
    countGateDecision(service, allowed) {
      gateDecisions.inc({ service, allowed: String(allowed) });
    },
    async render() {
      // The SLOs are evaluated once per scrape, before anything is written: every family
      // reads that one evaluation.
      const statuses = await options.sloGauges();
      const checks = (await options.heartbeatGauges?.()) ?? [];
      const processAndHttp = await registry.metrics();
      return `${processAndHttp}${processAndHttp.endsWith('\n') ? '' : '\n'}${await renderSloFamilies(statuses)}${await renderHeartbeatFamilies(checks)}`;
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
