// What both heartbeat screens show one way: the status as a word with a glyph (colour
// only repeats it), and the ping URL in a field with a copy button.
import { useId, useState } from 'react';
import type { Heartbeat, HeartbeatStatus } from '../../api/types';
import { formatInstant } from '../../format/time';

export const HEARTBEAT_STATUSES: readonly HeartbeatStatus[] = [
  'new',
  'up',
  'late',
  'down',
  'paused',
];

const STATUS_TEXT: Readonly<Record<HeartbeatStatus, { glyph: string; hint: string }>> = {
  new: { glyph: '○', hint: 'no run has pinged yet' },
  up: { glyph: '✓', hint: 'the last run pinged in time' },
  late: {
    glyph: '▲',
    hint: 'a run is overdue, or one has run past its max run time; still within its grace',
  },
  down: { glyph: '✕', hint: 'late beyond its grace, failed, or a run never finished' },
  paused: { glyph: '‖', hint: 'neither goes late nor pages until resumed' },
};

export function HeartbeatStatusBadge({ status }: { readonly status: HeartbeatStatus }) {
  const text = STATUS_TEXT[status];
  return (
    <span
      className={`badge heartbeat-status heartbeat-${status}`}
      title={text.hint}
      data-heartbeat-status={status}
    >
      <span aria-hidden="true">{text.glyph}</span> {status}
    </span>
  );
}

/** Why a check comes without its ping URL: the server gives it only to those who may change it. */
export const PING_URL_WITHHELD =
  "Shown to the editors of the check's team (and admins): whoever has it can report runs.";

/**
 * The ping URL, selectable, with a button that copies it (the clipboard may be refused);
 * without one (the token may not change the check), who sees it.
 */
export function PingUrl({
  url,
  label,
}: {
  readonly url: string | undefined;
  readonly label: string;
}) {
  if (url === undefined) {
    return (
      <span className="muted small" data-field="ping-url-withheld">
        {PING_URL_WITHHELD}
      </span>
    );
  }
  return <CopyableUrl url={url} label={label} />;
}

function CopyableUrl({ url, label }: { readonly url: string; readonly label: string }) {
  const id = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () => {
    const field = document.getElementById(id);
    const done = () => {
      setCopied('Copied');
    };
    const failed = () => {
      if (field instanceof HTMLInputElement) field.select();
      setCopied('Selected: copy it with Ctrl+C');
    };
    if (typeof navigator.clipboard === 'undefined') failed();
    else navigator.clipboard.writeText(url).then(done, failed);
  };
  return (
    <span className="ping-url">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="text"
        readOnly
        value={url}
        data-field="ping-url"
        onFocus={(event) => {
          event.target.select();
        }}
      />
      <button type="button" className="button" onClick={copy}>
        Copy<span className="visually-hidden"> {label}</span>
      </button>
      <span role="status" className="form-status">
        {copied}
      </span>
    </span>
  );
}

/** "2026-11-01 19:27 UTC", or what null means here. */
export function instantOr(iso: string | null, none: string, format: (iso: string) => string) {
  return iso === null ? <span className="muted">{none}</span> : format(iso);
}

/** "since 2026-12-07 16:16 UTC: a run failed", under a check's status. */
export function CauseLine({ cause }: { readonly cause: NonNullable<Heartbeat['cause']> }) {
  return (
    <div className="muted small" data-field="cause">
      since {formatInstant(cause.since)}: {cause.text}
    </div>
  );
}
