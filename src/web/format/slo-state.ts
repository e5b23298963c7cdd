// The one word that sums up an SLO (styles.css adds its glyph), so that colour is never
// the only sign.
import type { SloStateName } from '../../schema/overview.js';
import type { SloStatus } from '../api/types';

export type SloState = SloStateName;

export const STATE_TEXT: Readonly<Record<SloState, { label: string; hint: string }>> = {
  ok: { label: 'ok', hint: 'within budget, no burn alert firing' },
  burning: { label: 'burning', hint: 'a burn-rate alert is firing' },
  exhausted: { label: 'exhausted', hint: 'the error budget is spent' },
  unknown: {
    label: 'unknown',
    hint: 'the last read of its data source failed; the numbers are the last good ones',
  },
  'no-data': {
    label: 'no data',
    hint: 'no events in its window: nothing is measured (is the SLI being sent?)',
  },
};

/** Unknown first (its numbers are stale), then no data, then spent, then burning (app/overview.ts). */
export function sloState(status: SloStatus): SloState {
  if (status.source?.state === 'unknown') return 'unknown';
  if (status.sli === null) return 'no-data';
  if (status.errorBudget.remaining <= 0) return 'exhausted';
  if (status.alerts.some((alert) => alert.firing)) return 'burning';
  return 'ok';
}

export const STATE_ORDER: readonly SloState[] = [
  'exhausted',
  'burning',
  'unknown',
  'no-data',
  'ok',
];
