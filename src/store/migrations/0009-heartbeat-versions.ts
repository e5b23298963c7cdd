// Each heartbeat row carries the version of its state: a random stamp that every state
// write replaces. Pings are applied to a state read earlier (held in memory) and written
// only if the row is still at the version read, so that the hot path needs no lock and
// no read, and a stale copy is caught, never written over a newer state. A stamp, not a
// counter: a writer that builds on a write still in flight expects that write's own
// stamp, which no other writer can produce.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .alterTable('heartbeats')
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable('heartbeats').dropColumn('version').execute();
}
