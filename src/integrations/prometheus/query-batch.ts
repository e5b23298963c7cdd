// Many SLI expressions in few Prometheus queries. Two steps:
//  1. Expressions of the common shape `sum(rate(metric{…, L="v", …}[w]))` that differ only
//     in the value of one equality matcher are read together as one
//     `sum by (L) (rate(metric{…, L=~"v1|v2|…"}[w]))`: a thousand services sharing one
//     request counter cost one selector, not a thousand.
//  2. Whatever is left is tagged with label_replace and joined with `or` into one
//     expression per HTTP request, so a cycle needs requests per window, not per SLO.
// Pure: expressions in, PromQL out; samples in, one value per expression out.

/** One part of a combined query, answering one or more of the input expressions. */
export type BatchUnit =
  | { readonly kind: 'whole'; readonly expr: string; readonly index: number }
  | {
      readonly kind: 'by-label';
      readonly expr: string;
      readonly label: string;
      /** Input expressions by the value of `label` their sample carries (grouped values hold no escapes). */
      readonly indexesByValue: ReadonlyMap<string, readonly number[]>;
    };

export const TAG_LABEL = 'headroom_expr';

interface Matcher {
  readonly name: string;
  readonly op: string;
  /** As written between the quotes. */
  readonly value: string;
}

interface SharedShape {
  readonly fn: string;
  readonly metric: string;
  readonly matchers: readonly Matcher[];
  readonly range: string;
}

const SHARED_SHAPE =
  /^\s*sum\s*\(\s*(rate|increase)\s*\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*\{([^{}]*)\}\s*\[\s*([0-9smhdwy]+)\s*\]\s*\)\s*\)\s*$/;
const MATCHER = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const REGEX_META = /[.*+?^${}()|[\]\\]/g;

/**
 * The units that answer `expressions` (which should hold no duplicates); units name an
 * expression by `positions[i]` when given (its place in a longer list), else by `i`.
 */
export function planUnits(
  expressions: readonly string[],
  positions?: readonly number[],
): BatchUnit[] {
  const positionOf = (index: number): number => positions?.[index] ?? index;
  const shapes = expressions.map(sharedShape);
  // Candidate groups: for every equality matcher of an expression, the expression
  // without it. Larger groups are taken first; each expression joins at most one.
  const candidates = new Map<string, { label: string; shape: SharedShape; members: number[] }>();
  shapes.forEach((shape, index) => {
    if (shape === undefined) return;
    for (const matcher of shape.matchers) {
      if (matcher.op !== '=' || matcher.value.includes('\\')) continue;
      const rest = shape.matchers.filter((other) => other !== matcher);
      const key = JSON.stringify([
        shape.fn,
        shape.metric,
        shape.range,
        matcher.name,
        canonical(rest),
      ]);
      let group = candidates.get(key);
      if (group === undefined) {
        group = { label: matcher.name, shape: { ...shape, matchers: rest }, members: [] };
        candidates.set(key, group);
      }
      group.members.push(index);
    }
  });
  const assigned = new Set<number>();
  const units: BatchUnit[] = [];
  const groups = [...candidates.values()].sort((a, b) => b.members.length - a.members.length);
  for (const group of groups) {
    const members = group.members.filter((index) => !assigned.has(index));
    if (members.length < 2) continue;
    const indexesByValue = new Map<string, number[]>();
    for (const index of members) {
      assigned.add(index);
      const value = shapes[index]?.matchers.find(
        (matcher) => matcher.name === group.label && matcher.op === '=',
      )?.value;
      if (value === undefined) continue;
      const indexes = indexesByValue.get(value);
      if (indexes === undefined) indexesByValue.set(value, [positionOf(index)]);
      else indexes.push(positionOf(index));
    }
    const { fn, metric, matchers, range } = group.shape;
    const alternatives = [...indexesByValue.keys()].map((value) =>
      value.replace(REGEX_META, (char) => `\\\\${char}`),
    );
    const selector = [
      `${group.label}=~"${alternatives.join('|')}"`,
      ...matchers.map((matcher) => `${matcher.name}${matcher.op}"${matcher.value}"`),
    ].join(', ');
    units.push({
      kind: 'by-label',
      expr: `sum by (${group.label}) (${fn}(${metric}{${selector}}[${range}]))`,
      label: group.label,
      indexesByValue,
    });
  }
  expressions.forEach((expr, index) => {
    if (!assigned.has(index)) units.push({ kind: 'whole', expr, index: positionOf(index) });
  });
  return units;
}

/**
 * One PromQL expression holding every unit, each tagged with its position; a balanced
 * tree of `or`, so that Prometheus matches label sets O(n log n), not O(n²).
 */
export function combine(units: readonly BatchUnit[]): string {
  const tagged = units.map(
    (unit, position) => `label_replace(${unit.expr}, "${TAG_LABEL}", "${position}", "", "")`,
  );
  const join = (from: number, to: number): string => {
    if (to - from === 1) return tagged[from] ?? '';
    const middle = Math.floor((from + to) / 2);
    return `(${join(from, middle)}) or (${join(middle, to)})`;
  };
  return units.length === 0 ? '' : join(0, units.length);
}

export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * The value of each input expression from the samples of a combined query: the sum of
 * its series (an SLI query should give one), undefined when it gave none.
 */
export function readSamples(
  units: readonly BatchUnit[],
  samples: readonly Sample[],
  values: (number | undefined)[],
): void {
  for (const sample of samples) {
    const unit = units[Number(sample.metric[TAG_LABEL])];
    if (unit === undefined) continue;
    const indexes =
      unit.kind === 'whole'
        ? [unit.index]
        : (unit.indexesByValue.get(sample.metric[unit.label] ?? '') ?? []);
    for (const index of indexes) values[index] = (values[index] ?? 0) + sample.value;
  }
}

function sharedShape(expr: string): SharedShape | undefined {
  const match = SHARED_SHAPE.exec(expr);
  if (match === null) return undefined;
  const [, fn, metric, body, range] = match;
  if (fn === undefined || metric === undefined || body === undefined || range === undefined) {
    return undefined;
  }
  const matchers: Matcher[] = [];
  MATCHER.lastIndex = 0;
  while (MATCHER.lastIndex < body.length) {
    const start = MATCHER.lastIndex;
    const found = MATCHER.exec(body);
    if (found === null)
      return body.slice(start).trim() === '' ? { fn, metric, matchers, range } : undefined;
    const [, name, op, value] = found;
    if (name === undefined || op === undefined || value === undefined) return undefined;
    matchers.push({ name, op, value });
  }
  return { fn, metric, matchers, range };
}

function canonical(matchers: readonly Matcher[]): string {
  return matchers
    .map((matcher) => `${matcher.name}${matcher.op}"${matcher.value}"`)
    .sort()
    .join(',');
}
