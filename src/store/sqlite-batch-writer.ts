// The hot batches written to SQLite off the event loop: deploy-gate decisions, and
// heartbeat pings with the states they moved (those written a second later, together).
//
// better-sqlite3 is synchronous: an INSERT of a few hundred rows and its commit (an
// fsync of the WAL with synchronous = FULL, 0.5 to 3 ms on the development VMs, and
// now and then a WAL checkpoint of 5 to 15 ms) would stall every request for as long
// as they take: a gate that must answer within milliseconds, or an endpoint taking
// thousands of pings a second, cannot afford that. A worker thread with its own
// connection to the same file does the writing; WAL lets the main thread go on
// reading meanwhile. It is one process still, as SQLite requires here.
//
// A transaction of the main connection that reads and then writes cannot wait for the
// worker's commit (SQLite answers SQLITE_BUSY_SNAPSHOT instead of waiting: the snapshot
// it read is stale), so the two never overlap: `exclusive` runs a main connection's
// transaction once every batch sent before it has committed, and batches sent after it
// wait for it. Batches need not wait for each other: the worker takes them in the order
// sent. Single writes outside a transaction go through `exclusive` too
// (sqlite-exclusive-writes.ts): SQLite's busy_timeout would have them sleep on the
// event loop until the worker's commit is done.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SQLITE_DECISION_INSERT } from './deploy-repository.js';
import {
  SQLITE_FOLD_MARK,
  SQLITE_LAST_PING,
  SQLITE_PING_INSERT,
  SQLITE_STATE_FOLD,
  SQLITE_VERSION_READ,
} from './heartbeat-repository.js';

/** A decision row as stored: the columns of `deploy_decisions` but its identity. */
export type DecisionRow = readonly [
  id: string,
  at: number,
  service: string,
  actor: string,
  requestedBy: string,
  allowed: number,
  version: string | null,
  commit: string | null,
  labels: string,
  decision: string,
];

/**
 * A ping as stored (heartbeat-repository.ts pingRow): the columns of `heartbeat_pings`
 * but its id and the id of its check's ping before it, which the worker chains.
 */
export type PingRow = readonly [
  heartbeat: string,
  at: number,
  kind: string,
  exitStatus: number | null,
  runId: string | null,
  durationMs: number | null,
  body: string | null,
  bodyBytes: number | null,
  remote: string | null,
  userAgent: string | null,
];

/** A check's new state and the version it was computed from (heartbeat-repository.ts stateRow). */
export type StateRow = readonly [
  status: string,
  state: string,
  nextCheckAt: number | null,
  updatedAt: number,
  nextVersion: number,
  name: string,
  version: number,
];

// Runs in the worker, as CommonJS: the worker gets the module path of better-sqlite3
// from here, so that it loads the very copy this process uses. Same pragmas as
// database.ts; the statements are the ones deploy-repository.ts and
// heartbeat-repository.ts write through Kysely, passed in as workerData.
//
// Checks' states wait in `waiting` (by check: the newest state, the ids of its first and
// last ping not yet folded) and are written together, a chunk per transaction: a batch of
// pings from checks in no order touched a page of the state table and one of its due
// index per ping, about half of what a ping cost to write. The waiting states count as
// the rows: a batch is checked against them. A state waits at most FOLD_AFTER_MS, and
// no longer than until a read or a transaction of the main connection asks for them.
// Each ping is chained to its check's newest before it (waiting, or in the row), and a
// fold moves the row's `last_ping_id`, where reads of the chain begin, with its state.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const insertDecision = db.prepare(workerData.decisionInsert);
const insertPing = db.prepare(workerData.pingInsert);
const readVersion = db.prepare(workerData.versionRead).raw();
const foldState = db.prepare(workerData.stateFold);
const moveMark = db.prepare(workerData.foldMark);
const lastPing = db.prepare(workerData.lastPing).pluck();
const STALE = new Error('stale');
const waiting = new Map();
let folding = Promise.resolve();
let timer;
const insertDecisions = db.transaction((rows) => {
  for (const row of rows) insertDecision.run(row);
});
// Where each check's row is in the table (its rowid), read with its version: a fold
// writes the rows in that order, so that a chunk's rows share their pages.
const places = new Map();
const applyPings = db.transaction((pings, states) => {
  // Each check's newest ping, which its next one is chained to: waiting, or in its row.
  const newest = new Map();
  for (const state of states) {
    const name = state[5];
    const known = waiting.get(name);
    const row = known === undefined ? readVersion.get(name) : undefined;
    const version = known === undefined ? (row === undefined ? undefined : row[1]) : known.state[4];
    if (version !== state[6]) throw STALE;
    if (row !== undefined) places.set(name, row[0]);
    newest.set(name, known === undefined ? row[2] : known.last);
  }
  const ids = new Map();
  for (const ping of pings) {
    if (!newest.has(ping[0])) throw new Error("a ping came without its check's state");
    const before = newest.get(ping[0]);
    const id = Number(insertPing.run([...ping, before ? before : null]).lastInsertRowid);
    newest.set(ping[0], id);
    const seen = ids.get(ping[0]);
    if (seen === undefined) ids.set(ping[0], { first: id, last: id });
    else seen.last = id;
  }
  // Each state is folded up to a ping of its check: without one it could not say where.
  for (const state of states) {
    if (!ids.has(state[5])) throw new Error('a heartbeat state came without a ping of its check');
  }
  return ids;
});
function wait(states, ids) {
  for (const state of states) {
    const name = state[5];
    const pinged = ids.get(name);
    const known = waiting.get(name);
    waiting.set(name, { state, first: known === undefined ? pinged.first : known.first, last: pinged.last });
  }
  if (waiting.size > 0 && timer === undefined) {
    timer = setTimeout(() => {
      timer = undefined;
      // A fold that failed leaves its states waiting, for the next.
      foldAll().catch(() => undefined);
    }, workerData.foldAfterMs);
  }
}
const foldChunk = db.transaction((entries) => {
  for (const [name, entry] of entries) {
    const s = entry.state;
    foldState.run(s[0], s[1], s[2], s[3], s[4], entry.last, entry.last, name);
  }
  // The oldest ping still waiting bounds what is folded; with none, every ping is.
  const folded = new Set(entries.map((entry) => entry[0]));
  let oldest = Infinity;
  for (const [name, entry] of waiting) {
    if (!folded.has(name) && entry.first < oldest) oldest = entry.first;
  }
  moveMark.run(oldest === Infinity ? lastPing.get() : oldest - 1);
});
function waitingInPlaceOrder() {
  return [...waiting.keys()].sort((a, b) => (places.get(a) ?? 0) - (places.get(b) ?? 0));
}
function fold(names) {
  const entries = [];
  for (const name of names) {
    const entry = waiting.get(name);
    if (entry !== undefined) entries.push([name, entry]);
  }
  if (entries.length === 0) return;
  foldChunk(entries);
  for (const [name, entry] of entries) {
    if (waiting.get(name) === entry) waiting.delete(name);
  }
}
// A chunk per transaction, with the batches that came meanwhile between two: they need
// not wait for all of it. The states waiting when it began are all written when it ends
// (a state that came meanwhile is written in its place, at its newest).
function foldAll() {
  const run = folding.then(async () => {
    const names = waitingInPlaceOrder();
    for (let start = 0; start < names.length; start += workerData.foldChunk) {
      fold(names.slice(start, start + workerData.foldChunk));
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  folding = run.catch(() => undefined);
  return run;
}
function reply(message, fields) {
  parentPort.postMessage({ id: message.id, waiting: waiting.size, ...fields });
}
parentPort.on('message', (message) => {
  if (message.close) {
    void folding.then(() => {
      if (timer !== undefined) clearTimeout(timer);
      // A clean stop leaves nothing to apply again at the next start.
      fold(waitingInPlaceOrder());
      db.close();
      reply(message, { ok: true });
    }).catch((error) => reply(message, { ok: false, message: String(error && error.message || error) }));
    return;
  }
  if (message.fold) {
    foldAll().then(
      () => reply(message, { ok: true }),
      (error) => reply(message, { ok: false, message: String(error && error.message || error) }),
    );
    return;
  }
  try {
    if (message.decisions) insertDecisions(message.decisions);
    if (message.pings) wait(message.states, applyPings(message.pings, message.states));
    reply(message, { ok: true, applied: true });
  } catch (error) {
    if (error === STALE) reply(message, { ok: true, applied: false });
    else reply(message, { ok: false, message: String(error && error.message || error) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  /** For pings: false when a check had moved, and nothing was written. */
  readonly applied?: boolean;
  /** Checks whose state waits to be written, when the worker replied. */
  readonly waiting?: number;
  readonly message?: string;
}

type Message =
  | { readonly decisions: readonly DecisionRow[] }
  | { readonly pings: readonly PingRow[]; readonly states: readonly StateRow[] }
  | { readonly fold: true }
  | { readonly close: true };

/** How long a check's state may wait to be written after its ping was: the work a crash leaves. */
const FOLD_AFTER_MS = 1000;
/**
 * States written per transaction of a fold (some milliseconds): batches of pings and
 * decisions go between two. Larger chunks share more pages, and hold the writer longer.
 */
const FOLD_CHUNK = 500;

export class SqliteBatchWriter {
  private worker: Worker | undefined;
  private nextId = 0;
  /** Checks whose state waited in the worker at its last reply: a bound, not a count. */
  private waitingStates = 0;
  /** Batches of pings sent and not answered: their states may wait in the worker unreported. */
  private pingBatchesUnanswered = 0;
  /** Set when the worker died with states unwritten: no write is taken after that. */
  private lostStates: Error | undefined;
  /** The end of the queue of the main connection's transactions, which no batch may overlap. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Batches sent and not yet committed (or failed). */
  private readonly batches = new Set<Promise<void>>();
  private readonly waiting = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly file: string) {}

  /** Why no write is taken any more (the thread died with states unwritten); undefined while all is well. */
  get stopped(): Error | undefined {
    return this.lostStates;
  }

  /** Inserts the rows in one transaction; resolves once committed. */
  async insertDecisions(rows: readonly DecisionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.batch({ decisions: rows });
  }

  /**
   * In one transaction, the pings, provided each check is still at the version its new
   * state was computed from: resolves once committed with true, or with false when a
   * check had moved (nothing is written then). The states are written later, a second
   * at most, and before any read or transaction of the main connection that asks for
   * them (foldStates, exclusive); the pings are the record of them meanwhile.
   */
  async applyPings(pings: readonly PingRow[], states: readonly StateRow[]): Promise<boolean> {
    this.pingBatchesUnanswered += 1;
    try {
      const reply = await this.batch({ pings, states });
      return reply.applied === true;
    } finally {
      this.pingBatchesUnanswered -= 1;
    }
  }

  /** Writes every check's state still waiting; reads of checks' rows come after it. */
  async foldStates(): Promise<void> {
    if (this.waitingStates === 0 && this.batches.size === 0) return;
    await this.batch({ fold: true });
  }

  /**
   * Runs `work` (a transaction of the main connection) while no batch is being written,
   * and with every check's state written: it may read a check's row and write it.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = Promise.all([this.tail, ...this.batches])
      .then(
        () => undefined,
        () => undefined,
      )
      .then(async () => {
        if (this.waitingStates > 0) await this.send({ fold: true });
      })
      .then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  // Batches follow each other in the worker's queue, in the order sent: a batch need not
  // wait for the one before it, only for the main connection's transactions begun earlier.
  private batch(message: Message): Promise<Reply> {
    const sent = this.tail.then(() => this.send(message));
    const settled = sent.then(
      () => undefined,
      () => undefined,
    );
    this.batches.add(settled);
    void settled.then(() => this.batches.delete(settled));
    return sent;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    await this.send({ close: true }).catch(() => undefined);
    this.worker = undefined;
    await worker.terminate();
  }

  private send(message: Message): Promise<Reply> {
    if (this.lostStates !== undefined) return Promise.reject(this.lostStates);
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  // Started at the first write, after the migrations have made the table.
  private started(): Worker {
    if (this.worker !== undefined) return this.worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: this.file,
        driver,
        decisionInsert: SQLITE_DECISION_INSERT,
        pingInsert: SQLITE_PING_INSERT,
        versionRead: SQLITE_VERSION_READ,
        stateFold: SQLITE_STATE_FOLD,
        foldMark: SQLITE_FOLD_MARK,
        lastPing: SQLITE_LAST_PING,
        foldAfterMs: FOLD_AFTER_MS,
        foldChunk: FOLD_CHUNK,
      },
    });
    // The worker only answers; it must not keep a stopping process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      if (reply.waiting !== undefined) this.waitingStates = reply.waiting;
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply);
      else waiter?.reject(new Error(reply.message ?? 'the SQLite writer failed'));
    });
    worker.on('error', (error) => {
      this.failAll(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) {
        this.worker = undefined;
        // Checks' rows would go on without the pings whose states died with it, and the
        // next state written would count those pings as taken in. Writes stop instead,
        // until a restart applies those pings again.
        if (this.waitingStates > 0 || this.pingBatchesUnanswered > 0)
          this.lostStates = new Error(
            `the SQLite writer thread stopped (exit code ${code}) before it wrote the states of ${this.waitingStates > 0 ? String(this.waitingStates) : 'some'} heartbeat checks: restart Headroom, which applies their pings again`,
          );
      }
      this.failAll(new Error(`the SQLite writer stopped (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
