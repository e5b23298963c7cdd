import { describe, expect, it } from 'vitest';
import { evaluateSlo } from '../core/slo/evaluate.js';
import { createSeries } from '../core/slo/minute-series.js';
import type { Slo } from '../core/slo/model.js';
import { sloStatusSchema } from './status.js';

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
  ] as const)('describes what the engine answers for %s', (_name, slo: Slo) => {
    const series = createSeries(slo);
    for (let minute = MINUTE - 600; minute < MINUTE; minute += 1)
      series.add(minute, minute % 7 === 0 ? 90 : 100, 100);
    const status = evaluateSlo(slo, series, AT);
    expect(sloStatusSchema.parse(status)).toEqual(status);
  });

  it('describes a status without traffic', () => {
    const status = evaluateSlo(base, createSeries(base), AT);
    expect(status.sli).toBeNull();
    expect(sloStatusSchema.parse(status)).toEqual(status);
  });
});
