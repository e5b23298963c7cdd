// Database leases: one holder at a time for background work shared by instances.
import type { Kysely } from 'kysely';
import type { LeaseRepository } from '../app/ports/store.js';
import type { DatabaseSchema } from './schema.js';

export function leaseRepository(db: Kysely<DatabaseSchema>): LeaseRepository {
  return {
    async tryAcquireLease(name, holder, now, ttlMs) {
      // One conditional update: atomic on both databases, so two contenders cannot both win.
      // It is the only write of a tick that renews: a write is a commit, and on SQLite
      // one that waits for the writer thread.
      const taken = await db
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
      if (Number(taken.numUpdatedRows) > 0) return true;
      // No row yet, or another holder's: of contenders inserting the first row, one wins.
      const inserted = await db
        .insertInto('leases')
        .values({ name, holder, expires_at: now + ttlMs, acquired_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
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
