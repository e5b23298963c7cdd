import { describe, expect, it } from 'vitest';
import { formatDecision } from './decision-format.js';
import { defaultActor } from './gate-command.js';
import type { GateAnswer } from '../schema/deploys.js';

const HELD: GateAnswer = {
  id: 'dec_1',
  service: 'checkout',
  actor: 'alice',
  at: '2026-11-10T10:00:00.000Z',
  allowed: false,
  policies: ['payments-default'],
  reasons: [
    {
      policy: 'payments-default',
      rule: 'budget-low',
      kind: 'budgetBelow',
      effect: 'requireApproval',
      message:
        '[payments-default/budget-low] SLO checkout-availability has 20% of its error budget left, below 25% (SLI 99.920% over 30d against an objective of 99.9%). Needs an approval from a holder of role sre-lead other than alice.',
      slo: {
        name: 'checkout-availability',
        remaining: 0.2,
        exhausted: false,
        objective: 0.999,
        sli: 0.9992,
        window: { type: 'rolling', length: '30d' },
        thresholdPercent: 25,
      },
      alert: null,
      freeze: null,
      incident: null,
      unlessLabels: [],
      liftableBy: { roles: ['sre-lead'], notBy: 'alice' },
    },
  ],
  waived: [
    {
      policy: 'payments-default',
      rule: 'frozen',
      kind: 'freeze',
      effect: 'deny',
      message: '…',
      slo: null,
      alert: null,
      freeze: null,
      incident: null,
      unlessLabels: ['rollback'],
      liftableBy: null,
      waivedBy: { kind: 'label', label: 'rollback' },
    },
  ],
  approvalsApplied: [],
  approvalsRefused: [
    {
      id: 'apr_9',
      approver: 'bob',
      refusal: 'expired',
      message: 'the approval expired at 2026-11-10T09:00:00.000Z',
      rules: ['payments-default/budget-low'],
    },
  ],
  liftableBy: {
    approvals: [{ policy: 'payments-default', rules: ['budget-low'], roles: ['sre-lead'] }],
    notBy: 'alice',
  },
  onUnavailable: 'deny',
  version: '1.4.0',
  commit: null,
  labels: ['rollback'],
  requestedBy: 'token:abc (ci)',
};

describe('formatDecision', () => {
  it('tells a person every reason, what was waived, what did not count and what would lift it', () => {
    expect(formatDecision(HELD)).toBe(
      [
        'DENIED: checkout 1.4.0 may not be deployed now by alice (payments-default).',
        '',
        '  1. [payments-default/budget-low] SLO checkout-availability has 20% of its error budget left, below 25% (SLI 99.920% over 30d against an objective of 99.9%). Needs an approval from a holder of role sre-lead other than alice.',
        '',
        'Waived:',
        '  - [payments-default/frozen] by label rollback',
        '',
        'Approvals that do not count:',
        '  - apr_9 by bob: the approval expired at 2026-11-10T09:00:00.000Z',
        '',
        'To lift it: an approval from a holder of role sre-lead (not alice) for payments-default/budget-low, given with their own token:',
        "  headroom approve checkout --rule payments-default/budget-low --reason '…' --expires 2h",
        '',
        'Decision dec_1 at 2026-11-10T10:00:00.000Z.',
        '',
      ].join('\n'),
    );
  });

  it('names the freeze of each waived reason: one rule may hold on several', () => {
    const [waived] = HELD.waived;
    if (waived === undefined) throw new Error('HELD has a waived reason');
    const freeze = (name: string) => ({
      ...waived,
      freeze: {
        kind: 'window' as const,
        name,
        since: null,
        until: '2026-11-16T07:00:00.000Z',
        timeZone: 'Europe/Amsterdam',
        detail: 'Fri 16:00 to Mon 08:00 Europe/Amsterdam',
        holidays: null,
      },
    });
    const lines = formatDecision({
      ...HELD,
      waived: [freeze('weekend'), freeze('holidays-nl')],
    }).split('\n');
    expect(lines.filter((line) => line.startsWith('  - [payments-default/frozen]'))).toEqual([
      '  - [payments-default/frozen] freeze weekend by label rollback',
      '  - [payments-default/frozen] freeze holidays-nl by label rollback',
    ]);
  });

  it('says plainly when the deploy may go out', () => {
    const allowed = { ...HELD, allowed: true, reasons: [], waived: [], approvalsRefused: [] };
    expect(formatDecision({ ...allowed, liftableBy: null, version: null })).toBe(
      'ALLOWED: checkout may be deployed now by alice (payments-default).\n\nDecision dec_1 at 2026-11-10T10:00:00.000Z.\n',
    );
  });
});

describe('the approval a denial suggests', () => {
  const lifted = (caps: { policy: string; minutes: number }[]) =>
    formatDecision({
      ...HELD,
      liftableBy: {
        approvals: caps.map(({ policy, minutes }) => ({
          policy,
          rules: ['budget-low'],
          roles: ['sre-lead'],
          maxDurationSeconds: minutes * 60,
        })),
        notBy: 'alice',
        maxDurationSeconds: Math.min(...caps.map(({ minutes }) => minutes)) * 60,
      },
    })
      .split('\n')
      .filter((line) => line.startsWith('To lift it') || line.includes('headroom approve'));

  it('asks for the usual 2h where the policy allows longer, and says how long it may run', () => {
    expect(lifted([{ policy: 'payments-default', minutes: 8 * 60 }])).toEqual([
      'To lift it: an approval from a holder of role sre-lead (not alice) for payments-default/budget-low running at most 8h, given with their own token:',
      "  headroom approve checkout --rule payments-default/budget-low --reason '…' --expires 2h",
    ]);
  });

  it('asks for no longer than the policy allows, written as a duration --expires reads', () => {
    expect(lifted([{ policy: 'payments-default', minutes: 90 }])[1]).toBe(
      "  headroom approve checkout --rule payments-default/budget-low --reason '…' --expires 1h30m",
    );
  });

  it('asks every policy for the smallest cap among them', () => {
    expect(
      lifted([
        { policy: 'payments-default', minutes: 24 * 60 },
        { policy: 'audit', minutes: 45 },
      ]).filter((line) => line.includes('--expires')),
    ).toEqual([
      "  headroom approve checkout --rule payments-default/budget-low --reason '…' --expires 45m",
      "  headroom approve checkout --rule audit/budget-low --reason '…' --expires 45m",
    ]);
  });
});

describe('what lifts a denial no approval lifts', () => {
  const [lowBudget] = HELD.reasons;
  if (lowBudget === undefined) throw new Error('HELD has a reason');
  const deny = (rule: string, unlessLabels: string[]) => ({
    ...lowBudget,
    rule,
    effect: 'deny' as const,
    unlessLabels,
    liftableBy: null,
  });
  const footer = (reasons: GateAnswer['reasons']) =>
    formatDecision({ ...HELD, reasons, waived: [], approvalsRefused: [], liftableBy: null })
      .split('\n')
      .at(-4);

  it('names the label that waives every reason', () => {
    expect(
      footer([deny('exhausted', ['reliability', 'rollback']), deny('paging', ['rollback'])]),
    ).toBe(
      'No approval lifts this; the label rollback would waive every reason, or wait for the conditions to end.',
    );
  });

  it('says when the labels differ from reason to reason', () => {
    expect(footer([deny('exhausted', ['reliability']), deny('paging', ['rollback'])])).toBe(
      'No approval lifts this; each reason names the labels that waive it, or wait for the conditions to end.',
    );
  });

  it('names only the deny rules when an approval would lift the others', () => {
    const approvable = { ...lowBudget, rule: 'frozen', unlessLabels: [] };
    expect(footer([approvable, deny('paging', ['rollback'])])).toBe(
      'No approval lifts payments-default/paging; each reason names the labels that waive it, or wait for the conditions to end.',
    );
    expect(
      footer([{ ...approvable, unlessLabels: ['rollback'] }, deny('paging', ['rollback'])]),
    ).toBe(
      'No approval lifts payments-default/paging; the label rollback would waive every reason, or wait for the conditions to end.',
    );
  });

  it('says plainly when nothing but time lifts a rule', () => {
    expect(footer([deny('incident-freeze', []), deny('paging', ['rollback'])])).toBe(
      'No approval or label lifts payments-default/incident-freeze: only its condition ending does.',
    );
  });
});

describe('defaultActor', () => {
  it('takes who deploys from Headroom, GitHub Actions, GitLab CI, then the login', () => {
    expect(defaultActor({ GITHUB_ACTOR: 'octocat', USER: 'runner' })).toBe('octocat');
    expect(defaultActor({ GITLAB_USER_LOGIN: 'tanuki', HEADROOM_ACTOR: 'alice' })).toBe('alice');
    expect(defaultActor({ HEADROOM_ACTOR: ' ', USER: 'runner' })).toBe('runner');
    expect(defaultActor({})).toBeUndefined();
  });
});
