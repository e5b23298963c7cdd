// One SLO: its numbers exactly as the API gives them, charts over the window, the
// alert rules with their thresholds, and the alert history.
import type {
  AlertTransition,
  SloResource,
  SloSeries,
  SloStatusWithDeploys,
} from '../../api/types';
import { segment } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatObjective } from '../../format/numbers';
import { sloState } from '../../format/slo-state';
import { paths } from '../../router/routes';
import { LoadView } from '../../ui/LoadView';
import { Breadcrumb } from '../../ui/Breadcrumb';
import { Panel } from '../../ui/Panel';
import { StateBadge } from '../../ui/StateBadge';
import { useTitle } from '../../ui/use-title';
import { AlertHistory } from './AlertHistory';
import { AlertRules } from './AlertRules';
import { BurnRates } from './BurnRates';
import { DeployList } from './Deploys';
import { KeyNumbers } from './KeyNumbers';
import { SloCharts } from './SloCharts';
import { SourceState } from './SourceState';
import { describeWindow } from './window-text';

export function SloScreen({ name }: { readonly name: string }) {
  useTitle(name);
  const base = `/api/v1/slos/${segment(name)}`;
  const status = useApi<SloStatusWithDeploys>(`${base}/status`);
  const service = status.load.kind === 'ok' ? status.load.data.service : null;
  return (
    <div className="screen">
      <Breadcrumb
        trail={[
          { label: 'Overview', href: paths.overview() },
          ...(service === null ? [] : [{ label: service, href: paths.service(service) }]),
          { label: 'SLO' },
        ]}
      />
      <LoadView load={status.load} what={`SLO ${name}`} retry={status.reload}>
        {(found) => <SloView status={found} base={base} />}
      </LoadView>
    </div>
  );
}

function SloView({
  status,
  base,
}: {
  readonly status: SloStatusWithDeploys;
  readonly base: string;
}) {
  const document = useApi<SloResource>(base);
  const series = useApi<SloSeries>(`${base}/series`);
  const transitions = useApi<AlertTransition[]>(
    `/api/v1/alerts/transitions?slo=${segment(status.slo)}`,
  );
  const description = document.load.kind === 'ok' ? document.load.data.spec.description : undefined;
  return (
    <>
      <div className="screen-header">
        <div>
          <h1>
            {status.slo} <StateBadge state={sloState(status)} />
          </h1>
          {description === undefined ? null : <p className="lead">{description}</p>}
          <p className="muted">
            Objective {formatObjective(status.objective)} over {describeWindow(status.window)},{' '}
            {status.budgetingMethod === 'timeslices'
              ? 'counting good one-minute slices'
              : 'counting events'}
            .
          </p>
        </div>
      </div>
      <SourceState status={status} />
      <KeyNumbers status={status} />
      <Panel title="Over the window" id="charts">
        <LoadView load={series.load} what="the series" retry={series.reload}>
          {(data) => (
            <>
              <SloCharts status={status} series={data} />
              <DeployList series={data} service={status.service} latest={status.deploys.latest} />
            </>
          )}
        </LoadView>
      </Panel>
      <div className="panel-row panel-row-wide">
        <BurnRates status={status} />
        <AlertRules status={status} />
      </div>
      {transitions.load.kind === 'forbidden' ? null : (
        <Panel title="Alert history" id="alert-history">
          <LoadView load={transitions.load} what="the alert history" retry={transitions.reload}>
            {(list) => <AlertHistory transitions={list} />}
          </LoadView>
        </Panel>
      )}
    </>
  );
}
