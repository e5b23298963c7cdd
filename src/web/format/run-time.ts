// How long a heartbeat's run took, as the CLI writes it.

const UNITS = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
] as const;

/**
 * Tenths of a second under a minute ("2.4s"), else to the second in d/h/m/s like the
 * CLI ("1m37s", "2h13m20s"): not rounded to whole minutes beside a max run time of "15s".
 */
export function formatRunDuration(seconds: number): string {
  const tenths = Math.round(seconds * 10) / 10;
  if (tenths < 60) return `${String(tenths)}s`;
  let rest = Math.round(seconds);
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${String(count)}${unit}`;
    rest -= count * size;
  }
  return text;
}
