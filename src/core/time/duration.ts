// Durations in whole minutes: the engine's resolution. Written Prometheus-style,
// as one or more `<integer><unit>` parts, largest first: 30d, 1h30m, 2w.

const MINUTES_PER_UNIT = { w: 7 * 24 * 60, d: 24 * 60, h: 60, m: 1 } as const;
const SECONDS_PER_UNIT = { d: 24 * 3600, h: 3600, m: 60, s: 1 } as const;
const PART = /(\d+)([a-zA-Z]+)/y;

export type DurationParse =
  { readonly ok: true; readonly minutes: number } | { readonly ok: false; readonly reason: string };

export const DURATION_EXPECTED =
  'expected a duration such as 5m, 1h30m, 7d or 4w (units m, h, d, w)';

export function parseDuration(text: string): DurationParse {
  const parsed = parseParts(text, MINUTES_PER_UNIT, DURATION_EXPECTED, (unit) =>
    unit === 's' || unit === 'ms' ? 'durations are whole minutes' : undefined,
  );
  return parsed.ok ? { ok: true, minutes: parsed.count } : parsed;
}

export type RunTimeParse =
  { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly reason: string };

/**
 * How long a job's run takes, to the second (30s, 1m30s, 2h): a run that normally
 * takes 40 seconds is suspicious at 5, which whole minutes cannot say. `what` names
 * the quantity in the reason, for other waits to the second.
 */
export function parseRunTime(text: string, what = 'run time'): RunTimeParse {
  const parsed = parseParts(
    text,
    SECONDS_PER_UNIT,
    `expected a ${what} such as 30s, 5m, 1m30s or 2h (units s, m, h, d)`,
    (unit) => (unit === 'ms' ? `${what}s are whole seconds` : undefined),
  );
  return parsed.ok ? { ok: true, seconds: parsed.count } : parsed;
}

/** `<integer><unit>` parts, largest unit first, summed in the table's smallest unit. */
function parseParts(
  text: string,
  perUnit: Readonly<Record<string, number>>,
  expected: string,
  whyNot: (unit: string) => string | undefined,
): { readonly ok: true; readonly count: number } | { readonly ok: false; readonly reason: string } {
  const order = Object.keys(perUnit);
  if (text.trim() === '') return { ok: false, reason: `empty duration; ${expected}` };
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null)
      return { ok: false, reason: `cannot read "${text.slice(start)}" in "${text}"; ${expected}` };
    const [, count = '0', unitText = ''] = match;
    const rank = order.indexOf(unitText);
    if (rank === -1) {
      const why = whyNot(unitText) ?? `unknown unit "${unitText}"`;
      return { ok: false, reason: `${why} in "${text}"; ${expected}` };
    }
    if (rank <= lastRank)
      return { ok: false, reason: `units out of order in "${text}"; ${expected}` };
    lastRank = rank;
    total += Number(count) * (perUnit[unitText] ?? 0);
  }
  if (total <= 0) return { ok: false, reason: `duration "${text}" is zero; ${expected}` };
  if (!Number.isSafeInteger(total)) return { ok: false, reason: `duration "${text}" is too long` };
  return { ok: true, count: total };
}

/** The shortest text for a positive number of seconds, in d/h/m/s (1m30s, 2h, 45s). */
export function formatRunTime(seconds: number): string {
  let rest = seconds;
  let text = '';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = SECONDS_PER_UNIT[unit];
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text === '' ? '0s' : text;
}

/** The shortest text for a positive number of minutes, in d/h/m (30d, 1d12h, 56m). */
export function formatDuration(minutes: number): string {
  let rest = minutes;
  let text = '';
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = MINUTES_PER_UNIT[unit];
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text === '' ? '0m' : text;
}
