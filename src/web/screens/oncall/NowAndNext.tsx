import type { OnCall, OnCallTurn } from '../../api/types';
import { formatInZone } from '../../format/time';

export function NowAndNext({
  onCall,
  timeZone,
}: {
  readonly onCall: OnCall;
  readonly timeZone: string;
}) {
  return (
    <dl className="now-next">
      <div data-turn="current">
        <dt>On call now</dt>
        <dd>
          <Turn turn={onCall.current} timeZone={timeZone} />
        </dd>
      </div>
      <div data-turn="next">
        <dt>Next</dt>
        <dd>
          {onCall.next === null ? (
            <span className="muted">nobody within a year</span>
          ) : (
            <Turn turn={onCall.next} timeZone={timeZone} />
          )}
        </dd>
      </div>
    </dl>
  );
}

function Turn({ turn, timeZone }: { readonly turn: OnCallTurn; readonly timeZone: string }) {
  const source =
    turn.source === null
      ? 'no layer covers this time'
      : turn.source.kind === 'layer'
        ? `layer ${turn.source.layer}`
        : `override${turn.source.reason === null ? '' : `: ${turn.source.reason}`}`;
  return (
    <>
      <strong data-field="user">{turn.user ?? 'nobody'}</strong>{' '}
      <span className="muted">
        {turn.since === null ? '' : `from ${formatInZone(turn.since, timeZone)} `}
        {turn.until === null ? '' : `until ${formatInZone(turn.until, timeZone)} `}({source})
      </span>
    </>
  );
}
