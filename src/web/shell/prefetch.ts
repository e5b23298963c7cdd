// The reads a screen starts with, asked for before React starts (see api/prefetch.ts).
import { currentToken } from '../auth/token-store';
import { prefetch } from '../api/prefetch';
import { parseRoute } from '../router/routes';

export function prefetchScreen(pathname: string): void {
  if (currentToken() === null) return;
  const route = parseRoute(pathname);
  // The overview is the heavy one: every status of every SLO. (Schedules are read by
  // a panel that mounts once these have arrived.)
  if (route.screen === 'overview') {
    prefetch(['/api/v1/services', '/api/v1/status', '/api/v1/incidents?status=open']);
  }
}
