// Gauge families of /metrics in Prometheus' text format, written in slices.
//
// prom-client renders a registry in one synchronous stretch: with a thousand SLOs
// (several thousand series) that held the event loop for 40 to 60 ms at every scrape,
// and every gate check and ping arriving meanwhile waited for it. These families
// change wholesale at each scrape (the SLOs' numbers, the heartbeat checks' states at
// that instant), so they need none of prom-client's bookkeeping: they are written
// here, a slice of items at a time, and the rest of the registry (process, HTTP) stays
// prom-client's.

/** Items written per turn of the event loop. */
const SLICE = 200;

export interface GaugeFamily<T> {
  readonly name: string;
  readonly help: string;
  /** One sample per entry: its extra labels (already formatted, or '') and value. */
  readonly samples: (item: T) => Iterable<readonly [extraLabels: string, value: number]>;
}

/**
 * Every family, each with its HELP and TYPE lines, a sample per item labelled by its
 * `identity` (label names and raw values); yields to the event loop between slices.
 */
export async function renderGaugeFamilies<T>(
  families: readonly GaugeFamily<T>[],
  items: readonly T[],
  identity: (item: T) => readonly (readonly [name: string, value: string])[],
): Promise<string> {
  const identities = items.map((item) =>
    identity(item)
      .map(([name, value]) => `${name}="${labelValue(value)}"`)
      .join(','),
  );
  const parts: string[] = [];
  let sinceYield = 0;
  for (const family of families) {
    parts.push(`# HELP ${family.name} ${helpText(family.help)}\n# TYPE ${family.name} gauge\n`);
    for (const [index, item] of items.entries()) {
      if (sinceYield === SLICE) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      sinceYield += 1;
      for (const [extra, value] of family.samples(item)) {
        parts.push(`${family.name}{${identities[index] ?? ''}${extra}} ${sampleValue(value)}\n`);
      }
    }
  }
  return parts.join('');
}

/** A label to add to a sample's identity: `,name="value"`. */
export function extraLabel(name: string, value: string): string {
  return `,${name}="${labelValue(value)}"`;
}

// The text format's escapes: label values escape backslash, double quote and line
// feed; HELP text backslash and line feed.
function labelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

function helpText(text: string): string {
  return text.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}

function sampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
