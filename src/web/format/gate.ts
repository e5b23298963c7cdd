// The deploy gate's answer shown one way everywhere: a glyph and a word for the state
// (colour only repeats them), and each reason in a line a person reads at a glance.
import type { GateReason, GateState } from '../api/types';
import { formatBudget } from './numbers';
import { formatInstant } from './time';

export const GATE_TEXT: Readonly<
  Record<GateState, { readonly glyph: string; readonly label: string; readonly hint: string }>
> = {
  allowed: { glyph: '✓', label: 'allowed', hint: 'nothing holds a deploy now' },
  approval: {
    glyph: '⚠',
    label: 'needs approval',
    hint: 'an approval (or a label the rule names) lets a deploy out',
  },
  denied: { glyph: '✕', label: 'denied', hint: 'a rule no approval lifts holds deploys' },
};

/** Denied first: those need people most. */
export const GATE_ORDER: readonly GateState[] = ['denied', 'approval', 'allowed'];

/** "freeze quarter-end until 2026-11-02 00:00 UTC", "SLO checkout-availability: budget exhausted". */
export function shortReason(reason: GateReason): string {
  const slo = reason.slo;
  switch (reason.kind) {
    case 'freeze':
      return reason.freeze === null
        ? 'a freeze is in force'
        : `freeze ${reason.freeze.name} until ${formatInstant(reason.freeze.until)}`;
    case 'budgetExhausted':
      return slo === null
        ? 'an error budget is exhausted'
        : `SLO ${slo.name}: budget exhausted (${formatBudget(slo.remaining)} left)`;
    case 'budgetBelow':
      return slo === null
        ? 'an error budget is low'
        : `SLO ${slo.name}: ${formatBudget(slo.remaining)} of budget left, below ${String(slo.thresholdPercent ?? '?')}%`;
    case 'burnAlert':
      return `SLO ${slo?.name ?? '?'}: a ${reason.alert?.severity ?? ''}-level burn alert fires`;
    case 'budgetUnknown':
      return `SLO ${slo?.name ?? '?'}: budget unknown (its source could not be read)`;
    case 'incident': {
      const incident = reason.incident;
      if (incident === null) return 'an incident is open';
      return incident.viaDependency
        ? `incident ${incident.id} open on dependency ${incident.service}`
        : `incident ${incident.id} open`;
    }
  }
}
