// A check's pings were found through an index on (heartbeat, at). Its newest leaf is a
// page of each check's own, so with thousands of checks every ping wrote a page of its
// own: on SQLite most of what a ping cost (docs/server.md, Performance). The pings are
// now chained instead: each holds the id of its check's ping before it (`prev_id`), and
// the check's row the id of its newest (`last_ping_id`). A check's pings are read by
// walking back from its row; a ping is an append at the table's right edge, and at the
// right edge of the index on `at` that retention uses.
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable('heartbeat_pings').addColumn('prev_id', 'bigint').execute();
  await db.schema
    .alterTable('heartbeats')
    .addColumn('last_ping_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // The pings stored, chained in the order they were taken (their ids).
  await sql`update heartbeat_pings set prev_id = chained.prev_id
    from (select id, lag(id) over (partition by heartbeat order by id) as prev_id from heartbeat_pings) as chained
    where heartbeat_pings.id = chained.id and chained.prev_id is not null`.execute(db);
  await sql`update heartbeats set last_ping_id = newest.id
    from (select heartbeat, max(id) as id from heartbeat_pings group by heartbeat) as newest
    where heartbeats.name = newest.heartbeat`.execute(db);
  await db.schema.dropIndex('heartbeat_pings_by_time').execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema
    .createIndex('heartbeat_pings_by_time')
    .on('heartbeat_pings')
    .columns(['heartbeat', 'at'])
    .execute();
  await db.schema.alterTable('heartbeats').dropColumn('last_ping_id').execute();
  await db.schema.alterTable('heartbeat_pings').dropColumn('prev_id').execute();
}
