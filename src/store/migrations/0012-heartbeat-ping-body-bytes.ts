// A ping's body is kept up to its first 10,000 bytes, whatever its size: the size sent
// is kept beside it, so that a log that was cut is never read as the whole of it (its
// last line is then not the run's last line). Null: no body, or a ping from before.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable('heartbeat_pings').addColumn('body_bytes', 'bigint').execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable('heartbeat_pings').dropColumn('body_bytes').execute();
}
