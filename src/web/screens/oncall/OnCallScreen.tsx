// On call: every schedule (or the one in the path) with who is on now and next, the
// next 14 days as a timeline of shifts, a form to add an override, and the open pages.
import { lazy, Suspense } from 'react';
import type { ScheduleSummary } from '../../api/types';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { Breadcrumb } from '../../ui/Breadcrumb';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorBox, Loading, LoadView } from '../../ui/LoadView';
import { useTitle } from '../../ui/use-title';
import { ScheduleCard } from './ScheduleCard';

// The open pages bring the Markdown reader (their runbooks): a chunk of their own.
const OpenPages = lazy(() =>
  import('./OpenPages').then((module) => ({ default: module.OpenPages })),
);

export function OnCallScreen({ schedule }: { readonly schedule: string | null }) {
  useTitle(schedule === null ? 'On call' : `On call: ${schedule}`);
  const schedules = useApi<ScheduleSummary[]>('/api/v1/schedules');
  return (
    <div className="screen">
      {schedule === null ? null : (
        <Breadcrumb trail={[{ label: 'On call', href: paths.oncall() }, { label: 'schedule' }]} />
      )}
      <div className="screen-header">
        <div>
          <h1>{schedule ?? 'On call'}</h1>
        </div>
      </div>
      {schedules.load.kind === 'forbidden' ? (
        <p className="muted">This token may not read on-call schedules.</p>
      ) : (
        <LoadView load={schedules.load} what="schedules" retry={schedules.reload}>
          {(list) => <Schedules list={list} only={schedule} />}
        </LoadView>
      )}
      <Suspense fallback={<Loading what="open pages" />}>
        <OpenPages />
      </Suspense>
    </div>
  );
}

function Schedules(props: {
  readonly list: readonly ScheduleSummary[];
  readonly only: string | null;
}) {
  const shown = props.only === null ? props.list : props.list.filter((s) => s.name === props.only);
  if (props.only !== null && shown.length === 0) {
    return (
      <ErrorBox
        title={`No schedule ${props.only}`}
        message="It does not exist, or was deleted. See every schedule on the On call page."
      />
    );
  }
  if (shown.length === 0) {
    return (
      <EmptyState title="No on-call schedules yet">
        <p>
          Schedules are config, like SLOs: a <code>Schedule</code> document with layers of people
          taking turns, applied with <code>headroom apply -f</code>. For example:
        </p>
        <pre>
          <code>{EXAMPLE_SCHEDULE}</code>
        </pre>
        <p>
          The full format (restrictions, overrides, follow-the-sun) is in{' '}
          <code>docs/config.md</code>. The repository's example shop has rotations and escalation
          policies for its services:
        </p>
        <pre>
          <code>{'headroom apply -f examples/config -f examples/operations'}</code>
        </pre>
      </EmptyState>
    );
  }
  return (
    <>
      {shown.map((schedule) => (
        <ScheduleCard key={schedule.name} schedule={schedule} />
      ))}
    </>
  );
}

const EXAMPLE_SCHEDULE = `apiVersion: headroom/v1
kind: Schedule
metadata:
  name: payments-primary
spec:
  team: payments
  timeZone: Europe/Amsterdam
  layers:
    - name: weekly
      members: [anna, bram]
      start: 2026-11-02T09:00
      shiftLength: 1w`;
