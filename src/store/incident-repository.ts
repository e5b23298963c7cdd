// Incidents (an append-only event log plus the folded view), postmortems and action items.
import type { Kysely, Selectable } from 'kysely';
import type {
  ActionItemRecord,
  IncidentRecord,
  PostmortemRecord,
  PostmortemStatus,
} from '../app/ports/records.js';
import type { IncidentRepository } from '../app/ports/store.js';
import { decodeJson, encodeJson, isUniqueViolation } from './codec.js';
import type {
  ActionItemsTable,
  DatabaseSchema,
  IncidentsTable,
  PostmortemsTable,
} from './schema.js';

const CLOSED_ACTION_ITEM_STATUSES = ['done', 'wont-do'];

export function incidentRepository(db: Kysely<DatabaseSchema>): IncidentRepository {
  const putServices = async (id: number, services: readonly string[]) => {
    await db.deleteFrom('incident_services').where('incident_id', '=', id).execute();
    if (services.length > 0) {
      await db
        .insertInto('incident_services')
        .values([...new Set(services)].map((service) => ({ service, incident_id: id })))
        .execute();
    }
  };
  return {
    async insertIncident(incident, declaration) {
      const row = await db
        .insertInto('incidents')
        .values(incidentRow(incident))
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = row.id;
      await db
        .insertInto('incident_events')
        .values({
          incident_id: id,
          seq: 0,
          at: declaration.at,
          kind: declaration.kind,
          actor: declaration.actor,
          body: encodeJson(declaration.body),
        })
        .execute();
      await putServices(id, incident.services);
      return id;
    },
    async appendIncidentEvents(incident, expectedRevision, events) {
      try {
        await db
          .insertInto('incident_events')
          .values(
            events.map((event, index) => ({
              incident_id: incident.id,
              seq: expectedRevision + index,
              at: event.at,
              kind: event.kind,
              actor: event.actor,
              body: encodeJson(event.body),
            })),
          )
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
      const updated = await db
        .updateTable('incidents')
        .set(incidentRow(incident))
        .where('id', '=', incident.id)
        .where('revision', '=', expectedRevision)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await putServices(incident.id, incident.services);
      return true;
    },
    async getIncident(id) {
      const row = await db
        .selectFrom('incidents')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : incidentOf(row);
    },
    async listIncidentEvents(id) {
      const rows = await db
        .selectFrom('incident_events')
        .selectAll()
        .where('incident_id', '=', id)
        .orderBy('seq')
        .execute();
      return rows.map((row) => ({
        incidentId: row.incident_id,
        seq: row.seq,
        at: row.at,
        kind: row.kind,
        actor: row.actor,
        body: decodeJson(row.body),
      }));
    },
    async listIncidents({ status, service, severity, fromMs, toMs, before, limit }) {
      let query = db.selectFrom('incidents').selectAll('incidents');
      if (service !== undefined) {
        query = query
          .innerJoin('incident_services', 'incident_services.incident_id', 'incidents.id')
          .where('incident_services.service', '=', service);
      }
      if (status === 'open') query = query.where('incidents.status', '!=', 'resolved');
      else if (status !== undefined) query = query.where('incidents.status', '=', status);
      if (severity !== undefined) query = query.where('incidents.severity', '=', severity);
      if (fromMs !== undefined) query = query.where('incidents.started_at', '>=', fromMs);
      if (toMs !== undefined) query = query.where('incidents.started_at', '<', toMs);
      if (before !== undefined) query = query.where('incidents.id', '<', before);
      const rows = await query
        .orderBy('incidents.started_at', 'desc')
        .orderBy('incidents.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(incidentOf);
    },
    async getPostmortem(incidentId) {
      const row = await db
        .selectFrom('postmortems')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .executeTakeFirst();
      return row === undefined ? undefined : postmortemOf(row);
    },
    async putPostmortem(postmortem, expectedRevision) {
      const values = {
        status: postmortem.status,
        markdown: postmortem.markdown,
        created_at: postmortem.createdAt,
        updated_at: postmortem.updatedAt,
        updated_by: postmortem.updatedBy,
        published_at: postmortem.publishedAt,
        revision: postmortem.revision,
      };
      if (expectedRevision === undefined) {
        try {
          await db
            .insertInto('postmortems')
            .values({ incident_id: postmortem.incidentId, ...values })
            .execute();
          return true;
        } catch (error) {
          if (isUniqueViolation(error)) return false;
          throw error;
        }
      }
      const updated = await db
        .updateTable('postmortems')
        .set(values)
        .where('incident_id', '=', postmortem.incidentId)
        .where('revision', '=', expectedRevision)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },
    async putActionItem(item) {
      const values = {
        incident_id: item.incidentId,
        title: item.title,
        owner: item.owner,
        team: item.team,
        priority: item.priority,
        due_at: item.dueAt,
        status: item.status,
        created_at: item.createdAt,
        updated_at: item.updatedAt,
        closed_at: item.closedAt,
      };
      await db
        .insertInto('action_items')
        .values({ id: item.id, ...values })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(values))
        .execute();
    },
    async getActionItem(id) {
      const row = await db
        .selectFrom('action_items')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : actionItemOf(row);
    },
    async listActionItems({ incidentId, team, owner, status, limit }) {
      let query = db.selectFrom('action_items').selectAll();
      if (incidentId !== undefined) query = query.where('incident_id', '=', incidentId);
      if (team !== undefined) query = query.where('team', '=', team);
      if (owner !== undefined) query = query.where('owner', '=', owner);
      if (status === 'open') query = query.where('status', 'not in', CLOSED_ACTION_ITEM_STATUSES);
      else if (status !== undefined) query = query.where('status', '=', status);
      const rows = await query
        // Items without a due date last, on both databases.
        .orderBy((eb) => eb.case().when('due_at', 'is', null).then(1).else(0).end())
        .orderBy('due_at')
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(actionItemOf);
    },
  };
}

function incidentRow(incident: Omit<IncidentRecord, 'id'>) {
  return {
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    declared_at: incident.declaredAt,
    started_at: incident.startedAt,
    resolved_at: incident.resolvedAt,
    updated_at: incident.updatedAt,
    revision: incident.revision,
    document: encodeJson({ ...(incident.document as object), services: incident.services }),
  };
}

function incidentOf(row: Selectable<IncidentsTable>): IncidentRecord {
  const document = decodeJson(row.document) as { readonly services?: readonly string[] };
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    status: row.status,
    declaredAt: row.declared_at,
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    updatedAt: row.updated_at,
    revision: row.revision,
    services: document.services ?? [],
    document,
  };
}

function postmortemOf(row: Selectable<PostmortemsTable>): PostmortemRecord {
  return {
    incidentId: row.incident_id,
    status: row.status as PostmortemStatus,
    markdown: row.markdown,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    publishedAt: row.published_at,
    revision: row.revision,
  };
}

function actionItemOf(row: Selectable<ActionItemsTable>): ActionItemRecord {
  return {
    id: row.id,
    incidentId: row.incident_id,
    title: row.title,
    owner: row.owner,
    team: row.team,
    priority: row.priority,
    dueAt: row.due_at,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
  };
}
