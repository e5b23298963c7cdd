// Batches of deploy-gate decisions written to SQLite off the event loop.
//
// better-sqlite3 is synchronous: an INSERT of a few hundred decisions and its commit
// (an fsync of the WAL with synchronous = FULL, about 3 ms on the development VM)
// would stall every request for as long as they take, which is what a gate that must
// answer within milliseconds at a thousand checks a second cannot afford. A worker
// thread with its own connection to the same file does the writing; WAL lets the main
// thread go on reading meanwhile. It is one process still, as SQLite requires here.
//
// A transaction of the main connection that reads and then writes cannot wait for the
// worker's commit (SQLite answers SQLITE_BUSY_SNAPSHOT instead of waiting: the snapshot
// it read is stale), so the two never overlap: `exclusive` runs the main connection's
// transactions, and the worker's batches, one at a time. Single statements outside a
// transaction wait for the lock through busy_timeout, as usual.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

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

// Runs in the worker, as CommonJS: the worker gets the module path of better-sqlite3
// from here, so that it loads the very copy this process uses. Same pragmas as
// database.ts; the statement is the one deploy-repository.ts writes through Kysely.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare(
  'insert into deploy_decisions (id, at, service, actor, requested_by, allowed, version, commit_sha, labels, decision) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const insertAll = db.transaction((rows) => {
  for (const row of rows) insert.run(row);
});
parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.postMessage({ id: message.id, ok: true });
    return;
  }
  try {
    insertAll(message.rows);
    parentPort.postMessage({ id: message.id, ok: true });
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, message: String(error && error.message || error) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly message?: string;
}

export class SqliteBatchWriter {
  private worker: Worker | undefined;
  private nextId = 0;
  /** The end of the queue of work that must not overlap a batch. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly waiting = new Map<
    number,
    { resolve: () => void; reject: (error: Error) => void }
  >();

  constructor(private readonly file: string) {}

  /** Inserts the rows in one transaction; resolves once committed. */
  insertDecisions(rows: readonly DecisionRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.exclusive(() => this.send({ rows }));
  }

  /** Runs `work` (a transaction of the main connection) while no batch is being written. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    await this.send({ close: true }).catch(() => undefined);
    this.worker = undefined;
    await worker.terminate();
  }

  private send(message: { rows?: readonly DecisionRow[]; close?: true }): Promise<void> {
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
      workerData: { file: this.file, driver },
    });
    // The worker only answers; it must not keep a stopping process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve();
      else waiter?.reject(new Error(reply.message ?? 'the decision writer failed'));
    });
    worker.on('error', (error) => {
      this.failAll(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`the decision writer stopped (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
