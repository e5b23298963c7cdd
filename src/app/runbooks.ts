// Runbooks (the Runbook kind): which ones a page or an incident shows.
import type { RunbookResource } from '../core/slo/model.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { requireReader, type Principal } from './principal.js';

/**
 * Runbooks for these services and alert names: those naming one of the alerts first
 * (the most specific advice), then those of the services, each once, by name.
 */
export function runbooksFor(
  deps: AppDependencies,
  subject: { readonly services: readonly string[]; readonly alerts: readonly string[] },
): RunbookResource[] {
  const all = [...deps.catalog.runbooks()].sort((a, b) => compareText(a.name, b.name));
  const byAlert = all.filter((runbook) =>
    runbook.alerts.some((alert) => subject.alerts.includes(alert)),
  );
  const byService = all.filter(
    (runbook) =>
      runbook.service !== undefined &&
      subject.services.includes(runbook.service) &&
      !byAlert.includes(runbook),
  );
  return [...byAlert, ...byService];
}

export async function listRunbooks(
  deps: AppDependencies,
  principal: Principal,
  query: { readonly service?: string | undefined; readonly alert?: string | undefined },
): Promise<RunbookResource[]> {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: 250 });
  if (query.service === undefined && query.alert === undefined) {
    return [...deps.catalog.runbooks()].sort((a, b) => compareText(a.name, b.name));
  }
  return runbooksFor(deps, {
    services: query.service === undefined ? [] : [query.service],
    alerts: query.alert === undefined ? [] : [query.alert],
  });
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
