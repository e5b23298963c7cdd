// A gate decision in words for a person: every reason, what was waived and by what,
// approvals that did not count, and what would lift a denial. `headroom gate` prints
// it as the answer; `headroom deploy decision` prints a stored one.
import { formatDuration } from '../core/time/duration.js';
import type { GateAnswer } from '../schema/deploys.js';

/**
 * The decision for a person. `now`: as the gate answers, with what would lift a denial;
 * `then`: a stored decision read back, in the past tense, and nothing to lift (the
 * conditions have moved on: ask the gate again).
 */
export function formatDecision(answer: GateAnswer, asked: 'now' | 'then' = 'now'): string {
  const what = answer.version === null ? answer.service : `${answer.service} ${answer.version}`;
  const policies = answer.policies.length === 0 ? 'no policy applies' : answer.policies.join(', ');
  const lines: string[] = [];
  const by = `by ${answer.actor} (${policies})`;
  if (answer.allowed) {
    lines.push(
      asked === 'now'
        ? `ALLOWED: ${what} may be deployed now ${by}.`
        : `ALLOWED: ${what} was let out at ${answer.at} ${by}.`,
    );
  } else {
    lines.push(
      asked === 'now'
        ? `DENIED: ${what} may not be deployed now ${by}.`
        : `DENIED: ${what} was held at ${answer.at} ${by}.`,
      '',
    );
    answer.reasons.forEach((reason, index) => {
      lines.push(`  ${index + 1}. ${reason.message}`);
    });
  }
  if (answer.waived.length > 0) {
    lines.push('', 'Waived:');
    for (const reason of answer.waived) {
      const by =
        reason.waivedBy.kind === 'label'
          ? `label ${reason.waivedBy.label}`
          : `approval ${reason.waivedBy.approval} by ${reason.waivedBy.approver}`;
      lines.push(`  - ${ruleOf(reason)} by ${by}`);
    }
  }
  if (answer.approvalsRefused.length > 0) {
    lines.push('', 'Approvals that do not count:');
    for (const refused of answer.approvalsRefused) {
      lines.push(`  - ${refused.id} by ${refused.approver}: ${refused.message}`);
    }
  }
  if (!answer.allowed && asked === 'now') {
    const lift = answer.liftableBy;
    lines.push('');
    if (lift === null) {
      lines.push(noApprovalLifts(answer.reasons));
    } else {
      const expires = suggestedExpiry(lift);
      for (const approval of lift.approvals) {
        const rules = approval.rules.map((rule) => `${approval.policy}/${rule}`);
        const cap =
          approval.maxDurationSeconds === undefined
            ? ''
            : ` running at most ${formatDuration(Math.floor(approval.maxDurationSeconds / 60))}`;
        lines.push(
          `To lift it: an approval from a holder of role ${approval.roles.join(' or ')} (not ${lift.notBy}) for ${rules.join(', ')}${cap}, given with their own token:`,
          `  headroom approve ${answer.service} ${rules.map((rule) => `--rule ${rule}`).join(' ')} --reason '…' --expires ${expires}`,
        );
      }
    }
  }
  lines.push(
    '',
    asked === 'now'
      ? `Decision ${answer.id} at ${answer.at}.`
      : `Decision ${answer.id}, asked with the token of ${answer.requestedBy}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Long enough to deploy and watch the change, short enough to lapse the same day. */
const USUAL_EXPIRY_MINUTES = 120;

/**
 * The `--expires` to suggest: the usual 2h, or less where a policy caps approvals below
 * it, since the server refuses a longer one and the gate would not count it. The deploy
 * goes out only while every approval holds, so each line gets the smallest cap of all.
 * A decision from a server that does not give the cap keeps the usual 2h.
 */
function suggestedExpiry(lift: NonNullable<GateAnswer['liftableBy']>): string {
  const cap = lift.maxDurationSeconds;
  const minutes =
    cap === undefined ? USUAL_EXPIRY_MINUTES : Math.min(USUAL_EXPIRY_MINUTES, Math.floor(cap / 60));
  return formatDuration(minutes);
}

/**
 * What is left when no approval lets the deploy out: the deny rules hold it whatever is
 * approved (a requireApproval reason beside them is not the obstacle), so name those,
 * and the label that would waive every reason, or only time.
 */
function noApprovalLifts(reasons: GateAnswer['reasons']): string {
  const ruleNames = (some: GateAnswer['reasons']) =>
    [...new Set(some.map((reason) => `${reason.policy}/${reason.rule}`))].join(', ');
  const denying = reasons.filter((reason) => reason.liftableBy === null);
  const unlabelled = denying.filter((reason) => reason.unlessLabels.length === 0);
  if (unlabelled.length > 0) {
    return `No approval or label lifts ${ruleNames(unlabelled)}: only its condition ending does.`;
  }
  const [first, ...rest] = reasons;
  const common = (first?.unlessLabels ?? []).filter((label) =>
    rest.every((reason) => reason.unlessLabels.includes(label)),
  );
  const held = denying.length === reasons.length ? 'this' : ruleNames(denying);
  return common.length > 0
    ? `No approval lifts ${held}; the label ${common.join(' or ')} would waive every reason, or wait for the conditions to end.`
    : `No approval lifts ${held}; each reason names the labels that waive it, or wait for the conditions to end.`;
}

/**
 * `[policy/rule]`, with what it held on where a rule holds once per SLO, freeze or
 * incident: two waived freezes of one rule would otherwise read as one line twice.
 */
function ruleOf(reason: GateAnswer['waived'][number]): string {
  const on =
    reason.slo !== null
      ? ` SLO ${reason.slo.name}`
      : reason.freeze !== null
        ? ` freeze ${reason.freeze.name}`
        : reason.incident !== null
          ? ` incident ${reason.incident.id}`
          : '';
  return `[${reason.policy}/${reason.rule}]${on}`;
}
