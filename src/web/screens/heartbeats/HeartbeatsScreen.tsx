// Heartbeats: the cron and batch jobs that ping Headroom, filtered by service and
// status (kept in the address, so that a reload or a shared link shows the same list).
import { useEffect, useId, useState } from 'react';
import type { Heartbeat, HeartbeatStatus, Service } from '../../api/types';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { EmptyState } from '../../ui/EmptyState';
import { LoadView } from '../../ui/LoadView';
import { useTitle } from '../../ui/use-title';
import { HEARTBEAT_STATUSES } from './heartbeat-parts';
import { HeartbeatTable } from './HeartbeatTable';

interface Filters {
  readonly service: string;
  /** '' for any status. */
  readonly status: string;
}

function filtersOf(search: string): Filters {
  const params = new URLSearchParams(search);
  const status = params.get('status') ?? '';
  return {
    service: params.get('service') ?? '',
    status: HEARTBEAT_STATUSES.includes(status as HeartbeatStatus) ? status : '',
  };
}

/** The screen's query and the API's are the same: only what is set. */
function queryOf(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.service !== '') params.set('service', filters.service);
  if (filters.status !== '') params.set('status', filters.status);
  return params.toString();
}

export function HeartbeatsScreen() {
  useTitle('Heartbeats');
  const [filters, setFilters] = useState<Filters>(() => filtersOf(location.search));
  const query = queryOf(filters);
  const heartbeats = useApi<Heartbeat[]>(`/api/v1/heartbeats${query === '' ? '' : `?${query}`}`);
  const services = useApi<Service[]>('/api/v1/services');
  useEffect(() => {
    // Replaced, not pushed: back leaves the list.
    if (location.pathname === paths.heartbeats())
      history.replaceState(null, '', paths.heartbeats(query));
  }, [query]);
  const change = (field: keyof Filters) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setFilters((current) => ({ ...current, [field]: value }));
  };
  const serviceNames =
    services.load.kind === 'ok' ? services.load.data.map((s) => s.metadata.name) : [];
  if (filters.service !== '' && !serviceNames.includes(filters.service))
    serviceNames.push(filters.service);
  const id = useId();

  return (
    <div className="screen">
      <div className="screen-header">
        <div>
          <h1>Heartbeats</h1>
          <p className="muted">
            Cron and batch jobs that ping Headroom when they run: a run that is late beyond its
            grace, fails, or never finishes pages the service&apos;s escalation policy.
          </p>
        </div>
      </div>
      <form
        className="filters"
        aria-label="Filter heartbeats"
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <div className="form-field">
          <label htmlFor={`${id}-service`}>Service</label>
          <select id={`${id}-service`} value={filters.service} onChange={change('service')}>
            <option value="">Any service</option>
            {serviceNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={filters.status} onChange={change('status')}>
            <option value="">Any status</option>
            {HEARTBEAT_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
      </form>
      <section className="panel" aria-label="Heartbeats">
        <LoadView load={heartbeats.load} what="heartbeats" retry={heartbeats.reload}>
          {(list) =>
            list.length === 0 ? (
              <NoHeartbeats filtered={query !== ''} />
            ) : (
              <HeartbeatTable heartbeats={list} caption="Heartbeat checks" />
            )
          }
        </LoadView>
      </section>
      {heartbeats.load.kind === 'forbidden' ? (
        <p className="muted">This token may not read heartbeats.</p>
      ) : null}
    </div>
  );
}

const EXAMPLE_YAML = `apiVersion: headroom/v1
kind: Heartbeat
metadata:
  name: nightly-backup
spec:
  service: checkout
  schedule: { cron: "30 2 * * *", timeZone: Europe/Amsterdam }
  grace: 30m`;

function NoHeartbeats({ filtered }: { readonly filtered: boolean }) {
  if (filtered) {
    return (
      <EmptyState title="No heartbeats match these filters">
        <p>Choose another service or status, or any.</p>
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No heartbeats yet">
      <p>
        Declare a check for each cron or batch job, apply it with <code>headroom apply -f</code>,
        and Headroom tells you when a run is late, fails, or never finishes:
      </p>
      <pre>
        <code>{EXAMPLE_YAML}</code>
      </pre>
      <p>Then let the job ping the check&apos;s URL (shown here once applied) when it succeeds:</p>
      <pre>
        <code>{'curl -fsS -m 10 --retry 5 <ping URL>'}</code>
      </pre>
    </EmptyState>
  );
}
