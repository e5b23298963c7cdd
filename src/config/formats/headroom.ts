// The headroom/v1 format adapter: one YAML document (a Service or an SLO) in,
// model values out. The schema validates; this maps shapes and locates issues.
import { z } from 'zod';
import type { Service, Sli, Slo, SloWindow } from '../../core/slo/model.js';
import {
  HEADROOM_KINDS,
  serviceDocumentSchema,
  sloDocumentSchema,
  type ServiceDocument,
  type SloDocument,
} from '../../schema/config.js';
import { IssueCollector, type FieldPath, type SourceDocument } from '../document.js';
import { closest, reportZodIssues } from '../zod-issues.js';
import { emptyFormatResult, type FormatResult } from './types.js';

// The issue reporter tells a wrong type from a missing field by the input.
const PARSE_OPTIONS = { reportInput: true };

export function readHeadroomDocument(source: SourceDocument, issues: IssueCollector): FormatResult {
  const result = emptyFormatResult();
  const kind = kindOf(source, issues);
  if (kind === 'Service') {
    const parsed = serviceDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportSchemaIssues(parsed.error, serviceDocumentSchema, source, issues);
      return result;
    }
    result.services.push({ value: toService(parsed.data), source, path: [] });
  } else if (kind === 'SLO') {
    const parsed = sloDocumentSchema.safeParse(source.value, PARSE_OPTIONS);
    if (!parsed.success) {
      reportSchemaIssues(parsed.error, sloDocumentSchema, source, issues);
      return result;
    }
    warnAboutFractionalObjective(parsed.data, source, issues);
    result.slos.push({ value: toSlo(parsed.data), source, path: [] });
  }
  return result;
}

function kindOf(
  source: SourceDocument,
  issues: IssueCollector,
): (typeof HEADROOM_KINDS)[number] | undefined {
  const kind = isRecord(source.value) ? source.value.kind : undefined;
  const expected = `expected one of: ${HEADROOM_KINDS.join(', ')}`;
  if (kind === undefined || kind === null) {
    issues.error(source, ['kind'], 'missing_field', `required field is missing; ${expected}`);
    return undefined;
  }
  const known = HEADROOM_KINDS.find((candidate) => candidate === kind);
  if (known !== undefined) return known;
  const text = typeof kind === 'string' ? kind : JSON.stringify(kind);
  const suggestion = closest(text, HEADROOM_KINDS);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  issues.error(
    source,
    ['kind'],
    'unknown_kind',
    `unknown kind "${text}" for headroom/v1${hint} (${expected})`,
  );
  return undefined;
}

function toService(document: ServiceDocument): Service {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    team: spec.team,
    tier: spec.tier,
    dependencies: spec.dependencies.map(({ service, critical }) => ({ service, critical })),
    runbook: spec.runbook,
    description: spec.description,
    labels: metadata.labels,
  };
}

function toSlo(document: SloDocument): Slo {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    service: spec.service,
    description: spec.description,
    sli: toSli(spec.sli),
    objective: spec.objective,
    window: toWindow(spec.window),
    budgeting:
      spec.timeSliceTarget !== undefined && spec.budgetingMethod === 'timeslices'
        ? { kind: 'timeslices', sliceTarget: spec.timeSliceTarget }
        : { kind: 'occurrences' },
    alerting: {
      enabled: spec.alerting.enabled,
      rules: spec.alerting.rules?.map((rule) => ({
        severity: rule.severity,
        longWindowMinutes: rule.longWindow,
        shortWindowMinutes: rule.shortWindow,
        factor: rule.factor,
      })),
    },
    labels: metadata.labels,
  };
}

function toSli(sli: SloDocument['spec']['sli']): Sli {
  if (sli.threshold !== undefined) {
    const { operator, value, unit } = sli.threshold;
    return { kind: 'threshold', operator, threshold: value, unit, source: { type: 'events' } };
  }
  return { kind: 'ratio', counts: sli.ratio?.counts ?? 'good', source: { type: 'events' } };
}

function toWindow(window: SloDocument['spec']['window']): SloWindow {
  if (typeof window === 'number') return { kind: 'rolling', minutes: window };
  return { kind: 'calendar', unit: window.calendar, timeZone: window.timeZone };
}

/** OpenSLO writes objectives as fractions (0.999); here they are percentages. */
function warnAboutFractionalObjective(
  document: SloDocument,
  source: SourceDocument,
  issues: IssueCollector,
): void {
  const { numerator, denominator } = document.spec.objective;
  if (numerator * 100 >= denominator) return;
  const percent = (numerator * 100) / denominator;
  issues.warning(
    source,
    ['spec', 'objective'],
    'suspicious_objective',
    `objective ${percent} means ${percent} %, below 1 %; objectives are percentages (write 99.9, not 0.999)`,
  );
}

/**
 * Reports every schema issue of a document, in file order. Refinements name their
 * own code (`params.code`); a failed union is reported through the branch that
 * matches the input's type, since "invalid input" helps nobody.
 */
export function reportSchemaIssues(
  error: z.ZodError,
  schema: z.ZodType,
  source: SourceDocument,
  issues: IssueCollector,
): void {
  const found = new IssueCollector();
  for (const { issue, schema: scope, basePath } of scopeIssues(error.issues, schema, [])) {
    const path = [...basePath, ...issue.path.map(segment)];
    const code = codedIssue(issue);
    if (code !== undefined) {
      found.error(source, path, code, issue.message);
    } else if (issue.code === 'invalid_union') {
      const got = describeValue(issue.input);
      found.error(source, path, 'invalid_type', `${issue.message}; got ${got}`);
    } else {
      reportZodIssues(new z.ZodError([issue]), scope, source, basePath, found);
    }
  }
  const ordered = found.issues
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column || a.order - b.order,
    );
  for (const { issue } of ordered) issues.issues.push(issue);
}

/** An issue with the schema its path is relative to (a union branch, or the document). */
interface ScopedIssue {
  readonly issue: z.core.$ZodIssue;
  readonly schema: z.ZodType;
  readonly basePath: FieldPath;
}

function scopeIssues(
  list: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  basePath: FieldPath,
): ScopedIssue[] {
  return list.flatMap((issue) => {
    if (issue.code === 'invalid_union') {
      const matching = issue.errors.flatMap((branch, index) =>
        branch.some(isTypeMismatchAtRoot) ? [] : [{ branch, index }],
      );
      const union = schemaAt(schema, issue.path);
      const [only] = matching;
      const option =
        union instanceof z.ZodUnion && only !== undefined
          ? (union.options as readonly z.ZodType[])[only.index]
          : undefined;
      if (matching.length === 1 && only !== undefined && option !== undefined) {
        return scopeIssues(only.branch, option, [...basePath, ...issue.path.map(segment)]);
      }
    }
    if (issue.code === 'unrecognized_keys') {
      // Zod passes a branch's unknown keys up as the union's own; the object branch knows the keys.
      const union = schemaAt(schema, issue.path);
      const objects =
        union instanceof z.ZodUnion
          ? (union.options as readonly z.ZodType[])
              .map(unwrapSchema)
              .filter((option) => option instanceof z.ZodObject)
          : [];
      const [object] = objects;
      if (objects.length === 1 && object !== undefined) {
        return [
          {
            issue: { ...issue, path: [] },
            schema: object,
            basePath: [...basePath, ...issue.path.map(segment)],
          },
        ];
      }
    }
    return [{ issue, schema, basePath }];
  });
}

function isTypeMismatchAtRoot(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}

/** The schema that validates the value at `path`, through wrappers. */
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

function codedIssue(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'custom') return undefined;
  const code: unknown = issue.params?.code;
  return typeof code === 'string' ? code : undefined;
}

function segment(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
