// The deploy gate: may this deploy of this service go out now? Every applicable
// policy is asked; each matching rule gives one reason per SLO, freeze or incident
// it matched on. A reason is waived by a label the rule names, or, for rules whose
// effect is requireApproval, by an approval that counts. The deploy is allowed
// when no reason is left.
//
// Approvals never lift a `deny` rule: a policy author who wants a rule to be
// overridable by a person writes `effect: requireApproval`, and names who may
// approve. That keeps "deny" meaning deny in every policy, and makes every
// override visible in the policy itself rather than in who happens to hold a role.
import { liftFor, judgeApproval, refusalRank } from './approvals.js';
import type {
  ApprovalRefusal,
  DeployDecision,
  GateInput,
  GateReason,
  RefusedApproval,
  RuleMatch,
  WaivedReason,
  Waiver,
} from './decision.js';
import { activeFreezes, heldUntil, type ActiveFreeze } from './freezes.js';
import {
  INCIDENT_FREEZE_RULE,
  type Approval,
  type FiringAlert,
  type GateFacts,
  type GateService,
  type OnUnavailable,
  type SloFacts,
  type SloUnknown,
} from './model.js';
import type { CompiledPolicy } from './compile.js';
import {
  alertNumbers,
  describeFreeze,
  percent,
  reason,
  ruleMatch,
  sliAgainstObjective,
  sloNumbers,
  waive,
  withMessage,
  type ReasonContext,
} from './reasons.js';
import { isoInstant } from './zone-time.js';

/**
 * Deny wins: if any applicable policy wants deploys held while the server is
 * away, they are held. No policy: nothing to enforce, so allow.
 */
export function onUnavailableFor(
  policies: readonly { readonly onUnavailable: OnUnavailable }[],
): OnUnavailable {
  if (policies.length === 0) return 'allow';
  return policies.some((policy) => policy.onUnavailable === 'deny') ? 'deny' : 'allow';
}

export function decideDeploy(input: GateInput, atMs: number): DeployDecision {
  const { request, service, policies, facts } = input;
  if (request.service !== service.name) {
    throw new RangeError(
      `the request is for service "${request.service}" but the facts are of "${service.name}"`,
    );
  }
  if (!Number.isFinite(atMs)) throw new RangeError(`not an instant: ${atMs}`);

  const waived: WaivedReason[] = [];
  const pending: RuleMatch[] = [];
  for (const policy of policies) {
    for (const match of matchPolicy(policy, service, facts, request.actor, atMs)) {
      const label = match.unlessLabels.find((name) => request.labels.includes(name));
      if (label === undefined) pending.push(match);
      else for (const reason of match.reasons) waived.push(waive(reason, { kind: 'label', label }));
    }
  }

  const reasons: GateReason[] = [];
  const applied = new Map<string, { approval: Approval; rules: string[] }>();
  // By approval: one refused under several policies is listed once (refusedView).
  const refused = new Map<string, { approval: Approval; verdicts: RefusalVerdict[] }>();
  for (const match of pending) {
    const ruleRef = `${match.policy.name}/${match.rule}`;
    let lifter: Approval | undefined;
    const refusalNotes: string[] = [];
    for (const approval of facts.approvals) {
      const verdict = judgeApproval(approval, match, request, atMs);
      if (verdict === 'ignored') continue;
      if (verdict === 'counts') {
        // The first that counts lifts the rule; the others are still judged, so
        // that a refused approval (a self-approval) is on record even so.
        lifter ??= approval;
        continue;
      }
      const entry = refused.get(approval.id) ?? { approval, verdicts: [] };
      const same = entry.verdicts.find((each) => each.message === verdict.message);
      if (same === undefined) {
        entry.verdicts.push({
          refusal: verdict.refusal,
          message: verdict.message,
          rules: [ruleRef],
        });
      } else {
        same.rules.push(ruleRef);
      }
      refused.set(approval.id, entry);
      refusalNotes.push(
        `approval ${approval.id} by ${approval.approver} does not count: ${verdict.message}`,
      );
    }
    if (lifter !== undefined) {
      const entry = applied.get(lifter.id) ?? { approval: lifter, rules: [] };
      entry.rules.push(ruleRef);
      applied.set(lifter.id, entry);
      const waiver: Waiver = { kind: 'approval', approval: lifter.id, approver: lifter.approver };
      for (const reason of match.reasons) waived.push(waive(reason, waiver));
      continue;
    }
    for (const reason of match.reasons) {
      reasons.push(
        refusalNotes.length === 0
          ? reason
          : withMessage(reason, `${reason.message} (${refusalNotes.join('; ')})`),
      );
    }
  }

  return {
    service: service.name,
    actor: request.actor,
    at: isoInstant(atMs),
    allowed: reasons.length === 0,
    policies: policies.map((policy) => policy.name),
    reasons,
    waived,
    approvalsApplied: [...applied.values()].map(({ approval, rules }) => ({
      id: approval.id,
      approver: approval.approver,
      reason: approval.reason,
      expiresAt: isoInstant(approval.expiresAtMs),
      rules,
    })),
    approvalsRefused: [...refused.values()].map(({ approval, verdicts }) =>
      refusedView(approval, verdicts),
    ),
    liftableBy: liftFor(reasons, request.actor),
    onUnavailable: onUnavailableFor(policies),
  };
}

interface RefusalVerdict {
  readonly refusal: ApprovalRefusal;
  readonly message: string;
  readonly rules: string[];
}

/**
 * An approval refused under one or more rules, listed once: with the most decisive
 * refusal (expired before a role another policy does not take), every refusal of that
 * rank in its message, and every rule it did not count for.
 */
function refusedView(approval: Approval, verdicts: readonly RefusalVerdict[]): RefusedApproval {
  const best = Math.min(...verdicts.map((verdict) => refusalRank(verdict.refusal)));
  const decisive = verdicts.filter((verdict) => refusalRank(verdict.refusal) === best);
  return {
    id: approval.id,
    approver: approval.approver,
    refusal: decisive[0]?.refusal ?? 'expired',
    message: decisive.map((verdict) => verdict.message).join('; and '),
    rules: [...new Set(verdicts.flatMap((verdict) => verdict.rules))],
  };
}

// ---------------------------------------------------------------------------
// Matching

function matchPolicy(
  policy: CompiledPolicy,
  service: GateService,
  facts: GateFacts,
  actor: string,
  atMs: number,
): RuleMatch[] {
  const matches: RuleMatch[] = [];
  let freezes: ActiveFreeze[] | undefined;
  for (const rule of policy.rules) {
    const context: ReasonContext = {
      policy,
      rule: rule.name,
      effect: rule.effect,
      unlessLabels: rule.unlessLabels,
      actor,
    };
    const reasons: GateReason[] = [];
    const { when } = rule;
    switch (when.kind) {
      case 'budgetExhausted':
        for (const slo of facts.slos) {
          if (slo.unknown !== undefined) {
            reasons.push(unknownReason(context, slo, slo.unknown));
          } else if (slo.exhausted || slo.remaining <= 0) {
            reasons.push(
              reason(context, 'budgetExhausted', {
                slo: sloNumbers(slo, null),
                text: `SLO ${slo.name} has exhausted its error budget (${percent(slo.remaining)} left; ${sliAgainstObjective(slo)})`,
              }),
            );
          }
        }
        break;
      case 'budgetBelow':
        for (const slo of facts.slos) {
          if (slo.unknown !== undefined) {
            reasons.push(unknownReason(context, slo, slo.unknown));
          } else if (slo.remaining < when.percent / 100) {
            reasons.push(
              reason(context, 'budgetBelow', {
                slo: sloNumbers(slo, when.percent),
                text: `SLO ${slo.name} has ${percent(slo.remaining)} of its error budget left, below ${when.percent}% (${sliAgainstObjective(slo)})`,
              }),
            );
          }
        }
        break;
      case 'burnAlert':
        for (const slo of facts.slos) {
          if (slo.unknown !== undefined) {
            reasons.push(unknownReason(context, slo, slo.unknown, 'burnRate'));
            continue;
          }
          const alert = worstAlert(slo.firingAlerts, when.severity);
          if (alert !== undefined) {
            reasons.push(
              reason(context, 'burnAlert', {
                slo: sloNumbers(slo, null),
                alert,
                text: `A ${alert.severity}-level burn-rate alert fires on SLO ${slo.name}: ${alertNumbers(alert)}`,
              }),
            );
          }
        }
        break;
      case 'freeze': {
        freezes ??= activeFreezes(policy.freezes, atMs);
        for (const freeze of freezes) {
          if (when.freezes !== 'all' && !when.freezes.includes(freeze.name)) continue;
          const described = describeFreeze(freeze, heldUntil(policy.freezes, freeze, when.freezes));
          reasons.push(
            reason(context, 'freeze', { freeze: described.freeze, text: described.text }),
          );
        }
        break;
      }
    }
    if (reasons.length > 0) matches.push(ruleMatch(context, reasons));
  }
  const incidentMatch = matchIncidents(policy, service, facts, actor);
  if (incidentMatch !== undefined) matches.push(incidentMatch);
  return matches;
}

function matchIncidents(
  policy: CompiledPolicy,
  service: GateService,
  facts: GateFacts,
  actor: string,
): RuleMatch | undefined {
  const spec = policy.incidentFreeze;
  if (spec === undefined || facts.openIncidents.length === 0) return undefined;
  const context: ReasonContext = {
    policy,
    rule: INCIDENT_FREEZE_RULE,
    effect: spec.effect,
    unlessLabels: spec.unlessLabels,
    actor,
  };
  const watched = service.dependencies.filter(
    (dependency) =>
      spec.dependencies === 'all' || (spec.dependencies === 'critical' && dependency.critical),
  );
  const reasons: GateReason[] = [];
  for (const incident of facts.openIncidents) {
    const direct = incident.services.includes(service.name);
    const via = direct
      ? undefined
      : watched.find((dependency) => incident.services.includes(dependency.service));
    if (!direct && via === undefined) continue;
    const on = via?.service ?? service.name;
    const title = incident.title === undefined ? '' : ` (${JSON.stringify(incident.title)})`;
    const where =
      via === undefined
        ? `on ${service.name}`
        : `on ${on}, a ${via.critical ? 'critical ' : ''}dependency of ${service.name}`;
    reasons.push(
      reason(context, 'incident', {
        incident: {
          id: incident.id,
          title: incident.title ?? null,
          service: on,
          viaDependency: via !== undefined,
        },
        text: `Incident ${incident.id}${title} is open ${where}`,
      }),
    );
  }
  return reasons.length === 0 ? undefined : ruleMatch(context, reasons);
}

/**
 * An SLO whose SLI could not be read holds the deploy under every budget and alert
 * rule, with the rule's own labels and approvals: counting it as healthy would open
 * the gate exactly when monitoring is down.
 */
function unknownReason(
  context: ReasonContext,
  slo: SloFacts,
  unknown: SloUnknown,
  unread: 'budget' | 'burnRate' = 'budget',
): GateReason {
  const last =
    unknown.numbersAt === null
      ? 'it has never been read'
      : `last read at ${unknown.numbersAt} with ${percent(slo.remaining)} left`;
  // A burn-alert rule asks for the burn rate, not the budget: say what it could not read.
  const what =
    unread === 'budget'
      ? `The error budget of SLO ${slo.name} is unknown`
      : `The burn rate of SLO ${slo.name} could not be read`;
  return reason(context, 'budgetUnknown', {
    slo: sloNumbers(slo, null),
    text: `${what} (${unknown.reason}; ${last}), and an SLO that cannot be read does not count as healthy`,
  });
}

function worstAlert(
  alerts: readonly FiringAlert[],
  severity: 'page' | 'ticket',
): FiringAlert | undefined {
  // A page-level burn is also a ticket-level one; report the page when there is one.
  const page = alerts.find((alert) => alert.severity === 'page');
  if (page !== undefined || severity === 'page') return page;
  return alerts.find((alert) => alert.severity === 'ticket');
}
