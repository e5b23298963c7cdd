import { describe, expect, it } from 'vitest';
import { isNoise, onCallLoad, type LoadPage, type OnCallPerson } from './oncall-load.js';
import { DEFAULT_WORKING_HOURS } from './working-time.js';

const utc = (text: string) => Date.parse(text);

const anna: OnCallPerson = {
  name: 'anna',
  timeZone: 'Europe/Amsterdam',
  workingHours: DEFAULT_WORKING_HOURS,
};
const ned: OnCallPerson = {
  name: 'ned',
  timeZone: 'America/New_York',
  workingHours: DEFAULT_WORKING_HOURS,
};

const JUSTIFIED = { sloBurn: true, critical: false };
const NOISE = { sloBurn: false, critical: false };

const page = (
  id: string,
  notified: readonly (readonly [string, string])[],
  justification = JUSTIFIED,
  severity = 'page',
): LoadPage => {
  const first = notified[0]?.[1] ?? '2026-03-01T00:00Z';
  return {
    id,
    openedAt: utc(first),
    services: ['checkout'],
    severity,
    notifiedPeople: notified.map(([person, at]) => ({ person, at: utc(at) })),
    justification,
  };
};

describe('isNoise', () => {
  it('is a page neither an SLO burn nor a critical alert justified', () => {
    expect(isNoise({ justification: NOISE })).toBe(true);
    expect(isNoise({ justification: { sloBurn: false, critical: true } })).toBe(false);
    expect(isNoise({ justification: JUSTIFIED })).toBe(false);
  });
});

describe('onCallLoad', () => {
  it('counts out-of-hours pages and nights on each person’s clock across the spring changes', () => {
    const pages = [
      // Sun 8 Mar: 01:30 EST, then 03:30 EDT after the change: one night for Ned (the 7th).
      page('ny-1', [['ned', '2026-03-08T06:30Z']]),
      page('ny-2', [['ned', '2026-03-08T07:30Z']]),
      // 22:30 EDT on Sunday 8 Mar (21:30 had the clock not changed): the night of the 8th.
      page('ny-3', [['ned', '2026-03-09T02:30Z']], NOISE),
      // Ned in hours at 09:30 EDT on Monday 9 Mar.
      page('ny-4', [['ned', '2026-03-09T13:30Z']]),
      // Fri 27 Mar 08:30 CET: out of hours for Anna; 03:30 EDT: Ned's night of the 26th.
      page('both-1', [
        ['anna', '2026-03-27T07:30Z'],
        ['ned', '2026-03-27T07:30Z'],
      ]),
      // Mon 30 Mar 09:30 CEST: in hours for Anna, re-notified twice: one page.
      page(
        'ams-1',
        [
          ['anna', '2026-03-30T07:30Z'],
          ['anna', '2026-03-30T07:45Z'],
        ],
        { sloBurn: false, critical: true },
        'critical',
      ),
      // Saturday noon: out of hours, no night.
      page('ams-2', [['anna', '2026-03-28T11:00Z']], NOISE),
      // Notified outside the period, and someone not in the team: not counted.
      page('late', [['anna', '2026-04-02T00:00Z']]),
      page('other', [['zed', '2026-03-10T00:00Z']], NOISE),
    ];
    const load = onCallLoad(pages, [ned, anna, ned], {
      team: 'payments',
      fromMs: utc('2026-03-01T00:00Z'),
      toMs: utc('2026-04-01T00:00Z'),
    });
    expect(load.people).toEqual([
      {
        person: 'anna',
        timeZone: 'Europe/Amsterdam',
        pagesReceived: 3,
        outOfHoursPages: 2,
        nightsInterrupted: 0,
        nights: [],
        noisePages: 1,
        bySeverity: [
          { severity: 'critical', pages: 1 },
          { severity: 'page', pages: 2 },
        ],
      },
      {
        person: 'ned',
        timeZone: 'America/New_York',
        pagesReceived: 5,
        outOfHoursPages: 4,
        nightsInterrupted: 3,
        nights: ['2026-03-07', '2026-03-08', '2026-03-26'],
        noisePages: 1,
        bySeverity: [{ severity: 'page', pages: 5 }],
      },
    ]);
    expect(load).toMatchObject({
      team: 'payments',
      pagesReceived: 7,
      outOfHoursPages: 5,
      nightsInterrupted: 3,
      noisePages: 2,
      noiseShare: 2 / 7,
      noisePageIds: ['ams-2', 'ny-3'],
      undeliveredNotifications: 0,
    });
  });

  it('reads sleep hours after the autumn changes in both zones', () => {
    const pages = [
      // 06:30 CET on Sun 25 Oct (07:30 in summer time): still the night of the 24th.
      page('ams', [['anna', '2026-10-25T05:30Z']]),
      // 07:30 CET: awake.
      page('ams-awake', [['anna', '2026-10-25T06:30Z']]),
      // 06:30 EST on Sun 1 Nov: the night of 31 Oct.
      page('ny', [['ned', '2026-11-01T11:30Z']]),
    ];
    const load = onCallLoad(pages, [anna, ned], {
      team: 'payments',
      fromMs: utc('2026-10-01T00:00Z'),
      toMs: utc('2026-11-30T00:00Z'),
    });
    expect(load.people.map((p) => [p.person, p.outOfHoursPages, p.nights])).toEqual([
      ['anna', 2, ['2026-10-24']],
      ['ned', 1, ['2026-10-31']],
    ]);
  });

  it('honours custom sleep hours and shows quiet people', () => {
    const owl: OnCallPerson = {
      ...anna,
      name: 'owl',
      sleepHours: { start: '02:00', end: '10:00' },
    };
    const load = onCallLoad([page('p', [['owl', '2026-03-30T21:30Z']])], [owl, ned], {
      team: 'payments',
      fromMs: utc('2026-03-01T00:00Z'),
      toMs: utc('2026-04-01T00:00Z'),
    });
    // 23:30 CEST: out of hours, but the owl is still up.
    expect(
      load.people.map((p) => [p.person, p.pagesReceived, p.outOfHoursPages, p.nights]),
    ).toEqual([
      ['ned', 0, 0, []],
      ['owl', 1, 1, []],
    ]);
    expect(onCallLoad([], [ned], { team: 't', fromMs: 0, toMs: 1 }).noiseShare).toBeUndefined();
  });

  it('counts the team’s pages opened in the period, and those that reached none of its people', () => {
    const ours = (load: LoadPage): LoadPage => ({ ...load, team: 'payments' });
    const pages = [
      ours(page('reached', [['anna', '2026-03-10T10:00Z']])),
      // Opened for the team, but only someone of another team was told.
      ours(page('elsewhere', [['ned', '2026-03-11T10:00Z']])),
      // No one at all: no address, nobody on the rota.
      ours({ ...page('silent', []), openedAt: utc('2026-03-12T10:00Z') }),
      // Before the period: neither opened in it nor counted.
      ours(page('earlier', [['anna', '2026-02-27T10:00Z']])),
      // Another team's page that reached anna: her load, not the team's opened pages.
      page('theirs', [['anna', '2026-03-13T10:00Z']]),
    ];
    const load = onCallLoad(pages, [anna], {
      team: 'payments',
      fromMs: utc('2026-03-01T00:00Z'),
      toMs: utc('2026-04-01T00:00Z'),
    });
    expect(load).toMatchObject({ pagesOpened: 3, pagesReachingNoOne: 2, pagesReceived: 2 });
  });
});
