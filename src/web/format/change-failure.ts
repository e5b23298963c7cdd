// What failed a change, as the service screen lists it under the change-failure rate.
import type { ChangeFailure } from '../api/types.js';
import { formatInstant } from './time.js';

export type FailureCause = ChangeFailure['items'][number]['failedBy'][number];

/**
 * A burn-alert rule as the API names it, "page:56m/5m:14.4", written out:
 * "56m/5m windows, 14.4×". Anything else is shown as it came.
 */
export function ruleText(rule: string): string {
  const match = /^[a-z]+:([^/:]+)\/([^/:]+):([0-9.]+)$/.exec(rule);
  if (match === null) return rule;
  return `${match[1] ?? ''}/${match[2] ?? ''} windows, ${match[3] ?? ''}×`;
}

/** One cause: "a page-level burn alert on checkout-latency (56m/5m windows, 14.4×) at …". */
export function failureCauseText(cause: FailureCause): string {
  const at = formatInstant(cause.at);
  switch (cause.kind) {
    case 'pageAlert':
      return `a page-level burn alert on ${cause.slo} (${ruleText(cause.rule)}) at ${at}`;
    case 'incident':
      return `an incident ${cause.id} at ${at}`;
    case 'rollback':
      return `rolled back at ${at}`;
  }
  return `${String((cause as { kind: unknown }).kind)} at ${at}`;
}

/**
 * Every cause of a failed change, each told once: two page rules that fired at once
 * read apart by their windows, and a cause the API repeats is not written twice.
 */
export function failureCausesText(causes: readonly FailureCause[]): string {
  return [...new Set(causes.map(failureCauseText))].join('; ');
}
