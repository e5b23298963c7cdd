// SLOs that count a heartbeat's runs (sli.source.heartbeat). Headroom writes their
// events itself, one per finished run and one per slot that passed without a run
// (core/heartbeats/runs.ts), into the event table that pushed counts go to: budgets,
// burn alerts, the gate's policies and reports then treat them like any other SLO.
//
// Each SLO is counted up to a cursor (heartbeat_slo_accounts) that moves in the same
// transaction as the events it covers, compare-and-set: every run and every missed
// slot is counted once, whichever instance counts and whenever one crashes.
import type { FinishedRun } from '../core/heartbeats/state.js';
import { effectiveKind, ranTooFast } from '../core/heartbeats/model.js';
import { minuteCounts, runOutcomes, type PauseInterval } from '../core/heartbeats/runs.js';
import type { CompiledHeartbeat } from '../core/heartbeats/compile.js';
import type { SliSource } from '../core/slo/model.js';
import { definitionsByName, pingOfRecord } from './heartbeats.js';
import type {
  EventCountsRecord,
  HeartbeatPingRecord,
  HeartbeatSloAccountRecord,
} from './ports/records.js';
import type { AppDependencies, LiveSlo } from './ports/slo-catalog.js';

type HeartbeatSource = Extract<SliSource, { type: 'heartbeat' }>;

/**
 * Pings are stamped when they arrive and commit a moment later: counting stays this
 * far behind the clock, so that no run lands in a stretch already counted.
 */
export const COUNTING_DELAY_MS = 60_000;
/** An SLO is counted at most this often; its events are per minute anyway. */
const COUNT_INTERVAL_MS = 60_000;
/** Completions read per SLO and pass; a longer backlog is counted over several passes. */
const MAX_RUNS_PER_PASS = 10_000;
const CATALOG_FRESHNESS_MS = 1000;

interface Counted {
  readonly account: HeartbeatSloAccountRecord;
  /** The cursor the account must still have (null: none yet). */
  readonly expected: number | null;
  readonly events: Omit<EventCountsRecord, 'id'> | undefined;
}

/**
 * Counts the runs and missed slots of every heartbeat SLO up to `atMs` less the
 * counting delay; run by the instance holding the evaluator lease, each tick.
 * Returns how many SLOs moved.
 */
export async function countHeartbeatSlos(deps: AppDependencies, atMs: number): Promise<number> {
  const { store, catalog } = deps;
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const entries = catalog.all().filter((entry) => entry.slo.sli.source.type === 'heartbeat');
  if (entries.length === 0) return 0;
  const until = atMs - COUNTING_DELAY_MS;
  const accounts = new Map(
    (await store.listHeartbeatSloAccounts()).map((account) => [account.sloId, account]),
  );
  const definitions = definitionsByName(deps);
  const work: Counted[] = [];
  for (const entry of entries) {
    const source = entry.slo.sli.source as HeartbeatSource;
    const definition = definitions.get(source.heartbeat);
    // A check removed from config: its SLO counts nothing more.
    if (definition === undefined) continue;
    const account = accounts.get(entry.id);
    if (account === undefined || account.heartbeat !== source.heartbeat) {
      // Counting starts when the SLO is first seen (or counts another check): pauses
      // before it were not kept, so earlier silences cannot be judged fairly.
      work.push({
        account: {
          sloId: entry.id,
          heartbeat: source.heartbeat,
          countedUntil: until,
          lastCompletionAt: await store.lastHeartbeatCompletionAt(source.heartbeat, until),
          updatedAt: atMs,
        },
        expected: account?.countedUntil ?? null,
        events: undefined,
      });
      continue;
    }
    if (until - account.countedUntil < COUNT_INTERVAL_MS) continue;
    work.push(await countOne(deps, entry, source, definition.compiled, account, until, atMs));
  }
  if (work.length === 0) return 0;
  const moved = await store.transaction(async (tx) => {
    // Event rows must commit in id order for the catalog's tail (see lockIngest).
    await tx.lockIngest();
    const records: Omit<EventCountsRecord, 'id'>[] = [];
    let moved = 0;
    for (const item of work) {
      // Another instance counted this stretch first: its events stand, these are dropped.
      if (!(await tx.putHeartbeatSloAccount(item.account, item.expected))) continue;
      moved += 1;
      if (item.events !== undefined) records.push(item.events);
    }
    if (records.length > 0) await tx.insertEventCounts(records);
    return moved;
  });
  catalog.invalidate();
  return moved;
}

async function countOne(
  { store }: AppDependencies,
  entry: LiveSlo,
  source: HeartbeatSource,
  compiled: CompiledHeartbeat,
  account: HeartbeatSloAccountRecord,
  until: number,
  atMs: number,
): Promise<Counted> {
  const from = account.countedUntil;
  const pings = await store.listHeartbeatCompletions(
    source.heartbeat,
    from,
    until,
    MAX_RUNS_PER_PASS,
  );
  // A full page may have more runs behind it: count up to the last one read.
  const to = pings.length === MAX_RUNS_PER_PASS ? (pings.at(-1)?.at ?? until) : until;
  const row = await store.getHeartbeat(source.heartbeat);
  // Paused, or resumed and not pinged since: nothing is due until the next completion.
  // The pause is taken to cover the whole stretch; the state keeps no pause history.
  const idle = row === undefined || row.status === 'paused' || row.status === 'new';
  const pauses: PauseInterval[] = idle ? [{ from, to: null }] : [];
  const runs = pings.map((ping) => finishedRunOf(compiled, ping));
  const result = runOutcomes(compiled, {
    runs,
    previousCompletionAt: account.lastCompletionAt,
    pauses,
    fromExclusive: from,
    toInclusive: to,
    maxDurationMs: source.maxDurationMs,
  });
  // Missed slots past the bound are counted by the next pass, from the last one made.
  const countedUntil = result.truncated ? (result.events.at(-1)?.at ?? to) : to;
  const events = result.events.filter((event) => event.at <= countedUntil);
  const lastRun = runs.filter((run) => run.finishedAt <= countedUntil).at(-1);
  const counts = minuteCounts(events);
  return {
    account: {
      ...account,
      countedUntil,
      lastCompletionAt: idle ? null : (lastRun?.finishedAt ?? account.lastCompletionAt),
      updatedAt: atMs,
    },
    expected: from,
    events: counts.length === 0 ? undefined : { sloId: entry.id, counts },
  };
}

/** A stored completion as the run it ended; what the SLO judges is kept with it. */
function finishedRunOf(compiled: CompiledHeartbeat, ping: HeartbeatPingRecord): FinishedRun {
  const kind = effectiveKind(pingOfRecord(ping));
  const durationMs = ping.durationMs ?? undefined;
  return {
    runId: ping.runId ?? undefined,
    startedAt: durationMs === undefined ? undefined : ping.at - durationMs,
    finishedAt: ping.at,
    durationMs,
    outcome: kind === 'fail' ? 'fail' : 'success',
    exitStatus: ping.exitStatus ?? undefined,
    // Lateness is counted by missed slots, not by the run.
    onTime: true,
    tooFast: ranTooFast(compiled.minRunMs, kind, durationMs),
    overran: durationMs !== undefined && durationMs > compiled.maxRunMs,
  };
}
