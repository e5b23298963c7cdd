import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialCache } from '../app/credential-cache.js';
import type { AppDependencies } from '../app/ports/slo-catalog.js';
import { NO_INCIDENTS } from '../app/ports/incidents.js';
import { PrometheusSliReader } from '../integrations/prometheus/sli-reader.js';
import { LiveSlos } from '../sources/live-slos.js';
import { openTestStore, TEST_DATABASES, type TestStore } from '../store/test-databases.js';
import { BackgroundRunner } from './background-runner.js';

const OPTIONS = { intervalMs: 60_000, leaseTtlMs: 15_000, tickMs: 5_000 };

describe.each(TEST_DATABASES)('the background runner on $name', (kind) => {
  let testStore: TestStore;
  let now = 0;
  let deps: AppDependencies;

  beforeEach(async () => {
    now = Date.UTC(2026, 10, 1, 0, 0, 30);
    testStore = await openTestStore(kind);
    const { store } = testStore;
    const clock = { now: () => now };
    const catalog = new LiveSlos(store, clock);
    deps = {
      store,
      clock,
      catalog,
      credentials: new CredentialCache(),
      sliReader: new PrometheusSliReader(catalog, clock, {}),
      incidents: NO_INCIDENTS,
    };
  });
  afterEach(async () => {
    await testStore.close();
  });

  const cycleInstants = async () =>
    (await deps.store.listEvaluationCycles(100))
      .map((cycle) => new Date(cycle.at).toISOString())
      .sort();

  it('runs one cycle per interval, at the interval instant, on the lease holder only', async () => {
    const first = new BackgroundRunner(deps, OPTIONS);
    const second = new BackgroundRunner(deps, OPTIONS);
    await first.tick();
    await second.tick();
    expect([first.isLeader, second.isLeader]).toEqual([true, false]);
    now += 5_000;
    await first.tick();
    await second.tick();
    expect(await cycleInstants()).toEqual(['2026-11-01T00:00:00.000Z']);
    now += 30_000;
    await first.tick();
    expect(await cycleInstants()).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-01T00:01:00.000Z']);
  });

  it('hands over when the holder stops renewing, without repeating a cycle', async () => {
    const first = new BackgroundRunner(deps, OPTIONS);
    const second = new BackgroundRunner(deps, OPTIONS);
    await first.tick();
    // The first instance dies. Until its lease expires the second waits.
    now += 10_000;
    await second.tick();
    expect(second.isLeader).toBe(false);
    now += 5_001;
    await second.tick();
    expect(second.isLeader).toBe(true);
    expect(await cycleInstants()).toEqual(['2026-11-01T00:00:00.000Z']);
    const holders = (await deps.store.listEvaluationCycles(10)).map((cycle) => cycle.holder);
    expect(holders).toEqual([first.holder]);
  });

  it('hands the lease back on stop, so that another takes over at once', async () => {
    const first = new BackgroundRunner(deps, OPTIONS);
    const second = new BackgroundRunner(deps, OPTIONS);
    await first.tick();
    await first.stop();
    await second.tick();
    expect(second.isLeader).toBe(true);
  });
});
