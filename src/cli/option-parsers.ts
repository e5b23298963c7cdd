// Parsers of option values shared by commands: commander reports their errors with the flag.
import { InvalidArgumentError } from 'commander';

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
