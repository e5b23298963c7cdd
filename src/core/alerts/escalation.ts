// Escalation of one page: ordered levels of targets, each given `timeoutMinutes` to
// acknowledge before the next is notified; the whole sequence repeated `repeat` more
// times; stopped by an acknowledgement, closed by a resolve.
//
// A pure state machine over explicit instants. The state says which step is next and
// when it is due; `advance` sends every step due by `atMs` and moves the state past
// them, so calling it twice at one instant, or late, or from a retry, never sends a
// step twice or skips one. The caller stores the state with a compare-and-set on
// `revision` (the background runner holds a lease too), so two Headroom instances
// cannot both send a step: the one whose write loses sends nothing.
import type { Tier } from '../slo/model.js';

export type EscalationTargetKind = 'user' | 'schedule' | 'team';

export interface EscalationTarget {
  readonly kind: EscalationTargetKind;
  /** A user name, a schedule name or a team name. */
  readonly name: string;
}

export interface EscalationLevel {
  readonly targets: readonly EscalationTarget[];
  /** Minutes this level has to acknowledge before the next level is notified. */
  readonly timeoutMinutes: number;
}

export interface EscalationPolicy {
  readonly name: string;
  readonly levels: readonly EscalationLevel[];
  /** Times the levels run again after the first run (PagerDuty's `num_loops`): 0 = once. */
  readonly repeat: number;
}

/**
 * When the incident-response rotation joins: a page on a critical-tier service, or one
 * that touches services of more than one team ("outages happen in the cracks between
 * services"). Lookups come from the caller's catalog.
 */
export interface IncidentResponseRule {
  /** The incident-response schedule named in config. */
  readonly schedule: string;
  readonly tierOf: (service: string) => Tier | undefined;
  readonly teamOf: (service: string) => string | undefined;
}

export type IncidentResponseReason = 'critical-service' | 'several-teams';

/** What escalation needs of a page (a `Page` of grouping.ts fits). */
export interface EscalationSubject {
  readonly id: string;
  readonly services: readonly string[];
}

export type EscalationStatus = 'escalating' | 'acknowledged' | 'resolved' | 'exhausted';

/**
 * PagerDuty's urgency: a high-urgency page escalates level by level until someone
 * acknowledges; a low-urgency one (a severity the policy lists as `lowUrgency`)
 * notifies level 1 once and stops there: no next level, no repeat, no "exhausted".
 */
export type Urgency = 'high' | 'low';

export interface EscalationState {
  readonly pageId: string;
  readonly policy: string;
  /**
   * The policy's levels when the escalation started, with the incident-response target
   * added: a policy edited mid-page does not reshuffle who was and will be notified.
   */
  readonly levels: readonly EscalationLevel[];
  /** Runs through the levels: `repeat + 1`. */
  readonly passes: number;
  /** Absent on states stored before urgencies: high. */
  readonly urgency?: Urgency | undefined;
  readonly status: EscalationStatus;
  readonly startedAt: number;
  /** Steps sent so far; step k is level `k mod levels`, run `k div levels`. */
  readonly step: number;
  /**
   * When the next step (or, after the last, exhaustion) is due; undefined once stopped,
   * and once a low-urgency page's level 1 was notified (it waits, still `escalating`).
   */
  readonly nextDueAt: number | undefined;
  /** Bumped by every change: store with compare-and-set on it. */
  readonly revision: number;
  readonly incidentResponse:
    | {
        readonly schedule: string;
        readonly reasons: readonly IncidentResponseReason[];
        readonly addedAt: number;
      }
    | undefined;
  /** Everyone notified so far, in order: who to tell when it is acknowledged or resolved. */
  readonly paged: readonly string[];
  readonly acknowledgedAt: number | undefined;
  readonly acknowledgedBy: string | undefined;
  readonly resolvedAt: number | undefined;
  /** When the last level's timeout passed without an acknowledgement. */
  readonly exhaustedAt: number | undefined;
}

export interface EscalationNotification {
  /** Unique per page and notification: an outbox keyed on it sends each once. */
  readonly key: string;
  readonly pageId: string;
  /** 1-based level of the policy. */
  readonly level: number;
  /** 1-based run through the levels. */
  readonly attempt: number;
  readonly target: EscalationTarget;
  /** Who to notify for this target; users already reached by an earlier target of the same step are left out. */
  readonly users: readonly string[];
  /** When the step was due (not when `advance` ran). */
  readonly dueAt: number;
}

/** A target that resolved to nobody (e.g. a gap in a schedule): worth a warning. */
export interface UnreachedTarget {
  readonly pageId: string;
  readonly level: number;
  readonly attempt: number;
  readonly target: EscalationTarget;
  readonly dueAt: number;
}

/**
 * The port that turns a target into people: a user into itself (if active), a
 * schedule into who is on call at `atMs`, a team into its members. Outside the core.
 */
export type ResolveTarget = (target: EscalationTarget, atMs: number) => readonly string[];

export interface AdvanceResult {
  readonly state: EscalationState;
  readonly notifications: readonly EscalationNotification[];
  readonly unreached: readonly UnreachedTarget[];
  /** When to call `advance` again; undefined when the escalation has stopped. */
  readonly nextWakeAt: number | undefined;
}

const MINUTE_MS = 60_000;

/** What is wrong with a policy, one sentence each; empty when it can run. */
export function policyProblems(policy: EscalationPolicy): string[] {
  const problems: string[] = [];
  if (policy.levels.length === 0) problems.push('an escalation policy needs at least one level');
  if (!Number.isSafeInteger(policy.repeat) || policy.repeat < 0) {
    problems.push(`repeat must be a whole number of at least 0, got ${policy.repeat}`);
  }
  policy.levels.forEach((level, index) => {
    if (level.targets.length === 0) problems.push(`level ${index + 1} has no targets`);
    if (!Number.isSafeInteger(level.timeoutMinutes) || level.timeoutMinutes < 1) {
      problems.push(
        `level ${index + 1}: timeoutMinutes must be a whole number of at least 1, got ${level.timeoutMinutes}`,
      );
    }
  });
  return problems;
}

/** Why the incident-response rotation joins a page of these services; empty: it does not. */
export function incidentResponseReasons(
  services: readonly string[],
  rule: IncidentResponseRule,
): IncidentResponseReason[] {
  const reasons: IncidentResponseReason[] = [];
  if (services.some((service) => rule.tierOf(service) === 'critical')) {
    reasons.push('critical-service');
  }
  const teams = new Set(
    services.map((service) => rule.teamOf(service)).filter((team) => team !== undefined),
  );
  if (teams.size > 1) reasons.push('several-teams');
  return reasons;
}

/**
 * The escalation of a page that just opened; its first step is due at `atMs`, so call
 * `advance(state, atMs, …)` next. Throws a RangeError for a policy that cannot run
 * (config validation should have refused it).
 *
 * The incident-response schedule, when the rule applies, is added as an extra target
 * of the first level rather than as a level of its own: critical and cross-team
 * outages are where minutes count, and a level after the others would be reached
 * only once every timeout had passed. Being in level 1, it is notified again on each
 * repeat, like the first responders.
 *
 * A low-urgency page runs level 1 alone, once, without the incident-response rotation:
 * a warning on a critical service is still a warning.
 */
export function startEscalation(
  page: EscalationSubject,
  policy: EscalationPolicy,
  atMs: number,
  incidentResponse?: IncidentResponseRule,
  urgency: Urgency = 'high',
): EscalationState {
  const problems = policyProblems(policy);
  if (problems.length > 0) {
    throw new RangeError(`escalation policy "${policy.name}": ${problems.join('; ')}`);
  }
  const reasons =
    incidentResponse === undefined || urgency === 'low'
      ? []
      : incidentResponseReasons(page.services, incidentResponse);
  // A copy: the state must not change when the caller's policy object does.
  const runLevels = urgency === 'low' ? policy.levels.slice(0, 1) : policy.levels;
  const snapshot = runLevels.map((level) => ({
    targets: level.targets.map((target) => ({ kind: target.kind, name: target.name })),
    timeoutMinutes: level.timeoutMinutes,
  }));
  const levels =
    incidentResponse === undefined || reasons.length === 0
      ? snapshot
      : withFirstLevelTarget(snapshot, scheduleTarget(incidentResponse.schedule));
  return {
    pageId: page.id,
    policy: policy.name,
    levels,
    passes: urgency === 'low' ? 1 : policy.repeat + 1,
    urgency,
    status: 'escalating',
    startedAt: atMs,
    step: 0,
    nextDueAt: atMs,
    revision: 0,
    incidentResponse:
      incidentResponse === undefined || reasons.length === 0
        ? undefined
        : { schedule: incidentResponse.schedule, reasons, addedAt: atMs },
    paged: [],
    acknowledgedAt: undefined,
    acknowledgedBy: undefined,
    resolvedAt: undefined,
    exhaustedAt: undefined,
  };
}

/**
 * Sends every step due by `atMs`, in order. Targets are resolved at each step's due
 * instant, not at `atMs`, so the notifications do not depend on when (or how often)
 * `advance` runs. A level at which nobody at all can be reached does not hold the
 * page for its timeout: the next level is due at once (waiting on an empty schedule
 * is a known complaint, target/goalert#4548). After the last step's timeout the
 * escalation is `exhausted`; a low-urgency one stops once level 1 reached someone.
 */
export function advance(
  state: EscalationState,
  atMs: number,
  resolveTarget: ResolveTarget,
): AdvanceResult {
  if (state.status !== 'escalating' || state.nextDueAt === undefined || state.nextDueAt > atMs) {
    return { state, notifications: [], unreached: [], nextWakeAt: wakeOf(state) };
  }
  const notifications: EscalationNotification[] = [];
  const unreached: UnreachedTarget[] = [];
  const paged = new Set(state.paged);
  const total = state.levels.length * state.passes;
  let step = state.step;
  let dueAt = state.nextDueAt;
  let exhaustedAt: number | undefined;
  // A low-urgency page whose level 1 reached someone: done, until a person acts.
  let waiting = false;
  while (dueAt <= atMs) {
    if (step >= total) {
      exhaustedAt = dueAt;
      break;
    }
    const levelIndex = step % state.levels.length;
    const level = state.levels[levelIndex];
    if (level === undefined) throw new RangeError(`escalation has no level ${levelIndex + 1}`);
    const position = {
      pageId: state.pageId,
      level: levelIndex + 1,
      attempt: Math.floor(step / state.levels.length) + 1,
      dueAt,
    };
    const reached = new Set<string>();
    level.targets.forEach((target, index) => {
      const resolved = resolveTarget(target, position.dueAt);
      if (resolved.length === 0) {
        unreached.push({ ...position, target });
        return;
      }
      const users = [...new Set(resolved)].filter((user) => !reached.has(user));
      for (const user of users) reached.add(user);
      if (users.length === 0) return;
      notifications.push({ key: `${state.pageId}/${step}/${index}`, ...position, target, users });
    });
    for (const user of reached) paged.add(user);
    dueAt = reached.size === 0 ? dueAt : dueAt + level.timeoutMinutes * MINUTE_MS;
    step += 1;
    if (state.urgency === 'low' && reached.size > 0) {
      waiting = true;
      break;
    }
  }
  const next: EscalationState = {
    ...state,
    step,
    nextDueAt: exhaustedAt === undefined && !waiting ? dueAt : undefined,
    status: exhaustedAt === undefined ? 'escalating' : 'exhausted',
    exhaustedAt,
    paged: [...paged],
    revision: state.revision + 1,
  };
  return { state: next, notifications, unreached, nextWakeAt: wakeOf(next) };
}

/**
 * Someone took the page: no further steps. Also from `exhausted` (a late answer still
 * counts). Acknowledging again, or a resolved page, changes nothing.
 */
export function acknowledge(state: EscalationState, by: string, atMs: number): EscalationState {
  if (state.status !== 'escalating' && state.status !== 'exhausted') return state;
  return {
    ...state,
    status: 'acknowledged',
    acknowledgedAt: atMs,
    acknowledgedBy: by,
    nextDueAt: undefined,
    revision: state.revision + 1,
  };
}

/** The page resolved: the escalation is closed, whatever its state. Idempotent. */
export function resolve(state: EscalationState, atMs: number): EscalationState {
  if (state.status === 'resolved') return state;
  return {
    ...state,
    status: 'resolved',
    resolvedAt: atMs,
    nextDueAt: undefined,
    revision: state.revision + 1,
  };
}

/**
 * A low-urgency page became high-urgency (a more severe alert of its group joined it):
 * it escalates from where it is, by the policy's levels and repeats. Level 1 keeps the
 * notice it had; the next level is due when level 1's timeout ends (at once if that
 * has passed, or if level 1 reached nobody). Before level 1 was notified, the page
 * simply starts as a high-urgency one. Acknowledged, resolved and high-urgency
 * escalations are left as they are.
 */
export function raiseToHighUrgency(
  state: EscalationState,
  policy: EscalationPolicy,
  atMs: number,
): EscalationState {
  if (state.urgency !== 'low') return state;
  if (state.status !== 'escalating' && state.status !== 'exhausted') return state;
  const first = state.levels[0];
  const rest = policy.levels.slice(1).map((level) => ({
    targets: level.targets.map((target) => ({ kind: target.kind, name: target.name })),
    timeoutMinutes: level.timeoutMinutes,
  }));
  const raised = {
    ...state,
    levels: first === undefined ? rest : [first, ...rest],
    passes: policy.repeat + 1,
    urgency: 'high' as const,
    revision: state.revision + 1,
  };
  if (state.step === 0) return raised;
  const levelOneEnds =
    first === undefined || state.paged.length === 0
      ? atMs
      : state.startedAt + first.timeoutMinutes * MINUTE_MS;
  return {
    ...raised,
    status: 'escalating',
    exhaustedAt: undefined,
    nextDueAt: Math.max(atMs, levelOneEnds),
  };
}

/**
 * The page grew (an alert of another service joined it) and now calls for the
 * incident-response rotation, which was not part of the escalation: it joins level 1
 * for the runs still to come and, if level 1 has already been notified, is notified
 * now. Only while nobody has acknowledged (escalating or exhausted): an acknowledged
 * page has a responder who can pull others in. Once added, it stays; calling again
 * changes nothing.
 */
export function includeIncidentResponse(
  state: EscalationState,
  page: EscalationSubject,
  atMs: number,
  rule: IncidentResponseRule,
  resolveTarget: ResolveTarget,
): AdvanceResult {
  const unchanged = { state, notifications: [], unreached: [], nextWakeAt: wakeOf(state) };
  if (state.incidentResponse !== undefined || state.urgency === 'low') return unchanged;
  if (state.status !== 'escalating' && state.status !== 'exhausted') return unchanged;
  const reasons = incidentResponseReasons(page.services, rule);
  if (reasons.length === 0) return unchanged;
  const target = scheduleTarget(rule.schedule);
  const alreadyInLevelOne =
    state.levels[0]?.targets.some((t) => t.kind === target.kind && t.name === target.name) ?? false;
  const next: EscalationState = {
    ...state,
    levels: withFirstLevelTarget(state.levels, target),
    incidentResponse: { schedule: rule.schedule, reasons, addedAt: atMs },
    revision: state.revision + 1,
  };
  if (state.step === 0 || alreadyInLevelOne) {
    return { state: next, notifications: [], unreached: [], nextWakeAt: wakeOf(next) };
  }
  const position = {
    pageId: state.pageId,
    level: 1,
    attempt: Math.min(Math.floor((state.step - 1) / state.levels.length) + 1, state.passes),
    dueAt: atMs,
  };
  const users = [...new Set(resolveTarget(target, atMs))];
  if (users.length === 0) {
    return {
      state: next,
      notifications: [],
      unreached: [{ ...position, target }],
      nextWakeAt: wakeOf(next),
    };
  }
  const notified: EscalationState = { ...next, paged: [...new Set([...state.paged, ...users])] };
  return {
    state: notified,
    notifications: [{ key: `${state.pageId}/incident-response`, ...position, target, users }],
    unreached: [],
    nextWakeAt: wakeOf(notified),
  };
}

function wakeOf(state: EscalationState): number | undefined {
  return state.status === 'escalating' ? state.nextDueAt : undefined;
}

function scheduleTarget(name: string): EscalationTarget {
  return { kind: 'schedule', name };
}

function withFirstLevelTarget(
  levels: readonly EscalationLevel[],
  target: EscalationTarget,
): readonly EscalationLevel[] {
  const [first, ...rest] = levels;
  if (first === undefined) return levels;
  if (first.targets.some((t) => t.kind === target.kind && t.name === target.name)) return levels;
  return [{ ...first, targets: [...first.targets, target] }, ...rest];
}
