// Fastify logs every request at info; the ping URLs, which cron jobs call thousands of
// times a second, are logged at debug only, and the rest of the API as before.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadroom, type RunningHeadroom } from '../src/server/headroom-server.js';
import { TEST_DATABASES, type TestDatabase } from '../src/store/test-databases.js';

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe('request log lines', () => {
  let database: TestDatabase | undefined;
  let running: RunningHeadroom | undefined;

  afterEach(async () => {
    await running?.close();
    await database?.drop();
  });

  async function urlsLogged(level: string): Promise<string[]> {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    database = await sqlite.create();
    const logged: string[] = [];
    running = await startHeadroom({
      host: '127.0.0.1',
      port: 0,
      database: database.location,
      bootstrapToken: 'hr_request-log-token-0123456789abcdef',
      version: 'test',
      background: false,
      logger: { level, stream: { write: (line: string) => logged.push(line) } },
    });
    const base = running.url;
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

  it('shows them at debug', async () => {
    const urls = await urlsLogged('debug');
    expect(urls).toContain('/healthz');
    expect(urls.filter((url) => url.startsWith('/ping/'))).toHaveLength(2);
  });
});
