// Services and SLOs, stored as their canonical headroom/v1 documents.
import type { Kysely, Selectable } from 'kysely';
import type { ResourceRepository } from '../app/ports/store.js';
import type { ServiceRecord, SloRecord } from '../app/ports/records.js';
import { decodeJson, encodeJson } from './codec.js';
import type { DatabaseSchema, ServicesTable, SlosTable } from './schema.js';

export function resourceRepository(db: Kysely<DatabaseSchema>): ResourceRepository {
  return {
    async listServices() {
      const rows = await db.selectFrom('services').selectAll().orderBy('name').execute();
      return rows.map(serviceOf);
    },
    async getService(name) {
      const row = await db
        .selectFrom('services')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : serviceOf(row);
    },
    async insertService(service) {
      await db
        .insertInto('services')
        .values({
          name: service.name,
          team: service.team,
          document: encodeJson(service.document),
          created_at: service.createdAt,
          updated_at: service.updatedAt,
        })
        .execute();
    },
    async updateService(service) {
      await db
        .updateTable('services')
        .set({
          team: service.team,
          document: encodeJson(service.document),
          updated_at: service.updatedAt,
        })
        .where('name', '=', service.name)
        .execute();
    },
    async deleteService(name) {
      await db.deleteFrom('ingest_keys').where('service', '=', name).execute();
      await db.deleteFrom('services').where('name', '=', name).execute();
    },

    async listSlos() {
      const rows = await db.selectFrom('slos').selectAll().orderBy('name').execute();
      return rows.map(sloOf);
    },
    async getSlo(name) {
      const row = await db
        .selectFrom('slos')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : sloOf(row);
    },
    async insertSlo(slo) {
      const row = await db
        .insertInto('slos')
        .values({
          name: slo.name,
          service: slo.service,
          document: encodeJson(slo.document),
          created_at: slo.createdAt,
          updated_at: slo.updatedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async updateSlo(slo) {
      await db
        .updateTable('slos')
        .set({
          service: slo.service,
          document: encodeJson(slo.document),
          updated_at: slo.updatedAt,
        })
        .where('id', '=', slo.id)
        .execute();
    },
    async deleteSlo(id) {
      await db.deleteFrom('event_counts').where('slo_id', '=', id).execute();
      await db.deleteFrom('alert_states').where('slo_id', '=', id).execute();
      await db.deleteFrom('slos').where('id', '=', id).execute();
    },
  };
}

function serviceOf(row: Selectable<ServicesTable>): ServiceRecord {
  return {
    name: row.name,
    team: row.team,
    document: decodeJson(row.document),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function sloOf(row: Selectable<SlosTable>): SloRecord {
  return {
    id: row.id,
    name: row.name,
    service: row.service,
    document: decodeJson(row.document),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
