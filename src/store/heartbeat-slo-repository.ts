// How far each SLO that counts a heartbeat's runs has been counted, and the
// completions it counts, read by time.
import type { Kysely } from 'kysely';
import type { HeartbeatSloRepository } from '../app/ports/store.js';
import { heartbeatPingOf } from './heartbeat-repository.js';
import type { DatabaseSchema } from './schema.js';

const COMPLETIONS = ['success', 'fail'];

export function heartbeatSloRepository(db: Kysely<DatabaseSchema>): HeartbeatSloRepository {
  return {
    async listHeartbeatSloAccounts() {
      const rows = await db.selectFrom('heartbeat_slo_accounts').selectAll().execute();
      return rows.map((row) => ({
        sloId: row.slo_id,
        heartbeat: row.heartbeat,
        countedUntil: row.counted_until,
        lastCompletionAt: row.last_completion_at,
        updatedAt: row.updated_at,
      }));
    },
    async putHeartbeatSloAccount(account, expectedCountedUntil) {
      const values = {
        heartbeat: account.heartbeat,
        counted_until: account.countedUntil,
        last_completion_at: account.lastCompletionAt,
        updated_at: account.updatedAt,
      };
      if (expectedCountedUntil === null) {
        const result = await db
          .insertInto('heartbeat_slo_accounts')
          .values({ slo_id: account.sloId, ...values })
          .onConflict((conflict) => conflict.column('slo_id').doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      const result = await db
        .updateTable('heartbeat_slo_accounts')
        .set(values)
        .where('slo_id', '=', account.sloId)
        .where('counted_until', '=', expectedCountedUntil)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listHeartbeatCompletions(heartbeat, fromExclusive, toInclusive, limit) {
      const rows = await db
        .selectFrom('heartbeat_pings')
        .selectAll()
        .where('heartbeat', '=', heartbeat)
        .where('at', '>', fromExclusive)
        .where('at', '<=', toInclusive)
        .where('kind', 'in', COMPLETIONS)
        .orderBy('at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(heartbeatPingOf);
    },
    async lastHeartbeatCompletionAt(heartbeat, atMs) {
      const row = await db
        .selectFrom('heartbeat_pings')
        .select('at')
        .where('heartbeat', '=', heartbeat)
        .where('at', '<=', atMs)
        .where('kind', 'in', COMPLETIONS)
        .orderBy('at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.at ?? null;
    },
  };
}
