// On-call load from the notification outbox: only e-mails that announced a page to a
// person and were delivered count, at their delivery, in the period they fall in
// whenever the page opened. Pages and notifications are written to the store as the
// paging loop would leave them; every expected number is worked out here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../src/core/alerts/grouping.js';
import { teamOnCallLoad } from '../../src/app/reports.js';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const MINUTE = 60_000;
/** Monday to Monday, twice. */
const WEEK_1 = Date.parse('2026-11-09T00:00:00Z');
const WEEK_2 = Date.parse('2026-11-16T00:00:00Z');
const WEEK_3 = Date.parse('2026-11-23T00:00:00Z');
/** Sunday 23:50: anna is paged; the page escalates to bob on Monday 00:05 and resolves 00:30. */
const SUNDAY_LATE = Date.parse('2026-11-15T23:50:00Z');
const ESCALATED = SUNDAY_LATE + 15 * MINUTE;
const RESOLVED = SUNDAY_LATE + 40 * MINUTE;
/** Tuesday 02:00: the e-mail to anna bounces until it is given up on. */
const BOUNCED = Date.parse('2026-11-10T02:00:00Z');
/** Sunday 10:00 UTC: a working morning for someone on a Sun–Thu week, the weekend for others. */
const SUNDAY_MORNING = Date.parse('2026-11-15T10:00:00Z');
/** Wednesday 10:00, working hours; resolved at 23:00, which is sleep time. */
const DAYTIME = Date.parse('2026-11-11T10:00:00Z');
const DAYTIME_RESOLVED = Date.parse('2026-11-11T23:00:00Z');

function page(id: string, openedAt: number, resolvedAt: number): Page {
  return {
    id,
    status: 'resolved',
    openedAt,
    summary: id,
    severity: 'critical',
    services: ['checkout'],
    alerts: [],
    acknowledgedAt: undefined,
    acknowledgedBy: undefined,
    resolvedAt,
    updatedAt: resolvedAt,
  };
}

describe.each(TEST_DATABASES)('on-call load from the outbox on $name', (kind) => {
  let headroom: TestHeadroom;

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: '2026-11-30T00:00:00Z' });
    const post = async (route: string, body: unknown) => {
      const reply = await headroom.call('POST', route, { body });
      expect(reply.status, reply.text).toBeLessThan(300);
    };
    await post('/api/v1/teams', { name: 'payments' });
    for (const name of ['anna', 'bob']) {
      await post('/api/v1/users', {
        name,
        email: `${name}@example.com`,
        timeZone: 'UTC',
        teams: ['payments'],
      });
    }
    // Team ops: dana works Sun–Thu 10:00–16:00 (set after she was created), eve keeps
    // the default week and sleeps 08:00–12:00 after her nights.
    await post('/api/v1/teams', { name: 'ops' });
    for (const name of ['dana', 'eve']) {
      await post('/api/v1/users', {
        name,
        email: `${name}@example.com`,
        timeZone: 'UTC',
        teams: ['ops'],
        ...(name === 'eve' ? { sleepHours: { start: '08:00', end: '12:00' } } : {}),
      });
    }
    const dana = await headroom.call('PUT', '/api/v1/users/dana', {
      body: {
        email: 'dana@example.com',
        timeZone: 'UTC',
        teams: ['ops'],
        workingHours: { days: ['sun', 'mon', 'tue', 'wed', 'thu'], start: '10:00', end: '16:00' },
      },
    });
    expect(dana.status, dana.text).toBe(200);
    const { store } = headroom.server.deps;
    await store.putPage(page('p-sunday', SUNDAY_MORNING, SUNDAY_MORNING + 30 * MINUTE));
    await store.putPage(page('p-boundary', SUNDAY_LATE, RESOLVED));
    await store.putPage(page('p-bounced', BOUNCED, BOUNCED + 60 * MINUTE));
    await store.putPage(page('p-day', DAYTIME, DAYTIME_RESOLVED));
    // An incident on checkout paged the incident-response rotation, none of payments.
    await store.putPage(page('incident-7-response', DAYTIME, DAYTIME_RESOLVED));
    const queued = (pageId: string, key: string, person: string, at: number) => ({
      pageId,
      key: `${pageId}/${key}/email/${person}`,
      channel: 'email' as const,
      destination: `${person} <${person}@example.com>`,
      message: {},
      status: 'pending' as const,
      nextAttemptAt: at,
      createdAt: at,
    });
    await store.insertNotifications([
      queued('p-boundary', '0/0', 'anna', SUNDAY_LATE),
      queued('p-boundary', '1/0', 'bob', ESCALATED),
      queued('p-boundary', 'resolved', 'anna', RESOLVED),
      queued('p-boundary', 'resolved', 'bob', RESOLVED),
      queued('p-bounced', '0/0', 'anna', BOUNCED),
      queued('p-bounced', 'resolved', 'anna', BOUNCED + 60 * MINUTE),
      queued('p-day', '0/0', 'anna', DAYTIME),
      queued('p-day', 'resolved', 'anna', DAYTIME_RESOLVED),
      queued('p-sunday', '0/0', 'dana', SUNDAY_MORNING),
      queued('p-sunday', '0/1', 'eve', SUNDAY_MORNING),
    ]);
    for (const id of ['p-boundary', 'p-bounced', 'p-day', 'p-sunday']) {
      for (const notification of await store.listNotifications(id)) {
        const bounced = notification.key === 'p-bounced/0/0/email/anna';
        await store.recordDelivery(
          notification.id,
          { at: notification.createdAt, ok: !bounced, detail: bounced ? '550' : '250' },
          { status: bounced ? 'failed' : 'sent', nextAttemptAt: notification.createdAt },
        );
      }
    }
  });

  afterAll(async () => {
    await headroom.close();
  });

  const load = async (fromMs: number, toMs: number, team = 'payments') => {
    const { deps } = headroom.server;
    // Every page here is on checkout, which payments owns.
    const services = new Set(team === 'payments' ? ['checkout'] : []);
    return teamOnCallLoad(deps, team, { fromMs, toMs }, await deps.store.listUsers(), services);
  };
  const byPerson = (result: Awaited<ReturnType<typeof load>>) =>
    Object.fromEntries(
      result.people.map((p) => [p.person, [p.pagesReceived, p.outOfHoursPages, p.nights]]),
    );

  it('counts delivered announcements, not resolutions or bounces', async () => {
    const week = await load(WEEK_1, WEEK_2);
    // anna: the Sunday 23:50 page (out of hours, the night of the 15th) and the
    // Wednesday 10:00 one (working hours). Not the bounced Tuesday 02:00 e-mail, and
    // not the Wednesday 23:00 "resolved" e-mail that would mark the night of the 11th.
    expect(byPerson(week)).toEqual({
      anna: [2, 1, ['2026-11-15']],
      bob: [0, 0, []],
    });
    expect(week).toMatchObject({
      pagesReceived: 2,
      outOfHoursPages: 1,
      nightsInterrupted: 1,
      undeliveredNotifications: 1,
      // All four pages opened that week were on payments' checkout. Two reached none
      // of its people: the bounced one, and the Sunday one that went to ops. The
      // incident's response page was the incident-response rotation's, not the team's.
      pagesOpened: 4,
      pagesReachingNoOne: 2,
      reachingNoOnePageIds: ['p-bounced', 'p-sunday'],
    });
    // A team that owns no service opened no page, whoever its pages notified.
    expect(await load(WEEK_1, WEEK_2, 'ops')).toMatchObject({
      pagesReceived: 1,
      pagesOpened: 0,
      pagesReachingNoOne: 0,
    });
  });

  it('counts an escalation in the period it reached someone, whenever the page opened', async () => {
    const week = await load(WEEK_2, WEEK_3);
    // bob was notified Monday 00:05 about a page opened on Sunday; anna's Monday 00:30
    // e-mail only said it was over.
    expect(byPerson(week)).toEqual({
      anna: [0, 0, []],
      bob: [1, 1, ['2026-11-15']],
    });
    // The two weeks add up to the fortnight, person by person.
    const both = await load(WEEK_1, WEEK_3);
    expect(byPerson(both)).toEqual({
      anna: [2, 1, ['2026-11-15']],
      bob: [1, 1, ['2026-11-15']],
    });
  });

  it('reads each person’s own working and sleep hours, as set through the API', async () => {
    const user = await headroom.call('GET', '/api/v1/users/dana');
    expect(user.body).toMatchObject({
      workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'sun'], start: '10:00', end: '16:00' },
      sleepHours: null,
    });
    // The same week in another order, a minute later, is no change: nothing written.
    headroom.clock.set(Date.parse('2026-11-30T00:01:00Z'));
    const again = await headroom.call('PUT', '/api/v1/users/dana', {
      body: {
        email: 'dana@example.com',
        timeZone: 'UTC',
        teams: ['ops'],
        workingHours: { days: ['thu', 'wed', 'tue', 'mon', 'sun'], start: '10:00', end: '16:00' },
      },
    });
    expect(again.status, again.text).toBe(200);
    expect((again.body as { updatedAt: string }).updatedAt).toBe(
      (user.body as { updatedAt: string }).updatedAt,
    );
    // Sunday 10:00: dana's working morning, eve's weekend and (by her own hours) her night.
    const week = await load(WEEK_1, WEEK_2, 'ops');
    expect(byPerson(week)).toEqual({
      dana: [1, 0, []],
      eve: [1, 1, ['2026-11-15']],
    });
    expect(week).toMatchObject({ pagesReceived: 1, outOfHoursPages: 1, nightsInterrupted: 1 });
    // Toil's working time is the same clock: dana 5 × 6 h (Sunday and Monday to
    // Thursday), eve 5 × 8 h.
    const toil = await headroom.call(
      'GET',
      `/api/v1/teams/ops/toil?from=${new Date(WEEK_1).toISOString()}&to=${new Date(WEEK_2).toISOString()}`,
    );
    expect(toil.status, toil.text).toBe(200);
    expect(
      (toil.body as { people: { person: string; workingMinutes: number }[] }).people.map((p) => [
        p.person,
        p.workingMinutes,
      ]),
    ).toEqual([
      ['dana', 5 * 6 * 60],
      ['eve', 5 * 8 * 60],
    ]);
  });

  it('refuses hours it cannot read, naming the field, and changes nothing', async () => {
    const reply = await headroom.call('PUT', '/api/v1/users/dana', {
      body: {
        email: 'dana@example.com',
        teams: ['ops'],
        workingHours: { days: ['sun', 'someday'], start: '25:00', end: '16:00' },
        sleepHours: { start: '23:00', end: '23:00' },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toMatch(/problem\+json/);
    const paths = (reply.body as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.workingHours.days.1',
        'body.workingHours.start',
        'body.sleepHours.end',
      ]),
    );
    const user = await headroom.call('GET', '/api/v1/users/dana');
    expect((user.body as { workingHours: { start: string } }).workingHours.start).toBe('10:00');
  });
});
