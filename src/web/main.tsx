// The page's entry, kept small: theme and the screen's first reads start at once, while
// the browser fetches and parses React and the app (shell/mount.tsx, preloaded by
// index.html; see vite.config.ts).
import { prefetchScreen } from './shell/prefetch';
import { applyTheme } from './theme/theme';
import './styles.css';

applyTheme();
prefetchScreen(location.pathname);
void import('./shell/mount');
