// What authentication remembers between requests: the principal a credential stood
// for a moment ago (so that a hot read path does not query the database per request),
// and when each token's last use was written. A revocation on this instance forgets
// at once; other instances stop accepting a revoked credential within the TTL.
import type { Principal } from './principal.js';

/** How long a looked-up credential is trusted without asking the database again. */
export const CREDENTIAL_TTL_MS = 1000;

interface Remembered {
  readonly principal: Principal;
  readonly until: number;
}

export class CredentialCache {
  /** By the kind of credential and its hash: a token is never taken for an ingest key. */
  private readonly principals = new Map<string, Remembered>();
  private readonly touched = new Map<string, number>();

  principalFor(key: string, now: number): Principal | undefined {
    const remembered = this.principals.get(key);
    if (remembered === undefined) return undefined;
    if (remembered.until > now) return remembered.principal;
    this.principals.delete(key);
    return undefined;
  }

  remember(key: string, principal: Principal, now: number): void {
    // Bounded: a flood of distinct (bad) credentials is never remembered, and good
    // ones are few; drop everything rather than keep an unbounded map.
    if (this.principals.size >= 10_000) this.principals.clear();
    this.principals.set(key, { principal, until: now + CREDENTIAL_TTL_MS });
  }

  /** When the token's last use was last written by this instance. */
  lastTouched(tokenId: string): number | undefined {
    return this.touched.get(tokenId);
  }

  touch(tokenId: string, at: number): void {
    this.touched.set(tokenId, at);
  }

  /** After a revocation: nothing remembered is trusted any more. */
  forget(): void {
    this.principals.clear();
  }
}
