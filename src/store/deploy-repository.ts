// Approvals, gate decisions and deploys.
import type { Kysely, Selectable } from 'kysely';
import type {
  ApprovalGrantRecord,
  DeployDecisionRecord,
  DeployRecord,
  DeployStatus,
} from '../app/ports/records.js';
import type { DeployRepository } from '../app/ports/store.js';
import type { DeployDecision } from '../core/policy/decision.js';
import type { DecisionRow } from './sqlite-batch-writer.js';
import { decodeJson, decodeStringArray, encodeJson } from './codec.js';
import type {
  ApprovalsTable,
  DatabaseSchema,
  DeployDecisionsTable,
  DeploysTable,
} from './schema.js';

/** Rows per INSERT: well under SQLite's 32,766 bound parameters at 11 columns a row. */
const INSERT_CHUNK = 500;

export function deployRepository(db: Kysely<DatabaseSchema>): DeployRepository {
  return {
    async insertApproval(approval) {
      await db
        .insertInto('approvals')
        .values({
          id: approval.id,
          service: approval.service,
          approver: approval.approver,
          approver_roles: encodeJson(approval.approverRoles),
          requester: approval.requester,
          reason: approval.reason,
          scope: encodeJson(approval.scope),
          granted_at: approval.grantedAt,
          expires_at: approval.expiresAt,
          created_by: approval.createdBy,
          revoked_at: approval.revokedAt,
          revoked_by: approval.revokedBy,
        })
        .execute();
    },
    async getApproval(id) {
      const row = await db
        .selectFrom('approvals')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : approvalOf(row);
    },
    async listApprovals({ service, notRevoked, expiringAfter, limit }) {
      let query = db.selectFrom('approvals').selectAll();
      if (service !== undefined) query = query.where('service', '=', service);
      if (notRevoked === true) query = query.where('revoked_at', 'is', null);
      if (expiringAfter !== undefined) query = query.where('expires_at', '>', expiringAfter);
      const rows = await query
        .orderBy('granted_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(approvalOf);
    },
    async revokeApproval(id, at, by) {
      await db
        .updateTable('approvals')
        .set({ revoked_at: at, revoked_by: by })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async insertDeployDecisions(decisions) {
      for (let start = 0; start < decisions.length; start += INSERT_CHUNK) {
        await db
          .insertInto('deploy_decisions')
          .values(
            decisions.slice(start, start + INSERT_CHUNK).map((record) => {
              const [
                id,
                at,
                service,
                actor,
                requestedBy,
                allowed,
                version,
                commit,
                labels,
                decision,
              ] = decisionRow(record);
              return {
                id,
                at,
                service,
                actor,
                requested_by: requestedBy,
                allowed,
                version,
                commit_sha: commit,
                labels,
                decision,
              };
            }),
          )
          .execute();
      }
    },
    async getDeployDecision(id) {
      const row = await db
        .selectFrom('deploy_decisions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : decisionOf(row);
    },
    async listDeployDecisions({ service, before, limit }) {
      let query = db.selectFrom('deploy_decisions').selectAll();
      if (service !== undefined) query = query.where('service', '=', service);
      if (before !== undefined) {
        query = query.where('seq', '<', (eb) =>
          eb.selectFrom('deploy_decisions').select('seq').where('id', '=', before),
        );
      }
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(decisionOf);
    },

    async insertDeploy(deploy, idempotencyKey) {
      await db
        .insertInto('deploys')
        .values({
          id: deploy.id,
          service: deploy.service,
          status: deploy.status,
          version: deploy.version,
          commit_sha: deploy.commit,
          labels: encodeJson(deploy.labels),
          actor: deploy.actor,
          at: deploy.at,
          decision_id: deploy.decisionId,
          recorded_by: deploy.recordedBy,
          recorded_at: deploy.recordedAt,
          idempotency_key: idempotencyKey ?? null,
        })
        // Two requests with one key at once: the second stores nothing and reads the first.
        .onConflict((conflict) => conflict.columns(['service', 'idempotency_key']).doNothing())
        .execute();
      if (idempotencyKey === undefined) return deploy;
      const kept = await deploysWithDecision(db)
        .where('deploys.service', '=', deploy.service)
        .where('deploys.idempotency_key', '=', idempotencyKey)
        .executeTakeFirstOrThrow();
      return deployOf(kept);
    },
    async getDeploy(id) {
      const row = await deploysWithDecision(db).where('deploys.id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : deployOf(row);
    },
    async listDeploys({ service, status, fromMs, toMs, before, limit }) {
      let query = deploysWithDecision(db);
      if (before !== undefined) {
        const cursor = await db
          .selectFrom('deploys')
          .select(['at', 'seq'])
          .where('id', '=', before)
          .executeTakeFirst();
        if (cursor === undefined) return [];
        // The list's own order (at, then seq): deploys recorded for one instant page too.
        query = query.where((eb) =>
          eb.or([
            eb('deploys.at', '<', cursor.at),
            eb.and([eb('deploys.at', '=', cursor.at), eb('deploys.seq', '<', cursor.seq)]),
          ]),
        );
      }
      if (service !== undefined) query = query.where('deploys.service', '=', service);
      if (status !== undefined) query = query.where('deploys.status', '=', status);
      if (fromMs !== undefined) query = query.where('deploys.at', '>=', fromMs);
      if (toMs !== undefined) query = query.where('deploys.at', '<', toMs);
      const rows = await query
        .orderBy('deploys.at', 'desc')
        .orderBy('deploys.seq', 'desc')
        .limit(limit)
        .execute();
      return rows.map(deployOf);
    },
  };
}

/** Deploys with the answer of the gate decision each names, which is never stored twice. */
function deploysWithDecision(db: Kysely<DatabaseSchema>) {
  return db
    .selectFrom('deploys')
    .leftJoin('deploy_decisions', 'deploy_decisions.id', 'deploys.decision_id')
    .selectAll('deploys')
    .select('deploy_decisions.allowed as decision_allowed');
}

/** A decision as the row's values, in column order: what both write paths store. */
/** A decision as one row, in decisionRow's order: the SQLite writer thread's statement. */
export const SQLITE_DECISION_INSERT =
  'insert into deploy_decisions (id, at, service, actor, requested_by, allowed, version, commit_sha, labels, decision) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export function decisionRow(record: DeployDecisionRecord): DecisionRow {
  return [
    record.id,
    record.at,
    record.service,
    record.actor,
    record.requestedBy,
    record.allowed ? 1 : 0,
    record.version,
    record.commit,
    encodeJson(record.labels),
    encodeJson(record.decision),
  ];
}

function approvalOf(row: Selectable<ApprovalsTable>): ApprovalGrantRecord {
  const scope = decodeJson(row.scope);
  return {
    id: row.id,
    service: row.service,
    approver: row.approver,
    approverRoles: decodeStringArray(row.approver_roles),
    requester: row.requester,
    reason: row.reason,
    scope: scope === 'all' ? 'all' : decodeStringArray(row.scope),
    grantedAt: row.granted_at,
    expiresAt: row.expires_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

function decisionOf(row: Selectable<DeployDecisionsTable>): DeployDecisionRecord {
  return {
    id: row.id,
    at: row.at,
    service: row.service,
    actor: row.actor,
    requestedBy: row.requested_by,
    allowed: row.allowed === 1,
    version: row.version,
    commit: row.commit_sha,
    labels: decodeStringArray(row.labels),
    decision: decodeJson(row.decision) as DeployDecision,
  };
}

const STATUSES: readonly DeployStatus[] = ['started', 'finished', 'failed', 'rolled_back'];

function deployOf(
  row: Selectable<DeploysTable> & { readonly decision_allowed: number | null },
): DeployRecord {
  return {
    id: row.id,
    service: row.service,
    status: STATUSES.find((status) => status === row.status) ?? 'started',
    version: row.version,
    commit: row.commit_sha,
    labels: decodeStringArray(row.labels),
    actor: row.actor,
    at: row.at,
    decisionId: row.decision_id,
    decisionAllowed: row.decision_allowed === null ? null : row.decision_allowed === 1,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  };
}
