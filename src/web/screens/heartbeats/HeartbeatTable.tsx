// Heartbeat checks as a table: on the heartbeats screen, and on a service's screen
// without the service column.
import type { Heartbeat } from '../../api/types';
import { runNote } from '../../format/heartbeat';
import { formatInstant } from '../../format/time';
import { paths } from '../../router/routes';
import { CauseLine, HeartbeatStatusBadge, instantOr, PingUrl } from './heartbeat-parts';

export function HeartbeatTable({
  heartbeats,
  caption,
  showService = true,
}: {
  readonly heartbeats: readonly Heartbeat[];
  readonly caption: string;
  readonly showService?: boolean;
}) {
  return (
    <div className="table-scroll">
      <table className="heartbeat-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            {showService ? <th scope="col">Service</th> : null}
            <th scope="col">Schedule</th>
            <th scope="col">Last run ended</th>
            <th scope="col">Expected at</th>
            <th scope="col">Ping URL</th>
          </tr>
        </thead>
        <tbody>
          {heartbeats.map((heartbeat) => (
            <tr key={heartbeat.name} data-heartbeat={heartbeat.name}>
              <th scope="row">
                <a href={paths.heartbeat(heartbeat.name)}>{heartbeat.name}</a>
              </th>
              <td>
                <HeartbeatStatusBadge status={heartbeat.status} />
                <Cause heartbeat={heartbeat} />
                <RunNote heartbeat={heartbeat} />
              </td>
              {showService ? (
                <td data-field="service">
                  <a href={paths.service(heartbeat.service)}>{heartbeat.service}</a>
                </td>
              ) : null}
              <td data-field="schedule">{heartbeat.schedule}</td>
              <td data-field="last-ping">
                {instantOr(heartbeat.lastPingAt, 'never', formatInstant)}
              </td>
              <td data-field="expected-at">
                {instantOr(heartbeat.expectedAt, 'nothing expected', formatInstant)}
              </td>
              <td>
                <PingUrl url={heartbeat.pingUrl} label={`Ping URL of ${heartbeat.name}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Why a check needs eyes, and since when; nothing for one that is up or new. */
function Cause({ heartbeat }: { readonly heartbeat: Heartbeat }) {
  const { status, cause } = heartbeat;
  if (cause === null || status === 'up' || status === 'new') return null;
  return <CauseLine cause={cause} />;
}

function RunNote({ heartbeat }: { readonly heartbeat: Heartbeat }) {
  const note = runNote(heartbeat);
  return note === null ? null : (
    <div className="muted small" data-field="run">
      {note}
    </div>
  );
}
