// Who is on call now, per schedule. Hidden when the token may not read schedules.
import type { OnCall, ScheduleSummary } from '../../api/types';
import { segment } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatInZone } from '../../format/time';
import { paths } from '../../router/routes';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';

export function OnCallNow() {
  const schedules = useApi<ScheduleSummary[]>('/api/v1/schedules');
  if (schedules.load.kind === 'forbidden') return null;
  return (
    <Panel title="On call now" id="oncall-now">
      <LoadView load={schedules.load} what="schedules" retry={schedules.reload}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">
              No on-call schedules yet: add a <code>Schedule</code> document to your config and
              apply it.
            </p>
          ) : (
            <ul className="oncall-list">
              {list.map((schedule) => (
                <OnCallLine key={schedule.name} schedule={schedule} />
              ))}
            </ul>
          )
        }
      </LoadView>
    </Panel>
  );
}

function OnCallLine({ schedule }: { readonly schedule: ScheduleSummary }) {
  const { load } = useApi<OnCall>(`/api/v1/schedules/${segment(schedule.name)}/oncall`);
  return (
    <li data-schedule={schedule.name}>
      <a href={paths.oncall(schedule.name)}>{schedule.name}</a>{' '}
      <LoadView load={load} what="who is on call">
        {(answer) => (
          <span>
            <strong data-field="oncall-user">{answer.current.user ?? 'nobody'}</strong>
            {answer.current.until === null ? null : (
              <span className="muted">
                {' '}
                until {formatInZone(answer.current.until, schedule.timeZone)} ({schedule.timeZone})
              </span>
            )}
          </span>
        )}
      </LoadView>
    </li>
  );
}
