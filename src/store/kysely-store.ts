// The storage port implemented with Kysely, for SQLite and PostgreSQL alike.
import { sql, type Kysely } from 'kysely';
import type { Store } from '../app/ports/store.js';
import { alertRepository } from './alert-repository.js';
import { auditRepository } from './audit-repository.js';
import type { Dialect } from './codec.js';
import { directoryRepository } from './directory-repository.js';
import { eventRepository } from './event-repository.js';
import { leaseRepository } from './lease-repository.js';
import { resourceRepository } from './resource-repository.js';
import type { DatabaseSchema } from './schema.js';

export function kyselyStore(
  db: Kysely<DatabaseSchema>,
  dialect: Dialect,
  inTransaction = false,
): Store {
  return {
    ...directoryRepository(db),
    ...resourceRepository(db),
    ...eventRepository(db, dialect),
    ...alertRepository(db),
    ...leaseRepository(db),
    ...auditRepository(db),
    async transaction(work) {
      // Nested calls join the transaction already open.
      if (inTransaction) return work(kyselyStore(db, dialect, true));
      return db.transaction().execute((trx) => work(kyselyStore(trx, dialect, true)));
    },
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
  };
}
