// One service: owner, tier, runbook, dependencies both ways, its SLOs' budgets, its
// cron jobs' checks, its deploys and the gate's decisions, and the incidents that
// touched it.
import { lazy, Suspense } from 'react';
import type { Service, SloStatus } from '../../api/types';
import { segment } from '../../api/client';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { Loading, LoadView } from '../../ui/LoadView';
import { Breadcrumb } from '../../ui/Breadcrumb';
import { Panel } from '../../ui/Panel';
import { TierBadge } from '../../ui/TierBadge';
import { useTitle } from '../../ui/use-title';
import { SloTable } from '../overview/SloTable';
import { Dependencies } from './Dependencies';
import { ServiceHeartbeats } from './ServiceHeartbeats';
import { ServiceIncidents } from './ServiceIncidents';

// Deploys, gate decisions and policies: a chunk of their own, loaded with the screen.
const DeploysAndGate = lazy(() =>
  import('./DeploysAndGate').then((module) => ({ default: module.DeploysAndGate })),
);

export function ServiceScreen({ name }: { readonly name: string }) {
  useTitle(name);
  const service = useApi<Service>(`/api/v1/services/${segment(name)}`);
  return (
    <div className="screen">
      <Breadcrumb trail={[{ label: 'Overview', href: paths.overview() }, { label: 'service' }]} />
      <LoadView load={service.load} what={`service ${name}`} retry={service.reload}>
        {(found) => <ServiceView service={found} />}
      </LoadView>
    </div>
  );
}

function ServiceView({ service }: { readonly service: Service }) {
  const { spec } = service;
  const name = service.metadata.name;
  const labels = Object.entries(service.metadata.labels);
  return (
    <>
      <div className="screen-header">
        <div>
          <h1>
            {name} <TierBadge tier={spec.tier} />
          </h1>
          {spec.description === undefined ? null : <p className="lead">{spec.description}</p>}
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Team</dt>
          <dd data-field="team">{spec.team}</dd>
        </div>
        <div>
          <dt>Tier</dt>
          <dd>{spec.tier}</dd>
        </div>
        <div>
          <dt>Runbook</dt>
          <dd data-field="runbook">
            {spec.runbook === undefined ? (
              <span className="muted">none given</span>
            ) : (
              <a href={spec.runbook} rel="noreferrer noopener" target="_blank">
                {spec.runbook}
              </a>
            )}
          </dd>
        </div>
        {labels.length === 0 ? null : (
          <div>
            <dt>Labels</dt>
            <dd>
              {labels.map(([key, value]) => (
                <code key={key} className="label">
                  {key}={value}
                </code>
              ))}
            </dd>
          </div>
        )}
      </dl>
      <ServiceSlos name={name} />
      <ServiceHeartbeats name={name} />
      <Dependencies service={service} />
      <Suspense fallback={<Loading what="deploys and the gate" />}>
        <DeploysAndGate name={name} />
      </Suspense>
      <ServiceIncidents name={name} />
    </>
  );
}

function ServiceSlos({ name }: { readonly name: string }) {
  const statuses = useApi<SloStatus[]>(`/api/v1/status?service=${encodeURIComponent(name)}`);
  if (statuses.load.kind === 'forbidden') return null;
  return (
    <Panel title="SLOs" id="service-slos">
      <LoadView load={statuses.load} what="SLO status" retry={statuses.reload}>
        {(all) => <SloTable slos={all} caption={`SLOs of ${name}`} />}
      </LoadView>
    </Panel>
  );
}
