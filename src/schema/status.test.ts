import { describe, expect, it } from 'vitest';
import { evaluateSlo } from '../core/slo/evaluate.js';
import { createSeries } from '../core/slo/minute-series.js';
import type { Slo } from '../core/slo/model.js';
import { REPORTED_BURN_WINDOWS, type SloStatus } from '../core/slo/status.js';
import { formatDuration } from '../core/time/duration.js';
import { sloSeriesSchema, sloStatusSchema } from './status.js';

const base: Slo = {
  name: 'checkout-availability',
  service: 'checkout',
  description: undefined,
  sli: { kind: 'ratio', counts: 'good', source: { type: 'events' } },
  objective: { numerator: 999, denominator: 1000 },
  window: { kind: 'rolling', minutes: 30 * 24 * 60 },
  budgeting: { kind: 'occurrences' },
  alerting: { enabled: true, rules: undefined },
  labels: {},
};

const AT = Date.UTC(2026, 10, 1);
const MINUTE = AT / 60_000;

function seriesWithTraffic(slo: Slo) {
  const series = createSeries(slo);
  // Every seventh minute is bad enough to spend budget and fire the fast alerts.
  for (let minute = MINUTE - 600; minute < MINUTE; minute += 1)
    series.add(minute, minute % 7 === 0 ? 90 : 100, 100);
  return series;
}

describe('the status schema', () => {
  it.each([
    ['a rolling window', base],
    [
      'a calendar window',
      { ...base, window: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Amsterdam' } },
    ],
    [
      'timeslices',
      {
        ...base,
        budgeting: { kind: 'timeslices', sliceTarget: { numerator: 95, denominator: 100 } },
      },
    ],
    ['alerting off', { ...base, alerting: { enabled: false, rules: undefined } }],
  ] as const)('describes what the engine answers for %s', (_name, slo: Slo) => {
    const status = evaluateSlo(slo, seriesWithTraffic(slo), AT);
    expect(sloStatusSchema.parse(status)).toEqual(status);
  });

  it('describes a status without traffic', () => {
    const status = evaluateSlo(base, createSeries(base), AT);
    expect(status.sli).toBeNull();
    expect(status.burnRates['1h']).toBeNull();
    expect(sloStatusSchema.parse(status)).toEqual(status);
  });

  it('describes an overspent budget', () => {
    const series = createSeries(base);
    for (let minute = MINUTE - 60; minute < MINUTE; minute += 1) series.add(minute, 50, 100);
    const status = evaluateSlo(base, series, AT);
    expect(status.errorBudget.remaining).toBeLessThan(0);
    expect(status.exhaustionAt).not.toBeNull();
    expect(sloStatusSchema.parse(status)).toEqual(status);
  });

  it('names every reported burn window and the SLO window, no more', () => {
    expect(Object.keys(sloStatusSchema.shape.burnRates.shape)).toEqual([
      ...REPORTED_BURN_WINDOWS,
      'window',
    ]);
  });

  it('refuses a status missing a field or with a wrong enum', () => {
    const status = evaluateSlo(base, seriesWithTraffic(base), AT);
    const missing: Partial<Record<keyof SloStatus, unknown>> = { ...status };
    delete missing.exhaustionAt;
    expect(sloStatusSchema.safeParse(missing).success).toBe(false);
    expect(sloStatusSchema.safeParse({ ...status, budgetingMethod: 'ratio' }).success).toBe(false);
  });
});

describe('the series schema', () => {
  it('describes points built from engine statuses', () => {
    const series = seriesWithTraffic(base);
    const stepMinutes = 5;
    const points = [0, 1, 2].map((index) => {
      const status = evaluateSlo(base, series, AT - (2 - index) * stepMinutes * 60_000);
      return {
        at: status.at,
        sli: status.sli,
        errorBudgetRemaining: status.errorBudget.remaining,
        burnRates: status.burnRates,
      };
    });
    const body = {
      slo: base.name,
      from: points[0]?.at,
      to: points[2]?.at,
      step: formatDuration(stepMinutes),
      points,
    };
    expect(sloSeriesSchema.parse(body)).toEqual(body);
  });

  it('takes the step as a duration', () => {
    const body = { slo: 'x', from: new Date(AT).toISOString(), to: new Date(AT).toISOString() };
    expect(sloSeriesSchema.safeParse({ ...body, step: '1h30m', points: [] }).success).toBe(true);
    expect(sloSeriesSchema.safeParse({ ...body, step: '', points: [] }).success).toBe(false);
    expect(sloSeriesSchema.safeParse({ ...body, step: '300', points: [] }).success).toBe(false);
  });
});
