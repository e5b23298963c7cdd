// On-call schedules as readers see them: who is on call at an instant and next, the
// shifts between two instants (final and per layer), calendar entries for a schedule or
// a person, and overrides added one at a time through the config path.
import { calendarShiftsBetween, type CalendarShift } from '../core/oncall/calendar-feed.js';
import {
  layerShiftsBetween,
  onCallAt,
  shiftsBetween,
  type LayerTimeline,
  type ScheduleShift,
} from '../core/oncall/schedule.js';
import type { Override } from '../core/oncall/model.js';
import type { ScheduleResource } from '../core/slo/model.js';
import { scheduleToDocument } from '../config/formats/headroom-write.js';
import { applyConfig } from './apply-config.js';
import { invalid, notFound } from './errors.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { requireReader, type Principal } from './principal.js';

const DAY_MS = 24 * 60 * 60_000;
/** Longest range of shifts one request may ask for: a year of hourly turns is still small. */
const MAX_RANGE_MS = 400 * DAY_MS;
/** Calendar feeds reach this far back and ahead of now. */
const FEED_PAST_MS = 30 * DAY_MS;
const FEED_AHEAD_MS = 180 * DAY_MS;

export interface OnCallTurn {
  readonly user: string | null;
  readonly source: ScheduleShift['source'];
  readonly sinceMs: number | null;
  readonly untilMs: number | null;
}

export interface OnCallAnswer {
  readonly schedule: string;
  /** The schedule's zone: its hand-offs are written, and read, on that clock. */
  readonly timeZone: string;
  readonly atMs: number;
  readonly current: OnCallTurn;
  /** The next person on call after the current turn (skipping gaps), if any within a year. */
  readonly next: OnCallTurn | null;
}

export async function listSchedules(
  { catalog }: AppDependencies,
  principal: Principal,
): Promise<readonly ScheduleResource[]> {
  requireReader(principal);
  await catalog.refresh({ maxAgeMs: 1000 });
  return [...catalog.schedules()].sort((a, b) => compare(a.schedule.name, b.schedule.name));
}

export async function getSchedule(
  deps: AppDependencies,
  principal: Principal,
  name: string,
): Promise<ScheduleResource> {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: 1000 });
  const found = deps.catalog.schedules().find((entry) => entry.schedule.name === name);
  if (found === undefined) throw notFound(`schedule "${name}"`);
  return found;
}

export async function whoIsOnCall(
  deps: AppDependencies,
  principal: Principal,
  name: string,
  atMs: number | undefined,
): Promise<OnCallAnswer> {
  const { schedule } = await getSchedule(deps, principal, name);
  const at = atMs ?? deps.clock.now();
  const current = onCallAt(schedule, at);
  let next: OnCallTurn | null = null;
  // Walk forward past gaps (and turns of the same person) to the next one on call.
  let cursor = current.untilMs;
  for (let step = 0; cursor !== null && step < 50; step += 1) {
    const turn = onCallAt(schedule, cursor);
    if (turn.user !== null && turn.user !== current.user) {
      next = { user: turn.user, source: turn.source, sinceMs: turn.sinceMs, untilMs: turn.untilMs };
      break;
    }
    cursor = turn.untilMs;
  }
  return {
    schedule: name,
    timeZone: schedule.timeZone,
    atMs: at,
    current: {
      user: current.user,
      source: current.source,
      sinceMs: current.sinceMs,
      untilMs: current.untilMs,
    },
    next,
  };
}

export async function listShifts(
  deps: AppDependencies,
  principal: Principal,
  name: string,
  range: { readonly fromMs: number | undefined; readonly toMs: number | undefined },
): Promise<{
  fromMs: number;
  toMs: number;
  shifts: ScheduleShift[];
  layers: LayerTimeline[];
}> {
  const { schedule } = await getSchedule(deps, principal, name);
  const fromMs = range.fromMs ?? deps.clock.now();
  const toMs = range.toMs ?? fromMs + 14 * DAY_MS;
  checkRange(fromMs, toMs);
  return {
    fromMs,
    toMs,
    shifts: shiftsBetween(schedule, fromMs, toMs),
    layers: layerShiftsBetween(schedule, fromMs, toMs),
  };
}

/** Calendar entries of one schedule, or of one person across every schedule. */
export async function calendarEntries(
  deps: AppDependencies,
  principal: Principal,
  of: { readonly schedule: string } | { readonly user: string },
): Promise<{ name: string; entries: CalendarShift[]; generatedAt: number }> {
  requireReader(principal);
  const now = deps.clock.now();
  const [fromMs, toMs] = [now - FEED_PAST_MS, now + FEED_AHEAD_MS];
  if ('schedule' in of) {
    const { schedule } = await getSchedule(deps, principal, of.schedule);
    return {
      name: schedule.name,
      entries: calendarShiftsBetween(schedule, fromMs, toMs),
      generatedAt: now,
    };
  }
  await deps.catalog.refresh({ maxAgeMs: 1000 });
  const schedules = deps.catalog.schedules();
  // Schedule members may be plain names, not users: either makes a person with a feed.
  // Anyone else is a typo, and an empty calendar would hide it.
  const named = schedules.some(({ schedule }) => namesPerson(schedule, of.user));
  if (!named && (await deps.store.getUser(of.user)) === undefined) {
    throw notFound(`user "${of.user}" (neither a user nor a member of any schedule)`);
  }
  const entries = schedules
    .flatMap(({ schedule }) => calendarShiftsBetween(schedule, fromMs, toMs, { user: of.user }))
    .sort((a, b) => a.startMs - b.startMs);
  return { name: of.user, entries, generatedAt: now };
}

function namesPerson(schedule: ScheduleResource['schedule'], person: string): boolean {
  return (
    schedule.layers.some((layer) => layer.members.includes(person)) ||
    (schedule.overrides ?? []).some((override) => override.user === person)
  );
}

/** Adds an override to a schedule: the same validation, permissions and audit as apply. */
export async function addOverride(
  deps: AppDependencies,
  principal: Principal,
  name: string,
  override: Override,
): Promise<ScheduleResource> {
  const resource = await getSchedule(deps, principal, name);
  const { schedule } = resource;
  const document = scheduleToDocument({
    ...resource,
    schedule: { ...schedule, overrides: [...(schedule.overrides ?? []), override] },
  });
  await applyConfig(deps, principal, [document], { prune: false, dryRun: false });
  return getSchedule(deps, principal, name);
}

function checkRange(fromMs: number, toMs: number): void {
  if (fromMs >= toMs) {
    throw invalid('from must be before to', [{ path: 'from', message: 'from must be before to' }]);
  }
  if (toMs - fromMs > MAX_RANGE_MS) {
    throw invalid('the range is too long', [
      { path: 'to', message: `ask for at most ${String(MAX_RANGE_MS / DAY_MS)} days at a time` },
    ]);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
