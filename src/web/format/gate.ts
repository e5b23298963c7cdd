// The deploy gate's answer shown one way everywhere: a glyph and a word for the state
// (colour only repeats them), and each reason in a line a person reads at a glance.
import type { GateReason, GateState, OverviewGate, PolicyResource } from '../api/types.js';
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

type Lift = NonNullable<OverviewGate['liftableBy']>;

/** Long enough to deploy and watch the change, short enough to lapse the same day. */
const USUAL_EXPIRY_SECONDS = 2 * 3600;

/**
 * The longest one approval may run and count under every policy of the lift: the
 * server's figure, else the smallest of the policies' own; undefined from a server that
 * gives neither.
 */
function liftCap(lift: Lift): number | undefined {
  if (lift.maxDurationSeconds !== undefined) return lift.maxDurationSeconds;
  const caps = lift.approvals.flatMap((approval) =>
    approval.maxDurationSeconds === undefined ? [] : [approval.maxDurationSeconds],
  );
  return caps.length === 0 ? undefined : Math.min(...caps);
}

/**
 * "45m", "1h30m", "1d": a duration as `--expires` reads it (whole minutes, units d, h
 * and m, largest first). Rounded down: rounding up could pass the cap it came from.
 */
export function expiresText(seconds: number): string {
  let minutes = Math.floor(seconds / 60);
  let text = '';
  for (const [unit, size] of [
    ['d', 1440],
    ['h', 60],
    ['m', 1],
  ] as const) {
    const count = Math.floor(minutes / size);
    if (count > 0) text += `${String(count)}${unit}`;
    minutes -= count * size;
  }
  return text === '' ? '0m' : text;
}

/**
 * The command an approver runs to let the deploy out: the rules each policy needs
 * lifted, named policy/rule so that no other policy's rule of the same name is lifted,
 * for 2h, or less where a policy caps approvals below it (a longer one is refused).
 */
export function approveCommand(service: string, lift: Lift): string {
  const rules = lift.approvals.flatMap((approval) =>
    approval.rules.map((rule) => `--rule ${approval.policy}/${rule}`),
  );
  const cap = liftCap(lift);
  const expires = expiresText(
    cap === undefined ? USUAL_EXPIRY_SECONDS : Math.min(USUAL_EXPIRY_SECONDS, cap),
  );
  return `headroom approve ${service} ${rules.join(' ')} --reason "…" --expires ${expires}`;
}

/**
 * Who could let the deploy out, and for how long: "An approval from a holder of role
 * sre-lead (not alice) lets it out; it may run at most 45m." One approval per policy.
 */
export function liftText(lift: Lift): string {
  const from = (roles: readonly string[]) =>
    roles.length === 0 ? 'an approver' : `a holder of role ${orList(roles)}`;
  const [only] = lift.approvals;
  if (lift.approvals.length === 1 && only !== undefined) {
    const runs =
      only.maxDurationSeconds === undefined
        ? ''
        : `; it may run at most ${expiresText(only.maxDurationSeconds)}`;
    return `An approval from ${from(only.roles)} (not ${lift.notBy}) lets it out${runs}.`;
  }
  return `Approvals under each policy let it out, none from ${lift.notBy}: ${lift.approvals
    .map(
      (approval) =>
        `${approval.policy} from ${from(approval.roles)}${
          approval.maxDurationSeconds === undefined
            ? ''
            : ` (at most ${expiresText(approval.maxDurationSeconds)})`
        }`,
    )
    .join('; ')}.`;
}

/** What the service page needs of a policy to say who approves, and for how long. */
export interface PolicyApprovals {
  readonly spec: Pick<PolicyResource['spec'], 'approvals'>;
}

/** "8h", "1h30m", "2w": a policy's maxDuration in seconds; undefined when it does not read. */
export function durationSeconds(text: string): number | undefined {
  const match = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text);
  if (match === null || text === '') return undefined;
  const [, w = '0', d = '0', h = '0', m = '0'] = match;
  return (((Number(w) * 7 + Number(d)) * 24 + Number(h)) * 60 + Number(m)) * 60;
}

/**
 * How to give an approval for a service before any gate asks for one: who may (the roles
 * of the policies that take approvals), and the command, for no longer than the shortest
 * of their caps allows. Null when no policy takes approvals: the server refuses them.
 */
export function approvalHint(
  service: string,
  policies: readonly PolicyApprovals[],
): { readonly roles: readonly string[]; readonly command: string } | null {
  const approving = policies.flatMap((policy) =>
    policy.spec.approvals === undefined ? [] : [policy.spec.approvals],
  );
  if (approving.length === 0) return null;
  const roles = [...new Set(approving.flatMap((approvals) => approvals.roles))];
  // A policy without maxDuration takes the schema's default, 24h: longer than 2h.
  const caps = approving.flatMap((approvals) => {
    const seconds =
      approvals.maxDuration === undefined ? undefined : durationSeconds(approvals.maxDuration);
    return seconds === undefined ? [] : [seconds];
  });
  const expires = expiresText(Math.min(USUAL_EXPIRY_SECONDS, ...caps));
  return { roles, command: `headroom approve ${service} --reason "…" --expires ${expires}` };
}
