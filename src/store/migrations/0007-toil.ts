// Toil logged by hand: a person's account of manual, interrupt-driven work for a team.
// Toil from pages and incidents is derived from those tables when a summary is asked
// for, never stored twice.
import type { Kysely } from 'kysely';
import { dialectOf, doubleColumn } from '../codec.js';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema
    .createTable('toil_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('person', 'text', (c) => c.notNull())
    .addColumn('service', 'text')
    /** Normalised (core/reports/toil.ts normaliseCategory). */
    .addColumn('category', 'text', (c) => c.notNull())
    /** May be fractional. */
    .addColumn('minutes', doubleColumn(dialect), (c) => c.notNull())
    /** When the work was done (epoch ms). */
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    /** The credential that logged it, as the audit log names it. */
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('toil_entries_by_team')
    .on('toil_entries')
    .columns(['team', 'at'])
    .execute();
  await db.schema
    .createIndex('toil_entries_by_person')
    .on('toil_entries')
    .columns(['person', 'at'])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('toil_entries').execute();
}
