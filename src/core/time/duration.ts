// Durations in whole minutes: the engine's resolution. Written Prometheus-style,
// as one or more `<integer><unit>` parts, largest first: 30d, 1h30m, 2w.

const MINUTES_PER_UNIT = { w: 7 * 24 * 60, d: 24 * 60, h: 60, m: 1 } as const;
type Unit = keyof typeof MINUTES_PER_UNIT;
const UNIT_ORDER: readonly Unit[] = ['w', 'd', 'h', 'm'];
const PART = /(\d+)([a-zA-Z]+)/y;

export type DurationParse =
  { readonly ok: true; readonly minutes: number } | { readonly ok: false; readonly reason: string };

export function parseDuration(text: string): DurationParse {
  const expected = 'expected a duration such as 5m, 1h30m, 7d or 4w (units m, h, d, w)';
  if (text.trim() === '') return { ok: false, reason: `empty duration; ${expected}` };
  let minutes = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null)
      return { ok: false, reason: `cannot read "${text.slice(start)}" in "${text}"; ${expected}` };
    const [, count = '0', unitText = ''] = match;
    const rank = UNIT_ORDER.indexOf(unitText as Unit);
    if (rank === -1) {
      const why =
        unitText === 's' || unitText === 'ms'
          ? 'durations are whole minutes'
          : `unknown unit "${unitText}"`;
      return { ok: false, reason: `${why} in "${text}"; ${expected}` };
    }
    if (rank <= lastRank)
      return { ok: false, reason: `units out of order in "${text}"; ${expected}` };
    lastRank = rank;
    minutes += Number(count) * MINUTES_PER_UNIT[unitText as Unit];
  }
  if (minutes <= 0) return { ok: false, reason: `duration "${text}" is zero; ${expected}` };
  if (!Number.isSafeInteger(minutes))
    return { ok: false, reason: `duration "${text}" is too long` };
  return { ok: true, minutes };
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
