// Which approvals count. An approval is an audited exception: given by a person
// holding one of the roles the policy names, for a service and some of its rules,
// until it expires; never by the person deploying, nor by the one who asked.
import type { Approval, DeployRequest } from './model.js';
import type { ApprovalRefusal, DecisionLift, GateReason, RuleMatch } from './decision.js';
import { orList } from './reasons.js';
import { isoInstant } from './zone-time.js';
import { formatDuration } from '../time/duration.js';

export type Verdict =
  'counts' | 'ignored' | { readonly refusal: ApprovalRefusal; readonly message: string };

/**
 * Whether an approval lifts a matched rule. It must be for the service and name
 * the rule (or `all`); then it counts only if it is in force, the approver is not
 * the one deploying nor the one who asked, the approval is for this deployer (when
 * it names one), the approver held one of the policy's roles, and it is no longer
 * than the policy allows.
 */
export function judgeApproval(
  approval: Approval,
  match: RuleMatch,
  request: DeployRequest,
  atMs: number,
): Verdict {
  const { policy, rule } = match;
  if (approval.service !== request.service) return 'ignored';
  const named =
    approval.scope !== 'all' &&
    approval.scope.some((ref) => ref === rule || ref === `${policy.name}/${rule}`);
  if (approval.scope !== 'all' && !named) return 'ignored';
  if (match.effect === 'deny') {
    // `all` means every rule an approval can lift; only a deny rule named outright
    // is a mistake worth telling the approver about.
    if (!named) return 'ignored';
    const labels =
      match.unlessLabels.length === 0
        ? 'nothing lifts it'
        : `only the label ${orList(match.unlessLabels)} lifts it`;
    return {
      refusal: 'notApprovable',
      message: `rule ${policy.name}/${rule} denies and approvals do not lift deny rules; ${labels}`,
    };
  }
  // An approval out of force counts for no one under any policy: that is what to fix
  // first, and what every policy it names is told, so that it is listed once.
  if (atMs < approval.grantedAtMs) {
    return {
      refusal: 'notYetValid',
      message: `the approval is given from ${isoInstant(approval.grantedAtMs)}`,
    };
  }
  if (atMs >= approval.expiresAtMs) {
    return {
      refusal: 'expired',
      message: `the approval expired at ${isoInstant(approval.expiresAtMs)}`,
    };
  }
  if (samePerson(approval.approver, request.actor)) {
    return {
      refusal: 'approverIsRequester',
      message: `${approval.approver} is the one deploying and cannot approve their own deploy`,
    };
  }
  if (request.requestedBy !== undefined && samePerson(approval.approver, request.requestedBy)) {
    return {
      refusal: 'approverIsRequester',
      message: `${approval.approver} asked the gate (the token is theirs) and cannot approve a deploy they ask for`,
    };
  }
  if (approval.requester !== undefined && samePerson(approval.approver, approval.requester)) {
    return {
      refusal: 'approverIsRequester',
      message: `${approval.approver} asked for this approval and cannot give it themselves`,
    };
  }
  if (approval.requester !== undefined && !samePerson(approval.requester, request.actor)) {
    return {
      refusal: 'otherRequester',
      message: `the approval is for deploys by ${approval.requester}, not by ${request.actor}`,
    };
  }
  if (!approval.approverRoles.some((role) => policy.approvalRoles.includes(role))) {
    const held =
      approval.approverRoles.length === 0 ? 'no role' : `role ${orList(approval.approverRoles)}`;
    return {
      refusal: 'roleNotAllowed',
      message: `${approval.approver} holds ${held}; policy ${policy.name} takes approvals from ${orList(policy.approvalRoles)}`,
    };
  }
  const lengthMs = approval.expiresAtMs - approval.grantedAtMs;
  if (lengthMs > policy.maxApprovalMs) {
    return {
      refusal: 'tooLong',
      message: `the approval runs ${formatDuration(Math.ceil(lengthMs / 60_000))}, longer than the ${formatDuration(policy.maxApprovalMs / 60_000)} policy ${policy.name} allows`,
    };
  }
  return 'counts';
}

/**
 * How much a refusal says, most first: an approval out of force counts for no one; one
 * for another deployer, or given by this one, not for this deploy; the rest only under
 * the policy that refused it. Where one approval is refused under several policies,
 * the most decisive refusal is the one to show.
 */
export function refusalRank(refusal: ApprovalRefusal): number {
  switch (refusal) {
    case 'expired':
    case 'notYetValid':
      return 0;
    case 'approverIsRequester':
    case 'otherRequester':
      return 1;
    case 'roleNotAllowed':
    case 'tooLong':
    case 'notApprovable':
      return 2;
  }
}

/**
 * Whether two names are one person. CI systems pass the deployer as they spell it
 * (GITHUB_ACTOR keeps capitals), so case and surrounding blanks must not make
 * someone a stranger to their own deploy.
 */
export function samePerson(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The approvals that would lift every reason left, or null when some reason takes none. */
export function liftFor(reasons: readonly GateReason[], actor: string): DecisionLift | null {
  if (reasons.length === 0 || reasons.some((reason) => reason.liftableBy === null)) return null;
  const byPolicy = new Map<
    string,
    { policy: string; rules: string[]; roles: readonly string[]; maxDurationSeconds?: number }
  >();
  for (const reason of reasons) {
    const entry = byPolicy.get(reason.policy) ?? {
      policy: reason.policy,
      rules: [],
      roles: reason.liftableBy?.roles ?? [],
      ...definedSeconds(reason.liftableBy?.maxDurationSeconds),
    };
    if (!entry.rules.includes(reason.rule)) entry.rules.push(reason.rule);
    byPolicy.set(reason.policy, entry);
  }
  const approvals = [...byPolicy.values()];
  // A suggestion longer than the shortest cap would be refused by that policy (tooLong).
  const caps = approvals.flatMap((entry) =>
    entry.maxDurationSeconds === undefined ? [] : [entry.maxDurationSeconds],
  );
  return {
    approvals,
    notBy: actor,
    ...definedSeconds(caps.length === 0 ? undefined : Math.min(...caps)),
  };
}

function definedSeconds(seconds: number | undefined): { maxDurationSeconds?: number } {
  return seconds === undefined ? {} : { maxDurationSeconds: seconds };
}
