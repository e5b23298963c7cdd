// Light, dark, or the system's choice (prefers-color-scheme); the choice is kept per
// browser. styles.css reads the data-theme attribute. No React here: main.tsx applies
// it before the app's script loads (use-theme.ts is the hook).
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'headroom.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

let choice: ThemeChoice = readChoice();

export const currentChoice = (): ThemeChoice => choice;
const listeners = new Set<() => void>();

function readChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(KEY);
    return CHOICES.find((candidate) => candidate === stored) ?? 'system';
  } catch {
    return 'system';
  }
}

/** Sets the attribute before the first render, so that a dark room never sees a flash. */
export function applyTheme(next: ThemeChoice = choice): void {
  choice = next;
  if (next === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', next);
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // The choice then lasts the page.
  }
  for (const listener of listeners) listener();
}

export function nextTheme(current: ThemeChoice): ThemeChoice {
  return CHOICES[(CHOICES.indexOf(current) + 1) % CHOICES.length] ?? 'system';
}

/** The theme in effect: the choice, or the system's for 'system'. */
export function effectiveTheme(current: ThemeChoice): 'light' | 'dark' {
  if (current !== 'system') return current;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', listener);
  return () => {
    listeners.delete(listener);
    media.removeEventListener('change', listener);
  };
}
