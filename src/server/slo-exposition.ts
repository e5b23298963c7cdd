// The per-SLO gauges of /metrics in Prometheus' text format, written in slices.
//
// prom-client renders a registry in one synchronous stretch: with a thousand SLOs
// (several thousand series) that held the event loop for 40 to 60 ms at every scrape,
// and every gate check and ping arriving meanwhile waited for it. These families
// change wholesale at each scrape (they are the SLOs' numbers at that instant), so
// they need none of prom-client's bookkeeping: they are written here, a slice of SLOs
// at a time, and the rest of the registry (process, HTTP) stays prom-client's.
import type { SloStatus } from '../core/slo/status.js';

/** SLOs written per turn of the event loop. */
const SLICE = 200;

interface Family {
  readonly name: string;
  readonly help: string;
  /** One sample per entry: its extra labels (already formatted, or '') and value. */
  readonly samples: (status: SloStatus) => Iterable<readonly [extraLabels: string, value: number]>;
}

const FAMILIES: readonly Family[] = [
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
        if (rate !== null) yield [`,window="${labelValue(window)}"`, rate];
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
        ([severity, firing]) => [`,severity="${labelValue(severity)}"`, firing ? 1 : 0] as const,
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

/** Every per-SLO family, each with its HELP and TYPE lines; yields to the event loop between slices. */
export async function renderSloFamilies(statuses: readonly SloStatus[]): Promise<string> {
  const identities = statuses.map(
    (status) => `slo="${labelValue(status.slo)}",service="${labelValue(status.service)}"`,
  );
  const parts: string[] = [];
  let sinceYield = 0;
  for (const family of FAMILIES) {
    parts.push(`# HELP ${family.name} ${helpText(family.help)}\n# TYPE ${family.name} gauge\n`);
    for (const [index, status] of statuses.entries()) {
      if (sinceYield === SLICE) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      sinceYield += 1;
      for (const [extra, value] of family.samples(status)) {
        parts.push(`${family.name}{${identities[index] ?? ''}${extra}} ${sampleValue(value)}\n`);
      }
    }
  }
  return parts.join('');
}

// The text format's escapes: label values escape backslash, double quote and line
// feed; HELP text backslash and line feed.
function labelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

function helpText(text: string): string {
  return text.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}

function sampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
