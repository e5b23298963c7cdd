// The services each page names, as rows: the pages of a service or of a team's services
// are then read through an index, where the page itself is one JSON document. Pages
// stored before are filled in from their documents.
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

const BACKFILL_CHUNK = 500;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable('page_services')
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('page_services_pk', ['service', 'page_id'])
    .execute();
  await db.schema
    .createIndex('page_services_by_page')
    .on('page_services')
    .column('page_id')
    .execute();
  const pages = (await db.selectFrom('pages').select(['id', 'document']).execute()) as {
    id: string;
    document: string;
  }[];
  const rows = pages.flatMap((page) => {
    const services = (JSON.parse(page.document) as { services?: unknown }).services;
    return Array.isArray(services)
      ? [...new Set(services.filter((service) => typeof service === 'string'))].map((service) => ({
          service,
          page_id: page.id,
        }))
      : [];
  });
  for (let start = 0; start < rows.length; start += BACKFILL_CHUNK) {
    await db
      .insertInto('page_services')
      .values(rows.slice(start, start + BACKFILL_CHUNK))
      .execute();
  }
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('page_services').execute();
}
