// Where a page's escalation stands, as a responder asks it: which level was told last,
// who is next and when, and whether it escalates at all (urgency). Read from the
// stored state only: what it says must match what `advance` will do.
import type { EscalationState, EscalationStatus, Urgency } from './escalation.js';

/** A level of the policy in one run through the levels, both 1-based. */
export interface EscalationPosition {
  readonly level: number;
  readonly round: number;
}

export interface EscalationProgress {
  readonly policy: string;
  readonly urgency: Urgency;
  readonly status: EscalationStatus;
  /** Levels in this escalation (a low-urgency page runs level 1 only). */
  readonly levels: number;
  readonly rounds: number;
  /** The last step sent; undefined before level 1 was notified. */
  readonly notified: EscalationPosition | undefined;
  /** The step due next and when; undefined when nothing more will be sent. */
  readonly next: (EscalationPosition & { readonly at: number }) | undefined;
  /** When the last level's timeout ends with nobody acknowledging; undefined otherwise. */
  readonly exhaustsAt: number | undefined;
  readonly exhaustedAt: number | undefined;
  /** Everyone notified so far, in order. */
  readonly paged: readonly string[];
}

export function escalationProgress(state: EscalationState): EscalationProgress {
  const levels = state.levels.length;
  const total = levels * state.passes;
  const positionOf = (step: number): EscalationPosition => ({
    level: (step % levels) + 1,
    round: Math.floor(step / levels) + 1,
  });
  const pending = state.status === 'escalating' ? state.nextDueAt : undefined;
  return {
    policy: state.policy,
    urgency: state.urgency ?? 'high',
    status: state.status,
    levels,
    rounds: state.passes,
    notified: state.step === 0 || levels === 0 ? undefined : positionOf(state.step - 1),
    next:
      pending === undefined || state.step >= total
        ? undefined
        : { ...positionOf(state.step), at: pending },
    exhaustsAt: pending !== undefined && state.step >= total ? pending : undefined,
    exhaustedAt: state.exhaustedAt,
    paged: state.paged,
  };
}
