import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo, repositoryRoot } from '../../src/cli/captured-io.js';
import { main } from '../../src/cli/main.js';
import { runEvaluationCycle } from '../../src/jobs/evaluation-cycle.js';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { exampleDocuments, startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const EVENTS = readFileSync(path.join(repositoryRoot, 'examples/events.ndjson'));
const AT = '2026-11-01T00:00:00Z';

/** The lines of the example events for SLOs of one service. */
function eventsOf(slos: readonly string[], limit = Number.POSITIVE_INFINITY): string {
  const lines: string[] = [];
  for (const line of EVENTS.toString('utf8').split('\n')) {
    if (lines.length >= limit) break;
    if (slos.some((slo) => line.includes(`"slo":"${slo}"`))) lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

describe.each(TEST_DATABASES)('the API on $name', (kind) => {
  let headroom: TestHeadroom;
  let ingestKey: string;

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: '2026-11-01T00:05:00Z' });
  });
  afterAll(async () => {
    await headroom.close();
  });

  it('is alive and ready', async () => {
    expect((await headroom.call('GET', '/healthz', { token: null })).body).toEqual({
      status: 'ok',
    });
    expect((await headroom.call('GET', '/readyz', { token: null })).body).toEqual({
      status: 'ready',
    });
  });

  it('refuses requests without a token with a problem+json', async () => {
    const reply = await headroom.call('GET', '/api/v1/services', { token: null });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('shows a token once, stores it hashed, and refuses it once revoked', async () => {
    const created = await headroom.call('POST', '/api/v1/tokens', {
      body: { name: 'dashboards', role: 'viewer' },
    });
    expect(created.status).toBe(201);
    const { id, token } = created.body as { id: string; token: string };
    expect((await headroom.call('GET', '/api/v1/teams', { token })).status).toBe(200);
    const listed = await headroom.call('GET', '/api/v1/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect((await headroom.call('DELETE', `/api/v1/tokens/${id}`)).status).toBe(204);
    const refused = await headroom.call('GET', '/api/v1/teams', { token });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ detail: 'the API token was revoked' });
    const audit = (await headroom.call('GET', '/api/v1/audit?limit=2')).body as {
      kind: string;
      action: string;
    }[];
    expect(audit[0]).toMatchObject({ kind: 'Token', action: 'delete' });
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('applies the example config, and a second apply changes nothing', async () => {
    const documents = await exampleDocuments();
    const plan = await headroom.call('POST', '/api/v1/apply', {
      body: { documents, dryRun: true },
    });
    expect(plan.status).toBe(200);
    const planned = (plan.body as { changes: { action: string; kind: string; name: string }[] })
      .changes;
    expect(planned.map((change) => `${change.action} ${change.kind}`)).toEqual([
      ...Array<string>(2).fill('create Team'),
      ...Array<string>(3).fill('create Service'),
      ...Array<string>(5).fill('create SLO'),
    ]);
    expect((await headroom.call('GET', '/api/v1/services')).body).toEqual([]);

    const applied = await headroom.call('POST', '/api/v1/apply', { body: { documents } });
    expect((applied.body as { changes: unknown[] }).changes).toHaveLength(10);
    const auditBefore = (await headroom.call('GET', '/api/v1/audit?limit=1000')).body as unknown[];

    const again = await headroom.call('POST', '/api/v1/apply', { body: { documents } });
    expect(again.body).toEqual({ dryRun: false, changes: [] });
    const auditAfter = (await headroom.call('GET', '/api/v1/audit?limit=1000')).body as unknown[];
    expect(auditAfter).toHaveLength(auditBefore.length);
  });

  it('reports every invalid document with its path, and changes nothing', async () => {
    const reply = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          {
            apiVersion: 'headroom/v1',
            kind: 'Service',
            metadata: { name: 'x' },
            spec: { teem: 'a' },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'SLO',
            metadata: { name: 'y' },
            spec: { service: 'nowhere' },
          },
        ],
      },
    });
    expect(reply.status).toBe(400);
    const paths = (reply.body as { errors: { path: string }[] }).errors.map((error) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining(['documents[0].spec.teem', 'documents[1].spec.sli']),
    );
  });

  it('creates an ingest key for a service', async () => {
    const reply = await headroom.call('POST', '/api/v1/services/checkout/ingest-keys', {
      body: { name: 'checkout producers' },
    });
    expect(reply.status).toBe(201);
    ingestKey = (reply.body as { key: string }).key;
    expect(ingestKey).toMatch(/^hri_/);
    const list = (await headroom.call('GET', '/api/v1/services/checkout/ingest-keys')).body;
    expect(JSON.stringify(list)).not.toContain(ingestKey);
  });

  it('ingests NDJSON and answers the same status as headroom eval', async () => {
    const ndjson = eventsOf(['checkout-availability', 'checkout-latency']);
    // In batches, as producers send them.
    const lines = ndjson.trimEnd().split('\n');
    const batch = 20_000;
    for (let start = 0; start < lines.length; start += batch) {
      const reply = await headroom.call('POST', '/api/v1/events', {
        token: ingestKey,
        raw: {
          content: lines.slice(start, start + batch).join('\n'),
          contentType: 'application/x-ndjson',
        },
      });
      expect(reply.status).toBe(200);
    }
    const status = await headroom.call('GET', `/api/v1/slos/checkout-availability/status?at=${AT}`);
    expect(status.status).toBe(200);

    const cli = captureIo({ stdin: ndjson });
    const code = await main(
      ['eval', '-c', 'examples/config', '-e', '-', '--at', AT, '--slo', 'checkout-availability'],
      cli.io,
    );
    expect(code).toBe(0);
    // The server adds the deploys in the window (none here) to what eval prints.
    expect(status.body).toEqual({
      ...(JSON.parse(cli.stdout()) as object[])[0],
      deploys: { inWindow: 0, latest: [] },
    });
  });

  it('counts a retried batch once with an Idempotency-Key', async () => {
    const line = '{"ts":"2026-11-01T00:01:00Z","slo":"checkout-availability","good":1,"total":4}';
    const send = (key: string, content = line) =>
      headroom.call('POST', '/api/v1/events', {
        token: ingestKey,
        raw: { content, contentType: 'application/x-ndjson' },
        headers: { 'idempotency-key': key },
      });
    const first = await send('batch-1');
    expect(first.body).toMatchObject({ accepted: 1, replayed: false });
    const retry = await send('batch-1');
    expect(retry.body).toMatchObject({ accepted: 0, replayed: true, batch: { lines: 1 } });
    expect((await send('batch-1', line.replace('"good":1', '"good":2'))).status).toBe(409);
    const status = (
      await headroom.call(
        'GET',
        '/api/v1/slos/checkout-availability/status?at=2026-11-01T00:02:00Z',
      )
    ).body as { burnRates: Record<string, number | null> };
    const series = await headroom.call(
      'GET',
      '/api/v1/slos/checkout-availability/series?from=2026-11-01T00:00:00Z&to=2026-11-01T00:02:00Z&step=1m',
    );
    const points = (
      series.body as { points: { at: string; burnRates: Record<string, number | null> }[] }
    ).points;
    expect(points.map((point) => point.at)).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T00:01:00.000Z',
      '2026-11-01T00:02:00.000Z',
    ]);
    // 3 bad of 4 in the last minute, counted once: a 5m burn of (3/4) / 0.001 over that minute alone.
    expect(points[2]?.burnRates['5m']).toBe(status.burnRates['5m']);
  });

  it('accepts a JSON array of the same lines', async () => {
    const reply = await headroom.call('POST', '/api/v1/events', {
      token: ingestKey,
      body: [{ ts: '2026-11-01T00:03:00Z', slo: 'checkout-latency', good: 5, total: 5 }],
    });
    expect(reply.body).toMatchObject({ accepted: 1 });
  });

  it('answers the statuses of one service, equal to its share of all of them', async () => {
    const all = (await headroom.call('GET', `/api/v1/status?at=${AT}`)).body as {
      slo: string;
      service: string;
    }[];
    const checkout = await headroom.call('GET', `/api/v1/status?at=${AT}&service=checkout`);
    expect(checkout.status).toBe(200);
    const expected = all.filter((status) => status.service === 'checkout');
    expect(expected.length).toBeGreaterThan(0);
    expect(checkout.body).toEqual(expected);
    const unknown = await headroom.call('GET', '/api/v1/status?service=chekout');
    expect(unknown.status).toBe(404);
  });

  it('refuses a batch with bad lines, naming each, and stores none of it', async () => {
    const before = await headroom.call(
      'GET',
      `/api/v1/slos/checkout-latency/status?at=2026-11-01T00:05:00Z`,
    );
    const reply = await headroom.call('POST', '/api/v1/events', {
      token: ingestKey,
      raw: {
        contentType: 'application/x-ndjson',
        content: [
          '{"ts":"2026-11-01T00:04:00Z","slo":"checkout-latency","good":5,"total":5}',
          '{"ts":"2026-11-01T00:04:00Z","slo":"payments-api-availability","good":5,"total":5}',
          'not json',
          '{"ts":"2026-11-01T09:00:00Z","slo":"checkout-latency","good":5,"total":5}',
        ].join('\n'),
      },
    });
    expect(reply.status).toBe(400);
    const errors = (reply.body as { errors: { path: string }[] }).errors;
    expect(errors.map((error) => error.path)).toEqual(['line 2', 'line 3', 'line 4']);
    const after = await headroom.call(
      'GET',
      `/api/v1/slos/checkout-latency/status?at=2026-11-01T00:05:00Z`,
    );
    expect(after.body).toEqual(before.body);
  });

  it('refuses events sent with a user token', async () => {
    const reply = await headroom.call('POST', '/api/v1/events', {
      raw: { content: '', contentType: 'application/x-ndjson' },
    });
    expect(reply.status).toBe(401);
  });

  it('records alert transitions from an evaluation cycle, once per instant', async () => {
    const { deps } = headroom.server;
    await deps.store.tryAcquireLease('evaluator', 'test', deps.clock.now(), 60_000);
    const at = Date.parse(AT);
    const outcome = await runEvaluationCycle(deps, 'test', at);
    expect(outcome).toMatchObject({ ran: true, slos: 5 });
    expect(await runEvaluationCycle(deps, 'test', at)).toEqual({
      ran: false,
      reason: 'already-done',
    });
    const transitions = (
      await headroom.call('GET', '/api/v1/alerts/transitions?slo=checkout-availability')
    ).body as { transition: string; severity: string }[];
    expect(transitions.length).toBeGreaterThan(0);
    expect(transitions.every((transition) => transition.transition === 'started')).toBe(true);

    // Page-level burn alerts page people; ticket-level ones do not.
    const all = (await headroom.call('GET', '/api/v1/alerts/transitions?limit=1000')).body as {
      slo: string;
      severity: string;
    }[];
    const paging = new Set(all.filter((t) => t.severity === 'page').map((t) => t.slo));
    const pages = (await headroom.call('GET', '/api/v1/pages?status=open')).body as {
      alerts: { source: string; labels: Record<string, string> }[];
    }[];
    const paged = new Set(
      pages.flatMap((page) =>
        page.alerts
          .filter((alert) => alert.source === 'burn-rate')
          .map((alert) => alert.labels.slo),
      ),
    );
    expect(paging.size).toBeGreaterThan(0);
    expect(paged).toEqual(paging);
  });

  it('serves metrics and the OpenAPI document', async () => {
    const metrics = await headroom.call('GET', '/metrics', { token: null });
    expect(metrics.text).toMatch(
      /headroom_slo_error_budget_remaining_ratio\{slo="checkout-availability"/,
    );
    expect(metrics.text).toMatch(/headroom_http_request_duration_seconds_bucket/);
    // Prometheus' own parser reads the whole scrape. Exit 3 is lint only: prom-client's
    // standard Node.js gauges end in _total, which its linter dislikes.
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: metrics.text });
    const complaints = `${checked.stdout.toString()}${checked.stderr.toString()}`;
    expect([0, 3]).toContain(checked.status);
    expect(complaints).not.toMatch(/pars/i);
    expect(complaints).not.toContain('headroom_');
    const openapi = (await headroom.call('GET', '/api/v1/openapi.json', { token: null })).body as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/api/v1/slos/{name}/status');
    // The whole document against the OpenAPI 3.1 schema, every $ref resolved: what
    // generators and Swagger UI need of it.
    const validator = new Validator();
    const checkedDocument = await validator.validate(openapi);
    expect(checkedDocument.errors ?? [], JSON.stringify(checkedDocument.errors)).toEqual([]);
    expect(checkedDocument.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });
});
