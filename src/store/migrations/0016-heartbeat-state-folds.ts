// On SQLite a check's state row is no longer written with every ping: the writer thread
// keeps the newest state of each check pinged and writes them together, about once a
// second (sqlite-batch-writer.ts). The pings are written, and answered, at once as before;
// they are the record. So that a crash between the two loses nothing, each row says up
// to which ping its state is folded (`pings_through`), and `heartbeat_folds` holds a ping
// id below which every ping is folded into its check's row: at start, the pings after it
// that their row has not folded are applied again (replayUnfoldedPings, app/heartbeats.ts).
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .alterTable('heartbeats')
    .addColumn('pings_through', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('heartbeat_folds')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('folded_through', 'bigint', (c) => c.notNull())
    .execute();
  // Until now every state was written with its pings: all of them are folded.
  await sql`insert into heartbeat_folds (id, folded_through) select 1, coalesce(max(id), 0) from heartbeat_pings`.execute(
    db,
  );
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('heartbeat_folds').execute();
  await db.schema.alterTable('heartbeats').dropColumn('pings_through').execute();
}
