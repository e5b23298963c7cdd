// The ErrorBudgetPolicy kind as config: read from YAML with file:line issues, checked
// against the services of the config, written back as a canonical document, and
// planned with an owner.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compilePolicy } from '../core/policy/compile.js';
import type { ServiceDocumentInput } from '../schema/config.js';
import type { ErrorBudgetPolicyDocumentInput } from '../schema/policy.js';
import { formatIssue } from './document.js';
import { readDocumentValues } from './documents.js';
import { modelToDocuments, policyToDocument } from './formats/headroom-write.js';
import { loadConfig } from './load.js';
import { planChanges, policyOwner, type PlanState } from './plan.js';

const SERVICES = `apiVersion: headroom/v1
kind: Service
metadata: { name: checkout }
spec: { team: payments }
---
apiVersion: headroom/v1
kind: Service
metadata: { name: search }
spec: { team: discovery }
`;

const POLICY = `apiVersion: headroom/v1
kind: ErrorBudgetPolicy
metadata:
  name: payments-default
  labels: { owner: sre }
spec:
  description: What the payments team agreed with SRE
  appliesTo: { teams: [payments] }
  rules:
    - { name: exhausted, when: budgetExhausted, effect: deny, unlessLabels: [reliability, rollback] }
    - { name: paging, when: { burnAlert: page }, effect: deny, unlessLabels: [rollback] }
    - { name: budget-low, when: { budgetBelow: 25 }, effect: requireApproval }
    - { name: frozen, when: freeze, effect: deny, unlessLabels: [rollback] }
    - { name: holidays-only, when: { freeze: [holidays-nl] }, effect: requireApproval }
  freezes:
    holidays:
      - { country: nl }
      - { country: US, timeZone: America/New_York, types: [public, bank] }
    windows:
      - { from: Fri 16:00, to: Mon 08:00, timeZone: Europe/Amsterdam }
    adHoc:
      - { name: migration, start: '2026-11-20T18:00:00+01:00', end: '2026-11-21T06:00:00+01:00', reason: database migration }
  incidentFreeze: { dependencies: all }
  approvals: { roles: [sre-lead], maxDuration: 8h }
  onUnavailable: allow
`;

describe('ErrorBudgetPolicy in config files', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'headroom-policy-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function load(files: Record<string, string>) {
    for (const [name, text] of Object.entries(files)) {
      await writeFile(path.join(directory, name), text);
    }
    return loadConfig(['.'], { cwd: directory });
  }

  it('reads a policy into the model with every default filled in', async () => {
    const { model, issues } = await load({ 'services.yaml': SERVICES, 'policy.yaml': POLICY });
    expect(issues).toEqual([]);
    const [resource] = model.policies;
    expect(resource?.description).toBe('What the payments team agreed with SRE');
    expect(resource?.labels).toEqual({ owner: 'sre' });
    expect(resource?.policy).toMatchObject({
      name: 'payments-default',
      appliesTo: { all: false, services: [], teams: ['payments'] },
      onUnavailable: 'allow',
      approvals: { roles: ['sre-lead'], maxDurationMinutes: 480 },
      incidentFreeze: { dependencies: 'all', effect: 'deny', unlessLabels: ['rollback'] },
    });
    expect(resource?.policy.freezes.holidays.map((holiday) => holiday.name)).toEqual([
      'holidays-nl',
      'holidays-us',
    ]);
    expect(resource?.policy.freezes.windows[0]?.name).toBe('fri-1600-to-mon-0800');
    expect(() => compilePolicy(resource?.policy ?? ({} as never))).not.toThrow();
  });

  it('reports mistakes as file:line:column with the field and what to write', async () => {
    const bad = `apiVersion: headroom/v1
kind: ErrorBudgetPolicy
metadata: { name: broken }
spec:
  appliesTo: { services: [checkout] }
  rules:
    - { name: low, when: { budgetBelow: 250 }, effect: requireApproval }
    - { name: frozen, when: { freeze: [weekend] }, effect: deny }
  freezes:
    windows:
      - { from: Friday 4pm, to: Mon 08:00, timeZone: Europe/Amsterdam }
`;
    const { issues } = await load({ 'services.yaml': SERVICES, 'bad.yaml': bad });
    expect(issues.map(formatIssue)).toEqual([
      'bad.yaml:7:41: error: spec.rules[0].when.budgetBelow: budgetBelow 250 is out of range; use the percentage of budget left above 0 and at most 100, e.g. 25 [out_of_range]',
      'bad.yaml:7:56: error: spec.rules[0].effect: effect requireApproval needs approvals: { roles: [...] } in the policy: who may approve [missing_field]',
      'bad.yaml:11:17: error: spec.freezes.windows[0].from: cannot read "Friday 4pm"; expected a day and a 24-hour time such as "Fri 16:00" or "Monday 08:00" [invalid_weekly_time]',
    ]);
  });

  it('warns about services and teams the config does not hold, and refuses duplicates', async () => {
    const policy = (name: string, appliesTo: string) => `apiVersion: headroom/v1
kind: ErrorBudgetPolicy
metadata: { name: ${name} }
spec:
  appliesTo: ${appliesTo}
  rules: [{ name: exhausted, when: budgetExhausted, effect: deny }]
`;
    const { issues } = await load({
      'services.yaml': SERVICES,
      'a.yaml': policy('strict', '{ services: [chekout], teams: [paymants] }'),
      'b.yaml': policy('strict', '{ all: true }'),
    });
    expect(issues.map(formatIssue)).toEqual([
      'a.yaml:5:27: warning: spec.appliesTo.services[0]: ErrorBudgetPolicy "strict" applies to service "chekout", which this config does not declare; did you mean "checkout"? (it holds nothing until the service exists) [unknown_service]',
      'a.yaml:5:45: warning: spec.appliesTo.teams[0]: ErrorBudgetPolicy "strict" applies to team "paymants", which owns no service in this config; did you mean "payments"? [unknown_team]',
      `b.yaml:3:19: error: metadata.name: duplicate ErrorBudgetPolicy "strict"; the first is at a.yaml:3; names are unique per kind [duplicate_name]`,
    ]);
  });

  it('writes a canonical document that reads back to the same policy, and is stable', async () => {
    const { model } = await load({ 'services.yaml': SERVICES, 'policy.yaml': POLICY });
    const [document] = modelToDocuments(model).policies;
    expect(document?.spec.freezes?.adHoc).toEqual([
      {
        name: 'migration',
        start: '2026-11-20T17:00:00.000Z',
        end: '2026-11-21T05:00:00.000Z',
        reason: 'database migration',
      },
    ]);
    expect(document?.spec.rules?.map((rule) => rule.when)).toEqual([
      'budgetExhausted',
      { burnAlert: 'page' },
      { budgetBelow: 25 },
      'freeze',
      { freeze: ['holidays-nl'] },
    ]);
    const read = readDocumentValues([document]);
    expect(read.issues).toEqual([]);
    expect(read.policies[0]?.value).toEqual(model.policies[0]);
    const again = read.policies[0]?.value;
    expect(again === undefined ? undefined : policyToDocument(again)).toEqual(document);
  });
});

describe('who owns a policy', () => {
  const teamOf = (service: string) =>
    ({ checkout: 'payments', ledger: 'payments', search: 'discovery' })[service] ?? null;
  const policy = (appliesTo: ErrorBudgetPolicyDocumentInput['spec']['appliesTo']) =>
    ({
      apiVersion: 'headroom/v1',
      kind: 'ErrorBudgetPolicy',
      metadata: { name: 'p', labels: {} },
      spec: { appliesTo, rules: [{ name: 'r', when: 'budgetExhausted', effect: 'deny' }] },
    }) as ErrorBudgetPolicyDocumentInput;

  it.each([
    ['one team', { teams: ['payments'] }, 'payments'],
    ['services of one team', { services: ['checkout', 'ledger'] }, 'payments'],
    ['a team and its own service', { teams: ['payments'], services: ['checkout'] }, 'payments'],
    ['services of two teams', { services: ['checkout', 'search'] }, null],
    ['two teams', { teams: ['payments', 'discovery'] }, null],
    ['every service', { all: true }, null],
    ['a service nobody owns', { services: ['nowhere'] }, null],
  ] as const)('%s: %s', (_, appliesTo, owner) => {
    expect(policyOwner(policy({ ...appliesTo } as never), teamOf)).toBe(owner);
  });

  const service = (name: string, team: string): ServiceDocumentInput => ({
    apiVersion: 'headroom/v1',
    kind: 'Service',
    metadata: { name, labels: {} },
    spec: { team, tier: 'standard', dependencies: [] },
  });
  const state = (...policies: ErrorBudgetPolicyDocumentInput[]): PlanState => ({
    teams: ['payments', 'discovery'],
    services: [service('checkout', 'payments'), service('search', 'discovery')],
    slos: [],
    escalationPolicies: [],
    dataSources: [],
    schedules: [],
    policies,
    runbooks: [],
    incidentSettings: [],
    heartbeats: [],
  });

  it("lets a team's editor change its own policy, and only an admin an installation-wide one", () => {
    const mine = { ...policy({ services: ['checkout'] }), metadata: { name: 'mine', labels: {} } };
    const everyone = { ...policy({ all: true }), metadata: { name: 'everyone', labels: {} } };
    const editor = { prune: false, editableTeams: new Set(['payments']) };
    const plan = planChanges(state(), state(mine, everyone), editor);
    expect(plan.changes.map((change) => [change.kind, change.name, change.team])).toEqual([
      ['ErrorBudgetPolicy', 'mine', 'payments'],
    ]);
    expect(plan.forbidden).toEqual([
      {
        kind: 'ErrorBudgetPolicy',
        name: 'everyone',
        team: null,
        reason:
          'ErrorBudgetPolicy "everyone" is installation-wide (no team); changing it needs an admin token',
      },
    ]);
    const admin = planChanges(state(), state(mine, everyone), {
      prune: false,
      editableTeams: 'all',
    });
    expect(admin.changes.map((change) => change.name)).toEqual(['everyone', 'mine']);
    expect(admin.forbidden).toEqual([]);
  });

  it("refuses an editor who would move a policy onto another team's services", () => {
    const before = { ...policy({ services: ['checkout'] }), metadata: { name: 'p', labels: {} } };
    const after = { ...before, spec: { ...before.spec, appliesTo: { services: ['search'] } } };
    const plan = planChanges(state(before), state(after), {
      prune: false,
      editableTeams: new Set(['payments']),
    });
    expect(plan.changes).toEqual([]);
    expect(plan.forbidden.map((item) => item.team)).toEqual(['discovery']);
  });
});
