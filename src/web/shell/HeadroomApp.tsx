// Signed out: the sign-in screen, whatever the URL (it is kept, so that a deep link
// opens once signed in). Signed in: the screen the path names.
import { lazy, Suspense, useEffect, useRef } from 'react';
import { useSession } from '../auth/session';
import { SignInScreen } from '../auth/SignInScreen';
import { interceptLinks, parseRoute, usePathname, type Route } from '../router/router';
import { OverviewScreen } from '../screens/overview/OverviewScreen';
import { ServiceScreen } from '../screens/service/ServiceScreen';
import { OnCallScreen } from '../screens/oncall/OnCallScreen';
import { NotFoundScreen } from '../screens/NotFoundScreen';
import { Loading } from '../ui/LoadView';
import { Shell } from './Shell';

// The charts library loads with the SLO screen only: the overview stays small.
const SloScreen = lazy(() =>
  import('../screens/slo/SloScreen').then((module) => ({ default: module.SloScreen })),
);

// The incident screens (and the postmortem's Markdown reader) load when first opened.
const IncidentsScreen = lazy(() =>
  import('../screens/incidents/IncidentsScreen').then((module) => ({
    default: module.IncidentsScreen,
  })),
);
const IncidentScreen = lazy(() =>
  import('../screens/incident/IncidentScreen').then((module) => ({
    default: module.IncidentScreen,
  })),
);
const PostmortemScreen = lazy(() =>
  import('../screens/postmortem/PostmortemScreen').then((module) => ({
    default: module.PostmortemScreen,
  })),
);

// A deploy's page, heartbeats and reports, likewise.
const DeployScreen = lazy(() =>
  import('../screens/deploy/DeployScreen').then((module) => ({
    default: module.DeployScreen,
  })),
);
const HeartbeatsScreen = lazy(() =>
  import('../screens/heartbeats/HeartbeatsScreen').then((module) => ({
    default: module.HeartbeatsScreen,
  })),
);
const HeartbeatScreen = lazy(() =>
  import('../screens/heartbeats/HeartbeatScreen').then((module) => ({
    default: module.HeartbeatScreen,
  })),
);
// A page, the address its notifications link to: with the on-call screen's page item.
const PageScreen = lazy(() =>
  import('../screens/page/PageScreen').then((module) => ({ default: module.PageScreen })),
);
const ReportsScreen = lazy(() =>
  import('../screens/reports/ReportsScreen').then((module) => ({
    default: module.ReportsScreen,
  })),
);

export function HeadroomApp() {
  const session = useSession();
  const pathname = usePathname();
  const route = parseRoute(pathname);
  useFocusOnNavigation(pathname);
  useEffect(interceptLinks, []);
  if (session.token === null) return <SignInScreen endedBecause={session.endedBecause} />;
  return (
    <Shell route={route}>
      <Suspense fallback={<Loading what="the screen" />}>
        <Screen route={route} />
      </Suspense>
    </Shell>
  );
}

function Screen({ route }: { readonly route: Route }) {
  switch (route.screen) {
    case 'overview':
      return <OverviewScreen />;
    case 'slo':
      return <SloScreen key={route.name} name={route.name} />;
    case 'service':
      return <ServiceScreen key={route.name} name={route.name} />;
    case 'deploy':
      return (
        <DeployScreen key={`${route.service}/${route.id}`} service={route.service} id={route.id} />
      );
    case 'oncall':
      return <OnCallScreen key={route.schedule ?? ''} schedule={route.schedule} />;
    case 'incidents':
      return <IncidentsScreen />;
    case 'incident':
      return <IncidentScreen key={route.id} id={route.id} />;
    case 'postmortem':
      return <PostmortemScreen key={route.id} id={route.id} />;
    case 'heartbeats':
      return <HeartbeatsScreen />;
    case 'heartbeat':
      return <HeartbeatScreen key={route.name} name={route.name} />;
    case 'reports':
      return <ReportsScreen />;
    case 'page':
      return <PageScreen key={route.id} id={route.id} />;
    case 'not-found':
      return <NotFoundScreen path={route.path} />;
  }
}

/** After an in-app navigation, focus the new screen so screen readers announce it. */
function useFocusOnNavigation(pathname: string): void {
  const first = useRef(true);
  useEffect(() => {
    // The first screen keeps the browser's own focus (the page just loaded).
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [pathname]);
}
