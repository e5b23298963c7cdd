// Secrets (API tokens, ingest keys): random, shown once, stored only as a hash.
// SHA-256 suffices: the secrets carry 192 random bits, nothing to guess or stretch.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'hr_';
export const INGEST_KEY_PREFIX = 'hri_';

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** A short public id for lists and the audit log. */
export function newPublicId(): string {
  return randomBytes(6).toString('hex');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
