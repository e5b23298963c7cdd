// A page's status written out with a glyph; the colour only repeats it.
import type { PageStatus } from '../api/types';

const STATUS_TEXT: Readonly<Record<PageStatus, { glyph: string; hint: string }>> = {
  triggered: { glyph: '▲', hint: 'nobody has acknowledged it: escalation goes on' },
  acknowledged: { glyph: '◐', hint: 'someone is on it: escalation stopped' },
  resolved: { glyph: '✓', hint: 'resolved with its alerts' },
};

export function PageStatusBadge({ status }: { readonly status: PageStatus }) {
  const text = STATUS_TEXT[status];
  return (
    <span
      className={`badge page-status page-${status}`}
      title={text.hint}
      data-page-status={status}
    >
      <span aria-hidden="true">{text.glyph}</span> {status}
    </span>
  );
}
