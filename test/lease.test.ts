// Two instances on one PostgreSQL database: background work runs on one at a time;
// when the holder dies, the other takes over within 30 s and no cycle runs twice.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../src/store/database.js';
import { TEST_DATABASES, type TestDatabase } from '../src/store/test-databases.js';
import { api, spawnServer, type ServerProcess } from './support/process.js';
import { CHECKOUT_DOCUMENTS } from './support/documents.js';

const TOKEN = 'hr_lease-test-admin-token-0123456789';
const postgres = TEST_DATABASES.find((kind) => kind.name === 'postgres');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two instances sharing PostgreSQL', () => {
  let database: TestDatabase | undefined;
  let opened: OpenDatabase | undefined;
  const servers: ServerProcess[] = [];

  afterEach(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    await opened?.close();
    await database?.drop();
  });

  it('hands background work over when the holder is killed', async () => {
    if (postgres === undefined) throw new Error('no PostgreSQL test database');
    database = await postgres.create();
    if (database.location.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const env = {
      DATABASE_URL: database.location.url,
      HEADROOM_BOOTSTRAP_TOKEN: TOKEN,
      HEADROOM_EVALUATION_INTERVAL_MS: '1000',
      HEADROOM_LEASE_TTL_MS: '3000',
      HEADROOM_LEASE_TICK_MS: '250',
    };
    // The first instance migrates and bootstraps before the second starts.
    servers.push(await spawnServer([], env));
    const first = servers[0];
    if (first === undefined) throw new Error('no server');
    expect(
      (await api(first.url, TOKEN, 'POST', '/api/v1/apply', { documents: CHECKOUT_DOCUMENTS }))
        .status,
    ).toBe(200);
    const key = (
      (await api(first.url, TOKEN, 'POST', '/api/v1/services/checkout/ingest-keys', { name: 'k' }))
        .body as { key: string }
    ).key;
    // Every request of the last hour failed: the page alert fires and stays firing.
    const now = Math.floor(Date.now() / 60_000);
    const lines = Array.from({ length: 60 }, (_, index) =>
      JSON.stringify({
        ts: new Date((now - index) * 60_000).toISOString(),
        slo: 'checkout-availability',
        good: 0,
        total: 10,
      }),
    ).join('\n');
    const ingest = await fetch(new URL('/api/v1/events', first.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body: lines,
    });
    expect(ingest.status).toBe(200);
    servers.push(await spawnServer([], env));

    opened = openDatabase(database.location);
    const db = opened.db;
    const cycles = () => db.selectFrom('evaluation_cycles').selectAll().orderBy('at').execute();
    const waitFor = async <T>(
      what: string,
      probe: () => Promise<T | undefined>,
      timeoutMs: number,
    ) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(100);
      }
    };

    const leader = await waitFor(
      'a first cycle',
      async () => (await cycles()).at(-1)?.holder,
      10_000,
    );
    const pid = Number(leader.split(':')[1]);
    const victim = servers.find((server) => server.child.pid === pid);
    const survivor = servers.find((server) => server.child.pid !== pid);
    if (victim === undefined || survivor === undefined)
      throw new Error(`no server with pid ${pid}`);
    // Let the leader run a few cycles, then kill it without warning.
    await sleep(2500);
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;

    const takeover = await waitFor(
      'the other instance to run a cycle',
      async () => (await cycles()).find((cycle) => cycle.holder !== leader),
      30_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(Number(takeover.holder.split(':')[1])).toBe(survivor.child.pid);

    await sleep(2000);
    const all = await cycles();
    const instants = all.map((cycle) => cycle.at);
    expect(new Set(instants).size).toBe(instants.length);
    // The leader's cycles all come before the survivor's: never both at once.
    const firstOfSurvivor = all.findIndex((cycle) => cycle.holder !== leader);
    expect(all.slice(firstOfSurvivor).every((cycle) => cycle.holder !== leader)).toBe(true);
    // Each burn-rate rule started firing once; the survivor did not start it again.
    const started = await db
      .selectFrom('alert_transitions')
      .selectAll()
      .where('transition', '=', 'started')
      .execute();
    expect(started.some((transition) => transition.severity === 'page')).toBe(true);
    expect(new Set(started.map((transition) => transition.rule)).size).toBe(started.length);
  });
});
