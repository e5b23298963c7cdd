// Reads started before React: kept here until the component that needs them asks.
import { subscribe } from '../auth/token-store';
import { apiGet } from './client';

const prefetched = new Map<string, Promise<unknown>>();

// Answers read with another session's token (or refused with it) are of no use after
// a sign-in or sign-out.
subscribe(() => {
  prefetched.clear();
});

/**
 * Starts reads before the first render, so that the network works while React starts
 * (main.tsx); the first useApi of each path takes its answer. With 1,000 SLOs the
 * overview renders that much sooner (bench/web.ts). Only reads the screen makes as it
 * mounts belong here: an answer nobody takes would be served, stale, later.
 */
export function prefetch(paths: readonly string[]): void {
  for (const path of paths) {
    const request = apiGet(path);
    // Failures are reported by the useApi that takes the request.
    request.catch(() => undefined);
    prefetched.set(path, request);
  }
}

export function takePrefetched<T>(path: string): Promise<T> | undefined {
  const request = prefetched.get(path) as Promise<T> | undefined;
  prefetched.delete(path);
  return request;
}
