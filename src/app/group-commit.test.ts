import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A writer that records each batch it was given and can be told to fail. */
function recordingWriter(fails: (batch: readonly number[]) => boolean = () => false) {
  const batches: number[][] = [];
  const committed: number[] = [];
  const write = (batch: readonly number[]): Promise<number[]> => {
    batches.push([...batch]);
    if (fails(batch)) return Promise.reject(new Error('the transaction failed'));
    committed.push(...batch);
    return Promise.resolve(batch.map((item) => item * 10));
  };
  return { batches, committed, write };
}

describe('GroupCommit', () => {
  it('writes items submitted together in one batch, each answered with its own outcome', async () => {
    const writer = recordingWriter();
    const commits = new GroupCommit({ write: writer.write, maxBatch: 100 });
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((item) => commits.submit(item)));
    expect(outcomes).toEqual([10, 20, 30, 40, 50]);
    expect(writer.batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('answers an item only after the batch holding it was written', async () => {
    let release: () => void = () => undefined;
    const committed: number[] = [];
    const commits = new GroupCommit<number, number>({
      write: async (batch) => {
        await new Promise<void>((resolve) => (release = resolve));
        committed.push(...batch);
        return batch;
      },
      maxBatch: 10,
    });
    const answered: number[] = [];
    const pending = [1, 2].map((item) =>
      commits.submit(item).then((outcome) => {
        // Whoever hears back finds the item stored.
        expect(committed).toContain(outcome);
        answered.push(outcome);
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toEqual([]);
    release();
    await Promise.all(pending);
    expect(answered).toEqual([1, 2]);
  });

  it('sends what arrives during a write with the next batch, and never more than maxBatch', async () => {
    const writer = recordingWriter();
    const commits = new GroupCommit({ write: writer.write, maxBatch: 3 });
    const first = [1, 2, 3, 4].map((item) => commits.submit(item));
    await Promise.all(first);
    const second = [5, 6].map((item) => commits.submit(item));
    await Promise.all(second);
    expect(writer.batches).toEqual([[1, 2, 3], [4], [5, 6]]);
    expect(writer.committed).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('begins writing a full batch at once, while the turn that filled it goes on', async () => {
    const writer = recordingWriter();
    const commits = new GroupCommit({ write: writer.write, maxBatch: 3, maxInFlight: 2 });
    const submitted = [1, 2, 3, 4, 5, 6, 7].map((item) => commits.submit(item));
    // Nothing has awaited yet: two full batches are being written, the third waits its turn.
    expect(writer.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(await Promise.all(submitted)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(writer.batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('does not acknowledge any item of a batch that failed', async () => {
    const writer = recordingWriter(() => true);
    const commits = new GroupCommit({ write: writer.write, maxBatch: 100 });
    const settled = await Promise.allSettled([1, 2, 3].map((item) => commits.submit(item)));
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(writer.batches).toEqual([[1, 2, 3]]);
    expect(writer.committed).toEqual([]);
  });

  it('with isolateFailures, writes a failed batch again item by item: only the bad item fails', async () => {
    const writer = recordingWriter((batch) => batch.includes(2));
    const commits = new GroupCommit({ write: writer.write, maxBatch: 100, isolateFailures: true });
    const settled = await Promise.allSettled([1, 2, 3].map((item) => commits.submit(item)));
    expect(settled).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('the transaction failed') },
      { status: 'fulfilled', value: 30 },
    ]);
    expect(writer.batches).toEqual([[1, 2, 3], [1], [2], [3]]);
    // Each item was committed exactly once.
    expect(writer.committed).toEqual([1, 3]);
  });

  it('fails, and does not write again, a batch that came back with too few outcomes', async () => {
    let writes = 0;
    const commits = new GroupCommit<number, number>({
      write: (batch) => {
        writes += 1;
        return Promise.resolve(batch.slice(1));
      },
      maxBatch: 10,
      isolateFailures: true,
    });
    const settled = await Promise.allSettled([1, 2].map((item) => commits.submit(item)));
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(writes).toBe(1);
  });

  it('flush waits for everything submitted', async () => {
    const writer = recordingWriter();
    const commits = new GroupCommit({ write: writer.write, maxBatch: 2 });
    for (const item of [1, 2, 3, 4, 5]) void commits.submit(item);
    await commits.flush();
    expect(writer.committed).toEqual([1, 2, 3, 4, 5]);
  });

  it('with maxInFlight, begins the next batch while earlier ones are written, in order, never more at once', async () => {
    const begun: number[][] = [];
    const releases: (() => void)[] = [];
    const commits = new GroupCommit<number, number>({
      write: async (batch) => {
        begun.push([...batch]);
        await new Promise<void>((resolve) => releases.push(resolve));
        return batch;
      },
      maxBatch: 2,
      maxInFlight: 2,
    });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const first = [1, 2, 3, 4, 5].map((item) => commits.submit(item));
    await turn();
    expect(begun).toEqual([
      [1, 2],
      [3, 4],
    ]);
    releases[1]?.(); // the second finishes first: its items are answered, the third begins
    expect(await first[2]).toBe(3);
    await turn();
    expect(begun).toEqual([[1, 2], [3, 4], [5]]);
    releases[0]?.();
    releases[2]?.();
    expect(await Promise.all(first)).toEqual([1, 2, 3, 4, 5]);
    await commits.flush();
  });
});
