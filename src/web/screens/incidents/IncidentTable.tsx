// Incidents as table rows: the list screen's, and a service's. Each number is the API's,
// with a data-field the tests read.
import type { Incident } from '../../api/types';
import { formatSeconds } from '../../format/incident';
import { formatInstant } from '../../format/time';
import { paths } from '../../router/routes';
import { IncidentStatusBadge, SeverityBadge } from '../../ui/IncidentBadges';

export function IncidentTable(props: {
  readonly incidents: readonly Incident[];
  readonly caption: string;
  /** A service's table leaves out the services column. */
  readonly showServices?: boolean;
}) {
  const showServices = props.showServices ?? true;
  return (
    <div className="table-scroll">
      <table className="incident-table">
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Incident</th>
            <th scope="col">Severity</th>
            <th scope="col">Status</th>
            <th scope="col">Title</th>
            {showServices ? <th scope="col">Services</th> : null}
            <th scope="col">Commander</th>
            <th scope="col">Started</th>
            <th scope="col" className="numeric">
              To acknowledge
            </th>
            <th scope="col" className="numeric">
              To resolve
            </th>
          </tr>
        </thead>
        <tbody>
          {props.incidents.map((incident) => (
            <tr key={incident.id} data-incident={incident.ref}>
              <th scope="row">
                <a href={paths.incident(incident.id)}>{incident.ref}</a>
              </th>
              <td>
                <SeverityBadge severity={incident.severity} meaning={incident.severityMeaning} />
              </td>
              <td>
                <IncidentStatusBadge status={incident.status} />
              </td>
              <td data-field="title">{incident.title}</td>
              {showServices ? (
                <td data-field="services">
                  {incident.services.map((service, index) => (
                    <span key={service}>
                      {index === 0 ? '' : ', '}
                      <a href={paths.service(service)}>{service}</a>
                    </span>
                  ))}
                </td>
              ) : null}
              <td data-field="commander">
                {incident.roles.commander?.person ?? <span className="muted">nobody</span>}
              </td>
              <td data-field="started">{formatInstant(incident.startedAt)}</td>
              <td className="numeric" data-field="tta">
                {formatSeconds(incident.timeToAcknowledgeSeconds)}
              </td>
              <td className="numeric" data-field="ttr">
                {formatSeconds(incident.timeToResolveSeconds, 'open')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
