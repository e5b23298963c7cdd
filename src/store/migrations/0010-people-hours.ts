// People's own working and sleep hours, and a team's own toil cap. Hours are JSON
// (`{"days":["sun",…],"start":"10:00","end":"18:00"}`) read whole, never queried by
// part; null means the defaults (Mon–Fri 09:00–17:00, 22:00–07:00, a 50 % cap).
import type { Kysely } from 'kysely';
import { dialectOf, doubleColumn } from '../codec.js';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('users').addColumn('working_hours', 'text').execute();
  await db.schema.alterTable('users').addColumn('sleep_hours', 'text').execute();
  await db.schema
    .alterTable('teams')
    .addColumn('toil_cap_percent', doubleColumn(dialectOf(db)))
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable('teams').dropColumn('toil_cap_percent').execute();
  await db.schema.alterTable('users').dropColumn('sleep_hours').execute();
  await db.schema.alterTable('users').dropColumn('working_hours').execute();
}
