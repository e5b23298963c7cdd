// The first schema. Portable subset only: text, bigint, integer; ids from one helper.
import type { Kysely } from 'kysely';
import { dialectOf, identityColumn } from '../codec.js';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema
    .createTable('teams')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('users')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text')
    .addColumn('email', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('team_members')
    .addColumn('team', 'text', (c) => c.notNull().references('teams.name').onDelete('cascade'))
    .addColumn('user_name', 'text', (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addPrimaryKeyConstraint('team_members_pk', ['team', 'user_name'])
    .execute();
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('teams', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createTable('services')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('slos')
    .addColumn('id', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ingest_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createTable('event_counts')
    .addColumn('id', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('slo_id', 'bigint', (c) => c.notNull())
    .addColumn('first_minute', 'bigint', (c) => c.notNull())
    .addColumn('last_minute', 'bigint', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_counts_slo_last_minute')
    .on('event_counts')
    .columns(['slo_id', 'last_minute'])
    .execute();
  await db.schema
    .createTable('ingest_batches')
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_batches_pk', ['service', 'idempotency_key'])
    .execute();
  await db.schema
    .createTable('alert_states')
    .addColumn('slo_id', 'bigint', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('numbers', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_states_pk', ['slo_id', 'rule'])
    .execute();
  await db.schema
    .createTable('alert_transitions')
    .addColumn('id', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('slo_id', 'bigint', (c) => c.notNull())
    .addColumn('slo', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('transition', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('numbers', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('evaluation_cycles')
    .addColumn('at', 'bigint', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('slos', 'integer', (c) => c.notNull())
    .addColumn('transitions', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('acquired_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_log')
    .addColumn('id', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  for (const table of [
    'audit_log',
    'leases',
    'evaluation_cycles',
    'alert_transitions',
    'alert_states',
    'ingest_batches',
    'event_counts',
    'ingest_keys',
    'slos',
    'services',
    'api_tokens',
    'team_members',
    'users',
    'teams',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
