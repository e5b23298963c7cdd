// A YAML document as read from disk, and the issues found in it, located by
// file:line:column and field path. Every config format adapter works on these.
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export type FieldPath = readonly (string | number)[];

export interface SourceDocument {
  readonly file: string;
  /** 0-based position of the document in its file (multi-document YAML). */
  readonly index: number;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain JS (`document.toJS()`). */
  readonly value: unknown;
}

export type IssueSeverity = 'error' | 'warning';

export interface ConfigIssue {
  readonly severity: IssueSeverity;
  /** Stable, machine-readable kind of mistake, e.g. `unknown_field`, `duplicate_name`. */
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted field path inside the document, e.g. `spec.dependencies[0].service`. */
  readonly path: string;
  /** What is wrong and what is expected. */
  readonly message: string;
}

/** A value of the model together with where it was written, for cross-document errors. */
export interface Located<T> {
  readonly value: T;
  readonly source: SourceDocument;
  readonly path: FieldPath;
}

export function formatFieldPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/**
 * Line and column (1-based) of the node at `path`. With `atKey`, of the key that
 * names it (the right place for "unknown field"). Falls back to the nearest
 * ancestor that exists, then to the document start.
 */
export function positionOf(
  source: SourceDocument,
  path: FieldPath,
  atKey = false,
): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const offset = offsetOf(source.document, path.slice(0, depth), atKey && depth === path.length);
    if (offset !== undefined) {
      const { line, col } = source.lineCounter.linePos(offset);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

function offsetOf(document: Document.Parsed, path: FieldPath, atKey: boolean): number | undefined {
  let node: unknown = document.contents;
  let keyOffset: number | undefined;
  for (const segment of path) {
    keyOffset = undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (pair === undefined) return undefined;
      keyOffset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return undefined;
    }
  }
  if (atKey && keyOffset !== undefined) return keyOffset;
  if (isNode(node)) return node.range?.[0];
  return keyOffset;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/** Collects issues in the order found; errors and warnings alike. */
export class IssueCollector {
  readonly issues: ConfigIssue[] = [];

  error(
    source: SourceDocument,
    path: FieldPath,
    code: string,
    message: string,
    atKey = false,
  ): void {
    this.add('error', source, path, code, message, atKey);
  }

  warning(
    source: SourceDocument,
    path: FieldPath,
    code: string,
    message: string,
    atKey = false,
  ): void {
    this.add('warning', source, path, code, message, atKey);
  }

  /** An issue about a whole file (unreadable, not YAML), not a field. */
  fileError(file: string, code: string, message: string, line = 1, column = 1): void {
    this.issues.push({ severity: 'error', code, file, line, column, path: '', message });
  }

  get hasErrors(): boolean {
    return this.issues.some((issue) => issue.severity === 'error');
  }

  private add(
    severity: IssueSeverity,
    source: SourceDocument,
    path: FieldPath,
    code: string,
    message: string,
    atKey: boolean,
  ): void {
    const { line, column } = positionOf(source, path, atKey);
    this.issues.push({
      severity,
      code,
      file: source.file,
      line,
      column,
      path: formatFieldPath(path),
      message,
    });
  }
}

/** `file:line:column: error: path: message` — the format editors and CI annotate. */
export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const field = issue.path === '' ? '' : `${issue.path}: `;
  return `${where}: ${issue.severity}: ${field}${issue.message} [${issue.code}]`;
}
