// A heartbeat carrying an SLO: the share of an hourly job's runs that succeed, ran at
// least the minimum and at most the bound, counting each hour that passed without a
// run as bad. Headroom writes the events from the pings; the budget, burn alerts and
// the error-budget policy then work as for any SLO. The clock is injected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countHeartbeatSlos } from '../../src/app/heartbeat-slos.js';
import { runEvaluationCycle } from '../../src/jobs/evaluation-cycle.js';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const heartbeatDocument = {
  apiVersion: 'headroom/v1',
  kind: 'Heartbeat',
  metadata: { name: 'invoice-export' },
  spec: { service: 'billing', schedule: { every: '1h' }, grace: '10m', minRunTime: '1m' },
};

const sloDocument = (heartbeat = 'invoice-export') => ({
  apiVersion: 'headroom/v1',
  kind: 'SLO',
  metadata: { name: 'invoice-export-runs' },
  spec: {
    service: 'billing',
    sli: {
      ratio: { counts: 'good' },
      source: { heartbeat: { name: heartbeat, maxDuration: '20m' } },
    },
    objective: 90,
    window: '1d',
    alerting: { rules: [{ severity: 'page', longWindow: '6h', shortWindow: '2h', factor: 2 }] },
  },
});

const policyDocument = {
  apiVersion: 'headroom/v1',
  kind: 'ErrorBudgetPolicy',
  metadata: { name: 'billing-budget' },
  spec: {
    appliesTo: { services: ['billing'] },
    rules: [
      { name: 'exhausted', when: 'budgetExhausted', effect: 'deny', unlessLabels: ['rollback'] },
    ],
  },
};

interface Status {
  events: { good: number; bad: number; total: number } | null;
  errorBudget: { remaining: number };
  alerts: { severity: string; firing: boolean }[];
}

describe.each(TEST_DATABASES)('an SLO over a heartbeat on $name', (kind) => {
  let headroom: TestHeadroom;
  let pingUrl: string;

  const at = (minutes: number) => {
    headroom.clock.set(T0 + minutes * MINUTE);
  };
  const ping = async (suffix: string) => {
    const response = await fetch(`${pingUrl}${suffix}`, { method: 'POST' });
    expect(response.status).toBe(200);
  };
  const status = async () =>
    (await headroom.call('GET', '/api/v1/slos/invoice-export-runs/status')).body as Status;

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: iso(T0) });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('billing', 'payments'),
          serviceDocument('search', 'discovery'),
          heartbeatDocument,
          sloDocument(),
          policyDocument,
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    pingUrl = (
      (await headroom.call('GET', '/api/v1/heartbeats/invoice-export')).body as { pingUrl: string }
    ).pingUrl;
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('refuses an SLO over a heartbeat that is missing or belongs to another service', async () => {
    const missing = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [sloDocument('invoice-exports')] },
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('no Heartbeat named \\"invoice-exports\\"');
    const elsewhere = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          {
            ...sloDocument(),
            metadata: { name: 'search-runs' },
            spec: { ...sloDocument().spec, service: 'search' },
          },
        ],
      },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('belongs to service \\"billing\\", not \\"search\\"');
  });

  it('counts nothing before the SLO is first seen, and each run once it is', async () => {
    await headroom.server.runHeartbeats();
    expect((await status()).events).toMatchObject({ total: 0 });
    // 00:05-00:10: five minutes, a success.
    at(5);
    await ping('/start');
    at(10);
    await ping('');
    // Due at 01:10; 01:10-01:10:30 is under the minute a run takes at least: too fast.
    at(70);
    await ping('/start');
    at(70.5);
    await ping('/0');
    // Due at 02:10:30; exit status 1 after 6 s: failed, and not flagged too fast.
    at(130);
    await ping('/start');
    at(130.1);
    await ping('/1');
    // Counting stays a minute behind the clock: at 02:16 it has counted up to 02:15.
    at(136);
    await headroom.server.runHeartbeats();
    expect((await status()).events).toEqual({ good: 1, bad: 2, total: 3 });
    const { pings, slos } = (await headroom.call('GET', '/api/v1/heartbeats/invoice-export'))
      .body as {
      slos: string[];
      pings: { kind: string; durationSeconds: number | null; tooFast: boolean }[];
    };
    expect(slos).toEqual(['invoice-export-runs']);
    expect(pings.filter((each) => each.tooFast)).toEqual([
      expect.objectContaining({ kind: 'success', durationSeconds: 30 }),
    ]);
  });

  it('counts each hour that passes without a run as bad, once, whoever counts', async () => {
    // Due at 03:15 and 04:15, down at 03:25 and 04:25; 05:00 counts up to 04:59.
    at(300);
    await Promise.all([
      countHeartbeatSlos(headroom.server.deps, T0 + 300 * MINUTE),
      countHeartbeatSlos(headroom.server.deps, T0 + 300 * MINUTE),
    ]);
    await headroom.server.runHeartbeats();
    expect((await status()).events).toEqual({ good: 1, bad: 4, total: 5 });
  });

  it('judges a run that took longer than the bound as bad', async () => {
    // Due at 05:15 (down at 05:25, counted missed); a run 05:30-05:55 takes 25 minutes.
    at(330);
    await ping('/start?rid=late-run');
    at(355);
    await ping('?rid=late-run');
    at(420);
    await headroom.server.runHeartbeats();
    expect((await status()).events).toEqual({ good: 1, bad: 6, total: 7 });
    // Past maxRunTime (the grace, 10 minutes, as the check's view says): flagged overran.
    const detail = (await headroom.call('GET', '/api/v1/heartbeats/invoice-export')).body as {
      maxRunSeconds: number;
      minRunSeconds: number | null;
      pings: { kind: string; durationSeconds: number | null; overran: boolean }[];
    };
    expect(detail).toMatchObject({ maxRunSeconds: 600, minRunSeconds: 60 });
    expect(detail.pings.filter((each) => each.overran)).toEqual([
      expect.objectContaining({ kind: 'success', durationSeconds: 25 * 60 }),
    ]);
  });

  it('burns the budget, fires its burn alert and holds deploys like any SLO', async () => {
    const current = await status();
    // 6 bad of 7 against a 10 % budget.
    expect(current.errorBudget.remaining).toBeLessThan(0);
    const { deps } = headroom.server;
    await deps.store.tryAcquireLease('evaluator', 'test', deps.clock.now(), 60_000);
    await runEvaluationCycle(deps, 'test', deps.clock.now());
    expect((await status()).alerts).toContainEqual(
      expect.objectContaining({ severity: 'page', firing: true }),
    );
    const check = await headroom.call('POST', '/api/v1/deploys/check', {
      body: { service: 'billing', actor: 'alice', version: 'v2' },
    });
    const decision = check.body as {
      allowed: boolean;
      reasons: { rule: string; slo?: { name: string } }[];
    };
    expect(decision.allowed).toBe(false);
    expect(decision.reasons.map((reason) => [reason.rule, reason.slo?.name])).toEqual([
      ['exhausted', 'invoice-export-runs'],
    ]);
  });

  it('expects nothing while paused, nor after resuming until the next run', async () => {
    at(420);
    expect((await headroom.call('POST', '/api/v1/heartbeats/invoice-export/pause')).status).toBe(
      200,
    );
    at(600);
    await headroom.server.runHeartbeats();
    expect((await headroom.call('POST', '/api/v1/heartbeats/invoice-export/resume')).status).toBe(
      200,
    );
    at(700);
    await headroom.server.runHeartbeats();
    await ping('');
    at(720);
    await headroom.server.runHeartbeats();
    expect((await status()).events).toEqual({ good: 2, bad: 6, total: 8 });
  });

  it('refuses events pushed for it: Headroom writes them from the pings', async () => {
    const key = await headroom.call('POST', '/api/v1/services/billing/ingest-keys', {
      body: { name: 'exporter' },
    });
    const reply = await headroom.call('POST', '/api/v1/events', {
      token: (key.body as { key: string }).key,
      raw: {
        contentType: 'application/x-ndjson',
        content: `{"ts":"${iso(T0 + 400 * MINUTE)}","slo":"invoice-export-runs","good":100,"total":100}`,
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('counts the runs of heartbeat \\"invoice-export\\"');
    expect((await status()).events).toEqual({ good: 2, bad: 6, total: 8 });
  });

  it('starts over when the SLO is pointed at another check', async () => {
    at(800);
    const moved = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          {
            ...heartbeatDocument,
            metadata: { name: 'ledger-close' },
            spec: { ...heartbeatDocument.spec, schedule: { every: '15m' } },
          },
          sloDocument('ledger-close'),
        ],
      },
    });
    expect(moved.status, moved.text).toBe(200);
    await headroom.server.runHeartbeats();
    const ledger = (await headroom.call('GET', '/api/v1/heartbeats/ledger-close')).body as {
      pingUrl: string;
    };
    // invoice-export's last run (11:40) is not ledger-close's: nothing was due before
    // this first run, and one run is one good event.
    at(805);
    expect((await fetch(ledger.pingUrl, { method: 'POST' })).status).toBe(200);
    at(810);
    await headroom.server.runHeartbeats();
    expect((await status()).events).toEqual({ good: 3, bad: 6, total: 9 });
  });
});
