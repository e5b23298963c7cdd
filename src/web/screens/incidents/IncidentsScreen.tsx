// Incidents: the list, filtered by status (open by default), service and severity, kept
// in the address so that a reload or a shared link shows the same list; and the form to
// declare one.
import { useEffect, useId, useState } from 'react';
import type { Incident, IncidentSettings, Service } from '../../api/types';
import { useApi } from '../../api/use-api';
import { DEFAULT_SEVERITIES, INCIDENT_STATUSES } from '../../format/incident';
import { paths } from '../../router/routes';
import { EmptyState } from '../../ui/EmptyState';
import { LoadView } from '../../ui/LoadView';
import { useTitle } from '../../ui/use-title';
import { DeclareForm, type SeverityOption } from './DeclareForm';
import { IncidentTable } from './IncidentTable';

interface Filters {
  /** open, all, or one status. */
  readonly status: string;
  readonly service: string;
  readonly severity: string;
}

const STATUS_FILTERS: readonly { value: string; label: string }[] = [
  { value: 'open', label: 'Open (not resolved)' },
  { value: 'all', label: 'All' },
  ...INCIDENT_STATUSES.map((status) => ({ value: status, label: status })),
];

function filtersOf(search: string): Filters {
  const params = new URLSearchParams(search);
  const status = params.get('status') ?? 'open';
  return {
    status: STATUS_FILTERS.some((filter) => filter.value === status) ? status : 'open',
    service: params.get('service') ?? '',
    severity: params.get('severity') ?? '',
  };
}

/** The screen's own query: what differs from the defaults. */
function screenQuery(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.status !== 'open') params.set('status', filters.status);
  if (filters.service !== '') params.set('service', filters.service);
  if (filters.severity !== '') params.set('severity', filters.severity);
  return params.toString();
}

function apiQuery(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.status !== 'all') params.set('status', filters.status);
  if (filters.service !== '') params.set('service', filters.service);
  if (filters.severity !== '') params.set('severity', filters.severity);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

export function IncidentsScreen() {
  useTitle('Incidents');
  const [filters, setFilters] = useState<Filters>(() => filtersOf(location.search));
  const [declaring, setDeclaring] = useState(false);
  const incidents = useApi<Incident[]>(`/api/v1/incidents${apiQuery(filters)}`);
  const services = useApi<Service[]>('/api/v1/services');
  const settings = useApi<IncidentSettings>('/api/v1/incident-settings');
  const query = screenQuery(filters);
  useEffect(() => {
    // The filters are the address's query: replaced, not pushed (back leaves the list).
    if (location.pathname === paths.incidents())
      history.replaceState(null, '', paths.incidents(query));
  }, [query]);
  const serviceList = services.load.kind === 'ok' ? services.load.data : [];
  const severities = severityOptions(
    settings.load.kind === 'ok' ? settings.load.data.severities : [],
    incidents.load.kind === 'ok' ? incidents.load.data : [],
    filters.severity,
  );
  const change = (field: keyof Filters) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setFilters((current) => ({ ...current, [field]: value }));
  };
  const id = useId();
  const filtered = query !== '';

  return (
    <div className="screen">
      <div className="screen-header">
        <div>
          <h1>Incidents</h1>
          <p className="muted">Declared from the CLI, the API, a page, or here.</p>
        </div>
        <button
          type="button"
          className="button button-primary"
          aria-expanded={declaring}
          aria-controls={`${id}-declare`}
          onClick={() => {
            setDeclaring((open) => !open);
          }}
        >
          Declare incident
        </button>
      </div>
      <div id={`${id}-declare`}>
        {declaring ? (
          <section className="panel" aria-label="Declare an incident">
            {services.load.kind === 'ok' || services.load.kind === 'forbidden' ? (
              <DeclareForm
                services={serviceList}
                severities={severities}
                onCancel={() => {
                  setDeclaring(false);
                }}
              />
            ) : (
              <LoadView load={services.load} what="services" retry={services.reload}>
                {() => null}
              </LoadView>
            )}
          </section>
        ) : null}
      </div>
      <form
        className="filters"
        aria-label="Filter incidents"
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <div className="form-field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={filters.status} onChange={change('status')}>
            {STATUS_FILTERS.map((filter) => (
              <option key={filter.value} value={filter.value}>
                {filter.label}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-service`}>Service</label>
          <select id={`${id}-service`} value={filters.service} onChange={change('service')}>
            <option value="">Any service</option>
            {withCurrent(
              serviceList.map((service) => service.metadata.name),
              filters.service,
            ).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-severity`}>Severity</label>
          <select id={`${id}-severity`} value={filters.severity} onChange={change('severity')}>
            <option value="">Any severity</option>
            {severities.map((option) => (
              <option key={option.name} value={option.name}>
                {option.name}
              </option>
            ))}
          </select>
        </div>
      </form>
      <section className="panel" aria-label="Incidents">
        <LoadView load={incidents.load} what="incidents" retry={incidents.reload}>
          {(list) =>
            list.length === 0 ? (
              <NoIncidents
                filtered={filtered}
                onDeclare={() => {
                  setDeclaring(true);
                }}
                onShowAll={
                  filters.status === 'open'
                    ? () => {
                        setFilters((current) => ({ ...current, status: 'all' }));
                      }
                    : undefined
                }
              />
            ) : (
              <IncidentTable incidents={list} caption="Incidents, newest impact start first" />
            )
          }
        </LoadView>
      </section>
      {incidents.load.kind === 'forbidden' ? (
        <p className="muted">This token may not read incidents.</p>
      ) : null}
    </div>
  );
}

function withCurrent(names: readonly string[], current: string): string[] {
  return current === '' || names.includes(current) ? [...names] : [...names, current];
}

/**
 * The scale the server declares incidents with (SEV1 to SEV4 until it answers), then
 * any other severity an incident carries (a level since renamed), each with its meaning.
 */
function severityOptions(
  scale: IncidentSettings['severities'],
  incidents: readonly Incident[],
  current: string,
): SeverityOption[] {
  const options = new Map<string, string | null>(
    scale.length > 0
      ? scale.map((level) => [level.name, level.meaning])
      : DEFAULT_SEVERITIES.map((name) => [name, null]),
  );
  for (const incident of incidents) {
    const known = options.get(incident.severity);
    if (known === undefined || known === null)
      options.set(incident.severity, incident.severityMeaning);
  }
  if (current !== '' && !options.has(current)) options.set(current, null);
  return [...options].map(([name, meaning]) => ({ name, meaning }));
}

function NoIncidents(props: {
  readonly filtered: boolean;
  readonly onDeclare: () => void;
  /** Where only open incidents are asked for: resolved ones are a click away. */
  readonly onShowAll: (() => void) | undefined;
}) {
  return (
    <EmptyState title={props.filtered ? 'No incidents match these filters' : 'No open incidents'}>
      {props.onShowAll === undefined ? null : (
        <p>
          Resolved incidents are not listed here:{' '}
          <button type="button" className="link-button" onClick={props.onShowAll}>
            show them too
          </button>
          .
        </p>
      )}
      <p>
        When something is broken for your users, declare an incident: Headroom keeps its timeline,
        roles and times, measures the error budget it cost, and drafts the postmortem.
      </p>
      <p>
        <button type="button" className="button button-primary" onClick={props.onDeclare}>
          Declare incident
        </button>
      </p>
      <p>Or from a terminal:</p>
      <pre>
        <code>
          {'headroom incident declare "Checkout failing payments" -s checkout --severity SEV2'}
        </code>
      </pre>
    </EmptyState>
  );
}
