import { applyTheme, nextTheme } from './theme';
import { useTheme } from './use-theme';

const LABEL = { system: 'System', light: 'Light', dark: 'Dark' } as const;

export function ThemeToggle() {
  const { choice } = useTheme();
  const next = nextTheme(choice);
  return (
    <button
      type="button"
      className="button button-quiet"
      onClick={() => {
        applyTheme(next);
      }}
      aria-label={`Theme: ${LABEL[choice]}. Switch to ${LABEL[next]}`}
      title={`Switch to ${LABEL[next]} theme`}
    >
      <span aria-hidden="true">{choice === 'dark' ? '☾' : choice === 'light' ? '☀' : '◐'}</span>{' '}
      {LABEL[choice]}
    </button>
  );
}
