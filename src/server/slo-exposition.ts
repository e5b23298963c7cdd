// The per-SLO gauges of /metrics: each SLO's numbers at the instant of the scrape,
// so that Prometheus sees what the API would answer then.
import type { SloStatus } from '../core/slo/status.js';
import { extraLabel, renderGaugeFamilies, type GaugeFamily } from './gauge-exposition.js';

const SLO_FAMILIES: readonly GaugeFamily<SloStatus>[] = [
  {
    name: 'headroom_slo_error_budget_remaining_ratio',
    help: 'Fraction of the error budget left in the window: 1 untouched, 0 spent, negative overspent',
    samples: (status) => [['', status.errorBudget.remaining]],
  },
  {
    name: 'headroom_slo_burn_rate',
    help: 'Error budget burn rate over a window (1 = spending exactly the budget over the SLO window); window="window" is the SLO window itself',
    *samples(status) {
      for (const [window, rate] of Object.entries(status.burnRates)) {
        if (rate !== null) yield [extraLabel('window', window), rate];
      }
    },
  },
  {
    name: 'headroom_slo_alert_firing',
    help: '1 when a burn-rate alert of that severity fires for the SLO',
    samples(status) {
      const severities = new Map<string, boolean>();
      for (const alert of status.alerts) {
        severities.set(alert.severity, (severities.get(alert.severity) ?? false) || alert.firing);
      }
      return [...severities].map(
        ([severity, firing]) => [extraLabel('severity', severity), firing ? 1 : 0] as const,
      );
    },
  },
  {
    name: 'headroom_slo_sli',
    help: 'The SLI over the SLO window (good / total); absent without traffic',
    samples: (status) => (status.sli === null ? [] : [['', status.sli]]),
  },
  {
    name: 'headroom_slo_objective',
    help: 'The objective as a fraction (99.9 % = 0.999)',
    samples: (status) => [['', status.objective]],
  },
];

/** Every per-SLO family, each SLO labelled by its name and service. */
export function renderSloFamilies(statuses: readonly SloStatus[]): Promise<string> {
  return renderGaugeFamilies(SLO_FAMILIES, statuses, (status) => [
    ['slo', status.slo],
    ['service', status.service],
  ]);
}
