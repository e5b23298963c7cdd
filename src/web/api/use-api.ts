// Reading one API resource into a component: loading, the data, forbidden (the token
// may not read it: the server's problem says what it lacks), or an error with a retry.
import { startTransition, useCallback, useEffect, useState } from 'react';
import { ApiError, apiGet } from './client';
import { takePrefetched } from './prefetch';

export type Load<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly data: T }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

export interface Resource<T> {
  readonly load: Load<T>;
  /** Asks again; the data shown stays until the new answer arrives. */
  readonly reload: () => void;
}

/** `path` null: nothing to read yet. */
export function useApi<T>(path: string | null): Resource<T> {
  const [load, setLoad] = useState<Load<T>>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => {
    setGeneration((value) => value + 1);
  }, []);

  useEffect(() => {
    if (path === null) return undefined;
    const controller = new AbortController();
    const request = takePrefetched<T>(path) ?? apiGet<T>(path, { signal: controller.signal });
    request.then(
      (data) => {
        if (controller.signal.aborted) return;
        // A transition renders in slices: a thousand SLOs arriving keep the page
        // answering input while they are drawn.
        startTransition(() => {
          setLoad({ kind: 'ok', data });
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setLoad(loadOfError(error));
      },
    );
    return () => {
      controller.abort();
    };
  }, [path, generation]);

  // A new path starts from loading, not from the previous path's data.
  const [shownPath, setShownPath] = useState(path);
  if (shownPath !== path) {
    setShownPath(path);
    setLoad({ kind: 'loading' });
  }
  return { load, reload };
}

export function loadOfError(error: unknown): Load<never> {
  if (error instanceof ApiError) {
    if (error.status === 403) return { kind: 'forbidden', message: error.message };
    if (error.status === 404) return { kind: 'not-found', message: error.message };
  }
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** Both loaded, or the first of them that is not. */
export function both<A, B>(a: Load<A>, b: Load<B>): Load<readonly [A, B]> {
  if (a.kind !== 'ok') return a;
  if (b.kind !== 'ok') return b;
  return { kind: 'ok', data: [a.data, b.data] };
}
