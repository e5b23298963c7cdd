// The session as React state; the token itself lives in token-store.ts.
import { useSyncExternalStore } from 'react';
import { currentSession, subscribe, type Session } from './token-store';

export { signIn, signOut, type Session } from './token-store';

export function useSession(): Session {
  return useSyncExternalStore(subscribe, currentSession);
}
