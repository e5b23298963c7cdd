import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from './database.js';
import { kyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';
import { decisionRecord, pingRecord, stateWrite } from './test-databases.js';

describe('gate decisions written by a worker thread on SQLite', () => {
  let directory: string;
  let database: OpenDatabase;

  beforeEach(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-writer-'));
    database = openDatabase({ kind: 'sqlite', file: path.join(directory, 'headroom.db') });
    await migrateToLatest(database.db);
  });
  afterEach(async () => {
    await database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('stores what the main connection reads back, through the same store', async () => {
    const store = kyselyStore(database.db, database.dialect, false, database.batchWriter);
    await store.insertDeployDecisions([decisionRecord('dec-1'), decisionRecord('dec-2')]);
    expect(await store.getDeployDecision('dec-2')).toEqual(decisionRecord('dec-2'));
  });

  it('never meets a transaction of the main connection that reads, then writes', async () => {
    // Without the shared lock, a batch committed between such a transaction's read and
    // its write makes SQLite refuse the write (SQLITE_BUSY_SNAPSHOT).
    const store = kyselyStore(database.db, database.dialect, false, database.batchWriter);
    const work: Promise<unknown>[] = [];
    for (let round = 0; round < 40; round += 1) {
      work.push(
        store.insertDeployDecisions(
          Array.from({ length: 20 }, (_, index) => decisionRecord(`dec-${round}-${index}`)),
        ),
        store.transaction(async (tx) => {
          await tx.listTeams();
          // Work between the read and the write, as use cases do: the batches' chance.
          await new Promise((resolve) => setTimeout(resolve, 2));
          await tx.putTeam({
            name: `team-${round}`,
            displayName: null,
            toilCapPercent: null,
            createdAt: 1,
            updatedAt: 1,
          });
        }),
      );
    }
    await Promise.all(work);
    expect(await store.listTeams()).toHaveLength(40);
    expect(await store.listDeployDecisions({ limit: 1000 })).toHaveLength(800);
  });

  it("writes a check's state after its pings, before any read of it, and at the latest at close", async () => {
    const store = kyselyStore(database.db, database.dialect, false, database.batchWriter);
    const file = path.join(directory, 'headroom.db');
    await store.ensureHeartbeats([{ name: 'backup', token: 'token-1' }], 0);
    const success = (at: number, version: number, nextVersion: number) =>
      store.applyHeartbeatPings(
        [pingRecord('backup', at)],
        [stateWrite('backup', at, version, nextVersion)],
      );
    const onDisk = () => {
      const raw = new Database(file, { readonly: true });
      try {
        return {
          row: raw
            .prepare(
              'select status, version, pings_through as pingsThrough, last_ping_id as lastPingId from heartbeats',
            )
            .get(),
          lastPing: raw.prepare('select max(id) as id from heartbeat_pings').pluck().get(),
          folded: raw.prepare('select folded_through from heartbeat_folds').pluck().get(),
        };
      } finally {
        raw.close();
      }
    };

    // The state at `version`, folded through the newest ping, which its chain begins at.
    const expectFoldedOnDisk = (version: number) => {
      const read = onDisk();
      expect(read.row).toEqual({
        status: 'up',
        version,
        pingsThrough: read.lastPing,
        lastPingId: read.lastPing,
      });
      expect(read.folded).toBe(read.lastPing);
    };

    expect(await success(1_000, 0, 11)).toBe(true);
    // Built on the state still waiting to be written: its version is the one to match.
    expect(await success(2_000, 11, 12)).toBe(true);
    expect(await success(3_000, 11, 13)).toBe(false);
    expect(await store.getHeartbeat('backup')).toMatchObject({ status: 'up', version: 12 });
    expectFoldedOnDisk(12);

    // A transaction of the main connection reads the newest state, and may write it.
    expect(await success(4_000, 12, 14)).toBe(true);
    await store.transaction(async (tx) => {
      expect((await tx.lockHeartbeats(['backup']))[0]?.version).toBe(14);
      // A ping written there is chained after the thread's, and the thread's next after it.
      await tx.insertHeartbeatPings([pingRecord('backup', 4_500, 'log')]);
    });

    expect(await success(5_000, 14, 15)).toBe(true);
    await database.close();
    database = openDatabase({ kind: 'sqlite', file });
    expectFoldedOnDisk(15);
    const reopened = kyselyStore(database.db, database.dialect, false, database.batchWriter);
    expect((await reopened.listHeartbeatPings('backup', 10)).map((ping) => ping.at)).toEqual([
      5_000, 4_500, 4_000, 2_000, 1_000,
    ]);
  });

  it('takes no write once its thread died with states unwritten', async () => {
    const store = kyselyStore(database.db, database.dialect, false, database.batchWriter);
    await store.ensureHeartbeats([{ name: 'backup', token: 'token-1' }], 0);
    expect(
      await store.applyHeartbeatPings(
        [pingRecord('backup', 1_000)],
        [stateWrite('backup', 1_000, 0, 11)],
      ),
    ).toBe(true);
    // As if the thread crashed: what it held waiting is gone.
    const writer = database.batchWriter as unknown as { worker: { terminate(): Promise<number> } };
    await writer.worker.terminate();
    await expect(store.insertDeployDecisions([decisionRecord('dec-1')])).rejects.toThrow(
      /before it wrote the states of 1 heartbeat checks: restart Headroom/,
    );
    expect(await store.ping()).toBe(false);
    await expect(store.transaction(() => Promise.resolve('read'))).rejects.toThrow(
      /restart Headroom/,
    );
  });
});
