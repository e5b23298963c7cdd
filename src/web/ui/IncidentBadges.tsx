import type { IncidentStatus } from '../api/types';
import { DEFAULT_SEVERITIES, severityLevel, STATUS_TEXT } from '../format/incident';

/** The status as glyph and word; colour only repeats it. */
export function IncidentStatusBadge({ status }: { readonly status: IncidentStatus }) {
  const text = STATUS_TEXT[status];
  return (
    <span
      className={`badge incident-status incident-${status}`}
      title={text.hint}
      data-incident-status={status}
    >
      <span aria-hidden="true">{text.glyph}</span> {status}
    </span>
  );
}

/** The severity's name; the known scale's first levels are outlined stronger. */
export function SeverityBadge(props: {
  readonly severity: string;
  readonly meaning?: string | null | undefined;
}) {
  const level = severityLevel(props.severity, DEFAULT_SEVERITIES);
  return (
    <span
      className={`badge severity severity-level-${level === null ? 'other' : String(level)}`}
      title={props.meaning ?? undefined}
      data-field="severity"
    >
      {props.severity}
    </span>
  );
}
