import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Change } from '../schema/api.js';
import type {
  DataSourceDocumentInput,
  ServiceDocumentInput,
  SloDocumentInput,
} from '../schema/config.js';
import {
  changedFields,
  planChanges,
  valueAtField,
  type PlanOptions,
  type PlanState,
} from './plan.js';

function service(
  name: string,
  team: string,
  labels: Record<string, string> = {},
): ServiceDocumentInput {
  return {
    apiVersion: 'headroom/v1',
    kind: 'Service',
    metadata: { name, labels },
    spec: { team, tier: 'standard', dependencies: [] },
  };
}

function slo(name: string, serviceName: string, objective = 99.9): SloDocumentInput {
  return {
    apiVersion: 'headroom/v1',
    kind: 'SLO',
    metadata: { name, labels: {} },
    spec: {
      service: serviceName,
      sli: { ratio: { counts: 'good' } },
      objective,
      window: '30d',
      budgetingMethod: 'occurrences',
      alerting: { enabled: true },
    },
  };
}

function state(
  services: ServiceDocumentInput[],
  slos: SloDocumentInput[] = [],
  teams = [...new Set(services.map((doc) => doc.spec.team))],
): PlanState {
  return {
    teams,
    services,
    slos,
    dataSources: [],
    schedules: [],
    policies: [],
    escalationPolicies: [],
    runbooks: [],
    incidentSettings: [],
    heartbeats: [],
  };
}

const admin: PlanOptions = { prune: false, editableTeams: 'all' };
const editorOf = (...teams: string[]): PlanOptions => ({
  prune: false,
  editableTeams: new Set(teams),
});

/** `create Service checkout (payments)`, for compact expectations. */
function summary(changes: readonly Change[]): string[] {
  return changes.map((item) => {
    const fields = item.fields.length > 0 ? ` [${item.fields.join(', ')}]` : '';
    return `${item.action} ${item.kind} ${item.name} (${item.team ?? '-'})${fields}`;
  });
}

const checkout = service('checkout', 'payments');
const search = service('search', 'discovery');
const availability = slo('checkout-availability', 'checkout');
const searchLatency = slo('search-latency', 'search');
const world = state([checkout, search], [availability, searchLatency]);

describe('planChanges', () => {
  it.each<{
    name: string;
    current: PlanState;
    desired: PlanState;
    options: PlanOptions;
    changes: string[];
    forbidden?: string[];
  }>([
    {
      name: 'plans nothing for equal documents, whatever their key order',
      current: world,
      desired: state(
        [
          {
            spec: { dependencies: [], tier: 'standard', team: 'payments' },
            metadata: { labels: {}, name: 'checkout' },
            kind: 'Service',
            apiVersion: 'headroom/v1',
          },
          search,
        ],
        [searchLatency, availability],
      ),
      options: { prune: true, editableTeams: 'all' },
      changes: [],
    },
    {
      name: 'creates a missing team before its service (admin)',
      current: world,
      desired: state([service('ledger', 'finance')], [slo('ledger-up', 'ledger')]),
      options: admin,
      changes: [
        'create Team finance (finance)',
        'create Service ledger (finance)',
        'create SLO ledger-up (finance)',
      ],
    },
    {
      name: 'forbids an editor to create a team',
      current: world,
      desired: state([service('ledger', 'finance')]),
      options: editorOf('finance'),
      changes: ['create Service ledger (finance)'],
      forbidden: [
        'Team finance (finance): team "finance" does not exist; creating a team needs an admin token',
      ],
    },
    {
      name: "lists the changed leaves of an update, and takes an SLO's team from its service",
      current: world,
      desired: state(
        [service('checkout', 'payments', { tier: 'gold' })],
        [slo('checkout-availability', 'checkout', 99.95)],
      ),
      options: editorOf('payments'),
      changes: [
        'update Service checkout (payments) [metadata.labels.tier]',
        'update SLO checkout-availability (payments) [spec.objective]',
      ],
    },
    {
      name: 'forbids changes to a team the editor does not edit',
      current: world,
      desired: state([search], [slo('search-latency', 'search', 99)]),
      options: editorOf('payments'),
      changes: [],
      forbidden: [
        'SLO search-latency (discovery): SLO "search-latency" belongs to team "discovery", which this token may not edit',
      ],
    },
    {
      name: 'needs both teams to move a service',
      current: world,
      desired: state([service('checkout', 'discovery')]),
      options: editorOf('discovery'),
      changes: [],
      forbidden: [
        'Service checkout (payments): Service "checkout" moves from team "payments" to team "discovery"; this token may not edit team "payments"',
      ],
    },
    {
      name: 'moves an SLO to the team of its new service when both may be edited',
      current: world,
      desired: state([], [slo('checkout-availability', 'search')]),
      options: editorOf('payments', 'discovery'),
      changes: ['update SLO checkout-availability (discovery) [spec.service]'],
    },
    {
      name: 'deletes nothing without prune',
      current: world,
      desired: state([]),
      options: admin,
      changes: [],
    },
    {
      name: 'prunes within the editable teams only, SLOs before their services, and never teams',
      current: state(
        [checkout, search, service('cart', 'payments')],
        [availability, searchLatency, slo('cart-up', 'cart')],
      ),
      desired: state([service('cart', 'payments')], [slo('cart-up', 'cart')]),
      options: { prune: true, editableTeams: new Set(['payments']) },
      changes: [
        'delete SLO checkout-availability (payments)',
        'delete Service checkout (payments)',
      ],
    },
    {
      name: 'orders team creates, service and SLO creates and updates, SLO deletes, service deletes',
      current: world,
      desired: state(
        [service('ledger', 'finance'), service('search', 'discovery', { x: 'y' })],
        [slo('ledger-up', 'ledger'), slo('search-latency', 'search', 99)],
      ),
      options: { prune: true, editableTeams: 'all' },
      changes: [
        'create Team finance (finance)',
        'create Service ledger (finance)',
        'update Service search (discovery) [metadata.labels.x]',
        'create SLO ledger-up (finance)',
        'update SLO search-latency (discovery) [spec.objective]',
        'delete SLO checkout-availability (payments)',
        'delete Service checkout (payments)',
      ],
    },
    {
      name: 'gives an SLO of a service that exists nowhere no team',
      current: state([]),
      desired: state([], [slo('orphan', 'nowhere')]),
      options: editorOf('payments'),
      changes: [],
      forbidden: ['SLO orphan (-): SLO "orphan" belongs to no team, which this token may not edit'],
    },
  ])('$name', ({ current, desired, options, changes, forbidden = [] }) => {
    const plan = planChanges(current, desired, options);
    expect(summary(plan.changes)).toEqual(changes);
    expect(
      plan.forbidden.map(
        (item) => `${item.kind} ${item.name} (${item.team ?? '-'}): ${item.reason}`,
      ),
    ).toEqual(forbidden);
  });

  it('carries the documents on both sides of a change', () => {
    const changed = slo('checkout-availability', 'checkout', 99.95);
    const plan = planChanges(world, state([], [changed]), { prune: true, editableTeams: 'all' });
    expect(plan.changes.find((item) => item.action === 'update')).toEqual({
      action: 'update',
      kind: 'SLO',
      name: 'checkout-availability',
      team: 'payments',
      before: availability,
      after: changed,
      fields: ['spec.objective'],
    });
    const deleted = plan.changes.find((item) => item.name === 'search');
    expect(deleted).toMatchObject({ action: 'delete', before: search, after: null, fields: [] });
  });
});

describe('changedFields', () => {
  it.each([
    [{ a: 1, b: { c: 2 } }, { b: { c: 2 }, a: 1 }, []],
    [{ a: 1, b: undefined }, { a: 1 }, []],
    [{ a: [1, 2] }, { a: [1, 3] }, ['a[1]']],
    [{ a: [1, 2] }, { a: [1] }, ['a']],
    [{ a: { x: 1 } }, { a: 'x' }, ['a']],
    [
      { labels: { 'app.kubernetes.io/name': 'a' } },
      { labels: {} },
      ['labels["app.kubernetes.io/name"]'],
    ],
    [
      { rules: [{ factor: 1 }] },
      { rules: [{ factor: 2, extra: true }] },
      ['rules[0].extra', 'rules[0].factor'],
    ],
  ])('%j -> %j changes %j', (before, after, fields) => {
    expect(changedFields(before, after)).toEqual(fields);
  });

  it('names paths that read the differing values back, and none for equal values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (before, after) => {
        const fields = changedFields(before, after);
        expect(fields.length === 0).toBe(isDeepStrictEqual(asJson(before), asJson(after)));
        for (const field of fields) {
          const parts = changedFields(valueAtField(before, field), valueAtField(after, field));
          expect(parts.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('reads values by path', () => {
    const document = { spec: { rules: [{ factor: 14.4 }] }, labels: { 'a.b': 'c' } };
    expect(valueAtField(document, 'spec.rules[0].factor')).toBe(14.4);
    expect(valueAtField(document, 'labels["a.b"]')).toBe('c');
    expect(valueAtField(document, 'spec.missing.deeper')).toBeUndefined();
    expect(valueAtField(document, 'spec.rules.factor')).toBeUndefined();
    expect(valueAtField(document, 'spec..rules')).toBeUndefined();
  });
});

// ---- properties -----------------------------------------------------------------

const TEAMS = ['t1', 't2', 't3'];
const SERVICES = ['a', 'b', 'c', 'd'];

const stateArbitrary: fc.Arbitrary<PlanState> = fc
  .tuple(
    fc.uniqueArray(
      fc.record({
        name: fc.constantFrom(...SERVICES),
        team: fc.constantFrom(...TEAMS),
        label: fc.constantFrom(undefined, 'x', 'y'),
      }),
      { selector: (item) => item.name },
    ),
    fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('s1', 's2', 's3', 's4', 's5'),
        service: fc.constantFrom(...SERVICES),
        objective: fc.constantFrom(99, 99.9),
      }),
      { selector: (item) => item.name },
    ),
    fc.subarray(TEAMS),
  )
  .map(([services, slos, extraTeams]) => {
    const documents = services.map(({ name, team, label }) =>
      service(name, team, label === undefined ? {} : { label }),
    );
    return state(
      documents,
      slos.map(({ name, service: serviceName, objective }) => slo(name, serviceName, objective)),
      [...new Set([...extraTeams, ...documents.map((doc) => doc.spec.team)])],
    );
  });

const optionsArbitrary: fc.Arbitrary<PlanOptions> = fc.record({
  prune: fc.boolean(),
  editableTeams: fc.oneof(
    fc.constant('all' as const),
    fc.subarray(TEAMS).map((teams) => new Set(teams)),
  ),
});

/** What the store holds after executing the changes, in order. */
function applyChanges(current: PlanState, changes: readonly Change[]): PlanState {
  const teams = new Set(current.teams);
  const services = new Map(current.services.map((doc) => [doc.metadata.name, doc]));
  const slos = new Map(current.slos.map((doc) => [doc.metadata.name, doc]));
  for (const item of changes) {
    if (item.kind === 'Team') {
      teams.add(item.name);
      continue;
    }
    const target = (item.kind === 'Service' ? services : slos) as Map<string, unknown>;
    if (item.action === 'delete') target.delete(item.name);
    else target.set(item.name, item.after);
  }
  return {
    teams: [...teams],
    services: [...services.values()],
    slos: [...slos.values()],
    dataSources: [],
    schedules: [],
    policies: [],
    escalationPolicies: [],
    runbooks: [],
    incidentSettings: [],
    heartbeats: [],
  };
}

describe('planChanges, for any states', () => {
  it('plans nothing from a state to itself', () => {
    fc.assert(
      fc.property(stateArbitrary, optionsArbitrary, (current, options) => {
        expect(planChanges(current, current, options)).toEqual({ changes: [], forbidden: [] });
      }),
    );
  });

  it('brings an admin to the desired state with prune, after which nothing is left to plan', () => {
    fc.assert(
      fc.property(stateArbitrary, stateArbitrary, (current, desired) => {
        const options: PlanOptions = { prune: true, editableTeams: 'all' };
        const plan = planChanges(current, desired, options);
        expect(plan.forbidden).toEqual([]);
        const after = applyChanges(current, plan.changes);
        const names = (docs: readonly { metadata: { name: string } }[]) =>
          docs.map((doc) => doc.metadata.name).sort();
        expect(names(after.services)).toEqual(names(desired.services));
        expect(names(after.slos)).toEqual(names(desired.slos));
        expect(after.teams).toEqual(expect.arrayContaining([...current.teams]));
        expect(planChanges(after, desired, options).changes).toEqual([]);
      }),
    );
  });

  it('never lets a change touch a team the caller may not edit', () => {
    fc.assert(
      fc.property(stateArbitrary, stateArbitrary, optionsArbitrary, (current, desired, options) => {
        const { editableTeams } = options;
        if (editableTeams === 'all') return;
        const plan = planChanges(current, desired, options);
        const teamOf = (service: string, side: PlanState) =>
          side.services.find((doc) => doc.metadata.name === service)?.spec.team;
        for (const item of plan.changes) {
          expect(item.kind).not.toBe('Team');
          expect(editableTeams.has(item.team ?? '')).toBe(true);
          if (item.action === 'update') {
            const before = item.before as ServiceDocumentInput | SloDocumentInput;
            const team =
              before.kind === 'Service' ? before.spec.team : teamOf(before.spec.service, current);
            expect(editableTeams.has(team ?? '')).toBe(true);
          }
        }
        if (!options.prune)
          expect(plan.changes.filter((item) => item.action === 'delete')).toEqual([]);
      }),
    );
  });
});

/** As stored: JSON has no -0, so a plan must not see one either. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

describe('planChanges for data sources', () => {
  const prometheus = (url: string): DataSourceDocumentInput => ({
    apiVersion: 'headroom/v1',
    kind: 'DataSource',
    metadata: { name: 'prometheus' },
    spec: { type: 'prometheus', url },
  });
  const withDataSources = (...dataSources: DataSourceDocumentInput[]): PlanState => ({
    ...state([]),
    dataSources,
  });

  it('creates, updates and (with prune) deletes them for an admin, before and after the rest', () => {
    expect(
      planChanges(withDataSources(), withDataSources(prometheus('http://a:9090')), admin).changes,
    ).toMatchObject([{ action: 'create', kind: 'DataSource', name: 'prometheus', team: null }]);
    expect(
      planChanges(
        withDataSources(prometheus('http://a:9090')),
        withDataSources(prometheus('http://b:9090')),
        admin,
      ).changes,
    ).toMatchObject([{ action: 'update', fields: ['spec.url'] }]);
    expect(
      planChanges(withDataSources(prometheus('http://a:9090')), withDataSources(), {
        ...admin,
        prune: true,
      }).changes,
    ).toMatchObject([{ action: 'delete', kind: 'DataSource' }]);
  });

  it('forbids a team editor to change one, and never prunes one for it', () => {
    const plan = planChanges(withDataSources(), withDataSources(prometheus('http://a:9090')), {
      prune: true,
      editableTeams: new Set(['payments']),
    });
    expect(plan.changes).toEqual([]);
    expect(plan.forbidden[0]?.reason).toContain('needs an admin token');
    expect(
      planChanges(withDataSources(prometheus('http://a:9090')), withDataSources(), {
        prune: true,
        editableTeams: new Set(['payments']),
      }).changes,
    ).toEqual([]);
  });
});
