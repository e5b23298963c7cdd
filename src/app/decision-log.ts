// Every answer of the deploy gate is kept, written behind the answer in batches.
//
// Why not one committed INSERT per check: a commit waits for the disk (SQLite with
// synchronous = FULL fsyncs the WAL, about 3 ms on the development VM; better-sqlite3
// does it on the event loop), and the gate must answer in a few milliseconds at a
// thousand checks a second. One INSERT of every decision queued in the last
// `flushDelayMs` costs one commit instead of hundreds. The price: a process that dies
// without stopping (SIGKILL, power loss) loses the decisions of at most that last
// interval. A stop (SIGTERM) writes them; reads of decisions write them first.
import type { DeployDecisionRecord } from './ports/records.js';
import type { Store } from './ports/store.js';

export const DEFAULT_DECISION_FLUSH_MS = 100;
/** Held in memory while the database refuses them; beyond it the oldest are dropped. */
const MAX_PENDING = 100_000;
const RETRY_MS = 1000;

export class DecisionLog {
  private pending: DeployDecisionRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly flushDelayMs: number = DEFAULT_DECISION_FLUSH_MS,
    private readonly onError: (error: unknown, pending: number) => void = () => undefined,
  ) {}

  add(record: DeployDecisionRecord): void {
    this.pending.push(record);
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.onError(
        new Error(`dropped ${dropped.length} gate decisions: the database refused them for long`),
        this.pending.length,
      );
    }
    this.arm(this.flushDelayMs);
  }

  private arm(delayMs: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => {
        this.onError(error, this.pending.length);
        // The database is away: try again, not in a hot loop.
        this.arm(Math.max(this.flushDelayMs, RETRY_MS));
      });
    }, delayMs);
  }

  /** Writes every decision added so far; resolves once they are committed. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // One write at a time, in order; a caller arriving during one waits for it, then
    // writes what came after.
    while (this.writing !== undefined) await this.writing.catch(() => undefined);
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const writing = this.store.insertDeployDecisions(batch).catch((error: unknown) => {
      // Kept for the next attempt, ahead of what arrived meanwhile.
      this.pending = [...batch, ...this.pending];
      throw error;
    });
    this.writing = writing;
    try {
      await writing;
    } finally {
      this.writing = undefined;
    }
  }

  /** Decisions not written yet, for reads that must see them. */
  get size(): number {
    return this.pending.length;
  }
}
