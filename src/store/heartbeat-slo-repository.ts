// How far each SLO that counts a heartbeat's runs has been counted, and the
// completions it counts, read down the check's chain of pings (heartbeat-repository.ts)
// from its newest back to the time asked for.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { HeartbeatSloRepository } from '../app/ports/store.js';
import { heartbeatPingOf } from './heartbeat-repository.js';
import type { DatabaseSchema, HeartbeatPingsTable } from './schema.js';

const COMPLETIONS = sql.join(['success', 'fail']);

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
      // Back from the newest ping to the first at or before `fromExclusive`. A cross
      // join, so that SQLite reads the chain first and each of its pings by id: left to
      // itself it scanned every ping by time and looked each up in the chain.
      const { rows } = await sql<Selectable<HeartbeatPingsTable>>`
        with recursive chain (id, at, prev_id) as (
          select heartbeat_pings.id, heartbeat_pings.at, heartbeat_pings.prev_id
            from heartbeats join heartbeat_pings on heartbeat_pings.id = heartbeats.last_ping_id
            where heartbeats.name = ${heartbeat}
          union all
          select heartbeat_pings.id, heartbeat_pings.at, heartbeat_pings.prev_id from chain
            join heartbeat_pings on heartbeat_pings.id = chain.prev_id
            where chain.at > ${fromExclusive}
        )
        select heartbeat_pings.* from chain cross join heartbeat_pings
        where heartbeat_pings.id = chain.id and chain.at > ${fromExclusive} and chain.at <= ${toInclusive}
          and heartbeat_pings.kind in (${COMPLETIONS})
        order by heartbeat_pings.at, heartbeat_pings.id
        limit ${limit}`.execute(db);
      return rows.map(heartbeatPingOf);
    },
    async lastHeartbeatCompletionAt(heartbeat, atMs) {
      // Back from the newest ping to the first completion at or before `atMs`.
      const { rows } = await sql<{ at: number }>`
        with recursive chain (id, at, kind, prev_id) as (
          select heartbeat_pings.id, heartbeat_pings.at, heartbeat_pings.kind, heartbeat_pings.prev_id
            from heartbeats join heartbeat_pings on heartbeat_pings.id = heartbeats.last_ping_id
            where heartbeats.name = ${heartbeat}
          union all
          select heartbeat_pings.id, heartbeat_pings.at, heartbeat_pings.kind, heartbeat_pings.prev_id
            from chain join heartbeat_pings on heartbeat_pings.id = chain.prev_id
            where not (chain.at <= ${atMs} and chain.kind in (${COMPLETIONS}))
        )
        select at from chain where at <= ${atMs} and kind in (${COMPLETIONS})
        order by at desc limit 1`.execute(db);
      return rows[0] === undefined ? null : rows[0].at;
    },
  };
}
