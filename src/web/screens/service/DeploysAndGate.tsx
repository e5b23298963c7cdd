// A service's recent deploys with the budget spent in the hour before and after each,
// the deploy gate's recent decisions, and the error-budget policies that apply (with
// their freezes). Each read hides when the token may not make it.
import type { Deploy, DeployBudget, GateDecision, PolicyResource } from '../../api/types';
import { useApi } from '../../api/use-api';
import { formatBudget } from '../../format/numbers';
import { formatInZone, formatInstant } from '../../format/time';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';

/** A share of the budget, one decimal; a rounding of nothing reads 0.0%, never -0.0%. */
const consumedText = (fraction: number): string =>
  formatBudget(Math.abs(fraction) < 0.0005 ? 0 : fraction);

/** The most recent ones. */
const SHOWN = 10;

export function DeploysAndGate({ name }: { readonly name: string }) {
  const service = encodeURIComponent(name);
  const deploys = useApi<Deploy[]>(`/api/v1/deploys?service=${service}&limit=${String(SHOWN)}`);
  const decisions = useApi<GateDecision[]>(
    `/api/v1/deploys/decisions?service=${service}&limit=${String(SHOWN)}`,
  );
  const policies = useApi<PolicyResource[]>(`/api/v1/policies?service=${service}`);
  return (
    <Panel title="Deploys and the gate" id="deploys">
      {deploys.load.kind === 'forbidden' ? null : (
        <section aria-labelledby="deploys-list-title" data-section="deploys">
          <h3 id="deploys-list-title">Recent deploys</h3>
          <LoadView load={deploys.load} what="deploys" retry={deploys.reload}>
            {(list) => <Deploys deploys={list} name={name} />}
          </LoadView>
        </section>
      )}
      {decisions.load.kind === 'forbidden' ? null : (
        <section aria-labelledby="decisions-title" data-section="decisions">
          <h3 id="decisions-title">Gate decisions</h3>
          <LoadView load={decisions.load} what="gate decisions" retry={decisions.reload}>
            {(list) => <Decisions decisions={list} name={name} />}
          </LoadView>
        </section>
      )}
      {policies.load.kind === 'forbidden' ? null : (
        <section aria-labelledby="policies-title" data-section="policies">
          <h3 id="policies-title">Error-budget policies and freezes</h3>
          <LoadView load={policies.load} what="policies" retry={policies.reload}>
            {(list) => <Policies policies={list} name={name} />}
          </LoadView>
        </section>
      )}
    </Panel>
  );
}

const DEPLOY_STATUS_TEXT: Readonly<Record<Deploy['status'], string>> = {
  started: '▶ started',
  finished: '✓ finished',
  failed: '✕ failed',
  rolled_back: '↺ rolled back',
};

function Deploys(props: { readonly deploys: readonly Deploy[]; readonly name: string }) {
  if (props.deploys.length === 0) {
    return (
      <p className="muted">
        No deploy of {props.name} recorded: a pipeline records one with{' '}
        <code>POST /api/v1/deploys</code>.
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="deploy-table">
        <caption className="visually-hidden">Recent deploys of {props.name}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">At (UTC)</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Actor</th>
            <th scope="col">Budget consumed (hour before, hour after)</th>
          </tr>
        </thead>
        <tbody>
          {props.deploys.map((deploy) => (
            <tr key={deploy.id} data-deploy={deploy.id}>
              <th scope="row" data-field="at">
                {formatInstant(deploy.at)}
              </th>
              <td data-field="version">
                {deploy.version ?? deploy.commit ?? <span className="muted">none given</span>}
              </td>
              <td data-field="status">
                <span className={`badge deploy-status deploy-${deploy.status}`}>
                  {DEPLOY_STATUS_TEXT[deploy.status]}
                </span>
                {deploy.againstDenial ? (
                  <span
                    className="badge deploy-against-denial"
                    data-field="against-denial"
                    title={`gate decision ${deploy.decision ?? ''} denied this deploy`}
                  >
                    against the gate
                  </span>
                ) : null}
              </td>
              <td data-field="actor">{deploy.actor}</td>
              <td data-field="budget">
                <BudgetAround budget={deploy.budget} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BudgetAround({ budget }: { readonly budget: readonly DeployBudget[] }) {
  if (budget.length === 0) return <span className="muted">no SLOs</span>;
  return (
    <ul className="plain-list">
      {budget.map((slo) => (
        <li key={slo.slo} data-slo={slo.slo}>
          <code>{slo.slo}</code>:{' '}
          <span data-field="before">{consumedText(slo.before.consumed)}</span> before,{' '}
          <span data-field="after">
            {slo.after === null ? 'the hour after is not over' : consumedText(slo.after.consumed)}
          </span>
          {slo.after === null ? null : ' after'}
        </li>
      ))}
    </ul>
  );
}

function Decisions(props: { readonly decisions: readonly GateDecision[]; readonly name: string }) {
  if (props.decisions.length === 0) {
    return (
      <p className="muted">
        The gate has not been asked about {props.name}: <code>headroom gate</code> or{' '}
        <code>POST /api/v1/deploys/check</code> asks it.
      </p>
    );
  }
  return (
    <ul className="decision-list">
      {props.decisions.map((decision) => (
        <li key={decision.id} data-decision={decision.id}>
          <span
            className={`badge gate-${decision.allowed ? 'allowed' : 'held'}`}
            data-field="answer"
          >
            {decision.allowed ? '✓ allowed' : '✕ held'}
          </span>{' '}
          <span data-field="at">{formatInstant(decision.at)}</span>
          {decision.version === null ? null : (
            <>
              {' '}
              <code data-field="version">{decision.version}</code>
            </>
          )}{' '}
          <span className="muted">asked for {decision.actor}</span>
          {decision.reasons.length === 0 ? null : (
            <ul className="plain-list" data-field="reasons">
              {decision.reasons.map((reason, index) => (
                <li key={index} data-reason={reason.kind}>
                  {reason.message}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

function Policies(props: { readonly policies: readonly PolicyResource[]; readonly name: string }) {
  if (props.policies.length === 0) {
    return (
      <p className="muted">
        No error-budget policy applies to {props.name}: the gate allows its deploys. A policy is an{' '}
        <code>ErrorBudgetPolicy</code> document applied with <code>headroom apply -f</code>.
      </p>
    );
  }
  return (
    <ul className="plain-list">
      {props.policies.map((policy) => (
        <li key={policy.metadata.name} data-policy={policy.metadata.name}>
          <strong>{policy.metadata.name}</strong>
          {policy.spec.description === undefined ? null : (
            <span className="muted"> — {policy.spec.description}</span>
          )}
          <Freezes freezes={policy.spec.freezes} />
        </li>
      ))}
    </ul>
  );
}

/** On the clock of the zone the freeze was written for, where it names one. */
function freezeInstant(iso: string, timeZone: string | undefined): string {
  return timeZone === undefined ? formatInstant(iso) : `${formatInZone(iso, timeZone)} ${timeZone}`;
}

function Freezes({ freezes }: { readonly freezes: PolicyResource['spec']['freezes'] }) {
  const lines = [
    ...(freezes?.holidays ?? []).map((holiday) => ({
      name: holiday.name ?? `holidays-${holiday.country.toLowerCase()}`,
      text: `public holidays of ${holiday.country}${holiday.region === undefined ? '' : `-${holiday.region}`}`,
    })),
    ...(freezes?.windows ?? []).map((window) => ({
      name: window.name ?? `${window.from} to ${window.to}`,
      text: `every week from ${window.from} to ${window.to} (${window.timeZone})`,
    })),
    ...(freezes?.adHoc ?? []).map((adHoc) => ({
      name: adHoc.name,
      text: `${adHoc.start === undefined ? 'now' : freezeInstant(adHoc.start, adHoc.timeZone)} to ${freezeInstant(adHoc.end, adHoc.timeZone)}: ${adHoc.reason}`,
    })),
  ];
  if (lines.length === 0) return <p className="muted small">No freezes.</p>;
  return (
    <ul className="plain-list small" aria-label="Freezes">
      {lines.map((line) => (
        <li key={line.name} data-freeze={line.name}>
          Freeze <code>{line.name}</code>: {line.text}
        </li>
      ))}
    </ul>
  );
}
