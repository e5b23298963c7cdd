// Users: the people behind tokens, schedules and pages. Changed by admins.
import type { UserInput } from '../schema/api.js';
import { recordChange } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import type { UserRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { requireAdmin, requireReader, type Principal } from './principal.js';
import { isValidTimeZone } from '../core/time/calendar.js';
import { WEEKDAYS, type Weekday } from '../core/oncall/local-time.js';
import type { DailyHours } from '../core/reports/working-time.js';

export async function listUsers(
  { store }: AppDependencies,
  principal: Principal,
): Promise<UserRecord[]> {
  requireReader(principal);
  return store.listUsers();
}

export async function getUser(
  { store }: AppDependencies,
  principal: Principal,
  name: string,
): Promise<UserRecord> {
  requireReader(principal);
  const user = await store.getUser(name);
  if (user === undefined) throw notFound(`user "${name}"`);
  return user;
}

export async function putUser(
  { store, clock, catalog }: AppDependencies,
  principal: Principal,
  input: UserInput,
  mode: 'create' | 'upsert',
): Promise<{ user: UserRecord; created: boolean }> {
  requireAdmin(principal, 'changing users');
  if (!isValidTimeZone(input.timeZone)) {
    throw invalid('the time zone is not an IANA zone', [
      {
        path: 'timeZone',
        message: `unknown time zone ${JSON.stringify(input.timeZone)}; e.g. Europe/Amsterdam`,
      },
    ]);
  }
  const result = await store.transaction(async (tx) => {
    const before = await tx.getUser(input.name);
    if (before !== undefined && mode === 'create')
      throw conflict(`user "${input.name}" already exists`);
    const teams = [...new Set(input.teams)].sort();
    for (const [index, team] of teams.entries()) {
      if ((await tx.getTeam(team)) === undefined) {
        throw invalid(`team "${team}" does not exist`, [
          { path: `teams[${index}]`, message: `no team "${team}"; create it first` },
        ]);
      }
    }
    const now = clock.now();
    const fields = {
      name: input.name,
      displayName: input.displayName ?? null,
      email: input.email ?? null,
      timeZone: input.timeZone,
      teams,
      roles: [...new Set(input.roles)].sort(),
      workingHours:
        input.workingHours === undefined
          ? null
          : { ...input.workingHours, days: sortedWeekdays(input.workingHours.days) },
      sleepHours: input.sleepHours ?? null,
    };
    if (before !== undefined && sameUser(before, fields)) return { user: before, created: false };
    const user: UserRecord = { ...fields, createdAt: before?.createdAt ?? now, updatedAt: now };
    await tx.putUser(user);
    await recordChange(tx, now, principal, {
      action: before === undefined ? 'create' : 'update',
      kind: 'User',
      name: user.name,
      before: before ?? null,
      after: user,
    });
    return { user, created: before === undefined };
  });
  // The gate reads approvers' roles from the catalog: the next check here must see these.
  await catalog.refresh();
  return result;
}

export async function deleteUser(
  { store, clock, catalog }: AppDependencies,
  principal: Principal,
  name: string,
): Promise<void> {
  requireAdmin(principal, 'deleting users');
  await store.transaction(async (tx) => {
    const before = await tx.getUser(name);
    if (before === undefined) throw notFound(`user "${name}"`);
    await tx.deleteUser(name);
    await recordChange(tx, clock.now(), principal, {
      action: 'delete',
      kind: 'User',
      name,
      before,
      after: null,
    });
  });
  await catalog.refresh();
}

function sameUser(a: UserRecord, b: Omit<UserRecord, 'createdAt' | 'updatedAt'>): boolean {
  return (
    a.displayName === b.displayName &&
    a.email === b.email &&
    a.timeZone === b.timeZone &&
    a.teams.join('\n') === b.teams.join('\n') &&
    a.roles.join('\n') === b.roles.join('\n') &&
    sameHours(a.workingHours, b.workingHours) &&
    sameHours(a.sleepHours, b.sleepHours)
  );
}

function sameHours(
  a: (DailyHours & { readonly days?: readonly string[] }) | null,
  b: (DailyHours & { readonly days?: readonly string[] }) | null,
): boolean {
  if (a === null || b === null) return a === b;
  return a.start === b.start && a.end === b.end && a.days?.join() === b.days?.join();
}

/** In week order, Monday first, so that the same week reads back the same. */
function sortedWeekdays(days: readonly Weekday[]): Weekday[] {
  return WEEKDAYS.filter((day) => days.includes(day));
}
