// Tests of src/schema/policy.ts (the ErrorBudgetPolicy document, approvals, the gate's
// request and decision). They live here, next to the engine they feed.
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  approvalFromRecord,
  approvalRequestSchema,
  approvalSchema,
  deployDecisionSchema,
  errorBudgetPolicyDocumentSchema,
  errorBudgetPolicySpecSchema,
  gateRequestSchema,
  policyFromDocument,
} from './policy.js';
import { compilePolicy } from '../core/policy/compile.js';
import { decideDeploy } from '../core/policy/decide.js';
import { approval, at, gateInput, PAGE_ALERT, slo } from '../core/policy/test-support.js';

const EXAMPLE = `
apiVersion: headroom/v1
kind: ErrorBudgetPolicy
metadata:
  name: payments-default
spec:
  description: What the payments team does when a budget runs low.
  appliesTo:
    teams: [payments]
  rules:
    - name: budget-exhausted
      when: budgetExhausted
      effect: deny
      unlessLabels: [reliability, rollback]
    - name: page-burn
      when: { burnAlert: page }
      effect: deny
      unlessLabels: [rollback]
    - name: budget-low
      when: { budgetBelow: 25 }
      effect: requireApproval
      unlessLabels: [rollback]
    - name: holidays
      when: { freeze: [holidays-nl, holidays-us-ny] }
      effect: deny
      unlessLabels: [rollback]
    - name: change-freezes
      when: { freeze: [weekend, black-friday] }
      effect: requireApproval
      unlessLabels: [rollback]
  freezes:
    holidays:
      - country: NL
      - country: us
        region: ny
    windows:
      - name: weekend
        from: Fri 16:00
        to: Mon 08:00
        timeZone: Europe/Amsterdam
    adHoc:
      - name: black-friday
        start: 2026-11-27T00:00:00+01:00
        end: 2026-11-30T08:00:00+01:00
        reason: Black Friday traffic
  incidentFreeze:
    dependencies: critical
    unlessLabels: [rollback]
  approvals:
    roles: [sre-lead, eng-manager]
    maxDuration: 8h
  onUnavailable: deny
`;

/**
 * The issues as users see them: like config/zod-issues.ts, a value that fits no
 * branch of a union (`when:`) is reported by the one branch its type fits.
 */
function issuesOf(result: { error?: { issues: readonly z.core.$ZodIssue[] } }): z.core.$ZodIssue[] {
  const scope = (issues: readonly z.core.$ZodIssue[], base: PropertyKey[]): z.core.$ZodIssue[] =>
    issues.flatMap((issue) => {
      const path = [...base, ...issue.path];
      if (issue.code === 'invalid_union') {
        const fitting = issue.errors.filter(
          (branch) =>
            !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
        );
        const [only] = fitting;
        if (fitting.length === 1 && only !== undefined) return scope(only, path);
      }
      return [{ ...issue, path }];
    });
  return scope(result.error?.issues ?? [], []);
}

function codesOf(result: { error?: { issues: readonly z.core.$ZodIssue[] } }): string[] {
  return issuesOf(result).map((issue) => {
    const params = (issue as { params?: { code?: string } }).params;
    return `${params?.code ?? issue.code} at ${issue.path.join('.')}`;
  });
}

function messagesOf(result: { error?: { issues: readonly z.core.$ZodIssue[] } }): string {
  return issuesOf(result)
    .map((issue) => issue.message)
    .join('\n');
}

const minimal = {
  appliesTo: { services: ['checkout'] },
  rules: [{ name: 'budget-exhausted', when: 'budgetExhausted', effect: 'deny' }],
};

function spec(fields: Record<string, unknown>) {
  return errorBudgetPolicySpecSchema.safeParse({ ...minimal, ...fields }, { reportInput: true });
}

describe('ErrorBudgetPolicy document', () => {
  it('reads the example YAML into the engine’s policy', () => {
    const document = errorBudgetPolicyDocumentSchema.parse(parse(EXAMPLE));
    expect(policyFromDocument(document)).toEqual({
      name: 'payments-default',
      appliesTo: { all: false, services: [], teams: ['payments'] },
      rules: [
        {
          name: 'budget-exhausted',
          when: { kind: 'budgetExhausted' },
          effect: 'deny',
          unlessLabels: ['reliability', 'rollback'],
        },
        {
          name: 'page-burn',
          when: { kind: 'burnAlert', severity: 'page' },
          effect: 'deny',
          unlessLabels: ['rollback'],
        },
        {
          name: 'budget-low',
          when: { kind: 'budgetBelow', percent: 25 },
          effect: 'requireApproval',
          unlessLabels: ['rollback'],
        },
        {
          name: 'holidays',
          when: { kind: 'freeze', freezes: ['holidays-nl', 'holidays-us-ny'] },
          effect: 'deny',
          unlessLabels: ['rollback'],
        },
        {
          name: 'change-freezes',
          when: { kind: 'freeze', freezes: ['weekend', 'black-friday'] },
          effect: 'requireApproval',
          unlessLabels: ['rollback'],
        },
      ],
      freezes: {
        holidays: [
          {
            name: 'holidays-nl',
            country: 'NL',
            region: undefined,
            timeZone: 'Europe/Amsterdam',
            types: ['public'],
          },
          {
            name: 'holidays-us-ny',
            country: 'US',
            region: 'NY',
            timeZone: 'America/New_York',
            types: ['public'],
          },
        ],
        windows: [
          {
            name: 'weekend',
            from: { day: 5, minute: 960 },
            to: { day: 1, minute: 480 },
            timeZone: 'Europe/Amsterdam',
          },
        ],
        adHoc: [
          {
            name: 'black-friday',
            startMs: at('2026-11-26T23:00:00Z'),
            endMs: at('2026-11-30T07:00:00Z'),
            reason: 'Black Friday traffic',
          },
        ],
      },
      incidentFreeze: { dependencies: 'critical', effect: 'deny', unlessLabels: ['rollback'] },
      approvals: { roles: ['sre-lead', 'eng-manager'], maxDurationMinutes: 480 },
      onUnavailable: 'deny',
    });
  });

  it('the example policy compiles and decides: Thanksgiving in New York holds a deploy', () => {
    const compiled = compilePolicy(
      policyFromDocument(errorBudgetPolicyDocumentSchema.parse(parse(EXAMPLE))),
    );
    const decision = decideDeploy(gateInput([compiled]), at('2026-11-26T12:00:00-05:00'));
    expect(
      decision.reasons.map((reason) => [reason.rule, reason.freeze?.name, reason.freeze?.until]),
    ).toEqual([['holidays', 'holidays-us-ny', '2026-11-27T05:00:00.000Z']]);
  });

  it('fills in the defaults', () => {
    const result = spec({
      freezes: {
        holidays: [{ country: 'DE', region: 'BY' }],
        windows: [{ from: 'Fri 16:00', to: 'Mon 08:00', timeZone: 'Europe/Berlin' }],
      },
      rules: [
        { name: 'low', when: { budgetBelow: 10 }, effect: 'requireApproval' },
        { name: 'frozen', when: 'freeze', effect: 'deny' },
      ],
      incidentFreeze: {},
      approvals: { roles: ['sre'] },
    });
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      rules: [
        { name: 'low', unlessLabels: [] },
        { name: 'frozen', when: { kind: 'freeze', freezes: 'all' }, unlessLabels: [] },
      ],
      freezes: {
        holidays: [
          {
            name: 'holidays-de-by',
            country: 'DE',
            region: 'BY',
            timeZone: 'Europe/Berlin',
            types: ['public'],
          },
        ],
        windows: [{ name: 'fri-1600-to-mon-0800' }],
        adHoc: [],
      },
      incidentFreeze: { dependencies: 'critical', effect: 'deny', unlessLabels: ['rollback'] },
      approvals: { roles: ['sre'], maxDurationMinutes: 24 * 60 },
      onUnavailable: 'deny',
    });
  });

  it('applies to services, teams, or all', () => {
    expect(spec({ appliesTo: { all: true } }).data?.appliesTo).toEqual({
      all: true,
      services: [],
      teams: [],
    });
    expect(codesOf(spec({ appliesTo: {} }))).toEqual(['missing_field at appliesTo']);
    expect(codesOf(spec({ appliesTo: { all: true, services: ['checkout'] } }))).toEqual([
      'conflicting_fields at appliesTo.services',
    ]);
  });

  it.each<[string, Record<string, unknown>, string[], string]>([
    [
      'a condition with two kinds',
      {
        rules: [{ name: 'r', when: { budgetExhausted: true, burnAlert: 'page' }, effect: 'deny' }],
      },
      ['conflicting_fields at rules.0.when'],
      'got budgetExhausted and burnAlert',
    ],
    [
      'a misspelt condition',
      { rules: [{ name: 'r', when: 'budgetexhausted', effect: 'deny' }] },
      ['invalid_condition at rules.0.when'],
      'a condition is one of budgetExhausted, freeze, { budgetBelow: 25 }, { burnAlert: page }, { freeze: [weekend] }; got "budgetexhausted"',
    ],
    [
      'budgetBelow above 100',
      { rules: [{ name: 'r', when: { budgetBelow: 150 }, effect: 'deny' }] },
      ['out_of_range at rules.0.when.budgetBelow'],
      'budgetBelow 150 is out of range',
    ],
    [
      'an unknown effect',
      { rules: [{ name: 'r', when: 'budgetExhausted', effect: 'warn' }] },
      ['invalid_value at rules.0.effect'],
      'effect must be deny',
    ],
    [
      'two rules of one name',
      { rules: [minimal.rules[0], minimal.rules[0]] },
      ['duplicate_name at rules.1.name'],
      'two rules are named "budget-exhausted"',
    ],
    [
      'the reserved rule name',
      { rules: [{ name: 'incident-freeze', when: 'budgetExhausted', effect: 'deny' }] },
      ['reserved_name at rules.0.name'],
      'reserved for incidentFreeze',
    ],
    [
      'requireApproval without approvers',
      { rules: [{ name: 'r', when: { budgetBelow: 20 }, effect: 'requireApproval' }] },
      ['missing_field at rules.0.effect'],
      'needs approvals: { roles: [...] }',
    ],
    [
      'approvers with nothing to approve',
      { approvals: { roles: ['sre'] } },
      ['unused_field at approvals'],
      'approvals lift only rules with effect requireApproval',
    ],
    ['no rule at all', { rules: [] }, ['missing_field at rules'], 'at least one rule'],
    [
      'a freeze rule without freezes',
      { rules: [{ name: 'r', when: 'freeze', effect: 'deny' }] },
      ['missing_field at rules.0.when'],
      'defines none',
    ],
    [
      'a rule naming a freeze that does not exist',
      {
        rules: [{ name: 'r', when: { freeze: ['weekend'] }, effect: 'deny' }],
        freezes: { holidays: [{ country: 'NL' }] },
      },
      ['unknown_freeze at rules.0.when.freeze'],
      'no freeze is named "weekend"; the policy\'s freezes are holidays-nl',
    ],
    [
      'freezes no rule acts on',
      { freezes: { holidays: [{ country: 'NL' }] } },
      ['unused_field at freezes'],
      'freezes hold deploys only through a rule',
    ],
  ])('refuses %s', (_what, fields, codes, message) => {
    const result = spec(fields);
    expect(codesOf(result)).toEqual(codes);
    expect(messagesOf(result)).toContain(message);
  });

  const withFreezes = (freezes: Record<string, unknown>) =>
    spec({ freezes, rules: [{ name: 'frozen', when: 'freeze', effect: 'deny' }] });

  it.each<[string, Record<string, unknown>, string[], string]>([
    [
      'an unknown country',
      { holidays: [{ country: 'XX' }] },
      ['unknown_country at freezes.holidays.0.country'],
      'unknown country "XX" for holidays',
    ],
    [
      'an unknown region',
      { holidays: [{ country: 'DE', region: 'XY' }] },
      ['unknown_region at freezes.holidays.0.region'],
      'known regions of DE: ',
    ],
    [
      'a country of several zones without a zone',
      { holidays: [{ country: 'US' }] },
      ['missing_field at freezes.holidays.0.timeZone'],
      'US spans several time zones (America/New_York',
    ],
    [
      'an unknown zone',
      { holidays: [{ country: 'NL', timeZone: 'Europe/Amsterdan' }] },
      ['invalid_time_zone at freezes.holidays.0.timeZone'],
      'unknown time zone "Europe/Amsterdan"',
    ],
    [
      'an unreadable weekly time',
      { windows: [{ from: 'Friday 4pm', to: 'Mon 08:00', timeZone: 'UTC' }] },
      ['invalid_weekly_time at freezes.windows.0.from'],
      'expected a day and a 24-hour time such as "Fri 16:00"',
    ],
    [
      'an empty window',
      { windows: [{ from: 'Fri 16:00', to: 'fri 16:00', timeZone: 'UTC' }] },
      ['empty_window at freezes.windows.0.to'],
      'from and to are both Fri 16:00',
    ],
    [
      'a window without a zone',
      { windows: [{ from: 'Fri 16:00', to: 'Mon 08:00' }] },
      ['invalid_type at freezes.windows.0.timeZone'],
      '',
    ],
    [
      'an ad-hoc freeze that ends before it starts',
      {
        adHoc: [
          { name: 'x', start: '2026-11-30T00:00:00Z', end: '2026-11-29T00:00:00Z', reason: 'r' },
        ],
      },
      ['out_of_range at freezes.adHoc.0.end'],
      'end must be after start',
    ],
    [
      'an instant without an offset',
      { adHoc: [{ name: 'x', end: '2026-11-29T00:00:00', reason: 'r' }] },
      ['invalid_instant at freezes.adHoc.0.end'],
      'write it with its offset',
    ],
    [
      'an ad-hoc freeze without a reason',
      { adHoc: [{ name: 'x', end: '2026-11-29T00:00:00Z', reason: ' ' }] },
      ['empty_value at freezes.adHoc.0.reason'],
      'reason must not be empty',
    ],
    [
      'two freezes of one name',
      {
        holidays: [{ country: 'NL', name: 'quiet' }],
        windows: [{ name: 'quiet', from: 'Fri 16:00', to: 'Mon 08:00', timeZone: 'UTC' }],
      },
      ['duplicate_name at freezes.windows.0.name'],
      'two freezes are named "quiet"',
    ],
  ])('refuses %s', (_what, freezes, codes, message) => {
    const result = withFreezes(freezes);
    expect(codesOf(result)).toEqual(codes);
    expect(messagesOf(result)).toContain(message);
  });

  it('reports every mistake of a document in one pass', () => {
    const result = spec({
      rules: [
        { name: 'r', when: { budgetBelow: 0 }, effect: 'requireApproval' },
        { name: 'r', when: { freeze: ['nope'] }, effect: 'deny' },
      ],
      freezes: { windows: [{ from: 'Fri 16:00', to: 'Mon 08:00', timeZone: 'Nowhere/City' }] },
    });
    expect(codesOf(result).sort()).toEqual([
      'duplicate_name at rules.1.name',
      'invalid_time_zone at freezes.windows.0.timeZone',
      'missing_field at rules.0.effect',
      'out_of_range at rules.0.when.budgetBelow',
    ]);
  });

  it('has a JSON Schema of the document as written, for editors', () => {
    const schema = z.toJSONSchema(errorBudgetPolicyDocumentSchema, {
      io: 'input',
      unrepresentable: 'any',
    });
    expect(JSON.stringify(schema)).toContain('unlessLabels');
  });
});

describe('approvals, the gate request and the decision', () => {
  it('reads an approval record into the engine’s approval', () => {
    const record = approvalSchema.parse({
      id: 'apr-7',
      service: 'checkout',
      approver: 'bob',
      approverRoles: ['sre-lead'],
      requester: null,
      reason: 'fix for INC-42, reviewed',
      grantedAt: '2026-06-10T09:00:00Z',
      expiresAt: '2026-06-10T11:00:00+02:00',
      scope: ['budget-low', 'payments-default/change-freezes'],
    });
    expect(approvalFromRecord(record)).toEqual({
      id: 'apr-7',
      service: 'checkout',
      approver: 'bob',
      approverRoles: ['sre-lead'],
      requester: undefined,
      reason: 'fix for INC-42, reviewed',
      grantedAtMs: at('2026-06-10T09:00:00Z'),
      expiresAtMs: at('2026-06-10T09:00:00Z'),
      scope: ['budget-low', 'payments-default/change-freezes'],
    });
  });

  it('an approval request names its scope: all, or rules', () => {
    const request = {
      service: 'checkout',
      reason: 'hotfix',
      expiresAt: '2026-06-10T17:00:00Z',
      scope: 'all',
    };
    expect(approvalRequestSchema.safeParse(request).success).toBe(true);
    expect(codesOf(approvalRequestSchema.safeParse({ ...request, scope: ['Budget Low'] }))).toEqual(
      ['invalid_name at scope.0'],
    );
    expect(codesOf(approvalRequestSchema.safeParse({ ...request, scope: [] }))).toEqual([
      'too_small at scope',
    ]);
    expect(codesOf(approvalRequestSchema.safeParse({ ...request, reason: '' }))).toEqual([
      'empty_value at reason',
    ]);
  });

  it('a gate request has labels (none by default) and an actor', () => {
    expect(
      gateRequestSchema.parse({ service: 'checkout', actor: 'alice', version: '1.4.2' }),
    ).toEqual({
      service: 'checkout',
      actor: 'alice',
      version: '1.4.2',
      labels: [],
    });
    expect(
      codesOf(
        gateRequestSchema.safeParse({ service: 'checkout', actor: 'alice', labels: ['Rollback'] }),
      ),
    ).toEqual(['invalid_name at labels.0']);
    expect(codesOf(gateRequestSchema.safeParse({ service: 'checkout' }))).toEqual([
      'invalid_type at actor',
    ]);
  });

  it('the decision schema accepts what the gate answers', () => {
    const compiled = compilePolicy(
      policyFromDocument(errorBudgetPolicyDocumentSchema.parse(parse(EXAMPLE))),
    );
    const christmasWeekend = at('2026-12-26T10:00:00+01:00');
    const decision = decideDeploy(
      gateInput([compiled], {
        facts: {
          slos: [slo('checkout-availability', -0.1, [PAGE_ALERT]), slo('checkout-latency', 0.2)],
          openIncidents: [{ id: 'inc-1', title: 'DB failover', services: ['payments-db'] }],
          approvals: [
            approval({
              grantedAtMs: christmasWeekend - 3_600_000,
              expiresAtMs: christmasWeekend + 3_600_000,
            }),
            approval({
              id: 'self',
              approver: 'alice',
              grantedAtMs: christmasWeekend - 3_600_000,
              expiresAtMs: christmasWeekend + 3_600_000,
            }),
          ],
        },
        labels: ['reliability'],
      }),
      christmasWeekend,
    );
    // Boxing Day on a Saturday, labelled reliability, with bob's approval and alice's own.
    expect(decision.reasons.map((reason) => reason.rule)).toEqual([
      'page-burn',
      'holidays',
      'incident-freeze',
    ]);
    expect(decision.waived.map((waived) => [waived.rule, waived.waivedBy.kind])).toEqual([
      ['budget-exhausted', 'label'],
      ['budget-low', 'approval'],
      ['budget-low', 'approval'],
      ['change-freezes', 'approval'],
    ]);
    expect(decision.approvalsRefused.map((refused) => [refused.id, refused.refusal])).toEqual([
      ['self', 'approverIsRequester'],
    ]);
    expect(deployDecisionSchema.parse(decision)).toEqual(decision);
  });
});
