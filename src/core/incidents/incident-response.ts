// When an incident calls for the incident-response rotation: for the same reasons as a
// page (a critical-tier service, services of several teams; alerts/escalation.ts) and,
// for an incident, its severity. The rotation is paged once per incident: when the
// first reason appears, not again when another reason joins or an update is posted.
import {
  incidentResponseReasons,
  type IncidentResponseReason,
  type IncidentResponseRule,
} from '../alerts/escalation.js';
import { severityLevel, type IncidentEvent, type SeverityLevel } from './model.js';

export type IncidentResponsePullReason = IncidentResponseReason | 'severity';

/**
 * Why the incident-response rotation joins an incident of these services and this
 * severity; empty: it does not. A severity the scale no longer has pulls nobody.
 */
export function incidentResponseReasonsForIncident(
  services: readonly string[],
  severity: string,
  severities: readonly SeverityLevel[],
  rule: IncidentResponseRule,
): IncidentResponsePullReason[] {
  const reasons: IncidentResponsePullReason[] = incidentResponseReasons(services, rule);
  if (severityLevel(severities, severity)?.pullsIncidentResponse === true) {
    reasons.push('severity');
  }
  return reasons;
}

/**
 * The reasons the rotation joins because of a change from `before` to `after` (the
 * reasons of the incident before and after an event): all of `after`'s when nothing
 * pulled the rotation before and something does now, else none. A new reason for a
 * rotation that is already there pages nobody.
 */
export function newlyPullingReasons(
  before: readonly IncidentResponsePullReason[],
  after: readonly IncidentResponsePullReason[],
): IncidentResponsePullReason[] {
  return before.length === 0 ? [...after] : [];
}

export interface IncidentResponsePull {
  /** The 0-based index of the event that first pulled the rotation. */
  readonly index: number;
  readonly at: number;
  readonly reasons: readonly IncidentResponsePullReason[];
}

/**
 * The event that first made the incident call for the rotation, over its whole
 * history; undefined: none has. The app pages the rotation when the event it just
 * stored is this one. Unlike comparing the states just before and after an event,
 * this pages once even when a severity is lowered and raised again or a service is
 * removed and added back.
 */
export function firstIncidentResponsePull(
  events: readonly IncidentEvent[],
  severities: readonly SeverityLevel[],
  rule: IncidentResponseRule,
): IncidentResponsePull | undefined {
  let services: readonly string[] = [];
  let severity = '';
  for (const [index, event] of events.entries()) {
    if (event.type === 'declared') {
      ({ services, severity } = event);
    } else if (event.type === 'severity') {
      severity = event.severity;
    } else if (event.type === 'services') {
      services = [...services.filter((s) => !event.removed.includes(s)), ...event.added];
    } else {
      continue;
    }
    const reasons = incidentResponseReasonsForIncident(services, severity, severities, rule);
    if (reasons.length > 0) return { index, at: event.at, reasons };
  }
  return undefined;
}
