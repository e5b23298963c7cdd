import type { ReactNode } from 'react';

/** A titled section of a screen; the heading names it for screen readers too. */
export function Panel(props: {
  readonly title: string;
  readonly id: string;
  readonly actions?: ReactNode;
  readonly className?: string;
  readonly children: ReactNode;
}) {
  const headingId = `${props.id}-title`;
  return (
    <section
      className={`panel ${props.className ?? ''}`}
      aria-labelledby={headingId}
      data-panel={props.id}
    >
      <header className="panel-header">
        <h2 id={headingId}>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}
