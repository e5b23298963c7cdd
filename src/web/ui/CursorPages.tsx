// Paging back through a newest-first list the API cuts with `before` (the last id
// shown): the service's deploys and its gate decisions page the same way.
import { useState } from 'react';

export interface CursorPages {
  /** The cursor of the page shown; undefined on the first (most recent) page. */
  readonly before: string | undefined;
  /** `limit`, and `before` once paged back: the list's query parameters. */
  readonly query: string;
  /** Back to the page before, or null on the first page. */
  readonly newer: (() => void) | null;
  /** Past the page shown, or null when it is short: a short page has nothing behind it. */
  older(list: readonly { readonly id: string }[]): (() => void) | null;
}

export function useCursorPages(size: number): CursorPages {
  // The last id of each page gone back past: the API's cursor, and the way forward again.
  const [cursors, setCursors] = useState<readonly string[]>([]);
  const before = cursors.at(-1);
  return {
    before,
    query: `limit=${String(size)}${before === undefined ? '' : `&before=${encodeURIComponent(before)}`}`,
    newer:
      before === undefined
        ? null
        : () => {
            setCursors((previous) => previous.slice(0, -1));
          },
    older: (list) => {
      const last = list.at(-1);
      if (list.length < size || last === undefined) return null;
      return () => {
        setCursors((previous) => [...previous, last.id]);
      };
    },
  };
}

/** "Newer …" and "Older …", each only where there is a page that way. */
export function PageButtons(props: {
  /** What the list holds: "deploys", "decisions". */
  readonly what: string;
  readonly newer: (() => void) | null;
  readonly older: (() => void) | null;
}) {
  if (props.newer === null && props.older === null) return null;
  return (
    <p className="list-pages" data-field="pages">
      {props.newer === null ? null : (
        <button type="button" className="button" onClick={props.newer}>
          Newer {props.what}
        </button>
      )}{' '}
      {props.older === null ? null : (
        <button type="button" className="button" onClick={props.older}>
          Older {props.what}
        </button>
      )}
    </p>
  );
}
