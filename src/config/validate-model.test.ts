import { describe, expect, it } from 'vitest';
import type { Service, Slo } from '../core/slo/model.js';
import { formatIssue, IssueCollector } from './document.js';
import { readHeadroomDocument } from './formats/headroom.js';
import { sourceDocumentsFrom } from './formats/test-support.js';
import type { FormatResult } from './formats/types.js';
import { validateModel } from './validate-model.js';

/** Each entry is one file of headroom/v1 documents. */
function validate(files: Record<string, string>, extra: FormatResult[] = []) {
  const issues = new IssueCollector();
  const results = Object.entries(files).flatMap(([file, text]) =>
    sourceDocumentsFrom(text, file).map((source) => readHeadroomDocument(source, issues)),
  );
  const model = validateModel([...results, ...extra], issues);
  return { model, issues: issues.issues.map(formatIssue) };
}

function service(name: string, dependencies: string[] = [], team = 'payments'): string {
  const list = dependencies.map((dependency) => `\n    - service: ${dependency}`).join('');
  return `apiVersion: headroom/v1
kind: Service
metadata:
  name: ${name}
spec:
  team: ${team}
  dependencies:${list.length > 0 ? list : ' []'}
`;
}

function slo(name: string, serviceName: string): string {
  return `apiVersion: headroom/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: ${serviceName}
  sli: { ratio: {} }
  objective: 99.9
  window: 30d
`;
}

const documents = (...texts: string[]): string => texts.join('---\n');

describe('validateModel', () => {
  it('reports a duplicate name at the second definition, naming the first', () => {
    const { model, issues } = validate({
      'a.yaml': documents(service('checkout'), slo('checkout-availability', 'checkout')),
      'b.yaml': documents(
        service('checkout', [], 'shop'),
        slo('checkout-availability', 'checkout'),
      ),
    });
    expect(issues).toEqual([
      'b.yaml:4:9: error: metadata.name: duplicate Service "checkout"; the first is at a.yaml:4; names are unique per kind [duplicate_name]',
      'b.yaml:12:9: error: metadata.name: duplicate SLO "checkout-availability"; the first is at a.yaml:12; names are unique per kind [duplicate_name]',
    ]);
    expect(model.services.map((item) => item.team)).toEqual(['payments']);
    expect(model.slos).toHaveLength(1);
  });

  it('lets a Service and an SLO share a name', () => {
    expect(
      validate({ 'a.yaml': documents(service('checkout'), slo('checkout', 'checkout')) }).issues,
    ).toEqual([]);
  });

  it.each([
    ['chekout', 'no Service named "chekout"; did you mean "checkout"?'],
    ['billing', 'no Service named "billing"; declare it with kind: Service'],
  ])(
    'reports an SLO of the unknown service %s at spec.service and leaves it out',
    (name, message) => {
      const { model, issues } = validate({
        'a.yaml': documents(service('checkout'), slo('x', name)),
      });
      expect(issues).toEqual([`a.yaml:14:12: error: spec.service: ${message} [unknown_service]`]);
      expect(model.slos).toEqual([]);
    },
  );

  describe('an SLO over a heartbeat', () => {
    const heartbeat = (name: string, serviceName: string) => `apiVersion: headroom/v1
kind: Heartbeat
metadata:
  name: ${name}
spec:
  service: ${serviceName}
  schedule: { every: 1h }
`;
    const runsSlo = (
      heartbeatName: string,
      sli = '{ ratio: {}, source: { heartbeat: { name: HB, maxDuration: 20m } } }',
    ) => `apiVersion: headroom/v1
kind: SLO
metadata:
  name: export-runs
spec:
  service: billing
  sli: ${sli.replace('HB', heartbeatName)}
  objective: 99
  window: 28d
`;

    it('reads the heartbeat and the bound on a run', () => {
      const { model, issues } = validate({
        'a.yaml': documents(
          service('billing'),
          heartbeat('invoice-export', 'billing'),
          runsSlo('invoice-export'),
        ),
      });
      expect(issues).toEqual([]);
      expect(model.slos[0]?.sli.source).toEqual({
        type: 'heartbeat',
        heartbeat: 'invoice-export',
        maxDurationMs: 20 * 60_000,
      });
    });

    it.each([
      [
        'invoice-exports',
        'invoice-export',
        'billing',
        'no Heartbeat named "invoice-exports"; did you mean "invoice-export"?',
      ],
      [
        'invoice-export',
        'invoice-export',
        'search',
        'Heartbeat "invoice-export" belongs to service "search", not "billing"; an SLO counts the runs of its own service\'s checks',
      ],
    ])('reports %s at its name and leaves the SLO out', (named, declared, owner, message) => {
      const { model, issues } = validate({
        'a.yaml': documents(
          service('billing'),
          service('search'),
          heartbeat(declared, owner),
          runsSlo(named),
        ),
      });
      expect(issues).toEqual([
        `a.yaml:31:50: error: spec.sli.source.heartbeat.name: ${message} [unknown_heartbeat]`,
      ]);
      expect(model.slos).toEqual([]);
    });

    it('refuses a threshold over runs, which are good or bad', () => {
      const { issues } = validate({
        'a.yaml': documents(
          service('billing'),
          heartbeat('invoice-export', 'billing'),
          runsSlo(
            'invoice-export',
            '{ threshold: { value: 1 }, source: { heartbeat: { name: HB } } }',
          ),
        ),
      });
      expect(issues).toHaveLength(1);
      expect(issues[0]).toContain('a heartbeat SLI counts runs as good or bad');
    });
  });

  it('reports a dependency on an unknown service and drops it', () => {
    const { model, issues } = validate({
      'a.yaml': documents(service('checkout', ['payment-api']), service('payments-api')),
    });
    expect(issues).toEqual([
      'a.yaml:8:16: error: spec.dependencies[0].service: no Service named "payment-api"; did you mean "payments-api"? [unknown_service]',
    ]);
    expect(model.services.find((item) => item.name === 'checkout')?.dependencies).toEqual([]);
  });

  it('reports a service that depends on itself', () => {
    const { issues } = validate({ 'a.yaml': service('checkout', ['checkout']) });
    expect(issues).toEqual([
      'a.yaml:8:16: error: spec.dependencies[0].service: service "checkout" depends on itself; remove this dependency [self_dependency]',
    ]);
  });

  it.each([
    {
      graph: { a: ['b'], b: ['a'] },
      cycles: ['a -> b -> a'],
    },
    {
      graph: { a: ['b'], b: ['c'], c: ['a'] },
      cycles: ['a -> b -> c -> a'],
    },
    {
      graph: { entry: ['a'], a: ['b'], b: ['a'] },
      cycles: ['a -> b -> a'],
    },
    {
      graph: { a: ['b'], b: ['a'], c: ['d'], d: ['c'] },
      cycles: ['a -> b -> a', 'c -> d -> c'],
    },
    {
      graph: { a: ['b', 'c'], b: ['c'], c: [] },
      cycles: [],
    },
  ])('reports each dependency cycle of $graph once', ({ graph, cycles }) => {
    const text = documents(
      ...Object.entries(graph).map(([name, dependencies]) => service(name, dependencies)),
    );
    const { issues } = validate({ 'a.yaml': text });
    expect(issues.map((issue) => /dependency cycle: (.*?);/.exec(issue)?.[1])).toEqual(cycles);
  });

  it('reports a cycle at the dependency entry that closes it', () => {
    const { issues } = validate({
      'a.yaml': documents(service('a', ['b']), service('b', ['c']), service('c', ['a'])),
    });
    expect(issues).toEqual([
      'a.yaml:26:16: error: spec.dependencies[0].service: dependency cycle: a -> b -> c -> a; dependencies must not loop [dependency_cycle]',
    ]);
  });

  describe('implied services', () => {
    const [source] = sourceDocumentsFrom(
      'version: prometheus/v1\nservice: search\nslos:\n  - name: search-availability\n',
      'sloth.yaml',
    );
    const implied = (name: string): Service => ({
      name,
      team: undefined,
      tier: 'standard',
      dependencies: [],
      runbook: undefined,
      description: undefined,
      labels: {},
    });
    const sloOf = (name: string, serviceName: string): Slo => ({
      name,
      service: serviceName,
      description: undefined,
      sli: { kind: 'ratio', counts: 'bad', source: { type: 'events' } },
      objective: { numerator: 999, denominator: 1000 },
      window: { kind: 'rolling', minutes: 43_200 },
      budgeting: { kind: 'occurrences' },
      alerting: { enabled: true, rules: undefined },
      labels: {},
    });
    const sloth = (serviceName: string): FormatResult => {
      if (source === undefined) throw new Error('no document');
      return {
        services: [],
        impliedServices: [{ value: implied(serviceName), source, path: [] }],
        slos: [
          { value: sloOf(`${serviceName}-availability`, serviceName), source, path: ['slos', 0] },
        ],
        dataSources: [],
        schedules: [],
        policies: [],
        escalationPolicies: [],
        runbooks: [],
        incidentSettings: [],
        heartbeats: [],
      };
    };

    it('uses an implied service when no Service of that name is declared', () => {
      const { model, issues } = validate({}, [sloth('search'), sloth('search')]);
      expect(issues).toEqual([
        'sloth.yaml:4:11: error: slos[0].name: duplicate SLO "search-availability"; the first is at sloth.yaml:4; names are unique per kind [duplicate_name]',
      ]);
      expect(model.services).toEqual([implied('search')]);
      expect(model.slos.map((item) => item.service)).toEqual(['search']);
    });

    it('prefers the declared Service to an implied one', () => {
      const { model, issues } = validate({ 'a.yaml': service('search', [], 'discovery') }, [
        sloth('search'),
      ]);
      expect(issues).toEqual([]);
      expect(model.services.map((item) => [item.name, item.team])).toEqual([
        ['search', 'discovery'],
      ]);
    });

    it('lets a declared Service depend on an implied one', () => {
      const { issues } = validate({ 'a.yaml': service('web', ['search']) }, [sloth('search')]);
      expect(issues).toEqual([]);
    });
  });
});
