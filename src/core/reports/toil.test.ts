import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NO_SERVICE,
  countOnce,
  entrySpan,
  mergeSpans,
  normaliseCategory,
  teamOfWork,
  toilCap,
  toilFromIncidents,
  toilFromPages,
  toilSummary,
  type ToilEntry,
} from './toil.js';
import type { PersonCalendar } from './working-time.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const utc = (text: string) => Date.parse(text);
const T0 = utc('2026-03-30T08:00Z');

const manual = (overrides: Partial<ToilEntry> & Pick<ToilEntry, 'id'>): ToilEntry => ({
  team: 'payments',
  person: 'anna',
  category: 'manual-ops',
  minutes: 60,
  at: T0,
  description: 'rotated certificates by hand',
  source: 'manual',
  ...overrides,
});

describe('normaliseCategory', () => {
  it('folds case, blanks and underscores', () => {
    expect(normaliseCategory('  Manual Ops ')).toBe('manual-ops');
    expect(normaliseCategory('manual_ops')).toBe('manual-ops');
    expect(normaliseCategory('Toil-Automation-Debt')).toBe('toil-automation-debt');
    expect(normaliseCategory('  ')).toBe('uncategorised');
  });
});

describe('toilFromPages', () => {
  const until = T0 + 24 * HOUR;
  it('counts acknowledgement to resolution for the acknowledger', () => {
    const [entry, ...rest] = toilFromPages(
      [
        {
          id: 'p1',
          services: ['checkout', 'cart'],
          team: 'payments',
          acknowledgedAt: T0,
          acknowledgedBy: 'anna',
          resolvedAt: T0 + 45 * MINUTE,
        },
      ],
      { untilMs: until },
    );
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      id: 'page:p1:anna',
      person: 'anna',
      team: 'payments',
      service: 'checkout',
      category: 'interrupt',
      minutes: 45,
      at: T0,
      source: 'page',
    });
  });

  it('caps a long page at 12 hours, counts an open page up to until, skips unacknowledged pages', () => {
    const entries = toilFromPages(
      [
        {
          id: 'long',
          services: [],
          team: 'payments',
          acknowledgedAt: T0,
          acknowledgedBy: 'anna',
          resolvedAt: T0 + 30 * HOUR,
        },
        {
          id: 'open',
          services: ['checkout'],
          team: 'payments',
          acknowledgedAt: until - 90 * MINUTE,
          acknowledgedBy: 'bob',
        },
        { id: 'never', services: ['checkout'], team: 'payments' },
        {
          id: 'later',
          services: ['checkout'],
          team: 'payments',
          acknowledgedAt: until + MINUTE,
          acknowledgedBy: 'bob',
        },
      ],
      { untilMs: until },
    );
    expect(entries.map((e) => [e.id, e.minutes, e.service])).toEqual([
      ['page:long:anna', 720, undefined],
      ['page:open:bob', 90, 'checkout'],
    ]);
    expect(entries[1]?.description).toContain('still open');
  });
});

describe('whose team a person’s page and incident time counts to', () => {
  it('is the owning team when they are in it, else their only team, else their first by name', () => {
    expect(teamOfWork(['search', 'payments'], ['payments'])).toBe('payments');
    expect(teamOfWork(['search'], ['payments'])).toBe('search');
    expect(teamOfWork(['search', 'identity'], ['payments'])).toBe('identity');
    // Of several owning teams, the first the person is in.
    expect(teamOfWork(['platform', 'payments'], ['cart', 'payments', 'platform'])).toBe('payments');
    // In no team: the owners keep it.
    expect(teamOfWork([], ['payments', 'cart'])).toBe('payments');
    expect(teamOfWork([], [])).toBeUndefined();
  });

  it('counts alice of search acknowledging a payments page for search, the service still payments’', () => {
    const teamsOfPerson = new Map([
      ['alice', ['search']],
      ['anna', ['payments', 'search']],
    ]);
    const page = (id: string, person: string) => ({
      id,
      services: ['checkout'],
      team: 'payments',
      acknowledgedAt: T0,
      acknowledgedBy: person,
      resolvedAt: T0 + 30 * MINUTE,
    });
    const entries = toilFromPages([page('p1', 'alice'), page('p2', 'anna'), page('p3', 'ghost')], {
      untilMs: T0 + HOUR,
      teamsOfPerson,
    });
    expect(entries.map((e) => [e.person, e.team, e.service])).toEqual([
      ['alice', 'search', 'checkout'],
      ['anna', 'payments', 'checkout'],
      ['ghost', 'payments', 'checkout'],
    ]);
    const week = { fromMs: T0 - 24 * HOUR, toMs: T0 + 24 * HOUR };
    const flat = (people: string[]) => ({ kind: 'flat' as const, people, minutesPerPerson: 600 });
    const search = toilSummary(entries, { team: 'search', ...week, working: flat(['alice']) });
    expect(search.toilMinutes).toBe(30);
    expect(search.byService).toEqual([{ key: 'checkout', minutes: 30, share: 1 }]);
    expect(search.people.map((p) => [p.person, p.share])).toEqual([['alice', 0.05]]);
    const payments = toilSummary(entries, {
      team: 'payments',
      ...week,
      working: flat(['anna']),
    });
    expect(payments.people.map((p) => [p.person, p.toilMinutes])).toEqual([
      ['anna', 30],
      ['ghost', 30],
    ]);
  });

  it('counts a person’s incident time for their own team unless one is given', () => {
    const entries = toilFromIncidents(
      [
        {
          id: 'inc-9',
          teams: ['payments', 'platform'],
          startedAt: T0,
          resolvedAt: T0 + HOUR,
          people: [
            { person: 'alice' },
            { person: 'pat' },
            { person: 'multi' },
            { person: 'named', team: 'payments' },
          ],
        },
      ],
      {
        untilMs: T0 + HOUR,
        teamsOfPerson: new Map([
          ['alice', ['search']],
          ['pat', ['search', 'platform']],
          ['multi', ['zeta', 'identity']],
          ['named', ['search']],
        ]),
      },
    );
    expect(entries.map((e) => [e.person, e.team])).toEqual([
      ['alice', 'search'],
      ['multi', 'identity'],
      ['named', 'payments'],
      ['pat', 'platform'],
    ]);
  });
});

describe('the cap a summary holds toil against', () => {
  it('is the request’s, else the team’s, else 50 %, and the summary says which', () => {
    expect(toilCap(30, 40)).toEqual({ percent: 30, source: 'request' });
    expect(toilCap(undefined, 40)).toEqual({ percent: 40, source: 'team' });
    expect(toilCap(undefined, 0)).toEqual({ percent: 0, source: 'team' });
    expect(toilCap(undefined, null)).toEqual({ percent: 50, source: 'default' });
    const options = {
      team: 'payments',
      fromMs: T0,
      toMs: T0 + HOUR,
      working: { kind: 'flat' as const, people: ['anna'], minutesPerPerson: 60 },
    };
    expect(toilSummary([], options)).toMatchObject({ capPercent: 50, capSource: 'default' });
    expect(toilSummary([], { ...options, capPercent: 20 })).toMatchObject({
      capPercent: 20,
      capSource: 'request',
    });
    expect(toilSummary([], { ...options, capPercent: 40, capSource: 'team' })).toMatchObject({
      capPercent: 40,
      capSource: 'team',
    });
  });
});

describe('toilFromIncidents', () => {
  it('counts each person from joining to leaving, merging their roles', () => {
    const entries = toilFromIncidents(
      [
        {
          id: 'inc-1',
          teams: ['payments', 'platform'],
          services: ['checkout'],
          startedAt: T0,
          resolvedAt: T0 + 2 * HOUR,
          people: [
            { person: 'anna', role: 'incident commander' },
            { person: 'anna', role: 'communications', joinedAt: T0 + HOUR },
            { person: 'bob', role: 'ops', joinedAt: T0 + 30 * MINUTE, leftAt: T0 + HOUR },
            { person: 'carl', team: 'platform', joinedAt: T0 + 90 * MINUTE },
          ],
        },
      ],
      { untilMs: T0 + 10 * HOUR },
    );
    expect(entries.map((e) => [e.id, e.team, e.minutes, e.description])).toEqual([
      [
        'incident:inc-1:anna',
        'payments',
        120,
        'Incident inc-1 (communications, incident commander)',
      ],
      ['incident:inc-1:bob', 'payments', 30, 'Incident inc-1 (ops)'],
      ['incident:inc-1:carl', 'platform', 30, 'Incident inc-1'],
    ]);
  });

  it('counts an open incident up to until, separate stretches as separate entries', () => {
    const entries = toilFromIncidents(
      [
        {
          id: 'inc-2',
          teams: ['payments'],
          startedAt: T0,
          people: [
            { person: 'anna', leftAt: T0 + HOUR },
            { person: 'anna', joinedAt: T0 + 2 * HOUR },
          ],
        },
        { id: 'no-team', teams: [], startedAt: T0, people: [{ person: 'zed' }] },
      ],
      { untilMs: T0 + 3 * HOUR },
    );
    expect(entries.map((e) => [e.id, e.at, e.minutes])).toEqual([
      ['incident:inc-2:anna:1', T0, 60],
      ['incident:inc-2:anna:2', T0 + 2 * HOUR, 60],
    ]);
  });
});

describe('the cap on incident time', () => {
  // Declared Friday 17:00Z, resolved Monday 09:00Z: 64 hours on the clock.
  const FRIDAY = utc('2026-03-27T17:00Z');
  const MONDAY = utc('2026-03-30T09:00Z');

  it('counts one person at most 12 hours of one incident, however long it ran', () => {
    expect((MONDAY - FRIDAY) / HOUR).toBe(64);
    const entries = toilFromIncidents(
      [
        {
          id: 'weekend',
          teams: ['payments'],
          startedAt: FRIDAY,
          resolvedAt: MONDAY,
          people: [{ person: 'anna' }],
        },
        // Forgotten open: it would keep accruing up to until.
        { id: 'forgotten', teams: ['payments'], startedAt: FRIDAY, people: [{ person: 'bob' }] },
      ],
      { untilMs: MONDAY + 30 * 24 * HOUR },
    );
    expect(entries.map((e) => [e.id, e.at, e.minutes])).toEqual([
      ['incident:weekend:anna', FRIDAY, 12 * 60],
      ['incident:forgotten:bob', FRIDAY, 12 * 60],
    ]);
    // The week's working time of one person is 5 × 8 h: 12 h of it is 30 %, not 160 %.
    const summary = toilSummary(entries, {
      team: 'payments',
      fromMs: utc('2026-03-23T00:00Z'),
      toMs: utc('2026-04-06T00:00Z'),
      working: { kind: 'flat', people: ['anna', 'bob'], minutesPerPerson: 2 * 5 * 8 * 60 },
    });
    expect(summary.people.map((p) => [p.person, p.toilMinutes, p.share])).toEqual([
      ['anna', 12 * 60, (12 * 60) / (2 * 5 * 8 * 60)],
      ['bob', 12 * 60, (12 * 60) / (2 * 5 * 8 * 60)],
    ]);
  });

  it('caps the person’s stretches together, the earliest kept', () => {
    const entries = toilFromIncidents(
      [
        {
          id: 'long',
          teams: ['payments'],
          startedAt: FRIDAY,
          resolvedAt: MONDAY,
          people: [
            { person: 'anna', leftAt: FRIDAY + 10 * HOUR },
            { person: 'anna', role: 'commander', joinedAt: FRIDAY + 20 * HOUR },
          ],
        },
      ],
      { untilMs: MONDAY },
    );
    // 10 hours, then the last 2 of the 12 from her return.
    expect(entries.map((e) => [e.id, e.at, e.minutes])).toEqual([
      ['incident:long:anna:1', FRIDAY, 10 * 60],
      ['incident:long:anna:2', FRIDAY + 20 * HOUR, 2 * 60],
    ]);
  });
});

describe('countOnce', () => {
  it('gives shared minutes to the incident and keeps the rest of the page', () => {
    const pages = toilFromPages(
      [
        {
          id: 'p1',
          services: ['checkout'],
          team: 'payments',
          acknowledgedAt: T0,
          acknowledgedBy: 'anna',
          resolvedAt: T0 + HOUR,
        },
      ],
      { untilMs: T0 + 10 * HOUR },
    );
    const incidents = toilFromIncidents(
      [
        {
          id: 'inc-1',
          teams: ['payments'],
          startedAt: T0 + 30 * MINUTE,
          resolvedAt: T0 + 2 * HOUR,
          people: [{ person: 'anna' }],
        },
      ],
      { untilMs: T0 + 10 * HOUR },
    );
    const note = manual({ id: 'm1', at: T0 + 40 * MINUTE, minutes: 15 });
    const counted = countOnce([...pages, ...incidents, note]);
    expect(counted.map((e) => [e.id, e.at, e.minutes])).toEqual([
      ['page:p1:anna#1', T0, 30],
      ['incident:inc-1:anna', T0 + 30 * MINUTE, 90],
      ['m1', T0 + 40 * MINUTE, 15],
    ]);
  });

  it('splits a page around an incident inside it', () => {
    const page: ToilEntry = manual({ id: 'p', source: 'page', minutes: 60 });
    const incident: ToilEntry = manual({
      id: 'i',
      source: 'incident',
      at: T0 + 20 * MINUTE,
      minutes: 10,
    });
    expect(countOnce([page, incident]).map((e) => [e.id, e.minutes])).toEqual([
      ['p#1', 20],
      ['i', 10],
      ['p#2', 30],
    ]);
  });

  it('does not merge different people', () => {
    const a = manual({ id: 'a', source: 'page' });
    const b = manual({ id: 'b', source: 'page', person: 'bob' });
    expect(countOnce([a, b])).toEqual([a, b]);
  });

  const timed = fc.record({
    id: fc.string({ minLength: 1, maxLength: 4 }),
    person: fc.constantFrom('anna', 'bob'),
    source: fc.constantFrom('page' as const, 'incident' as const),
    at: fc.integer({ min: 0, max: 600 }).map((m) => T0 + m * MINUTE),
    minutes: fc.integer({ min: 1, max: 240 }),
  });
  const arbitraryEntries = fc
    .uniqueArray(timed, { selector: (e) => e.id, maxLength: 12 })
    .map((rows) => rows.map((row) => manual(row)));

  it('counts each person’s time exactly once: the union of their intervals (law)', () => {
    fc.assert(
      fc.property(arbitraryEntries, (entries) => {
        const counted = countOnce(entries);
        for (const person of ['anna', 'bob']) {
          const union = mergeSpans(entries.filter((e) => e.person === person).map(entrySpan));
          const unionMinutes = union.reduce((t, s) => t + (s.end - s.start), 0) / MINUTE;
          const mine = counted.filter((e) => e.person === person);
          expect(mine.reduce((t, e) => t + e.minutes, 0)).toBeCloseTo(unionMinutes, 9);
          const spans = mine.map(entrySpan).sort((a, b) => a.start - b.start);
          spans.forEach((span, i) => {
            const next = spans[i + 1];
            if (next !== undefined) expect(span.end).toBeLessThanOrEqual(next.start);
          });
        }
      }),
    );
  });

  it('is idempotent (law)', () => {
    fc.assert(
      fc.property(arbitraryEntries, (entries) => {
        const once = countOnce(entries);
        expect(countOnce(once)).toEqual(once);
      }),
    );
  });
});

describe('toilSummary', () => {
  const week = { fromMs: utc('2026-03-22T23:00Z'), toMs: utc('2026-03-29T22:00Z') };

  it('holds toil against working hours counted across the DST change', () => {
    // Night shifts Saturday 22:00–06:00 local: 7 hours the night the clocks spring forward.
    const people: PersonCalendar[] = [
      {
        name: 'anna',
        timeZone: 'Europe/Amsterdam',
        workingHours: { days: ['sat'], start: '22:00', end: '06:00' },
      },
    ];
    const at = utc('2026-03-25T10:00Z');
    const atCap = toilSummary([manual({ id: 'a', at, minutes: 210 })], {
      team: 'payments',
      ...week,
      working: { kind: 'calendar', people },
    });
    expect(atCap.workingMinutes).toBe(420);
    expect(atCap.share).toBe(0.5);
    expect(atCap.overCap).toBe(false);
    expect(atCap.warning).toBeUndefined();

    const over = toilSummary([manual({ id: 'a', at, minutes: 211 })], {
      team: 'payments',
      ...week,
      working: { kind: 'calendar', people },
    });
    expect(over.overCap).toBe(true);
    expect(over.people[0]?.overCap).toBe(true);
    expect(over.warning).toBe(
      'Toil took 50.2% of working time for team payments (3.5 h of 7 h), over the 50% cap; the largest category is manual-ops (100%).',
    );
  });

  it('sums people in two zones and honours a custom cap', () => {
    const people: PersonCalendar[] = [
      {
        name: 'anna',
        timeZone: 'Europe/Amsterdam',
        workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
      },
      {
        name: 'ned',
        timeZone: 'America/New_York',
        workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
      },
    ];
    const summary = toilSummary(
      [manual({ id: 'a', at: utc('2026-03-25T10:00Z'), minutes: 1200 })],
      {
        team: 'payments',
        ...week,
        working: { kind: 'calendar', people },
        capPercent: 20,
      },
    );
    // Ned's Monday 09:00–17:00 EDT is 13:00–21:00Z, inside the Amsterdam-week period;
    // his Friday ends at 21:00Z on the 27th: all five days count.
    expect(summary.workingMinutes).toBe(4800);
    expect(summary.share).toBe(0.25);
    expect(summary.overCap).toBe(true);
    expect(
      summary.people.map((p) => [p.person, p.toilMinutes, p.workingMinutes, p.overCap]),
    ).toEqual([
      ['anna', 1200, 2400, true],
      ['ned', 0, 2400, false],
    ]);
  });

  it('ranks top sources by category and service, normalised, with shares', () => {
    const entries = [
      manual({ id: '1', category: 'Manual Ops', minutes: 120, service: 'checkout' }),
      manual({ id: '2', category: 'manual_ops', minutes: 60, service: 'checkout' }),
      manual({ id: '3', category: 'interrupt', minutes: 90, service: 'cart' }),
      manual({ id: '4', category: 'toil-automation-debt', minutes: 30 }),
      manual({ id: '5', category: 'interrupt', minutes: 500, team: 'other' }),
      manual({ id: '6', category: 'interrupt', minutes: 500, at: T0 + 30 * 24 * HOUR }),
    ];
    const summary = toilSummary(entries, {
      team: 'payments',
      fromMs: T0 - HOUR,
      toMs: T0 + HOUR,
      working: { kind: 'flat', people: ['anna', 'bob'], minutesPerPerson: 300 },
      top: 2,
    });
    expect(summary.toilMinutes).toBe(300);
    expect(summary.workingMinutes).toBe(600);
    expect(summary.byCategory).toEqual([
      { key: 'manual-ops', minutes: 180, share: 0.6 },
      { key: 'interrupt', minutes: 90, share: 0.3 },
    ]);
    expect(summary.byService).toEqual([
      { key: 'checkout', minutes: 180, share: 0.6 },
      { key: 'cart', minutes: 90, share: 0.3 },
    ]);
    expect(summary.bySource).toEqual([{ key: 'manual', minutes: 300, share: 1 }]);
    expect(
      toilSummary(entries, {
        team: 'payments',
        fromMs: T0 - HOUR,
        toMs: T0 + HOUR,
        working: { kind: 'flat', people: [], minutesPerPerson: 0 },
      }).byService.map((s) => s.key),
    ).toEqual(['checkout', 'cart', NO_SERVICE]);
  });

  it('counts overlapping page and incident time once and clips it to the period', () => {
    const pages = toilFromPages(
      [
        {
          id: 'p1',
          services: ['checkout'],
          team: 'payments',
          acknowledgedAt: T0 - HOUR,
          acknowledgedBy: 'anna',
          resolvedAt: T0 + HOUR,
        },
      ],
      { untilMs: T0 + 10 * HOUR },
    );
    const incidents = toilFromIncidents(
      [
        {
          id: 'inc',
          teams: ['payments'],
          services: ['checkout'],
          startedAt: T0,
          resolvedAt: T0 + 3 * HOUR,
          people: [{ person: 'anna' }],
        },
      ],
      { untilMs: T0 + 10 * HOUR },
    );
    const summary = toilSummary([...pages, ...incidents], {
      team: 'payments',
      fromMs: T0 - 30 * MINUTE,
      toMs: T0 + 2 * HOUR,
      working: { kind: 'flat', people: ['anna'], minutesPerPerson: 480 },
    });
    // Page 30 min inside the period before the incident, then the incident's 2 hours.
    expect(summary.toilMinutes).toBe(150);
    expect(summary.bySource).toEqual([
      { key: 'incident', minutes: 120, share: 0.8 },
      { key: 'page', minutes: 30, share: 0.2 },
    ]);
  });

  it('warns when toil was logged in a period with no working time', () => {
    const summary = toilSummary([manual({ id: 'a' })], {
      team: 'payments',
      fromMs: T0,
      toMs: T0 + HOUR,
      working: { kind: 'flat', people: [], minutesPerPerson: 0 },
    });
    expect(summary.share).toBeUndefined();
    expect(summary.overCap).toBe(true);
    expect(summary.warning).toContain('without working time');
    // The team is over; anna, outside its working time, is held against no cap of her own.
    expect(summary.people).toEqual([
      {
        person: 'anna',
        toilMinutes: 60,
        workingMinutes: undefined,
        share: undefined,
        overCap: false,
      },
    ]);
  });
});
