// Alert intake and pages: the integrations monitoring sends to (a secret key each),
// every alert body received, and the pages alerts are grouped into.
import type { Kysely } from 'kysely';
import { dialectOf, identityColumn } from '../codec.js';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema
    .createTable('alert_integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    /** alertmanager | pagerduty | webhook */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** The service alerts belong to when they name none; null: from their labels only. */
    .addColumn('service', 'text')
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createTable('received_alerts')
    .addColumn('id', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    /** The body as it arrived, JSON: a record of every alert received. */
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('received_alerts_by_time')
    .on('received_alerts')
    .column('received_at')
    .execute();
  await db.schema
    .createTable('pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** triggered | acknowledged | resolved */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    /** The page with its alerts (core/alerts Page), JSON. */
    .addColumn('document', 'text', (c) => c.notNull())
    /** Its escalation (core/alerts EscalationState), JSON; null: no policy covers it. */
    .addColumn('escalation', 'text')
    /** Bumped by every escalation change: written with compare-and-set. */
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    /** When the escalation must be advanced next; null: nothing to do. */
    .addColumn('next_wake_at', 'bigint')
    .execute();
  await db.schema.createIndex('pages_by_wake').on('pages').column('next_wake_at').execute();
  // What an open page can be found by (its alerts, services, sender groups): an alert
  // reads only the pages it may join, not every open page.
  await db.schema
    .createTable('page_keys')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('page_keys_pk', ['key', 'page_id'])
    .execute();
  await db.schema.createIndex('page_keys_by_page').on('page_keys').column('page_id').execute();
  // The outbox: one row per notification to one channel, keyed so a retry or a second
  // instance never sends it twice; `log` keeps every delivery attempt.
  await db.schema
    .createTable('notifications')
    .addColumn('id', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('page_id', 'text', (c) => c.notNull())
    /** email | webhook | slack */
    .addColumn('channel', 'text', (c) => c.notNull())
    /** An address, a URL. */
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    /** pending | sent | failed */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('log', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('notifications_due')
    .on('notifications')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createTable('settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pages_by_status')
    .on('pages')
    .columns(['status', 'opened_at'])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('settings').execute();
  await db.schema.dropTable('page_keys').execute();
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('pages').execute();
  await db.schema.dropTable('received_alerts').execute();
  await db.schema.dropTable('alert_integrations').execute();
}
