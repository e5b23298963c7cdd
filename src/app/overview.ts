// The overview screen's read: every SLO's figures, each service's gate, open incidents,
// who is on call and the cron jobs' checks that need eyes, in one answer. Each part is
// read through the verb that serves it on its own, with that verb's authorization: a
// part the token may not read is left out (null) and the rest is still answered, as
// the screen hides that panel.
import type { SloStatus } from '../core/slo/status.js';
import type { Tier } from '../core/slo/model.js';
import type { IncidentView } from '../schema/incidents.js';
import type { SloStateName } from '../schema/overview.js';
import type { HeartbeatStatus } from '../core/heartbeats/model.js';
import { AppError } from './errors.js';
import { PREVIEW_ACTOR, previewGates, type GatePreview } from './gate-preview.js';
import { listHeartbeats, type HeartbeatView } from './heartbeats.js';
import { listIncidents } from './incidents.js';
import { listSchedules, whoIsOnCall } from './oncall.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Principal } from './principal.js';
import { listServices } from './resources.js';
import { listSloStatuses } from './slo-status.js';

/** More open incidents than this is a bad day; the incidents screen lists them all. */
const OPEN_INCIDENTS_SHOWN = 100;

/** Enough to see what broke; the heartbeats screen filters the rest by status. */
export const HEARTBEATS_NEEDING_ATTENTION_SHOWN = 20;

export interface OverviewService {
  readonly name: string;
  readonly team: string | null;
  readonly tier: Tier | null;
  /** undefined: the service is not defined (an SLO names it), so no policy applies. */
  readonly gate: GatePreview | undefined;
  readonly slos: readonly SloStatus[];
}

export interface OverviewOnCall {
  readonly schedule: string;
  readonly team: string | null;
  readonly timeZone: string;
  readonly user: string | null;
  readonly untilMs: number | null;
}

export interface OverviewHeartbeats {
  readonly counts: Readonly<Record<HeartbeatStatus, number>>;
  /** Down, then late; the latest change of status first. */
  readonly attention: readonly HeartbeatView[];
}

export interface Overview {
  readonly atMs: number;
  readonly gateActor: string;
  readonly services: readonly OverviewService[];
  readonly incidents: readonly IncidentView[] | null;
  readonly onCall: readonly OverviewOnCall[] | null;
  readonly heartbeats: OverviewHeartbeats | null;
}

/**
 * Unknown first (its numbers are stale), then no data (no events in the window:
 * nothing was measured, so an untouched budget says nothing of health), then spent,
 * then burning; the web UI's order.
 */
export function sloStateOf(status: SloStatus): SloStateName {
  if (status.source?.state === 'unknown') return 'unknown';
  if (status.sli === null) return 'no-data';
  if (status.errorBudget.remaining <= 0) return 'exhausted';
  if (status.alerts.some((alert) => alert.firing)) return 'burning';
  return 'ok';
}

export async function readOverview(deps: AppDependencies, principal: Principal): Promise<Overview> {
  const [statuses, services, incidents, onCall, heartbeats] = await Promise.all([
    listSloStatuses(deps, principal, undefined),
    readable(() => listServices(deps, principal)),
    readable(() => listIncidents(deps, principal, { status: 'open', limit: OPEN_INCIDENTS_SHOWN })),
    readable(() => onCallNow(deps, principal)),
    readable(async () => heartbeatsNeedingAttention(await listHeartbeats(deps, principal, {}))),
  ]);
  const atMs = statuses[0] === undefined ? deps.clock.now() : Date.parse(statuses[0].at);

  const slosOf = new Map<string, SloStatus[]>();
  for (const status of statuses) {
    const list = slosOf.get(status.service);
    if (list === undefined) slosOf.set(status.service, [status]);
    else list.push(status);
  }
  const defined = services ?? [];
  const byName = new Map(statuses.map((status) => [status.slo, status]));
  // The gate reads the statuses just computed: one evaluation of each SLO per answer.
  const gates = await readable(() =>
    previewGates(
      deps,
      principal,
      defined.map((service) => service.name),
      { statuses: byName },
    ),
  );
  const gateOf = new Map((gates ?? []).map((gate) => [gate.service, gate]));

  const list: OverviewService[] = defined.map((record) => ({
    name: record.name,
    team: record.team,
    tier: deps.catalog.service(record.name)?.tier ?? null,
    gate: gateOf.get(record.name),
    slos: sortedByName(slosOf.get(record.name) ?? []),
  }));
  const known = new Set(defined.map((record) => record.name));
  for (const [name, slos] of slosOf) {
    if (!known.has(name)) {
      list.push({ name, team: null, tier: null, gate: undefined, slos: sortedByName(slos) });
    }
  }
  list.sort((a, b) => compare(a.name, b.name));
  return { atMs, gateActor: PREVIEW_ACTOR, services: list, incidents, onCall, heartbeats };
}

export function heartbeatsNeedingAttention(views: readonly HeartbeatView[]): OverviewHeartbeats {
  const counts: Record<HeartbeatStatus, number> = { new: 0, up: 0, late: 0, down: 0, paused: 0 };
  for (const view of views) counts[view.state.status] += 1;
  const rank = (view: HeartbeatView) => ATTENTION_RANK.indexOf(view.state.status);
  // A check whose cause predates the server keeping it sorts after those with one.
  const changedAt = (view: HeartbeatView) => view.state.cause?.since ?? Number.NEGATIVE_INFINITY;
  const attention = views
    .filter((view) => rank(view) >= 0)
    .sort((a, b) => rank(a) - rank(b) || changedAt(b) - changedAt(a))
    .slice(0, HEARTBEATS_NEEDING_ATTENTION_SHOWN);
  return { counts, attention };
}

const ATTENTION_RANK: readonly HeartbeatStatus[] = ['down', 'late'];

async function onCallNow(deps: AppDependencies, principal: Principal): Promise<OverviewOnCall[]> {
  const schedules = await listSchedules(deps, principal);
  return Promise.all(
    schedules.map(async ({ schedule }) => {
      const answer = await whoIsOnCall(deps, principal, schedule.name, undefined);
      return {
        schedule: schedule.name,
        team: schedule.team ?? null,
        timeZone: schedule.timeZone,
        user: answer.current.user,
        untilMs: answer.current.untilMs,
      };
    }),
  );
}

/** A part the principal may not read is null; every other failure fails the answer. */
async function readable<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AppError && error.code === 'FORBIDDEN') return null;
    throw error;
  }
}

function sortedByName(statuses: SloStatus[]): SloStatus[] {
  return statuses.sort((a, b) => compare(a.slo, b.slo));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
