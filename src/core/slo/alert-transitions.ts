// Burn-rate alerts over time: which started firing and which resolved between the
// previous evaluation and this one. Pure: the evaluator job stores what this returns.
import type { AlertStatus, SloStatus } from './status.js';

export interface AlertNumbers {
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly factor: number;
  readonly longBurnRate: number | null;
  readonly shortBurnRate: number | null;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number;
}

export interface ActiveAlert {
  readonly sloId: number;
  /** Identifies the rule within the SLO: severity, windows and factor. */
  readonly rule: string;
  readonly severity: string;
  readonly since: number;
  readonly numbers: AlertNumbers;
}

export interface AlertTransition {
  readonly sloId: number;
  readonly slo: string;
  readonly service: string;
  readonly rule: string;
  readonly severity: string;
  readonly transition: 'started' | 'resolved';
  readonly at: number;
  readonly numbers: AlertNumbers;
}

export interface EvaluatedSlo {
  readonly sloId: number;
  readonly status: SloStatus;
}

export function ruleKey(
  alert: Pick<AlertStatus, 'severity' | 'longWindow' | 'shortWindow' | 'factor'>,
): string {
  return `${alert.severity}:${alert.longWindow}/${alert.shortWindow}:${alert.factor}`;
}

/**
 * Compares the alerts active before with those firing now. A rule that fires and was
 * not active starts; an active one that no longer fires (or whose SLO or rule is gone)
 * resolves, with the numbers of now (or, when gone, of when it started).
 */
export function alertTransitions(
  active: readonly ActiveAlert[],
  evaluated: readonly EvaluatedSlo[],
  at: number,
  names: ReadonlyMap<number, { readonly slo: string; readonly service: string }>,
): {
  readonly started: AlertTransition[];
  readonly resolved: AlertTransition[];
  readonly nowActive: ActiveAlert[];
} {
  const activeByKey = new Map(active.map((alert) => [`${alert.sloId} ${alert.rule}`, alert]));
  const started: AlertTransition[] = [];
  const resolved: AlertTransition[] = [];
  const nowActive: ActiveAlert[] = [];
  const seen = new Set<string>();
  for (const { sloId, status } of evaluated) {
    for (const alert of status.alerts) {
      const rule = ruleKey(alert);
      const key = `${sloId} ${rule}`;
      seen.add(key);
      const numbers = numbersOf(alert, status);
      const before = activeByKey.get(key);
      const transition = {
        sloId,
        slo: status.slo,
        service: status.service,
        rule,
        severity: alert.severity,
        at,
        numbers,
      };
      if (alert.firing && before === undefined) {
        started.push({ ...transition, transition: 'started' });
        nowActive.push({ sloId, rule, severity: alert.severity, since: at, numbers });
      } else if (alert.firing && before !== undefined) {
        nowActive.push(before);
      } else if (before !== undefined) {
        resolved.push({ ...transition, transition: 'resolved' });
      }
    }
  }
  for (const alert of active) {
    if (seen.has(`${alert.sloId} ${alert.rule}`)) continue;
    const name = names.get(alert.sloId) ?? { slo: `#${alert.sloId}`, service: '' };
    resolved.push({ ...alert, ...name, at, transition: 'resolved' });
  }
  return { started, resolved, nowActive };
}

function numbersOf(alert: AlertStatus, status: SloStatus): AlertNumbers {
  return {
    longWindow: alert.longWindow,
    shortWindow: alert.shortWindow,
    factor: alert.factor,
    longBurnRate: alert.longBurnRate,
    shortBurnRate: alert.shortBurnRate,
    sli: status.sli,
    errorBudgetRemaining: status.errorBudget.remaining,
  };
}
