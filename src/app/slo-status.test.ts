import { describe, expect, it } from 'vitest';
import { createSeries } from '../core/slo/minute-series.js';
import type { Slo } from '../core/slo/model.js';
import type { AppDependencies, LiveSlo } from './ports/slo-catalog.js';
import { statusesOf } from './slo-status.js';

const AT = Date.UTC(2026, 10, 1);

function liveSlo(index: number): LiveSlo {
  const slo: Slo = {
    name: `svc-${String(index)}-availability`,
    service: `svc-${String(index)}`,
    description: undefined,
    sli: { kind: 'ratio', counts: 'good', source: { type: 'events' } },
    objective: { numerator: 999, denominator: 1000 },
    window: { kind: 'rolling', minutes: 30 * 24 * 60 },
    budgeting: { kind: 'occurrences' },
    alerting: { enabled: true, rules: undefined },
    labels: {},
  };
  return { id: index, slo, service: undefined, series: createSeries(slo) };
}

describe('statusesOf', () => {
  // Only the clock is read when every SLO is evaluated from its own events.
  const deps = { clock: { now: () => AT } } as unknown as AppDependencies;

  it('lets other work through while it evaluates many SLOs, and answers in their order', async () => {
    const entries = Array.from({ length: 120 }, (_, index) => liveSlo(index));
    let otherWorkRan = false;
    setImmediate(() => {
      otherWorkRan = true;
    });
    const statuses = await statusesOf(deps, entries, AT);
    // A request that arrived meanwhile was answered before the last SLO was evaluated.
    expect(otherWorkRan).toBe(true);
    expect(statuses.map((status) => status.slo)).toEqual(entries.map((entry) => entry.slo.name));
  });

  it('evaluates a few SLOs in one go', async () => {
    let otherWorkRan = false;
    setImmediate(() => {
      otherWorkRan = true;
    });
    const statuses = await statusesOf(deps, [liveSlo(1), liveSlo(2)], AT);
    expect(otherWorkRan).toBe(false);
    expect(statuses).toHaveLength(2);
  });
});
