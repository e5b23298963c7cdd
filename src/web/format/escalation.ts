// A page's escalation in words, for the responder deciding whether to take it: who was
// told, who is next and when, or why nobody else will be.
import type { PageEscalation } from '../api/types.js';
import { formatInstant } from './time.js';

export function urgencyText(escalation: PageEscalation): string {
  return escalation.urgency === 'low'
    ? 'Low: level 1 is told once, it does not escalate'
    : 'High: escalates until acknowledged';
}

export function notifiedText(escalation: PageEscalation): string {
  const { notified } = escalation;
  if (notified === null) return 'Nobody yet';
  const rounds =
    escalation.rounds > 1
      ? `, round ${String(notified.round)} of ${String(escalation.rounds)}`
      : '';
  const levels = escalation.levels > 1 ? ` of ${String(escalation.levels)}` : '';
  const people = escalation.paged.length === 0 ? '' : `: ${escalation.paged.join(', ')}`;
  return `Level ${String(notified.level)}${levels}${rounds}${people}`;
}

export function nextText(escalation: PageEscalation): string {
  if (escalation.next !== null) {
    const round = escalation.next.round > 1 ? `, round ${String(escalation.next.round)}` : '';
    return `Level ${String(escalation.next.level)}${round} at ${formatInstant(escalation.next.at)} unless acknowledged`;
  }
  if (escalation.exhaustsAt !== null) {
    return `Nobody: the escalation runs out at ${formatInstant(escalation.exhaustsAt)} unless acknowledged`;
  }
  if (escalation.status === 'exhausted' && escalation.exhaustedAt !== null) {
    return `Nobody: the escalation ran out at ${formatInstant(escalation.exhaustedAt)}`;
  }
  if (escalation.status === 'escalating' && escalation.urgency === 'low') {
    return 'Nobody: low urgency';
  }
  return 'Nobody';
}

/** Whose e-mail waits for their working hours: a low-urgency page wakes nobody. */
export function heldText(escalation: PageEscalation): string | null {
  if (escalation.held.length === 0) return null;
  return escalation.held
    .map((notice) => `${notice.person}'s e-mail waits until ${formatInstant(notice.until)}`)
    .join('; ');
}
