import type { OnCall, ScheduleSummary, Shifts } from '../../api/types';
import { segment } from '../../api/client';
import { both, useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { LoadView } from '../../ui/LoadView';
import { NowAndNext } from './NowAndNext';
import { OverrideForm } from './OverrideForm';
import { ShiftList } from './ShiftList';
import { Timeline } from './Timeline';

export function ScheduleCard({ schedule }: { readonly schedule: ScheduleSummary }) {
  const base = `/api/v1/schedules/${segment(schedule.name)}`;
  const onCall = useApi<OnCall>(`${base}/oncall`);
  const shifts = useApi<Shifts>(`${base}/shifts`);
  const reload = () => {
    onCall.reload();
    shifts.reload();
  };
  const titleId = `schedule-${schedule.name}`;
  return (
    <section className="panel schedule" aria-labelledby={titleId} data-schedule={schedule.name}>
      <header className="panel-header">
        <h2 id={titleId}>
          <a href={paths.oncall(schedule.name)}>{schedule.name}</a>
        </h2>
        <span className="muted">
          {schedule.team === null ? 'no team' : `team ${schedule.team}`} · times in{' '}
          {schedule.timeZone}
        </span>
      </header>
      {schedule.description === null ? null : <p>{schedule.description}</p>}
      <LoadView load={onCall.load} what="who is on call" retry={onCall.reload}>
        {(answer) => <NowAndNext onCall={answer} timeZone={schedule.timeZone} />}
      </LoadView>
      <LoadView load={both(shifts.load, onCall.load)} what="shifts" retry={reload}>
        {([list, answer]) => (
          <>
            <Timeline shifts={list} timeZone={schedule.timeZone} now={answer.at} />
            <ShiftList shifts={list.shifts} timeZone={schedule.timeZone} />
          </>
        )}
      </LoadView>
      <OverrideForm schedule={schedule} onAdded={reload} />
    </section>
  );
}
