// A server killed with SIGKILL while jobs ping it: after a restart, every ping it
// acknowledged is stored, and each check's state takes in every ping stored. On SQLite
// a check's state is written up to a second after its pings: this is the test that the
// pings a crash left without their state are applied again at start.
import { afterEach, describe, expect, it } from 'vitest';
import type { HeartbeatState } from '../src/core/heartbeats/state.js';
import { kyselyStore } from '../src/store/kysely-store.js';
import { openDatabase } from '../src/store/database.js';
import { TEST_DATABASES, type TestDatabase } from '../src/store/test-databases.js';
import { api, serveOptionsFor, spawnServer, type ServerProcess } from './support/process.js';
import { serviceDocument } from './support/documents.js';

const TOKEN = 'hr_heartbeat-crash-admin-token-01234567';
const CHECKS = 20;
const KILL_AFTER_PINGS = 1500;

const names = Array.from({ length: CHECKS }, (_, index) => `job-${String(index).padStart(2, '0')}`);
const DOCUMENTS = [
  serviceDocument('billing', 'payments'),
  ...names.map((name) => ({
    apiVersion: 'headroom/v1',
    kind: 'Heartbeat',
    metadata: { name },
    // Nothing falls due while the test runs: the states are the pings' alone.
    spec: { service: 'billing', schedule: { every: '1d' }, grace: '1h' },
  })),
];

describe.each(TEST_DATABASES)('a server killed while jobs ping it, on $name', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;

  afterEach(async () => {
    server?.child.kill('SIGKILL');
    if (server !== undefined) await server.exited;
    server = undefined;
    await database?.drop();
  });

  it("keeps every acknowledged ping, and each check's state takes in every ping kept", async () => {
    database = await kind.create();
    const { args, env } = serveOptionsFor(database.location, TOKEN);
    server = await spawnServer(args, env);
    expect(
      (await api(server.url, TOKEN, 'POST', '/api/v1/apply', { documents: DOCUMENTS })).status,
    ).toBe(200);
    const urls = new Map<string, string>();
    for (const name of names) {
      const { body } = await api(server.url, TOKEN, 'GET', `/api/v1/heartbeats/${name}`);
      urls.set(name, (body as { pingUrl: string }).pingUrl);
    }

    // Each check runs jobs one after the other: a start, then its end, with a run id.
    const acknowledged: string[] = [];
    const running = server;
    let sent = 0;
    await Promise.all(
      names.map(async (name) => {
        for (let run = 0; ; run += 1) {
          for (const signal of ['start', '0']) {
            if (sent === KILL_AFTER_PINGS) running.child.kill('SIGKILL');
            sent += 1;
            const url = `${urls.get(name) ?? ''}/${signal}?rid=${name}-run-${String(run)}`;
            const status = await fetch(url, { method: 'POST' }).then(
              async (response) => {
                await response.arrayBuffer();
                return response.status;
              },
              () => 0,
            );
            if (status === 0) return;
            expect(status).toBe(200);
            acknowledged.push(`${name} ${signal} ${String(run)}`);
          }
        }
      }),
    );
    expect(await running.exited).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_PINGS - CHECKS);

    // Started again, then stopped cleanly: whatever it replays, it writes.
    server = await spawnServer(args, env);
    const restarted = server;
    expect((await api(restarted.url, TOKEN, 'GET', '/readyz')).status).toBe(200);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    server = undefined;

    const opened = openDatabase(database.location);
    try {
      const store = kyselyStore(opened.db, opened.dialect);
      for (const name of names) {
        const pings = (await store.listHeartbeatPings(name, 10_000)).reverse();
        const stored = pings.map(
          (ping) =>
            `${name} ${ping.exitStatus === 0 ? '0' : ping.kind} ${ping.runId?.split('-run-')[1] ?? ''}`,
        );
        const acknowledgedHere = acknowledged.filter((entry) => entry.startsWith(`${name} `));
        // In the order sent; a ping sent as the server died may be stored unacknowledged.
        expect(stored.slice(0, acknowledgedHere.length)).toEqual(acknowledgedHere);
        expect(stored.length - acknowledgedHere.length).toBeLessThanOrEqual(1);

        const state = (await store.getHeartbeat(name))?.state as HeartbeatState;
        const last = pings.at(-1);
        const lastEnd = pings.filter((ping) => ping.kind === 'success').at(-1);
        expect(state.lastPingAt, name).toBe(lastEnd?.at ?? null);
        expect(
          state.openRuns.map((run) => run.runId),
          name,
        ).toEqual(last?.kind === 'start' ? [last.runId] : []);
      }
    } finally {
      await opened.close();
    }
  });
});
