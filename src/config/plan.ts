// What `headroom apply` changes, as a pure function of the current and the desired
// documents: the server plans with it inside its transaction, and a dry run returns
// the same plan. Documents are compared as values (canonical headroom/v1 documents,
// key order irrelevant), so re-applying an unchanged config plans nothing.
import type { Change, ResourceKind } from '../schema/api.js';
import type {
  DataSourceDocumentInput,
  ServiceDocumentInput,
  SloDocumentInput,
} from '../schema/config.js';
import type { ErrorBudgetPolicyDocumentInput } from '../schema/policy.js';
import type { EscalationPolicyDocumentInput } from '../schema/escalation.js';
import type { IncidentSettingsDocumentInput } from '../schema/incident-settings.js';
import type { RunbookDocumentInput } from '../schema/runbook.js';
import type { HeartbeatDocumentInput } from '../schema/heartbeat.js';
import type { ScheduleDocumentInput } from '../schema/schedule.js';

export interface PlanState {
  readonly teams: readonly string[];
  readonly services: readonly ServiceDocumentInput[];
  readonly slos: readonly SloDocumentInput[];
  /** Installation-wide: only an admin token changes them. */
  readonly dataSources: readonly DataSourceDocumentInput[];
  /** Owned by their spec.team; without one, installation-wide. */
  readonly schedules: readonly ScheduleDocumentInput[];
  /** Owned by the one team whose services and teams they name; else installation-wide. */
  readonly policies: readonly ErrorBudgetPolicyDocumentInput[];
  /** Owned by their spec.team; without one, installation-wide. */
  readonly escalationPolicies: readonly EscalationPolicyDocumentInput[];
  /** Owned by the team of their service, else by their spec.team; else installation-wide. */
  readonly runbooks: readonly RunbookDocumentInput[];
  /** Installation-wide. */
  readonly incidentSettings: readonly IncidentSettingsDocumentInput[];
  /** Owned by the team of their service. */
  readonly heartbeats: readonly HeartbeatDocumentInput[];
}

type OwnedKind =
  | 'DataSource'
  | 'Schedule'
  | 'ErrorBudgetPolicy'
  | 'EscalationPolicy'
  | 'Runbook'
  | 'IncidentSettings'
  | 'Heartbeat';
type OwnedDocument =
  | DataSourceDocumentInput
  | ScheduleDocumentInput
  | ErrorBudgetPolicyDocumentInput
  | EscalationPolicyDocumentInput
  | RunbookDocumentInput
  | IncidentSettingsDocumentInput
  | HeartbeatDocumentInput;

/** The team that owns a document of an owned kind; null: installation-wide. */
function ownerOf(document: OwnedDocument): string | null {
  return document.kind === 'Schedule' || document.kind === 'EscalationPolicy'
    ? (document.spec.team ?? null)
    : null;
}

/**
 * A policy belongs to a team when everything it applies to is that team's: the team
 * itself, or services it owns. A policy for all services, for several teams, or for a
 * service nobody owns yet is installation-wide, and only an admin changes it: an
 * editor of one team must not hold another team's deploys.
 */
export function policyOwner(
  document: ErrorBudgetPolicyDocumentInput,
  teamOfService: (service: string) => string | null,
): string | null {
  const { appliesTo } = document.spec;
  if (appliesTo.all === true) return null;
  const teams = new Set([
    ...(appliesTo.teams ?? []),
    ...(appliesTo.services ?? []).map(teamOfService),
  ]);
  const [team] = teams;
  return teams.size === 1 ? (team ?? null) : null;
}

export interface PlanOptions {
  /** Delete what `desired` no longer holds, within the teams that may be edited. */
  readonly prune: boolean;
  /** Teams whose services and SLOs may change; 'all' also allows creating teams. */
  readonly editableTeams: 'all' | ReadonlySet<string>;
}

/** A change the plan needs but the caller may not make; the whole apply should be refused. */
export interface ForbiddenChange {
  readonly kind: ResourceKind;
  readonly name: string;
  /** The team that may not be edited. */
  readonly team: string | null;
  readonly reason: string;
}

export interface Plan {
  /**
   * Team creates, DataSource creates/updates, Service creates/updates, SLO creates/updates,
   * SLO deletes, Service deletes, DataSource deletes: what is referred to exists first.
   */
  readonly changes: Change[];
  readonly forbidden: ForbiddenChange[];
}

export function planChanges(current: PlanState, desired: PlanState, options: PlanOptions): Plan {
  const { editableTeams } = options;
  const mayEdit = (team: string | null): boolean =>
    editableTeams === 'all' || (team !== null && editableTeams.has(team));
  const forbidden: ForbiddenChange[] = [];

  const teamChanges: Change[] = [];
  const knownTeams = new Set(current.teams);
  const wantedTeams = new Set([
    ...desired.teams,
    ...desired.services.map((doc) => doc.spec.team),
    ...desired.schedules.flatMap((doc) => doc.spec.team ?? []),
    ...desired.escalationPolicies.flatMap((doc) => doc.spec.team ?? []),
  ]);
  for (const team of [...wantedTeams].sort(compareText)) {
    if (knownTeams.has(team)) continue;
    if (editableTeams !== 'all') {
      forbidden.push({
        kind: 'Team',
        name: team,
        team,
        reason: `team "${team}" does not exist; creating a team needs an admin token`,
      });
      continue;
    }
    teamChanges.push(change('create', 'Team', team, team, null, null));
  }

  const currentServices = byName(current.services);
  const desiredServices = byName(desired.services);
  const currentSlos = byName(current.slos);
  const desiredSlos = byName(desired.slos);

  /** Checks every team a change touches; a move between teams needs both. */
  const allowed = (kind: ResourceKind, name: string, teams: (string | null)[]): boolean => {
    const [before, after] = teams;
    const blocked = [...new Set(teams)].find((team) => !mayEdit(team));
    if (blocked === undefined) return true;
    const moving = teams.length === 2 && before !== after;
    const whose = blocked === null ? 'no team' : `team "${blocked}"`;
    forbidden.push({
      kind,
      name,
      team: blocked,
      reason: moving
        ? `${kind} "${name}" moves from ${teamText(before)} to ${teamText(after)}; this token may not edit ${whose}`
        : `${kind} "${name}" belongs to ${whose}, which this token may not edit`,
    });
    return false;
  };

  const serviceChanges: Change[] = [];
  const serviceDeletes: Change[] = [];
  for (const [name, after] of sortedEntries(desiredServices)) {
    const before = currentServices.get(name);
    const afterTeam = after.spec.team;
    if (before === undefined) {
      if (allowed('Service', name, [afterTeam])) {
        serviceChanges.push(change('create', 'Service', name, afterTeam, null, after));
      }
      continue;
    }
    const fields = changedFields(before, after);
    if (fields.length === 0) continue;
    if (allowed('Service', name, [before.spec.team, afterTeam])) {
      serviceChanges.push(change('update', 'Service', name, afterTeam, before, after, fields));
    }
  }
  if (options.prune) {
    for (const [name, before] of sortedEntries(currentServices)) {
      if (desiredServices.has(name) || !mayEdit(before.spec.team)) continue;
      serviceDeletes.push(change('delete', 'Service', name, before.spec.team, before, null));
    }
  }

  // An SLO belongs to its service's team: the desired service's, else the current one's.
  const desiredTeamOf = (service: string): string | null =>
    desiredServices.get(service)?.spec.team ?? currentTeamOf(service);
  const currentTeamOf = (service: string): string | null =>
    currentServices.get(service)?.spec.team ?? null;

  const sloChanges: Change[] = [];
  const sloDeletes: Change[] = [];
  for (const [name, after] of sortedEntries(desiredSlos)) {
    const before = currentSlos.get(name);
    const afterTeam = desiredTeamOf(after.spec.service);
    if (before === undefined) {
      if (allowed('SLO', name, [afterTeam])) {
        sloChanges.push(change('create', 'SLO', name, afterTeam, null, after));
      }
      continue;
    }
    const fields = changedFields(before, after);
    if (fields.length === 0) continue;
    if (allowed('SLO', name, [currentTeamOf(before.spec.service), afterTeam])) {
      sloChanges.push(change('update', 'SLO', name, afterTeam, before, after, fields));
    }
  }
  if (options.prune) {
    for (const [name, before] of sortedEntries(currentSlos)) {
      if (desiredSlos.has(name)) continue;
      // The SLO of a pruned service goes with it: it has the service's team, editable.
      const team = currentTeamOf(before.spec.service);
      if (!mayEdit(team)) continue;
      sloDeletes.push(change('delete', 'SLO', name, team, before, null));
    }
  }

  // Kinds owned by a team, or by nobody (installation-wide: admins only).
  const owned = (
    kind: OwnedKind,
    currentDocuments: readonly OwnedDocument[],
    desiredDocuments: readonly OwnedDocument[],
    // Owners that depend on other resources: as they are now, and as they will be.
    ownerBefore: (document: OwnedDocument) => string | null = ownerOf,
    ownerAfter: (document: OwnedDocument) => string | null = ownerOf,
  ) => {
    const changes: Change[] = [];
    const deletes: Change[] = [];
    const currentByName = byName(currentDocuments);
    const desiredByName = byName(desiredDocuments);
    const refuse = (name: string, team: string | null): void => {
      if (team !== null) {
        allowed(kind, name, [team]);
        return;
      }
      forbidden.push({
        kind,
        name,
        team: null,
        reason: `${kind} "${name}" is installation-wide (no team); changing it needs an admin token`,
      });
    };
    for (const [name, after] of sortedEntries(desiredByName)) {
      const before = currentByName.get(name);
      const fields = before === undefined ? [] : changedFields(before, after);
      if (before !== undefined && fields.length === 0) continue;
      const teams = [...(before === undefined ? [] : [ownerBefore(before)]), ownerAfter(after)];
      const blocked = teams.find((team) => !mayEdit(team));
      if (blocked !== undefined) {
        refuse(name, blocked);
        continue;
      }
      changes.push(
        before === undefined
          ? change('create', kind, name, ownerAfter(after), null, after)
          : change('update', kind, name, ownerAfter(after), before, after, fields),
      );
    }
    if (options.prune) {
      for (const [name, before] of sortedEntries(currentByName)) {
        if (desiredByName.has(name) || !mayEdit(ownerBefore(before))) continue;
        deletes.push(change('delete', kind, name, ownerBefore(before), before, null));
      }
    }
    return { changes, deletes };
  };
  const dataSources = owned('DataSource', current.dataSources, desired.dataSources);
  const schedules = owned('Schedule', current.schedules, desired.schedules);
  const escalationPolicies = owned(
    'EscalationPolicy',
    current.escalationPolicies,
    desired.escalationPolicies,
  );
  const policyOwnerBy =
    (teamOf: (service: string) => string | null) =>
    (document: OwnedDocument): string | null =>
      document.kind === 'ErrorBudgetPolicy' ? policyOwner(document, teamOf) : null;
  const serviceOwnerBy =
    (teamOf: (service: string) => string | null) =>
    (document: OwnedDocument): string | null => {
      if (document.kind === 'Heartbeat') return teamOf(document.spec.service);
      if (document.kind !== 'Runbook') return null;
      return document.spec.service === undefined
        ? (document.spec.team ?? null)
        : teamOf(document.spec.service);
    };
  const runbooks = owned(
    'Runbook',
    current.runbooks,
    desired.runbooks,
    serviceOwnerBy(currentTeamOf),
    serviceOwnerBy(desiredTeamOf),
  );
  const heartbeats = owned(
    'Heartbeat',
    current.heartbeats,
    desired.heartbeats,
    serviceOwnerBy(currentTeamOf),
    serviceOwnerBy(desiredTeamOf),
  );
  const incidentSettings = owned(
    'IncidentSettings',
    current.incidentSettings,
    desired.incidentSettings,
  );
  const policies = owned(
    'ErrorBudgetPolicy',
    current.policies,
    desired.policies,
    policyOwnerBy(currentTeamOf),
    policyOwnerBy(desiredTeamOf),
  );

  return {
    changes: [
      ...teamChanges,
      ...dataSources.changes,
      ...schedules.changes,
      ...escalationPolicies.changes,
      ...serviceChanges,
      ...sloChanges,
      ...policies.changes,
      ...runbooks.changes,
      ...heartbeats.changes,
      ...incidentSettings.changes,
      ...incidentSettings.deletes,
      ...heartbeats.deletes,
      ...runbooks.deletes,
      ...policies.deletes,
      ...sloDeletes,
      ...serviceDeletes,
      ...escalationPolicies.deletes,
      ...schedules.deletes,
      ...dataSources.deletes,
    ],
    forbidden,
  };
}

/**
 * Dotted paths of the leaves that differ: `spec.objective`, `metadata.labels.tier`,
 * `spec.alerting.rules[0].factor`. A list whose length changed is one leaf; keys that
 * are not plain words are quoted (`metadata.labels["app.kubernetes.io/name"]`).
 * Key order and keys holding undefined do not count.
 */
export function changedFields(before: unknown, after: unknown): string[] {
  const fields: string[] = [];
  collectDifferences(before, after, [], fields);
  return fields;
}

/** The value at a path `changedFields` returned; undefined when it is not there. */
export function valueAtField(document: unknown, field: string): unknown {
  let value = document;
  const segment = /\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  segment.lastIndex = 0;
  while (segment.lastIndex < field.length) {
    const match = segment.exec(field);
    if (match === null) return undefined;
    const [, word, index, quoted] = match;
    const key: string | number =
      index !== undefined ? Number(index) : (word ?? (JSON.parse(quoted ?? '""') as string));
    if (typeof value !== 'object' || value === null) return undefined;
    if (Array.isArray(value) !== (typeof key === 'number')) return undefined;
    value = Object.hasOwn(value, key)
      ? (value as Record<string | number, unknown>)[key]
      : undefined;
  }
  return value;
}

function collectDifferences(
  before: unknown,
  after: unknown,
  path: readonly (string | number)[],
  fields: string[],
): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) {
      fields.push(formatPath(path));
      return;
    }
    before.forEach((item, index) => {
      collectDifferences(item, after[index], [...path, index], fields);
    });
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = new Set([...definedKeys(before), ...definedKeys(after)]);
    for (const key of [...keys].sort(compareText)) {
      collectDifferences(before[key], after[key], [...path, key], fields);
    }
    return;
  }
  // `!==`, not Object.is: documents travel as JSON, which keeps no -0.
  if (before !== after) fields.push(formatPath(path));
}

function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function change(
  action: Change['action'],
  kind: ResourceKind,
  name: string,
  team: string | null,
  before: unknown,
  after: unknown,
  fields: string[] = [],
): Change {
  return { action, kind, name, team, before, after, fields };
}

function byName<T extends { readonly metadata: { readonly name: string } }>(
  documents: readonly T[],
): Map<string, T> {
  return new Map(documents.map((document) => [document.metadata.name, document]));
}

/** Sorted by name, so that a plan does not depend on the order of files or rows. */
function sortedEntries<T>(map: ReadonlyMap<string, T>): [string, T][] {
  return [...map.entries()].sort(([a], [b]) => compareText(a, b));
}

function definedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).filter((key) => record[key] !== undefined);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function teamText(team: string | null | undefined): string {
  return team === null || team === undefined ? 'no team' : `team "${team}"`;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
