// The reads a screen starts with, asked for before React starts (see api/prefetch.ts).
import { currentToken } from '../auth/token-store';
import { prefetch } from '../api/prefetch';
import { parseRoute } from '../router/routes';

/** The overview's one read (screens/overview/OverviewScreen.tsx reads the same path). */
const OVERVIEW_PATH = '/api/v1/overview';

export function prefetchScreen(pathname: string): void {
  if (currentToken() === null) return;
  const route = parseRoute(pathname);
  // The overview is the heavy one: every SLO, every service's gate, in one answer.
  if (route.screen === 'overview') prefetch([OVERVIEW_PATH]);
}
