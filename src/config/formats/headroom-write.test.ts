import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fractionFromPercent } from '../../core/slo/fraction.js';
import {
  prometheusSliSource,
  type Fraction,
  type Service,
  type Sli,
  type Slo,
} from '../../core/slo/model.js';
import { formatIssue, IssueCollector } from '../document.js';
import { loadConfig } from '../load.js';
import { readHeadroomDocument } from './headroom.js';
import { modelToDocuments, serviceToDocument, sloToDocument } from './headroom-write.js';
import { sourceDocumentFrom } from './test-support.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const badFixtures = 'test/fixtures/config/headroom/bad';

/** Every config the repository ships; bad files one by one, so each contributes what validated. */
const FIXTURES = [
  'examples/config',
  'test/fixtures/config/headroom/good',
  'test/fixtures/config/openslo',
  'test/fixtures/config/sloth',
  ...readdirSync(path.join(root, badFixtures)).map((file) => `${badFixtures}/${file}`),
];

/** A document written as YAML and read back through the headroom/v1 adapter. */
function readBack(document: unknown) {
  const issues = new IssueCollector();
  const result = readHeadroomDocument(sourceDocumentFrom(stringify(document)), issues);
  const errors = issues.issues.filter((issue) => issue.severity === 'error').map(formatIssue);
  return { result, errors };
}

function roundTripService(service: Service): Service | undefined {
  const { result, errors } = readBack(serviceToDocument(service));
  expect(errors).toEqual([]);
  return result.services[0]?.value;
}

function roundTripSlo(slo: Slo): Slo | undefined {
  const { result, errors } = readBack(sloToDocument(slo));
  expect(errors).toEqual([]);
  return result.slos[0]?.value;
}

const baseSlo: Slo = {
  name: 'checkout-availability',
  service: 'checkout',
  description: undefined,
  sli: { kind: 'ratio', counts: 'good', source: { type: 'events' } },
  objective: { numerator: 999, denominator: 1000 },
  window: { kind: 'rolling', minutes: 28 * 1440 },
  budgeting: { kind: 'occurrences' },
  alerting: { enabled: true, rules: undefined },
  labels: {},
};

describe('sloToDocument', () => {
  it('writes every default out and leaves unset optional fields out', () => {
    expect(sloToDocument(baseSlo)).toEqual({
      apiVersion: 'headroom/v1',
      kind: 'SLO',
      metadata: { name: 'checkout-availability', labels: {} },
      spec: {
        service: 'checkout',
        sli: { ratio: { counts: 'good' } },
        objective: 99.9,
        window: '28d',
        budgetingMethod: 'occurrences',
        alerting: { enabled: true },
      },
    });
  });

  it('writes a threshold SLI with its Prometheus source, a calendar window, timeslices and rules', () => {
    const slo: Slo = {
      ...baseSlo,
      description: 'Fast pages.',
      sli: {
        kind: 'threshold',
        operator: 'lt',
        threshold: 0.3,
        unit: 's',
        source: prometheusSliSource({ dataSource: 'prom', totalQuery: 'histogram_quantile(...)' }),
      },
      objective: { numerator: 19991, denominator: 20000 },
      window: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Amsterdam' },
      budgeting: { kind: 'timeslices', sliceTarget: { numerator: 1, denominator: 1 } },
      alerting: {
        enabled: false,
        rules: [{ severity: 'page', longWindowMinutes: 90, shortWindowMinutes: 5, factor: 14.4 }],
      },
      labels: { z: '1', a: '2' },
    };
    const document = sloToDocument(slo);
    expect(document).toEqual({
      apiVersion: 'headroom/v1',
      kind: 'SLO',
      metadata: { name: 'checkout-availability', labels: { a: '2', z: '1' } },
      spec: {
        service: 'checkout',
        description: 'Fast pages.',
        sli: {
          threshold: { operator: 'lt', value: 0.3, unit: 's' },
          source: { prometheus: { dataSource: 'prom', totalQuery: 'histogram_quantile(...)' } },
        },
        objective: 99.955,
        window: { calendar: 'month', timeZone: 'Europe/Amsterdam' },
        budgetingMethod: 'timeslices',
        timeSliceTarget: 100,
        alerting: {
          enabled: false,
          rules: [{ severity: 'page', longWindow: '1h30m', shortWindow: '5m', factor: 14.4 }],
        },
      },
    });
    // Labels sorted: the canonical text does not depend on the order they were written in.
    expect(Object.keys(document.metadata.labels ?? {})).toEqual(['a', 'z']);
    expect(roundTripSlo(slo)).toEqual(slo);
  });

  it.each([
    [{ numerator: 999, denominator: 1000 }, 99.9],
    [{ numerator: 9995, denominator: 10000 }, 99.95],
    [{ numerator: 99, denominator: 100 }, 99],
    [{ numerator: 1, denominator: 2 }, 50],
    [{ numerator: 1, denominator: 1000000 }, 0.0001],
    [{ numerator: 999999999999, denominator: 1000000000000 }, 99.9999999999],
    [{ numerator: 1, denominator: 3 * 10 ** 15 }, undefined],
  ])('writes the objective %o as the exact percentage %s', (objective: Fraction, percent) => {
    const slo = { ...baseSlo, objective };
    if (percent === undefined) {
      expect(() => sloToDocument(slo)).toThrow(/cannot be written as an exact percentage/);
    } else {
      expect(sloToDocument(slo).spec.objective).toBe(percent);
    }
  });

  it('writes an objective with 15 significant digits that parses back to the same fraction', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999_999_999 }), (tenTrillionths) => {
        const objective = fractionFromPercent(tenTrillionths / 1e12);
        fc.pre(objective !== undefined);
        const written = sloToDocument({ ...baseSlo, objective }).spec.objective;
        expect(fractionFromPercent(written)).toEqual(objective);
      }),
    );
  });
});

describe('serviceToDocument', () => {
  const service: Service = {
    name: 'checkout',
    team: 'payments',
    tier: 'standard',
    dependencies: [],
    runbook: undefined,
    description: undefined,
    labels: {},
  };

  it('writes every default out and leaves unset optional fields out', () => {
    expect(serviceToDocument(service)).toEqual({
      apiVersion: 'headroom/v1',
      kind: 'Service',
      metadata: { name: 'checkout', labels: {} },
      spec: { team: 'payments', tier: 'standard', dependencies: [] },
    });
  });

  it('refuses a service without a team, naming it', () => {
    expect(() => serviceToDocument({ ...service, team: undefined })).toThrow(
      'service "checkout" has no team',
    );
  });

  it('refuses the teamless service a Sloth file implies', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'headroom-write-'));
    try {
      await writeFile(
        path.join(dir, 'sloth.yaml'),
        "version: prometheus/v1\nservice: orphan\nslos:\n  - name: up\n    objective: 99\n    sli:\n      raw:\n        error_ratio_query: 'x[{{.window}}]'\n",
      );
      const { model } = await loadConfig(['sloth.yaml'], { cwd: dir });
      expect(model.services.map((item) => item.team)).toEqual([undefined]);
      expect(() => modelToDocuments(model)).toThrow('service "orphan" has no team');
      expect(sloToDocument(model.slos[0] as Slo).spec.sli).toEqual({
        ratio: { counts: 'bad' },
        source: { prometheus: { errorRatioQuery: 'x[{{.window}}]' } },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the written document reads back as the same model value', () => {
  it.each(FIXTURES)('for every service and SLO of %s', async (fixture) => {
    const { model } = await loadConfig([fixture], { cwd: root });
    for (const service of model.services.filter((item) => item.team !== undefined)) {
      expect(roundTripService(service)).toEqual(service);
    }
    for (const slo of model.slos) expect(roundTripSlo(slo)).toEqual(slo);
  });

  it('covers SLOs of every format and every SLI source', async () => {
    const slos = [];
    for (const fixture of FIXTURES)
      slos.push(...(await loadConfig([fixture], { cwd: root })).model.slos);
    const sources = new Set(slos.map((slo) => slo.sli.source.type));
    expect(sources).toEqual(new Set(['events', 'prometheus']));
    expect(slos.length).toBeGreaterThan(10);
  });

  it('for generated SLOs, and writing again gives the same document', () => {
    fc.assert(
      fc.property(sloArbitrary(), (slo) => {
        const back = roundTripSlo(slo);
        expect(back).toEqual(slo);
        expect(sloToDocument(back as Slo)).toEqual(sloToDocument(slo));
      }),
      { numRuns: 300 },
    );
  });

  it('for generated services', () => {
    fc.assert(
      fc.property(serviceArbitrary(), (service) => {
        expect(roundTripService(service)).toEqual(service);
      }),
      { numRuns: 200 },
    );
  });
});

describe('sli.source in headroom/v1', () => {
  const sloWithSource = (source: string) => `apiVersion: headroom/v1
kind: SLO
metadata: { name: a }
spec:
  service: a
  sli:
    ratio: {}
    source: ${source}
  objective: 99
  window: 30d
`;
  const read = (text: string) => {
    const issues = new IssueCollector();
    const result = readHeadroomDocument(sourceDocumentFrom(text, 'x.yaml'), issues);
    return { result, issues: issues.issues.map(formatIssue) };
  };

  it('reads a Prometheus source onto the model', () => {
    const { result, issues } = read(
      sloWithSource("{ prometheus: { goodQuery: 'good', totalQuery: 'all' } }"),
    );
    expect(issues).toEqual([]);
    expect(result.slos[0]?.value.sli.source).toEqual(
      prometheusSliSource({ goodQuery: 'good', totalQuery: 'all' }),
    );
  });

  it.each([
    [
      '{ prometheus: { dataSource: prom } }',
      'x.yaml:8:27: error: spec.sli.source.prometheus: a Prometheus source needs at least one query: goodQuery, badQuery, totalQuery, errorRatioQuery [missing_field]',
    ],
    [
      "{ prometheus: { goodQuery: ' ' } }",
      'x.yaml:8:40: error: spec.sli.source.prometheus.goodQuery: goodQuery must not be empty [empty_value]',
    ],
    [
      '{ datadog: {} }',
      'x.yaml:8:13: error: spec.sli.source: a source is prometheus: {...} or heartbeat: {name: ...}; leave source out for pushed events [missing_field]',
      'x.yaml:8:15: error: spec.sli.source.datadog: unknown field "datadog" (expected one of: prometheus, heartbeat) [unknown_field]',
    ],
  ])('reports %s', (source, ...messages) => {
    const { result, issues } = read(sloWithSource(source));
    expect(result.slos).toEqual([]);
    expect(issues).toEqual(messages);
  });
});

// ---- generators -------------------------------------------------------------

const nameArbitrary = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,12}[a-z0-9])?$/);
const labelsArbitrary = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_./-]{0,8}$/), fc.string(), {
  maxKeys: 4,
});
const textArbitrary = fc.option(fc.string({ maxLength: 30 }), { nil: undefined });
const queryArbitrary = fc.option(
  fc.string({ minLength: 1, maxLength: 40 }).filter((text) => text.trim() !== ''),
  { nil: undefined },
);

/** A percentage with up to 10 decimals, as the fraction the parsers make of it. */
function percentFraction(maxInclusive: boolean): fc.Arbitrary<Fraction> {
  return fc
    .integer({ min: 0, max: 10 })
    .chain((places) => {
      const scale = 100 * 10 ** places;
      return fc
        .integer({ min: 1, max: maxInclusive ? scale : scale - 1 })
        .map((n) => n / 10 ** places);
    })
    .map((percent) => fractionFromPercent(percent))
    .filter((fraction): fraction is Fraction => fraction !== undefined);
}

function sliArbitrary(): fc.Arbitrary<Sli> {
  const source = fc.oneof(
    fc.constant({ type: 'events' as const }),
    fc
      .record({
        dataSource: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
        goodQuery: queryArbitrary,
        badQuery: queryArbitrary,
        totalQuery: queryArbitrary,
        errorRatioQuery: queryArbitrary,
      })
      .filter((q) => [q.goodQuery, q.badQuery, q.totalQuery, q.errorRatioQuery].some(Boolean))
      .map((queries) => prometheusSliSource(queries)),
  );
  // Runs are good or bad: only a ratio counts a heartbeat.
  const heartbeat = fc.record({
    type: fc.constant('heartbeat' as const),
    heartbeat: fc.constantFrom('nightly-backup', 'invoice-export'),
    maxDurationMs: fc.option(
      fc.integer({ min: 1, max: 24 * 60 }).map((minutes) => minutes * 60_000),
      { nil: undefined },
    ),
  });
  return fc.oneof(
    fc.record({
      kind: fc.constant('ratio' as const),
      counts: fc.constantFrom('good' as const, 'bad' as const),
      source: fc.oneof(source, heartbeat),
    }),
    fc.record({
      kind: fc.constant('threshold' as const),
      operator: fc.constantFrom('lte' as const, 'lt' as const, 'gte' as const, 'gt' as const),
      threshold: fc
        .double({ noNaN: true, noDefaultInfinity: true })
        .filter((v) => !Object.is(v, -0)),
      unit: textArbitrary,
      source,
    }),
  );
}

function sloArbitrary(): fc.Arbitrary<Slo> {
  const rule = fc
    .tuple(
      fc.integer({ min: 2, max: 60 * 24 * 30 }),
      fc.double({ min: 0.01, max: 1000, noNaN: true }),
    )
    .chain(([long, factor]) =>
      fc.record({
        severity: fc.constantFrom('page' as const, 'ticket' as const),
        longWindowMinutes: fc.constant(long),
        shortWindowMinutes: fc.integer({ min: 1, max: long - 1 }),
        factor: fc.constant(factor),
      }),
    );
  return fc.record({
    name: nameArbitrary,
    service: nameArbitrary,
    description: textArbitrary,
    sli: sliArbitrary(),
    objective: percentFraction(false),
    window: fc.oneof(
      fc.record({
        kind: fc.constant('rolling' as const),
        minutes: fc.integer({ min: 1, max: 2 ** 30 }),
      }),
      fc.record({
        kind: fc.constant('calendar' as const),
        unit: fc.constantFrom('week' as const, 'month' as const, 'quarter' as const),
        timeZone: fc.constantFrom('UTC', 'Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata'),
      }),
    ),
    budgeting: fc.oneof(
      fc.constant({ kind: 'occurrences' as const }),
      fc.record({ kind: fc.constant('timeslices' as const), sliceTarget: percentFraction(true) }),
    ),
    alerting: fc.record({
      enabled: fc.boolean(),
      rules: fc.option(fc.array(rule, { minLength: 1, maxLength: 4 }), { nil: undefined }),
    }),
    labels: labelsArbitrary,
  });
}

function serviceArbitrary(): fc.Arbitrary<Service> {
  return fc.record({
    name: nameArbitrary,
    team: fc.string({ minLength: 1, maxLength: 12 }).filter((team) => team.trim() !== ''),
    tier: fc.constantFrom('critical' as const, 'standard' as const, 'low' as const),
    dependencies: fc.uniqueArray(fc.record({ service: nameArbitrary, critical: fc.boolean() }), {
      selector: (dependency) => dependency.service,
      maxLength: 4,
    }),
    runbook: fc.option(fc.webUrl({ validSchemes: ['http', 'https'] }), { nil: undefined }),
    description: textArbitrary,
    labels: labelsArbitrary,
  });
}
