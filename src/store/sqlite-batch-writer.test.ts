import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployDecisionRecord } from '../app/ports/records.js';
import { openDatabase, type OpenDatabase } from './database.js';
import { kyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';

function decision(id: string): DeployDecisionRecord {
  return {
    id,
    at: 1_000,
    service: 'checkout',
    actor: 'alice',
    requestedBy: 'token:ci (ci)',
    allowed: true,
    version: null,
    commit: null,
    labels: ['rollback'],
    decision: { allowed: true, reasons: [] } as never,
  };
}

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
    await store.insertDeployDecisions([decision('dec-1'), decision('dec-2')]);
    expect(await store.getDeployDecision('dec-2')).toEqual(decision('dec-2'));
  });

  it('never meets a transaction of the main connection that reads, then writes', async () => {
    // Without the shared lock, a batch committed between such a transaction's read and
    // its write makes SQLite refuse the write (SQLITE_BUSY_SNAPSHOT).
    const store = kyselyStore(database.db, database.dialect, false, database.batchWriter);
    const work: Promise<unknown>[] = [];
    for (let round = 0; round < 40; round += 1) {
      work.push(
        store.insertDeployDecisions(
          Array.from({ length: 20 }, (_, index) => decision(`dec-${round}-${index}`)),
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
});
