// Retention deletes the event counts no SLO can reach any more and the idempotency
// records older than a week, every hour. Neither table had an index those deletes could
// use (`last_minute` is second in the counts' index, after the SLO; the batches' key is
// service and key), so each delete read its whole table, on SQLite on the event loop.
// Both columns grow with time: these indexes grow at their right edge.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createIndex('event_counts_by_age')
    .on('event_counts')
    .column('last_minute')
    .execute();
  await db.schema
    .createIndex('ingest_batches_by_age')
    .on('ingest_batches')
    .column('created_at')
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex('ingest_batches_by_age').execute();
  await db.schema.dropIndex('event_counts_by_age').execute();
}
