// The databases every storage and API test runs on: a fresh SQLite file and a fresh
// PostgreSQL schema. PostgreSQL must be reachable (127.0.0.1:5432, database test, or
// HEADROOM_TEST_DATABASE_URL): when it is not, these tests fail rather than skip.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type {
  DeployDecisionRecord,
  HeartbeatPingRecord,
  HeartbeatStateWrite,
} from '../app/ports/records.js';
import type { Store } from '../app/ports/store.js';
import { openDatabase, type DatabaseLocation, type OpenDatabase } from './database.js';
import { kyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';

export const TEST_POSTGRES_URL =
  process.env.HEADROOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly location: DatabaseLocation;
  /** Drops what the test created. */
  readonly drop: () => Promise<void>;
}

export interface TestDatabaseKind {
  readonly name: 'sqlite' | 'postgres';
  readonly create: () => Promise<TestDatabase>;
}

export const TEST_DATABASES: readonly TestDatabaseKind[] = [
  {
    name: 'sqlite',
    create: () => {
      const directory = mkdtempSync(path.join(tmpdir(), 'headroom-test-'));
      return Promise.resolve({
        location: { kind: 'sqlite', file: path.join(directory, 'headroom.db') },
        drop: () => {
          rmSync(directory, { recursive: true, force: true });
          return Promise.resolve();
        },
      });
    },
  },
  {
    name: 'postgres',
    create: async () => {
      const schema = `headroom_test_${randomBytes(6).toString('hex')}`;
      await withClient((client) => client.query(`create schema ${schema}`));
      const url = new URL(TEST_POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return {
        location: { kind: 'postgres', url: url.toString() },
        drop: () =>
          withClient((client) => client.query(`drop schema ${schema} cascade`)).then(
            () => undefined,
          ),
      };
    },
  },
];

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestStore {
  readonly store: Store;
  readonly database: OpenDatabase;
  /** Closes the connections and drops the database. */
  readonly close: () => Promise<void>;
}

/** A migrated store on a fresh database of the given kind. */
export async function openTestStore(kind: TestDatabaseKind): Promise<TestStore> {
  const testDatabase = await kind.create();
  const database = openDatabase(testDatabase.location);
  await migrateToLatest(database.db);
  return {
    store: kyselyStore(database.db, database.dialect),
    database,
    close: async () => {
      await database.close();
      await testDatabase.drop();
    },
  };
}

/** A gate decision as the store tests write it: an allowed rollback of checkout. */
export function decisionRecord(id: string): DeployDecisionRecord {
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

/** A ping as the store tests write it: its check, its time and its kind, nothing else. */
export function pingRecord(
  heartbeat: string,
  at: number,
  kind = 'success',
): Omit<HeartbeatPingRecord, 'id'> {
  return {
    heartbeat,
    at,
    kind,
    exitStatus: null,
    runId: null,
    durationMs: null,
    body: null,
    bodyBytes: null,
    remote: null,
    userAgent: null,
  };
}

/** A check's state write for the store's tests: up, its last success at `at`. */
export function stateWrite(
  name: string,
  at: number,
  version: number,
  nextVersion: number,
): HeartbeatStateWrite {
  return {
    name,
    status: 'up',
    state: { status: 'up', lastSuccessAt: at },
    nextCheckAt: at + 60_000,
    updatedAt: at,
    version,
    nextVersion,
  };
}
