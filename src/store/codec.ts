// Every difference between SQLite and PostgreSQL, and every conversion between
// database values and domain values, lives in this file.
import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { MinuteCounts } from '../app/ports/records.js';

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
