// The small pieces of Markdown the postmortem files share: reading sections and
// fenced code, escaping table cells, and showing instants and durations the same way
// everywhere (deterministic: no locale, no clock).
import { DateTime } from 'luxon';

/** One line of a document with its 1-based number and whether it sits in fenced code. */
export interface DocumentLine {
  readonly number: number;
  readonly text: string;
  /** Inside a fenced code block, or the fence itself: never prose. */
  readonly code: boolean;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The lines of a document, fenced code marked (CommonMark: a fence closes on the same character, at least as long). */
export function documentLines(markdown: string): readonly DocumentLine[] {
  const lines: DocumentLine[] = [];
  let open: string | null = null;
  markdown.split(/\r\n|\r|\n/).forEach((text, index) => {
    const fence = FENCE.exec(text)?.[1];
    if (open === null && fence !== undefined) {
      open = fence;
      lines.push({ number: index + 1, text, code: true });
      return;
    }
    if (
      open !== null &&
      fence !== undefined &&
      fence[0] === open[0] &&
      fence.length >= open.length &&
      text.trim() === fence
    ) {
      open = null;
      lines.push({ number: index + 1, text, code: true });
      return;
    }
    lines.push({ number: index + 1, text, code: open !== null });
  });
  return lines;
}

/** An ATX heading's level and text, or null; lines in fenced code are never headings. */
export function headingOf(line: DocumentLine): { level: number; text: string } | null {
  if (line.code) return null;
  const match = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line.text);
  if (match === null) return null;
  return { level: match[1]?.length ?? 0, text: (match[2] ?? '').trim() };
}

export interface Section {
  /** The heading text; null for what comes before the first heading of the level. */
  readonly heading: string | null;
  /** The lines after the heading up to the next heading of the same or a higher level. */
  readonly body: readonly DocumentLine[];
}

/** The document cut at the headings of exactly `level` (and above, which end a section). */
export function sectionsAt(lines: readonly DocumentLine[], level: number): readonly Section[] {
  const sections: { heading: string | null; body: DocumentLine[] }[] = [
    { heading: null, body: [] },
  ];
  for (const line of lines) {
    const heading = headingOf(line);
    if (heading !== null && heading.level <= level) {
      sections.push({ heading: heading.level === level ? heading.text : null, body: [] });
      if (heading.level < level) sections[sections.length - 1]?.body.push(line);
      continue;
    }
    sections[sections.length - 1]?.body.push(line);
  }
  return sections;
}

/** The body of the first section at `level` whose heading matches, case-insensitively. */
export function sectionBody(
  lines: readonly DocumentLine[],
  level: number,
  heading: string,
): readonly DocumentLine[] | null {
  const wanted = heading.toLowerCase();
  return (
    sectionsAt(lines, level).find((section) => section.heading?.toLowerCase() === wanted)?.body ??
    null
  );
}

/**
 * Text safe in one GFM table cell: pipes escaped, line breaks as <br> (a raw newline
 * would end the row), runs of blanks kept as they are, empty as an em dash.
 */
export function tableCell(text: string): string {
  const cell = text
    .trim()
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
  return cell === '' ? '—' : cell;
}

export function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A header, its delimiter row and the body rows; cells are escaped here. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    tableRow(header.map(tableCell)),
    tableRow(header.map(() => '---')),
    ...rows.map((row) => tableRow(row.map(tableCell))),
  ];
}

/** Text on one line (titles, list items): line breaks become spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ').trim();
}

/**
 * A block people wrote, kept as Markdown but unable to start a heading of its own,
 * which would split the postmortem's sections (and fool `unwrittenSections`).
 */
export function proseBlock(text: string): string {
  return text
    .trim()
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/^(\s{0,3})#/, '$1\\#'))
    .join('\n');
}

/** A zone luxon knows, or UTC; `known` says whether the asked zone was used. */
export function resolveZone(zone: string | undefined): { zone: string; known: boolean } {
  if (zone === undefined || zone === '') return { zone: 'UTC', known: true };
  return DateTime.fromMillis(0, { zone }).isValid
    ? { zone, known: true }
    : { zone: 'UTC', known: false };
}

/** An instant in the zone with its offset, unambiguous across DST: 2026-03-29 01:59:30 +01:00. */
export function formatInstant(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss ZZ');
}

export function formatDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
}

const UNITS = [
  { label: 'd', ms: 86_400_000 },
  { label: 'h', ms: 3_600_000 },
  { label: 'min', ms: 60_000 },
  { label: 's', ms: 1000 },
] as const;

/**
 * A duration as people say it: the two largest units, the rest dropped (not rounded,
 * so "1 h 59 min" never reads as "2 h"): 1 h 12 min, 3 d 4 h, 4 min 30 s, 45 s, 0 s.
 */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  if (ms < 0) return `-${formatElapsed(-ms)}`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000) * 1000;
  for (const unit of UNITS) {
    const count = Math.floor(rest / unit.ms);
    rest -= count * unit.ms;
    if (parts.length > 0) {
      if (count > 0) parts.push(`${count} ${unit.label}`);
      break;
    }
    if (count > 0) parts.push(`${count} ${unit.label}`);
  }
  return parts.length === 0 ? '0 s' : parts.join(' ');
}

/** A count with thousands separators, the same on every machine (no locale). */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (!Number.isInteger(value)) return trimNumber(value, 2);
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A number with at most `decimals` decimals and no trailing zeros: 99.9, 99.95, 99. */
export function trimNumber(value: number, decimals: number): string {
  return value
    .toFixed(decimals)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}
