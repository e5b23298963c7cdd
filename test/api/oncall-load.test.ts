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
    const { store } = headroom.server.deps;
    await store.putPage(page('p-boundary', SUNDAY_LATE, RESOLVED));
    await store.putPage(page('p-bounced', BOUNCED, BOUNCED + 60 * MINUTE));
    await store.putPage(page('p-day', DAYTIME, DAYTIME_RESOLVED));
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
    ]);
    for (const id of ['p-boundary', 'p-bounced', 'p-day']) {
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

  const load = async (fromMs: number, toMs: number) => {
    const { deps } = headroom.server;
    return teamOnCallLoad(deps, 'payments', { fromMs, toMs }, await deps.store.listUsers());
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
});
