// Group commit: work that arrives together is written in one transaction, and each
// piece is answered only after that transaction commits. On SQLite with
// synchronous = FULL a commit is an fsync of a few milliseconds, and on PostgreSQL a
// round trip and a WAL flush: paid once per batch, not once per request. The queue
// drains one batch at a time, so what arrives while a batch is being written waits
// for it and goes out, together, with the next one; or, with maxInFlight above one,
// starts while the earlier batches are still being written, for a writer that keeps
// them in order (one worker thread's queue) and whose work between batches (parsing
// the next requests, answering the last ones) should overlap the writing. A batch that
// is full goes out at once, when a write may begin, instead of at the end of the turn:
// a writer of its own (a worker thread, a database server) then commits it while the
// event loop is still reading the requests that came with it, which go out in the next
// batch. Nothing here times out or gives up: a caller that gets an error may send
// again, one that gets a value was stored.

export interface GroupCommitOptions<I, O> {
  /** Writes the batch in one transaction; resolves with one outcome per item, in order, once committed. */
  readonly write: (batch: readonly I[]) => Promise<readonly O[]>;
  /** Most items in one transaction; a batch this full is written without waiting for the turn to end. */
  readonly maxBatch: number;
  /**
   * When a batch of several items fails, write each again alone: an item that cannot be
   * stored fails by itself instead of failing everything that happened to arrive with it.
   * Safe because the failed transaction stored none of them.
   */
  readonly isolateFailures?: boolean;
  /** Batches being written at once (default 1): the writer must apply them in the order begun. */
  readonly maxInFlight?: number;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (outcome: O) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private readonly writing = new Set<Promise<void>>();
  private scheduled = false;

  constructor(private readonly options: GroupCommitOptions<I, O>) {}

  /** Resolves with the item's outcome once the transaction holding it has committed. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.writing.size >= this.maxInFlight) return;
      if (this.queue.length >= this.options.maxBatch) {
        this.startBatches();
        return;
      }
      if (this.scheduled) return;
      // Let what arrives in this turn of the event loop join the batch.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.startBatches();
      });
    });
  }

  /** Waits until every item submitted so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.writing.size > 0 || this.queue.length > 0) {
      if (this.writing.size > 0) await Promise.all(this.writing);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private get maxInFlight(): number {
    return this.options.maxInFlight ?? 1;
  }

  private startBatches(): void {
    while (this.queue.length > 0 && this.writing.size < this.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      const written: Promise<void> = this.settle(
        batch,
        batch.length > 1 && this.options.isolateFailures === true,
      ).then(() => {
        this.writing.delete(written);
        // What arrived during the write goes out now, together.
        this.startBatches();
      });
      this.writing.add(written);
    }
  }

  private async settle(batch: readonly Pending<I, O>[], isolate: boolean): Promise<void> {
    let outcomes: readonly O[];
    try {
      outcomes = await this.options.write(batch.map((pending) => pending.item));
    } catch (error) {
      if (isolate) {
        for (const pending of batch) await this.settle([pending], false);
      } else {
        for (const pending of batch) pending.reject(error);
      }
      return;
    }
    if (outcomes.length !== batch.length) {
      // Committed, but which outcome is whose is lost; written again it would be stored twice.
      const error = new Error(
        `a batch of ${batch.length} came back with ${outcomes.length} outcomes`,
      );
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      pending.resolve(outcomes[index] as O);
    });
  }
}
