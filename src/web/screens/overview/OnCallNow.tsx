// Who is on call now, per schedule. Hidden when the token may not read schedules.
import type { OverviewOnCall } from '../../api/types';
import { formatInZone } from '../../format/time';
import { paths } from '../../router/routes';
import { Panel } from '../../ui/Panel';

export function OnCallNow({ onCall }: { readonly onCall: readonly OverviewOnCall[] | null }) {
  if (onCall === null) return null;
  return (
    <Panel title="On call now" id="oncall-now">
      {onCall.length === 0 ? (
        <p className="muted">
          No on-call schedules yet: add a <code>Schedule</code> document to your config and apply
          it.
        </p>
      ) : (
        <ul className="oncall-list">
          {onCall.map((turn) => (
            <li key={turn.schedule} data-schedule={turn.schedule}>
              <a href={paths.oncall(turn.schedule)}>{turn.schedule}</a>{' '}
              <span>
                <strong data-field="oncall-user">{turn.user ?? 'nobody'}</strong>
                {turn.until === null ? null : (
                  <span className="muted">
                    {' '}
                    until {formatInZone(turn.until, turn.timeZone)} ({turn.timeZone})
                  </span>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
