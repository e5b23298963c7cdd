// The deploy gate's answer shown one way everywhere: a glyph and a word for the state
// (colour only repeats them), and each reason in a line a person reads at a glance.
import type { GateReason, GateState, OverviewGate } from '../api/types.js';
import { formatBudget, formatBurnRate, formatFactor } from './numbers.js';
import { formatInstantForZone } from './time.js';

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

/**
 * "freeze quarter-end until 2026-11-02 00:00 UTC" (on the freeze's own clock too, where it
 * names a zone), "SLO checkout-availability: budget exhausted (-3.2% left)".
 */
export function shortReason(reason: GateReason): string {
  const slo = reason.slo;
  switch (reason.kind) {
    case 'freeze':
      return reason.freeze === null
        ? 'a freeze is in force'
        : `freeze ${reason.freeze.name} until ${formatInstantForZone(reason.freeze.until, reason.freeze.timeZone)}`;
    case 'budgetExhausted':
      return slo === null
        ? 'an error budget is exhausted'
        : `SLO ${slo.name}: budget exhausted (${formatBudget(slo.remaining)} left)`;
    case 'budgetBelow':
      return slo === null
        ? 'an error budget is low'
        : `SLO ${slo.name}: ${formatBudget(slo.remaining)} of budget left, below ${String(slo.thresholdPercent ?? '?')}%`;
    case 'burnAlert': {
      const alert = reason.alert;
      if (alert === null) return `SLO ${slo?.name ?? '?'}: a burn alert fires`;
      return `SLO ${slo?.name ?? '?'}: ${alert.severity}-level burn alert, ${formatBurnRate(alert.longBurnRate)} over ${alert.longWindow} and ${formatBurnRate(alert.shortBurnRate)} over ${alert.shortWindow}, above ${formatFactor(alert.factor)}`;
    }
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

/** "rollback", "reliability or rollback". */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

/**
 * What the rule does and what lets a deploy past it: "denies unless labelled rollback",
 * "needs approval, or the label reliability or rollback", "denies until it ends".
 */
export function reasonEffect(reason: Pick<GateReason, 'effect' | 'unlessLabels'>): string {
  const labels = orList(reason.unlessLabels);
  if (reason.effect === 'deny') {
    return labels === '' ? 'denies until it ends' : `denies unless labelled ${labels}`;
  }
  return labels === '' ? 'needs approval' : `needs approval, or the label ${labels}`;
}

/**
 * The command an approver runs to let the deploy out: the rules each policy needs
 * lifted, named policy/rule so that no other policy's rule of the same name is lifted.
 */
export function approveCommand(
  service: string,
  lift: NonNullable<OverviewGate['liftableBy']>,
): string {
  const rules = lift.approvals.flatMap((approval) =>
    approval.rules.map((rule) => `--rule ${approval.policy}/${rule}`),
  );
  return `headroom approve ${service} ${rules.join(' ')} --reason "…" --expires 2h`;
}
