// Which audit entries change what the catalog reads (resources, users, approvals), so
// that its "did the configuration change?" probe skips audit-only writes: a toil entry,
// a token or a page reloaded every definition on every instance. Existing entries count
// as changes: the probe then answers what it answered before.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .alterTable('audit_log')
    .addColumn('config_change', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // The probe asks for the newest change at every catalog refresh: one index seek.
  await db.schema
    .createIndex('audit_log_config_change')
    .on('audit_log')
    .columns(['config_change', 'id'])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex('audit_log_config_change').execute();
  await db.schema.alterTable('audit_log').dropColumn('config_change').execute();
}
