// One deploy: what went out, who recorded it and when, the budget each SLO of its
// service spent or regained in the hour before and the hour after, and the gate decision
// it went out on. Its address is where every link to a deploy goes, however old it is.
import { useEffect } from 'react';
import type { Deploy, GateDecision } from '../../api/types';
import { segment } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatInstant } from '../../format/time';
import { DECISION_ANCHOR, paths } from '../../router/routes';
import { Breadcrumb } from '../../ui/Breadcrumb';
import { BudgetAroundDeploy } from '../../ui/DeployBudget';
import { DeployStatus } from '../../ui/DeployStatus';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';
import { useTitle } from '../../ui/use-title';
import { DecisionEntry } from '../service/DecisionEntry';

export function DeployScreen(props: { readonly service: string; readonly id: string }) {
  useTitle(`Deploy ${props.id}`);
  const deploy = useApi<Deploy>(`/api/v1/deploys/${segment(props.id)}`);
  return (
    <div className="screen">
      <Breadcrumb
        trail={[
          { label: props.service, href: paths.service(props.service) },
          { label: 'Deploys', href: paths.serviceDeploys(props.service) },
          { label: props.id },
        ]}
      />
      <LoadView load={deploy.load} what={`deploy ${props.id}`} retry={deploy.reload}>
        {(found) =>
          found.service === props.service ? (
            <DeployView deploy={found} />
          ) : (
            // Ids are global, so the deploy was found; the address names another service.
            <div className="error-box" role="alert">
              <strong>
                No deploy {props.id} of {props.service}
              </strong>
              <p>
                It is a deploy of {found.service}:{' '}
                <a href={paths.deploy(found.service, found.id)}>see it there</a>.
              </p>
            </div>
          )
        }
      </LoadView>
    </div>
  );
}

function DeployView({ deploy }: { readonly deploy: Deploy }) {
  return (
    <>
      <div className="screen-header">
        <div>
          <h1>
            {deploy.service} <span data-field="version">{deploy.version ?? 'no version'}</span>{' '}
            <DeployStatus deploy={deploy} />
          </h1>
          <p className="muted">
            Deploy <code data-field="id">{deploy.id}</code>
          </p>
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Service</dt>
          <dd data-field="service">
            <a href={paths.service(deploy.service)}>{deploy.service}</a>
          </dd>
        </div>
        <div>
          <dt>Commit</dt>
          <dd data-field="commit">
            {deploy.commit === null ? (
              <span className="muted">none given</span>
            ) : (
              <code>{deploy.commit}</code>
            )}
          </dd>
        </div>
        <div>
          <dt>Labels</dt>
          <dd data-field="labels">
            {deploy.labels.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              deploy.labels.map((label) => (
                <code key={label} className="label">
                  {label}
                </code>
              ))
            )}
          </dd>
        </div>
        <div>
          <dt>At</dt>
          <dd data-field="at">
            <time dateTime={deploy.at}>{formatInstant(deploy.at)}</time>
          </dd>
        </div>
        <div>
          <dt>Actor</dt>
          <dd data-field="actor">{deploy.actor}</dd>
        </div>
        <div>
          <dt>Recorded</dt>
          <dd data-field="recorded">
            {formatInstant(deploy.recordedAt)} by {deploy.recordedBy}
          </dd>
        </div>
        <div>
          <dt>Gate decision</dt>
          <dd data-field="decision">
            {deploy.decision === null ? (
              <span className="muted">none: recorded without asking the gate</span>
            ) : (
              <a href={`#${DECISION_ANCHOR}`}>
                {deploy.againstDenial ? 'denied: it went out against the gate' : 'allowed'}
              </a>
            )}
          </dd>
        </div>
      </dl>
      <Panel title="Budget around it" id="deploy-budget">
        <p className="muted small">
          What each SLO of {deploy.service} spent or regained in the hour before the deploy and the
          hour after it, with the 1h burn rate at the end of each.
        </p>
        <BudgetAroundDeploy budget={deploy.budget} />
      </Panel>
      {deploy.decision === null ? null : <Decision id={deploy.decision} />}
    </>
  );
}

function Decision({ id }: { readonly id: string }) {
  const decision = useApi<GateDecision>(`/api/v1/deploys/decisions/${segment(id)}`);
  // Linked to from the service's deploy list: the section arrives after the page did, so
  // the browser's own jump to the hash found nothing.
  const loaded = decision.load.kind === 'ok';
  useEffect(() => {
    if (loaded && location.hash === `#${DECISION_ANCHOR}`) {
      document.getElementById(DECISION_ANCHOR)?.scrollIntoView({ block: 'start' });
    }
  }, [loaded]);
  if (decision.load.kind === 'forbidden') return null;
  return (
    <div id={DECISION_ANCHOR}>
      <Panel title="Gate decision" id="decision">
        <LoadView load={decision.load} what={`gate decision ${id}`} retry={decision.reload}>
          {(found) => (
            <div data-decision={found.id}>
              <DecisionEntry decision={found} />
              <p className="muted small">
                Decision <code>{found.id}</code>, asked with the token of {found.requestedBy}. In a
                terminal: <code>headroom deploy decision {found.id}</code>
              </p>
            </div>
          )}
        </LoadView>
      </Panel>
    </div>
  );
}
