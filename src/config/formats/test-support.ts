// Builds SourceDocuments from YAML text the way the loader does, so that format
// adapters can be tested without touching the file system.
import { LineCounter, parseAllDocuments } from 'yaml';
import type { ConfigIssue, SourceDocument } from '../document.js';

/** Every document of a (multi-document) YAML text. Throws on YAML syntax errors: a test typo. */
export function sourceDocumentsFrom(text: string, file = 'config.yaml'): SourceDocument[] {
  const lineCounter = new LineCounter();
  const documents = Array.from(parseAllDocuments(text, { lineCounter }));
  return documents.map((document, index) => {
    const [firstError] = document.errors;
    if (firstError !== undefined) throw new Error(`YAML error in ${file}: ${firstError.message}`);
    return { file, index, document, lineCounter, value: document.toJS() as unknown };
  });
}

/** The only document of a YAML text. */
export function sourceDocumentFrom(text: string, file = 'config.yaml'): SourceDocument {
  const documents = sourceDocumentsFrom(text, file);
  const [only] = documents;
  if (only === undefined || documents.length !== 1) {
    throw new Error(`expected one YAML document in ${file}, found ${documents.length}`);
  }
  return only;
}

/** Issues as one line each, `file:line:column severity code path: message`, for compact assertions. */
export function describeIssues(issues: readonly ConfigIssue[]): string[] {
  return issues.map(
    (issue) =>
      `${issue.file}:${issue.line}:${issue.column} ${issue.severity} ${issue.code} ${issue.path}: ${issue.message}`,
  );
}
