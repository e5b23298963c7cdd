// The hot batches written to SQLite off the event loop: deploy-gate decisions, and
// heartbeat pings with the states they moved.
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
// sent. Single statements outside a transaction wait for the lock through
// busy_timeout, as usual.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SQLITE_DECISION_INSERT } from './deploy-repository.js';
import { SQLITE_PING_INSERT, SQLITE_STATE_UPDATE } from './heartbeat-repository.js';

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

/** A ping as stored (heartbeat-repository.ts pingRow): the columns of `heartbeat_pings` but its id. */
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

/** A conditional state write (heartbeat-repository.ts stateRow), bound to SQLITE_STATE_UPDATE. */
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
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const insertDecision = db.prepare(workerData.decisionInsert);
const insertPing = db.prepare(workerData.pingInsert);
const updateState = db.prepare(workerData.stateUpdate);
const STALE = new Error('stale');
const insertDecisions = db.transaction((rows) => {
  for (const row of rows) insertDecision.run(row);
});
const applyPings = db.transaction((pings, states) => {
  for (const state of states) {
    if (updateState.run(state).changes !== 1) throw STALE;
  }
  for (const ping of pings) insertPing.run(ping);
});
parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.postMessage({ id: message.id, ok: true });
    return;
  }
  try {
    if (message.decisions) insertDecisions(message.decisions);
    if (message.pings) applyPings(message.pings, message.states);
    parentPort.postMessage({ id: message.id, ok: true, applied: true });
  } catch (error) {
    if (error === STALE) parentPort.postMessage({ id: message.id, ok: true, applied: false });
    else parentPort.postMessage({ id: message.id, ok: false, message: String(error && error.message || error) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  /** For pings: false when a check had moved, and nothing was written. */
  readonly applied?: boolean;
  readonly message?: string;
}

type Message =
  | { readonly decisions: readonly DecisionRow[] }
  | { readonly pings: readonly PingRow[]; readonly states: readonly StateRow[] }
  | { readonly close: true };

export class SqliteBatchWriter {
  private worker: Worker | undefined;
  private nextId = 0;
  /** The end of the queue of the main connection's transactions, which no batch may overlap. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Batches sent and not yet committed (or failed). */
  private readonly batches = new Set<Promise<void>>();
  private readonly waiting = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly file: string) {}

  /** Inserts the rows in one transaction; resolves once committed. */
  async insertDecisions(rows: readonly DecisionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.batch({ decisions: rows });
  }

  /**
   * In one transaction: the states, each only if its check is still at the row's
   * version, and the pings. Resolves once committed with true, or with false when a
   * check had moved (nothing is written then).
   */
  async applyPings(pings: readonly PingRow[], states: readonly StateRow[]): Promise<boolean> {
    const reply = await this.batch({ pings, states });
    return reply.applied === true;
  }

  /** Runs `work` (a transaction of the main connection) while no batch is being written. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = Promise.all([this.tail, ...this.batches]).then(work, work);
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
        stateUpdate: SQLITE_STATE_UPDATE,
      },
    });
    // The worker only answers; it must not keep a stopping process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply);
      else waiter?.reject(new Error(reply.message ?? 'the SQLite writer failed'));
    });
    worker.on('error', (error) => {
      this.failAll(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
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
