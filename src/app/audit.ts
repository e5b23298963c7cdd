// The audit trail: who changed what, when, with the before and after. Written in the
// same transaction as the change, so that neither exists without the other.
import type { AuditRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';
import { actorOf, requireReader, type Principal } from './principal.js';

/**
 * Audited kinds the catalog (sources/live-slos.ts) does not read: their changes are
 * kept in the trail but move no config generation, so that logging toil or opening a
 * page does not make every instance read and index every definition again. Any kind
 * not named here counts as a configuration change: a kind forgotten here costs a
 * needless reload, never a stale catalog.
 */
export const AUDIT_ONLY_KINDS: ReadonlySet<string> = new Set([
  'ToilEntry',
  'Token',
  'IngestKey',
  'PingKey',
  'AlertIntegration',
  'Page',
  'Team',
]);

/**
 * Keeps the change in the audit trail. `definition: false` says that this change of a
 * definition's kind touched only its running state (a heartbeat paused, its token
 * rotated), which no catalog holds.
 */
export async function recordChange(
  store: Store,
  at: number,
  principal: Principal,
  change: Pick<AuditRecord, 'action' | 'kind' | 'name' | 'before' | 'after'> & {
    readonly definition?: false;
  },
): Promise<void> {
  const { definition, ...entry } = change;
  await store.appendAudit({
    at,
    actor: actorOf(principal),
    ...entry,
    configChange: definition !== false && !AUDIT_ONLY_KINDS.has(change.kind),
  });
}

export async function listAudit(
  { store }: AppDependencies,
  principal: Principal,
  page: { readonly before?: number | undefined; readonly limit: number },
): Promise<AuditRecord[]> {
  requireReader(principal);
  return store.listAudit(
    page.before === undefined ? { limit: page.limit } : { before: page.before, limit: page.limit },
  );
}
