// Per-minute event counts and the idempotency record of each batch.
import { sql, type Kysely } from 'kysely';
import type { EventRepository } from '../app/ports/store.js';
import { decodeJson, encodeJson, isUniqueViolation, type Dialect } from './codec.js';
import type { DatabaseSchema } from './schema.js';

/** Any fixed number: the advisory lock that orders ingest transactions on PostgreSQL. */
const INGEST_LOCK_KEY = 0x4845_4144;
const ROWS_PER_INSERT = 1000;

export function eventRepository(db: Kysely<DatabaseSchema>, dialect: Dialect): EventRepository {
  return {
    async lockIngest() {
      // SQLite has one writer at a time already.
      if (dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(${INGEST_LOCK_KEY})`.execute(db);
    },
    async insertEventCounts(rows) {
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        const chunk = rows.slice(start, start + ROWS_PER_INSERT);
        await db
          .insertInto('event_counts')
          .values(
            chunk.map((row) => ({
              slo_id: row.sloId,
              minute: row.minute,
              good: row.good,
              total: row.total,
            })),
          )
          .execute();
      }
    },
    async readEventCountsAfter(afterId, limit) {
      const rows = await db
        .selectFrom('event_counts')
        .selectAll()
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        sloId: row.slo_id,
        minute: row.minute,
        good: row.good,
        total: row.total,
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
        .select((eb) => [
          'minute',
          eb.fn.sum<number | string>('good').as('good'),
          eb.fn.sum<number | string>('total').as('total'),
        ])
        .where('slo_id', '=', sloId)
        .where('minute', '>=', fromMinute)
        .where('id', '<=', maxId)
        .groupBy('minute')
        .orderBy('minute')
        .execute();
      // PostgreSQL sums bigints as numeric, which arrives as a string.
      return rows.map((row) => ({
        minute: row.minute,
        good: Number(row.good),
        total: Number(row.total),
      }));
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
