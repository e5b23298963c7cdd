import { useEffect } from 'react';

/** The tab's title follows the screen, so history and tabs read well. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Headroom`;
  }, [title]);
}
