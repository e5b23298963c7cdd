// On-call schedules through the API and the CLI: a follow-the-sun schedule across
// the DST change in Europe/Amsterdam, overrides, the iCalendar feed and permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { runCli } from '../support/cli.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';
import { PAYMENTS_SCHEDULE } from '../support/web-seed.js';

// The web UI's seed: Amsterdam days and New York evenings (restricted to weekdays).
const payments = PAYMENTS_SCHEDULE;

const incidentResponse = {
  apiVersion: 'headroom/v1',
  kind: 'Schedule',
  metadata: { name: 'incident-response' },
  spec: {
    timeZone: 'UTC',
    layers: [{ name: 'ic', members: ['ines'], start: '2026-01-05T00:00', shiftLength: '1w' }],
  },
};

describe.each(TEST_DATABASES)('on-call schedules on $name', (kind) => {
  let headroom: TestHeadroom;

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: '2026-10-21T10:00:00Z' });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [serviceDocument('checkout', 'payments'), payments, incidentResponse],
      },
    });
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await headroom.close();
  });

  const onCall = async (at: string) => {
    const reply = await headroom.call('GET', `/api/v1/schedules/payments-primary/oncall?at=${at}`);
    expect(reply.status).toBe(200);
    return reply.body as {
      current: { user: string | null; since: string | null; until: string | null };
      next: { user: string; since: string } | null;
    };
  };

  it('answers who is on call, until when, and who is next', async () => {
    expect(await onCall('2026-10-21T10:00:00Z')).toMatchObject({
      current: { user: 'anna', until: '2026-10-21T16:00:00.000Z' },
      next: { user: 'nick', since: '2026-10-21T16:00:00.000Z' },
    });
    // Noon in New York is 16:00Z in October; the evening layer wins while it has someone.
    expect((await onCall('2026-10-21T17:00:00Z')).current.user).toBe('nick');
  });

  it('hands over on the local wall clock across the DST change: a 169-hour week', async () => {
    // Amsterdam leaves summer time on 2026-10-25: Monday 09:00 is 07:00Z before, 08:00Z after.
    const reply = await headroom.call(
      'GET',
      '/api/v1/schedules/payments-primary/shifts?from=2026-10-24T00:00:00Z&to=2026-11-03T00:00:00Z',
    );
    expect(reply.status).toBe(200);
    const { layers } = reply.body as {
      layers: { layer: string; shifts: { user: string; start: string; end: string }[] }[];
    };
    const amsterdam = layers.find((layer) => layer.layer === 'amsterdam')?.shifts ?? [];
    expect(amsterdam.map((shift) => [shift.user, shift.start, shift.end])).toEqual([
      ['anna', '2026-10-24T00:00:00.000Z', '2026-10-26T08:00:00.000Z'],
      ['bram', '2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z'],
      ['anna', '2026-11-02T08:00:00.000Z', '2026-11-03T00:00:00.000Z'],
    ]);
  });

  it('lets the team add an override, which then decides', async () => {
    const added = await headroom.call('POST', '/api/v1/schedules/payments-primary/overrides', {
      body: {
        user: 'carla',
        start: '2026-10-22T08:00:00+02:00',
        end: '2026-10-22T12:00:00+02:00',
        reason: 'anna at the dentist',
      },
    });
    expect(added.status).toBe(201);
    expect((await onCall('2026-10-22T07:00:00Z')).current.user).toBe('carla');
    const audit = await headroom.call('GET', '/api/v1/audit?limit=1');
    expect(JSON.stringify(audit.body)).toContain('payments-primary');
  });

  it('serves an iCalendar feed with exactly the shifts, token in the URL', async () => {
    const feed = await fetch(
      `${headroom.url}/api/v1/schedules/incident-response/calendar.ics?token=hr_test-admin-token-0123456789abcdef`,
    );
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const text = await feed.text();
    expect(text).toContain('BEGIN:VCALENDAR');
    expect(text).toContain('SUMMARY:');
    // Weekly turns of one person merge into one event covering the feed's range.
    expect(text.match(/BEGIN:VEVENT/g)?.length).toBe(1);
    const anonymous = await fetch(
      `${headroom.url}/api/v1/schedules/incident-response/calendar.ics`,
    );
    expect(anonymous.status).toBe(401);
    const personal = await headroom.call('GET', '/api/v1/users/nick/oncall.ics');
    expect(personal.status).toBe(200);
    expect(personal.text.match(/BEGIN:VEVENT/g)?.length).toBeGreaterThan(10);
    // DTSTAMP is when the feed was written (the test clock), for every event.
    const stamps = new Set(personal.text.match(/^DTSTAMP:.*$/gm));
    expect([...stamps]).toEqual(['DTSTAMP:20261021T100000Z']);
  });

  it('answers 404 for the feed of someone no schedule names and no user is', async () => {
    const nobody = await headroom.call('GET', '/api/v1/users/nobody/oncall.ics');
    expect(nobody.status).toBe(404);
    expect(nobody.text).toContain('nobody');
  });

  it("keeps schedules to their team's editors, and teamless ones to admins", async () => {
    const token = async (teams: string[]) =>
      (
        (
          await headroom.call('POST', '/api/v1/tokens', {
            body: { name: `editor-${teams.join('-')}`, role: 'editor', teams },
          })
        ).body as { token: string }
      ).token;
    await headroom.call('POST', '/api/v1/teams', { body: { name: 'search' } });
    const searchEditor = await token(['search']);
    const paymentsEditor = await token(['payments']);
    const override = {
      user: 'x',
      start: '2026-10-23T08:00:00Z',
      end: '2026-10-23T09:00:00Z',
    };
    const refused = await headroom.call('POST', '/api/v1/schedules/payments-primary/overrides', {
      token: searchEditor,
      body: override,
    });
    expect(refused.status).toBe(403);
    const teamless = await headroom.call('POST', '/api/v1/schedules/incident-response/overrides', {
      token: paymentsEditor,
      body: override,
    });
    expect(teamless.status).toBe(403);
    expect(JSON.stringify(teamless.body)).toContain('admin');
    const allowed = await headroom.call('POST', '/api/v1/schedules/payments-primary/overrides', {
      token: paymentsEditor,
      body: override,
    });
    expect(allowed.status).toBe(201);
  });

  it('refuses an override that ends before it starts, and an unknown schedule', async () => {
    const backwards = await headroom.call('POST', '/api/v1/schedules/payments-primary/overrides', {
      body: { user: 'x', start: '2026-10-23T09:00:00Z', end: '2026-10-23T08:00:00Z' },
    });
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('is not after start');
    expect((await headroom.call('GET', '/api/v1/schedules/nope/oncall')).status).toBe(404);
  });

  it('headroom oncall prints who is on call now and next', async () => {
    const run = await runCli(['oncall', '--at', '2026-10-21T10:00:00Z'], headroom.url);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^SCHEDULE\s+ON CALL\s+UNTIL\s+NEXT\s+FROM\s+TIME ZONE$/m);
    // 16:00Z is 18:00 on Amsterdam's summer clock (New York's noon): the schedule's clock.
    expect(run.stdout).toMatch(
      /^payments-primary\s+anna\s+Wed 2026-10-21 18:00\s+nick\s+Wed 2026-10-21 18:00\s+Europe\/Amsterdam$/m,
    );
    // One member: ines stays on call beyond the year the API looks ahead.
    expect(run.stdout).toMatch(/^incident-response\s+ines\s+—\s+—\s+—\s+UTC$/m);
    // After the DST change the Monday 09:00 hand-off is an hour later in UTC, not on the clock.
    const after = await runCli(
      ['oncall', 'payments-primary', '--at', '2026-10-31T10:00:00Z'],
      headroom.url,
    );
    expect(after.stdout).toMatch(/^payments-primary\s+\S+\s+Mon 2026-11-02 09:00\s/m);
    const json = await runCli(
      ['oncall', 'payments-primary', '--at', '2026-10-21T10:00:00Z', '--json'],
      headroom.url,
    );
    expect(JSON.parse(json.stdout)).toMatchObject([
      {
        schedule: 'payments-primary',
        timeZone: 'Europe/Amsterdam',
        current: { user: 'anna', until: '2026-10-21T16:00:00.000Z' },
      },
    ]);
    expect((await runCli(['oncall', 'nope'], headroom.url)).code).toBe(2);
    expect((await runCli(['oncall'], 'http://127.0.0.1:1')).code).toBe(3);
  });
});
