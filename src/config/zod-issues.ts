// Turns zod validation issues into located config issues: the message says what is
// wrong and what is expected, at the line and column of the offending field. Every
// config format reports through here, so the same mistake reads the same in each.
//
// Parse with `{ reportInput: true }`: a missing field is told from a wrong type by
// the input, which zod keeps only then.
import { z } from 'zod';
import { IssueCollector, type FieldPath, type SourceDocument } from './document.js';

/** Reports every issue of a failed parse of the value at `basePath`, in file order. */
export function reportZodIssues(
  error: z.ZodError,
  schema: z.ZodType,
  source: SourceDocument,
  basePath: FieldPath,
  issues: IssueCollector,
): void {
  const found = new IssueCollector();
  for (const { issue, schema: scope, basePath: scopePath } of scopeIssues(
    error.issues,
    schema,
    basePath,
  )) {
    const path = [...scopePath, ...issue.path.map(pathSegment)];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(scope, issue.path);
      for (const key of issue.keys) {
        found.error(source, [...path, key], 'unknown_field', unknownFieldMessage(key, known), true);
      }
      continue;
    }
    found.error(source, path, codeOf(issue), describe(issue));
  }
  const ordered = found.issues
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column || a.order - b.order,
    );
  for (const { issue } of ordered) issues.issues.push(issue);
}

/** An issue with the schema its path is relative to (a union branch, or the whole value). */
interface ScopedIssue {
  readonly issue: z.core.$ZodIssue;
  readonly schema: z.ZodType;
  readonly basePath: FieldPath;
}

/**
 * Zod reports a value that matches no branch of a union as one opaque issue. When
 * exactly one branch accepts the value's type (a string for `window: 30x`, a mapping
 * for `window: {calendar: …}`), or only one of the object branches knows every key
 * given (`schedule: {every: 5q}`), that branch's own issues say far more.
 */
function scopeIssues(
  list: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  basePath: FieldPath,
): ScopedIssue[] {
  return list.flatMap((issue) => {
    const union = schemaAt(schema, issue.path);
    const options = union instanceof z.ZodUnion ? (union.options as readonly z.ZodType[]) : [];
    const here = [...basePath, ...issue.path.map(pathSegment)];
    if (issue.code === 'invalid_union') {
      const ofType = issue.errors.flatMap((branch, index) =>
        branch.some(isTypeMismatchAtRoot) ? [] : [{ branch, option: options[index] }],
      );
      // Mappings fit every object branch: the one that knows all the keys given is meant.
      const withKnownKeys = ofType.filter(({ branch }) => !branch.some(isUnknownKeyAtRoot));
      const matching = ofType.length > 1 && withKnownKeys.length === 1 ? withKnownKeys : ofType;
      const [only] = matching;
      if (matching.length === 1 && only?.option !== undefined) {
        return scopeIssues(only.branch, only.option, here);
      }
    }
    if (issue.code === 'unrecognized_keys') {
      // Zod passes a branch's unknown keys up as the union's own; the object branch knows the keys.
      const objects = options.map(unwrapSchema).filter((option) => option instanceof z.ZodObject);
      const [object] = objects;
      if (objects.length === 1 && object !== undefined) {
        return [{ issue: { ...issue, path: [] }, schema: object, basePath: here }];
      }
    }
    return [{ issue, schema, basePath }];
  });
}

function isTypeMismatchAtRoot(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}

function isUnknownKeyAtRoot(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'unrecognized_keys' && issue.path.length === 0;
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
    case 'custom': {
      // Our refinements name their mistake (schema/coded-issue.ts); a bare custom
      // check only tests the type of a value.
      const code: unknown = issue.params?.code;
      return typeof code === 'string' ? code : 'invalid_type';
    }
    case 'invalid_union':
      return 'invalid_type';
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
    case 'invalid_union':
      return `${issue.message}; got ${unionInputName(issue.input)}`;
    default:
      // Custom refinements carry our own wording; zod's defaults are acceptable for the rest.
      return issue.message;
  }
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Which shape was given, where a union of mappings is told apart by their keys. */
function unionInputName(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return typeName(value);
  const keys = Object.keys(value);
  if (keys.length === 0) return 'an empty mapping';
  const last = keys.pop() ?? '';
  return `a mapping with ${keys.length === 0 ? last : `${keys.join(', ')} and ${last}`}`;
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  const suggestion = closest(key, known);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  const expected = known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '';
  return `unknown field "${key}"${hint}${expected}`;
}

function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const object = schemaAt(schema, path);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

/** The schema that validates the value at `path`, looking through wrappers. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrapSchema(schema);
  for (const key of path) {
    if (current instanceof z.ZodObject && typeof key === 'string') {
      current = current.shape[key] as z.ZodType | undefined;
    } else if (current instanceof z.ZodArray) {
      current = current.element as z.ZodType;
    } else {
      return undefined;
    }
    current = current === undefined ? undefined : unwrapSchema(current);
  }
  return current;
}

function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
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
