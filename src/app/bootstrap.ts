// The first admin token of an empty database, so that a new installation can be used.
import { recordChange } from './audit.js';
import { hashSecret, newPublicId, newSecret, TOKEN_PREFIX } from './credentials.js';
import { invalid } from './errors.js';
import type { TokenRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';

const MIN_BOOTSTRAP_LENGTH = 24;

/**
 * Creates an admin token when no token exists. Uses `given` (HEADROOM_BOOTSTRAP_TOKEN)
 * when set. Returns the token to print once, or undefined when tokens already exist
 * or the given one was used (its owner knows it).
 */
export async function bootstrapAdminToken(
  { store, clock }: Pick<AppDependencies, 'store' | 'clock'>,
  given: string | undefined,
): Promise<{ readonly token: string; readonly generated: boolean } | undefined> {
  if (given !== undefined && given.length < MIN_BOOTSTRAP_LENGTH) {
    throw invalid(
      `HEADROOM_BOOTSTRAP_TOKEN must be at least ${MIN_BOOTSTRAP_LENGTH} characters of random text`,
    );
  }
  return store.transaction(async (tx) => {
    if ((await tx.countTokens()) > 0) return undefined;
    const now = clock.now();
    const secret = given ?? newSecret(TOKEN_PREFIX);
    const token: TokenRecord = {
      id: newPublicId(),
      name: 'bootstrap admin',
      role: 'admin',
      teams: [],
      user: null,
      createdAt: now,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    };
    await tx.insertToken(token, hashSecret(secret));
    await recordChange(
      tx,
      now,
      { kind: 'system' },
      {
        action: 'create',
        kind: 'Token',
        name: token.id,
        before: null,
        after: token,
      },
    );
    return { token: secret, generated: given === undefined };
  });
}
