// The storage port implemented with Kysely, for SQLite and PostgreSQL alike.
import { sql, type Kysely } from 'kysely';
import type { Store } from '../app/ports/store.js';
import { alertRepository } from './alert-repository.js';
import { auditRepository } from './audit-repository.js';
import type { Dialect } from './codec.js';
import { decisionRow, deployRepository } from './deploy-repository.js';
import { directoryRepository } from './directory-repository.js';
import { eventRepository } from './event-repository.js';
import { heartbeatRepository, pingRow, stateRow } from './heartbeat-repository.js';
import { heartbeatSloRepository } from './heartbeat-slo-repository.js';
import { incidentRepository } from './incident-repository.js';
import { leaseRepository } from './lease-repository.js';
import { pagingRepository } from './paging-repository.js';
import { resourceRepository } from './resource-repository.js';
import { toilRepository } from './toil-repository.js';
import type { SqliteBatchWriter } from './sqlite-batch-writer.js';
import type { DatabaseSchema } from './schema.js';

export function kyselyStore(
  db: Kysely<DatabaseSchema>,
  dialect: Dialect,
  inTransaction = false,
  batchWriter?: SqliteBatchWriter,
): Store {
  const deploys = deployRepository(db);
  const heartbeats = heartbeatRepository(db, dialect);
  const heartbeatSlos = heartbeatSloRepository(db);
  return {
    ...directoryRepository(db),
    ...resourceRepository(db),
    ...eventRepository(db, dialect),
    ...alertRepository(db),
    ...deploys,
    // Outside a transaction, gate decisions go to SQLite's background writer when there is one.
    insertDeployDecisions:
      batchWriter === undefined || inTransaction
        ? (decisions) => deploys.insertDeployDecisions(decisions)
        : (decisions) => batchWriter.insertDecisions(decisions.map(decisionRow)),
    ...leaseRepository(db),
    ...auditRepository(db),
    ...pagingRepository(db, dialect),
    ...incidentRepository(db),
    ...heartbeats,
    ...heartbeatSlos,
    // Outside a transaction, pings go to SQLite's background writer when there is one.
    applyHeartbeatPings:
      batchWriter === undefined || inTransaction
        ? (pings, states) => heartbeats.applyHeartbeatPings(pings, states)
        : (pings, states) => batchWriter.applyPings(pings.map(pingRow), states.map(stateRow)),
    // The writer thread writes checks' states a while after their pings: reads of the
    // rows outside a transaction have it write them first (a transaction does anyway).
    ...(batchWriter === undefined || inTransaction
      ? {}
      : {
          async getHeartbeat(name: string) {
            await batchWriter.foldStates();
            return heartbeats.getHeartbeat(name);
          },
          async findHeartbeatByToken(token: string) {
            await batchWriter.foldStates();
            return heartbeats.findHeartbeatByToken(token);
          },
          async listHeartbeats(page?: {
            readonly after?: string | undefined;
            readonly limit: number;
          }) {
            await batchWriter.foldStates();
            return heartbeats.listHeartbeats(page);
          },
          async listDueHeartbeats(atMs: number, limit: number) {
            await batchWriter.foldStates();
            return heartbeats.listDueHeartbeats(atMs, limit);
          },
          // A check's pings are read down its chain, from the newest its row names.
          async listHeartbeatPings(name: string, limit: number) {
            await batchWriter.foldStates();
            return heartbeats.listHeartbeatPings(name, limit);
          },
          async listHeartbeatCompletions(
            heartbeat: string,
            fromExclusive: number,
            toInclusive: number,
            limit: number,
          ) {
            await batchWriter.foldStates();
            return heartbeatSlos.listHeartbeatCompletions(
              heartbeat,
              fromExclusive,
              toInclusive,
              limit,
            );
          },
          async lastHeartbeatCompletionAt(heartbeat: string, atMs: number) {
            await batchWriter.foldStates();
            return heartbeatSlos.lastHeartbeatCompletionAt(heartbeat, atMs);
          },
        }),
    ...toilRepository(db),
    ordersWrites: batchWriter !== undefined && !inTransaction,
    defersHeartbeatStates: batchWriter !== undefined,
    async transaction(work) {
      // Nested calls join the transaction already open.
      if (inTransaction) return work(kyselyStore(db, dialect, true));
      const run = () => db.transaction().execute((trx) => work(kyselyStore(trx, dialect, true)));
      return batchWriter === undefined ? run() : batchWriter.exclusive(run);
    },
    async ping() {
      // A writer that stopped takes no write: not ready, so that the process is restarted.
      if (batchWriter?.stopped !== undefined) return false;
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
  };
}
