// A check's pings were indexed twice, by (heartbeat, id) and by (heartbeat, at): both
// begin with the check, so every ping wrote a leaf page of each at a place of its own.
// With pings from thousands of checks arriving in no particular order, those scattered
// pages are most of what a commit and the next WAL checkpoint write (measured in
// docs/server.md, Performance). (heartbeat, at) answers every query, the list of a
// check's pings included (ordered by time, then id), so the other goes.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex('heartbeat_pings_by_check').execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema
    .createIndex('heartbeat_pings_by_check')
    .on('heartbeat_pings')
    .columns(['heartbeat', 'id'])
    .execute();
}
