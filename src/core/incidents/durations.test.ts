import { describe, expect, it } from 'vitest';
import { incidentTimes, responseMetrics, type ResponseRow } from './durations.js';
import { foldIncident } from './lifecycle.js';
import type { IncidentDeclared, IncidentEvent } from './model.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0);
const MINUTE = 60_000;
const at = (minutes: number) => T0 + minutes * MINUTE;

const DECLARED: IncidentDeclared = {
  type: 'declared',
  at: T0,
  by: 'alice',
  title: 'Checkout errors',
  severity: 'SEV2',
  services: ['checkout'],
  pageIds: [],
};

const incident = (...events: IncidentEvent[]) => foldIncident('inc-1', [DECLARED, ...events]);

describe('incidentTimes', () => {
  it('without pages: everything from the declaration', () => {
    const times = incidentTimes(
      incident(
        { type: 'status', at: at(30), by: 'bob', status: 'monitoring' },
        { type: 'status', at: at(90), by: 'bob', status: 'resolved' },
      ),
      [],
    );
    expect(times).toEqual({
      startedAt: T0,
      detectedAt: T0,
      acknowledgedAt: T0,
      mitigatedAt: at(30),
      resolvedAt: at(90),
      timeToDetectMs: 0,
      timeToAcknowledgeMs: 0,
      timeToMitigateMs: 1_800_000,
      timeToResolveMs: 5_400_000,
    });
  });

  it('with pages: from the first page, acknowledged by the first page acknowledgement', () => {
    const times = incidentTimes(
      incident({ type: 'status', at: at(18), by: 'bob', status: 'monitoring' }),
      [{ openedAt: at(-12), acknowledgedAt: at(-7) }, { openedAt: at(-20) }],
    );
    expect(times).toEqual({
      startedAt: at(-20),
      detectedAt: at(-20),
      acknowledgedAt: at(-7),
      mitigatedAt: at(18),
      resolvedAt: undefined,
      timeToDetectMs: 0,
      timeToAcknowledgeMs: 780_000, // 13 minutes
      timeToMitigateMs: 2_280_000, // 38 minutes
      timeToResolveMs: undefined,
    });
  });

  it('a reported impact start wins over the pages', () => {
    const times = incidentTimes(incident(), [{ openedAt: at(-20), acknowledgedAt: at(-7) }]);
    expect(times.startedAt).toBe(T0 - 20 * MINUTE);
    const reported = incidentTimes({ ...incident(), reportedStartedAt: at(-45) }, [
      { openedAt: at(-20), acknowledgedAt: at(-7) },
    ]);
    expect(reported).toMatchObject({
      startedAt: at(-45),
      detectedAt: at(-20),
      timeToDetectMs: 1_500_000, // 25 minutes
      timeToAcknowledgeMs: 2_280_000, // 38 minutes
    });
  });

  it('declaring counts as acknowledging when it comes before any page acknowledgement', () => {
    const times = incidentTimes(incident(), [{ openedAt: at(-5), acknowledgedAt: at(3) }]);
    expect([times.acknowledgedAt, times.timeToAcknowledgeMs]).toEqual([T0, 300_000]);
  });

  it('is never negative when someone was on it before the reported start', () => {
    const times = incidentTimes({ ...incident(), reportedStartedAt: at(-2) }, [
      { openedAt: at(-10), acknowledgedAt: at(-5) },
    ]);
    expect([times.timeToDetectMs, times.timeToAcknowledgeMs]).toEqual([0, 0]);
  });

  it('a reopened incident has no time to resolve', () => {
    const times = incidentTimes(
      incident(
        { type: 'status', at: at(10), by: 'bob', status: 'resolved' },
        { type: 'status', at: at(15), by: 'bob', status: 'investigating' },
      ),
      [],
    );
    expect([times.timeToMitigateMs, times.timeToResolveMs]).toEqual([600_000, undefined]);
  });
});

describe('responseMetrics', () => {
  const FROM = at(0);
  const TO = at(7 * 24 * 60);
  const row = (
    incidentId: string,
    startMinutes: number,
    services: string[],
    tta: number | undefined,
    ttm: number | undefined,
    ttr: number | undefined,
  ): ResponseRow => ({
    incidentId,
    startedAt: at(startMinutes),
    services,
    timeToAcknowledgeMs: tta === undefined ? undefined : tta * MINUTE,
    timeToMitigateMs: ttm === undefined ? undefined : ttm * MINUTE,
    timeToResolveMs: ttr === undefined ? undefined : ttr * MINUTE,
  });
  const ROWS = [
    row('i1', 10, ['checkout', 'payments'], 2, 10, 60),
    row('i2', 20, ['checkout'], 4, 20, undefined),
    row('i3', 30, ['search'], 6, undefined, undefined),
    row('i4', 40, ['payments'], 10, 30, 120),
    row('i5', 7 * 24 * 60, ['checkout'], 1, 1, 1), // at `to`: out
    row('i6', -1, ['checkout'], 1, 1, 1), // before `from`: out
    row('i7', 50, ['unowned'], 1, 1, 1), // maps to no team
  ];
  const TEAMS: Record<string, string> = { checkout: 'shop', payments: 'shop', search: 'find' };

  it('per team: an incident on two services of one team counts once', () => {
    const byTeam = responseMetrics(
      ROWS,
      (service) => {
        const team = TEAMS[service];
        return team === undefined ? [] : [team];
      },
      FROM,
      TO,
    );
    expect(byTeam).toEqual([
      {
        key: 'find',
        count: 1,
        open: 1,
        acknowledged: 1,
        mitigated: 0,
        resolved: 0,
        mttaMs: 360_000,
        mttmMs: undefined,
        mttrMs: undefined,
        medianTtaMs: 360_000,
        medianTtmMs: undefined,
        medianTtrMs: undefined,
      },
      {
        key: 'shop',
        count: 3,
        open: 1,
        acknowledged: 3,
        mitigated: 3,
        resolved: 2,
        mttaMs: 320_000, // (2 + 4 + 10) / 3 minutes
        mttmMs: 1_200_000, // (10 + 20 + 30) / 3 minutes
        mttrMs: 5_400_000, // (60 + 120) / 2 minutes
        medianTtaMs: 240_000,
        medianTtmMs: 1_200_000,
        medianTtrMs: 5_400_000,
      },
    ]);
  });

  it('per service: an incident counts for each of its services', () => {
    const byService = responseMetrics(ROWS, (service) => [service], FROM, TO);
    expect(byService.map((m) => [m.key, m.count, m.open, m.mttaMs, m.mttmMs, m.mttrMs])).toEqual([
      ['checkout', 2, 1, 180_000, 900_000, 3_600_000],
      ['payments', 2, 0, 360_000, 1_200_000, 5_400_000],
      ['search', 1, 1, 360_000, undefined, undefined],
      ['unowned', 1, 0, 60_000, 60_000, 60_000],
    ]);
  });

  it('medians of an even count are the mean of the middle two', () => {
    const rows = [1, 9, 3, 7].map((minutes, i) =>
      row(`m${i}`, i, ['x'], minutes, undefined, undefined),
    );
    const [all] = responseMetrics(rows, () => ['all'], FROM, TO);
    expect(all?.medianTtaMs).toBe(300_000); // (3 + 7) / 2 minutes
    expect(all?.mttaMs).toBe(300_000);
  });

  it('nothing in range: no groups', () => {
    expect(responseMetrics(ROWS, (s) => [s], at(-100), at(-50))).toEqual([]);
  });
});
