// Accepted data is never lost: a server killed with SIGKILL while a client streams
// batches keeps, after a restart, every batch it acknowledged, exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { kyselyStore } from '../src/store/kysely-store.js';
import { openDatabase } from '../src/store/database.js';
import { TEST_DATABASES, type TestDatabase } from '../src/store/test-databases.js';
import { api, serveOptionsFor, spawnServer, type ServerProcess } from './support/process.js';
import { CHECKOUT_DOCUMENTS } from './support/documents.js';

const TOKEN = 'hr_crash-test-admin-token-0123456789';
const LINES_PER_BATCH = 50;
const BATCHES = 400;
const IN_FLIGHT = 4;

describe.each(TEST_DATABASES)('a server killed mid-stream on $name', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;

  afterEach(async () => {
    server?.child.kill('SIGKILL');
    if (server !== undefined) await server.exited;
    await database?.drop();
  });

  it('keeps every acknowledged batch exactly once', async () => {
    database = await kind.create();
    const { args, env } = serveOptionsFor(database.location, TOKEN);
    server = await spawnServer(args, env);
    expect(
      (await api(server.url, TOKEN, 'POST', '/api/v1/apply', { documents: CHECKOUT_DOCUMENTS }))
        .status,
    ).toBe(200);
    const key = (
      (await api(server.url, TOKEN, 'POST', '/api/v1/services/checkout/ingest-keys', { name: 'k' }))
        .body as { key: string }
    ).key;

    // Batch i holds the counts of minute base + i only, so that each batch can be found.
    const base = Math.floor(Date.now() / 60_000) - BATCHES - 60;
    const batchBody = (index: number): string =>
      Array.from({ length: LINES_PER_BATCH }, () =>
        JSON.stringify({
          ts: new Date((base + index) * 60_000).toISOString(),
          slo: 'checkout-availability',
          good: 1,
          total: 1,
        }),
      ).join('\n');
    const send = async (url: string, index: number): Promise<number> => {
      try {
        const response = await fetch(new URL('/api/v1/events', url), {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/x-ndjson',
            'idempotency-key': `batch-${index}`,
          },
          body: batchBody(index),
        });
        await response.arrayBuffer();
        return response.status;
      } catch {
        return 0;
      }
    };

    const acknowledged = new Set<number>();
    let next = 0;
    const running = server;
    const killAfter = BATCHES / 4;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < BATCHES) {
          const index = next;
          next += 1;
          if (acknowledged.size === killAfter) running.child.kill('SIGKILL');
          const status = await send(running.url, index);
          if (status === 200) acknowledged.add(index);
          if (status === 0) return;
        }
      }),
    );
    expect(await running.exited).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(killAfter);

    // The client retries what it did not hear back about, with the same keys, and a
    // few acknowledged batches besides: those are replays, not new counts.
    server = await spawnServer(args, env);
    const restarted = server;
    const retried = [...Array(BATCHES).keys()].filter((index) => !acknowledged.has(index));
    for (const index of [...retried, ...[...acknowledged].slice(0, 5)]) {
      expect(await send(restarted.url, index)).toBe(200);
    }
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    server = undefined;

    const opened = openDatabase(database.location);
    try {
      const store = kyselyStore(opened.db, opened.dialect);
      const slo = await store.getSlo('checkout-availability');
      const counts = await store.sumEventCounts(slo?.id ?? -1, 0, await store.lastEventId());
      expect(counts).toHaveLength(BATCHES);
      for (const [index, minute] of counts.entries()) {
        expect(minute).toEqual({
          minute: base + index,
          good: LINES_PER_BATCH,
          total: LINES_PER_BATCH,
        });
      }
    } finally {
      await opened.close();
    }
  });
});
