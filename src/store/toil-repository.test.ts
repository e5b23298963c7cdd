import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToilEntryRecord } from '../app/ports/records.js';
import type { Store } from '../app/ports/store.js';
import { openTestStore, TEST_DATABASES, type TestStore } from './test-databases.js';

describe.each(TEST_DATABASES)('toil entries on $name', (kind) => {
  let testStore: TestStore;
  let store: Store;

  beforeEach(async () => {
    testStore = await openTestStore(kind);
    ({ store } = testStore);
  });

  afterEach(async () => {
    await testStore.close();
  });

  const entry = (id: string, fields: Partial<ToilEntryRecord>): ToilEntryRecord => ({
    id,
    team: 'payments',
    person: 'ada',
    service: null,
    category: 'manual-ops',
    minutes: 30,
    at: 1_000,
    description: 'restarted the queue',
    createdBy: 'token:t1 (ada)',
    createdAt: 5_000,
    ...fields,
  });

  it('keeps fractional minutes and every field', async () => {
    const stored = entry('toil_a', { service: 'checkout', minutes: 12.345678901234 });
    await store.insertToilEntry(stored);
    expect(await store.listToilEntries({ limit: 10 })).toEqual([stored]);
  });

  it('lists by team, person and a half-open range of instants, oldest first', async () => {
    await store.insertToilEntry(entry('toil_c', { at: 3_000 }));
    await store.insertToilEntry(entry('toil_a', { at: 1_000 }));
    await store.insertToilEntry(entry('toil_b', { at: 2_000, person: 'bob' }));
    await store.insertToilEntry(entry('toil_d', { at: 2_000, team: 'search' }));
    const ids = async (filter: Parameters<Store['listToilEntries']>[0]) =>
      (await store.listToilEntries(filter)).map((e) => e.id);
    expect(await ids({ limit: 10 })).toEqual(['toil_a', 'toil_b', 'toil_d', 'toil_c']);
    expect(await ids({ team: 'payments', limit: 10 })).toEqual(['toil_a', 'toil_b', 'toil_c']);
    expect(await ids({ person: 'bob', limit: 10 })).toEqual(['toil_b']);
    expect(await ids({ team: 'payments', fromMs: 2_000, toMs: 3_000, limit: 10 })).toEqual([
      'toil_b',
    ]);
    expect(await ids({ limit: 2 })).toEqual(['toil_a', 'toil_b']);
  });

  it('reads and deletes one entry by id', async () => {
    const stored = entry('toil_a', {});
    await store.insertToilEntry(stored);
    await store.insertToilEntry(entry('toil_b', {}));
    expect(await store.getToilEntry('toil_a')).toEqual(stored);
    expect(await store.deleteToilEntry('toil_a')).toBe(true);
    expect(await store.deleteToilEntry('toil_a')).toBe(false);
    expect(await store.getToilEntry('toil_a')).toBeUndefined();
    expect((await store.listToilEntries({ limit: 10 })).map((e) => e.id)).toEqual(['toil_b']);
  });

  it('refuses a second entry with the same id', async () => {
    await store.insertToilEntry(entry('toil_a', {}));
    await expect(store.insertToilEntry(entry('toil_a', {}))).rejects.toThrow();
  });
});
