import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyIncidentEvent, foldIncident } from './lifecycle.js';
import {
  DEFAULT_SEVERITIES,
  INCIDENT_ROLES,
  INCIDENT_STATUSES,
  type Incident,
  type IncidentDeclared,
  type IncidentEvent,
} from './model.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0);
const MINUTE = 60_000;
const ID = 'inc-1';

const DECLARED: IncidentDeclared = {
  type: 'declared',
  at: T0,
  by: 'alice',
  title: 'Checkout errors',
  severity: 'SEV2',
  services: ['checkout', 'payments'],
  pageIds: ['page-1'],
};

function declared(overrides: Partial<IncidentDeclared> = {}): Incident {
  return foldIncident(ID, [{ ...DECLARED, ...overrides }]);
}

/** The problem `event` is refused with; fails the test when it is accepted. */
function refusal(incident: Incident | undefined, event: IncidentEvent): string {
  const result = applyIncidentEvent(incident, ID, event, DEFAULT_SEVERITIES);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(event)}`);
  return result.problem;
}

function accepted(incident: Incident | undefined, event: IncidentEvent): Incident {
  const result = applyIncidentEvent(incident, ID, event, DEFAULT_SEVERITIES);
  if (!result.ok) throw new Error(result.problem);
  return result.incident;
}

const at = (minutes: number) => T0 + minutes * MINUTE;

describe('declaring an incident', () => {
  it('starts investigating, with the declared fields and one revision', () => {
    const incident = accepted(undefined, { ...DECLARED, summary: '5xx on pay', commander: 'bob' });
    expect(incident).toEqual({
      id: ID,
      title: 'Checkout errors',
      summary: '5xx on pay',
      severity: 'SEV2',
      status: 'investigating',
      services: ['checkout', 'payments'],
      pageIds: ['page-1'],
      declaredAt: T0,
      declaredBy: 'alice',
      startedAt: T0,
      reportedStartedAt: undefined,
      mitigatedAt: undefined,
      resolvedAt: undefined,
      roles: {
        commander: { person: 'bob', since: T0 },
        communications: undefined,
        operations: undefined,
        scribe: undefined,
      },
      roleHistory: [{ role: 'commander', from: undefined, to: 'bob', at: T0, by: 'alice' }],
      updates: [],
      revision: 1,
      updatedAt: T0,
    });
  });

  it('takes an earlier impact start as the start', () => {
    const incident = declared({ startedAt: at(-20) });
    expect(incident.startedAt).toBe(at(-20));
    expect(incident.reportedStartedAt).toBe(at(-20));
  });

  it('must come first', () => {
    expect(refusal(undefined, { type: 'note', at: T0, by: 'alice', text: 'hi' })).toBe(
      'incident inc-1 has not been declared: its first event must be "declared", not "note"',
    );
  });

  it('happens once', () => {
    expect(refusal(declared(), { ...DECLARED, at: at(1) })).toMatch(/already declared/);
  });

  it('refuses an empty title', () => {
    expect(refusal(undefined, { ...DECLARED, title: '  ' })).toBe(
      'an incident needs a title: it cannot be empty',
    );
  });

  it('refuses an unknown severity, listing the known ones', () => {
    expect(refusal(undefined, { ...DECLARED, severity: 'P1' })).toBe(
      'unknown severity "P1"; known severities: SEV1, SEV2, SEV3, SEV4',
    );
  });

  it('refuses no services', () => {
    expect(refusal(undefined, { ...DECLARED, services: [] })).toBe(
      'an incident needs at least one impacted service: name the services it affects',
    );
  });

  it('refuses a service named twice or an empty one', () => {
    expect(refusal(undefined, { ...DECLARED, services: ['a', 'a'] })).toBe(
      'service a is named twice',
    );
    expect(refusal(undefined, { ...DECLARED, services: [''] })).toBe(
      'a service name cannot be empty',
    );
  });

  it('refuses an impact start after the declaration', () => {
    expect(refusal(undefined, { ...DECLARED, startedAt: at(1) })).toMatch(
      /^startedAt is after the declaration/,
    );
  });

  it('refuses an event without an actor or with a fractional instant', () => {
    expect(refusal(undefined, { ...DECLARED, by: '' })).toBe(
      "an event needs the actor's user name",
    );
    expect(refusal(undefined, { ...DECLARED, at: 1.5 })).toMatch(/whole epoch milliseconds/);
  });
});

describe('status', () => {
  it('changes, records updates, and marks mitigation and resolution', () => {
    let incident = declared();
    incident = accepted(incident, { type: 'status', at: at(5), by: 'bob', status: 'identified' });
    incident = accepted(incident, {
      type: 'status',
      at: at(10),
      by: 'bob',
      status: 'monitoring',
      message: 'rolled back',
    });
    expect(incident.mitigatedAt).toBe(at(10));
    expect(incident.resolvedAt).toBeUndefined();
    incident = accepted(incident, { type: 'update', at: at(15), by: 'carol', message: 'stable' });
    incident = accepted(incident, { type: 'status', at: at(30), by: 'bob', status: 'resolved' });
    expect(incident.status).toBe('resolved');
    expect(incident.resolvedAt).toBe(at(30));
    expect(incident.mitigatedAt).toBe(at(10));
    expect(incident.revision).toBe(5);
    expect(incident.updatedAt).toBe(at(30));
    expect(incident.updates).toEqual([
      { at: at(5), by: 'bob', status: 'identified', message: undefined, statusChanged: true },
      { at: at(10), by: 'bob', status: 'monitoring', message: 'rolled back', statusChanged: true },
      { at: at(15), by: 'carol', status: 'monitoring', message: 'stable', statusChanged: false },
      { at: at(30), by: 'bob', status: 'resolved', message: undefined, statusChanged: true },
    ]);
  });

  it('posts an update in the same status when it has a message', () => {
    const incident = accepted(declared(), {
      type: 'status',
      at: at(1),
      by: 'bob',
      status: 'investigating',
      message: 'looking at the database',
    });
    expect(incident.status).toBe('investigating');
    expect(incident.updates[0]?.statusChanged).toBe(false);
  });

  it('refuses the same status without a message', () => {
    expect(
      refusal(declared(), { type: 'status', at: at(1), by: 'bob', status: 'investigating' }),
    ).toBe(
      'the incident is already investigating: write a message to post an update without changing the status',
    );
    expect(
      refusal(declared(), {
        type: 'status',
        at: at(1),
        by: 'bob',
        status: 'investigating',
        message: ' ',
      }),
    ).toMatch(/already investigating/);
  });

  it('refuses an update without a message', () => {
    expect(refusal(declared(), { type: 'update', at: at(1), by: 'bob', message: '' })).toBe(
      'an update needs a message',
    );
  });

  it('resolving directly mitigates too', () => {
    const incident = accepted(declared(), {
      type: 'status',
      at: at(7),
      by: 'bob',
      status: 'resolved',
    });
    expect(incident.mitigatedAt).toBe(at(7));
    expect(incident.resolvedAt).toBe(at(7));
  });
});

describe('a resolved incident', () => {
  const resolved = foldIncident(ID, [
    DECLARED,
    { type: 'status', at: at(10), by: 'bob', status: 'monitoring' },
    { type: 'status', at: at(20), by: 'bob', status: 'resolved' },
  ]);

  it('takes notes', () => {
    const incident = accepted(resolved, { type: 'note', at: at(30), by: 'eve', text: 'pm soon' });
    expect(incident.revision).toBe(4);
    expect(incident.status).toBe('resolved');
  });

  it.each<IncidentEvent>([
    { type: 'update', at: at(30), by: 'bob', message: 'all good' },
    { type: 'status', at: at(30), by: 'bob', status: 'resolved', message: 'really' },
    { type: 'severity', at: at(30), by: 'bob', severity: 'SEV1' },
    { type: 'title', at: at(30), by: 'bob', title: 'Other' },
    { type: 'role', at: at(30), by: 'bob', role: 'scribe', person: 'eve' },
    { type: 'services', at: at(30), by: 'bob', added: ['search'], removed: [] },
    { type: 'page-linked', at: at(30), by: 'bob', pageId: 'page-2' },
    { type: 'times', at: at(30), by: 'bob', startedAt: at(-5) },
  ])('refuses $type until reopened', (event) => {
    expect(refusal(resolved, event)).toBe(
      'incident inc-1 is resolved: reopen it first (set its status to investigating, identified or monitoring); only notes can be added to a resolved incident',
    );
  });

  it('reopens: resolvedAt is cleared, the first mitigation kept, and it resolves again later', () => {
    let incident = accepted(resolved, {
      type: 'status',
      at: at(40),
      by: 'bob',
      status: 'investigating',
      message: 'errors are back',
    });
    expect(incident.status).toBe('investigating');
    expect(incident.resolvedAt).toBeUndefined();
    expect(incident.mitigatedAt).toBe(at(10));
    incident = accepted(incident, { type: 'severity', at: at(41), by: 'bob', severity: 'SEV1' });
    incident = accepted(incident, { type: 'status', at: at(60), by: 'bob', status: 'resolved' });
    expect(incident.resolvedAt).toBe(at(60));
    expect(incident.severity).toBe('SEV1');
  });
});

describe('severity and title', () => {
  it('changes them', () => {
    let incident = accepted(declared(), {
      type: 'severity',
      at: at(1),
      by: 'bob',
      severity: 'SEV1',
    });
    incident = accepted(incident, { type: 'title', at: at(2), by: 'bob', title: 'Payments down' });
    expect([incident.severity, incident.title]).toEqual(['SEV1', 'Payments down']);
  });

  it('refuses an unknown severity, the same severity, an empty or unchanged title', () => {
    const incident = declared();
    expect(refusal(incident, { type: 'severity', at: at(1), by: 'b', severity: 'SEV9' })).toBe(
      'unknown severity "SEV9"; known severities: SEV1, SEV2, SEV3, SEV4',
    );
    expect(refusal(incident, { type: 'severity', at: at(1), by: 'b', severity: 'SEV2' })).toBe(
      'the severity is already SEV2',
    );
    expect(refusal(incident, { type: 'title', at: at(1), by: 'b', title: '' })).toBe(
      'an incident needs a title: it cannot be empty',
    );
    expect(refusal(incident, { type: 'title', at: at(1), by: 'b', title: 'Checkout errors' })).toBe(
      'the title is already "Checkout errors"',
    );
  });

  it('says when no severities are configured', () => {
    const result = applyIncidentEvent(undefined, ID, DECLARED, []);
    expect(result).toEqual({
      ok: false,
      problem: 'unknown severity "SEV2"; known severities: (none configured)',
    });
  });

  it('replays stored events whose severity the scale no longer has', () => {
    const incident = foldIncident(ID, [{ ...DECLARED, severity: 'P0' }]);
    expect(incident.severity).toBe('P0');
  });
});

describe('roles', () => {
  it('keeps the holder and every assignment, hand-over and release', () => {
    let incident = declared({ commander: 'alice' });
    incident = accepted(incident, {
      type: 'role',
      at: at(5),
      by: 'bob',
      role: 'commander',
      person: 'bob',
    });
    incident = accepted(incident, {
      type: 'role',
      at: at(6),
      by: 'bob',
      role: 'scribe',
      person: 'carol',
    });
    incident = accepted(incident, {
      type: 'role',
      at: at(9),
      by: 'carol',
      role: 'scribe',
      person: undefined,
    });
    expect(incident.roles).toEqual({
      commander: { person: 'bob', since: at(5) },
      communications: undefined,
      operations: undefined,
      scribe: undefined,
    });
    expect(incident.roleHistory).toEqual([
      { role: 'commander', from: undefined, to: 'alice', at: T0, by: 'alice' },
      { role: 'commander', from: 'alice', to: 'bob', at: at(5), by: 'bob' },
      { role: 'scribe', from: undefined, to: 'carol', at: at(6), by: 'bob' },
      { role: 'scribe', from: 'carol', to: undefined, at: at(9), by: 'carol' },
    ]);
  });

  it('refuses a hand-over to the holder, releasing an empty role and an empty name', () => {
    const incident = declared({ commander: 'alice' });
    expect(
      refusal(incident, { type: 'role', at: at(1), by: 'x', role: 'commander', person: 'alice' }),
    ).toBe('alice is already incident commander: hand the role over to someone else');
    expect(
      refusal(incident, { type: 'role', at: at(1), by: 'x', role: 'scribe', person: undefined }),
    ).toBe('nobody is scribe: there is nothing to release');
    expect(
      refusal(incident, { type: 'role', at: at(1), by: 'x', role: 'operations', person: '' }),
    ).toBe('name the person to be operations lead, or leave the person out to release the role');
  });

  it('refuses an empty commander on declaring', () => {
    expect(refusal(undefined, { ...DECLARED, commander: '' })).toMatch(/commander must be/);
  });
});

describe('services', () => {
  it('adds and removes, keeping the order they were named in', () => {
    const incident = accepted(declared(), {
      type: 'services',
      at: at(1),
      by: 'bob',
      added: ['search'],
      removed: ['checkout'],
    });
    expect(incident.services).toEqual(['payments', 'search']);
  });

  it.each<[string, readonly string[], readonly string[], string]>([
    ['nothing', [], [], 'name the services to add or remove'],
    [
      'one already there',
      ['checkout'],
      [],
      'service checkout is already impacted by this incident',
    ],
    [
      'one not impacted',
      [],
      ['search'],
      'service search is not impacted by this incident; impacted: checkout, payments',
    ],
    [
      'all of them',
      [],
      ['checkout', 'payments'],
      'an incident needs at least one impacted service: add the one it affects now before removing the last',
    ],
    [
      'one in both lists',
      ['search'],
      ['search'],
      'service search is both added and removed: name it once',
    ],
    ['one twice', ['search', 'search'], [], 'service search is named twice'],
  ])('refuses changing %s', (_what, added, removed, problem) => {
    expect(refusal(declared(), { type: 'services', at: at(1), by: 'b', added, removed })).toBe(
      problem,
    );
  });

  it('may replace the last service in one event', () => {
    const incident = declared({ services: ['checkout'] });
    const next = accepted(incident, {
      type: 'services',
      at: at(1),
      by: 'b',
      added: ['payments'],
      removed: ['checkout'],
    });
    expect(next.services).toEqual(['payments']);
  });
});

describe('notes and pages', () => {
  it('refuses an empty note', () => {
    expect(refusal(declared(), { type: 'note', at: at(1), by: 'b', text: '' })).toBe(
      'a note needs text',
    );
  });

  it('links a page once', () => {
    const incident = accepted(declared(), {
      type: 'page-linked',
      at: at(1),
      by: 'b',
      pageId: 'page-2',
    });
    expect(incident.pageIds).toEqual(['page-1', 'page-2']);
    expect(refusal(incident, { type: 'page-linked', at: at(2), by: 'b', pageId: 'page-2' })).toBe(
      'page page-2 is already linked to incident inc-1',
    );
    expect(refusal(incident, { type: 'page-linked', at: at(2), by: 'b', pageId: '' })).toBe(
      'name the page to link',
    );
  });
});

describe('correcting times', () => {
  it('moves the impact start and the mitigation; a later status does not override it', () => {
    let incident = accepted(declared(), {
      type: 'times',
      at: at(10),
      by: 'bob',
      startedAt: at(-15),
      mitigatedAt: at(8),
    });
    expect([incident.startedAt, incident.reportedStartedAt, incident.mitigatedAt]).toEqual([
      at(-15),
      at(-15),
      at(8),
    ]);
    incident = accepted(incident, { type: 'status', at: at(12), by: 'bob', status: 'monitoring' });
    expect(incident.mitigatedAt).toBe(at(8));
  });

  it('refuses a mitigation before the start, given together or against the current one', () => {
    const incident = declared();
    expect(
      refusal(incident, {
        type: 'times',
        at: at(10),
        by: 'b',
        startedAt: at(-5),
        mitigatedAt: at(-6),
      }),
    ).toBe(
      'mitigatedAt (2026-11-22T02:54:00.000Z) is before startedAt (2026-11-22T02:55:00.000Z): correct both together',
    );
    expect(refusal(incident, { type: 'times', at: at(10), by: 'b', mitigatedAt: at(-1) })).toMatch(
      /^mitigatedAt .* is before startedAt/,
    );
    const mitigated = accepted(incident, {
      type: 'status',
      at: at(5),
      by: 'b',
      status: 'monitoring',
    });
    expect(refusal(mitigated, { type: 'times', at: at(10), by: 'b', startedAt: at(6) })).toBe(
      'startedAt cannot be after the declaration: impact is taken to start when the incident was declared',
    );
  });

  it('refuses nothing to correct and instants after the correction', () => {
    expect(refusal(declared(), { type: 'times', at: at(1), by: 'b' })).toBe(
      'give startedAt or mitigatedAt to correct',
    );
    expect(refusal(declared(), { type: 'times', at: at(1), by: 'b', mitigatedAt: at(2) })).toBe(
      'mitigatedAt cannot be later than the correction itself',
    );
  });
});

describe('foldIncident', () => {
  it('throws on no events and names a refused event', () => {
    expect(() => foldIncident(ID, [])).toThrow('incident inc-1 has no events');
    expect(() =>
      foldIncident(ID, [DECLARED, { type: 'note', at: at(1), by: 'b', text: '' }]),
    ).toThrow('incident inc-1, event 2 (note): a note needs text');
  });
});

// Events generated against the incident as it is, so that most are accepted; the
// refused ones are dropped, as the app would drop them.
const SERVICES = ['a', 'b', 'c'];
const PEOPLE = ['alice', 'bob', 'carol'];
// Status changes weigh most: resolving and reopening are where the laws can break.
const candidate = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.constant('status' as const),
      status: fc.constantFrom(...INCIDENT_STATUSES),
      message: fc.option(fc.constantFrom('m', ''), { nil: undefined }),
    }),
    weight: 6,
  },
  fc.record({ type: fc.constant('update' as const), message: fc.constantFrom('u', '') }),
  fc.record({
    type: fc.constant('severity' as const),
    severity: fc.constantFrom('SEV1', 'SEV2', 'SEV3', 'SEV9'),
  }),
  fc.record({ type: fc.constant('title' as const), title: fc.constantFrom('t1', 't2') }),
  fc.record({
    type: fc.constant('role' as const),
    role: fc.constantFrom(...INCIDENT_ROLES),
    person: fc.option(fc.constantFrom(...PEOPLE), { nil: undefined }),
  }),
  fc.record({
    type: fc.constant('services' as const),
    added: fc.subarray(SERVICES),
    removed: fc.subarray(SERVICES),
  }),
  fc.record({ type: fc.constant('note' as const), text: fc.constant('n') }),
  fc.record({ type: fc.constant('page-linked' as const), pageId: fc.constantFrom('p1', 'p2') }),
  fc.record({
    type: fc.constant('times' as const),
    startedAt: fc.option(fc.integer({ min: -30, max: 0 }), { nil: undefined }),
    mitigatedAt: fc.option(fc.integer({ min: -30, max: 60 }), { nil: undefined }),
  }),
);

describe('folding any accepted sequence', () => {
  it('keeps resolvedAt defined iff resolved, revision = events, and folds back to the same view', () => {
    // How often the generated histories resolved and reopened: the law must be tried there.
    const seen = { resolved: 0, reopened: 0 };
    fc.assert(
      fc.property(fc.array(fc.tuple(candidate, fc.nat(5)), { maxLength: 40 }), (steps) => {
        let incident = declared({ services: ['a'] });
        const events: IncidentEvent[] = [{ ...DECLARED, services: ['a'] }];
        let now = T0;
        for (const [step, gap] of steps) {
          now += gap * MINUTE;
          const event: IncidentEvent =
            step.type === 'times'
              ? {
                  type: 'times',
                  at: now,
                  by: 'bob',
                  startedAt: step.startedAt === undefined ? undefined : at(step.startedAt),
                  mitigatedAt: step.mitigatedAt === undefined ? undefined : at(step.mitigatedAt),
                }
              : { ...step, at: now, by: 'bob' };
          const result = applyIncidentEvent(incident, ID, event, DEFAULT_SEVERITIES);
          if (!result.ok) continue;
          if (event.type === 'status' && result.incident.status !== incident.status) {
            if (event.status === 'resolved') seen.resolved += 1;
            if (incident.status === 'resolved') seen.reopened += 1;
          }
          incident = result.incident;
          events.push(event);
          expect(incident.resolvedAt !== undefined).toBe(incident.status === 'resolved');
          expect(incident.revision).toBe(events.length);
          expect(incident.services.length).toBeGreaterThan(0);
          expect(new Set(incident.services).size).toBe(incident.services.length);
          if (incident.mitigatedAt !== undefined) {
            expect(incident.mitigatedAt).toBeGreaterThanOrEqual(incident.startedAt);
          }
        }
        expect(foldIncident(ID, events)).toEqual(incident);
      }),
    );
    expect(seen.resolved).toBeGreaterThan(10);
    expect(seen.reopened).toBeGreaterThan(5);
  });
});
