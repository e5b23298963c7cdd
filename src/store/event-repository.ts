// Per-minute event counts and the idempotency record of each batch.
import { sql, type Kysely } from 'kysely';
import { deleteInChunks } from './chunked-delete.js';
import type { EventRepository } from '../app/ports/store.js';
import {
  decodeJson,
  decodeMinuteCounts,
  encodeJson,
  encodeMinuteCounts,
  isUniqueViolation,
  type Dialect,
} from './codec.js';
import type { DatabaseSchema } from './schema.js';

/** Any fixed number: the advisory lock that orders ingest transactions on PostgreSQL. */
const INGEST_LOCK_KEY = 0x4845_4144;
const ROWS_PER_INSERT = 1000;
/** Event records deleted by one statement of retention. */
export const EVENT_COUNT_DELETE_CHUNK = 1000;

export function eventRepository(db: Kysely<DatabaseSchema>, dialect: Dialect): EventRepository {
  return {
    async lockIngest() {
      // SQLite has one writer at a time already.
      if (dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(${INGEST_LOCK_KEY})`.execute(db);
    },
    async insertEventCounts(records) {
      for (let start = 0; start < records.length; start += ROWS_PER_INSERT) {
        const chunk = records.slice(start, start + ROWS_PER_INSERT);
        await db
          .insertInto('event_counts')
          .values(
            chunk.map((record) => {
              const counts = [...record.counts].sort((a, b) => a.minute - b.minute);
              return {
                slo_id: record.sloId,
                first_minute: counts[0]?.minute ?? 0,
                last_minute: counts.at(-1)?.minute ?? 0,
                counts: encodeMinuteCounts(counts),
              };
            }),
          )
          .execute();
      }
    },
    async readEventCountsAfter(afterId, limit) {
      const rows = await db
        .selectFrom('event_counts')
        .select(['id', 'slo_id', 'counts'])
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        sloId: row.slo_id,
        counts: decodeMinuteCounts(row.counts),
      }));
    },
    async lastEventId() {
      const row = await db
        .selectFrom('event_counts')
        .select((eb) => eb.fn.max('id').as('last'))
        .executeTakeFirst();
      return row?.last ?? 0;
    },
    async sumEventCounts(sloId, fromMinute, maxId) {
      const rows = await db
        .selectFrom('event_counts')
        .select('counts')
        .where('slo_id', '=', sloId)
        .where('last_minute', '>=', fromMinute)
        .where('id', '<=', maxId)
        .execute();
      const sums = new Map<number, [number, number]>();
      for (const row of rows) {
        for (const { minute, good, total } of decodeMinuteCounts(row.counts)) {
          if (minute < fromMinute) continue;
          const known = sums.get(minute);
          if (known === undefined) sums.set(minute, [good, total]);
          else {
            known[0] += good;
            known[1] += total;
          }
        }
      }
      return [...sums]
        .sort(([a], [b]) => a - b)
        .map(([minute, [good, total]]) => ({ minute, good, total }));
    },
    async deleteEventCountsBefore(minute) {
      return deleteInChunks(EVENT_COUNT_DELETE_CHUNK, async () => {
        const result = await db
          .deleteFrom('event_counts')
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('event_counts')
              .select('id')
              .where('last_minute', '<', minute)
              .orderBy('last_minute')
              .limit(EVENT_COUNT_DELETE_CHUNK),
          )
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
    async deleteIngestBatchesBefore(at) {
      const result = await db
        .deleteFrom('ingest_batches')
        .where('created_at', '<', at)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async findIngestBatch(service, idempotencyKey) {
      const row = await db
        .selectFrom('ingest_batches')
        .selectAll()
        .where('service', '=', service)
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        service: row.service,
        idempotencyKey: row.idempotency_key,
        bodyHash: row.body_hash,
        response: decodeJson(row.response),
        createdAt: row.created_at,
      };
    },
    async insertIngestBatch(batch) {
      try {
        await db
          .insertInto('ingest_batches')
          .values({
            service: batch.service,
            idempotency_key: batch.idempotencyKey,
            body_hash: batch.bodyHash,
            response: encodeJson(batch.response),
            created_at: batch.createdAt,
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
  };
}
