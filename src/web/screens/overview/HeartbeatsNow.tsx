// The cron jobs' checks that need eyes now: down ones, then late ones, with why and
// since when, and how many checks there are in each status. Hidden when the token may
// not read heartbeats.
import type { HeartbeatStatus, OverviewHeartbeats } from '../../api/types';
import { paths } from '../../router/routes';
import { Panel } from '../../ui/Panel';
import { CauseLine, HEARTBEAT_STATUSES, HeartbeatStatusBadge } from '../heartbeats/heartbeat-parts';

export function HeartbeatsNow({ heartbeats }: { readonly heartbeats: OverviewHeartbeats | null }) {
  if (heartbeats === null) return null;
  const { counts, attention } = heartbeats;
  const total = HEARTBEAT_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  const needing = counts.down + counts.late;
  return (
    <Panel title="Heartbeats" id="heartbeats-now">
      {total === 0 ? (
        <p className="muted">
          No cron job is checked yet: a <code>Heartbeat</code> in your config gives one a ping URL
          and pages when a run is late or fails.
        </p>
      ) : (
        <>
          <p className="small" data-field="heartbeat-counts">
            <a href={paths.heartbeats()}>{countsText(counts, total)}</a>
          </p>
          {attention.length === 0 ? (
            <p className="muted">No cron job is down or late.</p>
          ) : (
            <ul className="alert-list">
              {attention.map((check) => (
                <li key={check.name} data-heartbeat={check.name}>
                  <HeartbeatStatusBadge status={check.status} />{' '}
                  <a href={paths.heartbeat(check.name)}>{check.name}</a>{' '}
                  <span className="muted">({check.service})</span>
                  {check.cause === null ? null : <CauseLine cause={check.cause} />}
                </li>
              ))}
            </ul>
          )}
          {needing > attention.length ? (
            <p className="small">
              {/* The list shows down checks first: what it left out is down, or else late. */}
              <a
                href={paths.heartbeats(
                  `status=${counts.down > attention.length ? 'down' : 'late'}`,
                )}
              >
                {needing - attention.length} more down or late
              </a>
            </p>
          ) : null}
        </>
      )}
    </Panel>
  );
}

/** The worst first. */
const COUNTS_ORDER: readonly HeartbeatStatus[] = ['down', 'late', 'up', 'new', 'paused'];

/** "12 checks: 1 down, 10 up, 1 paused". */
function countsText(counts: OverviewHeartbeats['counts'], total: number): string {
  const parts = COUNTS_ORDER.filter((status) => counts[status] > 0).map(
    (status) => `${String(counts[status])} ${status}`,
  );
  return `${String(total)} check${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
