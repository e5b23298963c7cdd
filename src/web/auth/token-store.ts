// The API token of this browser tab. sessionStorage: it ends with the tab and is not
// sent anywhere by itself (no cookie), so another site cannot ride on it. No React
// here: main.tsx reads it before the app's script has loaded.
const KEY = 'headroom.token';

export interface Session {
  readonly token: string | null;
  /** Why the last session ended, shown on the sign-in screen. */
  readonly endedBecause: string | null;
}

let current: Session = { token: readToken(), endedBecause: null };
const listeners = new Set<() => void>();

function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    // Storage can be disabled (privacy settings); the session then lasts the page.
    return null;
  }
}

function publish(next: Session): void {
  current = next;
  for (const listener of listeners) listener();
}

export function currentToken(): string | null {
  return current.token;
}

export function signIn(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // Kept in memory only; see readToken.
  }
  publish({ token, endedBecause: null });
}

export function signOut(reason: string | null = null): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
  if (current.token === null && reason === current.endedBecause) return;
  publish({ token: null, endedBecause: reason });
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const currentSession = (): Session => current;
