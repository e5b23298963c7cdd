// Secrets (API tokens, ingest keys): random, shown once, stored only as a hash.
// SHA-256 suffices: the secrets carry 192 random bits, nothing to guess or stretch.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'hr_';
export const INGEST_KEY_PREFIX = 'hri_';

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/**
 * An alert integration key: 32 lowercase hex characters (128 random bits), the shape of a
 * PagerDuty routing key, so that senders which check that shape accept it.
 */
export function newIntegrationKey(): string {
  return randomBytes(16).toString('hex');
}

/** A short public id for lists and the audit log. */
export function newPublicId(): string {
  return randomBytes(6).toString('hex');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
