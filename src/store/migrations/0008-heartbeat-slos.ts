// SLOs that count a heartbeat's runs: how far each has been counted, so that every run
// and every missed slot becomes exactly one event. Pings are read by time for it.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable('heartbeat_slo_accounts')
    /** slos.id: an SLO deleted and created again under its name starts over. */
    .addColumn('slo_id', 'bigint', (c) => c.primaryKey())
    .addColumn('heartbeat', 'text', (c) => c.notNull())
    /** Runs and missed slots up to here (epoch ms, inclusive) are in event_counts. */
    .addColumn('counted_until', 'bigint', (c) => c.notNull())
    /** The last completion at or before counted_until: the slots after it are due. */
    .addColumn('last_completion_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('heartbeat_pings_by_time')
    .on('heartbeat_pings')
    .columns(['heartbeat', 'at'])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex('heartbeat_pings_by_time').execute();
  await db.schema.dropTable('heartbeat_slo_accounts').execute();
}
