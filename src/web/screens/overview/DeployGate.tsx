// Would a deploy of each service go out now? The gate's answer for a deploy without
// labels, asked by the server without recording a decision: held services first, each
// with its reasons; the allowed ones folded away.
import { useState } from 'react';
import type { GateState, OverviewGate, OverviewService } from '../../api/types';
import {
  approveCommand,
  GATE_ORDER,
  GATE_TEXT,
  liftText,
  reasonEffect,
  shortReason,
} from '../../format/gate';
import { formatInstant } from '../../format/time';
import { paths } from '../../router/routes';
import { Panel } from '../../ui/Panel';

interface Gated {
  readonly name: string;
  readonly gate: OverviewGate;
}

/** Held services listed before "Show all": a freeze of everything holds them all. */
const FIRST_HELD = 10;

const byName = (a: Gated, b: Gated) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function DeployGate(props: {
  readonly services: readonly OverviewService[];
  readonly actor: string;
}) {
  const gated = props.services.flatMap((service) =>
    service.gate === null ? [] : [{ name: service.name, gate: service.gate }],
  );
  const of = (state: GateState) => gated.filter((entry) => entry.gate.state === state);
  const held = [...of('denied').sort(byName), ...of('approval').sort(byName)];
  const allowed = of('allowed').sort(byName);
  const withPolicy = gated.filter((entry) => entry.gate.policies.length > 0);
  const [all, setAll] = useState(false);
  const shownHeld = all ? held : held.slice(0, FIRST_HELD);
  // No service with an answer: the token may not read services (or the gate), so the
  // panel hides like the others.
  if (gated.length === 0) return null;
  return (
    <Panel title="Deploy gate" id="gate">
      {withPolicy.length === 0 ? (
        <p className="muted" data-field="gate-summary">
          No error-budget policy applies to any service: the gate allows every deploy. A policy is
          an <code>ErrorBudgetPolicy</code> document applied with <code>headroom apply</code>.
        </p>
      ) : (
        <>
          <p className="muted small" data-field="gate-summary">
            A deploy without labels, now: <GateCounts gated={gated} />
          </p>
          {held.length === 0 ? null : (
            <ul className="gate-list">
              {shownHeld.map((entry) => (
                <HeldService key={entry.name} entry={entry} actor={props.actor} />
              ))}
            </ul>
          )}
          {shownHeld.length < held.length ? (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setAll(true);
              }}
            >
              Show all {held.length} held services
            </button>
          ) : null}
          {allowed.length === 0 ? null : (
            <details className="gate-allowed-list" data-field="gate-allowed">
              <summary>
                <GateBadge state="allowed" /> {allowed.length} service
                {allowed.length === 1 ? '' : 's'}
              </summary>
              <ul className="plain-list small">
                {allowed.map((entry) => (
                  <li key={entry.name} data-gate-service={entry.name} data-gate-state="allowed">
                    <a href={paths.service(entry.name)}>{entry.name}</a>{' '}
                    <span className="muted">
                      {entry.gate.policies.length === 0
                        ? 'no policy applies'
                        : `under ${entry.gate.policies.join(', ')}`}
                    </span>
                    <ApprovalsApplied approvals={entry.gate.approvalsApplied} />
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </Panel>
  );
}

function GateCounts({ gated }: { readonly gated: readonly Gated[] }) {
  const parts = GATE_ORDER.flatMap((state) => {
    const count = gated.filter((entry) => entry.gate.state === state).length;
    return count === 0 ? [] : [`${String(count)} ${GATE_TEXT[state].label}`];
  });
  return <span>{parts.join(', ')}.</span>;
}

/** Approvals letting deploys out now, and when each stops counting. */
export function ApprovalsApplied({
  approvals,
}: {
  readonly approvals: OverviewGate['approvalsApplied'];
}) {
  if (approvals.length === 0) return null;
  return (
    <span className="muted small" data-field="approvals-applied">
      {' '}
      {approvals
        .map(
          (approval) =>
            `approved by ${approval.approver} (${approval.rules.join(', ')}) until ${formatInstant(approval.expiresAt)}`,
        )
        .join('; ')}
    </span>
  );
}

export function HeldService({ entry, actor }: { readonly entry: Gated; readonly actor: string }) {
  const { gate } = entry;
  const lift = gate.liftableBy;
  return (
    <li data-gate-service={entry.name} data-gate-state={gate.state}>
      <div>
        <GateBadge state={gate.state} /> <a href={paths.service(entry.name)}>{entry.name}</a>
      </div>
      <ul className="gate-reasons">
        {gate.reasons.map((reason, index) => (
          <li key={index} data-reason={reason.kind} data-effect={reason.effect}>
            <span data-field="reason">{shortReason(reason)}</span>
            {reason.incident === null ? null : (
              <>
                {' '}
                <a href={paths.incidentRef(reason.incident.id)}>
                  see {reason.incident.id}
                  <span className="visually-hidden"> (incident)</span>
                </a>
              </>
            )}{' '}
            <span className="muted small" data-field="effect">
              ({reasonEffect(reason)}: {reason.policy}/{reason.rule})
            </span>
          </li>
        ))}
      </ul>
      {lift === null ? null : (
        <>
          <p className="muted small" data-field="lift">
            {liftText(lift)}
          </p>
          <pre className="small">
            <code data-field="approve-command">{approveCommand(entry.name, lift)}</code>
          </pre>
        </>
      )}
      {gate.approvalsApplied.length === 0 ? null : (
        <p className="small">
          <ApprovalsApplied approvals={gate.approvalsApplied} />
        </p>
      )}
      <details className="gate-details">
        <summary>
          Why, in full<span className="visually-hidden"> for {entry.name}</span>
        </summary>
        <ul className="plain-list small">
          {gate.reasons.map((reason, index) => (
            <li key={index} data-field="message">
              {reason.message}
            </li>
          ))}
        </ul>
        <p className="muted small">
          Asked for {actor}: approvals given for one person&apos;s deploys count only in that
          person&apos;s check.
        </p>
      </details>
    </li>
  );
}

/** The gate's state as glyph and word; colour only repeats them. */
export function GateBadge({ state }: { readonly state: GateState }) {
  const text = GATE_TEXT[state];
  return (
    <span className={`badge gate-state gate-state-${state}`} title={text.hint} data-gate={state}>
      <span aria-hidden="true">{text.glyph}</span> {text.label}
    </span>
  );
}
