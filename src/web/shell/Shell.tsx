// The frame around every screen: skip link, product name, navigation, theme, sign-out.
import type { ReactNode } from 'react';
import { signOut } from '../auth/session';
import { paths, type Route } from '../router/routes';
import { ThemeToggle } from '../theme/ThemeToggle';

const NAV: readonly { label: string; to: string; screens: readonly Route['screen'][] }[] = [
  { label: 'Overview', to: paths.overview(), screens: ['overview', 'service', 'deploy', 'slo'] },
  { label: 'Incidents', to: paths.incidents(), screens: ['incidents', 'incident', 'postmortem'] },
  { label: 'On call', to: paths.oncall(), screens: ['oncall', 'page'] },
  { label: 'Heartbeats', to: paths.heartbeats(), screens: ['heartbeats', 'heartbeat'] },
  { label: 'Reports', to: paths.reports(), screens: ['reports'] },
];

export function Shell({
  route,
  children,
}: {
  readonly route: Route;
  readonly children: ReactNode;
}) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a href={paths.overview()} className="brand">
          <span className="logo" aria-hidden="true">
            ◔
          </span>{' '}
          Headroom
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <a
                  href={item.to}
                  aria-current={item.screens.includes(route.screen) ? 'page' : undefined}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-actions">
          <ThemeToggle />
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              signOut('Signed out.');
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
