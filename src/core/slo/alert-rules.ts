// Multiwindow, multi-burn-rate alert rules (Google SRE Workbook, "Alerting on SLOs").
//
// The Workbook's table is written for a 30-day window. For any other window length
// Headroom scales the long and short windows by (window / 30 days) and keeps the
// factors, so every rule still fires after the same share of the budget is spent
// (factor × long window / SLO window: 2 %, 5 %, 10 %, 10 %). Scaled windows are
// rounded to whole minutes, at least 1 minute, and a short window is kept shorter
// than its long window where the long window allows it.
// Calendar windows scale by a nominal length: week 7 days, month 30, quarter 90.
import type { BurnRateAlertRule, SloWindow } from './model.js';
import { nominalCalendarMinutes } from '../time/calendar.js';

const THIRTY_DAYS = 30 * 24 * 60;

export const WORKBOOK_RULES: readonly BurnRateAlertRule[] = [
  { severity: 'page', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4 },
  { severity: 'page', longWindowMinutes: 6 * 60, shortWindowMinutes: 30, factor: 6 },
  { severity: 'ticket', longWindowMinutes: 24 * 60, shortWindowMinutes: 2 * 60, factor: 3 },
  { severity: 'ticket', longWindowMinutes: 3 * 24 * 60, shortWindowMinutes: 6 * 60, factor: 1 },
];

export function windowNominalMinutes(window: SloWindow): number {
  return window.kind === 'rolling' ? window.minutes : nominalCalendarMinutes(window.unit);
}

/** The Workbook rules with their windows scaled to an SLO window of `windowMinutes`. */
export function scaledWorkbookRules(windowMinutes: number): BurnRateAlertRule[] {
  const scale = windowMinutes / THIRTY_DAYS;
  return WORKBOOK_RULES.map((rule) => {
    const longWindowMinutes = Math.max(1, Math.round(rule.longWindowMinutes * scale));
    let shortWindowMinutes = Math.max(1, Math.round(rule.shortWindowMinutes * scale));
    if (shortWindowMinutes >= longWindowMinutes) {
      shortWindowMinutes = Math.max(1, longWindowMinutes - 1);
    }
    return { ...rule, longWindowMinutes, shortWindowMinutes };
  });
}

/** The rules that apply to an SLO: none when alerting is off, else its own or the scaled defaults. */
export function alertRulesFor(
  alerting: { readonly enabled: boolean; readonly rules: readonly BurnRateAlertRule[] | undefined },
  window: SloWindow,
): readonly BurnRateAlertRule[] {
  if (!alerting.enabled) return [];
  return alerting.rules ?? scaledWorkbookRules(windowNominalMinutes(window));
}

/** Both windows must burn faster than the factor; a window without events never fires. */
export function isFiring(
  longBurn: number | null,
  shortBurn: number | null,
  factor: number,
): boolean {
  return longBurn !== null && shortBurn !== null && longBurn > factor && shortBurn > factor;
}
