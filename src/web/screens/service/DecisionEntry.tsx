// One gate decision as the gate gave it: the answer, what was asked, every reason, what
// was waived and the approvals that did not count. In the service's list of decisions
// and on the page of the deploy that names it.
import type { GateDecision } from '../../api/types';
import { formatInstant } from '../../format/time';

export function DecisionEntry({ decision }: { readonly decision: GateDecision }) {
  return (
    <>
      <span className={`badge gate-${decision.allowed ? 'allowed' : 'held'}`} data-field="answer">
        {decision.allowed ? '✓ allowed' : '✕ held'}
      </span>{' '}
      <span data-field="at">{formatInstant(decision.at)}</span>
      {decision.version === null ? null : (
        <>
          {' '}
          <code data-field="version">{decision.version}</code>
        </>
      )}{' '}
      {decision.commit === null ? null : (
        <>
          {' '}
          <code className="small" data-field="commit">
            {decision.commit}
          </code>
        </>
      )}{' '}
      <span className="muted">
        asked for {decision.actor}
        {decision.labels.length === 0 ? '' : `, labelled ${decision.labels.join(', ')}`}
      </span>
      {decision.reasons.length === 0 ? null : (
        <ul className="plain-list" data-field="reasons">
          {decision.reasons.map((reason, index) => (
            <li key={index} data-reason={reason.kind}>
              {reason.message}
            </li>
          ))}
        </ul>
      )}
      {decision.waived.length === 0 ? null : (
        <ul className="plain-list small" data-field="waived" aria-label="Waived">
          {decision.waived.map((waived, index) => (
            <li key={index}>
              Waived: {waived.policy}/{waived.rule}
              {waived.slo === null ? '' : ` (SLO ${waived.slo.name})`}{' '}
              {waived.waivedBy.kind === 'label'
                ? `by the label ${waived.waivedBy.label}`
                : `by approval ${waived.waivedBy.approval} of ${waived.waivedBy.approver}`}
            </li>
          ))}
        </ul>
      )}
      {decision.approvalsRefused.length === 0 ? null : (
        <ul
          className="plain-list small"
          data-field="approvals-refused"
          aria-label="Approvals that did not count"
        >
          {decision.approvalsRefused.map((refused) => (
            <li key={refused.id}>
              Did not count: approval {refused.id} of {refused.approver}: {refused.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
