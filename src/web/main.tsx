// The page's entry, kept small: the screen's first reads and the theme start at once,
// while the browser fetches and parses React and the app (shell/mount.tsx, preloaded by
// index.html; see vite.config.ts).
import { prefetchScreen } from './shell/prefetch';
import { applyTheme } from './theme/theme';
import './styles.css';

// The read first: the theme's storage write is not worth a later request. Both run
// before anything is drawn, so the theme still applies before the first paint.
prefetchScreen(location.pathname);
applyTheme();
void import('./shell/mount');
