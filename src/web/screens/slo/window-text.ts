import type { SloStatus } from '../../api/types';

/** "a rolling 30d window", "the calendar month (Europe/Amsterdam)". */
export function describeWindow(window: SloStatus['window']): string {
  if (window.type === 'rolling') return `a rolling ${window.length} window`;
  return `the calendar ${window.length}${window.timeZone === null ? '' : ` (${window.timeZone})`}`;
}
