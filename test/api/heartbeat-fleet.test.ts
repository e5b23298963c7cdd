// A fleet of cron jobs gone late together (their hosts down, or the server back after
// a long stop): every check is paged in one pass of the evaluator, a slice of checks to
// a transaction, with the event loop free between slices for the pings and gate
// checks waiting; and each service's page holds its checks' alerts, found by them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const CHECKS_PER_SERVICE = 200;
const SERVICES = ['billing', 'ledger', 'search'];
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');

interface Heartbeat {
  name: string;
  status: string;
  pingUrl: string;
}

interface Page {
  status: string;
  services: string[];
  alerts: { source: string; status: string }[];
}

const documents = [
  ...SERVICES.map((service) => serviceDocument(service, 'payments')),
  ...SERVICES.flatMap((service) =>
    Array.from({ length: CHECKS_PER_SERVICE }, (_, index) => ({
      apiVersion: 'headroom/v1',
      kind: 'Heartbeat',
      metadata: { name: `${service}-job-${String(index).padStart(3, '0')}` },
      spec: { service, schedule: { every: '1h' }, grace: '10m' },
    })),
  ),
];

describe.each(TEST_DATABASES)('a fleet of checks late at once, on $name', (kind) => {
  let headroom: TestHeadroom;
  const checks = async () => (await headroom.call('GET', '/api/v1/heartbeats')).body as Heartbeat[];
  const heartbeatPages = async () =>
    ((await headroom.call('GET', '/api/v1/pages?limit=100')).body as Page[]).filter((page) =>
      page.alerts.some((alert) => alert.source === 'heartbeat'),
    );

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: new Date(T0).toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', { body: { documents } });
    expect(applied.status, applied.text).toBe(200);
    const urls = (await checks()).map((check) => check.pingUrl);
    for (let start = 0; start < urls.length; start += 50) {
      const answers = await Promise.all(
        urls.slice(start, start + 50).map(async (url) => (await fetch(url)).status),
      );
      expect(new Set(answers)).toEqual(new Set([200]));
    }
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('pages every check in one pass, letting the event loop turn between slices', async () => {
    headroom.clock.set(T0 + 2 * HOUR);
    let turns = 0;
    let evaluating = true;
    const count = (): void => {
      if (!evaluating) return;
      turns += 1;
      setImmediate(count);
    };
    setImmediate(count);
    await headroom.server.runHeartbeats();
    evaluating = false;
    // 600 checks are three slices: the loop turned between them at least. (On SQLite
    // the database answers synchronously: without slices it would not turn at all.)
    expect(turns).toBeGreaterThanOrEqual(2);
    const statuses = (await checks()).map((check) => check.status);
    expect(statuses.filter((status) => status === 'down')).toHaveLength(statuses.length);

    const pages = await heartbeatPages();
    expect(pages.map((page) => page.services).sort()).toEqual(SERVICES.map((name) => [name]));
    for (const page of pages) expect(page.alerts).toHaveLength(CHECKS_PER_SERVICE);
  });

  it("a check's next success resolves its alert on its service's page", async () => {
    const check = (await checks()).find((each) => each.name === 'ledger-job-007');
    expect(check).toBeDefined();
    expect((await fetch(check?.pingUrl ?? '')).status).toBe(200);
    const ledger = (await heartbeatPages()).find((page) => page.services.includes('ledger'));
    expect(ledger?.alerts.filter((alert) => alert.status === 'resolved')).toHaveLength(1);
    expect(ledger?.status).toBe('triggered');
  });
});
