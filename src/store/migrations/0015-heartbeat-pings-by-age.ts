// Retention deletes the pings older than 90 days every hour. Without an index on `at`
// alone that delete read the whole table, on SQLite on the event loop: about 110 ms per
// 2 million pings, seconds for a quarter of pings from thousands of checks. Pings are
// stored in time order, so this index only grows at its right edge.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createIndex('heartbeat_pings_by_age')
    .on('heartbeat_pings')
    .column('at')
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex('heartbeat_pings_by_age').execute();
}
