import { describe, expect, it } from 'vitest';
import { decideDeploy } from '../core/policy/decide.js';
import { DecisionLog } from './decision-log.js';
import type { DeployDecisionRecord } from './ports/records.js';
import type { Store } from './ports/store.js';

const AT = Date.parse('2026-11-10T10:00:00Z');

function record(id: string): DeployDecisionRecord {
  const decision = decideDeploy(
    {
      request: { service: 'checkout', labels: [], actor: 'alice' },
      service: { name: 'checkout', team: 'payments', tier: 'standard', dependencies: [] },
      policies: [],
      facts: { slos: [], openIncidents: [], approvals: [] },
    },
    AT,
  );
  return {
    id,
    at: AT,
    service: 'checkout',
    actor: 'alice',
    requestedBy: 'ci',
    allowed: decision.allowed,
    version: null,
    commit: null,
    labels: [],
    decision,
  };
}

/** A store whose writes of decisions commit only when the test says so. */
function heldStore() {
  const writes: { ids: string[]; commit: () => void; fail: (error: Error) => void }[] = [];
  const committed: string[] = [];
  const store = {
    insertDeployDecisions: (decisions: readonly DeployDecisionRecord[]) =>
      new Promise<void>((resolve, reject) => {
        const ids = decisions.map((decision) => decision.id);
        writes.push({
          ids,
          commit: () => {
            committed.push(...ids);
            resolve();
          },
          fail: reject,
        });
      }),
  } as Partial<Store> as Store;
  return { store, writes, committed };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function untilWrites(writes: readonly unknown[], count: number): Promise<void> {
  while (writes.length < count) await turn();
}

describe('DecisionLog', () => {
  it('answers a decision only once the write holding it has committed', async () => {
    const { store, writes, committed } = heldStore();
    const log = new DecisionLog(store);
    const answered: string[] = [];
    const kept = ['a', 'b'].map((id) =>
      log.keep(record(id)).then(() => {
        // Whoever hears back finds the decision stored.
        expect(committed).toContain(id);
        answered.push(id);
      }),
    );
    await untilWrites(writes, 1);
    await turn();
    expect(answered).toEqual([]);
    writes[0]?.commit();
    await Promise.all(kept);
    expect(answered).toEqual(['a', 'b']);
    expect(writes.map((write) => write.ids)).toEqual([['a', 'b']]);
  });

  it('writes the decisions that arrive during a write together, in the next one', async () => {
    const { store, writes } = heldStore();
    const log = new DecisionLog(store);
    const first = log.keep(record('a'));
    await untilWrites(writes, 1);
    const later = ['b', 'c', 'd'].map((id) => log.keep(record(id)));
    await turn();
    // One write at a time: the others wait for the one under way.
    expect(writes).toHaveLength(1);
    writes[0]?.commit();
    await first;
    await untilWrites(writes, 2);
    writes[1]?.commit();
    await Promise.all(later);
    expect(writes.map((write) => write.ids)).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('writes at most 500 decisions in one statement', async () => {
    const { store, writes } = heldStore();
    const log = new DecisionLog(store);
    const ids = Array.from({ length: 1200 }, (_, index) => `d${index}`);
    const kept = Promise.all(ids.map((id) => log.keep(record(id))));
    for (let index = 0; index < 3; index += 1) {
      await untilWrites(writes, index + 1);
      writes[index]?.commit();
    }
    await kept;
    expect(writes.map((write) => write.ids.length)).toEqual([500, 500, 200]);
    expect(writes.flatMap((write) => write.ids)).toEqual(ids);
  });

  it('fails the checks of a write that failed, says so once, and goes on with the next', async () => {
    const { store, writes, committed } = heldStore();
    const errors: [unknown, number][] = [];
    const log = new DecisionLog(store, (error, decisions) => {
      errors.push([error, decisions]);
    });
    const failed = [log.keep(record('a')), log.keep(record('b'))];
    await untilWrites(writes, 1);
    const next = log.keep(record('c'));
    const refused = new Error('disk I/O error');
    writes[0]?.fail(refused);
    await expect(failed[0]).rejects.toBe(refused);
    await expect(failed[1]).rejects.toBe(refused);
    expect(errors).toEqual([[refused, 2]]);
    await untilWrites(writes, 2);
    writes[1]?.commit();
    await next;
    expect(committed).toEqual(['c']);
  });

  it('flush waits for every decision kept so far', async () => {
    const { store, writes, committed } = heldStore();
    const log = new DecisionLog(store);
    const kept = [log.keep(record('a')), log.keep(record('b'))];
    let flushed = false;
    const flushing = log.flush().then(() => {
      flushed = true;
    });
    await untilWrites(writes, 1);
    expect(flushed).toBe(false);
    writes[0]?.commit();
    await flushing;
    expect(committed).toEqual(['a', 'b']);
    await Promise.all(kept);
  });
});
