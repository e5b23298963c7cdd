import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tier } from '../slo/model.js';
import {
  acknowledge,
  advance,
  includeIncidentResponse,
  incidentResponseReasons,
  policyProblems,
  raiseToHighUrgency,
  resolve,
  startEscalation,
  type EscalationNotification,
  type EscalationPolicy,
  type EscalationState,
  type EscalationTarget,
  type IncidentResponseRule,
  type ResolveTarget,
} from './escalation.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0);
const MINUTE = 60_000;
const PAGE = { id: 'page-1', services: ['checkout'] };

const user = (name: string): EscalationTarget => ({ kind: 'user', name });
const schedule = (name: string): EscalationTarget => ({ kind: 'schedule', name });
const team = (name: string): EscalationTarget => ({ kind: 'team', name });

/** Who each target reaches; schedules and teams from the maps, users themselves. */
function resolver(
  schedules: Record<string, readonly string[]> = {},
  teams: Record<string, readonly string[]> = {},
): ResolveTarget {
  return (target) => {
    if (target.kind === 'user') return [target.name];
    const members = target.kind === 'schedule' ? schedules[target.name] : teams[target.name];
    return members ?? [];
  };
}

const RESOLVE = resolver(
  { primary: ['bob'], secondary: ['carol'], 'incident-response': ['ivy'] },
  { payments: ['dan', 'erin'] },
);

const POLICY: EscalationPolicy = {
  name: 'checkout',
  levels: [
    { targets: [user('alice')], timeoutMinutes: 5 },
    { targets: [schedule('primary')], timeoutMinutes: 10 },
  ],
  repeat: 1,
};

/** What one notification says, compactly: level, attempt, target and users. */
const brief = (n: EscalationNotification) =>
  `L${n.level}#${n.attempt} ${n.target.kind}:${n.target.name} -> ${n.users.join(',')}`;

describe('escalating a page', () => {
  it('notifies level 1 at once, the next level after its timeout, repeats, then is exhausted', () => {
    let state = startEscalation(PAGE, POLICY, T0);
    expect(state).toMatchObject({ status: 'escalating', step: 0, nextDueAt: T0, passes: 2 });
    const sent: string[][] = [];
    const wakes: (number | undefined)[] = [];
    for (const at of [
      T0,
      T0 + 4 * MINUTE,
      T0 + 5 * MINUTE,
      T0 + 15 * MINUTE,
      T0 + 20 * MINUTE,
      T0 + 30 * MINUTE,
    ]) {
      const result = advance(state, at, RESOLVE);
      sent.push(result.notifications.map(brief));
      wakes.push(result.nextWakeAt);
      state = result.state;
    }
    expect(sent).toEqual([
      ['L1#1 user:alice -> alice'],
      [],
      ['L2#1 schedule:primary -> bob'],
      ['L1#2 user:alice -> alice'],
      ['L2#2 schedule:primary -> bob'],
      [],
    ]);
    expect(wakes).toEqual([
      T0 + 5 * MINUTE,
      T0 + 5 * MINUTE,
      T0 + 15 * MINUTE,
      T0 + 20 * MINUTE,
      T0 + 30 * MINUTE,
      undefined,
    ]);
    expect(state).toMatchObject({
      status: 'exhausted',
      exhaustedAt: T0 + 30 * MINUTE,
      nextDueAt: undefined,
      paged: ['alice', 'bob'],
    });
    expect(advance(state, T0 + 99 * MINUTE, RESOLVE).notifications).toEqual([]);
  });

  it('sends nothing twice when advanced twice at the same instant, and keeps the state', () => {
    const started = startEscalation(PAGE, POLICY, T0);
    const first = advance(started, T0, RESOLVE);
    const second = advance(first.state, T0, RESOLVE);
    expect(first.notifications).toHaveLength(1);
    expect(second.notifications).toEqual([]);
    expect(second.state).toBe(first.state);
    expect(second.state.revision).toBe(first.state.revision);
  });

  it('sends every overdue step at once when advanced late, each with the instant it was due', () => {
    const first = advance(startEscalation(PAGE, POLICY, T0), T0, RESOLVE);
    const late = advance(first.state, T0 + 17 * MINUTE, RESOLVE);
    expect(late.notifications.map((n) => [brief(n), n.dueAt])).toEqual([
      ['L2#1 schedule:primary -> bob', T0 + 5 * MINUTE],
      ['L1#2 user:alice -> alice', T0 + 15 * MINUTE],
    ]);
    expect(late.nextWakeAt).toBe(T0 + 20 * MINUTE);
  });

  it('gives each notification a key an outbox can send once by', () => {
    let state = startEscalation(PAGE, { ...POLICY, repeat: 2 }, T0);
    const keys: string[] = [];
    for (let at = T0; at <= T0 + 60 * MINUTE; at += MINUTE) {
      const result = advance(state, at, RESOLVE);
      keys.push(...result.notifications.map((n) => n.key));
      state = result.state;
    }
    expect(keys).toEqual([
      'page-1/0/0',
      'page-1/1/0',
      'page-1/2/0',
      'page-1/3/0',
      'page-1/4/0',
      'page-1/5/0',
    ]);
  });

  it('resolves schedules and teams through the port, at the instant each step was due', () => {
    const asked: [string, number][] = [];
    const port: ResolveTarget = (target, atMs) => {
      asked.push([target.name, atMs]);
      return RESOLVE(target, atMs);
    };
    const policy: EscalationPolicy = {
      name: 'p',
      levels: [{ targets: [team('payments'), schedule('primary')], timeoutMinutes: 3 }],
      repeat: 0,
    };
    const result = advance(startEscalation(PAGE, policy, T0), T0 + 2 * MINUTE, port);
    expect(asked).toEqual([
      ['payments', T0],
      ['primary', T0],
    ]);
    expect(result.notifications.map(brief)).toEqual([
      'L1#1 team:payments -> dan,erin',
      'L1#1 schedule:primary -> bob',
    ]);
  });

  it('notifies a person once per step even when two targets reach them', () => {
    const policy: EscalationPolicy = {
      name: 'p',
      levels: [
        { targets: [user('bob'), schedule('primary'), team('payments')], timeoutMinutes: 5 },
      ],
      repeat: 0,
    };
    const result = advance(startEscalation(PAGE, policy, T0), T0, RESOLVE);
    expect(result.notifications.map(brief)).toEqual([
      'L1#1 user:bob -> bob',
      'L1#1 team:payments -> dan,erin',
    ]);
    expect(result.unreached).toEqual([]);
  });

  it('moves on at once from a level nobody can be reached at, and reports it', () => {
    const policy: EscalationPolicy = {
      name: 'p',
      levels: [
        { targets: [schedule('nights')], timeoutMinutes: 15 },
        { targets: [schedule('secondary')], timeoutMinutes: 15 },
      ],
      repeat: 0,
    };
    const result = advance(startEscalation(PAGE, policy, T0), T0, RESOLVE);
    expect(result.unreached).toEqual([
      { pageId: 'page-1', level: 1, attempt: 1, target: schedule('nights'), dueAt: T0 },
    ]);
    expect(result.notifications.map(brief)).toEqual(['L2#1 schedule:secondary -> carol']);
    expect(result.nextWakeAt).toBe(T0 + 15 * MINUTE);
  });

  it('is exhausted at once when no level reaches anybody', () => {
    const policy: EscalationPolicy = {
      name: 'p',
      levels: [{ targets: [schedule('nights')], timeoutMinutes: 15 }],
      repeat: 2,
    };
    const result = advance(startEscalation(PAGE, policy, T0), T0, RESOLVE);
    expect(result.notifications).toEqual([]);
    expect(result.unreached.map((u) => u.attempt)).toEqual([1, 2, 3]);
    expect(result.state).toMatchObject({ status: 'exhausted', exhaustedAt: T0 });
  });

  it('sends nothing before it starts', () => {
    const result = advance(startEscalation(PAGE, POLICY, T0), T0 - 1, RESOLVE);
    expect(result.notifications).toEqual([]);
    expect(result.nextWakeAt).toBe(T0);
  });
});

describe('stopping an escalation', () => {
  it('stops at an acknowledgement: nothing more, whenever advanced', () => {
    const first = advance(startEscalation(PAGE, POLICY, T0), T0, RESOLVE);
    const acked = acknowledge(first.state, 'alice', T0 + 2 * MINUTE);
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'alice',
      acknowledgedAt: T0 + 2 * MINUTE,
      nextDueAt: undefined,
      revision: first.state.revision + 1,
    });
    const later = advance(acked, T0 + 60 * MINUTE, RESOLVE);
    expect([later.notifications, later.nextWakeAt]).toEqual([[], undefined]);
  });

  it('keeps the first acknowledgement, and takes a late one after exhaustion', () => {
    const first = advance(startEscalation(PAGE, POLICY, T0), T0, RESOLVE);
    const acked = acknowledge(first.state, 'alice', T0 + MINUTE);
    expect(acknowledge(acked, 'bob', T0 + 2 * MINUTE)).toBe(acked);
    const exhausted = advance(first.state, T0 + 30 * MINUTE, RESOLVE).state;
    expect(exhausted.status).toBe('exhausted');
    expect(acknowledge(exhausted, 'bob', T0 + 40 * MINUTE).status).toBe('acknowledged');
  });

  it('closes at a resolve, from any state, once', () => {
    const first = advance(startEscalation(PAGE, POLICY, T0), T0, RESOLVE);
    const resolved = resolve(first.state, T0 + MINUTE);
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedAt: T0 + MINUTE,
      nextDueAt: undefined,
    });
    expect(resolve(resolved, T0 + 2 * MINUTE)).toBe(resolved);
    expect(acknowledge(resolved, 'alice', T0 + 3 * MINUTE)).toBe(resolved);
    expect(advance(resolved, T0 + 60 * MINUTE, RESOLVE).notifications).toEqual([]);
    expect(resolve(acknowledge(first.state, 'alice', T0), T0).status).toBe('resolved');
  });
});

describe('policies', () => {
  it('says what is wrong with a policy that cannot run, and refuses to start it', () => {
    const bad: EscalationPolicy = {
      name: 'bad',
      levels: [
        { targets: [], timeoutMinutes: 5 },
        { targets: [user('a')], timeoutMinutes: 0 },
      ],
      repeat: -1,
    };
    expect(policyProblems(bad)).toEqual([
      'repeat must be a whole number of at least 0, got -1',
      'level 1 has no targets',
      'level 2: timeoutMinutes must be a whole number of at least 1, got 0',
    ]);
    expect(policyProblems({ name: 'empty', levels: [], repeat: 0 })).toEqual([
      'an escalation policy needs at least one level',
    ]);
    expect(() => startEscalation(PAGE, bad, T0)).toThrow(RangeError);
    expect(policyProblems(POLICY)).toEqual([]);
  });

  it('runs the policy as it was when the page opened', () => {
    const levels = [{ targets: [user('alice')], timeoutMinutes: 5 }];
    const state = startEscalation(PAGE, { name: 'p', levels, repeat: 0 }, T0);
    levels.push({ targets: [user('mallory')], timeoutMinutes: 5 });
    levels[0] = { targets: [user('eve')], timeoutMinutes: 1 };
    expect(state.levels).toEqual([{ targets: [user('alice')], timeoutMinutes: 5 }]);
  });
});

describe('the incident-response rotation', () => {
  const tiers: Record<string, Tier> = { checkout: 'critical', search: 'standard', ads: 'low' };
  const teams: Record<string, string> = { checkout: 'shop', search: 'discovery', ads: 'discovery' };
  const RULE: IncidentResponseRule = {
    schedule: 'incident-response',
    tierOf: (service) => tiers[service],
    teamOf: (service) => teams[service],
  };

  it('joins for a critical service or for services of several teams', () => {
    expect(incidentResponseReasons(['checkout'], RULE)).toEqual(['critical-service']);
    expect(incidentResponseReasons(['search', 'ads'], RULE)).toEqual([]);
    expect(incidentResponseReasons(['search', 'checkout'], RULE)).toEqual([
      'critical-service',
      'several-teams',
    ]);
    expect(incidentResponseReasons(['search', 'unknown'], RULE)).toEqual([]);
  });

  it('is an extra target of the first level, notified with the first responders', () => {
    const state = startEscalation(PAGE, POLICY, T0, RULE);
    expect(state.levels[0]?.targets).toEqual([user('alice'), schedule('incident-response')]);
    expect(state.levels[1]).toEqual(POLICY.levels[1]);
    expect(state.incidentResponse).toEqual({
      schedule: 'incident-response',
      reasons: ['critical-service'],
      addedAt: T0,
    });
    expect(advance(state, T0, RESOLVE).notifications.map(brief)).toEqual([
      'L1#1 user:alice -> alice',
      'L1#1 schedule:incident-response -> ivy',
    ]);
  });

  it('stays out of a page of one standard team, and is not added twice', () => {
    expect(startEscalation({ id: 'p', services: ['search'] }, POLICY, T0, RULE).levels).toEqual(
      POLICY.levels,
    );
    const already: EscalationPolicy = {
      ...POLICY,
      levels: [{ targets: [schedule('incident-response')], timeoutMinutes: 5 }],
    };
    expect(startEscalation(PAGE, already, T0, RULE).levels[0]?.targets).toEqual([
      schedule('incident-response'),
    ]);
  });

  it('joins a page that grew into another team, at once, and for the runs to come', () => {
    const page = { id: 'page-2', services: ['search'] };
    const first = advance(startEscalation(page, POLICY, T0, RULE), T0, RESOLVE);
    expect(first.state.incidentResponse).toBeUndefined();
    const grown = { ...page, services: ['search', 'ads', 'checkout'] };
    const joined = includeIncidentResponse(first.state, grown, T0 + 2 * MINUTE, RULE, RESOLVE);
    expect(joined.notifications.map((n) => [brief(n), n.key, n.dueAt])).toEqual([
      ['L1#1 schedule:incident-response -> ivy', 'page-2/incident-response', T0 + 2 * MINUTE],
    ]);
    expect(joined.state.paged).toEqual(['alice', 'ivy']);
    expect(joined.nextWakeAt).toBe(T0 + 5 * MINUTE);
    expect(includeIncidentResponse(joined.state, grown, T0 + 3 * MINUTE, RULE, RESOLVE).state).toBe(
      joined.state,
    );
    const repeatRun = advance(joined.state, T0 + 15 * MINUTE, RESOLVE);
    expect(repeatRun.notifications.map(brief)).toEqual([
      'L2#1 schedule:primary -> bob',
      'L1#2 user:alice -> alice',
      'L1#2 schedule:incident-response -> ivy',
    ]);
  });

  it('waits for level 1 when the page grows before anyone was notified, and leaves acknowledged pages alone', () => {
    const page = { id: 'page-3', services: ['search'] };
    const started = startEscalation(page, POLICY, T0, RULE);
    const grown = { ...page, services: ['search', 'checkout'] };
    const early = includeIncidentResponse(started, grown, T0, RULE, RESOLVE);
    expect(early.notifications).toEqual([]);
    expect(advance(early.state, T0, RESOLVE).notifications.map(brief)).toContain(
      'L1#1 schedule:incident-response -> ivy',
    );
    const acked = acknowledge(advance(started, T0, RESOLVE).state, 'alice', T0 + MINUTE);
    expect(includeIncidentResponse(acked, grown, T0 + 2 * MINUTE, RULE, RESOLVE).state).toBe(acked);
  });
});

// ---------------------------------------------------------------------------
// Properties

const policyArbitrary: fc.Arbitrary<EscalationPolicy> = fc.record({
  name: fc.constant('generated'),
  levels: fc.array(
    fc.record({
      targets: fc.array(
        fc.oneof(
          fc.constantFrom('alice', 'bob').map(user),
          fc.constantFrom('primary', 'secondary', 'nights').map(schedule),
          fc.constantFrom('payments', 'nobody').map(team),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      timeoutMinutes: fc.integer({ min: 1, max: 30 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  repeat: fc.integer({ min: 0, max: 3 }),
});

/** Who is on call changes with time, so that resolving at the wrong instant would show. */
const SHIFTING: ResolveTarget = (target, atMs) => {
  const hour = Math.floor((atMs - T0) / (60 * MINUTE));
  if (target.kind === 'user') return [target.name];
  if (target.name === 'primary') return [hour % 2 === 0 ? 'bob' : 'carol'];
  if (target.name === 'secondary') return hour % 3 === 0 ? [] : ['dan'];
  if (target.name === 'payments') return ['dan', 'erin'];
  return [];
};

/** Advancing exactly at every wake time until the escalation stops. */
function atEveryWake(state: EscalationState): EscalationNotification[] {
  const sent: EscalationNotification[] = [];
  let current = state;
  let wake: number | undefined = current.nextDueAt;
  while (wake !== undefined) {
    const result = advance(current, wake, SHIFTING);
    sent.push(...result.notifications);
    current = result.state;
    wake = result.nextWakeAt;
  }
  return sent;
}

const sortByKey = (notifications: readonly EscalationNotification[]) =>
  [...notifications].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

describe('a low-urgency page', () => {
  const RULE: IncidentResponseRule = {
    schedule: 'incident-response',
    tierOf: () => 'critical',
    teamOf: () => 'shop',
  };

  it('notifies level 1 once and waits: no next level, no repeat, never exhausted', () => {
    const state = startEscalation(PAGE, POLICY, T0, RULE, 'low');
    // A warning on a critical service does not call the incident-response rotation.
    expect(state.levels).toEqual([{ targets: [user('alice')], timeoutMinutes: 5 }]);
    expect(state.incidentResponse).toBeUndefined();
    const first = advance(state, T0, RESOLVE);
    expect(first.notifications.map(brief)).toEqual(['L1#1 user:alice -> alice']);
    expect(first.state).toMatchObject({ status: 'escalating', nextDueAt: undefined });
    expect(first.nextWakeAt).toBeUndefined();
    const later = advance(first.state, T0 + 24 * 60 * MINUTE, RESOLVE);
    expect(later.notifications).toEqual([]);
    expect(later.state).toBe(first.state);
    expect(acknowledge(first.state, 'alice', T0 + MINUTE).status).toBe('acknowledged');
  });

  it('says so when level 1 reaches nobody', () => {
    const nobody = { ...POLICY, levels: [{ targets: [schedule('empty')], timeoutMinutes: 5 }] };
    const result = advance(startEscalation(PAGE, nobody, T0, undefined, 'low'), T0, RESOLVE);
    expect(result.unreached).toHaveLength(1);
    expect(result.state).toMatchObject({ status: 'exhausted', exhaustedAt: T0 });
  });

  it('escalates from where it is once raised to high urgency', () => {
    const waiting = advance(startEscalation(PAGE, POLICY, T0, undefined, 'low'), T0, RESOLVE).state;
    // Raised two minutes in: level 2 is due when level 1's five minutes end.
    const raised = raiseToHighUrgency(waiting, POLICY, T0 + 2 * MINUTE);
    expect(raised).toMatchObject({ urgency: 'high', passes: 2, nextDueAt: T0 + 5 * MINUTE });
    expect(advance(raised, T0 + 4 * MINUTE, RESOLVE).notifications).toEqual([]);
    const sent = advance(raised, T0 + 5 * MINUTE, RESOLVE);
    expect(sent.notifications.map(brief)).toEqual(['L2#1 schedule:primary -> bob']);
    // Then the repeat, as for any high-urgency page: alice again after bob's ten minutes.
    expect(advance(sent.state, T0 + 15 * MINUTE, RESOLVE).notifications.map(brief)).toEqual([
      'L1#2 user:alice -> alice',
    ]);
    // Raised an hour in: level 2 at once.
    expect(raiseToHighUrgency(waiting, POLICY, T0 + 60 * MINUTE).nextDueAt).toBe(T0 + 60 * MINUTE);
  });

  it('is raised before level 1 ran as a high-urgency page from the start', () => {
    const fresh = startEscalation(PAGE, POLICY, T0, undefined, 'low');
    const raised = raiseToHighUrgency(fresh, POLICY, T0);
    expect(advance(raised, T0 + 5 * MINUTE, RESOLVE).notifications.map(brief)).toEqual([
      'L1#1 user:alice -> alice',
      'L2#1 schedule:primary -> bob',
    ]);
  });

  it('leaves acknowledged and high-urgency escalations alone when raised', () => {
    const waiting = advance(startEscalation(PAGE, POLICY, T0, undefined, 'low'), T0, RESOLVE).state;
    const taken = acknowledge(waiting, 'alice', T0 + MINUTE);
    expect(raiseToHighUrgency(taken, POLICY, T0 + 2 * MINUTE)).toBe(taken);
    const high = startEscalation(PAGE, POLICY, T0);
    expect(raiseToHighUrgency(high, POLICY, T0)).toBe(high);
  });
});

describe('escalation laws', () => {
  it('sends, for any advance times, exactly what advancing at each wake time sends up to then', () => {
    fc.assert(
      fc.property(
        policyArbitrary,
        fc.array(fc.integer({ min: -MINUTE, max: 8 * 60 * MINUTE }), { maxLength: 40 }),
        fc.boolean(),
        (policy, offsets, duplicate) => {
          const started = startEscalation(PAGE, policy, T0);
          const times = offsets.map((offset) => T0 + offset).sort((a, b) => a - b);
          // Retries and a second instance: the same instants again.
          const calls = duplicate ? times.flatMap((t) => [t, t]) : times;
          let state = started;
          const sent: EscalationNotification[] = [];
          for (const at of calls) {
            const result = advance(state, at, SHIFTING);
            sent.push(...result.notifications);
            state = result.state;
          }
          const last = calls.at(-1) ?? Number.NEGATIVE_INFINITY;
          const expected = atEveryWake(started).filter((n) => n.dueAt <= last);
          expect(sortByKey(sent)).toEqual(sortByKey(expected));
          expect(new Set(sent.map((n) => n.key)).size).toBe(sent.length);
        },
      ),
    );
  });

  it('ends every escalation: a bounded number of steps, then exhausted', () => {
    fc.assert(
      fc.property(policyArbitrary, (policy) => {
        const started = startEscalation(PAGE, policy, T0);
        const sent = atEveryWake(started);
        const steps = policy.levels.length * (policy.repeat + 1);
        expect(new Set(sent.map((n) => n.key.split('/')[1])).size).toBeLessThanOrEqual(steps);
        const end = advance(started, T0 + 10_000 * MINUTE, SHIFTING);
        expect(end.state.status).toBe('exhausted');
        expect(end.nextWakeAt).toBeUndefined();
      }),
    );
  });

  it('sends nothing after an acknowledgement or a resolve, whenever it comes', () => {
    fc.assert(
      fc.property(
        policyArbitrary,
        fc.integer({ min: 0, max: 8 * 60 * MINUTE }),
        fc.integer({ min: 0, max: 8 * 60 * MINUTE }),
        fc.boolean(),
        (policy, stopOffset, laterOffset, byAck) => {
          const before = advance(
            startEscalation(PAGE, policy, T0),
            T0 + stopOffset,
            SHIFTING,
          ).state;
          const stopped = byAck
            ? acknowledge(before, 'someone', T0 + stopOffset)
            : resolve(before, T0 + stopOffset);
          const after = advance(stopped, T0 + stopOffset + laterOffset, SHIFTING);
          expect(after.notifications).toEqual([]);
          expect(after.nextWakeAt).toBeUndefined();
        },
      ),
    );
  });
});
