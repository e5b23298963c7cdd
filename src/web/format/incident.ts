// Incidents shown one way everywhere: the status as a word with a glyph (colour only
// repeats it), roles as people say them, durations from the API's seconds.
import type { ActionItemPriority, IncidentRole, IncidentStatus } from '../api/types.js';

export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
];

export const STATUS_TEXT: Readonly<Record<IncidentStatus, { glyph: string; hint: string }>> = {
  investigating: { glyph: '◎', hint: 'the cause is not known yet' },
  identified: { glyph: '◆', hint: 'the cause is known; a fix is under way' },
  monitoring: { glyph: '◐', hint: 'a fix is out; watching that it holds' },
  resolved: { glyph: '✓', hint: 'the impact is over' },
};

export const INCIDENT_ROLES: readonly IncidentRole[] = [
  'commander',
  'communications',
  'operations',
  'scribe',
];

export const ROLE_LABELS: Readonly<Record<IncidentRole, string>> = {
  commander: 'Incident commander',
  communications: 'Communications lead',
  operations: 'Operations lead',
  scribe: 'Scribe',
};

/**
 * The severities offered when declaring: the API has no read of the organisation's
 * scale (IncidentSettings), so SEV1 to SEV4, the server's default, plus any severity an
 * incident already carries. The server refuses one its scale does not have.
 */
export const DEFAULT_SEVERITIES: readonly string[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

export const PRIORITY_TEXT: Readonly<Record<ActionItemPriority, string>> = {
  P1: 'P1: prevents a recurrence',
  P2: 'P2: reduces the impact',
  P3: 'P3: improves detection or process',
  P4: 'P4: no target',
};

/**
 * "1h 5m", "3d 4h", "45s" from the API's seconds: seconds only under a minute, minutes
 * dropped next to days. Null: not reached yet.
 */
export function formatSeconds(seconds: number | null, notYet = 'not yet'): string {
  if (seconds === null) return notYet;
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return `${String(whole)}s`;
  let minutes = Math.floor(whole / 60);
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const parts = [days > 0 ? `${days}d` : '', hours > 0 ? `${hours}h` : '', `${minutes}m`];
  const shown = parts.filter((part) => part !== '' && part !== '0m' && part !== '0h');
  if (shown.length === 0) return '0m';
  return (days > 0 ? shown.slice(0, 2) : shown).join(' ');
}

/** Severity levels by position: the first of the known scale is the most severe. */
export function severityLevel(severity: string, scale: readonly string[]): number | null {
  const index = scale.indexOf(severity);
  return index < 0 ? null : Math.min(index + 1, 4);
}
