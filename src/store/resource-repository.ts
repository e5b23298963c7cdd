// Services and SLOs, stored as their canonical headroom/v1 documents.
import type { Kysely, Selectable } from 'kysely';
import type { ResourceRepository } from '../app/ports/store.js';
import type { ConfigResourceRecord, ServiceRecord, SloRecord } from '../app/ports/records.js';
import { decodeJson, encodeJson } from './codec.js';
import type { ConfigResourcesTable, DatabaseSchema, ServicesTable, SlosTable } from './schema.js';

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

    async listConfigResources(kind) {
      let query = db.selectFrom('config_resources').selectAll();
      if (kind !== undefined) query = query.where('kind', '=', kind);
      const rows = await query.orderBy('kind').orderBy('name').execute();
      return rows.map(configResourceOf);
    },
    async putConfigResource(resource) {
      const values = {
        kind: resource.kind,
        name: resource.name,
        team: resource.team,
        document: encodeJson(resource.document),
        created_at: resource.createdAt,
        updated_at: resource.updatedAt,
      };
      await db
        .insertInto('config_resources')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['kind', 'name']).doUpdateSet({
            team: values.team,
            document: values.document,
            updated_at: values.updated_at,
          }),
        )
        .execute();
    },
    async deleteConfigResource(kind, name) {
      await db
        .deleteFrom('config_resources')
        .where('kind', '=', kind)
        .where('name', '=', name)
        .execute();
    },
  };
}

function configResourceOf(row: Selectable<ConfigResourcesTable>): ConfigResourceRecord {
  return {
    kind: row.kind,
    name: row.name,
    team: row.team,
    document: decodeJson(row.document),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
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
