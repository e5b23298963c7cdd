// A runbook folded under its title, opened in place: the on-call screen's open pages and
// the incident screen show runbooks the same way.
import type { ReactNode } from 'react';
import { Markdown } from '../markdown/Markdown';

export function RunbookFold(props: {
  readonly runbook: { readonly name: string; readonly title: string; readonly markdown: string };
  /** After the title in the summary line: the runbook's name, its service… */
  readonly note?: ReactNode;
}) {
  const { runbook } = props;
  return (
    <details className="runbook-fold" data-runbook={runbook.name}>
      <summary>
        Runbook: <strong>{runbook.title}</strong>
        {props.note}
      </summary>
      <Markdown markdown={runbook.markdown} headingOffset={2} />
    </details>
  );
}
