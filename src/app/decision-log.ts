// Every answer of the deploy gate is kept, and a check is answered only once its
// decision is committed: a decision the database never got could not be shown later
// as the reason a deploy went out, and accepted data is never lost.
//
// Decisions are group-committed (group-commit.ts): those that arrive together are one
// INSERT in one transaction, and those arriving while it is under way go out, together,
// with the next one. A check whose write fails gets the error (the CLI then decides by
// onUnavailable) and may ask again: nothing failed is answered as kept.
import { GroupCommit } from './group-commit.js';
import type { DeployDecisionRecord } from './ports/records.js';
import type { Store } from './ports/store.js';

/** Rows of one INSERT in deploy-repository.ts: a batch is one statement, so one transaction. */
const MAX_BATCH = 500;

export class DecisionLog {
  private readonly commits: GroupCommit<DeployDecisionRecord, void>;

  /** @param onError told of each batch that could not be written (its checks fail). */
  constructor(
    store: Store,
    onError: (error: unknown, decisions: number) => void = () => undefined,
  ) {
    this.commits = new GroupCommit<DeployDecisionRecord, void>({
      maxBatch: MAX_BATCH,
      write: async (records) => {
        try {
          await store.insertDeployDecisions(records);
        } catch (error) {
          onError(error, records.length);
          throw error;
        }
        return records.map(() => undefined);
      },
    });
  }

  /** Resolves once the decision is committed; rejects when it could not be written. */
  keep(record: DeployDecisionRecord): Promise<void> {
    return this.commits.submit(record);
  }

  /** Waits until every decision kept so far is written, or has failed. */
  flush(): Promise<void> {
    return this.commits.flush();
  }
}
