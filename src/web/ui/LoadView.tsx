// The four ways a read can end, drawn the same everywhere. Forbidden says what the token
// lacks, in the server's words (its problem+json detail), so that the person knows which
// token to ask for; a section that is optional for a token hides itself before this.
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
      return <ErrorBox title={`This token may not read ${what}`} message={load.message} />;
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
