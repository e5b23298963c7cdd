import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../app/ports/store.js';
import { evaluateSlo } from '../core/slo/evaluate.js';
import { openTestStore, TEST_DATABASES, type TestStore } from '../store/test-databases.js';
import { LiveSlos } from './live-slos.js';

const AT = Date.UTC(2026, 10, 1);
const MINUTE = AT / 60_000;

const sloDocument = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'headroom/v1',
  kind: 'SLO',
  metadata: { name, labels: {} },
  spec: {
    service: 'checkout',
    sli: { ratio: { counts: 'good' } },
    objective: 99,
    window: '1d',
    ...extra,
  },
});

describe.each(TEST_DATABASES)('the live SLO catalog on $name', (kind) => {
  let testStore: TestStore;
  let store: Store;
  let catalog: LiveSlos;
  let now = AT;

  beforeEach(async () => {
    now = AT;
    testStore = await openTestStore(kind);
    store = testStore.store;
    catalog = new LiveSlos(store, { now: () => now });
  });
  afterEach(async () => {
    await testStore.close();
  });

  /** What another instance does: write through the store, with an audit entry. */
  const putSlo = async (document: ReturnType<typeof sloDocument>): Promise<number> => {
    const known = await store.getSlo(document.metadata.name);
    const id =
      known === undefined
        ? await store.insertSlo({
            name: document.metadata.name,
            service: 'checkout',
            document,
            createdAt: 1,
            updatedAt: 1,
          })
        : known.id;
    if (known !== undefined) await store.updateSlo({ ...known, document, updatedAt: 2 });
    await store.appendAudit({
      at: 1,
      actor: 'system',
      action: 'create',
      kind: 'SLO',
      name: document.metadata.name,
      before: null,
      after: document,
    });
    return id;
  };
  const total = (name: string) => {
    const entry = catalog.get(name);
    return entry === undefined ? undefined : evaluateSlo(entry.slo, entry.series, AT).events?.total;
  };

  it('follows counts written by any instance, in order, once', async () => {
    const id = await putSlo(sloDocument('checkout-availability'));
    await store.insertEventCounts([
      { sloId: id, counts: [{ minute: MINUTE - 2, good: 9, total: 10 }] },
    ]);
    await catalog.refresh();
    expect(total('checkout-availability')).toBe(10);
    await store.insertEventCounts([
      { sloId: id, counts: [{ minute: MINUTE - 1, good: 5, total: 5 }] },
    ]);
    await catalog.refresh();
    await catalog.refresh();
    expect(total('checkout-availability')).toBe(15);
  });

  it('learns of SLOs created elsewhere, with the counts they already have', async () => {
    await catalog.refresh();
    const id = await putSlo(sloDocument('checkout-latency'));
    await store.insertEventCounts([
      { sloId: id, counts: [{ minute: MINUTE - 3, good: 1, total: 4 }] },
    ]);
    await catalog.refresh();
    expect(total('checkout-latency')).toBe(4);
  });

  it('recounts a series when the rule that classifies minutes changes, and keeps it otherwise', async () => {
    const id = await putSlo(
      sloDocument('uptime', { budgetingMethod: 'timeslices', timeSliceTarget: 90 }),
    );
    await store.insertEventCounts([
      { sloId: id, counts: [{ minute: MINUTE - 1, good: 85, total: 100 }] },
    ]);
    await catalog.refresh();
    const slices = () => {
      const entry = catalog.get('uptime');
      return entry === undefined ? undefined : evaluateSlo(entry.slo, entry.series, AT).slices;
    };
    expect(slices()).toEqual({ good: 0, bad: 1, total: 1 });
    await putSlo(sloDocument('uptime', { budgetingMethod: 'timeslices', timeSliceTarget: 80 }));
    await catalog.refresh();
    expect(slices()).toEqual({ good: 1, bad: 0, total: 1 });
    const series = catalog.get('uptime')?.series;
    await putSlo(
      sloDocument('uptime', { budgetingMethod: 'timeslices', timeSliceTarget: 80, objective: 95 }),
    );
    await catalog.refresh();
    expect(catalog.get('uptime')?.series).toBe(series);
    expect(catalog.get('uptime')?.slo.objective).toEqual({ numerator: 19, denominator: 20 });
  });

  it('drops minutes no window reaches any more, so that memory stays bounded', async () => {
    const id = await putSlo(sloDocument('checkout-availability'));
    await store.insertEventCounts([
      { sloId: id, counts: [{ minute: MINUTE - 1, good: 1, total: 1 }] },
      { sloId: id, counts: [{ minute: MINUTE + 6 * 24 * 60, good: 2, total: 2 }] },
    ]);
    await catalog.refresh();
    expect(catalog.get('checkout-availability')?.series.extent()?.first).toBe(MINUTE - 1);
    // A one-day window still reports 3-day burn rates: a minute six days old is out of reach.
    now = AT + (6 * 24 + 2) * 60 * 60_000;
    await catalog.refresh();
    expect(catalog.get('checkout-availability')?.series.extent()).toEqual({
      first: MINUTE + 6 * 24 * 60,
      last: MINUTE + 6 * 24 * 60,
    });
  });

  it('does not read unchanged definitions again when something else changes', async () => {
    await putSlo(sloDocument('checkout-availability'));
    await catalog.refresh();
    const before = catalog.get('checkout-availability')?.slo;
    await store.appendAudit({
      at: 3,
      actor: 'system',
      action: 'create',
      kind: 'Token',
      name: 't',
      before: null,
      after: null,
    });
    await catalog.refresh();
    expect(catalog.get('checkout-availability')?.slo).toBe(before);
    await putSlo(sloDocument('checkout-availability', { objective: 99.5 }));
    await catalog.refresh();
    expect(catalog.get('checkout-availability')?.slo).not.toBe(before);
  });

  it('forgets deleted SLOs', async () => {
    const id = await putSlo(sloDocument('gone'));
    await catalog.refresh();
    expect(catalog.get('gone')).toBeDefined();
    await store.deleteSlo(id);
    await store.appendAudit({
      at: 2,
      actor: 'system',
      action: 'delete',
      kind: 'SLO',
      name: 'gone',
      before: null,
      after: null,
    });
    await catalog.refresh();
    expect(catalog.get('gone')).toBeUndefined();
  });

  it('serves recent-enough reads without asking the database, until invalidated', async () => {
    const id = await putSlo(sloDocument('checkout-availability'));
    await catalog.refresh();
    await store.insertEventCounts([
      { sloId: id, counts: [{ minute: MINUTE - 1, good: 1, total: 1 }] },
    ]);
    await catalog.refresh({ maxAgeMs: 60_000 });
    expect(total('checkout-availability')).toBe(0);
    catalog.invalidate();
    await catalog.refresh({ maxAgeMs: 60_000 });
    expect(total('checkout-availability')).toBe(1);
  });

  it('never runs two catch-ups at once, whenever readers arrive, and counts each row once', async () => {
    const id = await putSlo(sloDocument('checkout-availability'));
    let inFlight = 0;
    let mostInFlight = 0;
    const read = store.readEventCountsAfter.bind(store);
    store.readEventCountsAfter = async (afterId, limit) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        return await read(afterId, limit);
      } finally {
        inFlight -= 1;
      }
    };
    const microtasks = async (count: number) => {
      for (let turn = 0; turn < count; turn += 1) await Promise.resolve();
    };
    let written = 0;
    for (let delay = 0; delay < 12; delay += 1) {
      await store.insertEventCounts([
        { sloId: id, counts: [{ minute: MINUTE - 1, good: 1, total: 1 }] },
      ]);
      written += 1;
      const first = catalog.refresh();
      const second = catalog.refresh();
      // A reader arriving in any turn after the first catch-up ends, while the queued
      // one has not begun yet.
      const late = first.then(() =>
        delay === 0 ? catalog.refresh() : microtasks(delay).then(() => catalog.refresh()),
      );
      await Promise.all([first, second, late]);
    }
    expect(mostInFlight).toBe(1);
    expect(total('checkout-availability')).toBe(written);
  });
});
