// The Idempotency-Key header of a write a client may send again (an event batch, a
// deploy record): one key names one write, so a retry after a lost answer is stored
// once. Its bounds are the same wherever it is taken.
import { invalid } from './errors.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The header's value, or a 400 for an empty or overlong one. */
export function idempotencyKeyOf(key: string | undefined): string | undefined {
  if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw invalid(
      `${IDEMPOTENCY_KEY_HEADER} must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
    );
  }
  return key;
}
