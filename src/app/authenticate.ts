// Turning a bearer credential into a principal.
import { AppError } from './errors.js';
import { hashSecret, INGEST_KEY_PREFIX } from './credentials.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { CREDENTIAL_TTL_MS } from './credential-cache.js';
import type { Principal } from './principal.js';

const TOUCH_INTERVAL_MS = 60_000;

const unauthenticated = (message: string): AppError => new AppError('UNAUTHENTICATED', message);

export async function authenticateToken(
  { store, clock, credentials }: Pick<AppDependencies, 'store' | 'clock' | 'credentials'>,
  credential: string | undefined,
): Promise<Principal> {
  if (credential === undefined) {
    throw unauthenticated('send an API token: Authorization: Bearer <token>');
  }
  if (credential.startsWith(INGEST_KEY_PREFIX)) {
    throw unauthenticated('this is an ingest key; it only sends events (POST /api/v1/events)');
  }
  const hash = hashSecret(credential);
  const now = clock.now();
  const known = credentials.principalFor(`token ${hash}`, now);
  if (known !== undefined) return known;
  const token = await store.findTokenByHash(hash);
  if (token === undefined) throw unauthenticated('the API token is not known');
  if (token.revokedAt !== null) throw unauthenticated('the API token was revoked');
  if (token.expiresAt !== null && token.expiresAt <= now) {
    throw unauthenticated('the API token has expired');
  }
  // Last use to the minute is enough. Remembering here when it was written spares a
  // write per request, and a burst of writes when the minute turns under load.
  const last = Math.max(
    token.lastUsedAt ?? Number.NEGATIVE_INFINITY,
    credentials.lastTouched(token.id) ?? Number.NEGATIVE_INFINITY,
  );
  if (now - last >= TOUCH_INTERVAL_MS) {
    credentials.touch(token.id, now);
    await store.touchToken(token.id, now);
  }
  const principal: Principal = {
    kind: 'token',
    tokenId: token.id,
    name: token.name,
    role: token.role,
    teams: new Set(token.role === 'editor' ? token.teams : []),
    user: token.user,
  };
  // An expiring token is not remembered past its expiry.
  if (token.expiresAt === null || token.expiresAt > now + CREDENTIAL_TTL_MS) {
    credentials.remember(`token ${hash}`, principal, now);
  }
  return principal;
}

export async function authenticateIngestKey(
  { store, clock, credentials }: Pick<AppDependencies, 'store' | 'clock' | 'credentials'>,
  credential: string | undefined,
): Promise<Principal> {
  if (credential === undefined) {
    throw unauthenticated(
      "send the service's ingest key: Authorization: Bearer hri_… (create one with POST /api/v1/services/{name}/ingest-keys)",
    );
  }
  const hash = hashSecret(credential);
  const now = clock.now();
  const known = credentials.principalFor(`ingest ${hash}`, now);
  if (known !== undefined) return known;
  const key = await store.findIngestKeyByHash(hash);
  if (key === undefined) throw unauthenticated('the ingest key is not known');
  if (key.revokedAt !== null) throw unauthenticated('the ingest key was revoked');
  const principal: Principal = { kind: 'ingest', keyId: key.id, service: key.service };
  credentials.remember(`ingest ${hash}`, principal, now);
  return principal;
}
