// Heartbeats of cron jobs: each check's state and ping token, the pings received, and
// the per-team ping keys of slug URLs. The check's definition is config
// (config_resources); these rows are what happened.
import type { Kysely } from 'kysely';
import { dialectOf, identityColumn } from '../codec.js';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema
    .createTable('heartbeats')
    .addColumn('name', 'text', (c) => c.primaryKey())
    /** The secret of the check's ping URL (/ping/<token>). */
    .addColumn('token', 'text', (c) => c.notNull().unique())
    /** new | up | late | down | paused */
    .addColumn('status', 'text', (c) => c.notNull())
    /** core/heartbeats HeartbeatState, JSON. */
    .addColumn('state', 'text', (c) => c.notNull())
    /** When the evaluator must look at the check next; null: nothing can change by itself. */
    .addColumn('next_check_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('heartbeats_due').on('heartbeats').column('next_check_at').execute();
  await db.schema
    .createTable('heartbeat_pings')
    .addColumn('id', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('heartbeat', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    /** start | success | fail | log */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('exit_status', 'integer')
    .addColumn('run_id', 'text')
    /** For a finished run paired with its start. */
    .addColumn('duration_ms', 'bigint')
    /** The first bytes of the request body: the run's log. */
    .addColumn('body', 'text')
    .addColumn('remote', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema
    .createIndex('heartbeat_pings_by_check')
    .on('heartbeat_pings')
    .columns(['heartbeat', 'id'])
    .execute();
  await db.schema
    .createTable('ping_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('ping_keys').execute();
  await db.schema.dropTable('heartbeat_pings').execute();
  await db.schema.dropTable('heartbeats').execute();
}
