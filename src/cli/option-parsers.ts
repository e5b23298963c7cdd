// Parsers of option values shared by commands: commander reports their errors with the flag.
import { InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';

/** Repeatable options; no default, so that help does not show an empty list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  if (value === '') throw new InvalidArgumentError('must not be empty.');
  return [...(previous ?? []), value];
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('expected a whole number above 0.');
  }
  return parsed;
}

/** A parser of counts from `minimum` (1 unless given) to `maximum`, such as --limit and --pings. */
export function wholeNumberUpTo(maximum: number, minimum = 1): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(
        `expected a whole number from ${String(minimum)} to ${String(maximum)}.`,
      );
    }
    return parsed;
  };
}

/**
 * A plain date (2026-12-01) as the start of that day in `zone`, as an ISO instant;
 * anything else is passed on for the server to read.
 */
export function instantOption(text: string, zone: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const day = DateTime.fromISO(text, { zone });
  return day.isValid ? day.startOf('day').toUTC().toISO() : text;
}
