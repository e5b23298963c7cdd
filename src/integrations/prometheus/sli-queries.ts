// The PromQL that reads an SLI over one window. Queries are kept as their authors wrote
// them: Sloth's `{{.window}}` is filled in; a bare counter selector (as OpenSLO sources
// often give) is wrapped in `sum(increase(…[window]))`. Pure: text in, text out.
import type { PrometheusSliSource } from '../../core/slo/model.js';
import { formatDuration } from '../../core/time/duration.js';

const WINDOW_PLACEHOLDER = /\{\{\s*\.window\s*\}\}/g;

// A metric name with optional label matchers, nothing else: `http_requests_total{code=~"5.."}`.
const SELECTOR =
  /^\s*[A-Za-z_:][A-Za-z0-9_:]*\s*(\{\s*([A-Za-z_][A-Za-z0-9_]*\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*,?\s*)*\})?\s*$/;

/** The expressions of one window; `perSecond` when the values are rates, not counts. */
export interface WindowExpressions {
  readonly good?: string;
  readonly bad?: string;
  readonly total?: string;
  /** An error ratio (0..1); the other three are then absent. */
  readonly errorRatio?: string;
  /** rate()/irate() queries give events per second: counts are value × window seconds. */
  readonly perSecond: boolean;
}

export type SliQueryPlan =
  | { readonly ok: true; readonly over: (minutes: number) => WindowExpressions }
  | { readonly ok: false; readonly reason: string };

/**
 * How to read a source over any window, or why it cannot be read. The source needs a
 * total with a good or bad query, or an error ratio query; each either holds
 * `{{.window}}` or is a bare counter selector.
 */
export function sliQueryPlan(source: PrometheusSliSource): SliQueryPlan {
  const { goodQuery, badQuery, totalQuery, errorRatioQuery } = source;
  if (errorRatioQuery !== undefined) {
    if (!hasWindow(errorRatioQuery)) {
      return {
        ok: false,
        reason:
          'errorRatioQuery has no {{.window}} placeholder, so it cannot be read over each window (write e.g. sum(rate(errors_total[{{.window}}])) / sum(rate(requests_total[{{.window}}])))',
      };
    }
    return {
      ok: true,
      over: (minutes) => ({
        errorRatio: windowed(errorRatioQuery, minutes),
        perSecond: false,
      }),
    };
  }
  if (totalQuery === undefined || (goodQuery === undefined && badQuery === undefined)) {
    return {
      ok: false,
      reason:
        'a ratio needs totalQuery and goodQuery or badQuery (or an errorRatioQuery); threshold SLIs need a good-events query such as a histogram bucket',
    };
  }
  const queries = [goodQuery, badQuery, totalQuery].filter((query) => query !== undefined);
  const unreadable = queries.find((query) => !hasWindow(query) && !SELECTOR.test(query));
  if (unreadable !== undefined) {
    return {
      ok: false,
      reason: `the query ${JSON.stringify(unreadable)} has no {{.window}} placeholder and is not a plain counter selector; write it over a window, e.g. sum(rate(http_requests_total[{{.window}}]))`,
    };
  }
  // Counts are only comparable when all queries are rates or all are counts.
  const rates = queries.map(isPerSecond);
  if (rates.some((rate) => rate !== rates[0])) {
    return {
      ok: false,
      reason:
        'mixes rate() and increase() (or bare counters) between its queries; use the same in all of them',
    };
  }
  const perSecond = rates[0] ?? false;
  return {
    ok: true,
    over: (minutes) => ({
      ...(goodQuery === undefined ? {} : { good: windowed(goodQuery, minutes) }),
      ...(badQuery === undefined ? {} : { bad: windowed(badQuery, minutes) }),
      total: windowed(totalQuery, minutes),
      perSecond,
    }),
  };
}

/** The query over a window: the placeholder filled in, or a bare selector wrapped. */
export function windowed(query: string, minutes: number): string {
  const window = formatDuration(minutes);
  if (hasWindow(query)) return query.replace(WINDOW_PLACEHOLDER, window);
  return `sum(increase(${query.trim()}[${window}]))`;
}

export function hasWindow(query: string): boolean {
  return new RegExp(WINDOW_PLACEHOLDER.source).test(query);
}

export function isPlainSelector(query: string): boolean {
  return SELECTOR.test(query);
}

function isPerSecond(query: string): boolean {
  return hasWindow(query) && /\b(i?rate)\s*\(/.test(query) && !/\bincrease\s*\(/.test(query);
}
