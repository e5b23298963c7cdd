// The audit log: append-only, newest first when read.
import type { Kysely } from 'kysely';
import type { AuditRepository } from '../app/ports/store.js';
import { decodeJson, encodeJson } from './codec.js';
import type { DatabaseSchema } from './schema.js';

export function auditRepository(db: Kysely<DatabaseSchema>): AuditRepository {
  return {
    async appendAudit(entry) {
      await db
        .insertInto('audit_log')
        .values({
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          kind: entry.kind,
          name: entry.name,
          before: entry.before === null ? null : encodeJson(entry.before),
          after: entry.after === null ? null : encodeJson(entry.after),
          config_change: entry.configChange === false ? 0 : 1,
        })
        .execute();
    },
    async configGeneration() {
      const row = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('last'))
        .where('config_change', '=', 1)
        .executeTakeFirst();
      return row?.last ?? 0;
    },
    async listAudit({ before, limit }) {
      let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
      if (before !== undefined) query = query.where('id', '<', before);
      const rows = await query.execute();
      return rows.map((row) => ({
        id: row.id,
        at: row.at,
        actor: row.actor,
        action: row.action === 'delete' ? 'delete' : row.action === 'update' ? 'update' : 'create',
        kind: row.kind,
        name: row.name,
        before: row.before === null ? null : decodeJson(row.before),
        after: row.after === null ? null : decodeJson(row.after),
      }));
    },
  };
}
