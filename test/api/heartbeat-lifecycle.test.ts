// A check's life beyond the happy path, through the HTTP API with an injected clock:
// a killed run that must not keep the check down, pauses that resolve pages, config
// changes that move deadlines at once, a deleted check's page, and malformed pings
// answered with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Heartbeat {
  status: string;
  pingUrl: string;
  expectedAt: string | null;
  runningSince: string | null;
}

interface Page {
  status: string;
  summary: string;
  alerts: { source: string }[];
}

const heartbeatDocument = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'headroom/v1',
  kind: 'Heartbeat',
  metadata: { name },
  spec: { service: 'billing', ...spec },
});

const DOCUMENTS = [
  serviceDocument('billing', 'payments'),
  {
    apiVersion: 'headroom/v1',
    kind: 'EscalationPolicy',
    metadata: { name: 'payments' },
    spec: { team: 'payments', teams: ['payments'], levels: [{ notify: [{ user: 'anna' }] }] },
  },
  heartbeatDocument('runner', { schedule: { every: '1d' }, grace: '1h', maxRunTime: '10m' }),
  heartbeatDocument('paused-job', { schedule: { every: '1h' }, grace: '10m' }),
  heartbeatDocument('rescheduled', { schedule: { every: '1m' }, grace: '1m' }),
  heartbeatDocument('doomed', { schedule: { every: '1h' }, grace: '10m' }),
  heartbeatDocument('exporter', { schedule: { every: '1h' }, grace: '10m' }),
  heartbeatDocument('chatty', { schedule: { every: '1h' }, grace: '10m' }),
];

describe.each(TEST_DATABASES)('heartbeat lifecycle on $name', (kind) => {
  let headroom: TestHeadroom;

  const heartbeat = async (name: string) =>
    (await headroom.call('GET', `/api/v1/heartbeats/${name}`)).body as Heartbeat;
  const ping = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, init);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  };
  const pagesOf = async (name: string) =>
    ((await headroom.call('GET', '/api/v1/pages?limit=100')).body as Page[])
      .filter((page) => page.alerts.some((alert) => alert.source === 'heartbeat'))
      .filter((page) => page.summary.startsWith(`${name}:`))
      .map((page) => page.status);
  const apply = async (documents: unknown[], prune = false) => {
    const applied = await headroom.call('POST', '/api/v1/apply', { body: { documents, prune } });
    expect(applied.status, applied.text).toBe(200);
  };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: iso(T0) });
    await apply(DOCUMENTS);
    const user = await headroom.call('POST', '/api/v1/users', {
      body: { name: 'anna', email: 'anna@example.com', teams: ['payments'] },
    });
    expect(user.status).toBe(201);
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('a killed run pages once; the next runs bring the check up and keep it up', async () => {
    const { pingUrl } = await heartbeat('runner');
    expect((await ping(pingUrl)).status).toBe(200);
    headroom.clock.set(T0 + HOUR);
    expect((await ping(`${pingUrl}/start?rid=killed`)).status).toBe(200);
    // The job is killed: its end never comes. Past maxRunTime the check is late,
    // still shown as running, and pages nobody; a grace later it is down.
    headroom.clock.set(T0 + HOUR + 11 * MINUTE);
    await headroom.server.runHeartbeats();
    expect(await heartbeat('runner')).toMatchObject({
      status: 'late',
      runningSince: new Date(T0 + HOUR).toISOString(),
      cause: {
        since: new Date(T0 + HOUR + 10 * MINUTE).toISOString(),
        reason: 'run-late',
        text: 'a run has taken longer than its maxRunTime',
      },
    });
    expect(await pagesOf('runner')).toEqual([]);
    headroom.clock.set(T0 + 2 * HOUR + 11 * MINUTE);
    await headroom.server.runHeartbeats();
    expect(await heartbeat('runner')).toMatchObject({
      status: 'down',
      cause: { since: new Date(T0 + 2 * HOUR + 10 * MINUTE).toISOString(), reason: 'run-timeout' },
    });
    expect(await pagesOf('runner')).toEqual(['triggered']);

    for (const at of [T0 + 3 * HOUR, T0 + 4 * HOUR]) {
      headroom.clock.set(at);
      expect((await ping(`${pingUrl}/start?rid=run-${String(at)}`)).status).toBe(200);
      headroom.clock.set(at + MINUTE);
      expect((await ping(`${pingUrl}/0?rid=run-${String(at)}`)).status).toBe(200);
      headroom.clock.set(at + 2 * MINUTE);
      await headroom.server.runHeartbeats();
      const check = await heartbeat('runner');
      expect(check).toMatchObject({ status: 'up', runningSince: null });
      expect(await pagesOf('runner')).toEqual(['resolved']);
    }
  });

  it('pausing resolves the page; a /start while paused never takes the check down', async () => {
    headroom.clock.set(T0 + 4 * HOUR);
    const { pingUrl } = await heartbeat('paused-job');
    expect((await ping(`${pingUrl}/fail`)).status).toBe(200);
    expect(await pagesOf('paused-job')).toEqual(['triggered']);
    const paused = await headroom.call('POST', '/api/v1/heartbeats/paused-job/pause');
    expect(paused.status, paused.text).toBe(200);
    expect(await pagesOf('paused-job')).toEqual(['resolved']);

    expect((await ping(`${pingUrl}/start`)).status).toBe(200);
    headroom.clock.set(T0 + 6 * HOUR);
    await headroom.server.runHeartbeats();
    expect((await heartbeat('paused-job')).status).toBe('paused');
    expect(await pagesOf('paused-job')).toEqual(['resolved']);

    // Resumed, it waits for its next ping; nothing started before counts against it.
    await headroom.call('POST', '/api/v1/heartbeats/paused-job/resume');
    headroom.clock.set(T0 + 9 * HOUR);
    await headroom.server.runHeartbeats();
    expect((await heartbeat('paused-job')).status).toBe('new');
    expect(await pagesOf('paused-job')).toEqual(['resolved']);
  });

  it('a changed schedule or grace moves the deadlines at once, from the last ping', async () => {
    const lastPing = T0 + 10 * HOUR;
    headroom.clock.set(lastPing);
    const { pingUrl } = await heartbeat('rescheduled');
    expect((await ping(pingUrl)).status).toBe(200);
    expect((await heartbeat('rescheduled')).expectedAt).toBe(iso(lastPing + MINUTE));

    headroom.clock.set(lastPing + 30_000);
    await apply([heartbeatDocument('rescheduled', { schedule: { every: '1d' }, grace: '1h' })]);
    expect((await heartbeat('rescheduled')).expectedAt).toBe(iso(lastPing + 24 * HOUR));
    headroom.clock.set(lastPing + HOUR);
    await headroom.server.runHeartbeats();
    expect((await heartbeat('rescheduled')).status).toBe('up');
    expect(await pagesOf('rescheduled')).toEqual([]);

    // Shorter again: due a minute after the last ping, long past.
    await apply([heartbeatDocument('rescheduled', { schedule: { every: '1m' }, grace: '1m' })]);
    expect((await heartbeat('rescheduled')).expectedAt).toBe(iso(lastPing + MINUTE));
    headroom.clock.set(lastPing + HOUR + 5000);
    await headroom.server.runHeartbeats();
    expect((await heartbeat('rescheduled')).status).toBe('down');
  });

  it("a failed run's page carries its exit status and the last lines of its log", async () => {
    const { pingUrl } = await heartbeat('exporter');
    const log = [...Array.from({ length: 30 }, (_, i) => `row ${String(i)}`), 'disk full'].join(
      '\n',
    );
    expect((await ping(`${pingUrl}/3`, { method: 'POST', body: log })).status).toBe(200);
    const pages = (await headroom.call('GET', '/api/v1/pages?limit=100')).body as {
      alerts: {
        summary: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
      }[];
    }[];
    // It may join another open page of the service: the alert holds its own details.
    const alert = pages
      .flatMap((page) => page.alerts)
      .find((each) => each.labels.heartbeat === 'exporter');
    expect(alert?.summary).toBe('exporter: the job is down (a run failed, exit status 3)');
    const annotations = alert?.annotations ?? {};
    expect(annotations.exitStatus).toBe('3');
    expect(annotations.log?.split('\n')).toHaveLength(20);
    expect(annotations.log).toMatch(/row 29\ndisk full$/);
  });

  it('answers malformed pings 400 with the reason, as plain text', async () => {
    const { pingUrl } = await heartbeat('doomed');
    for (const [url, reason] of [
      [`${pingUrl}/256`, 'exit status 0-255'],
      [`${pingUrl}/bogus`, '"bogus" is not a signal'],
      [`${pingUrl}?rid=${'r'.repeat(100)}`, 'rid is at most 64 characters'],
      // Which of two rids pairs the run cannot be told: refused, not silently dropped.
      [`${pingUrl}/start?rid=a&rid=b`, 'rid is given more than once'],
    ] as const) {
      const answer = await ping(url);
      expect(answer.status, url).toBe(400);
      expect(answer.type).toMatch(/^text\/plain/);
      expect(answer.text).toContain(reason);
    }
    const unknown = await ping(pingUrl.replace(/[0-9a-f]{12}$/, '000000000000'));
    expect(unknown).toMatchObject({ status: 404, text: 'not found' });
  });

  it('takes a ping whose body is over 1 MiB: the run counts, its log is cut and says so', async () => {
    const { pingUrl } = await heartbeat('chatty');
    // 2 MiB of numbered lines: the kept start ends mid-log, far from the error.
    const lines = Array.from({ length: 200_000 }, (_, i) => `line ${String(i).padStart(6, '0')}`);
    const log = `${lines.join('\n')}\nfatal: out of disk\n`;
    const sent = Buffer.byteLength(log);
    expect(sent).toBeGreaterThan(2 * 1024 * 1024);
    const answer = await ping(`${pingUrl}/2`, { method: 'POST', body: log });
    expect(answer).toMatchObject({ status: 200, text: 'OK' });

    const check = (await headroom.call('GET', '/api/v1/heartbeats/chatty')).body as {
      status: string;
      pings: {
        kind: string;
        exitStatus: number;
        body: string;
        bodyBytes: number;
        bodyTruncated: boolean;
      }[];
    };
    // The failure was recorded: the check is down.
    expect(check.status).toBe('down');
    const [failed] = check.pings;
    expect(failed).toMatchObject({
      kind: 'fail',
      exitStatus: 2,
      bodyBytes: sent,
      bodyTruncated: true,
    });
    // The stored log stays bounded: the first 10,000 bytes, as before.
    expect(failed?.body).toBe(log.slice(0, 10_000));

    // The page does not pass the kept start's last lines off as the run's last lines.
    const pages = (await headroom.call('GET', '/api/v1/pages?limit=100')).body as {
      alerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
    }[];
    const alert = pages
      .flatMap((page) => page.alerts)
      .find((each) => each.labels.heartbeat === 'chatty');
    const pageLog = alert?.annotations.log ?? '';
    expect(pageLog.split('\n')[0]).toBe(
      `[the first 10,000 bytes of a longer log (${sent.toLocaleString('en')} bytes): its end was not kept; these lines end where the kept part does]`,
    );
    expect(pageLog).not.toContain('fatal: out of disk');
    expect(pageLog.length).toBeLessThanOrEqual(2000);

    // A body within the limit is whole and not marked.
    expect((await ping(`${pingUrl}/log`, { method: 'POST', body: 'short\n' })).status).toBe(200);
    const after = (await headroom.call('GET', '/api/v1/heartbeats/chatty')).body as typeof check;
    expect(after.pings[0]).toMatchObject({ body: 'short\n', bodyBytes: 6, bodyTruncated: false });
  });

  it('resolves the page of a heartbeat that apply --prune deletes', async () => {
    headroom.clock.set(T0 + 12 * HOUR);
    const { pingUrl } = await heartbeat('doomed');
    expect((await ping(`${pingUrl}/fail`)).status).toBe(200);
    expect(await pagesOf('doomed')).toEqual(['triggered']);
    await headroom.server.runPaging();
    await apply(
      DOCUMENTS.filter((document) => document.metadata.name !== 'doomed'),
      true,
    );
    expect((await ping(pingUrl)).status).toBe(404);
    expect(await pagesOf('doomed')).toEqual(['resolved']);
    // Those paged hear that it is over.
    const pages = (await headroom.call('GET', '/api/v1/pages?limit=100')).body as {
      id: string;
      summary: string;
    }[];
    const page = pages.find((each) => each.summary.startsWith('doomed:'));
    const notices = (await headroom.call('GET', `/api/v1/pages/${page?.id ?? ''}/notifications`))
      .body as { key: string }[];
    expect(notices.map((notice) => notice.key)).toContainEqual(
      expect.stringContaining('/resolved/'),
    );
  });
});
