// The four ways a read can end, drawn the same everywhere. Forbidden draws nothing:
// the UI never shows what the token may not read, not even as an error.
import type { ReactNode } from 'react';
import type { Load } from '../api/use-api';

interface LoadViewProps<T> {
  readonly load: Load<T>;
  /** What is loading, for screen readers and the error text: "SLO status". */
  readonly what: string;
  readonly retry?: () => void;
  readonly children: (data: T) => ReactNode;
}

export function LoadView<T>({ load, what, retry, children }: LoadViewProps<T>) {
  switch (load.kind) {
    case 'ok':
      return <>{children(load.data)}</>;
    case 'loading':
      return <Loading what={what} />;
    case 'forbidden':
      return null;
    case 'not-found':
      return <ErrorBox title={`No such ${what}`} message={load.message} />;
    case 'error':
      return <ErrorBox title={`Could not load ${what}`} message={load.message} retry={retry} />;
  }
}

export function Loading({ what }: { readonly what: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function ErrorBox(props: {
  readonly title: string;
  readonly message: string;
  readonly retry?: (() => void) | undefined;
}) {
  return (
    <div className="error-box" role="alert">
      <strong>{props.title}</strong>
      <p>{props.message}</p>
      {props.retry === undefined ? null : (
        <button type="button" className="button" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}
