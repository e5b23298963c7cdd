import { describe, expect, it } from 'vitest';
import { alertTransitions, ruleKey, type ActiveAlert } from './alert-transitions.js';
import type { AlertStatus, SloStatus } from './status.js';

const PAGE: AlertStatus = {
  severity: 'page',
  longWindow: '1h',
  shortWindow: '5m',
  factor: 14.4,
  longBurnRate: 20,
  shortBurnRate: 30,
  firing: true,
};

function status(alerts: AlertStatus[]): SloStatus {
  return {
    slo: 'checkout-availability',
    service: 'checkout',
    at: '2026-11-01T00:00:00.000Z',
    objective: 0.999,
    budgetingMethod: 'occurrences',
    window: { type: 'rolling', length: '30d', timeZone: null, start: '', end: '' },
    sli: 0.98,
    events: { good: 98, bad: 2, total: 100 },
    slices: null,
    errorBudget: { remaining: 0.5, consumed: 0.5, allowed: 0.1, spent: 0.05, unit: 'events' },
    burnRates: {
      '5m': 30,
      '30m': null,
      '1h': 20,
      '2h': null,
      '6h': null,
      '1d': null,
      '3d': null,
      window: 1,
    },
    alerts,
    exhaustionAt: null,
  };
}

const names = new Map([[7, { slo: 'checkout-availability', service: 'checkout' }]]);
const active = (since: number): ActiveAlert => ({
  sloId: 7,
  rule: ruleKey(PAGE),
  severity: 'page',
  since,
  numbers: {
    longWindow: '1h',
    shortWindow: '5m',
    factor: 14.4,
    longBurnRate: 20,
    shortBurnRate: 30,
    sli: 0.98,
    errorBudgetRemaining: 0.5,
  },
});

describe('alert transitions', () => {
  it('starts an alert that fires and was not active, with its numbers', () => {
    const { started, resolved, nowActive } = alertTransitions(
      [],
      [{ sloId: 7, status: status([PAGE]) }],
      60_000,
      names,
    );
    expect(resolved).toEqual([]);
    expect(started).toEqual([
      {
        sloId: 7,
        slo: 'checkout-availability',
        service: 'checkout',
        rule: 'page:1h/5m:14.4',
        severity: 'page',
        transition: 'started',
        at: 60_000,
        numbers: active(0).numbers,
      },
    ]);
    expect(nowActive).toEqual([active(60_000)]);
  });

  it('keeps an alert that still fires without a new transition', () => {
    const { started, resolved, nowActive } = alertTransitions(
      [active(0)],
      [{ sloId: 7, status: status([PAGE]) }],
      120_000,
      names,
    );
    expect([started, resolved]).toEqual([[], []]);
    expect(nowActive).toEqual([active(0)]);
  });

  it('resolves an active alert that stops firing', () => {
    const quiet = { ...PAGE, firing: false, longBurnRate: 1, shortBurnRate: 0.5 };
    const { started, resolved } = alertTransitions(
      [active(0)],
      [{ sloId: 7, status: status([quiet]) }],
      120_000,
      names,
    );
    expect(started).toEqual([]);
    expect(resolved).toMatchObject([
      { transition: 'resolved', at: 120_000, numbers: { longBurnRate: 1 } },
    ]);
  });

  it('resolves the alerts of an SLO that is gone, or whose rule is gone', () => {
    expect(alertTransitions([active(0)], [], 120_000, names).resolved).toMatchObject([
      { slo: 'checkout-availability', transition: 'resolved', rule: 'page:1h/5m:14.4' },
    ]);
    const otherRule = { ...PAGE, factor: 10 };
    const { started, resolved } = alertTransitions(
      [active(0)],
      [{ sloId: 7, status: status([otherRule]) }],
      120_000,
      names,
    );
    expect(resolved.map((transition) => transition.rule)).toEqual(['page:1h/5m:14.4']);
    expect(started.map((transition) => transition.rule)).toEqual(['page:1h/5m:10']);
  });
});
