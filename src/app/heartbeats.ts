// Heartbeats of cron jobs: pings in (healthchecks-compatible), the check's state
// moved by the core's state machine, and a page when a job is down. Pings arriving
// together are written in one transaction and each is answered after that commit:
// accepted pings are never lost, and a burst costs one commit, not one per ping.
import { randomInt, randomUUID } from 'node:crypto';
import {
  compileHeartbeat,
  createScheduleCache,
  type CompiledHeartbeat,
} from '../core/heartbeats/compile.js';
import { exitStatusPing, type HeartbeatPing } from '../core/heartbeats/model.js';
import {
  alertFor,
  applyPing,
  evaluate,
  NEW_HEARTBEAT_STATE,
  nextCheck,
  pause,
  redefine,
  resume,
  runningSince,
  type HeartbeatState,
  type HeartbeatTransition,
} from '../core/heartbeats/state.js';
import type { HeartbeatAlertInput } from '../core/alerts/normalize.js';
import type { HeartbeatResource } from '../core/slo/model.js';
import { pageHeartbeatAlerts } from './alert-intake.js';
import { GroupCommit } from './group-commit.js';
import { recordChange } from './audit.js';
import { hashSecret, newPublicId, newSecret } from './credentials.js';
import { invalid, notFound } from './errors.js';
import type {
  HeartbeatPingRecord,
  HeartbeatRecord,
  HeartbeatStatePut,
  HeartbeatStateWrite,
  PingKeyRecord,
} from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';
import {
  personOf,
  requireReader,
  requireResponder,
  requireTeamEditor,
  type Principal,
} from './principal.js';

/** The first bytes of a ping's body kept as the run's log (healthchecks' default). */
export const PING_BODY_LIMIT_BYTES = 10_000;
/** Most pings written in one transaction where one batch is written at a time (PostgreSQL). */
const MAX_BATCH = 1000;
/**
 * Most pings in one batch where two are written at once (SQLite's writer thread). A batch
 * this full goes to the writer at once (group-commit.ts), which commits it while the event
 * loop reads the pings that came with it; without a bound, a burst of pings became one
 * batch, and the writer and the event loop took turns instead of working together (over
 * 256 connections, no batch was being written 80 % of the time). Smaller batches cost more
 * commits than they gain; see docs/server.md, Performance.
 */
const PIPELINED_BATCH = 32;
/**
 * Due checks moved per transaction. On SQLite a transaction holds the event loop, and
 * 2,000 checks late at once (and paged) held it for half a second: a fleet gone late
 * together is moved in slices, with the pings and gate checks waiting served between
 * (80–90 ms at most for 10,000 checks of 100 services; see docs/server.md).
 */
const EVALUATION_SLICE = 250;
/** Due checks moved per pass (one tick of the evaluator); the next tick goes on. */
const EVALUATION_BATCH = 10_000;
const CATALOG_FRESHNESS_MS = 1000;

export type PingSignal = 'success' | 'start' | 'fail' | 'log' | { readonly exitStatus: number };

export interface PingInput {
  /** The check's token, or a team's ping key and the check's name (slug URLs). */
  readonly target:
    | { readonly kind: 'token'; readonly token: string }
    | { readonly kind: 'slug'; readonly pingKey: string; readonly slug: string };
  readonly signal: PingSignal;
  readonly runId: string | undefined;
  /** Already cut to PING_BODY_LIMIT_BYTES. */
  readonly body: string | undefined;
  /** The size of the body as sent: over PING_BODY_LIMIT_BYTES, `body` is only its start. */
  readonly bodyBytes: number | undefined;
  readonly remote: string | undefined;
  readonly userAgent: string | undefined;
}

export type PingOutcome = 'ok' | 'not-found';

interface PendingPing {
  readonly name: string;
  readonly input: PingInput;
  readonly at: number;
}

/** A check's state as this instance last read or wrote it, its version, and its token then. */
interface KnownState {
  readonly state: HeartbeatState;
  readonly version: number;
  /**
   * The check's ping token at that version. A rotation changes token and version
   * together, so a ping whose token is this one, written on condition of this version,
   * can never land after the token was rotated.
   */
  readonly token: string;
}

/**
 * Takes pings in, group-committed (group-commit.ts): a ping waits for the batch being
 * written, then goes out with the next one, and is answered once that one committed.
 *
 * The hot path reads nothing: check names are found by token, and checks' states are
 * taken, from memory (the first miss loads every check's row in one read). A batch is
 * applied to those states and written on condition that each check is still at the
 * version it was computed from (on SQLite by the writer thread, off the event loop).
 * When one is not (the evaluator moved it, it was paused, its token was rotated, or
 * another instance took a ping of it), nothing was written and the batch is applied
 * again to the rows as they are, locked, in a transaction: so it is too when a ping
 * pages or resolves a page, or names a token other than the one last seen for its check
 * (a rotated one, or a new one this instance has not seen yet). There, a ping whose
 * token is not the row's is refused and its token forgotten.
 */
export class HeartbeatPings {
  private readonly commits: GroupCommit<PendingPing, PingOutcome>;
  private readonly names = new Map<string, string>();
  /** Tokens being looked up, by token: see nameOf. */
  private readonly lookups = new Map<string, Promise<string | undefined>>();
  private readonly states = new Map<string, KnownState>();
  private loadedAll: Promise<void> | undefined;
  /** Settles once the last batch taken has begun its write. */
  private writesBegun: Promise<void> = Promise.resolve();
  private readonly pingKeys = new Map<
    string,
    { readonly key: PingKeyRecord | undefined; readonly at: number }
  >();

  constructor(private readonly deps: AppDependencies) {
    this.commits = new GroupCommit({
      write: (batch) => this.write(batch),
      // Where writes reach the database in the order begun, the next batch is applied
      // while this one is written (see write()); elsewhere one waits for the other.
      maxBatch: deps.store.ordersWrites ? PIPELINED_BATCH : MAX_BATCH,
      maxInFlight: deps.store.ordersWrites ? 2 : 1,
    });
  }

  async receive(input: PingInput): Promise<PingOutcome> {
    // When it came, not when its token was found: a lookup can take a while.
    const at = this.deps.clock.now();
    const name = await this.nameOf(input);
    if (name === undefined) return 'not-found';
    return this.commits.submit({ name, input, at });
  }

  /** Waits until every ping taken so far is written. */
  flush(): Promise<void> {
    return this.commits.flush();
  }

  private async nameOf(input: PingInput): Promise<string | undefined> {
    const { target } = input;
    if (target.kind === 'token') {
      const known = this.names.get(target.token);
      if (known !== undefined) return known;
      // Pings of a token that arrive while it is looked up wait for that one lookup and
      // go on in the order they came; lookups of their own could finish in any order
      // (on PostgreSQL each takes a connection of the pool), and the check's start
      // could then be applied after its end.
      let lookup = this.lookups.get(target.token);
      if (lookup === undefined) {
        const { token } = target;
        lookup = this.lookUp(token).finally(() => this.lookups.delete(token));
        this.lookups.set(token, lookup);
      }
      return lookup;
    }
    const key = await this.pingKey(target.pingKey);
    if (key === undefined || key.revokedAt !== null) return undefined;
    await this.deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
    const heartbeat = this.deps.catalog.heartbeats().find((each) => each.name === target.slug);
    if (heartbeat === undefined) return undefined;
    // A team's key pings only its own checks.
    if (this.deps.catalog.service(heartbeat.service)?.team !== key.team) return undefined;
    await syncHeartbeatRows(this.deps);
    return heartbeat.name;
  }

  private async lookUp(token: string): Promise<string | undefined> {
    await this.loadAll();
    const loaded = this.names.get(token);
    if (loaded !== undefined) return loaded;
    const row = await this.deps.store.findHeartbeatByToken(token);
    if (row === undefined) return undefined;
    this.names.set(token, row.name);
    return row.name;
  }

  /** Every check's token and state, in one read, once (and again after a failed read). */
  private async loadAll(): Promise<void> {
    this.loadedAll ??= this.deps.store.listHeartbeats().then(
      (rows) => {
        for (const row of rows) {
          this.names.set(row.token, row.name);
          if (!this.states.has(row.name)) this.states.set(row.name, knownStateOf(row));
        }
      },
      () => {
        // Looked up one by one instead.
        this.loadedAll = undefined;
      },
    );
    await this.loadedAll;
  }

  private async pingKey(secret: string): Promise<PingKeyRecord | undefined> {
    const now = this.deps.clock.now();
    const hash = hashSecret(secret);
    const cached = this.pingKeys.get(hash);
    // Remembered for a second, like API credentials: a revoked key stops within one.
    if (cached !== undefined && now - cached.at < 1000) return cached.key;
    const key = await this.deps.store.findPingKeyByHash(hash);
    this.pingKeys.set(hash, { key, at: now });
    return key;
  }

  /**
   * Applies a batch of pings in one transaction; the outcome of each, in order. Batches
   * are applied, and their writes begun, one after the other in the order taken: the
   * writes then reach the database in that order too (the writer thread's queue, the
   * store's transaction queue), so that the pings of one check are never reordered.
   */
  private async write(batch: readonly PendingPing[]): Promise<PingOutcome[]> {
    const previous = this.writesBegun;
    let begun: () => void = () => undefined;
    this.writesBegun = new Promise<void>((resolve) => {
      begun = resolve;
    });
    try {
      await previous;
      return await this.applyAndWrite(batch, begun);
    } finally {
      begun();
    }
  }

  private async applyAndWrite(
    batch: readonly PendingPing[],
    begun: () => void,
  ): Promise<PingOutcome[]> {
    const { deps } = this;
    await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
    const definitions = definitionsByName(deps);
    const now = deps.clock.now();
    const names = [...new Set(batch.map((ping) => ping.name))];
    const known = await this.knownStates(names);
    const applied = applyBatch(definitions, known, batch, now);
    // A token unlike the one known may be newer than the state known: only the row can say.
    if (applied.alerts.length > 0 || applied.staleTokens.length > 0) {
      const locked = this.writeLocked(batch, definitions, names, now);
      begun();
      return locked;
    }
    if (applied.pings.length === 0) return applied.outcomes;
    // Remembered before the commit, so that the next batch builds on these states; if
    // this one is not written, that batch expects versions no row has, and is applied
    // again, locked, after this one.
    this.remember(applied.writes, known);
    const writing = deps.store.applyHeartbeatPings(applied.pings, applied.writes);
    begun();
    let written = false;
    try {
      written = await writing;
    } finally {
      if (!written) this.forget(names);
    }
    return written ? applied.outcomes : this.writeLocked(batch, definitions, names, now);
  }

  /** The batch applied to the checks' rows as they are now, locked: the slow, sure path. */
  private async writeLocked(
    batch: readonly PendingPing[],
    definitions: Definitions,
    names: readonly string[],
    now: number,
  ): Promise<PingOutcome[]> {
    const { deps } = this;
    const { applied, current, unmoved } = await deps.store.transaction(async (tx) => {
      const rows = await tx.lockHeartbeats(names);
      const current = new Map(rows.map((row) => [row.name, knownStateOf(row)]));
      const applied = applyBatch(definitions, current, batch, now);
      await tx.insertHeartbeatPings(applied.pings);
      await tx.putHeartbeatStates(applied.writes);
      await pageHeartbeatAlerts(deps, tx, applied.alerts, now);
      // The rows the batch did not move are as they were read.
      return { applied, current, unmoved: rows.filter((row) => !applied.moved.has(row.name)) };
    });
    this.remember(applied.writes, current);
    for (const row of unmoved) this.states.set(row.name, knownStateOf(row));
    // Rotated away: the next ping by such a token finds no check.
    for (const token of applied.staleTokens) this.names.delete(token);
    if (applied.alerts.length > 0) deps.signals?.pagesChanged();
    return applied.outcomes;
  }

  private forget(names: readonly string[]): void {
    for (const name of names) this.states.delete(name);
  }

  /** The states written, each with the token of the state it was computed from. */
  private remember(
    writes: readonly HeartbeatStatePut[],
    computedFrom: ReadonlyMap<string, KnownState>,
  ): void {
    for (const write of writes) {
      const token = computedFrom.get(write.name)?.token;
      if (token === undefined) continue;
      this.states.set(write.name, {
        state: write.state as HeartbeatState,
        version: write.nextVersion,
        token,
      });
    }
  }

  private async knownStates(names: readonly string[]): Promise<ReadonlyMap<string, KnownState>> {
    if (names.some((name) => !this.states.has(name))) {
      await this.loadAll();
      for (const name of names) {
        if (this.states.has(name)) continue;
        const row = await this.deps.store.getHeartbeat(name);
        if (row !== undefined) this.states.set(name, knownStateOf(row));
      }
    }
    const known = new Map<string, KnownState>();
    for (const name of names) {
      const state = this.states.get(name);
      if (state !== undefined) known.set(name, state);
    }
    return known;
  }
}

interface AppliedBatch {
  readonly outcomes: PingOutcome[];
  readonly pings: Omit<HeartbeatPingRecord, 'id'>[];
  /** The checks the batch moved: each new state, with the version it was computed from. */
  readonly writes: HeartbeatStateWrite[];
  readonly moved: ReadonlySet<string>;
  readonly alerts: HeartbeatAlertInput[];
  /** Tokens of pings refused because their check's token is now another one. */
  readonly staleTokens: string[];
}

/** Pings applied in order to the checks' states, as the core's state machine moves them. */
function applyBatch(
  definitions: Definitions,
  known: ReadonlyMap<string, KnownState>,
  batch: readonly PendingPing[],
  now: number,
): AppliedBatch {
  const states = new Map<string, HeartbeatState>();
  const pings: Omit<HeartbeatPingRecord, 'id'>[] = [];
  const alerts: HeartbeatAlertInput[] = [];
  const staleTokens: string[] = [];
  const outcomes = batch.map((pending): PingOutcome => {
    const compiled = definitions.get(pending.name);
    const current = known.get(pending.name);
    if (compiled === undefined || current === undefined) return 'not-found';
    const { target } = pending.input;
    if (target.kind === 'token' && target.token !== current.token) {
      staleTokens.push(target.token);
      return 'not-found';
    }
    const state = states.get(pending.name) ?? current.state;
    const ping = corePing(pending);
    const result = applyPing(compiled.compiled, state, ping);
    states.set(pending.name, result.state);
    alerts.push(
      ...alertsOf(compiled.resource, result.transitions, {
        exitStatus: ping.exitStatus,
        log: pending.input.body,
        logBytes: pending.input.bodyBytes,
      }),
    );
    const finished = result.finished.at(-1);
    pings.push({
      heartbeat: pending.name,
      at: pending.at,
      kind: ping.kind,
      exitStatus: ping.exitStatus ?? null,
      runId: ping.runId ?? null,
      durationMs: finished?.durationMs ?? null,
      body: pending.input.body ?? null,
      bodyBytes: pending.input.bodyBytes ?? null,
      remote: pending.input.remote ?? null,
      userAgent: pending.input.userAgent ?? null,
    });
    return 'ok';
  });
  const writes = [...states].map(([name, state]) => ({
    name,
    status: state.status,
    state,
    nextCheckAt: nextCheck(state),
    updatedAt: now,
    version: known.get(name)?.version ?? 0,
    nextVersion: newStateVersion(),
  }));
  return { outcomes, pings, writes, moved: new Set(states.keys()), alerts, staleTokens };
}

/**
 * Applies again, to their checks' states, the pings a process stored but stopped before
 * it wrote the states they moved (a crash, where Store.defersHeartbeatStates: a second of
 * pings at most). Runs at start, before pings are taken; returns how many it applied.
 * All in one transaction: a check's state is written as taking in all its pings stored.
 */
export async function replayUnfoldedPings(deps: AppDependencies): Promise<number> {
  if (!deps.store.defersHeartbeatStates) return 0;
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const definitions = definitionsByName(deps);
  const now = deps.clock.now();
  const { count, alerts } = await deps.store.transaction(async (tx) => {
    const pings = await tx.listUnfoldedHeartbeatPings();
    const rows = await tx.lockHeartbeats([...new Set(pings.map((ping) => ping.heartbeat))]);
    const states = new Map(rows.map((row) => [row.name, stateOf(row)]));
    const alerts: HeartbeatAlertInput[] = [];
    for (const ping of pings) {
      const compiled = definitions.get(ping.heartbeat);
      const state = states.get(ping.heartbeat);
      if (compiled === undefined || state === undefined) continue;
      const result = applyPing(compiled.compiled, state, pingOfRecord(ping));
      states.set(ping.heartbeat, result.state);
      alerts.push(
        ...alertsOf(compiled.resource, result.transitions, {
          exitStatus: ping.exitStatus ?? undefined,
          log: ping.body ?? undefined,
          logBytes: ping.bodyBytes ?? undefined,
        }),
      );
    }
    // Every row read is written, so that its pings count as taken in from now on; a
    // check without a definition (gone from config) is written as it was.
    await tx.putHeartbeatStates(
      rows.map((row) => {
        const state = states.get(row.name) ?? stateOf(row);
        const watched = definitions.has(row.name);
        return {
          name: row.name,
          status: watched ? state.status : row.status,
          state: watched ? state : row.state,
          nextCheckAt: watched ? nextCheck(state) : row.nextCheckAt,
          updatedAt: now,
          nextVersion: newStateVersion(),
        };
      }),
    );
    await pageHeartbeatAlerts(deps, tx, alerts, now);
    await tx.markHeartbeatPingsFolded();
    return { count: pings.length, alerts: alerts.length };
  });
  if (alerts > 0) deps.signals?.pagesChanged();
  return count;
}

/** A stored ping as the state machine takes it, as it took it when the ping came. */
export function pingOfRecord(record: HeartbeatPingRecord): HeartbeatPing {
  return {
    at: record.at,
    kind: record.kind as HeartbeatPing['kind'],
    ...(record.exitStatus === null ? {} : { exitStatus: record.exitStatus }),
    ...(record.runId === null ? {} : { runId: record.runId }),
    ...(record.body === null ? {} : { logBytes: Buffer.byteLength(record.body) }),
  };
}

/**
 * Moves every check whose deadline passed (late, down) and pages for those now down;
 * run by the instance holding the evaluator lease, each tick. Returns how many
 * checks changed.
 */
export async function evaluateHeartbeats(deps: AppDependencies, atMs: number): Promise<number> {
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  await syncHeartbeatRows(deps);
  const definitions = definitionsByName(deps);
  let moved = 0;
  while (moved < EVALUATION_BATCH) {
    if (moved > 0) await new Promise((resolve) => setImmediate(resolve));
    const due = await deps.store.listDueHeartbeats(atMs, EVALUATION_SLICE);
    if (due.length === 0) break;
    await moveDueHeartbeats(deps, definitions, due, atMs);
    moved += due.length;
    if (due.length < EVALUATION_SLICE) break;
  }
  return moved;
}

/** One slice of due checks evaluated and written, and their pages opened, in one transaction. */
async function moveDueHeartbeats(
  deps: AppDependencies,
  definitions: Definitions,
  due: readonly { readonly name: string }[],
  atMs: number,
): Promise<void> {
  const alerts = await deps.store.transaction(async (tx) => {
    const rows = await tx.lockHeartbeats(due.map((row) => row.name));
    const updates = [];
    const alerts: HeartbeatAlertInput[] = [];
    for (const row of rows) {
      const compiled = definitions.get(row.name);
      if (compiled === undefined) {
        // Removed from config: nothing to watch any more.
        updates.push(unwatched(row, atMs));
        continue;
      }
      const result = evaluate(compiled.compiled, stateOf(row), atMs);
      if (result.transition !== undefined) {
        alerts.push(...alertsOf(compiled.resource, [result.transition]));
      }
      updates.push({
        name: row.name,
        status: result.state.status,
        state: result.state,
        nextCheckAt: result.nextCheckAt,
        updatedAt: atMs,
        nextVersion: newStateVersion(),
      });
    }
    await tx.putHeartbeatStates(updates);
    await pageHeartbeatAlerts(deps, tx, alerts, atMs);
    return alerts;
  });
  if (alerts.length > 0) deps.signals?.pagesChanged();
}

export interface HeartbeatView {
  readonly resource: HeartbeatResource;
  readonly record: HeartbeatRecord;
  readonly state: HeartbeatState;
  /** The oldest run still within its time limit; a timed-out run is not shown. */
  readonly runningSince: number | null;
  readonly team: string | undefined;
}

export async function listHeartbeats(
  deps: AppDependencies,
  principal: Principal,
  filter: { readonly service?: string | undefined; readonly status?: string | undefined },
): Promise<HeartbeatView[]> {
  requireReader(principal);
  await deps.catalog.refresh({ maxAgeMs: 250 });
  // A misspelt service would otherwise read as a service without checks.
  if (filter.service !== undefined && deps.catalog.service(filter.service) === undefined)
    throw notFound(`service "${filter.service}"`);
  return heartbeatViews(deps, filter);
}

/** Every check as it is now, by name: for a reader the caller let in (the list, /metrics). */
export async function heartbeatViews(
  deps: AppDependencies,
  filter: { readonly service?: string | undefined; readonly status?: string | undefined } = {},
): Promise<HeartbeatView[]> {
  await deps.catalog.refresh({ maxAgeMs: 250 });
  await syncHeartbeatRows(deps);
  const resources = new Map(
    deps.catalog
      .heartbeats()
      .filter((heartbeat) => filter.service === undefined || heartbeat.service === filter.service)
      .map((resource) => [resource.name, resource]),
  );
  const views: HeartbeatView[] = [];
  // Read and evaluated a page at a time: ten thousand checks in one go held the event
  // loop for tens of milliseconds at every /metrics scrape.
  for (let after: string | undefined; ;) {
    const rows = await deps.store.listHeartbeats({ after, limit: VIEW_PAGE });
    for (const record of rows) {
      const resource = resources.get(record.name);
      if (resource === undefined) continue;
      const view = viewOf(deps, resource, record);
      if (filter.status === undefined || view.state.status === filter.status) views.push(view);
    }
    after = rows.at(-1)?.name;
    if (rows.length < VIEW_PAGE) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return views.sort((a, b) => (a.resource.name < b.resource.name ? -1 : 1));
}

/** Checks read and evaluated per turn of the event loop. */
const VIEW_PAGE = 500;

export async function getHeartbeat(
  deps: AppDependencies,
  principal: Principal,
  name: string,
): Promise<{ view: HeartbeatView; pings: HeartbeatPingRecord[] }> {
  requireReader(principal);
  const view = await heartbeatView(deps, name);
  return { view, pings: await deps.store.listHeartbeatPings(name, 100) };
}

/** Pauses or resumes a check (editors of the service's team, and responders). */
export async function changeHeartbeat(
  deps: AppDependencies,
  principal: Principal,
  name: string,
  action: 'pause' | 'resume',
): Promise<HeartbeatView> {
  requireResponder(principal, `${action} a heartbeat check`);
  const before = await heartbeatView(deps, name);
  requireTeamEditor(
    principal,
    before.team ?? null,
    `${action === 'pause' ? 'pausing' : 'resuming'} heartbeat "${name}"`,
  );
  const compiled = compiledOf(before.resource);
  if (compiled === undefined) throw notFound(`heartbeat "${name}"`);
  const now = deps.clock.now();
  const paged = await deps.store.transaction(async (tx) => {
    const [row] = await tx.lockHeartbeats([name]);
    if (row === undefined) throw notFound(`heartbeat "${name}"`);
    const result = (action === 'pause' ? pause : resume)(compiled, stateOf(row), now);
    const alerts =
      result.transition === undefined ? [] : alertsOf(before.resource, [result.transition]);
    await pageHeartbeatAlerts(
      deps,
      tx,
      alerts,
      now,
      `heartbeats (${action === 'pause' ? 'paused' : 'resumed'} by ${personOf(principal)})`,
    );
    await tx.putHeartbeatStates([
      {
        name,
        status: result.state.status,
        state: result.state,
        nextCheckAt: nextCheck(result.state),
        updatedAt: now,
        nextVersion: newStateVersion(),
      },
    ]);
    await recordChange(tx, now, principal, {
      action: 'update',
      kind: 'Heartbeat',
      name,
      before: { status: row.status },
      after: { status: result.state.status },
      // A check's state lives in its row: instances read no definitions again for it.
      definition: false,
    });
    return alerts.length > 0;
  });
  if (paged) deps.signals?.pagesChanged();
  return heartbeatView(deps, name);
}

/**
 * Gives a check a new ping token (the old one leaked): whoever may pause it may. The old
 * URL answers 404 from the commit on, on every instance, with no grace period: an
 * instance that still knows the old token finds the row's version changed, and refuses
 * the ping under lock (see HeartbeatPings). State, runs and pings stay.
 */
export async function rotateHeartbeatToken(
  deps: AppDependencies,
  principal: Principal,
  name: string,
): Promise<HeartbeatView> {
  requireResponder(principal, 'rotate the ping URL of a heartbeat check');
  const before = await heartbeatView(deps, name);
  requireTeamEditor(principal, before.team ?? null, `rotating the ping URL of heartbeat "${name}"`);
  const now = deps.clock.now();
  const token = randomUUID();
  await deps.store.transaction(async (tx) => {
    const [row] = await tx.lockHeartbeats([name]);
    if (row === undefined || !(await tx.rotateHeartbeatToken(name, token, newStateVersion(), now)))
      throw notFound(`heartbeat "${name}"`);
    // Tokens are secrets: the audit keeps only their last characters, enough to tell
    // whether the URL in a leaked log is the one rotated away.
    await recordChange(tx, now, principal, {
      action: 'update',
      kind: 'Heartbeat',
      name,
      before: { pingToken: tokenHint(row.token) },
      after: { pingToken: tokenHint(token) },
      // Instances find the new token through the row's version (HeartbeatPings).
      definition: false,
    });
  });
  return heartbeatView(deps, name);
}

/** A heartbeat that `apply` changed: its new definition, or none when it was deleted. */
export interface HeartbeatChange {
  readonly name: string;
  readonly service: string;
  readonly resource: HeartbeatResource | undefined;
}

/**
 * Brings checks in step with their changed definitions, in apply's transaction: new
 * deadlines counted from the last ping (a ping is not needed for a new schedule to
 * count), and a deleted check's page resolved (its ping URL is gone, so no ping could
 * resolve it).
 */
export async function applyHeartbeatChanges(
  deps: AppDependencies,
  tx: Store,
  changes: readonly HeartbeatChange[],
  atMs: number,
): Promise<void> {
  if (changes.length === 0) return;
  const rows = new Map(
    (await tx.lockHeartbeats(changes.map((change) => change.name))).map((row) => [row.name, row]),
  );
  const updates: HeartbeatStatePut[] = [];
  const alerts: HeartbeatAlertInput[] = [];
  for (const change of changes) {
    const row = rows.get(change.name);
    if (row === undefined) continue;
    if (change.resource === undefined) {
      alerts.push({
        heartbeat: change.name,
        service: change.service,
        action: 'resolve',
        reason: 'the heartbeat was removed from config',
        at: atMs,
      });
      // The row keeps its token should the check return.
      updates.push(unwatched(row, atMs));
      continue;
    }
    const compiled = compileHeartbeat(change.resource.definition, scheduleCache);
    if (!compiled.ok) continue;
    const result = redefine(compiled.compiled, stateOf(row), atMs);
    updates.push({
      name: row.name,
      status: result.state.status,
      state: result.state,
      nextCheckAt: nextCheck(result.state),
      updatedAt: atMs,
      nextVersion: newStateVersion(),
    });
  }
  await tx.putHeartbeatStates(updates);
  await pageHeartbeatAlerts(
    deps,
    tx,
    alerts,
    atMs,
    'heartbeats (the check was removed from config)',
  );
}

/** A team's key for slug ping URLs; the secret is shown once. */
export async function createPingKey(
  deps: AppDependencies,
  principal: Principal,
  team: string,
): Promise<{ key: PingKeyRecord; secret: string }> {
  requireTeamEditor(principal, team, 'creating a ping key');
  if ((await deps.store.getTeam(team)) === undefined) throw notFound(`team "${team}"`);
  const now = deps.clock.now();
  // base64url: the key is a path segment of every slug ping URL.
  const secret = newSecret('hp_');
  const key: PingKeyRecord = { id: newPublicId(), team, createdAt: now, revokedAt: null };
  await deps.store.transaction(async (tx) => {
    await tx.insertPingKey(key, hashSecret(secret));
    await recordChange(tx, now, principal, {
      action: 'create',
      kind: 'PingKey',
      name: key.id,
      before: null,
      after: { id: key.id, team },
    });
  });
  return { key, secret };
}

/** A team's ping keys, revoked ones included (their secrets are never shown again). */
export async function listPingKeys(
  deps: AppDependencies,
  principal: Principal,
  team: string,
): Promise<PingKeyRecord[]> {
  requireReader(principal);
  if ((await deps.store.getTeam(team)) === undefined) throw notFound(`team "${team}"`);
  return deps.store.listPingKeys(team);
}

/**
 * Revokes a team's ping key: its slug URLs answer 404 within a second on every
 * instance (the key cache's life). Revoking twice is a no-op.
 */
export async function revokePingKey(
  deps: AppDependencies,
  principal: Principal,
  team: string,
  id: string,
): Promise<void> {
  requireTeamEditor(principal, team, 'revoking a ping key');
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    const key = (await tx.listPingKeys(team)).find((candidate) => candidate.id === id);
    if (key === undefined) throw notFound(`ping key "${id}" of team "${team}"`);
    if (key.revokedAt !== null) return;
    await tx.revokePingKey(id, now);
    await recordChange(tx, now, principal, {
      action: 'delete',
      kind: 'PingKey',
      name: id,
      before: { id, team },
      after: null,
    });
  });
}

/** Gives every check in config a row with its own ping token; existing tokens stay. */
export async function syncHeartbeatRows(deps: AppDependencies): Promise<void> {
  const wanted = deps.catalog.heartbeats();
  if (wanted.length === 0) return;
  const known = synced.get(deps.store);
  if (known !== undefined && wanted.every((heartbeat) => known.has(heartbeat.name))) return;
  await deps.store.ensureHeartbeats(
    wanted.map((heartbeat) => ({ name: heartbeat.name, token: randomUUID() })),
    deps.clock.now(),
  );
  synced.set(deps.store, new Set((await deps.store.listHeartbeats()).map((row) => row.name)));
}

/** Per store: the checks known to have rows, so that a ping does not ask every time. */
const synced = new WeakMap<Store, Set<string>>();

// ---------------------------------------------------------------------------

const scheduleCache = createScheduleCache();
const compiledByResource = new WeakMap<HeartbeatResource, CompiledHeartbeat | undefined>();

/** Compiled once per definition: the catalog keeps unchanged resources' identity. */
function compiledOf(resource: HeartbeatResource): CompiledHeartbeat | undefined {
  if (compiledByResource.has(resource)) return compiledByResource.get(resource);
  const result = compileHeartbeat(resource.definition, scheduleCache);
  const compiled = result.ok ? result.compiled : undefined;
  compiledByResource.set(resource, compiled);
  return compiled;
}

export type Definitions = ReadonlyMap<
  string,
  { readonly resource: HeartbeatResource; readonly compiled: CompiledHeartbeat }
>;
/** Per catalog load: its list is replaced (a new identity) whenever the config changes. */
const definitionsByList = new WeakMap<readonly HeartbeatResource[], Definitions>();

export function definitionsByName(deps: AppDependencies): Definitions {
  const list = deps.catalog.heartbeats();
  const known = definitionsByList.get(list);
  if (known !== undefined) return known;
  const byName = new Map<string, { resource: HeartbeatResource; compiled: CompiledHeartbeat }>();
  for (const resource of list) {
    const compiled = compiledOf(resource);
    if (compiled !== undefined) byName.set(resource.name, { resource, compiled });
  }
  definitionsByList.set(list, byName);
  return byName;
}

function alertsOf(
  resource: HeartbeatResource,
  transitions: readonly HeartbeatTransition[],
  run?: {
    readonly exitStatus: number | undefined;
    readonly log: string | undefined;
    readonly logBytes: number | undefined;
  },
): HeartbeatAlertInput[] {
  return transitions.flatMap((transition) => {
    const alert = alertFor(transition);
    if (alert === undefined) return [];
    // The log's tail is cut only for a page: most pings page nothing.
    const failedRun =
      transition.reason === 'fail' && run !== undefined
        ? {
            exitStatus: run.exitStatus,
            logTail: run.log === undefined ? undefined : logForPage(run.log, run.logBytes),
          }
        : {};
    return [
      {
        heartbeat: resource.name,
        service: resource.service,
        action: alert === 'page' ? ('trigger' as const) : ('resolve' as const),
        reason: REASON_TEXT[transition.reason],
        at: transition.at,
        ...failedRun,
      },
    ];
  });
}

/** Lines of a failed run's log a page carries: where the error usually is. */
const PAGE_LOG_LINES = 20;
const PAGE_LOG_CHARS = 2000;

/**
 * The last lines of a failed run's log, for its page. A log longer than what a ping
 * keeps was cut after its first bytes: its last lines are then the kept start's, not
 * the run's, and the page says so before them.
 */
function logForPage(log: string, sentBytes: number | undefined): string {
  if (sentBytes === undefined || sentBytes <= PING_BODY_LIMIT_BYTES)
    return lastLines(log, PAGE_LOG_CHARS);
  const note = `[the first ${PING_BODY_LIMIT_BYTES.toLocaleString('en')} bytes of a longer log (${sentBytes.toLocaleString('en')} bytes): its end was not kept; these lines end where the kept part does]`;
  return `${note}\n${lastLines(log, PAGE_LOG_CHARS - note.length - 1)}`;
}

function lastLines(log: string, chars: number): string {
  const lines = log.trimEnd().split('\n').slice(-PAGE_LOG_LINES).join('\n');
  return lines.length > chars ? `…${lines.slice(-(chars - 1))}` : lines;
}

/** Why a check changed status, in words: its page's summary and its `cause`. */
export function transitionText(reason: HeartbeatTransition['reason']): string {
  return REASON_TEXT[reason];
}

const REASON_TEXT: Readonly<Record<HeartbeatTransition['reason'], string>> = {
  success: 'a run succeeded',
  fail: 'a run failed',
  late: 'no run by the expected time',
  timeout: 'no run within the grace period',
  'run-late': 'a run has taken longer than its maxRunTime',
  'run-timeout': 'a run did not finish within its maxRunTime and the grace after it',
  pause: 'paused',
  resume: 'resumed',
  redefine: 'its definition changed',
};

function corePing(pending: PendingPing): HeartbeatPing {
  const { signal, runId } = pending.input;
  const logBytes =
    pending.input.body === undefined ? undefined : Buffer.byteLength(pending.input.body);
  const base = {
    at: pending.at,
    ...(runId === undefined ? {} : { runId }),
    ...(logBytes === undefined ? {} : { logBytes }),
  };
  if (typeof signal === 'object')
    return { ...exitStatusPing(pending.at, signal.exitStatus, runId), ...base };
  return { ...base, kind: signal };
}

function stateOf(row: HeartbeatRecord): HeartbeatState {
  return (row.state as HeartbeatState | null) ?? NEW_HEARTBEAT_STATE;
}

function knownStateOf(row: HeartbeatRecord): KnownState {
  return { state: stateOf(row), version: row.version, token: row.token };
}

/**
 * A state's new version: random, so that no two writes make the same one. A batch that
 * builds on a write still in flight expects that write's own version; had it been a
 * count, a write by someone else could reach the same number and be written over.
 */
function newStateVersion(): number {
  return randomInt(1, 2 ** 48);
}

/** A token's last four characters: it names the token and gives away 16 of its 122 random bits. */
function tokenHint(token: string): string {
  return `…${token.slice(-4)}`;
}

/** A check's row as it stands, with nothing left to watch: it left the config. */
function unwatched(row: HeartbeatRecord, atMs: number) {
  return {
    name: row.name,
    status: row.status,
    state: row.state,
    nextCheckAt: null,
    updatedAt: atMs,
    nextVersion: newStateVersion(),
  };
}

async function heartbeatView(deps: AppDependencies, name: string): Promise<HeartbeatView> {
  await deps.catalog.refresh({ maxAgeMs: 250 });
  const resource = deps.catalog.heartbeats().find((each) => each.name === name);
  if (resource === undefined) throw notFound(`heartbeat "${name}"`);
  await syncHeartbeatRows(deps);
  const record = await deps.store.getHeartbeat(name);
  if (record === undefined) throw notFound(`heartbeat "${name}"`);
  return viewOf(deps, resource, record);
}

function viewOf(
  deps: AppDependencies,
  resource: HeartbeatResource,
  record: HeartbeatRecord,
): HeartbeatView {
  const stored = stateOf(record);
  const compiled = compiledOf(resource);
  const now = deps.clock.now();
  // What the check is now, even between two evaluator passes.
  const state = compiled === undefined ? stored : evaluate(compiled, stored, now).state;
  return {
    resource,
    record,
    state,
    runningSince:
      compiled === undefined
        ? (state.openRuns[0]?.startedAt ?? null)
        : runningSince(compiled, state, now),
    team: deps.catalog.service(resource.service)?.team,
  };
}

/** The signal a ping URL's last segment stands for; undefined: not one. */
export function signalOf(segment: string | undefined): PingSignal | undefined {
  if (segment === undefined || segment === '') return 'success';
  if (segment === 'start' || segment === 'fail' || segment === 'log') return segment;
  if (/^\d{1,3}$/.test(segment)) {
    const exitStatus = Number(segment);
    return exitStatus <= 255 ? { exitStatus } : undefined;
  }
  return undefined;
}

/** A run id as healthchecks takes them (any short text; UUIDs in practice). */
export function runIdOf(value: unknown): string | undefined {
  // `?rid=a&rid=b` arrives as a list: which one pairs the run is anyone's guess, and
  // dropping both would record the run unpaired without a word.
  if (Array.isArray(value))
    throw invalid('rid is given more than once; give one', [
      { path: 'rid', message: 'give one run id' },
    ]);
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.length > 64)
    throw invalid('rid is at most 64 characters', [{ path: 'rid', message: 'use a UUID' }]);
  return value;
}
