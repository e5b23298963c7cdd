import type { Shift } from '../../api/types';
import { formatInZone } from '../../format/time';

/** The final timeline as a table: the same data as the chart, for reading and for tools. */
export function ShiftList({
  shifts,
  timeZone,
}: {
  readonly shifts: readonly Shift[];
  readonly timeZone: string;
}) {
  return (
    <details className="shift-list">
      <summary>Hand-offs as a list ({shifts.length})</summary>
      <table className="numbers-table">
        <caption className="visually-hidden">Shifts of the next 14 days, overrides applied</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">Until</th>
            <th scope="col">Who</th>
            <th scope="col">Decided by</th>
          </tr>
        </thead>
        <tbody>
          {shifts.map((shift) => (
            <tr key={shift.start} data-shift-user={shift.user ?? ''}>
              <td>{formatInZone(shift.start, timeZone)}</td>
              <td>{formatInZone(shift.end, timeZone)}</td>
              <td>{shift.user ?? 'nobody'}</td>
              <td>
                {shift.source === null
                  ? 'gap'
                  : shift.source.kind === 'layer'
                    ? `layer ${shift.source.layer}`
                    : 'override'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
