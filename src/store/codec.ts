// Every difference between SQLite and PostgreSQL, and every conversion between
// database values and domain values, lives in this file.
import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { MinuteCounts } from '../app/ports/records.js';
import { WEEKDAYS, type Weekday } from '../core/oncall/local-time.js';
import type { DailyHours, WorkingHours } from '../core/reports/working-time.js';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(db: Kysely<unknown>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** An auto-assigned integer key: rowid alias on SQLite, an identity bigint on PostgreSQL. */
export function identityColumn(dialect: Dialect): 'integer' | 'bigserial' {
  return dialect === 'postgres' ? 'bigserial' : 'integer';
}
identityColumn.constraints = (
  dialect: Dialect,
  column: ColumnDefinitionBuilder,
): ColumnDefinitionBuilder =>
  // AUTOINCREMENT: ids are never reused, so that readers tailing by id see each row once.
  dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement();

/** A double: REAL on SQLite, double precision on PostgreSQL (its `real` is single precision). */
export function doubleColumn(dialect: Dialect): 'real' | 'double precision' {
  return dialect === 'postgres' ? 'double precision' : 'real';
}

export function encodeJson(value: unknown): string {
  return JSON.stringify(value);
}

export function decodeJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

export function decodeStringArray(text: string): string[] {
  const value = decodeJson(text);
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

export function encodeNullableJson(value: unknown): string | null {
  return value === null ? null : encodeJson(value);
}

/**
 * A person's stored sleep hours. A row the API did not write (a hand-edited database)
 * must not break every report: anything but {start, end} strings reads as the default (null).
 */
export function decodeDailyHours(text: string | null): DailyHours | null {
  if (text === null) return null;
  const value = decodeJson(text) as { start?: unknown; end?: unknown } | null;
  if (typeof value?.start !== 'string' || typeof value.end !== 'string') return null;
  return { start: value.start, end: value.end };
}

/** A person's stored working hours, read as decodeDailyHours reads sleep hours. */
export function decodeWorkingHours(text: string | null): WorkingHours | null {
  const hours = decodeDailyHours(text);
  if (text === null || hours === null) return null;
  const { days } = decodeJson(text) as { days?: unknown };
  if (!Array.isArray(days)) return null;
  const known = new Set<unknown>(WEEKDAYS);
  return { days: days.filter((day): day is Weekday => known.has(day)), ...hours };
}

export function isoOf(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : isoOf(epochMs);
}

/** A unique or primary-key violation, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * Minute counts as stored: `minute,good,total` triples, minutes after the first as
 * offsets from the one before, joined by `;`. Compact text on both databases, and
 * quick to write and read for the batches of hundreds of minutes producers send.
 */
export function encodeMinuteCounts(counts: readonly MinuteCounts[]): string {
  let text = '';
  let previous = 0;
  counts.forEach(({ minute, good, total }, index) => {
    text += `${index === 0 ? '' : ';'}${index === 0 ? minute : minute - previous},${good},${total}`;
    previous = minute;
  });
  return text;
}

export function decodeMinuteCounts(text: string): MinuteCounts[] {
  const counts: MinuteCounts[] = [];
  let minute = 0;
  for (const [index, triple] of text.split(';').entries()) {
    const [step, good, total] = triple.split(',').map(Number);
    minute = index === 0 ? (step ?? 0) : minute + (step ?? 0);
    counts.push({ minute, good: good ?? 0, total: total ?? 0 });
  }
  return counts;
}
