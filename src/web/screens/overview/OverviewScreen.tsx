// The overview: every SLO's budget, grouped by team and tier, with what needs eyes now.
// Everything comes from one request (/api/v1/overview) carrying only what is drawn,
// however many SLOs there are.
import { startTransition, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import type { Overview as OverviewData, OverviewSlo } from '../../api/types';
import { useApi } from '../../api/use-api';
import { formatInstant } from '../../format/time';
import { STATE_ORDER, STATE_TEXT, type SloState } from '../../format/slo-state';
import { EmptyState } from '../../ui/EmptyState';
import { LoadView } from '../../ui/LoadView';
import { useTitle } from '../../ui/use-title';
import { DeployGate } from './DeployGate';
import { FiringAlerts } from './FiringAlerts';
import { HeartbeatsNow } from './HeartbeatsNow';
import { allSlos, filterGroups, firstSlos, groupServices } from './group-services';
import { OnCallNow } from './OnCallNow';
import { OpenIncidents } from './OpenIncidents';
import { TeamSection } from './TeamSection';

export const OVERVIEW_PATH = '/api/v1/overview';

export function OverviewScreen() {
  useTitle('Overview');
  const overview = useApi<OverviewData>(OVERVIEW_PATH);
  return (
    <div className="screen">
      <LoadView load={overview.load} what="the overview" retry={overview.reload}>
        {(data) => (data.services.length === 0 ? <NewInstall /> : <Overview overview={data} />)}
      </LoadView>
    </div>
  );
}

function Overview({ overview }: { readonly overview: OverviewData }) {
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const filterId = useId();
  const teams = useMemo(() => groupServices(overview.services), [overview.services]);
  const slos = useMemo(() => allSlos(overview.services), [overview.services]);
  const limit = useGrowingLimit(FIRST_ROWS);
  const filtered = useMemo(() => filterGroups(teams, deferredFilter), [teams, deferredFilter]);
  const shown = useMemo(() => firstSlos(filtered, limit), [filtered, limit]);
  return (
    <>
      <div className="screen-header">
        <div>
          <h1>Overview</h1>
          <p className="muted">
            Evaluated at {formatInstant(overview.at)}. <StateSummary slos={slos} />
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
        <FiringAlerts services={overview.services} />
        <HeartbeatsNow heartbeats={overview.heartbeats} />
        <OnCallNow onCall={overview.onCall} />
        <OpenIncidents incidents={overview.incidents} />
        <DeployGate services={overview.services} actor={overview.gateActor} />
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

function StateSummary({ slos }: { readonly slos: readonly OverviewSlo[] }) {
  const counts = new Map<SloState, number>();
  for (const slo of slos) counts.set(slo.state, (counts.get(slo.state) ?? 0) + 1);
  const parts = STATE_ORDER.filter((state) => (counts.get(state) ?? 0) > 0).map(
    (state) => `${String(counts.get(state) ?? 0)} ${STATE_TEXT[state].label}`,
  );
  return (
    <span data-field="summary">
      {slos.length} SLO{slos.length === 1 ? '' : 's'}
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
