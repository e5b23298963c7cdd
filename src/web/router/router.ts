// Client-side routing on the History API: the path is the state, links push it, the
// back button pops it, and the server answers index.html for every screen's path so
// that a reload or a shared link lands on the same screen.
import { useSyncExternalStore } from 'react';

export { parseRoute, paths, type Route } from './routes';

const NAVIGATE = 'headroom:navigate';

export function navigate(path: string): void {
  if (path === location.pathname + location.search + location.hash) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE));
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE, listener);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

/**
 * The app's links navigate in place: one listener for the whole page, so that links
 * are plain <a href> elements (a thousand SLO links cost no handlers). Modified clicks,
 * other targets, downloads and the API's own documents keep the browser's behaviour.
 */
export function interceptLinks(): () => void {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.target instanceof Element ? event.target.closest('a') : null;
    // The app's own links are written as paths ("/slos/x"); "#main", URLs and the API's
    // documents are left to the browser.
    const href = anchor?.getAttribute('href') ?? '';
    if (anchor === null || !href.startsWith('/') || href.startsWith('/api/')) return;
    if (anchor.target !== '' || anchor.hasAttribute('download')) return;
    event.preventDefault();
    // The hash names an entry on the next screen (a deploy on its service's).
    navigate(anchor.pathname + anchor.search + anchor.hash);
  };
  document.addEventListener('click', onClick);
  return () => {
    document.removeEventListener('click', onClick);
  };
}
