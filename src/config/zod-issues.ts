// Turns zod validation issues into located config issues: the message says what is
// wrong and what is expected, at the line and column of the offending field.
import type { z } from 'zod';
import type { FieldPath, IssueCollector, SourceDocument } from './document.js';

/** Reports every issue of a failed parse of the value at `basePath` of `source`. */
export function reportZodIssues(
  error: z.ZodError,
  schema: z.ZodType,
  source: SourceDocument,
  basePath: FieldPath,
  issues: IssueCollector,
): void {
  for (const issue of error.issues) {
    const path = [...basePath, ...issue.path.map(pathSegment)];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path.map(pathSegment));
      for (const key of issue.keys) {
        issues.error(
          source,
          [...path, key],
          'unknown_field',
          unknownFieldMessage(key, known),
          true,
        );
      }
      continue;
    }
    issues.error(source, path, codeOf(issue), describe(issue));
  }
}

function pathSegment(segment: PropertyKey): string | number {
  return typeof segment === 'number' ? segment : String(segment);
}

function codeOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'missing_field' : 'invalid_type';
    case 'too_small':
    case 'too_big':
      return 'out_of_range';
    default:
      return issue.code;
  }
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `required field is missing; expected ${issue.expected}`
        : `expected ${issue.expected}, got ${typeName(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      // Custom refinements carry our own wording; zod's defaults are acceptable for the rest.
      return issue.message;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  const suggestion = closest(key, known);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  const expected = known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '';
  return `unknown field "${key}"${hint}${expected}`;
}

/** The keys an object schema allows at `path`, looking through wrappers. */
function knownKeysAt(schema: z.ZodType, path: FieldPath): string[] {
  let current: unknown = schema;
  for (const segment of path) {
    current = unwrap(current);
    const def = definitionOf(current);
    if (def?.type === 'object' && typeof segment === 'string') current = def.shape?.[segment];
    else if (def?.type === 'array') current = def.element;
    else return [];
  }
  const def = definitionOf(unwrap(current));
  return def?.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : [];
}

interface LooseDefinition {
  type?: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  innerType?: unknown;
  in?: unknown;
}

function definitionOf(schema: unknown): LooseDefinition | undefined {
  if (typeof schema !== 'object' || schema === null || !('_zod' in schema)) return undefined;
  const internals = (schema as { _zod: { def?: LooseDefinition } })._zod;
  return internals.def;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let guard = 0; guard < 10; guard += 1) {
    const def = definitionOf(current);
    if (def?.innerType !== undefined) current = def.innerType;
    else if (def?.type === 'pipe' && def.in !== undefined) current = def.in;
    else return current;
  }
  return current;
}

/** The known word within edit distance 2 of `word`, if any: catches typos like `teem`. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
