// Heartbeat checks' runtime rows, the pings they received, and teams' ping keys.
import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type {
  HeartbeatPingRecord,
  HeartbeatRecord,
  HeartbeatStatePut,
  HeartbeatStateWrite,
  PingKeyRecord,
} from '../app/ports/records.js';
import type { HeartbeatRepository } from '../app/ports/store.js';
import { deleteInChunks } from './chunked-delete.js';
import { decodeJson, encodeJson, type Dialect } from './codec.js';
import type { PingRow, StateRow } from './sqlite-batch-writer.js';
import type {
  DatabaseSchema,
  HeartbeatPingsTable,
  HeartbeatsTable,
  PingKeysTable,
} from './schema.js';

/** Rows per INSERT: well under SQLite's bound-parameter limit at 10 columns a row. */
const INSERT_CHUNK = 500;
/** Pings deleted by one statement of retention: some tens of milliseconds on SQLite. */
export const PING_DELETE_CHUNK = 1000;
const NEW_STATUS = 'new';

const PING_COLUMNS = [
  'heartbeat',
  'at',
  'kind',
  'exit_status',
  'run_id',
  'duration_ms',
  'body',
  'body_bytes',
  'remote',
  'user_agent',
  'prev_id',
] as const;
/** By dialect and row count; at most INSERT_CHUNK of each. */
const pingInserts = new Map<string, string>();

/** A ping as one row (pingRow, then the id of its check's ping before it); the SQLite writer thread runs it. */
export const SQLITE_PING_INSERT = pingInsertSql(1, 'sqlite');

/**
 * The SQLite writer thread's read of a check's place (rowid), its version, to check a
 * batch against, and its newest ping, which the batch's first ping of it is chained to.
 */
export const SQLITE_VERSION_READ =
  'select "rowid", "version", "last_ping_id" from "heartbeats" where "name" = ?';

/**
 * The SQLite writer thread's write of a check's newest state, folded up to the ping
 * given, which is the check's newest (stateRow's order, then that ping's id twice, then
 * the name).
 */
export const SQLITE_STATE_FOLD =
  'update "heartbeats" set "status" = ?, "state" = ?, "next_check_at" = ?, "updated_at" = ?, "version" = ?, "pings_through" = ?, "last_ping_id" = ? where "name" = ?';

/** The SQLite writer thread's move of the mark below which every ping is folded. */
export const SQLITE_FOLD_MARK = 'update "heartbeat_folds" set "folded_through" = ? where "id" = 1';

/** The newest ping's id (0: none): with no state waiting, every ping up to it is folded. */
export const SQLITE_LAST_PING = 'select coalesce(max("id"), 0) as "id" from "heartbeat_pings"';

function pingInsertSql(rows: number, dialect: Dialect): string {
  const key = `${dialect}:${String(rows)}`;
  const known = pingInserts.get(key);
  if (known !== undefined) return known;
  let parameter = 0;
  const placeholder = () => (dialect === 'postgres' ? `$${String((parameter += 1))}` : '?');
  const row = () => `(${PING_COLUMNS.map(placeholder).join(', ')})`;
  const text = `insert into "heartbeat_pings" (${PING_COLUMNS.map((column) => `"${column}"`).join(', ')}) values ${Array.from({ length: rows }, row).join(', ')}`;
  pingInserts.set(key, text);
  return text;
}

export function heartbeatRepository(
  db: Kysely<DatabaseSchema>,
  dialect: Dialect,
): HeartbeatRepository {
  return {
    async ensureHeartbeats(rows, at) {
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const chunk = rows.slice(start, start + INSERT_CHUNK);
        if (chunk.length === 0) continue;
        await db
          .insertInto('heartbeats')
          .values(
            chunk.map((row) => ({
              name: row.name,
              token: row.token,
              status: NEW_STATUS,
              state: encodeJson(null),
              next_check_at: null,
              created_at: at,
              updated_at: at,
            })),
          )
          .onConflict((conflict) => conflict.column('name').doNothing())
          .execute();
      }
    },
    async listHeartbeats(page) {
      let query = db.selectFrom('heartbeats').selectAll().orderBy('name');
      if (page?.after !== undefined) query = query.where('name', '>', page.after);
      if (page !== undefined) query = query.limit(page.limit);
      return (await query.execute()).map(heartbeatOf);
    },
    async getHeartbeat(name) {
      const row = await db
        .selectFrom('heartbeats')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : heartbeatOf(row);
    },
    async findHeartbeatByToken(token) {
      const row = await db
        .selectFrom('heartbeats')
        .selectAll()
        .where('token', '=', token)
        .executeTakeFirst();
      return row === undefined ? undefined : heartbeatOf(row);
    },
    async lockHeartbeats(names) {
      return (await lockedRows(db, dialect, names)).map(heartbeatOf);
    },
    async putHeartbeatStates(rows) {
      await upsertStates(db, rows);
    },
    async applyHeartbeatPings(pings, states) {
      if (db.isTransaction) throw new Error('applyHeartbeatPings runs in a transaction of its own');
      try {
        await db.transaction().execute(async (trx) => {
          // A statement per step, not per check: on PostgreSQL each is a round trip.
          // The rows as stored: their `last_ping_id`, which the record leaves out, too.
          const rows = await lockedRows(
            trx,
            dialect,
            states.map((state) => state.name),
          );
          const versions = new Map(rows.map((row) => [row.name, row.version]));
          if (states.some((state) => versions.get(state.name) !== state.version)) throw STALE;
          // The pings first: the states' pings_through then counts them, and each state
          // moves its check's chain to its newest ping.
          const newest = await insertPings(
            trx,
            dialect,
            pings,
            new Map(rows.map((row) => [row.name, row.last_ping_id])),
          );
          await upsertStates(trx, states, newest);
        });
        return true;
      } catch (error) {
        if (error === STALE) return false;
        throw error;
      }
    },
    async rotateHeartbeatToken(name, token, nextVersion, at) {
      const result = await db
        .updateTable('heartbeats')
        .set({ token, version: nextVersion, updated_at: at })
        .where('name', '=', name)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listDueHeartbeats(atMs, limit) {
      const rows = await db
        .selectFrom('heartbeats')
        .selectAll()
        .where('next_check_at', '<=', atMs)
        .orderBy('next_check_at')
        .limit(limit)
        .execute();
      return rows.map(heartbeatOf);
    },
    async listUnfoldedHeartbeatPings() {
      const rows = await db
        .selectFrom('heartbeat_pings')
        .innerJoin('heartbeats', 'heartbeats.name', 'heartbeat_pings.heartbeat')
        .selectAll('heartbeat_pings')
        .where('heartbeat_pings.id', '>', (eb) =>
          eb.selectFrom('heartbeat_folds').select('folded_through').where('id', '=', 1),
        )
        .whereRef('heartbeat_pings.id', '>', 'heartbeats.pings_through')
        .orderBy('heartbeat_pings.id')
        .execute();
      return rows.map(heartbeatPingOf);
    },
    async markHeartbeatPingsFolded() {
      // Their checks' chains begin at them too: the writer thread had not written that.
      await sql`update heartbeats set last_ping_id = newest.id
        from (select heartbeat, max(id) as id from heartbeat_pings
          where id > (select folded_through from heartbeat_folds where id = 1)
          group by heartbeat) as newest
        where heartbeats.name = newest.heartbeat and newest.id > heartbeats.last_ping_id`.execute(
        db,
      );
      await db
        .updateTable('heartbeat_folds')
        .set({ folded_through: lastPingId })
        .where('id', '=', 1)
        .execute();
    },
    async insertHeartbeatPings(pings) {
      const newest = [...(await insertPings(db, dialect, pings))];
      // The checks' rows are locked: their chains begin at these pings now.
      for (let start = 0; start < newest.length; start += INSERT_CHUNK) {
        const chunk = newest.slice(start, start + INSERT_CHUNK);
        const cases = chunk.map(([name, id]) => sql`when ${name} then cast(${id} as bigint)`);
        await sql`update heartbeats set last_ping_id = case name ${sql.join(cases, sql` `)} end
          where name in (${sql.join(chunk.map(([name]) => name))})`.execute(db);
      }
    },
    async listHeartbeatPings(name, limit) {
      // Down the check's chain from its newest ping: a primary-key read a ping.
      const { rows } = await sql<Selectable<HeartbeatPingsTable>>`
        with recursive chain (id, depth) as (
          select last_ping_id, 1 from heartbeats where name = ${name} and last_ping_id > 0
          union all
          select heartbeat_pings.prev_id, chain.depth + 1 from chain
            join heartbeat_pings on heartbeat_pings.id = chain.id
            where heartbeat_pings.prev_id is not null and chain.depth < ${limit}
        )
        select heartbeat_pings.* from chain cross join heartbeat_pings
        where heartbeat_pings.id = chain.id
        order by chain.depth`.execute(db);
      return rows.map(heartbeatPingOf);
    },
    async deleteHeartbeatPingsBefore(at) {
      return deleteInChunks(PING_DELETE_CHUNK, async () => {
        const result = await db
          .deleteFrom('heartbeat_pings')
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('heartbeat_pings')
              .select('id')
              .where('at', '<', at)
              .orderBy('at')
              .limit(PING_DELETE_CHUNK),
          )
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
    async insertPingKey(key, keyHash) {
      await db
        .insertInto('ping_keys')
        .values({
          id: key.id,
          team: key.team,
          key_hash: keyHash,
          created_at: key.createdAt,
          revoked_at: key.revokedAt,
        })
        .execute();
    },
    async findPingKeyByHash(keyHash) {
      const row = await db
        .selectFrom('ping_keys')
        .select(['id', 'team', 'created_at', 'revoked_at'])
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row === undefined ? undefined : pingKeyOf(row);
    },
    async listPingKeys(team) {
      const rows = await db
        .selectFrom('ping_keys')
        .select(['id', 'team', 'created_at', 'revoked_at'])
        .where('team', '=', team)
        .orderBy('created_at')
        .execute();
      return rows.map(pingKeyOf);
    },
    async revokePingKey(id, at) {
      await db
        .updateTable('ping_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
  };
}

export function heartbeatPingOf(row: Selectable<HeartbeatPingsTable>): HeartbeatPingRecord {
  return {
    id: row.id,
    heartbeat: row.heartbeat,
    at: row.at,
    kind: row.kind,
    exitStatus: row.exit_status,
    runId: row.run_id,
    durationMs: row.duration_ms,
    body: row.body,
    bodyBytes: row.body_bytes,
    remote: row.remote,
    userAgent: row.user_agent,
  };
}

function heartbeatOf(row: Selectable<HeartbeatsTable>): HeartbeatRecord {
  return {
    name: row.name,
    token: row.token,
    status: row.status,
    state: decodeJson(row.state),
    nextCheckAt: row.next_check_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The newest ping's id, 0 when there is none. */
const lastPingId = sql<number>`(select coalesce(max(${sql.ref('id')}), 0) from ${sql.table('heartbeat_pings')})`;

/** The checks' rows, locked in name order: two batches touching the same checks never deadlock. */
async function lockedRows(
  db: Kysely<DatabaseSchema>,
  dialect: Dialect,
  names: readonly string[],
): Promise<Selectable<HeartbeatsTable>[]> {
  if (names.length === 0) return [];
  const query = db
    .selectFrom('heartbeats')
    .selectAll()
    .where('name', 'in', [...new Set(names)])
    .orderBy('name');
  return (dialect === 'postgres' ? query.forUpdate() : query).execute();
}

/** Thrown to roll back a conditional write whose check moved meanwhile. */
const STALE = new Error('a heartbeat moved since its state was read');

/**
 * Inserts the pings, each chained to its check's ping before it (from `known`, the
 * checks' `last_ping_id`, or read here), with the checks' rows locked (or, on SQLite,
 * the writer's lock held), so that no other write chains pings of the same checks
 * meanwhile. Returns each check's newest ping: its row's `last_ping_id` to be.
 */
async function insertPings(
  db: Kysely<DatabaseSchema>,
  dialect: Dialect,
  pings: readonly Omit<HeartbeatPingRecord, 'id'>[],
  known?: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const newest = new Map<string, number>(known);
  const names = [...new Set(pings.map((ping) => ping.heartbeat))];
  const unknown = names.filter((name) => !newest.has(name));
  for (let start = 0; start < unknown.length; start += INSERT_CHUNK) {
    const rows = await db
      .selectFrom('heartbeats')
      .select(['name', 'last_ping_id'])
      .where('name', 'in', unknown.slice(start, start + INSERT_CHUNK))
      .execute();
    for (const row of rows) newest.set(row.name, row.last_ping_id);
  }
  // The k-th ping of each check goes in the k-th statement: its predecessor's id is
  // known by then, whatever order the database gives ids within one statement.
  const rounds: Omit<HeartbeatPingRecord, 'id'>[][] = [];
  const counted = new Map<string, number>();
  for (const ping of pings) {
    const round = counted.get(ping.heartbeat) ?? 0;
    counted.set(ping.heartbeat, round + 1);
    (rounds[round] ??= []).push(ping);
  }
  for (const round of rounds) {
    for (let start = 0; start < round.length; start += INSERT_CHUNK) {
      const chunk = round.slice(start, start + INSERT_CHUNK);
      // The hot write of pings: the statement text is built once per row count, where
      // the query builder would build and compile a tree of ten nodes a ping, every
      // batch, only to print the same text again.
      const { rows } = await db.executeQuery<{ id: number; heartbeat: string }>(
        CompiledQuery.raw(
          `${pingInsertSql(chunk.length, dialect)} returning "id", "heartbeat"`,
          chunk.flatMap((ping) => [...pingRow(ping), chainedTo(newest.get(ping.heartbeat))]),
        ),
      );
      for (const row of rows) newest.set(row.heartbeat, row.id);
    }
  }
  return new Map(
    names.flatMap((name) => {
      const id = newest.get(name);
      return id === undefined || id === 0 ? [] : [[name, id] as const];
    }),
  );
}

/**
 * Writes checks' states, one statement per chunk (a batch of pings moves hundreds of
 * checks at once); with `newest`, each check's chain moved to begin at its newest ping.
 */
async function upsertStates(
  db: Kysely<DatabaseSchema>,
  rows: readonly HeartbeatStatePut[],
  newest?: ReadonlyMap<string, number>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    if (chunk.length === 0) continue;
    await db
      .insertInto('heartbeats')
      .values(
        chunk.map((row) => ({
          name: row.name,
          // Placeholders: the row exists (it was locked), so the update below applies.
          token: `pending:${row.name}`,
          created_at: row.updatedAt,
          status: row.status,
          state: encodeJson(row.state),
          next_check_at: row.nextCheckAt,
          updated_at: row.updatedAt,
          version: row.nextVersion,
          last_ping_id: newest?.get(row.name) ?? 0,
        })),
      )
      .onConflict((conflict) =>
        conflict.column('name').doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          state: eb.ref('excluded.state'),
          next_check_at: eb.ref('excluded.next_check_at'),
          updated_at: eb.ref('excluded.updated_at'),
          version: eb.ref('excluded.version'),
          // Written with every ping of the check taken in (this transaction's too,
          // inserted before), and on SQLite after the writer's waiting states.
          pings_through: lastPingId,
          ...(newest === undefined ? {} : { last_ping_id: eb.ref('excluded.last_ping_id') }),
        })),
      )
      .execute();
  }
}

/** The predecessor a ping is stored with: none (null) for a check's first. */
function chainedTo(lastPingId: number | undefined): number | null {
  return lastPingId === undefined || lastPingId === 0 ? null : lastPingId;
}

/** A ping as `heartbeat_pings` stores it, in PING_COLUMNS order. */
export function pingRow(ping: Omit<HeartbeatPingRecord, 'id'>): PingRow {
  return [
    ping.heartbeat,
    ping.at,
    ping.kind,
    ping.exitStatus,
    ping.runId,
    ping.durationMs,
    ping.body,
    ping.bodyBytes,
    ping.remote,
    ping.userAgent,
  ];
}

/** A state write as the conditional UPDATE binds it: the new columns, then name and version. */
export function stateRow(write: HeartbeatStateWrite): StateRow {
  return [
    write.status,
    encodeJson(write.state),
    write.nextCheckAt,
    write.updatedAt,
    write.nextVersion,
    write.name,
    write.version,
  ];
}

function pingKeyOf(
  row: Pick<Selectable<PingKeysTable>, 'id' | 'team' | 'created_at' | 'revoked_at'>,
): PingKeyRecord {
  return { id: row.id, team: row.team, createdAt: row.created_at, revokedAt: row.revoked_at };
}
