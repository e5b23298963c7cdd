// Cron jobs pinging Headroom the way they ping healthchecks: plain HTTP requests to a
// check's URL (start, success, fail, exit status, a log body, run ids), slug URLs
// under a team's ping key; a missed or failed run pages the service's escalation
// policy and the next success resolves the page. The clock is injected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { heartbeatDocument, serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const MINUTE = 60_000;
/** 01:00 in Amsterdam (CET): the nightly backup is due at 02:30 local, 01:30Z. */
const T0 = Date.parse('2026-11-20T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Heartbeat {
  name: string;
  status: string;
  timeZone: string | null;
  pingUrl: string;
  lastSuccessAt: string | null;
  expectedAt: string | null;
  downAt: string | null;
  runningSince: string | null;
}

interface Page {
  id: string;
  status: string;
  summary: string;
  alerts: { source: string }[];
}

describe.each(TEST_DATABASES)('heartbeats of cron jobs on $name', (kind) => {
  let headroom: TestHeadroom;
  let backup: Heartbeat;

  const heartbeat = async (name: string) =>
    (await headroom.call('GET', `/api/v1/heartbeats/${name}`)).body as Heartbeat & {
      pings: {
        kind: string;
        exitStatus: number | null;
        durationSeconds: number | null;
        body: string | null;
      }[];
    };
  const ping = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, init);
    return { status: response.status, text: await response.text() };
  };
  const metricSamples = async (prefix: string) =>
    (await headroom.call('GET', '/metrics')).text
      .split('\n')
      .filter((line) => line.startsWith(prefix));
  const heartbeatPages = async () =>
    ((await headroom.call('GET', '/api/v1/pages?limit=100')).body as Page[]).filter((page) =>
      page.alerts.some((alert) => alert.source === 'heartbeat'),
    );

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: iso(T0) });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('billing', 'payments'),
          serviceDocument('search', 'discovery'),
          {
            apiVersion: 'headroom/v1',
            kind: 'EscalationPolicy',
            metadata: { name: 'payments' },
            spec: {
              team: 'payments',
              teams: ['payments'],
              levels: [{ notify: [{ user: 'anna' }] }],
            },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'Heartbeat',
            metadata: { name: 'nightly-backup' },
            spec: {
              service: 'billing',
              schedule: { cron: '30 2 * * *', timeZone: 'Europe/Amsterdam' },
              grace: '30m',
            },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'Heartbeat',
            metadata: { name: 'invoice-export' },
            spec: { service: 'billing', schedule: { every: '1h' }, grace: '10m' },
          },
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const user = await headroom.call('POST', '/api/v1/users', {
      body: { name: 'anna', email: 'anna@example.com', teams: ['payments'] },
    });
    expect(user.status).toBe(201);
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('lists checks as new, each with its own ping URL', async () => {
    const checks = (await headroom.call('GET', '/api/v1/heartbeats')).body as Heartbeat[];
    expect(checks.map((check) => [check.name, check.status])).toEqual([
      ['invoice-export', 'new'],
      ['nightly-backup', 'new'],
    ]);
    backup = checks[1] as Heartbeat;
    // A cron check names the zone its schedule follows; a period has none.
    expect(checks.map((check) => [check.name, check.timeZone])).toEqual([
      ['invoice-export', null],
      ['nightly-backup', 'Europe/Amsterdam'],
    ]);
    expect(backup.pingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ping\/[0-9a-f-]{36}$/);
    expect(checks[0]?.pingUrl).not.toBe(backup.pingUrl);
  });

  it('takes a run: start with a run id, then the exit status with the log as the body', async () => {
    headroom.clock.set(T0 + 90 * MINUTE); // 02:30 Amsterdam
    expect(await ping(`${backup.pingUrl}/start?rid=run-1`, { method: 'POST' })).toEqual({
      status: 200,
      text: 'OK',
    });
    expect((await heartbeat('nightly-backup')).runningSince).toBe(iso(T0 + 90 * MINUTE));
    headroom.clock.set(T0 + 102 * MINUTE);
    const log = 'x'.repeat(12_000);
    expect(await ping(`${backup.pingUrl}/0?rid=run-1`, { method: 'POST', body: log })).toEqual({
      status: 200,
      text: 'OK',
    });
    const check = await heartbeat('nightly-backup');
    expect(check.status).toBe('up');
    // Next due at 02:30 Amsterdam the next night.
    expect(check.expectedAt).toBe('2026-11-21T01:30:00.000Z');
    expect(check.pings[0]).toMatchObject({
      kind: 'success',
      exitStatus: 0,
      durationSeconds: 12 * 60,
    });
    // The log is kept up to 10,000 bytes.
    expect(check.pings[0]?.body).toHaveLength(10_000);
  });

  it('answers HEAD and GET like healthchecks, 404 for an unknown check, 400 for a bad signal', async () => {
    expect((await fetch(backup.pingUrl, { method: 'HEAD' })).status).toBe(200);
    const unknown = await ping(backup.pingUrl.replace(/[0-9a-f]{12}$/, '000000000000'));
    expect(unknown).toEqual({ status: 404, text: 'not found' });
    expect((await ping(`${backup.pingUrl}/256`)).status).toBe(400);
  });

  it('pages when the next run is missed, and resolves the page when it runs', async () => {
    // Due 01:30Z on the 21st, 30 minutes of grace: still up at 01:59, down at 02:00.
    headroom.clock.set(Date.parse('2026-11-21T01:59:00Z'));
    await headroom.server.runHeartbeats();
    expect((await heartbeat('nightly-backup')).status).toBe('late');
    expect(await heartbeatPages()).toEqual([]);
    headroom.clock.set(Date.parse('2026-11-21T02:00:05Z'));
    await headroom.server.runHeartbeats();
    expect((await heartbeat('nightly-backup')).status).toBe('down');
    const [page] = await heartbeatPages();
    expect(page).toMatchObject({ status: 'triggered' });
    expect(page?.summary).toContain('nightly-backup: the job is down');
    // The service's escalation policy pages anna.
    await headroom.server.runPaging();
    const notified = (await headroom.call('GET', `/api/v1/pages/${page?.id ?? ''}/notifications`))
      .body as {
      destination: string;
    }[];
    expect(notified.map((notification) => notification.destination)).toContain('anna@example.com');

    headroom.clock.set(Date.parse('2026-11-21T02:10:00Z'));
    expect((await ping(backup.pingUrl)).status).toBe(200);
    expect((await heartbeat('nightly-backup')).status).toBe('up');
    expect((await heartbeatPages()).map((each) => each.status)).toEqual(['resolved']);
  });

  it('goes down at once on a failure or a non-zero exit status', async () => {
    headroom.clock.set(Date.parse('2026-11-22T01:31:00Z'));
    expect((await ping(`${backup.pingUrl}/1`, { method: 'POST', body: 'disk full' })).status).toBe(
      200,
    );
    const check = await heartbeat('nightly-backup');
    expect(check.status).toBe('down');
    expect(check.pings[0]).toMatchObject({ kind: 'fail', exitStatus: 1, body: 'disk full' });
    const pages = await heartbeatPages();
    expect(pages.filter((page) => page.status === 'triggered')).toHaveLength(1);
    // Prometheus sees it as the API does.
    const backupLabels = 'heartbeat="nightly-backup",service="billing"';
    expect(await metricSamples('headroom_heartbeat_')).toEqual(
      expect.arrayContaining([
        `headroom_heartbeat_up{${backupLabels}} 0`,
        `headroom_heartbeat_status{${backupLabels},status="down"} 1`,
        `headroom_heartbeat_running{${backupLabels}} 0`,
        `headroom_heartbeat_last_ping_timestamp_seconds{${backupLabels}} ${String(Date.parse('2026-11-22T01:31:00Z') / 1000)}`,
        'headroom_heartbeat_status{heartbeat="invoice-export",service="billing",status="new"} 1',
      ]),
    );
    expect((await ping(`${backup.pingUrl}/0`)).status).toBe(200);
    expect(await metricSamples('headroom_heartbeat_up')).toEqual([
      'headroom_heartbeat_up{heartbeat="invoice-export",service="billing"} 1',
      `headroom_heartbeat_up{${backupLabels}} 1`,
    ]);
  });

  it("pings by slug under a team's ping key, and only that team's checks", async () => {
    const created = await headroom.call('POST', '/api/v1/teams/payments/ping-keys');
    expect(created.status, created.text).toBe(201);
    const { key } = created.body as { key: string };
    expect((await ping(`${headroom.url}/ping/${key}/invoice-export`)).status).toBe(200);
    expect((await ping(`${headroom.url}/ping/${key}/invoice-export/start`)).status).toBe(200);
    expect((await heartbeat('invoice-export')).runningSince).not.toBeNull();
    expect((await ping(`${headroom.url}/ping/${key}/no-such-check`)).status).toBe(404);

    await headroom.call('POST', '/api/v1/teams', { body: { name: 'discovery' } });
    const other = (await headroom.call('POST', '/api/v1/teams/discovery/ping-keys')).body as {
      key: string;
    };
    expect((await ping(`${headroom.url}/ping/${other.key}/invoice-export`)).status).toBe(404);

    // A leaked key is revoked; its URLs stop working once the key cache forgets it.
    const { id } = created.body as { id: string };
    const listed = await headroom.call('GET', '/api/v1/teams/payments/ping-keys');
    expect(listed.body).toEqual([
      { id, team: 'payments', createdAt: expect.any(String) as string, revokedAt: null },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const revoked = await headroom.call('DELETE', `/api/v1/teams/payments/ping-keys/${id}`);
    expect(revoked.status, revoked.text).toBe(204);
    expect((await headroom.call('DELETE', `/api/v1/teams/discovery/ping-keys/${id}`)).status).toBe(
      404,
    );
    headroom.clock.set(headroom.clock.now() + 2_000);
    expect((await ping(`${headroom.url}/ping/${key}/invoice-export`)).status).toBe(404);
    expect(
      (
        (await headroom.call('GET', '/api/v1/teams/payments/ping-keys')).body as {
          revokedAt: string | null;
        }[]
      )[0]?.revokedAt,
    ).toBe(new Date(headroom.clock.now() - 2_000).toISOString());
  });

  it('stays quiet while paused, and a ping resumes it', async () => {
    const paused = await headroom.call('POST', '/api/v1/heartbeats/invoice-export/pause');
    expect(paused.status, paused.text).toBe(200);
    expect((paused.body as Heartbeat).status).toBe('paused');
    headroom.clock.set(Date.parse('2026-11-23T12:00:00Z'));
    await headroom.server.runHeartbeats();
    expect((await heartbeat('invoice-export')).status).toBe('paused');
    const exportPages = (await heartbeatPages()).filter((page) =>
      page.summary.includes('invoice-export'),
    );
    expect(exportPages).toEqual([]);
    expect((await ping((await heartbeat('invoice-export')).pingUrl)).status).toBe(200);
    expect((await heartbeat('invoice-export')).status).toBe('up');
  });

  it('rotates a leaked ping URL: the old one answers 404 at once, the new one works, the state stays', async () => {
    const before = await heartbeat('invoice-export');
    // This instance took a ping by the old token: it knows that token and the state.
    expect(
      (await ping(`${before.pingUrl}/log`, { method: 'POST', body: 'still here' })).status,
    ).toBe(200);
    const pinged = await heartbeat('invoice-export');

    const tokenOf = async (body: unknown) => {
      const created = await headroom.call('POST', '/api/v1/tokens', { body });
      expect(created.status, created.text).toBe(201);
      return (created.body as { token: string }).token;
    };
    const viewer = await tokenOf({ name: 'rotation-viewer', role: 'viewer' });
    const otherTeam = await tokenOf({
      name: 'rotation-search',
      role: 'editor',
      teams: ['discovery'],
    });
    const rotate = (name: string, token?: string) =>
      headroom.call('POST', `/api/v1/heartbeats/${name}/rotate-token`, {
        ...(token === undefined ? {} : { token }),
      });
    for (const token of [viewer, otherTeam]) {
      const refused = await rotate('invoice-export', token);
      expect(refused.status, refused.text).toBe(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await rotate('no-such-check')).status).toBe(404);
    expect((await heartbeat('invoice-export')).pingUrl).toBe(before.pingUrl);

    const editor = await tokenOf({
      name: 'rotation-payments',
      role: 'editor',
      teams: ['payments'],
    });
    const rotated = await rotate('invoice-export', editor);
    expect(rotated.status, rotated.text).toBe(200);
    const after = rotated.body as Heartbeat;
    expect(after.pingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ping\/[0-9a-f-]{36}$/);
    expect(after.pingUrl).not.toBe(before.pingUrl);
    expect(after).toMatchObject({ name: 'invoice-export', status: pinged.status });

    // No grace: the old URL is refused at once, by the instance that held it.
    expect(await ping(before.pingUrl)).toEqual({ status: 404, text: 'not found' });
    expect((await ping(`${before.pingUrl}/fail`)).status).toBe(404);
    expect((await ping(`${after.pingUrl}/log`, { method: 'POST', body: 'new url' })).status).toBe(
      200,
    );
    const now = await heartbeat('invoice-export');
    expect(now).toMatchObject({
      pingUrl: after.pingUrl,
      status: pinged.status,
      lastSuccessAt: pinged.lastSuccessAt,
      expectedAt: pinged.expectedAt,
    });
    // The pings taken before stay; those refused were never written.
    expect(now.pings.map((each) => each.body)).toEqual([
      'new url',
      ...pinged.pings.map((each) => each.body),
    ]);

    const [audited] = (await headroom.call('GET', '/api/v1/audit?limit=1')).body as {
      kind: string;
      name: string;
      action: string;
      actor: string;
      before: { pingToken: string };
      after: { pingToken: string };
    }[];
    expect(audited).toMatchObject({
      kind: 'Heartbeat',
      name: 'invoice-export',
      action: 'update',
      before: { pingToken: `…${before.pingUrl.slice(-4)}` },
      after: { pingToken: `…${after.pingUrl.slice(-4)}` },
    });
    expect(JSON.stringify(audited)).not.toContain(before.pingUrl.split('/').pop());
  });

  it('gives the ping URL only to those who may change the check: editors of its team, admins', async () => {
    const tokenOf = async (body: unknown) => {
      const created = await headroom.call('POST', '/api/v1/tokens', { body });
      expect(created.status, created.text).toBe(201);
      return (created.body as { token: string }).token;
    };
    const viewer = await tokenOf({ name: 'url-viewer', role: 'viewer' });
    const otherTeam = await tokenOf({ name: 'url-search', role: 'editor', teams: ['discovery'] });
    const payments = await tokenOf({ name: 'url-payments', role: 'editor', teams: ['payments'] });
    const asSeenBy = async (token: string | undefined) => {
      const options = token === undefined ? {} : { token };
      const listed = await headroom.call('GET', '/api/v1/heartbeats', options);
      const one = await headroom.call('GET', '/api/v1/heartbeats/nightly-backup', options);
      expect(listed.status, listed.text).toBe(200);
      expect(one.status, one.text).toBe(200);
      return { listed: listed.body as Heartbeat[], one: one.body as Heartbeat, text: listed.text };
    };
    const admin = await asSeenBy(undefined);
    const token = admin.one.pingUrl.split('/').pop() ?? '';
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    for (const reader of [viewer, otherTeam]) {
      const seen = await asSeenBy(reader);
      // The rest of the check is there; the URL, and so the token, is not.
      expect(seen.one).toMatchObject({ name: 'nightly-backup', status: admin.one.status });
      expect(seen.one).not.toHaveProperty('pingUrl');
      expect(seen.listed.map((check) => check.name)).toEqual(['invoice-export', 'nightly-backup']);
      for (const check of seen.listed) expect(check).not.toHaveProperty('pingUrl');
      expect(seen.text).not.toContain(token);
    }
    const editor = await asSeenBy(payments);
    expect(editor.one.pingUrl).toBe(admin.one.pingUrl);
    expect(editor.listed.map((check) => check.pingUrl)).toEqual(
      admin.listed.map((check) => check.pingUrl),
    );
    // The OpenAPI document says the field may be absent.
    const openApi = (await headroom.call('GET', '/api/v1/openapi.json')).body as {
      components: { schemas: Record<string, { required?: string[]; properties: object }> };
    };
    const schema = openApi.components.schemas.Heartbeat;
    expect(schema?.properties).toHaveProperty('pingUrl');
    expect(schema?.required).not.toContain('pingUrl');
  });

  it('answers 404 for a service filter naming no service, and filters by a known one', async () => {
    const unknown = await headroom.call('GET', '/api/v1/heartbeats?service=nosuch');
    expect(unknown.status, unknown.text).toBe(404);
    expect(unknown.body).toMatchObject({
      code: 'NOT_FOUND',
      detail: 'service "nosuch" does not exist',
    });
    // A service that exists but has no checks is an empty list.
    const none = await headroom.call('GET', '/api/v1/heartbeats?service=search');
    expect(none).toMatchObject({ status: 200, body: [] });
    const billing = await headroom.call('GET', '/api/v1/heartbeats?service=billing');
    expect((billing.body as Heartbeat[]).map((check) => check.name)).toEqual([
      'invoice-export',
      'nightly-backup',
    ]);
  });

  it('lets a browser read ping answers (Access-Control-Allow-Origin: *), and only ping answers', async () => {
    const { pingUrl } = await heartbeat('invoice-export');
    for (const answer of [
      await fetch(`${pingUrl}/log`, { method: 'POST', body: 'from a browser' }),
      await fetch(pingUrl, { method: 'HEAD' }),
      await fetch(`${pingUrl}/bogus`),
      await fetch(pingUrl.replace(/[0-9a-f]{12}$/, '000000000000')),
    ]) {
      expect(answer.headers.get('access-control-allow-origin'), answer.url).toBe('*');
      // healthchecks' header, which runitor reads to send no more of a job's output
      // than is kept; a page may read it too.
      expect(answer.headers.get('ping-body-limit'), answer.url).toBe('10000');
      expect(answer.headers.get('access-control-expose-headers'), answer.url).toBe(
        'Ping-Body-Limit',
      );
    }
    const api = await headroom.call('GET', '/api/v1/heartbeats');
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
    expect(api.headers.get('ping-body-limit')).toBeNull();
  });

  it('refuses a heartbeat whose cron or zone is wrong, with the field', async () => {
    const refused = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          {
            apiVersion: 'headroom/v1',
            kind: 'Heartbeat',
            metadata: { name: 'broken' },
            spec: {
              service: 'billing',
              schedule: { cron: '61 * * * *', timeZone: 'Mars/Olympus' },
            },
          },
        ],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('spec.schedule');
  });

  it('sums up the recent runs: successes, failures, flags and run times', async () => {
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          heartbeatDocument('ledger-sync', 'billing', {
            schedule: { every: '1h' },
            grace: '10m',
            maxRunTime: '20m',
            minRunTime: '1m',
          }),
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const url = (
      (await headroom.call('GET', '/api/v1/heartbeats/ledger-sync')).body as { pingUrl: string }
    ).pingUrl;
    const start = T0 + 10 * 24 * 60 * MINUTE;
    // Each run: when it starts (minutes after start), how long it takes (seconds), how it ends.
    const runs = [
      { at: 0, seconds: 5 * 60, end: '' },
      { at: 60, seconds: 2 * 60, end: '/3' },
      { at: 120, seconds: 30, end: '' }, // under the minute's min run time
      { at: 180, seconds: 25 * 60, end: '/0' }, // past the 20 minutes' max run time
    ];
    for (const [index, run] of runs.entries()) {
      headroom.clock.set(start + run.at * MINUTE);
      expect((await ping(`${url}/start?rid=r${String(index)}`)).status).toBe(200);
      headroom.clock.set(start + run.at * MINUTE + run.seconds * 1000);
      expect((await ping(`${url}${run.end}?rid=r${String(index)}`)).status).toBe(200);
    }
    // A log line and a success without a /start: one run more, of no known length.
    headroom.clock.set(start + 240 * MINUTE);
    expect((await ping(`${url}/log`, { method: 'POST', body: 'halfway' })).status).toBe(200);
    expect((await ping(url)).status).toBe(200);

    const check = (await headroom.call('GET', '/api/v1/heartbeats/ledger-sync')).body as {
      recentRuns: unknown;
    };
    expect(check.recentRuns).toEqual({
      runs: 5,
      failed: 1,
      tooFast: 1,
      overran: 1,
      since: iso(start + 5 * MINUTE),
      // 30 s, 2 min, 5 min and 25 min: the mean of the middle two.
      medianSeconds: (2 * 60 + 5 * 60) / 2,
      longestSeconds: 25 * 60,
    });
  });

  it("finds the open pages where a check's alert is still open, and none once it is up", async () => {
    const url = (
      (await headroom.call('GET', '/api/v1/heartbeats/ledger-sync')).body as { pingUrl: string }
    ).pingUrl;
    const pagesOf = async (check: string) => {
      const reply = await headroom.call('GET', `/api/v1/pages?heartbeat=${check}`);
      expect(reply.status, reply.text).toBe(200);
      return reply.body as {
        id: string;
        status: string;
        alerts: { source: string; status: string; labels: Record<string, string> }[];
      }[];
    };
    expect(await pagesOf('ledger-sync')).toEqual([]);
    expect((await ping(`${url}/fail`)).status).toBe(200);
    const [page, ...more] = await pagesOf('ledger-sync');
    expect(more).toEqual([]);
    expect(page?.status).toBe('triggered');
    expect(
      page?.alerts.filter(
        (alert) =>
          alert.source === 'heartbeat' &&
          alert.labels.heartbeat === 'ledger-sync' &&
          alert.status !== 'resolved',
      ),
    ).toHaveLength(1);
    // Another check of the same service is not on it by this filter.
    expect(await pagesOf('invoice-export')).toEqual([]);
    const unknown = await headroom.call('GET', '/api/v1/pages?heartbeat=no-such-check');
    expect(unknown.status).toBe(404);
    expect((unknown.body as { detail: string }).detail).toContain('heartbeat "no-such-check"');
    // The next success resolves the check's alert, and with it the page.
    expect((await ping(url)).status).toBe(200);
    expect(await pagesOf('ledger-sync')).toEqual([]);
  });
});
