// `headroom toil` and `headroom report` as a team lead runs them: the built binary
// against a running server, with real exit codes. `npm test` builds first; run
// `npm run build` before running this file alone.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { runCli } from './support/cli.js';
import { serviceDocument } from './support/documents.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';

const sqlite = TEST_DATABASES[0];
/** Monday 2026-11-16 to Monday 2026-11-23, asked on the Friday: the week is not over. */
const FROM = '2026-11-16T00:00:00Z';
const TO = '2026-11-23T00:00:00Z';

describe('headroom toil and headroom report', () => {
  let headroom: TestHeadroom;
  let directory: string;

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    headroom = await startTestHeadroom(sqlite, { now: '2026-11-20T15:00:00Z' });
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-report-cli-'));
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [serviceDocument('search', 'discovery')] },
    });
    expect(applied.status).toBe(200);
    const user = await headroom.call('POST', '/api/v1/users', {
      body: { name: 'dana', timeZone: 'Europe/Berlin', teams: ['discovery'] },
    });
    expect(user.status).toBe(201);
  });

  afterAll(async () => {
    await headroom.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('logs toil with a duration and refuses a bad one', async () => {
    const logged = await runCli(
      [
        'toil',
        'log',
        '1h30m',
        'Rebuilt the index by hand',
        '--person',
        'dana',
        '--service',
        'search',
        '--category',
        'Manual ops',
        '--at',
        '2026-11-18T10:00:00Z',
      ],
      headroom.url,
    );
    expect(logged.stderr).toBe('');
    expect(logged.code).toBe(0);
    expect(logged.stdout).toContain('Logged 1h30m of manual-ops for dana (team discovery');

    const bad = await runCli(['toil', 'log', '90s', 'nothing', '--person', 'dana'], headroom.url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('whole minutes');
    // An entry is a day at most: the hint does not offer days or weeks.
    const days = await runCli(
      ['toil', 'log', '1.5h', 'hand work', '--person', 'dana'],
      headroom.url,
    );
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('give a duration such as 2h, 90m or 1h30m (at most 24h)');
    expect(days.stderr).not.toContain('4w');
    const long = await runCli(
      ['toil', 'log', '25h', 'a long night', '--person', 'dana'],
      headroom.url,
    );
    expect(long.code).toBe(2);
    // Named as the person gave it: the duration, not the minutes the CLI never showed.
    expect(long.stderr).toContain('duration');
    expect(long.stderr).toContain('at most 24h in one entry');
    expect(long.stderr).not.toContain('minutes');
  });

  it('deletes a wrongly logged entry by the id it printed', async () => {
    const logged = await runCli(
      [
        'toil',
        'log',
        '20m',
        'Logged by mistake',
        '--person',
        'dana',
        '--at',
        '2026-11-19T10:00:00Z',
      ],
      headroom.url,
    );
    expect(logged.code).toBe(0);
    const id = /as (toil_[0-9a-f]+)\./.exec(logged.stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    const deleted = await runCli(['toil', 'delete', id], headroom.url);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`Deleted ${id}.\n`);
    const again = await runCli(['toil', 'delete', id], headroom.url);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('GET /api/v1/toil');
    const stranger = await runCli(
      ['toil', 'log', '5m', 'x', '--person', 'nobody', '--team', 'discovery'],
      headroom.url,
    );
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toMatch(/^ {2}--person: no user "nobody"/m);
    // The test's admin token is no person's: the CLI says which option names one.
    const nobody = await runCli(['toil', 'log', '5m', 'x', '--team', 'discovery'], headroom.url);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/^ {2}--person: this token is bound to no user/m);
  });

  it('summarises toil and answers no when the team is over its cap', async () => {
    const within = await runCli(
      ['toil', 'summary', '--team', 'discovery', '--from', FROM, '--to', TO, '--json'],
      headroom.url,
    );
    expect(within.stderr).toBe('');
    expect(within.code).toBe(0);
    const summary = JSON.parse(within.stdout) as {
      toilMinutes: number;
      workingMinutes: number;
      overCap: boolean;
    };
    // Now is Friday 15:00Z, 16:00 in Berlin: Monday to Thursday and 7 hours of Friday.
    const working = 4 * 8 * 60 + 7 * 60;
    expect(summary).toMatchObject({ toilMinutes: 90, workingMinutes: working, overCap: false });

    // 90 of 2,340 minutes is 3.8 %: over a cap of 3 %.
    expect(Math.round((90 / working) * 1000) / 10).toBe(3.8);
    const over = await runCli(
      ['toil', 'summary', '--team', 'discovery', '--from', FROM, '--to', TO, '--cap', '3'],
      headroom.url,
    );
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('3.8% (cap 3%): OVER THE CAP');
    expect(over.stdout).toContain(
      'The period is not over: working time is counted to 2026-11-20T15:00:00.000Z.',
    );
    expect(over.stdout).toContain('manual-ops');
    expect(over.stdout).not.toContain('has no members');

    // A team nobody is in has no working time: the summary says why, not just "0 h of 0 h".
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [serviceDocument('search', 'discovery'), serviceDocument('ledger', 'books')],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const empty = await runCli(['toil', 'summary', '--team', 'books'], headroom.url);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('Toil: 0 h of 0 h working time');
    expect(empty.stdout).toContain(
      'Team books has no members, so no working time to hold its toil against',
    );

    const unknown = await runCli(['toil', 'summary', '--team', 'nope'], headroom.url);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('team "nope" does not exist');
  });

  it('refuses a period that has not begun, and a list whose from is after its to', async () => {
    // The server's clock reads 2026-11-20 15:00.
    const future = await runCli(
      ['report', '--team', 'discovery', '--from', '2026-11-21', '--to', '2026-11-28'],
      headroom.url,
    );
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('the period has not begun');
    const summary = await runCli(
      ['toil', 'summary', '--team', 'discovery', '--from', '2026-11-21'],
      headroom.url,
    );
    expect(summary.code).toBe(2);
    const list = await headroom.call(
      'GET',
      '/api/v1/toil?from=2026-11-19T00:00:00Z&to=2026-11-18T00:00:00Z',
    );
    expect(list.status).toBe(400);
    expect(list.text).toContain('from must be before to');
  });

  it('refuses an unknown zone, and reads plain dates as the day’s start in the zone', async () => {
    const mars = await runCli(
      ['report', '--team', 'discovery', '--zone', 'Mars/Base'],
      headroom.url,
    );
    expect(mars.code).toBe(2);
    expect(mars.stdout).toBe('');
    expect(mars.stderr).toContain('--zone Mars/Base is not an IANA time zone');

    const period = async (zone: string[]) => {
      const run = await runCli(
        [
          'report',
          '--team',
          'discovery',
          '--from',
          '2026-11-16',
          '--to',
          '2026-11-23',
          '--format',
          'json',
          ...zone,
        ],
        headroom.url,
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return (JSON.parse(run.stdout) as { period: { fromMs: number; toMs: number } }).period;
    };
    expect(await period([])).toMatchObject({ fromMs: Date.parse(FROM), toMs: Date.parse(TO) });
    // Midnight in Berlin is 23:00Z the day before in November (UTC+1).
    expect(await period(['--zone', 'Europe/Berlin'])).toMatchObject({
      fromMs: Date.parse(FROM) - 60 * 60_000,
      toMs: Date.parse(TO) - 60 * 60_000,
    });
  });

  it('writes the report as Markdown to stdout and as HTML to a file', async () => {
    const markdown = await runCli(
      ['report', '--team', 'discovery', '--from', FROM, '--to', TO],
      headroom.url,
    );
    expect(markdown.stderr).toBe('');
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('Reliability report: discovery');
    expect(markdown.stdout).toContain('search');

    const file = path.join(directory, 'report.html');
    const html = await runCli(
      ['report', '--team', 'discovery', '--from', FROM, '--to', TO, '--format', 'html', '-o', file],
      headroom.url,
    );
    expect(html.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^<!DOCTYPE html>/);

    const json = await runCli(
      ['report', '--team', 'discovery', '--from', FROM, '--to', TO, '--format', 'json'],
      headroom.url,
    );
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { toil: { toilMinutes: number } }).toil.toilMinutes).toBe(
      90,
    );
  });

  it('sets a person’s own hours and the team’s cap, which the summary then uses', async () => {
    const shown = await runCli(['user', 'hours', 'dana'], headroom.url);
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toBe(
      'dana (Europe/Berlin): works Mon–Fri 09:00–17:00 (default); sleeps 22:00–07:00 (default)\n',
    );
    // Sun–Thu, 10:00–14:00 in Berlin (09:00–13:00Z): Monday to Thursday before Friday 15:00Z.
    const set = await runCli(
      ['user', 'hours', 'dana', '--days', 'sun-thu', '--work', '10:00-14:00'],
      headroom.url,
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('works Sun–Thu 10:00–14:00; sleeps 22:00–07:00 (default)');
    // The rest of the user is as it was.
    const user = await headroom.call('GET', '/api/v1/users/dana');
    expect(user.body).toMatchObject({ timeZone: 'Europe/Berlin', teams: ['discovery'] });

    const badDay = await runCli(['user', 'hours', 'dana', '--days', 'sun-someday'], headroom.url);
    expect(badDay.code).toBe(2);
    expect(badDay.stderr).toContain('"someday" is not a day');
    const badTime = await runCli(['user', 'hours', 'dana', '--work', '10:00-25:00'], headroom.url);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('body.workingHours.end');

    expect((await runCli(['team', 'cap', 'discovery', '101'], headroom.url)).code).toBe(2);
    const cap = await runCli(['team', 'cap', 'discovery', '3'], headroom.url);
    expect(cap.stderr).toBe('');
    expect(cap.stdout).toBe("Team discovery: toil cap 3% (the team's own)\n");
    try {
      // 90 of 4 × 4 h = 960 minutes is 9.4 %: over the team's 3 % without --cap, within 10 %.
      const summary = await runCli(
        ['toil', 'summary', '--team', 'discovery', '--from', FROM, '--to', TO],
        headroom.url,
      );
      expect(summary.code).toBe(1);
      expect(summary.stdout).toContain('Toil: 1.5 h of 16 h working time');
      expect(summary.stdout).toContain("9.4% (team's cap 3%): OVER THE CAP");
      const asked = await runCli(
        ['toil', 'summary', '--team', 'discovery', '--from', FROM, '--to', TO, '--cap', '10'],
        headroom.url,
      );
      expect(asked.code).toBe(0);
      expect(asked.stdout).toContain('9.4% (cap 10%)');
    } finally {
      const reset = await runCli(['team', 'cap', 'discovery', 'default'], headroom.url);
      expect(reset.stdout).toBe('Team discovery: toil cap 50% (the default)\n');
      const back = await runCli(['user', 'hours', 'dana', '--default'], headroom.url);
      expect(back.stdout).toContain('works Mon–Fri 09:00–17:00 (default)');
    }
    // Eleven runs of the binary, each a Node start: slow on two busy cores, not stuck.
  }, 120_000);
});
