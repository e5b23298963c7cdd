// `headroom eval --format table`: evaluated SLOs as aligned columns for people.
// Pure formatting; the JSON output stays the contract for machines.
import { objectivePercent, sliPercent } from '../core/slo/percentages.js';
import type { AlertStatus, SloStatus } from '../core/slo/status.js';
import { formatDuration } from '../core/time/duration.js';

/** Shown where a figure does not exist (no events in the window). */
export const NO_VALUE = '—';

interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
  readonly cell: (status: SloStatus) => string;
}

const COLUMNS: readonly Column[] = [
  // A firing alert marks the row, so the eye finds it before reading the ALERTS column.
  { header: '', align: 'left', cell: (status) => (firingAlerts(status).length > 0 ? '!' : '') },
  { header: 'SLO', align: 'left', cell: (status) => status.slo },
  { header: 'SERVICE', align: 'left', cell: (status) => status.service },
  { header: 'OBJECTIVE', align: 'right', cell: (status) => formatObjective(status.objective) },
  { header: 'SLI', align: 'right', cell: (status) => formatSli(status.sli) },
  {
    header: 'BUDGET LEFT',
    align: 'right',
    cell: (status) =>
      status.sli === null ? NO_VALUE : formatPercent(status.errorBudget.remaining, 1),
  },
  { header: 'BURN 1H', align: 'right', cell: (status) => formatBurn(status.burnRates['1h']) },
  {
    header: 'BURN WINDOW',
    align: 'right',
    cell: (status) => formatBurn(status.burnRates.window),
  },
  { header: 'ALERTS', align: 'left', cell: formatAlerts },
  { header: 'EXHAUSTED', align: 'left', cell: formatExhaustion },
];

/** The table, one row per status in the order given, then when they were evaluated. */
export function formatStatusTable(statuses: readonly SloStatus[]): string {
  if (statuses.length === 0) return 'no SLOs to show\n';
  const rows = [COLUMNS.map((column) => column.header)];
  for (const status of statuses) rows.push(COLUMNS.map((column) => column.cell(status)));
  const widths = COLUMNS.map((_, index) =>
    Math.max(...rows.map((row) => (row[index] ?? '').length)),
  );
  const lines = rows.map((row) =>
    row
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        return COLUMNS[index]?.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd(),
  );
  const times = [...new Set(statuses.map((status) => status.at))];
  const footer =
    times.length === 1 ? `evaluated at ${times.join('')}` : 'evaluated at several times';
  return `${lines.join('\n')}\n\n${footer}\n`;
}

export const formatObjective = objectivePercent;

export function formatSli(sli: number | null): string {
  return sli === null ? NO_VALUE : sliPercent(sli);
}

/** 0.724 -> `72.4%`; -0.12 -> `-12.0%`. */
export function formatPercent(fraction: number, decimals: number): string {
  const text = (fraction * 100).toFixed(decimals);
  // toFixed writes -0.0 for tiny negatives; the sign matters only when it shows.
  return `${/^-0\.?0*$/.test(text) ? text.slice(1) : text}%`;
}

/**
 * What an hour did to a budget, from the API's `consumed` (start minus end), as the web
 * UI words it: "spent 1.20%", or "regained 4.70%" when it grew back (a calendar window
 * started afresh, or bad events left a rolling one). A rounding of nothing is spent.
 */
export function formatBudgetChange(consumed: number, decimals: number): string {
  const regained = formatPercent(-consumed, decimals);
  if (consumed < 0 && regained !== formatPercent(0, decimals)) return `regained ${regained}`;
  return `spent ${formatPercent(Math.max(consumed, 0), decimals)}`;
}

/** Burn rate with two decimals: 1 spends the budget exactly over the window. */
export function formatBurn(rate: number | null): string {
  return rate === null ? NO_VALUE : rate.toFixed(2);
}

export function formatAlert(alert: AlertStatus): string {
  return `${alert.severity.toUpperCase()}(${alert.longWindow}/${alert.shortWindow} ${alert.factor}x)`;
}

function firingAlerts(status: SloStatus): readonly AlertStatus[] {
  return status.alerts.filter((alert) => alert.firing);
}

function formatAlerts(status: SloStatus): string {
  const firing = firingAlerts(status);
  return firing.length === 0 ? '-' : firing.map(formatAlert).join(' ');
}

/** `spent` when already gone, else the UTC minute and how long from the evaluation time. */
export function formatExhaustion(status: SloStatus): string {
  if (status.exhaustionAt === null) return '-';
  const atMs = Date.parse(status.at);
  const exhaustionMs = Date.parse(status.exhaustionAt);
  if (exhaustionMs <= atMs) return 'spent';
  // Both truncated to the minute, so that the time and the duration agree.
  const minutes = Math.floor((exhaustionMs - atMs) / 60_000);
  const when = status.exhaustionAt.slice(0, 16).replace('T', ' ');
  return `${when}Z (in ${minutes === 0 ? '<1m' : formatDuration(minutes)})`;
}
