// Config-as-code: bring the server to the documents given, as one transaction with
// one audit entry per resource that changed. `headroom apply`, `headroom diff`
// (a dry run) and the single-resource routes all come through here.
import { heartbeatProblem } from '../config/validate-model.js';
import { incidentSettingsToDocument } from '../schema/incident-settings.js';
import { runbookToDocument } from '../schema/runbook.js';
import { heartbeatToDocument } from '../schema/heartbeat.js';
import { issuePath, readDocumentValues } from '../config/documents.js';
import {
  dataSourceToDocument,
  policyToDocument,
  escalationPolicyToDocument,
  scheduleToDocument,
  serviceToDocument,
  sloToDocument,
} from '../config/formats/headroom-write.js';
import { isRecord, planChanges, type PlanState } from '../config/plan.js';
import { compilePolicy } from '../core/policy/compile.js';
import type { ApplyResponse, Change } from '../schema/api.js';
import type { HeartbeatResource } from '../core/slo/model.js';
import { recordChange } from './audit.js';
import { applyHeartbeatChanges, type HeartbeatChange } from './heartbeats.js';
import { AppError, invalid, type FieldError } from './errors.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';
import { editableTeams, requireReader, type Principal } from './principal.js';

export interface ApplyOptions {
  readonly prune: boolean;
  readonly dryRun: boolean;
}

export async function applyConfig(
  deps: AppDependencies,
  principal: Principal,
  documents: readonly unknown[],
  options: ApplyOptions,
): Promise<ApplyResponse> {
  const { store, clock, catalog } = deps;
  requireReader(principal);
  const desired = desiredState(documents);
  const result = await store.transaction(async (tx) => {
    const current = await currentState(tx);
    const state = keepingOverrides(
      desired.state,
      current.state,
      schedulesWithoutOverrides(documents),
    );
    const plan = planChanges(current.state, state, {
      prune: options.prune,
      editableTeams: editableTeams(principal),
    });
    if (plan.forbidden.length > 0) {
      throw new AppError(
        'FORBIDDEN',
        `this token may not make ${plan.forbidden.length === 1 ? 'this change' : `${plan.forbidden.length} of these changes`}; it needs an admin token or an editor token of the team`,
        plan.forbidden.map((item) => ({
          path: desired.pathOf(item.kind, item.name),
          message: item.reason,
        })),
      );
    }
    const broken = danglingReferences(current.state, plan.changes, desired.pathOf);
    if (broken.length > 0) {
      throw invalid('the result would refer to services that do not exist', broken);
    }
    if (!options.dryRun && plan.changes.length > 0) {
      const now = clock.now();
      await executeChanges(tx, now, principal, plan.changes, current.sloIds);
      await applyHeartbeatChanges(deps, tx, heartbeatChanges(plan.changes, desired), now);
    }
    return { dryRun: options.dryRun, changes: plan.changes };
  });
  // What was acknowledged is what the next read on this instance sees.
  if (!options.dryRun && result.changes.length > 0) await catalog.refresh();
  return result;
}

interface DesiredState {
  readonly state: PlanState;
  readonly heartbeats: ReadonlyMap<string, HeartbeatResource>;
  /** Where a resource was given in the request, for error paths. */
  readonly pathOf: (kind: string, name: string) => string;
}

function desiredState(documents: readonly unknown[]): DesiredState {
  const read = readDocumentValues(documents);
  const errors: FieldError[] = read.issues
    .filter((issue) => issue.severity === 'error')
    .map((issue) => ({ path: issuePath(issue), message: issue.message }));
  const where = new Map<string, number>();
  for (const [kind, items] of [
    ['Service', read.services],
    ['SLO', read.slos],
    ['DataSource', read.dataSources],
    ['Schedule', read.schedules.map(({ value, index }) => ({ value: value.schedule, index }))],
    ['EscalationPolicy', read.escalationPolicies],
    ['Runbook', read.runbooks],
    ['IncidentSettings', read.incidentSettings],
    ['Heartbeat', read.heartbeats],
    [
      'ErrorBudgetPolicy',
      read.policies.map(({ value, index }) => ({ value: value.policy, index })),
    ],
  ] as const) {
    for (const { value, index } of items) {
      const key = `${kind}/${value.name}`;
      const first = where.get(key);
      if (first !== undefined) {
        errors.push({
          path: `documents[${index}].metadata.name`,
          message: `${kind} "${value.name}" is also defined by documents[${first}]; names are unique per kind`,
        });
      } else {
        where.set(key, index);
      }
    }
  }
  // The catalog compiles what is stored; a policy the schema let through but the
  // compiler refuses would otherwise vanish from the gate without a word.
  for (const { value, index } of read.policies) {
    try {
      compilePolicy(value.policy);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      errors.push({ path: `documents[${index}].spec`, message: error.message });
    }
  }
  const services = read.services.map(({ value, index }) => {
    if (value.team === undefined) {
      errors.push({ path: `documents[${index}].spec.team`, message: 'a service needs a team' });
    }
    return value;
  });
  if (errors.length > 0) {
    throw invalid(
      `the documents have ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing changed`,
      errors,
    );
  }
  const teams = [...new Set(services.flatMap((service) => service.team ?? []))];
  return {
    state: {
      teams,
      services: services.map((service) => serviceToDocument(service)),
      slos: read.slos.map(({ value }) => sloToDocument(value)),
      dataSources: read.dataSources.map(({ value }) => dataSourceToDocument(value)),
      schedules: read.schedules.map(({ value }) => scheduleToDocument(value)),
      escalationPolicies: read.escalationPolicies.map(({ value }) =>
        escalationPolicyToDocument(value),
      ),
      policies: read.policies.map(({ value }) => policyToDocument(value)),
      runbooks: read.runbooks.map(({ value }) => runbookToDocument(value)),
      incidentSettings: read.incidentSettings.map(({ value }) => incidentSettingsToDocument(value)),
      heartbeats: read.heartbeats.map(({ value }) => heartbeatToDocument(value)),
    },
    heartbeats: new Map(read.heartbeats.map(({ value }) => [value.name, value])),
    pathOf: (kind, name) => {
      const index = where.get(`${kind}/${name}`);
      return index === undefined ? `${kind} ${name}` : `documents[${index}]`;
    },
  };
}

/**
 * Schedules whose document leaves `overrides` out. Overrides are mostly added by hand
 * (`POST …/overrides`, the web UI) while the schedule lives in a repository: an apply
 * from that repository keeps them unless its document lists overrides (`[]` clears).
 */
function schedulesWithoutOverrides(documents: readonly unknown[]): ReadonlySet<string> {
  const names = new Set<string>();
  for (const document of documents) {
    if (!isRecord(document) || document['kind'] !== 'Schedule') continue;
    const { metadata, spec } = document;
    if (!isRecord(metadata) || typeof metadata['name'] !== 'string') continue;
    if (isRecord(spec) && !('overrides' in spec)) names.add(metadata['name']);
  }
  return names;
}

function keepingOverrides(
  desired: PlanState,
  current: PlanState,
  names: ReadonlySet<string>,
): PlanState {
  if (names.size === 0) return desired;
  const live = new Map(current.schedules.map((doc) => [doc.metadata.name, doc.spec.overrides]));
  return {
    ...desired,
    schedules: desired.schedules.map((doc) => {
      const overrides = live.get(doc.metadata.name);
      return names.has(doc.metadata.name) && overrides !== undefined
        ? { ...doc, spec: { ...doc.spec, overrides } }
        : doc;
    }),
  };
}

function heartbeatChanges(changes: readonly Change[], desired: DesiredState): HeartbeatChange[] {
  return changes.flatMap((change) => {
    if (change.kind !== 'Heartbeat' || change.action === 'create') return [];
    const resource = desired.heartbeats.get(change.name);
    const service = resource?.service ?? (change.before as HeartbeatLike | null)?.spec.service;
    if (service === undefined) return [];
    return [
      { name: change.name, service, resource: change.action === 'delete' ? undefined : resource },
    ];
  });
}

async function currentState(
  store: Store,
): Promise<{ state: PlanState; sloIds: ReadonlyMap<string, number> }> {
  const [teams, services, slos, resources] = await Promise.all([
    store.listTeams(),
    store.listServices(),
    store.listSlos(),
    store.listConfigResources(),
  ]);
  const documentsOf = (kind: string): unknown[] =>
    resources.filter((resource) => resource.kind === kind).map((resource) => resource.document);
  return {
    state: {
      teams: teams.map((team) => team.name),
      services: services.map((service) => service.document) as PlanState['services'],
      slos: slos.map((slo) => slo.document) as PlanState['slos'],
      dataSources: documentsOf('DataSource') as PlanState['dataSources'],
      schedules: documentsOf('Schedule') as PlanState['schedules'],
      escalationPolicies: documentsOf('EscalationPolicy') as PlanState['escalationPolicies'],
      policies: documentsOf('ErrorBudgetPolicy') as PlanState['policies'],
      runbooks: documentsOf('Runbook') as PlanState['runbooks'],
      incidentSettings: documentsOf('IncidentSettings') as PlanState['incidentSettings'],
      heartbeats: documentsOf('Heartbeat') as PlanState['heartbeats'],
    },
    sloIds: new Map(slos.map((slo) => [slo.name, slo.id])),
  };
}

interface ServiceLike {
  readonly metadata: { readonly name: string };
  readonly spec: { readonly dependencies?: readonly { readonly service: string }[] | undefined };
}
interface SloLike {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly service: string;
    readonly sli?: { readonly source?: { readonly heartbeat?: { readonly name: string } } };
  };
}
interface HeartbeatLike {
  readonly metadata: { readonly name: string };
  readonly spec: { readonly service: string };
}

/** SLOs and dependencies that would name a service that is not there after the changes. */
function danglingReferences(
  current: PlanState,
  changes: readonly Change[],
  pathOf: (kind: string, name: string) => string,
): FieldError[] {
  const services = new Map<string, ServiceLike>(
    (current.services as readonly ServiceLike[]).map((doc) => [doc.metadata.name, doc]),
  );
  const slos = new Map<string, SloLike>(
    (current.slos as readonly SloLike[]).map((doc) => [doc.metadata.name, doc]),
  );
  const heartbeats = new Map<string, HeartbeatLike>(
    (current.heartbeats as readonly HeartbeatLike[]).map((doc) => [doc.metadata.name, doc]),
  );
  for (const change of changes) {
    const target =
      change.kind === 'Service'
        ? services
        : change.kind === 'SLO'
          ? slos
          : change.kind === 'Heartbeat'
            ? heartbeats
            : undefined;
    if (target === undefined) continue;
    if (change.action === 'delete') target.delete(change.name);
    else (target as Map<string, unknown>).set(change.name, change.after);
  }
  const errors: FieldError[] = [];
  for (const slo of slos.values()) {
    if (!services.has(slo.spec.service)) {
      errors.push({
        path: `${pathOf('SLO', slo.metadata.name)}.spec.service`,
        message: `SLO "${slo.metadata.name}" belongs to service "${slo.spec.service}", which would not exist; add the Service document, or delete the SLO too`,
      });
    }
    const counted = slo.spec.sli?.source?.heartbeat?.name;
    if (counted === undefined) continue;
    const problem = heartbeatProblem(slo.spec.service, counted, heartbeats.get(counted)?.spec);
    if (problem !== undefined) {
      errors.push({
        path: `${pathOf('SLO', slo.metadata.name)}.spec.sli.source.heartbeat.name`,
        message: `SLO "${slo.metadata.name}": ${problem}`,
      });
    }
  }
  for (const service of services.values()) {
    for (const [index, dependency] of (service.spec.dependencies ?? []).entries()) {
      if (!services.has(dependency.service)) {
        errors.push({
          path: `${pathOf('Service', service.metadata.name)}.spec.dependencies[${index}].service`,
          message: `service "${service.metadata.name}" depends on "${dependency.service}", which would not exist`,
        });
      }
    }
  }
  return errors;
}

async function executeChanges(
  store: Store,
  now: number,
  principal: Principal,
  changes: readonly Change[],
  sloIds: ReadonlyMap<string, number>,
): Promise<void> {
  for (const change of changes) {
    const { action, kind, name } = change;
    if (kind === 'Team') {
      await store.putTeam({
        name,
        displayName: null,
        toilCapPercent: null,
        createdAt: now,
        updatedAt: now,
      });
    } else if (
      kind === 'DataSource' ||
      kind === 'Schedule' ||
      kind === 'ErrorBudgetPolicy' ||
      kind === 'EscalationPolicy' ||
      kind === 'Runbook' ||
      kind === 'IncidentSettings' ||
      kind === 'Heartbeat'
    ) {
      if (action === 'delete') await store.deleteConfigResource(kind, name);
      else
        await store.putConfigResource({
          kind,
          name,
          team: change.team,
          document: change.after,
          createdAt: now,
          updatedAt: now,
        });
    } else if (kind === 'Service') {
      const team = change.team ?? '';
      if (action === 'create') {
        await store.insertService({
          name,
          team,
          document: change.after,
          createdAt: now,
          updatedAt: now,
        });
      } else if (action === 'update') {
        await store.updateService({
          name,
          team,
          document: change.after,
          createdAt: now,
          updatedAt: now,
        });
      } else {
        await store.deleteService(name);
      }
    } else {
      const id = sloIds.get(name);
      const service = (change.after as SloLike | null)?.spec.service ?? '';
      if (action === 'create') {
        await store.insertSlo({
          name,
          service,
          document: change.after,
          createdAt: now,
          updatedAt: now,
        });
      } else if (id !== undefined && action === 'update') {
        await store.updateSlo({
          id,
          name,
          service,
          document: change.after,
          createdAt: now,
          updatedAt: now,
        });
      } else if (id !== undefined) {
        await store.deleteSlo(id);
      }
    }
    await recordChange(store, now, principal, {
      action,
      kind,
      name,
      before: change.before ?? null,
      after: change.after ?? null,
    });
  }
}
