// The audit trail: who changed what, when, with the before and after. Written in the
// same transaction as the change, so that neither exists without the other.
import type { AuditRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';
import { actorOf, requireReader, type Principal } from './principal.js';

export async function recordChange(
  store: Store,
  at: number,
  principal: Principal,
  change: Pick<AuditRecord, 'action' | 'kind' | 'name' | 'before' | 'after'>,
): Promise<void> {
  await store.appendAudit({ at, actor: actorOf(principal), ...change });
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
