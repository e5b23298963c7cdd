// Checks that need every document at once: unique names, SLOs and dependencies
// that name a Service, no dependency loops. Produces the final model.
import type { Dependency, PolicyResource, ReliabilityModel, Service } from '../core/slo/model.js';
import { positionOf, type FieldPath, type IssueCollector, type Located } from './document.js';
import type { FormatResult } from './formats/types.js';
import { closest } from './zod-issues.js';

/**
 * Merges what the format adapters read into one model. Names are unique per kind
 * (the first definition wins); an SLO of an unknown service is left out; a
 * dependency that names no service or the service itself is dropped, so that one
 * mistake does not cascade into errors about everything downstream of it.
 */
export function validateModel(
  results: readonly FormatResult[],
  issues: IssueCollector,
): ReliabilityModel {
  const declared = uniqueByName(
    results.flatMap((result) => result.services),
    'Service',
    issues,
  );
  const declaredNames = new Set(declared.map((service) => service.value.name));
  const implied = impliedServices(results, declaredNames);
  const known = [...declaredNames, ...implied.map((service) => service.name)];
  const knownNames = new Set(known);

  const services = declared.map((service) =>
    withValidDependencies(service, knownNames, known, issues),
  );
  reportCycles(services, issues);

  const slos = uniqueByName(
    results.flatMap((result) => result.slos),
    'SLO',
    issues,
  ).filter((slo) => {
    if (knownNames.has(slo.value.service)) return true;
    const path = existingPath(slo, [['spec', 'service'], ['service']]);
    issues.error(
      slo.source,
      path,
      'unknown_service',
      unknownServiceMessage(slo.value.service, known),
    );
    return false;
  });

  const dataSources = uniqueByName(
    results.flatMap((result) => result.dataSources),
    'DataSource',
    issues,
  );
  const defaults = dataSources.filter((dataSource) => dataSource.value.isDefault);
  for (const extra of defaults.slice(1)) {
    issues.error(
      extra.source,
      ['spec', 'default'],
      'conflicting_fields',
      `DataSource "${extra.value.name}" is a second default (the first is "${defaults[0]?.value.name ?? ''}"); one data source at most is the default`,
    );
  }

  const schedules = uniqueByName(
    results.flatMap((result) => result.schedules),
    'Schedule',
    issues,
    (value) => value.schedule.name,
  );

  const policies = uniqueByName(
    results.flatMap((result) => result.policies),
    'ErrorBudgetPolicy',
    issues,
    (value) => value.policy.name,
  );
  const knownTeams = [
    ...new Set(
      [...services.map((service) => service.value), ...implied].flatMap(
        (service) => service.team ?? [],
      ),
    ),
  ];
  for (const policy of policies) warnAboutPolicyScope(policy, known, knownTeams, issues);

  const escalationPolicies = uniqueByName(
    results.flatMap((result) => result.escalationPolicies),
    'EscalationPolicy',
    issues,
    (value) => value.name,
  );

  const runbooks = uniqueByName(
    results.flatMap((result) => result.runbooks),
    'Runbook',
    issues,
  );
  const incidentSettings = uniqueByName(
    results.flatMap((result) => result.incidentSettings),
    'IncidentSettings',
    issues,
  );
  for (const extra of incidentSettings.slice(1)) {
    issues.error(
      extra.source,
      ['metadata', 'name'],
      'conflicting_fields',
      `IncidentSettings "${extra.value.name}" is a second one (the first is "${incidentSettings[0]?.value.name ?? ''}"); incidents have one severity scale`,
    );
  }

  const heartbeats = uniqueByName(
    results.flatMap((result) => result.heartbeats),
    'Heartbeat',
    issues,
  ).filter((heartbeat) => {
    if (knownNames.has(heartbeat.value.service)) return true;
    issues.error(
      heartbeat.source,
      ['spec', 'service'],
      'unknown_service',
      unknownServiceMessage(heartbeat.value.service, known),
    );
    return false;
  });

  const heartbeatsByName = new Map(
    heartbeats.map((heartbeat) => [heartbeat.value.name, heartbeat]),
  );
  const countedSlos = slos.filter((slo) => {
    const { source } = slo.value.sli;
    if (source.type !== 'heartbeat') return true;
    const problem = heartbeatProblem(
      slo.value.service,
      source.heartbeat,
      heartbeatsByName.get(source.heartbeat)?.value,
      [...heartbeatsByName.keys()],
    );
    if (problem === undefined) return true;
    issues.error(
      slo.source,
      existingPath(slo, [['spec', 'sli', 'source', 'heartbeat', 'name']]),
      'unknown_heartbeat',
      problem,
    );
    return false;
  });

  return {
    services: [...services.map((service) => service.value), ...implied],
    slos: countedSlos.map((slo) => slo.value),
    dataSources: dataSources.map((dataSource) => dataSource.value),
    schedules: schedules.map((schedule) => schedule.value),
    policies: policies.map((policy) => policy.value),
    escalationPolicies: escalationPolicies.map((policy) => policy.value),
    runbooks: runbooks.map((runbook) => runbook.value),
    incidentSettings: incidentSettings.slice(0, 1).map((settings) => settings.value),
    heartbeats: heartbeats.map((heartbeat) => heartbeat.value),
  };
}

function uniqueByName<T>(
  items: readonly Located<T>[],
  kind: string,
  issues: IssueCollector,
  nameOf: (value: T) => string = (value) => (value as { readonly name: string }).name,
): Located<T>[] {
  const first = new Map<string, Located<T>>();
  return items.filter((item) => {
    const name = nameOf(item.value);
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, item);
      return true;
    }
    const { line } = positionOf(earlier.source, namePath(earlier));
    issues.error(
      item.source,
      namePath(item),
      'duplicate_name',
      `duplicate ${kind} "${name}"; the first is at ${earlier.source.file}:${line}; names are unique per kind`,
    );
    return false;
  });
}

/** Services that only an imported format names (Sloth), unless declared; one per name. */
function impliedServices(
  results: readonly FormatResult[],
  declared: ReadonlySet<string>,
): Service[] {
  const implied = new Map<string, Service>();
  for (const { value } of results.flatMap((result) => result.impliedServices)) {
    if (!declared.has(value.name) && !implied.has(value.name)) implied.set(value.name, value);
  }
  return [...implied.values()];
}

function withValidDependencies(
  service: Located<Service>,
  knownNames: ReadonlySet<string>,
  known: readonly string[],
  issues: IssueCollector,
): Located<Service> {
  const dependencies = service.value.dependencies.filter((dependency, index) => {
    const path = dependencyPath(service, index);
    if (dependency.service === service.value.name) {
      issues.error(
        service.source,
        path,
        'self_dependency',
        `service "${dependency.service}" depends on itself; remove this dependency`,
      );
      return false;
    }
    if (!knownNames.has(dependency.service)) {
      issues.error(
        service.source,
        path,
        'unknown_service',
        unknownServiceMessage(dependency.service, known),
      );
      return false;
    }
    return true;
  });
  if (dependencies.length === service.value.dependencies.length) return service;
  return { ...service, value: { ...service.value, dependencies } };
}

/**
 * One report per back edge of a depth-first walk in declaration order: every loop
 * is found, none twice, and the report sits on the dependency that closes it.
 */
function reportCycles(services: readonly Located<Service>[], issues: IssueCollector): void {
  const byName = new Map(services.map((service) => [service.value.name, service]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];

  const visit = (service: Located<Service>): void => {
    state.set(service.value.name, 'open');
    stack.push(service.value.name);
    service.value.dependencies.forEach((dependency: Dependency, index) => {
      const next = byName.get(dependency.service);
      if (next === undefined) return;
      const seen = state.get(dependency.service);
      if (seen === 'open') {
        const loop = [...stack.slice(stack.indexOf(dependency.service)), dependency.service];
        issues.error(
          service.source,
          dependencyPath(service, index),
          'dependency_cycle',
          `dependency cycle: ${loop.join(' -> ')}; dependencies must not loop`,
        );
      } else if (seen === undefined) {
        visit(next);
      }
    });
    stack.pop();
    state.set(service.value.name, 'done');
  };

  for (const service of services) {
    if (!state.has(service.value.name)) visit(service);
  }
}

/**
 * A policy naming a service or team the config does not hold is a warning, not an
 * error: the policy may be applied before the team's own config, and holds nothing
 * until the service exists. It is still most often a typo, which would leave the
 * service without the policy its authors meant it to have.
 */
function warnAboutPolicyScope(
  policy: Located<PolicyResource>,
  knownServices: readonly string[],
  knownTeams: readonly string[],
  issues: IssueCollector,
): void {
  const { appliesTo, name } = policy.value.policy;
  appliesTo.services.forEach((service, index) => {
    if (knownServices.includes(service)) return;
    const suggestion = closest(service, knownServices);
    issues.warning(
      policy.source,
      [...policy.path, 'spec', 'appliesTo', 'services', index],
      'unknown_service',
      `ErrorBudgetPolicy "${name}" applies to service "${service}", which this config does not declare${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`} (it holds nothing until the service exists)`,
    );
  });
  appliesTo.teams.forEach((team, index) => {
    if (knownTeams.includes(team)) return;
    const suggestion = closest(team, knownTeams);
    issues.warning(
      policy.source,
      [...policy.path, 'spec', 'appliesTo', 'teams', index],
      'unknown_team',
      `ErrorBudgetPolicy "${name}" applies to team "${team}", which owns no service in this config${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`,
    );
  });
}

/** Why an SLO of `service` cannot count the runs of heartbeat `name`; undefined: it can. */
export function heartbeatProblem(
  service: string,
  name: string,
  heartbeat: { readonly service: string } | undefined,
  known: readonly string[] = [],
): string | undefined {
  if (heartbeat === undefined) {
    const suggestion = closest(name, known);
    const hint =
      suggestion === undefined
        ? 'declare it with kind: Heartbeat'
        : `did you mean "${suggestion}"?`;
    return `no Heartbeat named "${name}"; ${hint}`;
  }
  if (heartbeat.service !== service) {
    return `Heartbeat "${name}" belongs to service "${heartbeat.service}", not "${service}"; an SLO counts the runs of its own service's checks`;
  }
  return undefined;
}

function unknownServiceMessage(name: string, known: readonly string[]): string {
  const suggestion = closest(name, known);
  const hint =
    suggestion === undefined ? 'declare it with kind: Service' : `did you mean "${suggestion}"?`;
  return `no Service named "${name}"; ${hint}`;
}

function namePath(item: Located<unknown>): FieldPath {
  return existingPath(item, [['metadata', 'name'], ['name']]);
}

function dependencyPath(service: Located<Service>, index: number): FieldPath {
  return existingPath(service, [['spec', 'dependencies', index, 'service']]);
}

/**
 * The first of `candidates` (relative to the item) present in its document. Each
 * format keeps names and references in its own place; this finds them without
 * the formats having to say where.
 */
function existingPath(item: Located<unknown>, candidates: readonly FieldPath[]): FieldPath {
  const base = valueAt(item.source.value, item.path);
  for (const candidate of candidates) {
    if (valueAt(base, candidate) !== undefined) return [...item.path, ...candidate];
  }
  return item.path;
}

function valueAt(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
