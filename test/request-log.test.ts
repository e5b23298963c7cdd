// Fastify logs every request at info; the ping URLs, which cron jobs call thousands of
// times a second, are logged at debug only, and the rest of the API as before. A
// credential in a URL never reaches the log.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadroom, type RunningHeadroom } from '../src/server/headroom-server.js';
import { TEST_DATABASES, type TestDatabase } from '../src/store/test-databases.js';

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

const ADMIN_TOKEN = 'hr_request-log-token-0123456789abcdef';

describe('request log lines', () => {
  let database: TestDatabase | undefined;
  let running: RunningHeadroom | undefined;

  afterEach(async () => {
    await running?.close();
    await database?.drop();
  });

  /** A server whose log lines land in the array returned. */
  async function startLogged(level: string): Promise<{ base: string; logged: string[] }> {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    database = await sqlite.create();
    const logged: string[] = [];
    running = await startHeadroom({
      host: '127.0.0.1',
      port: 0,
      database: database.location,
      bootstrapToken: ADMIN_TOKEN,
      version: 'test',
      background: false,
      logger: { level, stream: { write: (line: string) => logged.push(line) } },
    });
    return { base: running.url, logged };
  }

  async function urlsLogged(level: string): Promise<string[]> {
    const { base, logged } = await startLogged(level);
    expect((await fetch(new URL('/healthz', base))).status).toBe(200);
    expect((await fetch(new URL(`/ping/${randomUUID()}`, base))).status).toBe(404);
    expect(
      (await fetch(new URL(`/ping/${randomUUID()}/fail`, base), { method: 'POST' })).status,
    ).toBe(404);
    return logged
      .map((line) => JSON.parse(line) as { msg?: string; req?: { url?: string } })
      .filter((entry) => entry.msg === 'incoming request')
      .map((entry) => entry.req?.url ?? '');
  }

  it('leaves the pings out at info', async () => {
    const urls = await urlsLogged('info');
    expect(urls).toContain('/healthz');
    expect(urls.filter((url) => url.startsWith('/ping/'))).toEqual([]);
  });

  it('never shows the credentials some URLs carry: intake keys, feed tokens, link signatures', async () => {
    const { base, logged } = await startLogged('debug');
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const created = await fetch(new URL('/api/v1/integrations', base), {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'am', kind: 'alertmanager' }),
    });
    const { key } = (await created.json()) as { key: string };
    const signature = 'ab'.repeat(32);
    const requests: [string, string][] = [
      ['POST', `/api/v1/intake/alertmanager/${key}`],
      ['POST', `/api/v1/intake/webhook/${key}`],
      // A browser opening the URL: no such route, and still no key in the log.
      ['GET', `/api/v1/intake/alertmanager/${key}`],
      ['GET', `/api/v1/schedules/primary/calendar.ics?token=${ADMIN_TOKEN}`],
      ['GET', `/api/v1/users/ana/oncall.ics?token=${ADMIN_TOKEN}&x=1`],
      ['GET', `/act/pages/p1/acknowledge?user=ana&sig=${signature}`],
      ['POST', `/act/pages/p1/resolve?sig=${signature}&user=ana`],
    ];
    for (const [method, url] of requests) {
      const response = await fetch(new URL(url, base), {
        method,
        ...(method === 'POST'
          ? { headers: { 'content-type': 'application/json' }, body: '{}' }
          : {}),
      });
      await response.arrayBuffer();
    }
    const lines = logged.join('');
    for (const secret of [key, ADMIN_TOKEN, signature]) expect(lines).not.toContain(secret);
    const urls = logged
      .map((line) => JSON.parse(line) as { msg?: string; req?: { url?: string } })
      .filter((entry) => entry.msg === 'incoming request')
      .map((entry) => entry.req?.url ?? '');
    expect(urls).toEqual(
      expect.arrayContaining([
        '/api/v1/intake/alertmanager/[redacted]',
        '/api/v1/intake/webhook/[redacted]',
        '/api/v1/schedules/primary/calendar.ics?token=[redacted]',
        '/api/v1/users/ana/oncall.ics?token=[redacted]&x=1',
        '/act/pages/p1/acknowledge?user=ana&sig=[redacted]',
        '/act/pages/p1/resolve?sig=[redacted]&user=ana',
      ]),
    );
  });

  it('shows them at debug', async () => {
    const urls = await urlsLogged('debug');
    expect(urls).toContain('/healthz');
    expect(urls.filter((url) => url.startsWith('/ping/'))).toHaveLength(2);
  });
});
