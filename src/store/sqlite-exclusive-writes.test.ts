import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from './database.js';
import { kyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';
import { sqliteKysely } from './sqlite-exclusive-writes.js';
import { decisionRecord } from './test-databases.js';

describe("the main SQLite connection's single writes", () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-exclusive-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('go through exclusive; reads, and statements of a transaction, do not', async () => {
    const sqlite = new Database(path.join(directory, 'plain.db'));
    const exclusiveRuns: string[] = [];
    let running = '';
    const db = sqliteKysely(sqlite, async (work) => {
      exclusiveRuns.push(running);
      return work();
    });
    try {
      running = 'create';
      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('holder', 'text')
        .addColumn('expires_at', 'integer')
        .addColumn('acquired_at', 'integer')
        .execute();
      running = 'insert';
      const lease = { name: 'a', holder: 'me', expires_at: 1, acquired_at: 0 };
      await db.insertInto('leases').values(lease).execute();
      running = 'select';
      expect(await db.selectFrom('leases').selectAll().execute()).toEqual([lease]);
      running = 'raw select';
      await sql`select count(*) from leases`.execute(db);
      running = 'raw update';
      await sql`update leases set name = 'b'`.execute(db);
      running = 'transaction';
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('leases').execute();
      });
      expect(exclusiveRuns).toEqual(['create', 'insert', 'raw update']);
    } finally {
      await db.destroy();
    }
  });

  describe('with the writer thread', () => {
    let database: OpenDatabase;

    beforeEach(async () => {
      database = openDatabase({ kind: 'sqlite', file: path.join(directory, 'headroom.db') });
      await migrateToLatest(database.db);
    });
    afterEach(async () => {
      await database.close();
    });

    it('wait for the batch in flight to commit instead of sleeping on its lock', async () => {
      const store = kyselyStore(database.db, 'sqlite', false, database.batchWriter);
      const done: string[] = [];
      // The thread starts with its first batch; a second, sent after it, is in flight
      // when the lease is renewed.
      await store.insertDeployDecisions([decisionRecord('dec_0')]);
      const batch = store
        .insertDeployDecisions([decisionRecord('dec_1'), decisionRecord('dec_2')])
        .then(() => done.push('batch'));
      const lease = store
        .tryAcquireLease('evaluator', 'me', 1_000, 15_000)
        .then((taken) => done.push(`lease ${String(taken)}`));
      await Promise.all([batch, lease]);
      expect(done).toEqual(['batch', 'lease true']);
      expect(await store.tryAcquireLease('evaluator', 'other', 2_000, 15_000)).toBe(false);
      expect(await store.tryAcquireLease('evaluator', 'me', 3_000, 15_000)).toBe(true);
    });
  });
});
