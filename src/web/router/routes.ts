// The screens and their paths: parsed here without React, so that the first reads
// can start before the app's script has loaded (main.tsx).
export type Route =
  | { readonly screen: 'overview' }
  | { readonly screen: 'slo'; readonly name: string }
  | { readonly screen: 'service'; readonly name: string }
  | { readonly screen: 'deploy'; readonly service: string; readonly id: string }
  | { readonly screen: 'oncall'; readonly schedule: string | null }
  | { readonly screen: 'incidents' }
  | { readonly screen: 'incident'; readonly id: number }
  | { readonly screen: 'postmortem'; readonly id: number }
  | { readonly screen: 'heartbeats' }
  | { readonly screen: 'heartbeat'; readonly name: string }
  | { readonly screen: 'reports' }
  | { readonly screen: 'page'; readonly id: string }
  | { readonly screen: 'not-found'; readonly path: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((part) => part !== '');
  const [first, second, ...rest] = parts.map(decodeSegment);
  if (first === 'incidents') return incidentRoute(second, rest, pathname);
  if (first === 'services' && second !== undefined && rest.length === 2 && rest[0] === 'deploys') {
    return { screen: 'deploy', service: second, id: rest[1] ?? '' };
  }
  if (rest.length > 0) return { screen: 'not-found', path: pathname };
  if (first === undefined) return { screen: 'overview' };
  if (first === 'slos' && second !== undefined) return { screen: 'slo', name: second };
  if (first === 'services' && second !== undefined) return { screen: 'service', name: second };
  if (first === 'oncall') return { screen: 'oncall', schedule: second ?? null };
  if (first === 'heartbeats') {
    return second === undefined ? { screen: 'heartbeats' } : { screen: 'heartbeat', name: second };
  }
  if (first === 'reports' && second === undefined) return { screen: 'reports' };
  // A page's own address: the link every notification about it carries.
  if (first === 'pages' && second !== undefined) return { screen: 'page', id: second };
  return { screen: 'not-found', path: pathname };
}

/** `/incidents`, `/incidents/42` (or `INC-42`), `/incidents/42/postmortem`. */
function incidentRoute(id: string | undefined, rest: readonly string[], pathname: string): Route {
  if (id === undefined) return { screen: 'incidents' };
  const match = /^(?:INC-)?(\d{1,15})$/i.exec(id);
  if (match === null || rest.length > 1) return { screen: 'not-found', path: pathname };
  const number = Number(match[1]);
  if (rest.length === 0) return { screen: 'incident', id: number };
  if (rest[0] === 'postmortem') return { screen: 'postmortem', id: number };
  return { screen: 'not-found', path: pathname };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The id of the gate decision's section on a deploy's page. */
export const DECISION_ANCHOR = 'gate-decision';

export const paths = {
  overview: () => '/',
  slo: (name: string) => `/slos/${encodeURIComponent(name)}`,
  service: (name: string) => `/services/${encodeURIComponent(name)}`,
  /** The service screen's deploys and gate panel (its heading: Panel gives it the id). */
  serviceDeploys: (name: string) => `/services/${encodeURIComponent(name)}#deploys-title`,
  /** A deploy's own page: its facts, the budget around it, its gate decision. */
  deploy: (service: string, id: string) =>
    `/services/${encodeURIComponent(service)}/deploys/${encodeURIComponent(id)}`,
  /** The gate decision on its deploy's page. */
  deployDecision: (service: string, id: string) =>
    `/services/${encodeURIComponent(service)}/deploys/${encodeURIComponent(id)}#${DECISION_ANCHOR}`,
  oncall: (schedule?: string) =>
    schedule === undefined ? '/oncall' : `/oncall/${encodeURIComponent(schedule)}`,
  incidents: (query?: string) =>
    query === undefined || query === '' ? '/incidents' : `/incidents?${query}`,
  incident: (id: number) => `/incidents/${String(id)}`,
  /** By reference, as other resources name an incident: `INC-42`. */
  incidentRef: (ref: string) => `/incidents/${encodeURIComponent(ref)}`,
  postmortem: (id: number) => `/incidents/${String(id)}/postmortem`,
  heartbeats: (query?: string) =>
    query === undefined || query === '' ? '/heartbeats' : `/heartbeats?${query}`,
  heartbeat: (name: string) => `/heartbeats/${encodeURIComponent(name)}`,
  page: (id: string) => `/pages/${encodeURIComponent(id)}`,
  reports: (query?: string) =>
    query === undefined || query === '' ? '/reports' : `/reports?${query}`,
};
