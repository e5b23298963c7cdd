// API tokens: admins create and revoke them; the secret is shown once.
import type { TokenInput } from '../schema/api.js';
import { recordChange } from './audit.js';
import { hashSecret, newPublicId, newSecret, TOKEN_PREFIX } from './credentials.js';
import { invalid, notFound } from './errors.js';
import type { TokenRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { requireAdmin, type Principal } from './principal.js';

export async function listTokens(
  { store }: AppDependencies,
  principal: Principal,
): Promise<TokenRecord[]> {
  requireAdmin(principal, 'listing tokens');
  return store.listTokens();
}

export async function createToken(
  { store, clock }: AppDependencies,
  principal: Principal,
  input: TokenInput,
): Promise<{ token: TokenRecord; secret: string }> {
  requireAdmin(principal, 'creating tokens');
  const now = clock.now();
  const expiresAt = input.expiresAt === undefined ? null : Date.parse(input.expiresAt);
  if (expiresAt !== null && expiresAt <= now) {
    throw invalid('the token would be expired already', [
      { path: 'expiresAt', message: 'expiresAt must be in the future' },
    ]);
  }
  if (input.role === 'editor' && input.teams.length === 0) {
    throw invalid('an editor token edits the services of given teams', [
      { path: 'teams', message: 'name at least one team for an editor token' },
    ]);
  }
  return store.transaction(async (tx) => {
    const teams = input.role === 'editor' ? [...new Set(input.teams)].sort() : [];
    for (const [index, team] of teams.entries()) {
      if ((await tx.getTeam(team)) === undefined) {
        throw invalid(`team "${team}" does not exist`, [
          { path: `teams[${index}]`, message: `no team "${team}"; create it first` },
        ]);
      }
    }
    if (input.user !== undefined && (await tx.getUser(input.user)) === undefined) {
      throw invalid(`user "${input.user}" does not exist`, [
        { path: 'user', message: `no user "${input.user}"` },
      ]);
    }
    const secret = newSecret(TOKEN_PREFIX);
    const token: TokenRecord = {
      id: newPublicId(),
      name: input.name,
      role: input.role,
      teams,
      user: input.user ?? null,
      createdAt: now,
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    };
    await tx.insertToken(token, hashSecret(secret));
    await recordChange(tx, now, principal, {
      action: 'create',
      kind: 'Token',
      name: token.id,
      before: null,
      after: token,
    });
    return { token, secret };
  });
}

export async function revokeToken(
  { store, clock, credentials }: AppDependencies,
  principal: Principal,
  id: string,
): Promise<void> {
  requireAdmin(principal, 'revoking tokens');
  await store.transaction(async (tx) => {
    const before = await tx.getToken(id);
    if (before === undefined) throw notFound(`token "${id}"`);
    if (before.revokedAt !== null) return;
    const now = clock.now();
    await tx.revokeToken(id, now);
    await recordChange(tx, now, principal, {
      action: 'delete',
      kind: 'Token',
      name: id,
      before,
      after: { ...before, revokedAt: now },
    });
  });
  credentials.forget();
}
