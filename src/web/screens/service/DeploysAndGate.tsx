// A service's deploy gate now (would a deploy go out, and what lets it), the approvals in
// force, recent deploys (paged back, each linking to its own page) with the budget spent
// in the hour before and after each, the change-failure rate, the gate's recent
// decisions (paged back too), and the error-budget policies that apply (with their
// freezes). Each read hides when the token may not make it.
import type {
  ApprovalResource,
  ChangeFailure,
  Deploy,
  GateDecision,
  GatePreview,
  PolicyResource,
} from '../../api/types';
import { useEffect } from 'react';
import { useApi } from '../../api/use-api';
import { failureCausesText } from '../../format/change-failure';
import { approvalHint, orList } from '../../format/gate';
import { formatPercent } from '../../format/numbers';
import { formatInstant, formatInstantForZone } from '../../format/time';
import { paths } from '../../router/routes';
import { PageButtons, useCursorPages } from '../../ui/CursorPages';
import { BudgetAroundDeploy } from '../../ui/DeployBudget';
import { DeployStatus } from '../../ui/DeployStatus';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';
import { ApprovalsApplied, GateBadge, HeldService } from '../overview/DeployGate';
import { DecisionEntry } from './DecisionEntry';

/** The most recent ones, and each page back. */
const SHOWN = 10;
/** The panel's heading (Panel names it after the panel's id). */
const DEPLOYS_HEADING = 'deploys-title';

export function DeploysAndGate({ name }: { readonly name: string }) {
  const service = encodeURIComponent(name);
  const deployPages = useCursorPages(SHOWN);
  const deploys = useApi<Deploy[]>(`/api/v1/deploys?service=${service}&${deployPages.query}`);
  const decisionPages = useCursorPages(SHOWN);
  const decisions = useApi<GateDecision[]>(
    `/api/v1/deploys/decisions?service=${service}&${decisionPages.query}`,
  );
  const policies = useApi<PolicyResource[]>(`/api/v1/policies?service=${service}`);
  const gate = useApi<GatePreview[]>(`/api/v1/deploys/gate?service=${service}`);
  const approvals = useApi<ApprovalResource[]>(`/api/v1/approvals?service=${service}`);
  // Linked to from a deploy's page (paths.serviceDeploys): this panel arrives after the
  // page did, so the browser's own jump to the hash found nothing.
  useEffect(() => {
    if (location.hash === `#${DEPLOYS_HEADING}`) {
      document.getElementById(DEPLOYS_HEADING)?.scrollIntoView({ block: 'start' });
    }
  }, []);
  const changeFailure = useApi<ChangeFailure>(`/api/v1/services/${service}/change-failure`);
  return (
    <Panel title="Deploys and the gate" id="deploys">
      {gate.load.kind === 'forbidden' ? null : (
        <section aria-labelledby="gate-now-title" data-section="gate-now">
          <h3 id="gate-now-title">A deploy now</h3>
          <LoadView load={gate.load} what="the gate's answer" retry={gate.reload}>
            {(answers) => <GateNow answers={answers} name={name} />}
          </LoadView>
        </section>
      )}
      {approvals.load.kind === 'forbidden' ? null : (
        <section aria-labelledby="approvals-title" data-section="approvals">
          <h3 id="approvals-title">Approvals in force</h3>
          <LoadView load={approvals.load} what="approvals" retry={approvals.reload}>
            {(list) => (
              <Approvals
                approvals={list}
                name={name}
                policies={policies.load.kind === 'ok' ? policies.load.data : undefined}
              />
            )}
          </LoadView>
        </section>
      )}
      {deploys.load.kind === 'forbidden' ? null : (
        <section aria-labelledby="deploys-list-title" data-section="deploys">
          <h3 id="deploys-list-title">
            {deployPages.before === undefined ? 'Recent deploys' : 'Older deploys'}
          </h3>
          <LoadView load={deploys.load} what="deploys" retry={deploys.reload}>
            {(list) => (
              <>
                <Deploys deploys={list} name={name} paged={deployPages.before !== undefined} />
                <PageButtons
                  what="deploys"
                  newer={deployPages.newer}
                  older={deployPages.older(list)}
                />
              </>
            )}
          </LoadView>
          {changeFailure.load.kind === 'ok' ? (
            <ChangeFailureRate figure={changeFailure.load.data} />
          ) : null}
        </section>
      )}
      {decisions.load.kind === 'forbidden' ? null : (
        <section aria-labelledby="decisions-title" data-section="decisions">
          <h3 id="decisions-title">
            {decisionPages.before === undefined ? 'Gate decisions' : 'Older gate decisions'}
          </h3>
          <LoadView load={decisions.load} what="gate decisions" retry={decisions.reload}>
            {(list) => (
              <>
                <Decisions
                  decisions={list}
                  name={name}
                  paged={decisionPages.before !== undefined}
                />
                <PageButtons
                  what="decisions"
                  newer={decisionPages.newer}
                  older={decisionPages.older(list)}
                />
              </>
            )}
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

function Deploys(props: {
  readonly deploys: readonly Deploy[];
  readonly name: string;
  readonly paged: boolean;
}) {
  if (props.deploys.length === 0) {
    return props.paged ? (
      <p className="muted">No older deploy of {props.name} recorded.</p>
    ) : (
      <p className="muted">
        No deploy of {props.name} recorded: a pipeline records one with{' '}
        <code>POST /api/v1/deploys</code>.
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="deploy-table">
        <caption className="visually-hidden">Deploys of {props.name}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">At (UTC)</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Actor</th>
            <th scope="col">Budget spent or regained (and 1h burn rate) around it</th>
          </tr>
        </thead>
        <tbody>
          {props.deploys.map((deploy) => (
            <tr key={deploy.id} data-deploy={deploy.id}>
              <th scope="row" data-field="at">
                <a href={paths.deploy(deploy.service, deploy.id)} data-field="deploy-link">
                  {formatInstant(deploy.at)}
                  <span className="visually-hidden">: deploy {deploy.version ?? deploy.id}</span>
                </a>
              </th>
              <td data-field="version">
                {deploy.version ?? <span className="muted">no version</span>}
                {deploy.commit === null ? null : (
                  <>
                    {' '}
                    <code className="small" data-field="commit" title="commit">
                      {deploy.commit}
                    </code>
                  </>
                )}
                {deploy.labels.length === 0 ? null : (
                  <span className="small" data-field="labels">
                    {' '}
                    labelled {deploy.labels.join(', ')}
                  </span>
                )}
              </td>
              <td data-field="status">
                <DeployStatus deploy={deploy} />
                {deploy.decision === null ? null : (
                  <>
                    {' '}
                    {/* On the deploy's page: a decision older than this panel's shows there. */}
                    <a className="small" href={paths.deployDecision(deploy.service, deploy.id)}>
                      {deploy.againstDenial ? 'the denial' : 'its decision'}
                      <span className="visually-hidden"> for {deploy.version ?? deploy.id}</span>
                    </a>
                  </>
                )}
              </td>
              <td data-field="actor">{deploy.actor}</td>
              <td data-field="budget">
                <BudgetAroundDeploy budget={deploy.budget} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Decisions(props: {
  readonly decisions: readonly GateDecision[];
  readonly name: string;
  readonly paged: boolean;
}) {
  if (props.decisions.length === 0) {
    return props.paged ? (
      <p className="muted">No older gate decision about {props.name}.</p>
    ) : (
      <p className="muted">
        The gate has not been asked about {props.name}: <code>headroom gate</code> or{' '}
        <code>POST /api/v1/deploys/check</code> asks it.
      </p>
    );
  }
  return (
    <ul className="decision-list">
      {props.decisions.map((decision) => (
        <li key={decision.id} id={decisionAnchor(decision.id)} data-decision={decision.id}>
          <DecisionEntry decision={decision} />
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
  return formatInstantForZone(iso, timeZone ?? null);
}

/** The id a deploy's link to its decision jumps to. */
const decisionAnchor = (id: string): string => `decision-${id}`;

/** Would a deploy without labels go out now: the overview's answer, for this service. */
function GateNow(props: { readonly answers: readonly GatePreview[]; readonly name: string }) {
  const [answer] = props.answers;
  if (answer === undefined) return null;
  if (answer.state !== 'allowed') {
    return (
      <ul className="gate-list">
        <HeldService entry={{ name: props.name, gate: answer }} actor={answer.actor} />
      </ul>
    );
  }
  return (
    <p data-gate-service={props.name} data-gate-state="allowed">
      <GateBadge state="allowed" />{' '}
      <span className="muted">
        {answer.policies.length === 0
          ? 'no policy applies: the gate allows every deploy'
          : `a deploy without labels may go out now under ${answer.policies.join(', ')}`}
      </span>
      <ApprovalsApplied approvals={answer.approvalsApplied} />
    </p>
  );
}

function Approvals(props: {
  readonly approvals: readonly ApprovalResource[];
  readonly name: string;
  /** Undefined until they are read (or when they may not be). */
  readonly policies: readonly PolicyResource[] | undefined;
}) {
  if (props.approvals.length === 0) {
    return <NoApprovals name={props.name} policies={props.policies} />;
  }
  return (
    <ul className="plain-list">
      {props.approvals.map((approval) => (
        <li key={approval.id} data-approval={approval.id}>
          <strong>{approval.approver}</strong>{' '}
          <span className="muted small">({orList(approval.approverRoles)})</span> lifts{' '}
          {approval.scope === 'all' ? 'every rule an approval lifts' : approval.scope.join(', ')}{' '}
          for{' '}
          {approval.requester === null
            ? `anyone's deploys but ${approval.approver}'s`
            : `${approval.requester}'s deploys`}
          , until <span data-field="expires">{formatInstant(approval.expiresAt)}</span>
          <span className="muted">: {approval.reason}</span>{' '}
          <code className="small">{approval.id}</code>
        </li>
      ))}
    </ul>
  );
}

/** Who could give an approval, and the command, for no longer than the policies allow. */
function NoApprovals(props: {
  readonly name: string;
  readonly policies: readonly PolicyResource[] | undefined;
}) {
  if (props.policies === undefined) {
    return <p className="muted">No approval in force for {props.name}.</p>;
  }
  const hint = approvalHint(props.name, props.policies);
  if (hint === null) {
    return (
      <p className="muted" data-field="approval-hint">
        No approval in force for {props.name}, and none of its policies takes approvals: only labels
        and time lift their rules.
      </p>
    );
  }
  return (
    <p className="muted" data-field="approval-hint">
      No approval in force for {props.name}. A holder of role {orList(hint.roles)} gives one, for
      anyone&apos;s deploys but their own, with <code>{hint.command}</code>.
    </p>
  );
}

/** DORA's change-failure rate over the API's default period (the last 30 days). */
function ChangeFailureRate({ figure }: { readonly figure: ChangeFailure }) {
  const failed = figure.items.filter((item) => item.failedBy.length > 0);
  return (
    <div data-field="change-failure">
      <p>
        Change failure rate, {formatInstant(figure.from)} to {formatInstant(figure.to)}:{' '}
        <strong data-field="rate">
          {figure.rate === null ? 'no changes' : formatPercent(figure.rate)}
        </strong>{' '}
        <span className="muted">
          ({figure.failed} of {figure.deploys} finished deploys needed remediation within{' '}
          {figure.within}
          {figure.failedToDeploy === 0
            ? ''
            : `; ${String(figure.failedToDeploy)} failed to deploy and are not counted`}
          )
        </span>
      </p>
      {failed.length === 0 ? null : (
        <ul className="plain-list small">
          {failed.map((item) => (
            <li key={item.deploy}>
              {item.version ?? item.deploy} at {formatInstant(item.at)}:{' '}
              {failureCausesText(item.failedBy)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
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
