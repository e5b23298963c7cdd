// Teams, users, API tokens and ingest keys.
import type { Kysely, Selectable } from 'kysely';
import type { DirectoryRepository } from '../app/ports/store.js';
import type { IngestKeyRecord, TeamRecord, TokenRecord, UserRecord } from '../app/ports/records.js';
import type { Role } from '../schema/api.js';
import {
  decodeDailyHours,
  decodeStringArray,
  decodeWorkingHours,
  encodeJson,
  encodeNullableJson,
} from './codec.js';
import type { ApiTokensTable, DatabaseSchema, IngestKeysTable } from './schema.js';

export function directoryRepository(db: Kysely<DatabaseSchema>): DirectoryRepository {
  return {
    async listTeams() {
      const rows = await db.selectFrom('teams').selectAll().orderBy('name').execute();
      return rows.map(teamOf);
    },
    async getTeam(name) {
      const row = await db
        .selectFrom('teams')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : teamOf(row);
    },
    async putTeam(team) {
      await db
        .insertInto('teams')
        .values({
          name: team.name,
          display_name: team.displayName,
          toil_cap_percent: team.toilCapPercent,
          created_at: team.createdAt,
          updated_at: team.updatedAt,
        })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({
            display_name: team.displayName,
            toil_cap_percent: team.toilCapPercent,
            updated_at: team.updatedAt,
          }),
        )
        .execute();
    },
    async deleteTeam(name) {
      await db.deleteFrom('team_members').where('team', '=', name).execute();
      await db.deleteFrom('teams').where('name', '=', name).execute();
    },

    async listUsers() {
      const rows = await db.selectFrom('users').selectAll().orderBy('name').execute();
      const members = await db.selectFrom('team_members').selectAll().orderBy('team').execute();
      return rows.map((row) =>
        userOf(
          row,
          members.filter((member) => member.user_name === row.name).map((member) => member.team),
        ),
      );
    },
    async getUser(name) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const members = await db
        .selectFrom('team_members')
        .select('team')
        .where('user_name', '=', name)
        .orderBy('team')
        .execute();
      return userOf(
        row,
        members.map((member) => member.team),
      );
    },
    async putUser(user) {
      await db
        .insertInto('users')
        .values({
          name: user.name,
          display_name: user.displayName,
          email: user.email,
          time_zone: user.timeZone,
          roles: encodeJson(user.roles),
          working_hours: encodeNullableJson(user.workingHours),
          sleep_hours: encodeNullableJson(user.sleepHours),
          created_at: user.createdAt,
          updated_at: user.updatedAt,
        })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({
            display_name: user.displayName,
            email: user.email,
            time_zone: user.timeZone,
            roles: encodeJson(user.roles),
            working_hours: encodeNullableJson(user.workingHours),
            sleep_hours: encodeNullableJson(user.sleepHours),
            updated_at: user.updatedAt,
          }),
        )
        .execute();
      await db.deleteFrom('team_members').where('user_name', '=', user.name).execute();
      if (user.teams.length > 0) {
        await db
          .insertInto('team_members')
          .values(user.teams.map((team) => ({ team, user_name: user.name })))
          .execute();
      }
    },
    async deleteUser(name) {
      await db.deleteFrom('team_members').where('user_name', '=', name).execute();
      await db.deleteFrom('users').where('name', '=', name).execute();
    },

    async listTokens() {
      const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
      return rows.map(tokenOf);
    },
    async countTokens() {
      const row = await db
        .selectFrom('api_tokens')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return row.count;
    },
    async insertToken(token, tokenHash) {
      await db
        .insertInto('api_tokens')
        .values({
          id: token.id,
          name: token.name,
          token_hash: tokenHash,
          role: token.role,
          teams: encodeJson(token.teams),
          user_name: token.user,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          last_used_at: token.lastUsedAt,
          revoked_at: token.revokedAt,
        })
        .execute();
    },
    async findTokenByHash(tokenHash) {
      const row = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row === undefined ? undefined : tokenOf(row);
    },
    async getToken(id) {
      const row = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : tokenOf(row);
    },
    async touchToken(id, at) {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async revokeToken(id, at) {
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async listIngestKeys(service) {
      const rows = await db
        .selectFrom('ingest_keys')
        .selectAll()
        .where('service', '=', service)
        .orderBy('created_at')
        .execute();
      return rows.map(ingestKeyOf);
    },
    async insertIngestKey(key, keyHash) {
      await db
        .insertInto('ingest_keys')
        .values({
          id: key.id,
          name: key.name,
          service: key.service,
          key_hash: keyHash,
          created_at: key.createdAt,
          revoked_at: key.revokedAt,
        })
        .execute();
    },
    async findIngestKeyByHash(keyHash) {
      const row = await db
        .selectFrom('ingest_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row === undefined ? undefined : ingestKeyOf(row);
    },
    async getIngestKey(id) {
      const row = await db
        .selectFrom('ingest_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : ingestKeyOf(row);
    },
    async revokeIngestKey(id, at) {
      await db
        .updateTable('ingest_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
  };
}

function teamOf(row: Selectable<DatabaseSchema['teams']>): TeamRecord {
  return {
    name: row.name,
    displayName: row.display_name,
    toilCapPercent: row.toil_cap_percent,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function userOf(row: Selectable<DatabaseSchema['users']>, teams: string[]): UserRecord {
  return {
    name: row.name,
    displayName: row.display_name,
    email: row.email,
    timeZone: row.time_zone,
    teams,
    roles: decodeStringArray(row.roles),
    workingHours: decodeWorkingHours(row.working_hours),
    sleepHours: decodeDailyHours(row.sleep_hours),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function tokenOf(row: Selectable<ApiTokensTable>): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    teams: decodeStringArray(row.teams),
    user: row.user_name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function ingestKeyOf(row: Selectable<IngestKeysTable>): IngestKeyRecord {
  return {
    id: row.id,
    name: row.name,
    service: row.service,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
