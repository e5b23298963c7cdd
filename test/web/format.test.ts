// The UI's pure helpers, run in Node: wall-clock times in a schedule's zone become the
// instants the API takes, across DST changes, and numbers are shown one way.
import { describe, expect, it } from 'vitest';
import {
  formatBudgetChange,
  formatBurnRate,
  formatObjective,
  formatPercent,
  formatSli,
} from '../../src/web/format/numbers.js';
import {
  formatExhaustion,
  formatInstantForZone,
  localMidnights,
  wallClockToInstant,
} from '../../src/web/format/time.js';
import {
  approvalHint,
  approveCommand,
  durationSeconds,
  expiresText,
  liftText,
  reasonEffect,
  shortReason,
} from '../../src/web/format/gate.js';
import { runNote, statusText } from '../../src/web/format/heartbeat.js';
import { heldText, nextText, notifiedText, urgencyText } from '../../src/web/format/escalation.js';
import type { GateReason, PageEscalation } from '../../src/web/api/types.js';

describe('wall-clock times in a zone (the override form)', () => {
  it.each([
    ['2026-10-22T08:00', 'Europe/Amsterdam', '2026-10-22T08:00:00+02:00'],
    // Amsterdam leaves summer time on 2026-10-25 at 03:00.
    ['2026-10-25T01:30', 'Europe/Amsterdam', '2026-10-25T01:30:00+02:00'],
    ['2026-10-25T04:00', 'Europe/Amsterdam', '2026-10-25T04:00:00+01:00'],
    ['2026-11-03T12:00', 'Europe/Amsterdam', '2026-11-03T12:00:00+01:00'],
    ['2026-11-02T09:00', 'America/New_York', '2026-11-02T09:00:00-05:00'],
    ['2026-07-01T09:00', 'Asia/Kolkata', '2026-07-01T09:00:00+05:30'],
    ['2026-07-01T09:00', 'UTC', '2026-07-01T09:00:00+00:00'],
  ])('%s in %s is %s', (local, zone, instant) => {
    expect(wallClockToInstant(local, zone)).toBe(instant);
    expect(Date.parse(instant)).not.toBeNaN();
  });

  it('refuses what is not a date and time', () => {
    expect(wallClockToInstant('', 'UTC')).toBeNull();
    expect(wallClockToInstant('2026-11-03', 'UTC')).toBeNull();
  });

  it('finds local midnights, 23 and 25 hours apart across DST changes', () => {
    const midnights = localMidnights(
      Date.parse('2026-10-24T12:00:00Z'),
      Date.parse('2026-10-27T12:00:00Z'),
      'Europe/Amsterdam',
    );
    expect(midnights.map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
      '2026-10-26T23:00:00.000Z',
    ]);
  });
});

describe('numbers as the UI shows them', () => {
  it('rounds for reading only, and says when there were no events', () => {
    expect(formatPercent(0.5623, 1)).toBe('56.2%');
    expect(formatPercent(-0.0423, 1)).toBe('-4.2%');
    expect(formatSli(0.999556)).toBe('99.956%');
    expect(formatSli(null)).toBe('—');
    expect(formatObjective(0.9995)).toBe('99.95%');
    expect(formatObjective(0.999)).toBe('99.9%');
    expect(formatBurnRate(20.8)).toBe('20.80×');
    expect(formatBurnRate(null)).toBe('—');
  });

  it("words an hour's budget change around a deploy: spent, or regained when negative", () => {
    expect(formatBudgetChange(0.0123)).toBe('spent 1.2%');
    // A calendar window that started afresh in the hour: the budget grew back.
    expect(formatBudgetChange(-0.047)).toBe('regained 4.7%');
    // Float noise around nothing is neither.
    expect(formatBudgetChange(-0.0001)).toBe('spent 0.0%');
    expect(formatBudgetChange(0)).toBe('spent 0.0%');
  });
});

describe('instants written for a zone', () => {
  it("shows the zone's clock, named, with UTC after it; plain UTC without a zone", () => {
    // Amsterdam is UTC+1 in December, New York UTC-5.
    expect(formatInstantForZone('2026-12-05T08:00:00.000Z', 'Europe/Amsterdam')).toBe(
      '2026-12-05 09:00 Europe/Amsterdam (2026-12-05 08:00 UTC)',
    );
    expect(formatInstantForZone('2026-12-01T05:00:00.000Z', 'America/New_York')).toBe(
      '2026-12-01 00:00 America/New_York (2026-12-01 05:00 UTC)',
    );
    expect(formatInstantForZone('2026-12-05T08:00:00.000Z', null)).toBe('2026-12-05 08:00 UTC');
    expect(formatInstantForZone('2026-12-05T08:00:00.000Z', 'UTC')).toBe('2026-12-05 08:00 UTC');
  });
});

describe('when the budget runs out', () => {
  const at = '2026-12-07T10:45:00.000Z';
  it('gives the instant and the time left, or says the budget is already spent', () => {
    expect(formatExhaustion({ at, exhaustionAt: '2026-12-08T13:15:00.000Z' })).toBe(
      '2026-12-08 13:15 UTC (in 1d 2h)',
    );
    expect(formatExhaustion({ at, exhaustionAt: '2026-12-07T10:45:20.000Z' })).toBe(
      '2026-12-07 10:45 UTC (in under a minute)',
    );
    // The core gives a spent budget the evaluation's own instant.
    expect(formatExhaustion({ at, exhaustionAt: at })).toBe('already spent');
    expect(formatExhaustion({ at, exhaustionAt: null })).toBe('not at the current burn rate');
  });
});

const reason = (fields: Partial<GateReason>): GateReason => ({
  policy: 'payments-default',
  rule: 'frozen',
  kind: 'freeze',
  effect: 'deny',
  message: '',
  slo: null,
  alert: null,
  freeze: null,
  incident: null,
  unlessLabels: [],
  liftableBy: null,
  ...fields,
});

describe("the gate's reasons in a line", () => {
  it("tells a freeze's end on the freeze's clock", () => {
    const freeze = {
      kind: 'adHoc' as const,
      name: 'release-freeze',
      since: '2026-12-03T08:00:00.000Z',
      until: '2026-12-05T08:00:00.000Z',
      timeZone: 'Europe/Amsterdam',
      detail: 'Year-end release freeze',
      holidays: null,
    };
    expect(shortReason(reason({ freeze }))).toBe(
      'freeze release-freeze until 2026-12-05 09:00 Europe/Amsterdam (2026-12-05 08:00 UTC)',
    );
    expect(shortReason(reason({ freeze: { ...freeze, timeZone: null } }))).toBe(
      'freeze release-freeze until 2026-12-05 08:00 UTC',
    );
  });

  it("gives a burn alert's burn rates over both windows and its threshold", () => {
    const line = shortReason(
      reason({
        kind: 'burnAlert',
        slo: {
          name: 'checkout-availability',
          remaining: 0.59,
          exhausted: false,
          objective: 0.999,
          sli: 0.9996,
          window: { type: 'rolling', length: '30d' },
          thresholdPercent: null,
        },
        alert: {
          severity: 'page',
          longWindow: '1h',
          shortWindow: '5m',
          factor: 14.4,
          longBurnRate: 24.236,
          shortBurnRate: 25.75,
        },
      }),
    );
    expect(line).toBe(
      'SLO checkout-availability: page-level burn alert, 24.24× over 1h and 25.75× over 5m, above 14.4×',
    );
  });

  it('says what lets a deploy past each rule, and the command that approves', () => {
    expect(reasonEffect({ effect: 'deny', unlessLabels: ['rollback'] })).toBe(
      'denies unless labelled rollback',
    );
    expect(reasonEffect({ effect: 'deny', unlessLabels: [] })).toBe('denies until it ends');
    expect(
      reasonEffect({ effect: 'requireApproval', unlessLabels: ['reliability', 'rollback'] }),
    ).toBe('needs approval, or the label reliability or rollback');
    expect(reasonEffect({ effect: 'requireApproval', unlessLabels: [] })).toBe('needs approval');
    expect(
      approveCommand('payments-api', {
        approvals: [
          { policy: 'payments-default', rules: ['budget-low', 'frozen'], roles: ['sre-lead'] },
        ],
        notBy: 'the deployer',
      }),
    ).toBe(
      'headroom approve payments-api --rule payments-default/budget-low --rule payments-default/frozen --reason "…" --expires 2h',
    );
  });
});

describe('the approval a held deploy suggests', () => {
  const approval = (policy: string, minutes?: number) => ({
    policy,
    rules: ['frozen'],
    roles: ['sre-lead'],
    ...(minutes === undefined ? {} : { maxDurationSeconds: minutes * 60 }),
  });

  it('asks for 2h where the policies allow longer, and no more than the smallest cap', () => {
    const lift = (caps: number[], smallest?: number) => ({
      approvals: caps.map((minutes, index) => approval(`p${String(index)}`, minutes)),
      notBy: 'alice',
      ...(smallest === undefined ? {} : { maxDurationSeconds: smallest * 60 }),
    });
    expect(approveCommand('ledger', lift([480], 480))).toBe(
      'headroom approve ledger --rule p0/frozen --reason "…" --expires 2h',
    );
    expect(approveCommand('ledger', lift([1440, 45], 45))).toBe(
      'headroom approve ledger --rule p0/frozen --rule p1/frozen --reason "…" --expires 45m',
    );
    // A lift without the server's smallest: the smallest of the policies' own.
    expect(approveCommand('ledger', lift([1440, 90]))).toContain('--expires 1h30m');
  });

  it('writes a duration as --expires reads it', () => {
    expect([45 * 60, 90 * 60, 2 * 3600, 36 * 3600, 86_400, 90 * 60 + 59].map(expiresText)).toEqual([
      '45m',
      '1h30m',
      '2h',
      '1d12h',
      '1d',
      '1h30m',
    ]);
    expect(['8h', '90m', '1h30m', '2w', '1d', '', 'soon'].map(durationSeconds)).toEqual([
      28_800,
      5400,
      5400,
      1_209_600,
      86_400,
      undefined,
      undefined,
    ]);
  });

  it('says who may approve, not the one who deploys, and for how long', () => {
    expect(liftText({ approvals: [approval('ledger', 45)], notBy: 'alice' })).toBe(
      'An approval from a holder of role sre-lead (not alice) lets it out; it may run at most 45m.',
    );
    expect(liftText({ approvals: [approval('ledger')], notBy: 'alice' })).toBe(
      'An approval from a holder of role sre-lead (not alice) lets it out.',
    );
    expect(
      liftText({
        approvals: [approval('release', 480), { ...approval('audit', 45), roles: ['auditor'] }],
        notBy: 'alice',
      }),
    ).toBe(
      'Approvals under each policy let it out, none from alice: release from a holder of role sre-lead (at most 8h); audit from a holder of role auditor (at most 45m).',
    );
  });

  it("gives the service page's hint from the policies: their roles and smallest cap", () => {
    const policy = (approvals?: { roles: string[]; maxDuration?: string }) => ({
      spec: approvals === undefined ? {} : { approvals },
    });
    expect(
      approvalHint('ledger', [
        policy({ roles: ['sre-lead'], maxDuration: '8h' }),
        policy({ roles: ['auditor', 'sre-lead'], maxDuration: '45m' }),
        policy(),
      ]),
    ).toEqual({
      roles: ['sre-lead', 'auditor'],
      command: 'headroom approve ledger --reason "…" --expires 45m',
    });
    // Without maxDuration a policy allows 24h.
    expect(approvalHint('ledger', [policy({ roles: ['sre-lead'] })])?.command).toBe(
      'headroom approve ledger --reason "…" --expires 2h',
    );
    expect(approvalHint('ledger', [policy()])).toBeNull();
  });
});

describe("a heartbeat check's status in words", () => {
  it('says since when and why, or its status alone where the server kept no cause', () => {
    const cause = {
      since: '2026-11-20T09:10:00.000Z',
      reason: 'fail' as const,
      text: 'a run failed',
    };
    expect(statusText({ status: 'down', cause })).toBe(
      'down since 2026-11-20 09:10 UTC: a run failed',
    );
    expect(statusText({ status: 'new', cause: null })).toBe('new: waiting for its first run');
    // A check up since before the server kept causes is up, not waiting for a first run.
    expect(statusText({ status: 'up', cause: null })).toBe('up');
  });
});

describe('a heartbeat check with a run in progress', () => {
  const check = {
    status: 'up' as const,
    cause: {
      since: '2026-12-03T02:00:00.000Z',
      reason: 'success' as const,
      text: 'a run succeeded',
    },
    runningSince: '2026-12-03T16:36:00.000Z',
    downAt: '2026-12-04T02:00:00.000Z',
    maxRunSeconds: 120,
  };

  it('says since when a run goes on', () => {
    expect(runNote(check)).toBe('running since 2026-12-03 16:36 UTC');
    expect(runNote({ ...check, runningSince: null })).toBeNull();
  });

  it('says when the run is what made the check late, and when it goes down', () => {
    // Started 16:36, max run time 2m: late at 16:38, down a grace (2m) later.
    const late = {
      ...check,
      status: 'late' as const,
      cause: {
        since: '2026-12-03T16:38:00.000Z',
        reason: 'run-late' as const,
        text: 'a run has taken longer than its maxRunTime',
      },
      downAt: '2026-12-03T16:40:00.000Z',
    };
    expect(runNote(late)).toBe(
      'a run since 2026-12-03 16:36 UTC has passed its max run time of 2m: down at 2026-12-03 16:40 UTC unless it ends',
    );
    // Late for a missed slot while a later run goes on: the run is not the cause.
    const missed = { ...late.cause, reason: 'late' as const, text: 'no run by the expected time' };
    expect(runNote({ ...late, cause: missed })).toBe('running since 2026-12-03 16:36 UTC');
  });
});

describe("a page's escalation in words", () => {
  const escalating: PageEscalation = {
    policy: 'payments',
    urgency: 'high',
    status: 'escalating',
    levels: 2,
    rounds: 2,
    notified: { level: 2, round: 1 },
    next: { level: 1, round: 2, at: '2026-11-02T03:15:00.000Z' },
    exhaustsAt: null,
    exhaustedAt: null,
    paged: ['anna', 'bram'],
    held: [],
  };

  it('names the level, the round when it repeats, and who was told', () => {
    expect(notifiedText(escalating)).toBe('Level 2 of 2, round 1 of 2: anna, bram');
    expect(nextText(escalating)).toBe(
      'Level 1, round 2 at 2026-11-02 03:15 UTC unless acknowledged',
    );
    expect(notifiedText({ ...escalating, notified: null, paged: [] })).toBe('Nobody yet');
  });

  it('says when nobody is next, and why', () => {
    const last = { ...escalating, next: null, exhaustsAt: '2026-11-02T03:45:00.000Z' };
    expect(nextText(last)).toBe(
      'Nobody: the escalation runs out at 2026-11-02 03:45 UTC unless acknowledged',
    );
    const exhausted = {
      ...last,
      status: 'exhausted' as const,
      exhaustsAt: null,
      exhaustedAt: '2026-11-02T03:45:00.000Z',
    };
    expect(nextText(exhausted)).toBe('Nobody: the escalation ran out at 2026-11-02 03:45 UTC');
    const low = { ...escalating, urgency: 'low' as const, levels: 1, rounds: 1, next: null };
    expect(urgencyText(low)).toBe('Low: level 1 is told once, it does not escalate');
    expect(notifiedText({ ...low, notified: { level: 1, round: 1 }, paged: ['anna'] })).toBe(
      'Level 1: anna',
    );
    expect(nextText(low)).toBe('Nobody: low urgency');
    expect(heldText(low)).toBeNull();
    expect(
      heldText({ ...low, held: [{ person: 'anna', until: '2026-11-02T08:00:00.000Z' }] }),
    ).toBe("anna's e-mail waits until 2026-11-02 08:00 UTC");
  });
});
