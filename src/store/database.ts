// Opening the database: SQLite (better-sqlite3, WAL) by default, PostgreSQL when a
// postgres:// URL is given. Both come back as the same Kysely instance type.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Dialect } from './codec.js';
import { SqliteBatchWriter } from './sqlite-batch-writer.js';
import { sqliteKysely } from './sqlite-exclusive-writes.js';
import type { DatabaseSchema } from './schema.js';

export type DatabaseLocation =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface OpenDatabase {
  readonly db: Kysely<DatabaseSchema>;
  readonly dialect: Dialect;
  /** For people: the file, or the URL without its password. */
  readonly description: string;
  /** SQLite: writes batches off the event loop (see sqlite-batch-writer.ts). */
  readonly batchWriter?: SqliteBatchWriter;
  close(): Promise<void>;
}

const INT8_OID = 20;

// Counts and epoch milliseconds are bigint columns; they fit a double exactly.
const typeParser = ((oid: number, format: 'text' | 'binary' = 'text') =>
  oid === INT8_OID
    ? (value: string) => Number(value)
    : (pg.types.getTypeParser as (oid: number, format: string) => unknown)(
        oid,
        format,
      )) as typeof pg.types.getTypeParser;

export function openDatabase(location: DatabaseLocation): OpenDatabase {
  if (location.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: location.url,
      max: 10,
      types: { getTypeParser: typeParser },
    });
    const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      description: `PostgreSQL ${redactPassword(location.url)}`,
      close: () => db.destroy(),
    };
  }
  mkdirSync(path.dirname(location.file), { recursive: true });
  const sqlite = new SqliteDatabase(location.file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before the client hears about it, even on power loss.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const batchWriter = new SqliteBatchWriter(location.file);
  const db = sqliteKysely(sqlite, (work) => batchWriter.exclusive(work));
  return {
    db,
    dialect: 'sqlite',
    description: `SQLite ${location.file}`,
    batchWriter,
    close: async () => {
      await batchWriter.close();
      await db.destroy();
    },
  };
}

export function redactPassword(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
