// examples/operations as the README walks through it: applied with the services of
// examples/config by the CLI, then asked who is on call, whether checkout may deploy
// (inside and outside the weekend freeze), and a failing cron job run through
// `headroom run`, which pages the payments rotation. `npm test` builds first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { runCli } from './support/cli.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';

const sqlite = TEST_DATABASES[0];
// A Wednesday morning in Amsterdam: no freeze, no holiday.
const WEDNESDAY = '2026-11-18T09:00:00Z';

describe('examples/operations', () => {
  let headroom: TestHeadroom;
  const cli = (args: readonly string[]) => runCli(args, headroom.url, { HEADROOM_ACTOR: 'carla' });

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    headroom = await startTestHeadroom(sqlite, { now: WEDNESDAY });
    const applied = await cli(['apply', '-f', 'examples/config', '-f', 'examples/operations']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Applied: 20 created, 0 changed, 0 deleted.');
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('has someone on call for each team and for incident command', async () => {
    const run = await cli(['oncall']);
    expect(run.code).toBe(0);
    // The 2026-11-02 rotation start: anna, bram, then carla in the week of 2026-11-16.
    expect(run.stdout).toMatch(
      /^payments-primary\s+carla\s+Mon 2026-11-23 09:00\s+anna\s+Mon 2026-11-23 09:00\s+Europe\/Amsterdam$/m,
    );
    // 09:00Z is 04:00 in New York, before the 08:00 weekday window opens; the week
    // that began on Monday 2026-11-16 at 10:00 is dana's (dana, emil, dana).
    expect(run.stdout).toMatch(
      /^discovery-primary\s+\(nobody\)\s+Wed 2026-11-18 08:00\s+dana\s+Wed 2026-11-18 08:00\s+America\/New_York$/m,
    );
    expect(run.stdout).toMatch(/^incident-commanders\s+ines\s+Mon 2026-11-23 00:00\s+ivo\s/m);
  });

  it('lets checkout deploy midweek and holds it over the weekend freeze', async () => {
    const allowed = await cli(['gate', 'checkout', '--version', 'v42']);
    expect(allowed.stdout).toContain('ALLOWED: checkout v42 may be deployed now by carla');
    expect(allowed.code).toBe(0);

    headroom.clock.set(Date.parse('2026-11-20T16:30:00Z')); // Friday 17:30 in Amsterdam
    try {
      const held = await cli(['gate', 'checkout', '--version', 'v43']);
      expect(held.code).toBe(1);
      expect(held.stdout).toContain('[payments-default/frozen] Weekly freeze fri-1600-to-mon-0800');
      expect(held.stdout).toContain('until 2026-11-23 08:00 Europe/Amsterdam');
      const rollback = await cli(['gate', 'checkout', '--version', 'v41', '--label', 'rollback']);
      expect(rollback.code).toBe(0);
      // Recommendations belong to discovery, whom the payments policy does not hold.
      expect((await cli(['gate', 'recommendations'])).code).toBe(0);
    } finally {
      headroom.clock.set(Date.parse(WEDNESDAY));
    }
  });

  it('pages the payments rotation when the nightly settlement fails', async () => {
    // carla is on call this week; with an address she can be told.
    const carla = await headroom.call('PUT', '/api/v1/users/carla', {
      body: { email: 'carla@example.com', teams: ['payments'], timeZone: 'Europe/Amsterdam' },
    });
    expect(carla.status, carla.text).toBe(200);
    const run = await cli([
      'run',
      '--heartbeat',
      'nightly-settlement',
      '--',
      'sh',
      '-c',
      'echo acquirer timed out >&2; exit 4',
    ]);
    expect(run.code).toBe(4);
    const pages = await cli(['page', 'list', '--json']);
    expect(pages.code).toBe(0);
    const listed = JSON.parse(pages.stdout) as {
      id: string;
      summary: string;
      services: string[];
      alerts: { annotations: Record<string, string> }[];
    }[];
    const page = listed.find((each) => each.summary.startsWith('nightly-settlement'));
    expect(page?.services).toEqual(['payments-api']);
    expect(page?.summary).toBe('nightly-settlement: the job is down (a run failed, exit status 4)');
    expect(page?.alerts[0]?.annotations.log).toBe('acquirer timed out');
    await headroom.server.runPaging(); // what the server's paging loop does each tick
    const notifications = await headroom.call(
      'GET',
      `/api/v1/pages/${page?.id ?? ''}/notifications`,
    );
    // The first level of the payments escalation policy: whoever payments-primary has on
    // call. No SMTP server is set here, so the e-mail waits to be retried.
    expect(notifications.body).toMatchObject([
      { channel: 'email', destination: 'carla@example.com', status: 'pending' },
    ]);
    const shown = await cli(['heartbeat', 'show', 'nightly-settlement']);
    expect(shown.stdout).toMatch(/^nightly-settlement: down since /m);
  });
});
