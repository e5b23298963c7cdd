// The incidents not resolved yet, most severe first. Hidden when the token may not read
// incidents.
import type { OverviewIncident } from '../../api/types';
import { DEFAULT_SEVERITIES } from '../../format/incident';
import { paths } from '../../router/routes';
import { IncidentStatusBadge, SeverityBadge } from '../../ui/IncidentBadges';
import { Panel } from '../../ui/Panel';

export function OpenIncidents({
  incidents,
}: {
  readonly incidents: readonly OverviewIncident[] | null;
}) {
  if (incidents === null) return null;
  return (
    <Panel
      title="Open incidents"
      id="incidents"
      actions={<a href={paths.incidents()}>All incidents</a>}
    >
      {incidents.length === 0 ? (
        <p className="muted">
          None open. <a href={paths.incidents()}>Declare one</a> when users are hurting.
        </p>
      ) : (
        <ul className="alert-list">
          {bySeverity(incidents).map((incident) => (
            <li key={incident.id} data-incident={incident.ref}>
              <SeverityBadge severity={incident.severity} meaning={incident.severityMeaning} />{' '}
              <a href={paths.incident(incident.id)}>{incident.ref}</a>{' '}
              <span data-field="title">{incident.title}</span>{' '}
              <IncidentStatusBadge status={incident.status} />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function bySeverity(list: readonly OverviewIncident[]): OverviewIncident[] {
  const rank = (severity: string) => {
    const index = DEFAULT_SEVERITIES.indexOf(severity);
    return index < 0 ? DEFAULT_SEVERITIES.length : index;
  };
  // Stable: the API's order (newest start first) within a severity.
  return [...list].sort((a, b) => rank(a.severity) - rank(b.severity));
}
