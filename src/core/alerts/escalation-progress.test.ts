import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escalationProgress } from './escalation-progress.js';
import {
  acknowledge,
  advance,
  raiseToHighUrgency,
  startEscalation,
  type EscalationPolicy,
  type EscalationState,
  type ResolveTarget,
} from './escalation.js';

const T0 = Date.UTC(2026, 11, 6, 3, 0);
const MINUTE = 60_000;
const PAGE = { id: 'page-1', services: ['checkout'] };
const EVERYONE: ResolveTarget = (target) => [target.name];
const NOBODY: ResolveTarget = () => [];

const POLICY: EscalationPolicy = {
  name: 'checkout',
  levels: [
    { targets: [{ kind: 'user', name: 'alice' }], timeoutMinutes: 5 },
    { targets: [{ kind: 'user', name: 'bob' }], timeoutMinutes: 10 },
  ],
  repeat: 1,
};

const at = (state: EscalationState, atMs: number, resolve: ResolveTarget = EVERYONE) =>
  advance(state, atMs, resolve).state;

describe('the progress of an escalation', () => {
  it('names the next level and when, step by step, then when it runs out', () => {
    let state = startEscalation(PAGE, POLICY, T0);
    expect(escalationProgress(state)).toMatchObject({
      urgency: 'high',
      levels: 2,
      rounds: 2,
      notified: undefined,
      next: { level: 1, round: 1, at: T0 },
    });
    state = at(state, T0);
    expect(escalationProgress(state)).toMatchObject({
      notified: { level: 1, round: 1 },
      next: { level: 2, round: 1, at: T0 + 5 * MINUTE },
      paged: ['alice'],
    });
    state = at(state, T0 + 15 * MINUTE);
    expect(escalationProgress(state)).toMatchObject({
      notified: { level: 1, round: 2 },
      next: { level: 2, round: 2, at: T0 + 20 * MINUTE },
    });
    state = at(state, T0 + 20 * MINUTE);
    // Every step sent: what is left is the last level's timeout.
    expect(escalationProgress(state)).toMatchObject({
      status: 'escalating',
      notified: { level: 2, round: 2 },
      next: undefined,
      exhaustsAt: T0 + 30 * MINUTE,
    });
    state = at(state, T0 + 30 * MINUTE);
    expect(escalationProgress(state)).toMatchObject({
      status: 'exhausted',
      next: undefined,
      exhaustsAt: undefined,
      exhaustedAt: T0 + 30 * MINUTE,
    });
  });

  it('has nothing next once acknowledged', () => {
    const state = acknowledge(at(startEscalation(PAGE, POLICY, T0), T0), 'alice', T0 + MINUTE);
    expect(escalationProgress(state)).toMatchObject({
      status: 'acknowledged',
      notified: { level: 1, round: 1 },
      next: undefined,
      exhaustsAt: undefined,
    });
  });

  it('says a low-urgency page waits at level 1, and escalates once raised', () => {
    const low = at(startEscalation(PAGE, POLICY, T0, undefined, 'low'), T0);
    expect(escalationProgress(low)).toMatchObject({
      urgency: 'low',
      status: 'escalating',
      levels: 1,
      rounds: 1,
      notified: { level: 1, round: 1 },
      next: undefined,
      exhaustsAt: undefined,
    });
    const raised = raiseToHighUrgency(low, POLICY, T0 + 2 * MINUTE);
    expect(escalationProgress(raised)).toMatchObject({
      urgency: 'high',
      levels: 2,
      rounds: 2,
      next: { level: 2, round: 1, at: T0 + 5 * MINUTE },
    });
  });

  it('agrees with advance: the next step it names is the one sent, when it says', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 * MINUTE }), { maxLength: 8 }),
        fc.boolean(),
        (gaps, reachNobody) => {
          let state = startEscalation(PAGE, POLICY, T0);
          let now = T0;
          for (const gap of gaps) {
            const before = escalationProgress(state);
            now += gap;
            const result = advance(state, now, reachNobody ? NOBODY : EVERYONE);
            const first = result.notifications[0] ?? result.unreached[0];
            if (before.next === undefined || before.next.at > now) {
              expect(first).toBeUndefined();
            } else {
              expect(first).toMatchObject({
                level: before.next.level,
                attempt: before.next.round,
                dueAt: before.next.at,
              });
            }
            state = result.state;
          }
        },
      ),
    );
  });
});
