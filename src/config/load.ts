// Reads config files and directories into one validated model. Every problem is
// an issue with file:line:column; nothing throws for a user's mistake.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { ReliabilityModel } from '../core/slo/model.js';
import { IssueCollector, type ConfigIssue, type SourceDocument } from './document.js';
import { readHeadroomDocument } from './formats/headroom.js';
import { readOpenSloDocuments } from './formats/openslo.js';
import { readSlothDocument } from './formats/sloth.js';
import type { FormatResult } from './formats/types.js';
import { validateModel } from './validate-model.js';
import { closest } from './zod-issues.js';

export interface LoadedConfig {
  /** Only what validated; not to be applied when `issues` holds an error. */
  readonly model: ReliabilityModel;
  /** Errors and warnings, grouped by file in reading order, then by position. */
  readonly issues: ConfigIssue[];
  /** The files read, as named in issues. */
  readonly files: string[];
}

export interface LoadOptions {
  /** Relative paths are read from here; issues name them as given. Default: the process's. */
  readonly cwd?: string;
}

const SUPPORTED =
  "apiVersion: headroom/v1, apiVersion: openslo/v1, or Sloth's version: prometheus/v1";

/** Formats people will try that Headroom does not read, with what to do instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  'openslo/v1alpha':
    'OpenSLO v1alpha is not supported; upgrade the document to apiVersion: openslo/v1',
  'openslo.com/v2alpha': 'OpenSLO v2alpha is not supported; write it as apiVersion: openslo/v1',
  'sloth.slok.dev/v1':
    "Sloth's Kubernetes resource (PrometheusServiceLevel) is not supported; write its spec as a Sloth file with version: prometheus/v1",
};

const KNOWN_API_VERSIONS = ['headroom/v1', 'openslo/v1', ...Object.keys(UNSUPPORTED)];

export async function loadConfig(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const issues = new IssueCollector();
  const { files, order } = await findFiles(paths, cwd, issues);

  const results: FormatResult[] = [];
  const openSlo: SourceDocument[] = [];
  for (const file of files) {
    for (const source of await readDocuments(file, cwd, issues)) {
      const format = formatOf(source, issues);
      if (format === 'headroom') results.push(readHeadroomDocument(source, issues));
      else if (format === 'sloth') results.push(readSlothDocument(source, issues));
      else if (format === 'openslo') openSlo.push(source);
    }
  }
  // OpenSLO documents refer to each other across files (SLO -> SLI, AlertPolicy).
  if (openSlo.length > 0) results.push(readOpenSloDocuments(openSlo, issues));

  const model = validateModel(results, issues);
  return { model, issues: inFileOrder(issues.issues, order), files };
}

/** The files to read, and every name an issue may carry in the order they were met. */
async function findFiles(
  paths: readonly string[],
  cwd: string,
  issues: IssueCollector,
): Promise<{ files: string[]; order: string[] }> {
  const files: string[] = [];
  const order: string[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    // Named as given, without `./` or a trailing slash, so that issues and the walk agree.
    const name = path.normalize(given).replace(/(.)[\\/]+$/, '$1');
    order.push(name);
    const found = await statOrUndefined(path.resolve(cwd, name));
    if (found === undefined) {
      issues.fileError(name, 'not_found', 'no such file or directory');
      continue;
    }
    const candidates = found.isDirectory() ? await walk(name, cwd, new Set(), issues) : [name];
    if (found.isDirectory() && candidates.length === 0) {
      issues.fileError(name, 'no_config_files', 'no .yaml or .yml files in this directory');
    }
    for (const file of candidates) {
      // The same file named twice (a directory and a file in it) would clash with itself.
      const identity = await realpath(path.resolve(cwd, file)).catch(() => path.resolve(cwd, file));
      if (seen.has(identity)) continue;
      seen.add(identity);
      files.push(file);
      order.push(file);
    }
  }
  return { files, order };
}

/** YAML files under `directory`, sorted; skips hidden entries and node_modules. */
async function walk(
  directory: string,
  cwd: string,
  visited: Set<string>,
  issues: IssueCollector,
): Promise<string[]> {
  let entries: string[];
  try {
    const real = await realpath(path.resolve(cwd, directory));
    if (visited.has(real)) return []; // a symbolic link loop
    visited.add(real);
    entries = await readdir(path.resolve(cwd, directory));
  } catch (error) {
    issues.fileError(
      directory,
      'unreadable',
      `cannot read the directory: ${(error as Error).message}`,
    );
    return [];
  }
  const names = entries
    .filter((name) => !name.startsWith('.') && name !== 'node_modules')
    .sort(compareText);
  const files: string[] = [];
  for (const name of names) {
    const child = path.join(directory, name);
    const found = await statOrUndefined(path.resolve(cwd, child));
    if (found?.isDirectory() === true) files.push(...(await walk(child, cwd, visited, issues)));
    else if (found?.isFile() === true && /\.ya?ml$/i.test(name)) files.push(child);
  }
  return files;
}

async function statOrUndefined(
  file: string,
): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(file);
  } catch {
    return undefined;
  }
}

/** The documents of one file that parsed; syntax errors become issues and skip their document. */
async function readDocuments(
  file: string,
  cwd: string,
  issues: IssueCollector,
): Promise<SourceDocument[]> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    issues.fileError(file, 'unreadable', `cannot read the file: ${(error as Error).message}`);
    return [];
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const sources: SourceDocument[] = [];
  for (const [index, document] of documents.entries()) {
    if (document.errors.length > 0) {
      reportSyntaxErrors(file, document.errors, lineCounter, issues);
      continue;
    }
    let value: unknown;
    try {
      value = document.toJS();
    } catch (error) {
      const { line, col } = lineCounter.linePos(document.range[0]);
      issues.fileError(file, 'yaml_syntax', `invalid YAML: ${(error as Error).message}`, line, col);
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. a trailing `---`
    sources.push({ file, index, document, lineCounter, value });
  }
  return sources;
}

function reportSyntaxErrors(
  file: string,
  errors: readonly { pos: [number, number]; message: string }[],
  lineCounter: LineCounter,
  issues: IssueCollector,
): void {
  const reported = new Set<number>();
  for (const error of errors) {
    // The parser often raises two errors for one mistake; the first says it best.
    if (reported.has(error.pos[0])) continue;
    reported.add(error.pos[0]);
    const { line, col } = lineCounter.linePos(error.pos[0]);
    issues.fileError(file, 'yaml_syntax', `invalid YAML: ${error.message}`, line, col);
  }
}

type Format = 'headroom' | 'openslo' | 'sloth';

function formatOf(source: SourceDocument, issues: IssueCollector): Format | undefined {
  const { value } = source;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
    issues.error(
      source,
      [],
      'unknown_format',
      `expected a mapping with apiVersion, kind, metadata and spec; got ${found}`,
    );
    return undefined;
  }
  const { apiVersion, version } = value as Record<string, unknown>;
  if (apiVersion === 'headroom/v1') return 'headroom';
  if (apiVersion === 'openslo/v1') return 'openslo';
  if (apiVersion === undefined && version === 'prometheus/v1') return 'sloth';
  if (typeof apiVersion === 'string' && apiVersion in UNSUPPORTED) {
    issues.error(
      source,
      ['apiVersion'],
      'unsupported_format',
      `${UNSUPPORTED[apiVersion] ?? ''}; supported are ${SUPPORTED}`,
    );
    return undefined;
  }
  if (apiVersion === undefined && version !== undefined) {
    issues.error(
      source,
      ['version'],
      'unknown_format',
      `unknown Sloth version ${JSON.stringify(version)}; supported are ${SUPPORTED}`,
    );
    return undefined;
  }
  if (apiVersion === undefined) {
    issues.error(
      source,
      ['apiVersion'],
      'unknown_format',
      `required field is missing; supported are ${SUPPORTED}`,
    );
    return undefined;
  }
  const text = typeof apiVersion === 'string' ? apiVersion : JSON.stringify(apiVersion);
  const suggestion = closest(text, KNOWN_API_VERSIONS);
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  issues.error(
    source,
    ['apiVersion'],
    'unknown_format',
    `unknown apiVersion "${text}"${hint}; supported are ${SUPPORTED}`,
  );
  return undefined;
}

/**
 * Issues of one file together, files in reading order, then by line and column,
 * so that cross-document errors sit among the others of their file.
 */
function inFileOrder(issues: readonly ConfigIssue[], order: readonly string[]): ConfigIssue[] {
  const rank = new Map<string, number>();
  for (const name of order) {
    if (!rank.has(name)) rank.set(name, rank.size);
  }
  const rankOf = (file: string): number => rank.get(file) ?? rank.size;
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) =>
        rankOf(a.issue.file) - rankOf(b.issue.file) ||
        a.issue.line - b.issue.line ||
        a.issue.column - b.issue.column ||
        a.order - b.order,
    )
    .map(({ issue }) => issue);
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
