import { describe, expect, it } from 'vitest';
import type { AlertStatus, SloStatus } from '../core/slo/status.js';
import {
  formatBurn,
  formatExhaustion,
  formatObjective,
  formatBudgetChange,
  formatPercent,
  formatSli,
  formatStatusTable,
} from './format-table.js';

const AT = '2026-11-01T00:00:00.000Z';

function alert(overrides: Partial<AlertStatus> = {}): AlertStatus {
  return {
    severity: 'page',
    longWindow: '1h',
    shortWindow: '5m',
    factor: 14.4,
    longBurnRate: 0.5,
    shortBurnRate: 0.5,
    firing: false,
    ...overrides,
  };
}

function status(overrides: Partial<SloStatus> = {}): SloStatus {
  return {
    slo: 'checkout-availability',
    service: 'checkout',
    at: AT,
    objective: 0.999,
    budgetingMethod: 'occurrences',
    window: {
      type: 'rolling',
      length: '30d',
      timeZone: null,
      start: '2026-10-02T00:00:00.000Z',
      end: AT,
    },
    sli: 0.99972,
    events: { good: 99972, bad: 28, total: 100000 },
    slices: null,
    errorBudget: { remaining: 0.72, consumed: 0.28, allowed: 100, spent: 28, unit: 'events' },
    burnRates: {
      '5m': 0.4,
      '30m': 0.5,
      '1h': 0.25,
      '2h': 0.3,
      '6h': 0.3,
      '1d': 0.3,
      '3d': 0.3,
      window: 0.28,
    },
    alerts: [alert(), alert({ longWindow: '6h', shortWindow: '30m', factor: 6 })],
    exhaustionAt: null,
    ...overrides,
  };
}

describe('formatStatusTable', () => {
  it('aligns a header and one row per status, text left and figures right', () => {
    const table = formatStatusTable([
      status(),
      status({
        slo: 'payments-api-uptime',
        service: 'payments-api',
        objective: 0.995,
        sli: 0.9987,
        errorBudget: { remaining: -0.12, consumed: 1.12, allowed: 50, spent: 56, unit: 'minutes' },
        burnRates: { ...status().burnRates, '1h': 16.2345, window: 1.12 },
        alerts: [alert({ firing: true, longBurnRate: 16.2, shortBurnRate: 20 })],
        exhaustionAt: AT,
      }),
    ]);
    expect(table).toBe(
      [
        '   SLO                    SERVICE       OBJECTIVE      SLI  BUDGET LEFT  BURN 1H  BURN WINDOW  ALERTS             EXHAUSTED',
        '   checkout-availability  checkout          99.9%  99.972%        72.0%     0.25         0.28  -                  -',
        '!  payments-api-uptime    payments-api      99.5%  99.870%       -12.0%    16.23         1.12  PAGE(1h/5m 14.4x)  spent',
        '',
        'evaluated at 2026-11-01T00:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('shows a dash for figures that do not exist without events', () => {
    const table = formatStatusTable([
      status({
        sli: null,
        events: { good: 0, bad: 0, total: 0 },
        errorBudget: { remaining: 1, consumed: 0, allowed: 0, spent: 0, unit: 'events' },
        burnRates: {
          '5m': null,
          '30m': null,
          '1h': null,
          '2h': null,
          '6h': null,
          '1d': null,
          '3d': null,
          window: null,
        },
      }),
    ]);
    const row = table.split('\n')[1] ?? '';
    expect(row.split(/\s{2,}/).slice(1)).toEqual([
      'checkout-availability',
      'checkout',
      '99.9%',
      '—',
      '—',
      '—',
      '—',
      '-',
      '-',
    ]);
  });

  it('lists every firing alert and leaves out the quiet ones', () => {
    const table = formatStatusTable([
      status({
        alerts: [
          alert({ firing: true }),
          alert({ longWindow: '6h', shortWindow: '30m', factor: 6, firing: true }),
          alert({ severity: 'ticket', longWindow: '1d', shortWindow: '2h', factor: 3 }),
        ],
      }),
    ]);
    expect(table).toContain('PAGE(1h/5m 14.4x) PAGE(6h/30m 6x)');
    expect(table).not.toContain('TICKET');
  });

  it('says so when there is nothing to show', () => {
    expect(formatStatusTable([])).toBe('no SLOs to show\n');
  });
});

describe('cell formats', () => {
  it.each([
    [0.999, '99.9%'],
    [0.9995, '99.95%'],
    [0.99, '99%'],
    [0.95, '95%'],
    [0.99999, '99.999%'],
  ])('writes objective %d as %s', (objective, text) => {
    expect(formatObjective(objective)).toBe(text);
  });

  it.each([
    [null, '—'],
    [1, '100.000%'],
    [0.9999999, '99.999%'],
    [0.99953, '99.953%'],
    [0, '0.000%'],
    [0.0000001, '0.001%'],
  ])('writes SLI %s as %s', (sli, text) => {
    expect(formatSli(sli)).toBe(text);
  });

  it.each([
    [0.724, '72.4%'],
    [-0.12, '-12.0%'],
    [-0.00001, '0.0%'],
    [1, '100.0%'],
  ])('writes budget %d as %s', (fraction, text) => {
    expect(formatPercent(fraction, 1)).toBe(text);
  });

  it.each([
    [0.0123, 'spent 1.23%'],
    [-0.047, 'regained 4.70%'],
    // Rounds to nothing: spent, never "regained 0.00%" or "-0.00%".
    [-0.00001, 'spent 0.00%'],
    [0, 'spent 0.00%'],
  ])('writes a budget change of %d as %s', (consumed, text) => {
    expect(formatBudgetChange(consumed, 2)).toBe(text);
  });

  it.each([
    [null, '—'],
    [0, '0.00'],
    [14.4, '14.40'],
  ])('writes burn rate %s as %s', (rate, text) => {
    expect(formatBurn(rate)).toBe(text);
  });

  it.each([
    [null, '-'],
    [AT, 'spent'],
    ['2026-11-01T04:23:00.000Z', '2026-11-01 04:23Z (in 4h23m)'],
    ['2026-11-03T00:00:20.000Z', '2026-11-03 00:00Z (in 2d)'],
    ['2026-11-01T00:00:59.000Z', '2026-11-01 00:00Z (in <1m)'],
  ])('writes exhaustion at %s as %s', (exhaustionAt, text) => {
    expect(formatExhaustion(status({ exhaustionAt }))).toBe(text);
  });
});
