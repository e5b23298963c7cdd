import { useSyncExternalStore } from 'react';
import { currentChoice, effectiveTheme, subscribe, type ThemeChoice } from './theme';

/** The choice and the theme in effect (charts redraw their colours when it changes). */
export function useTheme(): { choice: ThemeChoice; effective: 'light' | 'dark' } {
  const current = useSyncExternalStore(subscribe, currentChoice);
  const effective = useSyncExternalStore(subscribe, () => effectiveTheme(currentChoice()));
  return { choice: current, effective };
}
