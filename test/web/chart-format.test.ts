// The UI's own formatting of chart axes and hover values, of what failed a change, and
// of a heartbeat run's duration: pure functions, tested without a browser.
import { describe, expect, it } from 'vitest';
import { timeAxisLabels } from '../../src/web/charts/time-axis.js';
import { BUDGET_FORMAT, BURN_FORMAT, SLI_FORMAT } from '../../src/web/screens/slo/chart-formats.js';
import { failureCausesText, ruleText } from '../../src/web/format/change-failure.js';
import { formatHours } from '../../src/web/format/numbers.js';
import { formatRunDuration } from '../../src/web/format/run-time.js';

const seconds = (iso: string) => Date.parse(iso) / 1000;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

describe('the charts’ time axis', () => {
  it('writes hours in 24-hour UTC, with the date (MM-DD) where the day changes', () => {
    const ticks = ['2026-11-28T16:00:00Z', '2026-11-28T20:00:00Z', '2026-11-29T00:00:00Z'];
    expect(timeAxisLabels(ticks.map(seconds), 4 * HOUR)).toEqual([
      '16:00\n11-28',
      '20:00',
      '00:00\n11-29',
    ]);
  });

  it('keeps minutes, and seconds only below a minute', () => {
    expect(timeAxisLabels([seconds('2026-11-28T09:05:00Z')], 5 * MINUTE)).toEqual(['09:05\n11-28']);
    expect(timeAxisLabels([seconds('2026-11-28T09:05:30Z')], 30)).toEqual(['09:05:30\n11-28']);
  });

  it('writes days as MM-DD, with the year on the first tick and where it changes', () => {
    const ticks = ['2026-12-30T00:00:00Z', '2026-12-31T00:00:00Z', '2027-01-01T00:00:00Z'];
    expect(timeAxisLabels(ticks.map(seconds), DAY)).toEqual([
      '12-30\n2026',
      '12-31',
      '01-01\n2027',
    ]);
  });

  it('writes months as YYYY-MM and years as YYYY', () => {
    const ticks = ['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'];
    expect(timeAxisLabels(ticks.map(seconds), 30 * DAY)).toEqual(['2026-11', '2026-12']);
    expect(timeAxisLabels([seconds('2027-01-01T00:00:00Z')], 365 * DAY)).toEqual(['2027']);
  });

  it('never writes uPlot’s US formats, and reads UTC whatever the machine’s zone', () => {
    const labels = timeAxisLabels([seconds('2026-11-28T23:30:00Z')], 30 * MINUTE);
    expect(labels).toEqual(['23:30\n11-28']);
    expect(labels.join(' ')).not.toMatch(/am|pm|\//i);
  });

  it('leaves a tick uPlot skipped empty', () => {
    expect(timeAxisLabels([null, seconds('2026-11-28T16:00:00Z')], HOUR)).toEqual([
      '',
      '16:00\n11-28',
    ]);
  });
});

describe('the SLO charts’ values under the cursor', () => {
  it('gives the SLI three decimals, as the header does', () => {
    expect(SLI_FORMAT.hover(0.99964)).toBe('99.964%');
    expect(SLI_FORMAT.axis(0.9996)).toBe('99.96%');
  });

  it('gives the budget one decimal', () => {
    expect(BUDGET_FORMAT.hover(0.6834)).toBe('68.3%');
    expect(BUDGET_FORMAT.axis(0.6)).toBe('60%');
  });

  it('gives every burn rate two decimals, as the burn-rate tables do', () => {
    expect(BURN_FORMAT.hover(12.8)).toBe('12.80×');
    expect(BURN_FORMAT.hover(1)).toBe('1.00×');
    expect(BURN_FORMAT.hover(0.2734)).toBe('0.27×');
    expect(BURN_FORMAT.axis(14.4)).toBe('14.4×');
  });
});

describe('what failed a change', () => {
  const at = '2026-12-05T12:12:00Z';

  it('tells two page rules that fired at once apart by their windows', () => {
    const text = failureCausesText([
      { kind: 'pageAlert', slo: 'checkout-latency', rule: 'page:56m/5m:14.4', at },
      { kind: 'pageAlert', slo: 'checkout-latency', rule: 'page:5h36m/28m:6', at },
    ]);
    expect(text).toBe(
      'a page-level burn alert on checkout-latency (56m/5m windows, 14.4×) at 2026-12-05 12:12 UTC; ' +
        'a page-level burn alert on checkout-latency (5h36m/28m windows, 6×) at 2026-12-05 12:12 UTC',
    );
  });

  it('writes an identical cause once', () => {
    const cause = { kind: 'rollback' as const, deploy: 'dep_1', at };
    expect(failureCausesText([cause, { ...cause, deploy: 'dep_2' }])).toBe(
      'rolled back at 2026-12-05 12:12 UTC',
    );
  });

  it('shows a rule it cannot read as it came', () => {
    expect(ruleText('custom')).toBe('custom');
  });
});

describe('a heartbeat run’s duration', () => {
  it('keeps the seconds of a run of a minute or more, as the CLI does', () => {
    expect(formatRunDuration(97)).toBe('1m37s');
    expect(formatRunDuration(60)).toBe('1m');
    expect(formatRunDuration(8000)).toBe('2h13m20s');
    expect(formatRunDuration(97.4)).toBe('1m37s');
  });

  it('gives tenths of a second under a minute', () => {
    expect(formatRunDuration(2.44)).toBe('2.4s');
    expect(formatRunDuration(59.99)).toBe('1m');
  });
});

describe('toil hours', () => {
  // Some toil that rounds to none is not "0 h".
  it.each<[number, string]>([
    [0, '0 h'],
    [0.9, '< 0.1 h'],
    [3, '0.1 h'],
    [90, '1.5 h'],
    [74_070, '1,234.5 h'],
  ])('%s minutes read %s, as the report and the CLI print them', (minutes, text) => {
    expect(formatHours(minutes)).toBe(text);
  });
});
