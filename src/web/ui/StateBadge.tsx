import { STATE_TEXT, type SloState } from '../format/slo-state';

/**
 * The state as glyph and word; colour only repeats it. The glyph comes from styles.css
 * (silent for screen readers), which keeps a row of the overview to few elements.
 */
export function StateBadge({ state }: { readonly state: SloState }) {
  const text = STATE_TEXT[state];
  return (
    <span className={`badge state-${state}`} title={text.hint} data-state={state}>
      {text.label}
    </span>
  );
}
