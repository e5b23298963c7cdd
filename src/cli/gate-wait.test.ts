import { describe, expect, it } from 'vitest';
import type { GateAnswer } from '../schema/deploys.js';
import { captureIo } from './captured-io.js';
import { waitForAllowed, waitingCannotHelp, type Waiting } from './gate-wait.js';

const T0 = Date.parse('2026-11-13T15:00:00Z');

type Reason = GateAnswer['reasons'][number];

function reason(rule: string, fields: Partial<Reason> = {}): Reason {
  return {
    policy: 'ledger-release',
    rule,
    kind: 'freeze',
    effect: 'requireApproval',
    message: `[ledger-release/${rule}] held`,
    slo: null,
    alert: null,
    freeze: null,
    incident: null,
    unlessLabels: [],
    liftableBy: { roles: ['sre-lead'], notBy: 'alice' },
    ...fields,
  };
}

function answer(id: number, reasons: readonly Reason[]): GateAnswer {
  return {
    id: `dec_${String(id)}`,
    service: 'ledger',
    actor: 'alice',
    at: new Date(T0).toISOString(),
    allowed: reasons.length === 0,
    policies: ['ledger-release'],
    reasons,
    waived: [],
    approvalsApplied: [],
    approvalsRefused: [],
    liftableBy: null,
    onUnavailable: 'deny',
    version: null,
    commit: null,
    labels: [],
    requestedBy: 'token:ci',
  };
}

/** A clock that moves only when the wait sleeps. */
function fakeWaiting(): Waiting & { readonly slept: number[] } {
  let now = T0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

const held = answer(1, [reason('frozen')]);

describe('headroom gate --wait', () => {
  it('asks again each interval until the deploy is let out, and shows what is new', async () => {
    const answers = [
      held,
      answer(3, [reason('frozen', { message: 'the same rule, other numbers' })]),
      answer(4, [reason('frozen'), reason('paging', { kind: 'burnAlert' })]),
      answer(5, []),
    ];
    const shown: string[] = [];
    const captured = captureIo();
    const waiting = fakeWaiting();
    const last = await waitForAllowed(
      held,
      () => Promise.resolve(answers.shift() ?? held),
      { seconds: 600, intervalSeconds: 30 },
      captured.io,
      (next) => shown.push(next.id),
      waiting,
    );
    expect(last.id).toBe('dec_5');
    expect(waiting.slept).toEqual([30_000, 30_000, 30_000, 30_000]);
    // The first two say what was shown already; the alert is new, and then the answer.
    expect(shown).toEqual(['dec_4', 'dec_5']);
    expect(captured.stderr()).toBe(
      'headroom gate: waiting up to 10m for what holds the deploy to lift (an approval, a freeze or an alert ending); asking again every 30s.\n',
    );
  });

  it('answers the last denial once the wait is over, never sleeping past it', async () => {
    const captured = captureIo();
    const waiting = fakeWaiting();
    let asked = 0;
    const last = await waitForAllowed(
      held,
      () => {
        asked += 1;
        return Promise.resolve(answer(10 + asked, [reason('frozen')]));
      },
      { seconds: 75, intervalSeconds: 30 },
      captured.io,
      () => undefined,
      waiting,
    );
    expect(waiting.slept).toEqual([30_000, 30_000, 15_000]);
    expect(last.id).toBe('dec_13');
    expect(captured.stderr()).toContain('headroom gate: still DENIED after waiting 75s.\n');
  });

  it('waits through a server that cannot answer for a while', async () => {
    const captured = captureIo();
    const replies: (() => Promise<GateAnswer>)[] = [
      () => Promise.reject(new Error('connection refused')),
      () => Promise.resolve(answer(2, [])),
    ];
    const last = await waitForAllowed(
      held,
      () => (replies.shift() ?? (() => Promise.resolve(held)))(),
      { seconds: 120, intervalSeconds: 10 },
      captured.io,
      () => undefined,
      fakeWaiting(),
    );
    expect(last.allowed).toBe(true);
    expect(captured.stderr()).toContain('headroom gate: connection refused; still waiting\n');
  });

  it('does not wait for a freeze no approval lifts that lasts past the wait', async () => {
    const frozen = answer(1, [
      reason('frozen', {
        effect: 'deny',
        liftableBy: null,
        freeze: {
          kind: 'window',
          name: 'weekend',
          since: null,
          until: '2026-11-16T07:00:00.000Z',
          timeZone: 'Europe/Amsterdam',
          detail: 'Fri 16:00 to Mon 08:00',
          holidays: null,
        },
      }),
    ]);
    expect(waitingCannotHelp(frozen, T0 + 30 * 60_000)).toBe(
      '[ledger-release/frozen] holds deploys until 2026-11-16T07:00:00.000Z, past the wait, and no approval lifts it',
    );
    // Ending within the wait, or lifted by an approval: worth waiting for.
    expect(waitingCannotHelp(frozen, Date.parse('2026-11-16T08:00:00Z'))).toBeUndefined();
    expect(waitingCannotHelp(held, T0 + 60_000)).toBeUndefined();

    const captured = captureIo();
    let asked = 0;
    const last = await waitForAllowed(
      frozen,
      () => {
        asked += 1;
        return Promise.resolve(frozen);
      },
      { seconds: 1800, intervalSeconds: 30 },
      captured.io,
      () => undefined,
      fakeWaiting(),
    );
    expect(last).toBe(frozen);
    expect(asked).toBe(0);
    expect(captured.stderr()).toBe(
      'headroom gate: not waiting: [ledger-release/frozen] holds deploys until 2026-11-16T07:00:00.000Z, past the wait, and no approval lifts it.\n',
    );
  });
});
