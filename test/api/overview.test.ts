// The overview's one read and the deploy gate asked without a deploy, through the HTTP
// API on SQLite and PostgreSQL: the overview's figures are the status API's, its gate
// answers are the check's, asking records no decision, and a part the token may not
// read is refused as the rest of the API refuses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { heartbeatDocument, serviceDocument, sloDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';
import { expectedSloState } from '../support/slo-state.js';

/** A Tuesday with no holiday, inside the ad-hoc freeze below. */
const T0 = Date.parse('2026-11-10T10:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const PAYMENTS_POLICY = {
  apiVersion: 'headroom/v1',
  kind: 'ErrorBudgetPolicy',
  metadata: { name: 'payments-budget' },
  spec: {
    appliesTo: { teams: ['payments'] },
    rules: [
      { name: 'exhausted', when: 'budgetExhausted', effect: 'deny', unlessLabels: ['rollback'] },
      {
        name: 'budget-low',
        when: { budgetBelow: 50 },
        effect: 'requireApproval',
        unlessLabels: ['rollback'],
      },
    ],
    approvals: { roles: ['sre-lead'], maxDuration: '8h' },
  },
};

const FREEZE_POLICY = {
  apiVersion: 'headroom/v1',
  kind: 'ErrorBudgetPolicy',
  metadata: { name: 'storefront-freezes' },
  spec: {
    appliesTo: { services: ['storefront'] },
    rules: [{ name: 'frozen', when: 'freeze', effect: 'deny', unlessLabels: ['rollback'] }],
    freezes: {
      adHoc: [
        {
          name: 'migration',
          start: '2026-11-10T08:00:00Z',
          end: '2026-11-10T18:00:00Z',
          reason: 'Database migration',
        },
      ],
    },
  },
};

const SCHEDULE = {
  apiVersion: 'headroom/v1',
  kind: 'Schedule',
  metadata: { name: 'web-primary' },
  spec: {
    team: 'web',
    timeZone: 'UTC',
    layers: [
      { name: 'week', members: ['wim', 'wendy'], start: '2026-11-02T00:00', shiftLength: '1w' },
    ],
  },
};

interface Status {
  slo: string;
  service: string;
  at: string;
  objective: number;
  sli: number | null;
  errorBudget: { remaining: number };
  burnRates: Record<string, number | null>;
  alerts: { severity: string; longWindow: string; shortWindow: string; firing: boolean }[];
}

interface Reason {
  policy: string;
  rule: string;
  kind: string;
  effect: string;
  message: string;
}

interface Gate {
  state: 'allowed' | 'approval' | 'denied';
  policies: string[];
  reasons: Reason[];
  approvalsApplied: { approver: string }[];
  liftableBy: { approvals: { policy: string; roles: string[] }[] } | null;
}

interface Overview {
  at: string;
  gateActor: string;
  services: {
    name: string;
    team: string | null;
    tier: string | null;
    gate: Gate | null;
    slos: {
      name: string;
      state: string;
      remaining: number;
      sli: number | null;
      objective: number;
      burn1h: number | null;
      firing: { severity: string; longWindow: string; shortWindow: string }[];
    }[];
  }[];
  incidents: { id: number; ref: string; title: string; severity: string; status: string }[] | null;
  onCall: { schedule: string; user: string | null; until: string | null }[] | null;
  heartbeats: {
    counts: Record<string, number>;
    attention: { name: string; service: string; status: string; cause: Cause | null }[];
  } | null;
}

interface Cause {
  since: string;
  reason: string;
  text: string;
}

type Preview = Gate & { service: string; allowed: boolean; actor: string };

function minuteLine(slo: string, atMs: number, good: number, total: number): string {
  return JSON.stringify({ ts: new Date(atMs).toISOString(), slo, good, total });
}

describe.each(TEST_DATABASES)('the overview and the gate preview on $name', (kind) => {
  let headroom: TestHeadroom;
  let bobToken = '';

  const get = async <T>(route: string, token?: string): Promise<T> => {
    const reply = await headroom.call('GET', route, token === undefined ? {} : { token });
    expect(reply.status, `${route}: ${reply.text}`).toBe(200);
    return reply.body as T;
  };

  const ingest = async (service: string, lines: string[]) => {
    const key = await headroom.call('POST', `/api/v1/services/${service}/ingest-keys`, {
      body: { name: 'test' },
    });
    const reply = await headroom.call('POST', '/api/v1/events', {
      token: (key.body as { key: string }).key,
      raw: { content: lines.join('\n'), contentType: 'application/x-ndjson' },
    });
    expect(reply.status).toBe(200);
  };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: new Date(T0).toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          ...['healthy', 'exhausted', 'burning', 'low'].flatMap((name) => [
            serviceDocument(name, 'payments'),
            sloDocument(`${name}-availability`, name),
          ]),
          serviceDocument('storefront', 'web'),
          sloDocument('storefront-latency', 'storefront'),
          serviceDocument('quiet', 'web'),
          PAYMENTS_POLICY,
          FREEZE_POLICY,
          SCHEDULE,
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    await ingest('healthy', [minuteLine('healthy-availability', T0 - DAY, 1000, 1000)]);
    await ingest('exhausted', [minuteLine('exhausted-availability', T0 - 4 * DAY, 0, 1000)]);
    await ingest('burning', [
      minuteLine('burning-availability', T0 - 10 * DAY, 10_000_000, 10_000_000),
      ...Array.from({ length: 10 }, (_, index) =>
        minuteLine('burning-availability', T0 - (10 - index) * MINUTE, 0, 100),
      ),
    ]);
    // 70 of 100,000 failed: 30 % of the budget left.
    await ingest('low', [minuteLine('low-availability', T0 - 5 * DAY, 99_930, 100_000)]);

    const user = await headroom.call('POST', '/api/v1/users', {
      body: { name: 'bob', roles: ['sre-lead'] },
    });
    expect(user.status, user.text).toBe(201);
    const token = await headroom.call('POST', '/api/v1/tokens', {
      body: { name: "bob's token", role: 'viewer', user: 'bob' },
    });
    bobToken = (token.body as { token: string }).token;
    const declared = await headroom.call('POST', '/api/v1/incidents', {
      body: { title: 'Quiet is loud', severity: 'SEV3', services: ['quiet'] },
    });
    expect(declared.status, declared.text).toBe(201);
  });

  afterAll(async () => {
    await headroom.close();
  });

  it("gives every SLO's figures exactly as the status API computes them", async () => {
    const [overview, statuses] = await Promise.all([
      get<Overview>('/api/v1/overview'),
      get<Status[]>('/api/v1/status'),
    ]);
    expect(overview.at).toBe(statuses[0]?.at);
    const slos = overview.services.flatMap((service) =>
      service.slos.map((slo) => ({ ...slo, service: service.name })),
    );
    expect(slos.map((slo) => slo.name).sort()).toEqual(statuses.map((status) => status.slo).sort());
    for (const status of statuses) {
      const slo = slos.find((entry) => entry.name === status.slo);
      expect(slo, status.slo).toEqual({
        name: status.slo,
        service: status.service,
        state: expectedSloState(status),
        remaining: status.errorBudget.remaining,
        sli: status.sli,
        objective: status.objective,
        burn1h: status.burnRates['1h'] ?? null,
        firing: status.alerts
          .filter((alert) => alert.firing)
          .map(({ firing: _firing, ...alert }) => alert),
      });
    }
    // storefront-latency has had no events: not "ok" with its budget untouched, but no data.
    expect(slos.map((slo) => [slo.name, slo.state]).sort()).toEqual([
      ['burning-availability', 'burning'],
      ['exhausted-availability', 'exhausted'],
      ['healthy-availability', 'ok'],
      ['low-availability', 'ok'],
      ['storefront-latency', 'no-data'],
    ]);
    // Services in name order, with their team and tier; one without SLOs too.
    expect(overview.services.map((service) => service.name)).toEqual([
      'burning',
      'exhausted',
      'healthy',
      'low',
      'quiet',
      'storefront',
    ]);
    expect(overview.services.find((service) => service.name === 'quiet')).toMatchObject({
      team: 'web',
      tier: 'standard',
      slos: [],
    });
  });

  it('gives the open incidents and who is on call, as their own reads do', async () => {
    const overview = await get<Overview>('/api/v1/overview');
    const open = await get<
      { id: number; ref: string; title: string; severity: string; status: string }[]
    >('/api/v1/incidents?status=open');
    const fields = (incident: {
      id: number;
      ref: string;
      title: string;
      severity: string;
      status: string;
    }) => [incident.id, incident.ref, incident.title, incident.severity, incident.status];
    expect(overview.incidents?.map(fields)).toEqual(open.map(fields));
    expect(overview.incidents?.[0]).toMatchObject({
      title: 'Quiet is loud',
      status: 'investigating',
    });
    const now = await get<{ current: { user: string | null; until: string | null } }>(
      '/api/v1/schedules/web-primary/oncall',
    );
    expect(overview.onCall).toEqual([
      {
        schedule: 'web-primary',
        team: 'web',
        timeZone: 'UTC',
        user: now.current.user,
        until: now.current.until,
      },
    ]);
  });

  it("answers each service's gate as a check would, without recording a decision", async () => {
    const overview = await get<Overview>('/api/v1/overview');
    const previews = await get<Preview[]>('/api/v1/deploys/gate');
    const gates = Object.fromEntries(
      overview.services.map((service) => [service.name, service.gate?.state]),
    );
    expect(gates).toEqual({
      burning: 'allowed',
      exhausted: 'denied',
      healthy: 'allowed',
      low: 'approval',
      quiet: 'allowed',
      storefront: 'denied',
    });
    expect(previews.map((preview) => [preview.service, preview.state])).toEqual(
      Object.entries(gates),
    );
    expect(overview.gateActor).toBe('the deployer');
    expect(previews.every((preview) => preview.actor === overview.gateActor)).toBe(true);

    const storefront = previews.find((preview) => preview.service === 'storefront');
    expect(storefront?.reasons).toMatchObject([
      {
        kind: 'freeze',
        effect: 'deny',
        freeze: { name: 'migration', until: '2026-11-10T18:00:00.000Z' },
      },
    ]);
    const low = overview.services.find((service) => service.name === 'low')?.gate;
    expect(low?.liftableBy?.approvals).toEqual([
      {
        policy: 'payments-budget',
        rules: ['budget-low'],
        roles: ['sre-lead'],
        maxDurationSeconds: 8 * 3600,
      },
    ]);
    expect(overview.services.find((service) => service.name === 'quiet')?.gate?.policies).toEqual(
      [],
    );

    // Nothing asked so far was kept: the decision log is for real deploys.
    expect(await get<unknown[]>('/api/v1/deploys/decisions')).toEqual([]);

    // A check as the same deployer gives the same answer (and that one is kept).
    for (const preview of previews) {
      const check = await headroom.call('POST', '/api/v1/deploys/check', {
        body: { service: preview.service, actor: overview.gateActor },
      });
      expect(check.status, check.text).toBe(200);
      const decision = check.body as Preview;
      expect(decision.allowed, preview.service).toBe(preview.state === 'allowed');
      expect(decision.reasons).toEqual(preview.reasons);
      expect(decision.liftableBy).toEqual(preview.liftableBy);
      const shown = overview.services.find((service) => service.name === preview.service)?.gate;
      expect(shown?.reasons).toEqual(preview.reasons);
    }
    expect(await get<unknown[]>('/api/v1/deploys/decisions')).toHaveLength(previews.length);
  });

  it("counts an approval for anyone's deploys, and one for a named person's only for them", async () => {
    const approve = (body: Record<string, unknown>) =>
      headroom.call('POST', '/api/v1/approvals', {
        token: bobToken,
        body: {
          service: 'low',
          scope: ['budget-low'],
          reason: 'the coupon fix, reviewed by two',
          expiresAt: new Date(T0 + 2 * 60 * MINUTE).toISOString(),
          ...body,
        },
      });
    const forAlice = await approve({ requester: 'alice' });
    expect(forAlice.status, forAlice.text).toBe(201);
    const [held] = await get<Preview[]>('/api/v1/deploys/gate?service=low');
    expect(held?.state).toBe('approval');

    const forAnyone = await approve({});
    expect(forAnyone.status, forAnyone.text).toBe(201);
    const [lifted] = await get<Preview[]>('/api/v1/deploys/gate?service=low');
    expect(lifted).toMatchObject({ state: 'allowed', approvalsApplied: [{ approver: 'bob' }] });
    const overview = await get<Overview>('/api/v1/overview');
    expect(overview.services.find((service) => service.name === 'low')?.gate).toMatchObject({
      state: 'allowed',
      approvalsApplied: [{ approver: 'bob' }],
    });
  });

  it('lets any token read, refuses other credentials, and names an unknown service', async () => {
    expect((await get<Overview>('/api/v1/overview', bobToken)).services).toHaveLength(6);
    const key = await headroom.call('POST', '/api/v1/services/quiet/ingest-keys', {
      body: { name: 'reader?' },
    });
    const ingestKey = (key.body as { key: string }).key;
    for (const route of ['/api/v1/overview', '/api/v1/deploys/gate']) {
      // An ingest key sends events; it is no API token.
      for (const token of [ingestKey, null]) {
        const refused = await headroom.call('GET', route, { token });
        expect(refused.status, route).toBe(401);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    const unknown = await headroom.call('GET', '/api/v1/deploys/gate?service=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect((unknown.body as { detail: string }).detail).toContain('service "nope"');
  });

  it('gives the cron jobs down, then late, the latest change first, and how many are in each status', async () => {
    expect((await get<Overview>('/api/v1/overview')).heartbeats).toEqual({
      counts: { new: 0, up: 0, late: 0, down: 0, paused: 0 },
      attention: [],
    });
    const hourly = { schedule: { every: '1h' }, grace: '30m' };
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          heartbeatDocument('settle', 'healthy', hourly),
          heartbeatDocument('backup', 'storefront', { schedule: { every: '1h' }, grace: '10m' }),
          heartbeatDocument('export', 'quiet', hourly),
          heartbeatDocument('fresh', 'quiet', hourly),
          heartbeatDocument('sleepy', 'quiet', hourly),
          heartbeatDocument('steady', 'low', hourly),
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const pingUrls = new Map(
      (await get<{ name: string; pingUrl: string }[]>('/api/v1/heartbeats')).map((check) => [
        check.name,
        check.pingUrl,
      ]),
    );
    const ping = async (name: string, atMs: number, suffix = '') => {
      headroom.clock.set(atMs);
      expect((await fetch(`${pingUrls.get(name) ?? ''}${suffix}`)).status).toBe(200);
    };
    try {
      // Due an hour after it, down 10 minutes later: down since 50 minutes ago.
      await ping('backup', T0 - 2 * 60 * MINUTE);
      // Due 10 minutes ago, within its 30 minutes' grace: late.
      await ping('export', T0 - 70 * MINUTE);
      await ping('settle', T0 - 5 * MINUTE, '/fail');
      await ping('steady', T0 - 20 * MINUTE);
    } finally {
      headroom.clock.set(T0);
    }
    const paused = await headroom.call('POST', '/api/v1/heartbeats/sleepy/pause');
    expect(paused.status, paused.text).toBe(200);

    const [overview, checks] = await Promise.all([
      get<Overview>('/api/v1/overview'),
      get<{ name: string; service: string; status: string; cause: Cause | null }[]>(
        '/api/v1/heartbeats',
      ),
    ]);
    expect(Object.fromEntries(checks.map((check) => [check.name, check.status]))).toEqual({
      backup: 'down',
      export: 'late',
      fresh: 'new',
      settle: 'down',
      sleepy: 'paused',
      steady: 'up',
    });
    const asListed = (name: string) => {
      const check = checks.find((entry) => entry.name === name);
      return { name, service: check?.service, status: check?.status, cause: check?.cause };
    };
    expect(overview.heartbeats).toEqual({
      counts: { new: 1, up: 1, late: 1, down: 2, paused: 1 },
      attention: [asListed('settle'), asListed('backup'), asListed('export')],
    });
    expect(overview.heartbeats?.attention.map((check) => check.cause?.since)).toEqual([
      new Date(T0 - 5 * MINUTE).toISOString(),
      new Date(T0 - 50 * MINUTE).toISOString(),
      new Date(T0 - 10 * MINUTE).toISOString(),
    ]);
  });

  it('publishes both reads in the OpenAPI document', async () => {
    const document = await get<{ paths: Record<string, { get?: unknown }> }>(
      '/api/v1/openapi.json',
    );
    expect(document.paths['/api/v1/overview']?.get).toBeDefined();
    expect(document.paths['/api/v1/deploys/gate']?.get).toBeDefined();
  });
});
