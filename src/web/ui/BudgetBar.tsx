import type { CSSProperties } from 'react';
import { formatBudget, NO_EVENTS_TEXT } from '../format/numbers';
import type { SloState } from '../format/slo-state';

/**
 * Remaining error budget as a bar (one element: styles.css fills it to --fill). Without
 * data nothing has been spent, but nothing has been measured either: no figure then.
 */
export function BudgetBar(props: { readonly remaining: number; readonly state: SloState }) {
  const noData = props.state === 'no-data';
  const shown = noData ? 0 : Math.min(1, Math.max(0, props.remaining));
  const text = noData ? NO_EVENTS_TEXT : formatBudget(props.remaining);
  const fill = { '--fill': `${String(shown * 100)}%` } as CSSProperties;
  return (
    <span className="budget">
      <span
        className={`budget-track state-${props.state}`}
        style={fill}
        role="meter"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(shown * 1000) / 10}
        aria-valuetext={noData ? 'no data' : `${text} of the error budget left`}
        aria-label="Error budget left"
        data-budget-bar=""
      />
      <span className="budget-text" data-field="remaining">
        {text}
      </span>
    </span>
  );
}
