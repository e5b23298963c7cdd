// Services and SLOs one at a time, through the same plan-and-apply path as config
// files, so that validation, authorization and audit are identical for both doors.
import { applyConfig } from './apply-config.js';
import { recordChange } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import type { ServiceRecord, SloRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { requireReader, requireTeamEditor, type Principal } from './principal.js';

export type ResourceKindName = 'Service' | 'SLO';

export async function listServices(
  { store }: AppDependencies,
  principal: Principal,
): Promise<ServiceRecord[]> {
  requireReader(principal);
  return store.listServices();
}

export async function getService(
  { store }: AppDependencies,
  principal: Principal,
  name: string,
): Promise<ServiceRecord> {
  requireReader(principal);
  const service = await store.getService(name);
  if (service === undefined) throw notFound(`service "${name}"`);
  return service;
}

export async function listSlos(
  { store }: AppDependencies,
  principal: Principal,
): Promise<SloRecord[]> {
  requireReader(principal);
  return store.listSlos();
}

export async function getSlo(
  { store }: AppDependencies,
  principal: Principal,
  name: string,
): Promise<SloRecord> {
  requireReader(principal);
  const slo = await store.getSlo(name);
  if (slo === undefined) throw notFound(`SLO "${name}"`);
  return slo;
}

/**
 * Creates (mode `create`: 409 when it exists) or replaces (mode `replace`) one
 * resource from its document. `name` is the name in the URL, when there is one.
 */
export async function putResource(
  deps: AppDependencies,
  principal: Principal,
  kind: ResourceKindName,
  document: unknown,
  options: { readonly mode: 'create' | 'replace'; readonly name: string | undefined },
): Promise<{ created: boolean }> {
  const given = documentName(document);
  if (!isKind(document, kind)) {
    throw invalid(`expected a ${kind} document`, [
      { path: 'kind', message: `kind must be "${kind}" here` },
    ]);
  }
  if (options.name !== undefined && given !== undefined && given !== options.name) {
    throw invalid('the name in the path and in the document differ', [
      {
        path: 'metadata.name',
        message: `expected "${options.name}" as in the URL, got "${given}"`,
      },
    ]);
  }
  if (options.mode === 'create' && given !== undefined) {
    const exists =
      kind === 'Service'
        ? (await deps.store.getService(given)) !== undefined
        : (await deps.store.getSlo(given)) !== undefined;
    if (exists)
      throw conflict(
        `${kind} "${given}" already exists; PUT /${kind === 'SLO' ? 'slos' : 'services'}/${given} replaces it`,
      );
  }
  const result = await applyConfig(deps, principal, [document], { prune: false, dryRun: false });
  return {
    created: result.changes.some((change) => change.kind === kind && change.action === 'create'),
  };
}

export async function deleteService(
  { store, clock, catalog }: AppDependencies,
  principal: Principal,
  name: string,
): Promise<void> {
  await store.transaction(async (tx) => {
    const before = await tx.getService(name);
    if (before === undefined) throw notFound(`service "${name}"`);
    requireTeamEditor(principal, before.team, `deleting service "${name}"`);
    const slos = (await tx.listSlos()).filter((slo) => slo.service === name);
    if (slos.length > 0) {
      throw conflict(
        `service "${name}" has SLOs (${slos.map((slo) => slo.name).join(', ')}); delete them first`,
      );
    }
    const dependents = (await tx.listServices()).filter((service) =>
      dependenciesOf(service.document).includes(name),
    );
    if (dependents.length > 0) {
      throw conflict(
        `services ${dependents.map((service) => `"${service.name}"`).join(', ')} depend on "${name}"; remove those dependencies first`,
      );
    }
    await tx.deleteService(name);
    await recordChange(tx, clock.now(), principal, {
      action: 'delete',
      kind: 'Service',
      name,
      before: before.document,
      after: null,
    });
  });
  await catalog.refresh();
}

export async function deleteSlo(
  { store, clock, catalog }: AppDependencies,
  principal: Principal,
  name: string,
): Promise<void> {
  await store.transaction(async (tx) => {
    const before = await tx.getSlo(name);
    if (before === undefined) throw notFound(`SLO "${name}"`);
    const service = await tx.getService(before.service);
    requireTeamEditor(principal, service?.team ?? null, `deleting SLO "${name}"`);
    await tx.deleteSlo(before.id);
    await recordChange(tx, clock.now(), principal, {
      action: 'delete',
      kind: 'SLO',
      name,
      before: before.document,
      after: null,
    });
  });
  await catalog.refresh();
}

function documentName(document: unknown): string | undefined {
  const name = (document as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' ? name : undefined;
}

function isKind(document: unknown, kind: ResourceKindName): boolean {
  return (document as { kind?: unknown } | null)?.kind === kind;
}

function dependenciesOf(document: unknown): string[] {
  const dependencies = (document as { spec?: { dependencies?: unknown } } | null)?.spec
    ?.dependencies;
  if (!Array.isArray(dependencies)) return [];
  return dependencies.flatMap((dependency: unknown) => {
    const service = (dependency as { service?: unknown } | null)?.service;
    return typeof service === 'string' ? [service] : [];
  });
}
