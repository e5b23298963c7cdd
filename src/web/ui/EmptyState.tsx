import type { ReactNode } from 'react';

/** What a new user sees instead of an empty list: what to do next. */
export function EmptyState(props: { readonly title: string; readonly children: ReactNode }) {
  return (
    <div className="empty-state" data-empty-state="">
      <h2>{props.title}</h2>
      {props.children}
    </div>
  );
}
