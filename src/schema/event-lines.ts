// NDJSON event lines: `{"ts":"2026-11-01T10:00:00Z","slo":"checkout","good":12,"total":13}`,
// the counts of one minute of one SLO. Pure: the caller reads the bytes and feeds them in.
//
// Speed matters (a month of per-minute counts for many SLOs is millions of lines), so
// each line is first read straight from the input bytes by a scanner for the exact
// shape producers write, which allocates nothing. Anything else (other key order,
// spaces, escapes, offsets, mistakes) is decoded and goes through JSON.parse and careful
// checks, the only place reasons are worded: the fast path never rejects, it only
// declines, so both paths accept exactly the same lines with the same result.

/** One valid event line. `good` is derived from `bad` when the line gives `bad`. */
export interface ParsedEvent {
  /** Index of the SLO in the lookup (config order). */
  slo: number;
  /** Epoch minute: `Math.floor(ms / 60000)` of the timestamp. */
  minute: number;
  good: number;
  total: number;
}

/** SLO name -> index, for every SLO in the config. */
export type SloLookup = ReadonlyMap<string, number>;

export type EventLineResult =
  | { readonly ok: true; readonly event: Readonly<ParsedEvent> }
  | { readonly ok: false; readonly reason: string };

export type TimestampResult =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string };

/** Parses one line (without its line break). Blank lines are the caller's to skip. */
export function parseEventLine(line: string, slos: SloLookup): EventLineResult {
  const event: ParsedEvent = { slo: 0, minute: 0, good: 0, total: 0 };
  const bytes = Buffer.from(line, 'utf8');
  if (readCanonicalEvent(bytes, 0, bytes.length, nameTableOf(slos), event)) {
    return { ok: true, event };
  }
  const reason = readAnyLine(line, slos, event);
  return reason === undefined ? { ok: true, event } : { ok: false, reason };
}

/** True for lines holding nothing but whitespace; they separate nothing and are ignored. */
export function isBlankLine(line: string): boolean {
  if (line.length === 0) return true;
  const first = line.charCodeAt(0);
  if (first !== 0x20 && first !== 0x09 && first !== 0x0d) return false;
  return line.trim() === '';
}

// ---------------------------------------------------------------------------
// Fast path: `{"ts":"<YYYY-MM-DDTHH:MM:SS(.f+)?Z>","slo":"<name>","good"|"bad":<n>,"total":<n>}`
// read in place from the input bytes, without decoding the line or cutting out the name.

const bytesOf = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const OPEN_TS = bytesOf('{"ts":"');
const AFTER_TS = bytesOf('","slo":"');
const GOOD_KEY = bytesOf('","good":');
const BAD_KEY = bytesOf('","bad":');
const TOTAL_KEY = bytesOf(',"total":');
const QUOTE = 0x22;
const BYTE_ORDER_MARK = bytesOf('\uFEFF');

/** SLO names by a hash of their UTF-8 bytes, so that a name is found without decoding it. */
interface NameTable {
  /** Hash -> position in `names`, or -1 when two names share the hash. */
  readonly byHash: Map<number, number>;
  readonly names: readonly Uint8Array[];
  readonly indices: readonly number[];
}

const nameTables = new WeakMap<SloLookup, NameTable>();

function nameTableOf(slos: SloLookup): NameTable {
  let table = nameTables.get(slos);
  if (table === undefined) {
    const byHash = new Map<number, number>();
    const names: Uint8Array[] = [];
    const indices: number[] = [];
    for (const [name, index] of slos) {
      const bytes = bytesOf(name);
      const hash = hashOf(bytes, 0, bytes.length);
      byHash.set(hash, byHash.has(hash) ? -1 : names.length);
      names.push(bytes);
      indices.push(index);
    }
    table = { byHash, names, indices };
    nameTables.set(slos, table);
  }
  return table;
}

/** FNV-1a. */
function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ (bytes[i] ?? 0), 0x01000193);
  return hash;
}

function bytesAt(bytes: Uint8Array, at: number, literal: Uint8Array): boolean {
  if (at + literal.length > bytes.length) return false;
  for (let i = 0; i < literal.length; i += 1) {
    if (bytes[at + i] !== literal[i]) return false;
  }
  return true;
}

/** Where readDigits stopped; module state so that the hot loop allocates nothing. */
let cursor = 0;

/** Reads bytes[start, end) if it has exactly the canonical shape; false declines, never rejects. */
function readCanonicalEvent(
  bytes: Uint8Array,
  start: number,
  end: number,
  names: NameTable,
  out: ParsedEvent,
): boolean {
  if (!bytesAt(bytes, start, OPEN_TS)) return false;
  const tsStart = start + OPEN_TS.length;
  let tsEnd = tsStart;
  while (tsEnd < end && bytes[tsEnd] !== QUOTE) tsEnd += 1;
  if (tsEnd === end) return false;
  const minute = readUtcMinute(bytes, tsStart, tsEnd);
  if (Number.isNaN(minute) || !bytesAt(bytes, tsEnd, AFTER_TS)) return false;
  const nameStart = tsEnd + AFTER_TS.length;
  let hash = 0x811c9dc5;
  let nameEnd = nameStart;
  for (; nameEnd < end; nameEnd += 1) {
    const byte = bytes[nameEnd] ?? 0;
    if (byte === QUOTE) break;
    // Escapes and control characters are left to JSON.parse.
    if (byte === 0x5c || byte < 0x20) return false;
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  const entry = names.byHash.get(hash);
  if (entry === undefined || entry < 0) return false;
  const name = names.names[entry];
  if (name?.length !== nameEnd - nameStart || !bytesAt(bytes, nameStart, name)) return false;
  let countsBad: boolean;
  if (bytesAt(bytes, nameEnd, GOOD_KEY)) {
    countsBad = false;
    cursor = nameEnd + GOOD_KEY.length;
  } else if (bytesAt(bytes, nameEnd, BAD_KEY)) {
    countsBad = true;
    cursor = nameEnd + BAD_KEY.length;
  } else {
    return false;
  }
  const first = readDigits(bytes, end);
  if (first < 0 || !bytesAt(bytes, cursor, TOTAL_KEY)) return false;
  cursor += TOTAL_KEY.length;
  const total = readDigits(bytes, end);
  if (total < 0 || cursor !== end - 1 || bytes[cursor] !== 0x7d) return false;
  if (first > total) return false;
  out.slo = names.indices[entry] ?? 0;
  out.minute = minute;
  out.good = countsBad ? total - first : first;
  out.total = total;
  return true;
}

/** A JSON non-negative integer of at most 15 digits at `cursor`, or -1. */
function readDigits(bytes: Uint8Array, end: number): number {
  const start = cursor;
  let value = 0;
  let position = start;
  for (; position < end; position += 1) {
    const digit = (bytes[position] ?? 0) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  const length = position - start;
  // Leading zeros are not JSON; more than 15 digits may leave the safe integers.
  if (length === 0 || length > 15 || (length > 1 && bytes[start] === 0x30)) return -1;
  cursor = position;
  return value;
}

/** The last date read, and its day number: consecutive lines mostly share the date. */
let lastDateKey = -1;
let lastDateDays = 0;

/** Epoch minute of `YYYY-MM-DDTHH:MM:SS(.f+)?Z` in bytes[start, end), or NaN. */
function readUtcMinute(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 20) return NaN;
  if (
    bytes[start + 4] !== 0x2d ||
    bytes[start + 7] !== 0x2d ||
    bytes[start + 10] !== 0x54 ||
    bytes[start + 13] !== 0x3a ||
    bytes[start + 16] !== 0x3a ||
    bytes[end - 1] !== 0x5a
  ) {
    return NaN;
  }
  if (length > 20) {
    if (length === 21 || bytes[start + 19] !== 0x2e) return NaN;
    for (let i = start + 20; i < end - 1; i += 1) {
      const digit = (bytes[i] ?? 0) - 0x30;
      if (digit < 0 || digit > 9) return NaN;
    }
  }
  const year = twoDigits(bytes, start) * 100 + twoDigits(bytes, start + 2);
  const month = twoDigits(bytes, start + 5);
  const day = twoDigits(bytes, start + 8);
  const hour = twoDigits(bytes, start + 11);
  const minute = twoDigits(bytes, start + 14);
  const second = twoDigits(bytes, start + 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return NaN;
  const dateKey = (year * 100 + month) * 100 + day;
  if (dateKey !== lastDateKey) {
    if (!validDate(year, month, day)) return NaN;
    lastDateKey = dateKey;
    lastDateDays = daysFromCivil(year, month, day);
  }
  return lastDateDays * 1440 + hour * 60 + minute;
}

/** Two decimal digits at `at`, or a large negative number that fails every range check. */
function twoDigits(bytes: Uint8Array, at: number): number {
  const tens = (bytes[at] ?? 0) - 0x30;
  const ones = (bytes[at + 1] ?? 0) - 0x30;
  if (tens < 0 || tens > 9 || ones < 0 || ones > 9) return -1e6;
  return tens * 10 + ones;
}

function validDate(year: number, month: number, day: number): boolean {
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** RFC 3339 allows a leap second (:60); it belongs to the minute it ends. */
function validTime(hour: number, minute: number, second: number): boolean {
  return hour <= 23 && minute <= 59 && second <= 60;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). Unlike
 * Date.UTC it does not read years 0-99 as 1900-1999.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

// ---------------------------------------------------------------------------
// General path: any valid JSON object, with a reason for every way a line can be wrong.

const FIELDS = new Set(['ts', 'slo', 'good', 'bad', 'total']);

function readAnyLine(line: string, slos: SloLookup, out: ParsedEvent): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON (expected one JSON object per line)';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `expected a JSON object, got ${Array.isArray(value) ? 'an array' : show(value)}`;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!FIELDS.has(key))
      return `unknown field ${show(key)} (expected ts, slo, good or bad, total)`;
  }
  const ts = record.ts;
  if (ts === undefined) return 'missing "ts"';
  if (typeof ts !== 'string') return `"ts" must be a string, got ${show(ts)}`;
  const time = parseTimestamp(ts);
  if (!time.ok) return `"ts" ${time.reason}`;
  const sloName = record.slo;
  if (sloName === undefined) return 'missing "slo"';
  if (typeof sloName !== 'string') return `"slo" must be a string, got ${show(sloName)}`;
  const slo = slos.get(sloName);
  if (slo === undefined) return `unknown SLO ${show(sloName)}: no SLO of that name in the config`;
  const hasGood = record.good !== undefined;
  const hasBad = record.bad !== undefined;
  if (hasGood && hasBad) return 'give either "good" or "bad", not both';
  if (!hasGood && !hasBad) return 'missing "good" (or "bad")';
  const countName = hasGood ? 'good' : 'bad';
  const count = record[countName];
  if (!isCount(count)) return `"${countName}" must be a non-negative integer, got ${show(count)}`;
  const total = record.total;
  if (total === undefined) return 'missing "total"';
  if (!isCount(total)) return `"total" must be a non-negative integer, got ${show(total)}`;
  if (count > total) return `"${countName}" (${count}) is greater than "total" (${total})`;
  out.slo = slo;
  out.minute = Math.floor(time.ms / 60_000);
  // `+ 0` turns a JSON -0 into 0.
  out.good = (hasGood ? count : total - count) + 0;
  out.total = total + 0;
  return undefined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const RFC_3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 date-time with a zone (`Z` or `±hh:mm`; fractional seconds allowed) as epoch
 * milliseconds, truncated to the millisecond. A leap second (`:60`) is the last millisecond
 * of its minute. The reason, when there is one, reads after the name of the field.
 */
export function parseTimestamp(text: string): TimestampResult {
  const match = RFC_3339.exec(text);
  if (match === null) {
    return {
      ok: false,
      reason: `is not an RFC 3339 timestamp with a time zone, such as 2026-11-01T10:00:00Z or 2026-11-01T11:00:00+01:00: ${show(text)}`,
    };
  }
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (!validDate(year, month, day)) {
    return { ok: false, reason: `has a date that does not exist: ${show(text)}` };
  }
  if (!validTime(hour, minute, second)) {
    return { ok: false, reason: `has a time of day that does not exist: ${show(text)}` };
  }
  let offset = 0;
  if (zulu === undefined) {
    const hours = Number(offsetHours);
    const minutes = Number(offsetMinutes);
    if (hours > 23 || minutes > 59) {
      return { ok: false, reason: `has an offset that does not exist: ${show(text)}` };
    }
    offset = (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis =
    second === 60 ? 59_999 : second * 1000 + Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const ms =
    (daysFromCivil(year, month, day) * 1440 + hour * 60 + minute - offset) * 60_000 + millis;
  return { ok: true, ms };
}

// ---------------------------------------------------------------------------
// Splitting a byte stream into lines.

export interface BadLine {
  /** 1-based line number in the input, blank lines included. */
  readonly line: number;
  readonly reason: string;
}

export interface EventLineReaderOptions {
  /** How many bad lines to keep with their reasons; all of them are counted. */
  readonly keepBadLines?: number;
  /** Stop at the first bad line (`--strict`): later lines are not read. */
  readonly stopAtFirstBadLine?: boolean;
  /** Longest line accepted, in bytes; protects memory against input that is not NDJSON. */
  readonly maxLineBytes?: number;
}

export type EventSink = (slo: number, minute: number, good: number, total: number) => void;

/**
 * Turns Buffer chunks of NDJSON into events. Lines are found and read on the bytes; only
 * lines off the fast path are decoded. Several times faster than readline.
 */
export class EventLineReader {
  /** Non-blank lines read, valid or not. */
  eventLines = 0;
  badLineCount = 0;
  readonly badLines: BadLine[] = [];
  /** Latest minute of any valid event; -Infinity when there is none. */
  maxMinute = Number.NEGATIVE_INFINITY;
  /** Physical lines read so far, blank lines included. */
  lineNumber = 0;
  /** True once reading stopped at a bad line (only with stopAtFirstBadLine). */
  stopped = false;

  /** The start of a line whose end is in a later chunk. */
  private carry: Buffer | undefined;
  private skippingLongLine = false;
  private readonly event: ParsedEvent = { slo: 0, minute: 0, good: 0, total: 0 };
  private readonly names: NameTable;
  private readonly keepBadLines: number;
  private readonly stopAtFirstBadLine: boolean;
  private readonly maxLineBytes: number;

  constructor(
    private readonly slos: SloLookup,
    private readonly sink: EventSink,
    options: EventLineReaderOptions = {},
  ) {
    this.keepBadLines = options.keepBadLines ?? 10;
    this.stopAtFirstBadLine = options.stopAtFirstBadLine ?? false;
    this.maxLineBytes = options.maxLineBytes ?? 1 << 20;
    this.names = nameTableOf(slos);
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    let position = 0;
    if (this.skippingLongLine) {
      const newline = chunk.indexOf(0x0a);
      if (newline < 0) return;
      this.skippingLongLine = false;
      position = newline + 1;
    }
    if (this.carry !== undefined) {
      const newline = chunk.indexOf(0x0a, position);
      if (newline < 0) {
        this.keep(chunk.subarray(position));
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(position, newline)]);
      this.carry = undefined;
      if (!this.readLine(line, 0, line.length)) return;
      position = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(0x0a, position);
      if (newline < 0) break;
      if (!this.readLine(chunk, position, newline)) return;
      position = newline + 1;
    }
    if (position < chunk.length) this.keep(chunk.subarray(position));
  }

  /** Reads the last line when the input does not end with a line break. */
  end(): void {
    if (this.stopped || this.carry === undefined) return;
    const line = this.carry;
    this.carry = undefined;
    this.readLine(line, 0, line.length);
  }

  private keep(rest: Buffer): void {
    const length = (this.carry?.length ?? 0) + rest.length;
    if (length > this.maxLineBytes) {
      this.carry = undefined;
      this.skippingLongLine = true;
      this.lineNumber += 1;
      this.eventLines += 1;
      this.bad(`line is longer than ${this.maxLineBytes} bytes; is this an NDJSON file?`);
      return;
    }
    // Copied: the stream may reuse the chunk's memory once we return.
    this.carry = this.carry === undefined ? Buffer.from(rest) : Buffer.concat([this.carry, rest]);
  }

  /** Reads one line; false once reading has stopped at a bad line. */
  private readLine(bytes: Buffer, start: number, lineEnd: number): boolean {
    let from = start;
    let end = lineEnd;
    if (end > from && bytes[end - 1] === 0x0d) end -= 1;
    if (this.lineNumber === 0 && bytesAt(bytes, from, BYTE_ORDER_MARK)) from += 3;
    this.lineNumber += 1;
    const event = this.event;
    if (readCanonicalEvent(bytes, from, end, this.names, event)) {
      this.eventLines += 1;
      this.accept(event);
      return true;
    }
    const line = bytes.toString('utf8', from, end);
    if (isBlankLine(line)) return true;
    this.eventLines += 1;
    const reason = readAnyLine(line, this.slos, event);
    if (reason === undefined) {
      this.accept(event);
      return true;
    }
    this.bad(reason);
    return !this.stopAtFirstBadLine;
  }

  private accept(event: ParsedEvent): void {
    if (event.minute > this.maxMinute) this.maxMinute = event.minute;
    this.sink(event.slo, event.minute, event.good, event.total);
  }

  private bad(reason: string): void {
    this.badLineCount += 1;
    if (this.badLines.length < this.keepBadLines) {
      this.badLines.push({ line: this.lineNumber, reason });
    }
    if (this.stopAtFirstBadLine) this.stopped = true;
  }
}
