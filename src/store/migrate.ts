// The one migration set, run at start on either database. A database migrated by a
// newer Headroom is refused: running old code on a newer schema would corrupt it.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as configResources from './migrations/0002-config-resources.js';
import * as deployGate from './migrations/0003-deploy-gate.js';
import * as paging from './migrations/0004-paging.js';
import * as incidents from './migrations/0005-incidents.js';
import * as heartbeats from './migrations/0006-heartbeats.js';
import * as toil from './migrations/0007-toil.js';
import * as heartbeatSlos from './migrations/0008-heartbeat-slos.js';
import * as heartbeatVersions from './migrations/0009-heartbeat-versions.js';
import * as peopleHours from './migrations/0010-people-hours.js';
import * as auditConfigChanges from './migrations/0011-audit-config-changes.js';
import * as heartbeatPingBodyBytes from './migrations/0012-heartbeat-ping-body-bytes.js';
import * as heartbeatPingsOneIndex from './migrations/0013-heartbeat-pings-one-index.js';
import * as pageServices from './migrations/0014-page-services.js';
import * as heartbeatPingsByAge from './migrations/0015-heartbeat-pings-by-age.js';
import * as heartbeatStateFolds from './migrations/0016-heartbeat-state-folds.js';
import * as retentionIndexes from './migrations/0017-retention-indexes.js';
import * as heartbeatPingChains from './migrations/0018-heartbeat-ping-chains.js';
import * as deployIdempotencyKeys from './migrations/0019-deploy-idempotency-keys.js';
import { dialectOf } from './codec.js';
import type { DatabaseSchema } from './schema.js';

/** In order; names sort in the order they run. Never rename or remove one. */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-config-resources': configResources,
  '0003-deploy-gate': deployGate,
  '0004-paging': paging,
  '0005-incidents': incidents,
  '0006-heartbeats': heartbeats,
  '0007-toil': toil,
  '0008-heartbeat-slos': heartbeatSlos,
  '0009-heartbeat-versions': heartbeatVersions,
  '0010-people-hours': peopleHours,
  '0011-audit-config-changes': auditConfigChanges,
  '0012-heartbeat-ping-body-bytes': heartbeatPingBodyBytes,
  '0013-heartbeat-pings-one-index': heartbeatPingsOneIndex,
  '0014-page-services': pageServices,
  '0015-heartbeat-pings-by-age': heartbeatPingsByAge,
  '0016-heartbeat-state-folds': heartbeatStateFolds,
  '0017-retention-indexes': retentionIndexes,
  '0018-heartbeat-ping-chains': heartbeatPingChains,
  '0019-deploy-idempotency-keys': deployIdempotencyKeys,
};

export const SCHEMA_VERSION = Object.keys(MIGRATIONS).length;

const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) };

export class SchemaTooNewError extends Error {
  constructor(readonly unknownMigrations: readonly string[]) {
    super(
      `the database was migrated by a newer Headroom (it has migration${unknownMigrations.length === 1 ? '' : 's'} ${unknownMigrations.join(', ')}; this binary knows up to ${Object.keys(MIGRATIONS).at(-1) ?? 'none'}): upgrade headroom, or point it at another database`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export async function migrateToLatest(db: Kysely<DatabaseSchema>): Promise<{ applied: string[] }> {
  const unknown = await migrationsUnknownToThisBinary(db);
  if (unknown.length > 0) throw new SchemaTooNewError(unknown);
  // Kysely looks for its own tables in every schema unless told which one: with another
  // schema's kysely_migration_lock visible it would skip creating ours.
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`
    .execute(db)
    .catch(() => ({ rows: [] as { schema: string | null }[] }));
  const schema = rows[0]?.schema ?? undefined;
  const migrator = new Migrator({
    db,
    provider,
    ...(schema === undefined || dialectOf(db as unknown as Kysely<unknown>) !== 'postgres'
      ? {}
      : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  }
  return {
    applied: (results ?? [])
      .filter((result) => result.status === 'Success')
      .map((result) => result.migrationName),
  };
}

/** True when every migration this binary knows has run. */
export async function isMigrated(db: Kysely<DatabaseSchema>): Promise<boolean> {
  const executed = await executedMigrations(db);
  return Object.keys(MIGRATIONS).every((name) => executed.includes(name));
}

async function migrationsUnknownToThisBinary(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const executed = await executedMigrations(db);
  return executed.filter((name) => !(name in MIGRATIONS));
}

async function executedMigrations(db: Kysely<DatabaseSchema>): Promise<string[]> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    return rows.map((row) => row.name);
  } catch {
    // No migration table yet: a fresh database.
    return [];
  }
}
