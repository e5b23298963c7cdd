// Group commit: work that arrives together is written in one transaction, and each
// piece is answered only after that transaction commits. On SQLite with
// synchronous = FULL a commit is an fsync of a few milliseconds, and on PostgreSQL a
// round trip and a WAL flush: paid once per batch, not once per request. The queue
// drains one batch at a time, so what arrives while a batch is being written waits
// for it and goes out, together, with the next one. Nothing here times out or gives
// up: a caller that gets an error may send again, one that gets a value was stored.

export interface GroupCommitOptions<I, O> {
  /** Writes the batch in one transaction; resolves with one outcome per item, in order, once committed. */
  readonly write: (batch: readonly I[]) => Promise<readonly O[]>;
  /** Most items in one transaction. */
  readonly maxBatch: number;
  /**
   * When a batch of several items fails, write each again alone: an item that cannot be
   * stored fails by itself instead of failing everything that happened to arrive with it.
   * Safe because the failed transaction stored none of them.
   */
  readonly isolateFailures?: boolean;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (outcome: O) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly options: GroupCommitOptions<I, O>) {}

  /** Resolves with the item's outcome once the transaction holding it has committed. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  /** Waits until every item submitted so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  private async drain(): Promise<void> {
    // Let what arrives in this turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      await this.settle(batch, batch.length > 1 && this.options.isolateFailures === true);
    }
    this.writing = undefined;
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
