// Toil logged by hand.
import type { Kysely, Selectable } from 'kysely';
import type { ToilEntryRecord } from '../app/ports/records.js';
import type { ToilRepository } from '../app/ports/store.js';
import type { DatabaseSchema, ToilEntriesTable } from './schema.js';

export function toilRepository(db: Kysely<DatabaseSchema>): ToilRepository {
  return {
    async insertToilEntry(entry) {
      await db
        .insertInto('toil_entries')
        .values({
          id: entry.id,
          team: entry.team,
          person: entry.person,
          service: entry.service,
          category: entry.category,
          minutes: entry.minutes,
          at: entry.at,
          description: entry.description,
          created_by: entry.createdBy,
          created_at: entry.createdAt,
        })
        .execute();
    },
    async getToilEntry(id) {
      const row = await db
        .selectFrom('toil_entries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toilEntryOf(row);
    },
    async deleteToilEntry(id) {
      const result = await db.deleteFrom('toil_entries').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listToilEntries({ team, person, fromMs, toMs, limit }) {
      let query = db.selectFrom('toil_entries').selectAll();
      if (team !== undefined) query = query.where('team', '=', team);
      if (person !== undefined) query = query.where('person', '=', person);
      if (fromMs !== undefined) query = query.where('at', '>=', fromMs);
      if (toMs !== undefined) query = query.where('at', '<', toMs);
      const rows = await query.orderBy('at').orderBy('id').limit(limit).execute();
      return rows.map(toilEntryOf);
    },
  };
}

function toilEntryOf(row: Selectable<ToilEntriesTable>): ToilEntryRecord {
  return {
    id: row.id,
    team: row.team,
    person: row.person,
    service: row.service,
    category: row.category,
    // Both drivers answer a double (REAL, float8) as a JavaScript number.
    minutes: row.minutes,
    at: row.at,
    description: row.description,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
