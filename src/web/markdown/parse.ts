// A small Markdown reader for postmortems: headings, paragraphs, lists (nested by
// indentation), tables, block quotes, rules, fenced code; inline bold, italic, code,
// links and <br>. It builds a tree of plain objects, which Markdown.tsx turns into React
// elements: text is never parsed as HTML, so nothing a postmortem holds can run as
// script. What it does not know (raw HTML, images, reference links) shows as text.

export type Inline =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'code'; readonly text: string }
  | { readonly type: 'strong'; readonly children: readonly Inline[] }
  | { readonly type: 'em'; readonly children: readonly Inline[] }
  | { readonly type: 'link'; readonly href: string; readonly children: readonly Inline[] }
  /** A link's text without the link (its target was not safe to follow). */
  | { readonly type: 'span'; readonly children: readonly Inline[] }
  | { readonly type: 'break' };

export type Align = 'left' | 'center' | 'right' | null;

export type Block =
  | { readonly type: 'heading'; readonly level: number; readonly children: readonly Inline[] }
  | { readonly type: 'paragraph'; readonly children: readonly Inline[] }
  | { readonly type: 'code'; readonly lang: string; readonly text: string }
  | {
      readonly type: 'list';
      readonly ordered: boolean;
      readonly start: number;
      readonly items: readonly (readonly Block[])[];
    }
  | {
      readonly type: 'table';
      readonly align: readonly Align[];
      readonly header: readonly (readonly Inline[])[];
      readonly rows: readonly (readonly (readonly Inline[])[])[];
    }
  | { readonly type: 'quote'; readonly children: readonly Block[] }
  | { readonly type: 'rule' };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
/** Lists nest at most this deep: deeper indentation is read as text. */
const MAX_DEPTH = 8;

export function parseMarkdown(markdown: string): Block[] {
  return parseBlocks(markdown.split(/\r\n|\r|\n/), 0);
}

function parseBlocks(lines: readonly string[], depth: number): Block[] {
  const blocks: Block[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (line.trim() === '') {
      index += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence !== null) {
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      index += 1;
      while (index < lines.length && !closesFence(lines[index] ?? '', marker)) {
        body.push(lines[index] ?? '');
        index += 1;
      }
      index += 1;
      blocks.push({ type: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading !== null) {
      blocks.push({
        type: 'heading',
        level: heading[1]?.length ?? 1,
        children: parseInline(heading[2] ?? ''),
      });
      index += 1;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      index += 1;
      continue;
    }
    if (isTableStart(lines, index)) {
      index = readTable(lines, index, blocks);
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (index < lines.length && (lines[index] ?? '').trim() !== '') {
        const quoted = QUOTE.exec(lines[index] ?? '');
        inner.push(quoted === null ? (lines[index] ?? '') : (quoted[1] ?? ''));
        index += 1;
      }
      blocks.push({
        type: 'quote',
        children: depth < MAX_DEPTH ? parseBlocks(inner, depth + 1) : [],
      });
      continue;
    }
    if (depth < MAX_DEPTH && LIST_ITEM.test(line)) {
      index = readList(lines, index, blocks, depth);
      continue;
    }
    const paragraph: string[] = [line.trim()];
    index += 1;
    while (index < lines.length && !startsBlock(lines, index)) {
      paragraph.push((lines[index] ?? '').trim());
      index += 1;
    }
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
  }
  return blocks;
}

function closesFence(line: string, marker: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  const fence = match?.[1];
  return fence !== undefined && fence[0] === marker[0] && fence.length >= marker.length;
}

/** Whether a line ends a paragraph: a blank line or the start of another block. */
function startsBlock(lines: readonly string[], index: number): boolean {
  const line = lines[index] ?? '';
  return (
    line.trim() === '' ||
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    LIST_ITEM.test(line) ||
    isTableStart(lines, index)
  );
}

function isTableStart(lines: readonly string[], index: number): boolean {
  const line = lines[index] ?? '';
  const next = lines[index + 1];
  return (
    line.includes('|') && next !== undefined && next.includes('|') && TABLE_DELIMITER.test(next)
  );
}

function readTable(lines: readonly string[], start: number, blocks: Block[]): number {
  const header = splitRow(lines[start] ?? '');
  const align = splitRow(lines[start + 1] ?? '').map((cell): Align => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
  });
  const rows: Inline[][][] = [];
  let index = start + 2;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (line.trim() === '' || !line.includes('|')) break;
    const cells = splitRow(line);
    rows.push(header.map((_, column) => parseInline(cells[column] ?? '')));
    index += 1;
  }
  blocks.push({
    type: 'table',
    align: header.map((_, column) => align[column] ?? null),
    header: header.map((cell) => parseInline(cell)),
    rows,
  });
  return index;
}

/** The cells of a table row: split at pipes that are not escaped or in code. */
function splitRow(line: string): string[] {
  let text = line.trim();
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (char === '\\' && text[index + 1] === '|') {
      current += '\\|';
      index += 1;
    } else if (char === '`') {
      inCode = !inCode;
      current += char;
    } else if (char === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else current += char;
  }
  cells.push(current.trim());
  return cells;
}

interface Marker {
  readonly indent: number;
  readonly ordered: boolean;
  readonly number: number;
  /** Where the item's text starts: its continuation lines are indented this far. */
  readonly contentOffset: number;
  readonly text: string;
}

function markerOf(line: string): Marker | null {
  const match = LIST_ITEM.exec(line);
  if (match === null) return null;
  const indent = match[1]?.length ?? 0;
  const bullet = match[2] ?? '-';
  const text = match[3] ?? '';
  const ordered = /\d/.test(bullet);
  const gap = line.length - indent - bullet.length - text.length;
  return {
    indent,
    ordered,
    number: ordered ? Number.parseInt(bullet, 10) : 1,
    contentOffset: indent + bullet.length + Math.max(1, Math.min(gap, 4)),
    text,
  };
}

function readList(lines: readonly string[], start: number, blocks: Block[], depth: number): number {
  const first = markerOf(lines[start] ?? '');
  if (first === null) return start + 1;
  const items: Block[][] = [];
  let index = start;
  while (index < lines.length) {
    const marker = markerOf(lines[index] ?? '');
    if (marker === null || marker.indent !== first.indent || marker.ordered !== first.ordered)
      break;
    const body: string[] = [marker.text];
    index += 1;
    while (index < lines.length) {
      const line = lines[index] ?? '';
      const indent = line.length - line.trimStart().length;
      if (line.trim() === '') {
        // A blank line continues the item only when indented content follows.
        const next = lines.slice(index + 1).find((candidate) => candidate.trim() !== '');
        const nextIndent = next === undefined ? 0 : next.length - next.trimStart().length;
        if (next === undefined || nextIndent <= first.indent) break;
        body.push('');
        index += 1;
        continue;
      }
      if (indent > first.indent) {
        body.push(line.slice(Math.min(indent, marker.contentOffset)));
        index += 1;
        continue;
      }
      // A lazy continuation of the item's paragraph.
      if (!startsBlock(lines, index) && (body[body.length - 1] ?? '').trim() !== '') {
        body.push(line.trim());
        index += 1;
        continue;
      }
      break;
    }
    items.push(parseBlocks(body, depth + 1));
    // Blank lines between items of one list.
    let next = index;
    while (next < lines.length && (lines[next] ?? '').trim() === '') next += 1;
    const following = markerOf(lines[next] ?? '');
    if (
      next > index &&
      following !== null &&
      following.indent === first.indent &&
      following.ordered === first.ordered
    ) {
      index = next;
    }
  }
  blocks.push({ type: 'list', ordered: first.ordered, start: first.number, items });
  return index;
}

// ---------------------------------------------------------------------------
// Inline

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const BREAK = /^<br\s*\/?>/i;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') out.push({ type: 'text', text: plain });
    plain = '';
  };
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? '';
    const rest = text.slice(index);
    if (char === '\\' && PUNCTUATION.test(text[index + 1] ?? '')) {
      plain += text[index + 1] ?? '';
      index += 2;
      continue;
    }
    if (char === '`') {
      const run = /^`+/.exec(rest)?.[0] ?? '`';
      const close = findCodeClose(text, index + run.length, run.length);
      if (close >= 0) {
        flush();
        let code = text.slice(index + run.length, close).replace(/\n/g, ' ');
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
        out.push({ type: 'code', text: code });
        index = close + run.length;
        continue;
      }
      plain += run;
      index += run.length;
      continue;
    }
    const lineBreak = BREAK.exec(rest);
    if (lineBreak !== null) {
      flush();
      out.push({ type: 'break' });
      index += lineBreak[0].length;
      continue;
    }
    if (char === '*' || char === '_') {
      const emphasis = readEmphasis(text, index);
      if (emphasis !== null) {
        flush();
        out.push(emphasis.node);
        index = emphasis.end;
        continue;
      }
    }
    if (char === '[') {
      const link = readLink(text, index);
      if (link !== null) {
        flush();
        out.push(link.node);
        index = link.end;
        continue;
      }
    }
    plain += char;
    index += 1;
  }
  flush();
  return out;
}

function findCodeClose(text: string, from: number, length: number): number {
  let index = from;
  while (index < text.length) {
    const found = text.indexOf('`'.repeat(length), index);
    if (found < 0) return -1;
    let end = found;
    while (text[end] === '`') end += 1;
    if (end - found === length) return found;
    index = end;
  }
  return -1;
}

function readEmphasis(text: string, start: number): { node: Inline; end: number } | null {
  const char = text[start] ?? '*';
  const double = text[start + 1] === char;
  const width = double ? 2 : 1;
  const after = text[start + width] ?? '';
  if (after === '' || /\s/.test(after)) return null;
  // snake_case words are not emphasis.
  if (char === '_' && /[\p{L}\p{N}]/u.test(text[start - 1] ?? '')) return null;
  const delimiter = char.repeat(width);
  let index = start + width + 1;
  while (index <= text.length - width) {
    if (text[index] === '`') {
      const run = /^`+/.exec(text.slice(index))?.[0] ?? '`';
      const close = findCodeClose(text, index + run.length, run.length);
      index = close < 0 ? index + run.length : close + run.length;
      continue;
    }
    if (text[index] === '\\') {
      index += 2;
      continue;
    }
    if (
      text.startsWith(delimiter, index) &&
      !/\s/.test(text[index - 1] ?? ' ') &&
      (double || (text[index + 1] !== char && text[index - 1] !== char)) &&
      !(char === '_' && /[\p{L}\p{N}]/u.test(text[index + width] ?? ''))
    ) {
      const children = parseInline(text.slice(start + width, index));
      return {
        node: double ? { type: 'strong', children } : { type: 'em', children },
        end: index + width,
      };
    }
    index += 1;
  }
  return null;
}

function readLink(text: string, start: number): { node: Inline; end: number } | null {
  let depth = 0;
  let close = -1;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\\') {
      index += 1;
      continue;
    }
    if (char === '[') depth += 1;
    if (char === ']') {
      depth -= 1;
      if (depth === 0) {
        close = index;
        break;
      }
    }
  }
  if (close < 0 || text[close + 1] !== '(') return null;
  // The target ends at its balanced closing parenthesis: (a(b)) is one target.
  let end = -1;
  let parens = 0;
  for (let index = close + 2; index < text.length; index += 1) {
    const char = text[index];
    if (char === '(') parens += 1;
    if (char === ')') {
      if (parens === 0) {
        end = index;
        break;
      }
      parens -= 1;
    }
  }
  if (end < 0) return null;
  const target =
    text
      .slice(close + 2, end)
      .trim()
      .split(/\s+/)[0] ?? '';
  const children = parseInline(text.slice(start + 1, close));
  const href = safeHref(target);
  // A link to somewhere unsafe (javascript:, data:) keeps its text and loses the link.
  if (href === null) return { node: { type: 'span', children }, end: end + 1 };
  return { node: { type: 'link', href, children }, end: end + 1 };
}

/** Web and mail links, and the app's own paths; nothing a browser would run. */
export function safeHref(target: string): string | null {
  const href = target.replace(/^<|>$/g, '');
  if (/^(https?:|mailto:)/i.test(href)) return href;
  if (/^[/#]/.test(href) && !href.startsWith('//')) return href;
  return null;
}
