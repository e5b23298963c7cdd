// Database leases: one holder at a time for background work shared by instances.
import type { Kysely } from 'kysely';
import type { LeaseRepository } from '../app/ports/store.js';
import type { DatabaseSchema } from './schema.js';

export function leaseRepository(db: Kysely<DatabaseSchema>): LeaseRepository {
  return {
    async tryAcquireLease(name, holder, now, ttlMs) {
      await db
        .insertInto('leases')
        .values({ name, holder, expires_at: now + ttlMs, acquired_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      // One conditional update: atomic on both databases, so two contenders cannot both win.
      const result = await db
        .updateTable('leases')
        .set((eb) => ({
          expires_at: now + ttlMs,
          acquired_at: eb
            .case()
            .when('holder', '=', holder)
            .then(eb.ref('acquired_at'))
            .else(now)
            .end(),
          holder,
        }))
        .where('name', '=', name)
        .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async holdsLease(name, holder, now) {
      const row = await db
        .selectFrom('leases')
        .select('name')
        .where('name', '=', name)
        .where('holder', '=', holder)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    },
    async releaseLease(name, holder) {
      await db
        .updateTable('leases')
        .set({ expires_at: 0 })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .execute();
    },
  };
}
