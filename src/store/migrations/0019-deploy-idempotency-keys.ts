// CI retries a deploy record whose answer it lost (a proxy's 502, a restart): the
// Idempotency-Key it sends names the deploy, per service, so that the retry finds the
// deploy the first attempt stored instead of counting the change twice.
// Deploys recorded before carry none; NULLs never collide in a unique index.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable('deploys').addColumn('idempotency_key', 'text').execute();
  await db.schema
    .createIndex('deploys_idempotency_key')
    .on('deploys')
    .columns(['service', 'idempotency_key'])
    .unique()
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex('deploys_idempotency_key').execute();
  await db.schema.alterTable('deploys').dropColumn('idempotency_key').execute();
}
