import type { SloStatus } from '../../api/types';
import { formatInstant } from '../../format/time';

/** For SLIs read from Prometheus: whether the last read worked, and how old the numbers are. */
export function SourceState({ status }: { readonly status: SloStatus }) {
  const source = status.source;
  if (source === undefined) return null;
  if (source.state === 'ok') {
    return (
      <p className="notice" data-source="ok">
        Read from Prometheus data source <code>{source.dataSource}</code>, checked{' '}
        {formatInstant(source.checkedAt)}.
      </p>
    );
  }
  return (
    <div className="notice notice-warning" role="status" data-source="unknown">
      <strong>
        <span aria-hidden="true">?</span> State unknown:
      </strong>{' '}
      the last read of <code>{source.dataSource}</code> failed ({source.reason ?? 'no reason given'}
      ).{' '}
      {source.numbersAt === null
        ? 'There are no good numbers yet.'
        : `The numbers below are from ${formatInstant(source.numbersAt)}${
            source.ageSeconds === null
              ? ''
              : `, ${String(Math.round(source.ageSeconds / 60))} min old`
          }.`}
    </div>
  );
}
