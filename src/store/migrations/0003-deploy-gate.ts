// The deploy gate: roles people hold (approvers), approvals, every gate decision,
// and the deploys CI records.
import type { Kysely } from 'kysely';
import { dialectOf, identityColumn } from '../codec.js';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema
    .alterTable('users')
    // JSON array of role names (sre-lead, …) that policies name as approvers.
    .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('approver', 'text', (c) => c.notNull())
    .addColumn('approver_roles', 'text', (c) => c.notNull())
    .addColumn('requester', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    /** JSON: "all" or a list of rule references. */
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'text')
    .execute();
  await db.schema
    .createIndex('approvals_service_expires_at')
    .on('approvals')
    .columns(['service', 'expires_at'])
    .execute();
  await db.schema
    .createTable('deploy_decisions')
    .addColumn('seq', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('allowed', 'integer', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('commit_sha', 'text')
    .addColumn('labels', 'text', (c) => c.notNull())
    /** The whole decision, JSON: every reason, waiver and approval. */
    .addColumn('decision', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deploy_decisions_service_seq')
    .on('deploy_decisions')
    .columns(['service', 'seq'])
    .execute();
  await db.schema
    .createTable('deploys')
    .addColumn('seq', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('commit_sha', 'text')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('decision_id', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deploys_service_at')
    .on('deploys')
    .columns(['service', 'at'])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('deploys').execute();
  await db.schema.dropTable('deploy_decisions').execute();
  await db.schema.dropTable('approvals').execute();
  await db.schema.alterTable('users').dropColumn('roles').execute();
}
