// Teams: read by everyone, changed by admins.
import type { TeamInput } from '../schema/api.js';
import { recordChange } from './audit.js';
import { conflict, notFound } from './errors.js';
import type { TeamRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { requireAdmin, requireReader, type Principal } from './principal.js';

export async function listTeams(
  { store }: AppDependencies,
  principal: Principal,
): Promise<TeamRecord[]> {
  requireReader(principal);
  return store.listTeams();
}

export async function getTeam(
  { store }: AppDependencies,
  principal: Principal,
  name: string,
): Promise<TeamRecord> {
  requireReader(principal);
  const team = await store.getTeam(name);
  if (team === undefined) throw notFound(`team "${name}"`);
  return team;
}

/**
 * The names of the services a team owns, sorted: by config where the catalog has the
 * service, else as stored. The catalog must be fresh enough for the caller.
 */
export async function teamServiceNames(
  { store, catalog }: AppDependencies,
  team: string,
): Promise<string[]> {
  return (await store.listServices())
    .filter((service) => (catalog.service(service.name)?.team ?? service.team) === team)
    .map((service) => service.name)
    .sort();
}

/** Creates or updates; unchanged input changes nothing and writes no audit entry. */
export async function putTeam(
  { store, clock }: AppDependencies,
  principal: Principal,
  input: TeamInput,
  mode: 'create' | 'upsert',
): Promise<{ team: TeamRecord; created: boolean }> {
  requireAdmin(principal, 'changing teams');
  return store.transaction(async (tx) => {
    const before = await tx.getTeam(input.name);
    if (before !== undefined && mode === 'create')
      throw conflict(`team "${input.name}" already exists`);
    const now = clock.now();
    const displayName = input.displayName ?? null;
    const toilCapPercent = input.toilCapPercent ?? null;
    if (
      before !== undefined &&
      before.displayName === displayName &&
      before.toilCapPercent === toilCapPercent
    )
      return { team: before, created: false };
    const team: TeamRecord = {
      name: input.name,
      displayName,
      toilCapPercent,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    };
    await tx.putTeam(team);
    await recordChange(tx, now, principal, {
      action: before === undefined ? 'create' : 'update',
      kind: 'Team',
      name: team.name,
      before: before ?? null,
      after: team,
    });
    return { team, created: before === undefined };
  });
}

export async function deleteTeam(
  { store, clock }: AppDependencies,
  principal: Principal,
  name: string,
): Promise<void> {
  requireAdmin(principal, 'deleting teams');
  await store.transaction(async (tx) => {
    const before = await tx.getTeam(name);
    if (before === undefined) throw notFound(`team "${name}"`);
    const owned = (await tx.listServices()).filter((service) => service.team === name);
    if (owned.length > 0) {
      throw conflict(
        `team "${name}" still owns ${owned.map((service) => `"${service.name}"`).join(', ')}; move or delete those services first`,
      );
    }
    await tx.deleteTeam(name);
    await recordChange(tx, clock.now(), principal, {
      action: 'delete',
      kind: 'Team',
      name,
      before,
      after: null,
    });
  });
}
