import type { CSSProperties } from 'react';
import { formatBudget } from '../format/numbers';
import type { SloState } from '../format/slo-state';

/** Remaining error budget as a bar (one element: styles.css fills it to --fill). */
export function BudgetBar(props: { readonly remaining: number; readonly state: SloState }) {
  const shown = Math.min(1, Math.max(0, props.remaining));
  const text = formatBudget(props.remaining);
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
        aria-valuetext={`${text} of the error budget left`}
        aria-label="Error budget left"
        data-budget-bar=""
      />
      <span className="budget-text" data-field="remaining">
        {text}
      </span>
    </span>
  );
}
