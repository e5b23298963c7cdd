// Incidents, their append-only event log, postmortems and action items.
import type { Kysely } from 'kysely';
import { dialectOf, identityColumn } from '../codec.js';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema
    .createTable('incidents')
    .addColumn('id', identityColumn(dialect), (c) => identityColumn.constraints(dialect, c))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    /** investigating | identified | monitoring | resolved */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('declared_at', 'bigint', (c) => c.notNull())
    /** When the impact began: the declaration, or earlier when a page or a person says so. */
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    /** How many events the incident has: the event log's next sequence number. */
    .addColumn('revision', 'integer', (c) => c.notNull())
    /** The incident folded from its events (core/incidents Incident), JSON. */
    .addColumn('document', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incidents_by_start').on('incidents').column('started_at').execute();
  // Append-only: the primary key makes two writers of one revision collide, so an
  // update based on a stale read fails instead of overwriting.
  await db.schema
    .createTable('incident_events')
    .addColumn('incident_id', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_events_pk', ['incident_id', 'seq'])
    .execute();
  await db.schema
    .createTable('incident_services')
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_services_pk', ['service', 'incident_id'])
    .execute();
  await db.schema
    .createTable('postmortems')
    .addColumn('incident_id', 'bigint', (c) => c.primaryKey())
    /** draft | in-review | published */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('markdown', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    /** Bumped by every write: edits are compare-and-set, so two editors never lose text. */
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('action_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'bigint', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint')
    /** open | in-progress | done | wont-do */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('action_items_by_incident')
    .on('action_items')
    .column('incident_id')
    .execute();
  await db.schema
    .createIndex('action_items_by_team')
    .on('action_items')
    .columns(['team', 'status'])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('action_items').execute();
  await db.schema.dropTable('postmortems').execute();
  await db.schema.dropTable('incident_services').execute();
  await db.schema.dropTable('incident_events').execute();
  await db.schema.dropTable('incidents').execute();
}
