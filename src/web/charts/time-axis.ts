// The x axis of the charts in the UI's own style: 24-hour UTC times and ISO dates
// ("14:00", "11-28", "2026-11"), as formatInstant writes instants, never uPlot's US
// defaults ("4pm", "11/28/26"). How much each label says follows the tick spacing.

const MINUTE = 60;
const DAY = 86_400;

const two = (value: number) => String(value).padStart(2, '0');

/**
 * Labels for ticks at epoch seconds, `increment` seconds apart (uPlot's foundIncr).
 * Times of day read HH:mm (HH:mm:ss below a minute), with the date (MM-DD) on a second
 * line at the first tick and wherever the day changes; days read MM-DD, with the year
 * on a second line at the first tick and wherever it changes; months read YYYY-MM and
 * years YYYY. All in UTC.
 */
export function timeAxisLabels(
  ticks: readonly (number | null)[],
  increment: number,
): readonly string[] {
  let previous: Date | null = null;
  return ticks.map((tick) => {
    if (tick === null) return '';
    const date = new Date(tick * 1000);
    const label = labelOf(date, previous, increment);
    previous = date;
    return label;
  });
}

function labelOf(date: Date, previous: Date | null, increment: number): string {
  const year = String(date.getUTCFullYear());
  const month = two(date.getUTCMonth() + 1);
  const day = two(date.getUTCDate());
  if (increment >= 365 * DAY) return year;
  if (increment >= 28 * DAY) return `${year}-${month}`;
  if (increment >= DAY) {
    const newYear = previous === null || previous.getUTCFullYear() !== date.getUTCFullYear();
    return newYear ? `${month}-${day}\n${year}` : `${month}-${day}`;
  }
  const time =
    increment >= MINUTE
      ? `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`
      : `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  const newDay =
    previous === null || previous.toISOString().slice(0, 10) !== date.toISOString().slice(0, 10);
  return newDay ? `${time}\n${month}-${day}` : time;
}
