// A heartbeat prepared once per definition: the cron expression parsed in its zone,
// limits resolved. The evaluator scans every check each tick and must not touch
// cron; cron work happens only when a ping arrives (the next due instant) and when
// SLO slots are counted, both through the schedule compiled here.
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { IANAZone } from 'luxon';
import type { HeartbeatDefinition, HeartbeatSchedule } from './model.js';

export interface DueInstants {
  readonly instants: readonly number[];
  /** The limit was reached before `untilMs`: more instants may follow. */
  readonly truncated: boolean;
}

export interface CompiledSchedule {
  /** Equal keys mean equal schedules (a cache key). */
  readonly key: string;
  /** The first due instant strictly after `ms` when the last ping was at `ms`; null
   * when the schedule never fires again. */
  nextDueAfter(ms: number): number | null;
  /** The due instants of the schedule anchored at a ping at `anchorMs` (a period
   * counts from it; cron ignores it) that are after both `anchorMs` and `afterMs`
   * and at or before `untilMs`, at most `limit` of them. */
  dueBetween(anchorMs: number, afterMs: number, untilMs: number, limit: number): DueInstants;
}

export interface CompiledHeartbeat {
  readonly definition: HeartbeatDefinition;
  readonly name: string;
  readonly schedule: CompiledSchedule;
  readonly graceMs: number;
  readonly maxRunMs: number;
  readonly minRunMs: number | undefined;
  /** Shorthand for `schedule.nextDueAfter`. */
  nextDueAfter(ms: number): number | null;
}

export type CompileResult =
  | { readonly ok: true; readonly compiled: CompiledHeartbeat }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Compiled schedules shared between definitions: 10,000 checks on "0 * * * *" in
 * one zone parse it once. Holds only schedules that compiled. */
export type ScheduleCache = Map<string, CompiledSchedule>;

export function createScheduleCache(): ScheduleCache {
  return new Map();
}

// healthchecks (cronsim) reads these; cron-parser's own extra aliases (@minutely,
// @weekdays, ...) are refused so that a definition means the same on both.
const ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

// A schedule that never fires after 1970 is a typo, not a schedule.
const PROBE_FROM_MS = 0;

export function compileHeartbeat(
  definition: HeartbeatDefinition,
  cache?: ScheduleCache,
): CompileResult {
  const problems: string[] = [];
  const where = `heartbeat "${definition.name}"`;
  if (definition.name.trim() === '') problems.push('a heartbeat needs a name');
  const duration = (field: string, value: number | undefined, positive: boolean): void => {
    if (value === undefined) return;
    if (!Number.isSafeInteger(value) || value < 0 || (positive && value === 0)) {
      problems.push(
        `${where}: ${field} must be a whole number of milliseconds ${positive ? 'above 0' : 'of 0 or more'}, got ${String(value)}`,
      );
    }
  };
  duration('graceMs', definition.graceMs, false);
  duration('maxRunMs', definition.maxRunMs, true);
  duration('minRunMs', definition.minRunMs, false);
  const maxRunMs = maxRunMsOf(definition);
  if (definition.minRunMs !== undefined && definition.minRunMs >= maxRunMs) {
    problems.push(
      `${where}: minRunMs (${String(definition.minRunMs)}) must be below the longest run allowed (${String(maxRunMs)})`,
    );
  }
  const schedule = compileSchedule(definition.schedule, cache);
  if (typeof schedule === 'string') problems.push(`${where}: ${schedule}`);
  if (problems.length > 0 || typeof schedule === 'string') return { ok: false, problems };
  return {
    ok: true,
    compiled: {
      definition,
      name: definition.name,
      schedule,
      graceMs: definition.graceMs,
      maxRunMs,
      minRunMs: definition.minRunMs,
      nextDueAfter: (ms) => schedule.nextDueAfter(ms),
    },
  };
}

/** The longest a run may take before the check is late: maxRunTime, else the grace (healthchecks). */
export function maxRunMsOf(definition: Pick<HeartbeatDefinition, 'maxRunMs' | 'graceMs'>): number {
  return definition.maxRunMs ?? definition.graceMs;
}

/** The schedule alone, or a sentence saying what is wrong with it. */
export function compileSchedule(
  schedule: HeartbeatSchedule,
  cache?: ScheduleCache,
): CompiledSchedule | string {
  if (schedule.kind === 'period') {
    if (!Number.isSafeInteger(schedule.periodMs) || schedule.periodMs <= 0) {
      return `periodMs must be a whole number of milliseconds above 0, got ${String(schedule.periodMs)}`;
    }
    return periodSchedule(schedule.periodMs);
  }
  const key = `cron\u0000${schedule.expression}\u0000${schedule.timeZone}`;
  const cached = cache?.get(key);
  if (cached !== undefined) return cached;
  const compiled = cronSchedule(key, schedule.expression, schedule.timeZone);
  if (typeof compiled !== 'string') cache?.set(key, compiled);
  return compiled;
}

function periodSchedule(periodMs: number): CompiledSchedule {
  return {
    key: `period\u0000${String(periodMs)}`,
    nextDueAfter: (ms) => ms + periodMs,
    dueBetween(anchorMs, afterMs, untilMs, limit) {
      // Slots are anchor + k·period; jump straight to the first one after afterMs.
      const skip = afterMs > anchorMs ? Math.floor((afterMs - anchorMs) / periodMs) : 0;
      const instants: number[] = [];
      for (let at = anchorMs + (skip + 1) * periodMs; at <= untilMs; at += periodMs) {
        if (instants.length === limit) return { instants, truncated: true };
        instants.push(at);
      }
      return { instants, truncated: false };
    },
  };
}

/** Zone names already checked: luxon asks Intl each time, a quarter millisecond. */
const knownZones = new Map<string, boolean>();

function isZone(timeZone: string): boolean {
  let valid = knownZones.get(timeZone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(timeZone);
    // Names are few; a flood of invented ones is not worth remembering.
    if (knownZones.size < 1000) knownZones.set(timeZone, valid);
  }
  return valid;
}

function cronSchedule(
  key: string,
  expression: string,
  timeZone: string,
): CompiledSchedule | string {
  if (!isZone(timeZone)) {
    return `"${timeZone}" is not an IANA time zone (e.g. Europe/Amsterdam, UTC)`;
  }
  const fields = normaliseCron(expression);
  if (fields.startsWith('!')) return fields.slice(1);
  let parsed: CronExpression;
  try {
    // currentDate is always given: without it cron-parser reads the clock.
    parsed = CronExpressionParser.parse(fields, { tz: timeZone, currentDate: PROBE_FROM_MS });
    parsed.next();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `cron expression "${expression}" cannot be read: ${reason}`;
  }
  // One parsed expression serves every question: reset() moves its cursor, so no
  // call re-parses. Calls never interleave (they are synchronous), so sharing it
  // across checks through the cache is safe.
  const raw = (ms: number): number | null => {
    parsed.reset(new Date(ms));
    try {
      return parsed.next().getTime();
    } catch {
      return null;
    }
  };
  const zone = IANAZone.create(timeZone);
  // cron-parser asked from inside a repeated hour (fall back) answers the second
  // instance of a wall time whose first instance already passed: a job that ran at
  // 02:30 CEST and pinged at 02:25 CET would be expected again five minutes later
  // and page. A wall time is due once: second instances are skipped. Asked from
  // before, cron-parser already skips them for fixed times; for "every hour" it does
  // not, and skipping them there only makes the check more lenient for one hour.
  const isSecondInstance = (at: number): boolean => {
    const offset = zone.offset(at);
    const before = zone.offset(at - MAX_SHIFT_MS);
    if (before <= offset) return false;
    return zone.offset(at - (before - offset) * 60_000) === before;
  };
  const compute = (ms: number): number | null => {
    let at = raw(ms);
    for (let skipped = 0; at !== null && isSecondInstance(at) && skipped < MAX_SKIPS; skipped++) {
      at = raw(at);
    }
    return at;
  };
  // Cron fires on whole minutes, so every instant strictly inside one minute has the
  // same next occurrence: checks sharing a schedule that ping in the same minute (a
  // fleet of */5 jobs) ask cron-parser once. Bounded: the minutes asked last.
  const memo = new Map<number, number | null>();
  const next = (ms: number): number | null => {
    if (ms % MINUTE_MS === 0) return compute(ms);
    const minute = Math.floor(ms / MINUTE_MS);
    const known = memo.get(minute);
    if (known !== undefined || memo.has(minute)) return known ?? null;
    const answer = compute(ms);
    if (memo.size >= MEMO_MINUTES) memo.delete(memo.keys().next().value ?? minute);
    memo.set(minute, answer);
    return answer;
  };
  return {
    key,
    nextDueAfter: next,
    dueBetween(anchorMs, afterMs, untilMs, limit) {
      // Step with nextDueAfter itself, so that the slots counted are exactly the
      // instants the state machine expects after each ping.
      const instants: number[] = [];
      for (
        let at = next(Math.max(anchorMs, afterMs));
        at !== null && at <= untilMs;
        at = next(at)
      ) {
        if (instants.length === limit) return { instants, truncated: true };
        instants.push(at);
      }
      return { instants, truncated: false };
    },
  };
}

const MINUTE_MS = 60_000;
const MEMO_MINUTES = 8;

// Offset changes are at most 2 hours (Antarctica/Troll); 3 leaves room.
const MAX_SHIFT_MS = 3 * 60 * 60 * 1000;
// A repeated hour holds at most 60 minute occurrences of "* * * * *".
const MAX_SKIPS = 120;

/** The five fields handed to cron-parser, or "!" and the problem. */
function normaliseCron(expression: string): string {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    const alias = ALIASES[trimmed.toLowerCase()];
    return (
      alias ?? `!"${trimmed}" is not a cron alias we read (${Object.keys(ALIASES).join(', ')})`
    );
  }
  const fields = trimmed.split(/\s+/);
  if (trimmed === '' || fields.length !== 5) {
    return `!cron expression "${expression}" must have 5 fields (minute hour day-of-month month day-of-week), it has ${String(trimmed === '' ? 0 : fields.length)}`;
  }
  // H is cron-parser's random jitter: unseeded it reads Math.random, and
  // healthchecks has no such thing.
  if (/(^|[^a-z])h([^a-z]|$)/i.test(trimmed)) {
    return `!cron expression "${expression}" uses H (a random value), which a heartbeat cannot be checked against`;
  }
  const [, , dayOfMonth = '*', , dayOfWeek = '*'] = fields;
  // Vixie cron (and healthchecks) match day-of-month AND day-of-week when either
  // starts with "*" (as "*/2" does), OR otherwise; cron-parser uses OR unless one is
  // exactly "*". Refusing the mixed form keeps one meaning everywhere.
  const starred = (field: string): boolean => field.startsWith('*') && field !== '*';
  const restricted = (field: string): boolean => field !== '*' && field !== '?';
  if (
    (starred(dayOfMonth) && restricted(dayOfWeek)) ||
    (starred(dayOfWeek) && restricted(dayOfMonth))
  ) {
    return `!cron expression "${expression}": a stepped "*" in day-of-month or day-of-week beside a restricted other day field is read differently by cron implementations; restrict only one of them`;
  }
  return trimmed;
}
