// Turning a bearer credential into a principal.
import { AppError } from './errors.js';
import { hashSecret, INGEST_KEY_PREFIX } from './credentials.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Principal } from './principal.js';

const unauthenticated = (message: string): AppError => new AppError('UNAUTHENTICATED', message);

export async function authenticateToken(
  { store, clock }: Pick<AppDependencies, 'store' | 'clock'>,
  credential: string | undefined,
): Promise<Principal> {
  if (credential === undefined) {
    throw unauthenticated('send an API token: Authorization: Bearer <token>');
  }
  if (credential.startsWith(INGEST_KEY_PREFIX)) {
    throw unauthenticated('this is an ingest key; it only sends events (POST /api/v1/events)');
  }
  const token = await store.findTokenByHash(hashSecret(credential));
  const now = clock.now();
  if (token === undefined) throw unauthenticated('the API token is not known');
  if (token.revokedAt !== null) throw unauthenticated('the API token was revoked');
  if (token.expiresAt !== null && token.expiresAt <= now) {
    throw unauthenticated('the API token has expired');
  }
  // Last use to the minute is enough, and spares a write per request.
  if (token.lastUsedAt === null || now - token.lastUsedAt >= 60_000) {
    await store.touchToken(token.id, now);
  }
  return {
    kind: 'token',
    tokenId: token.id,
    name: token.name,
    role: token.role,
    teams: new Set(token.role === 'editor' ? token.teams : []),
  };
}

export async function authenticateIngestKey(
  { store }: Pick<AppDependencies, 'store'>,
  credential: string | undefined,
): Promise<Principal> {
  if (credential === undefined) {
    throw unauthenticated(
      "send the service's ingest key: Authorization: Bearer hri_… (create one with POST /api/v1/services/{name}/ingest-keys)",
    );
  }
  const key = await store.findIngestKeyByHash(hashSecret(credential));
  if (key === undefined) throw unauthenticated('the ingest key is not known');
  if (key.revokedAt !== null) throw unauthenticated('the ingest key was revoked');
  return { kind: 'ingest', keyId: key.id, service: key.service };
}
