// The overview: every SLO's budget, grouped by team and tier, with what needs eyes now.
// All statuses come from one request (/api/v1/status), however many SLOs there are.
import { startTransition, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import type { Service, SloStatus } from '../../api/types';
import { both, useApi } from '../../api/use-api';
import { formatInstant } from '../../format/time';
import { sloState, STATE_ORDER, STATE_TEXT } from '../../format/slo-state';
import { EmptyState } from '../../ui/EmptyState';
import { LoadView } from '../../ui/LoadView';
import { NotYetAvailable } from '../../ui/NotYetAvailable';
import { Panel } from '../../ui/Panel';
import { useTitle } from '../../ui/use-title';
import { FiringAlerts } from './FiringAlerts';
import { filterGroups, firstSlos, groupServices } from './group-services';
import { OnCallNow } from './OnCallNow';
import { OpenIncidents } from './OpenIncidents';
import { TeamSection } from './TeamSection';

export function OverviewScreen() {
  useTitle('Overview');
  const services = useApi<Service[]>('/api/v1/services');
  const statuses = useApi<SloStatus[]>('/api/v1/status');
  // Without the services list (a token that may not read it) SLOs still show, ungrouped.
  const servicesOrNone =
    services.load.kind === 'forbidden' ? { kind: 'ok' as const, data: [] } : services.load;
  const load = both(servicesOrNone, statuses.load);
  const retry = () => {
    services.reload();
    statuses.reload();
  };
  return (
    <div className="screen">
      <LoadView load={load} what="the overview" retry={retry}>
        {([serviceList, statusList]) =>
          serviceList.length === 0 && statusList.length === 0 ? (
            <NewInstall />
          ) : (
            <Overview services={serviceList} statuses={statusList} />
          )
        }
      </LoadView>
    </div>
  );
}

function Overview(props: {
  readonly services: readonly Service[];
  readonly statuses: readonly SloStatus[];
}) {
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const filterId = useId();
  const teams = useMemo(
    () => groupServices(props.services, props.statuses),
    [props.services, props.statuses],
  );
  const limit = useGrowingLimit(FIRST_ROWS);
  const filtered = useMemo(() => filterGroups(teams, deferredFilter), [teams, deferredFilter]);
  const shown = useMemo(() => firstSlos(filtered, limit), [filtered, limit]);
  const at = props.statuses[0]?.at;
  return (
    <>
      <div className="screen-header">
        <div>
          <h1>Overview</h1>
          <p className="muted">
            {at === undefined ? null : <>Evaluated at {formatInstant(at)}. </>}
            <StateSummary statuses={props.statuses} />
          </p>
        </div>
        <div className="filter">
          <label htmlFor={filterId}>Filter services and SLOs</label>
          <input
            id={filterId}
            type="search"
            value={filter}
            placeholder="name contains…"
            onChange={(event) => {
              setFilter(event.target.value);
            }}
          />
        </div>
      </div>
      <div className="panel-row">
        <FiringAlerts statuses={props.statuses} />
        <OnCallNow />
        <OpenIncidents />
        <Panel title="Deploy gate" id="gate">
          <NotYetAvailable
            what="Whether deploys may go out"
            when="shows here once the deploy gate is served."
          />
        </Panel>
      </div>
      {shown.length === 0 ? (
        <p className="muted" role="status">
          Nothing matches “{deferredFilter}”.
        </p>
      ) : (
        shown.map((group) => <TeamSection key={group.team ?? ''} group={group} />)
      )}
    </>
  );
}

/** About two screens of SLO rows: what the first render draws before the rest. */
const FIRST_ROWS = 60;

/**
 * A first screenful at once, then everything in a transition: React draws the rest in
 * slices, so the page answers input while a thousand rows arrive (bench/web.ts).
 */
function useGrowingLimit(first: number): number {
  const [limit, setLimit] = useState(first);
  useEffect(() => {
    startTransition(() => {
      setLimit(Number.POSITIVE_INFINITY);
    });
  }, []);
  return limit;
}

function StateSummary({ statuses }: { readonly statuses: readonly SloStatus[] }) {
  const counts = new Map<string, number>();
  for (const status of statuses) {
    const state = sloState(status);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const parts = STATE_ORDER.filter((state) => (counts.get(state) ?? 0) > 0).map(
    (state) => `${String(counts.get(state) ?? 0)} ${STATE_TEXT[state].label}`,
  );
  return (
    <span data-field="summary">
      {statuses.length} SLO{statuses.length === 1 ? '' : 's'}
      {parts.length === 0 ? '' : `: ${parts.join(', ')}`}.
    </span>
  );
}

function NewInstall() {
  return (
    <EmptyState title="No services or SLOs yet">
      <p>
        Headroom measures the SLOs you give it as config. To try it with the shipped example (three
        services, five SLOs), apply it from the repository:
      </p>
      <pre>
        <code>
          {`export HEADROOM_URL=${location.origin} HEADROOM_TOKEN=hr_…   # your token\n`}
          {'headroom apply -f examples/config'}
        </code>
      </pre>
      <p>
        Then send counts to <code>POST /api/v1/events</code> with an ingest key (see{' '}
        <code>docs/server.md</code>), or read SLIs from Prometheus. This page fills in as soon as
        the config is applied.
      </p>
    </EmptyState>
  );
}
