import { describe, expect, it } from 'vitest';
import { formatHeartbeatDetail, terminalJson, visibleControls } from './heartbeat-format.js';

type Detail = Parameters<typeof formatHeartbeatDetail>[0];

/** What a terminal acts on, newline and tab aside. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
type Ping = Detail['pings'][number];

const check: Detail = {
  name: 'nightly-backup',
  service: 'billing',
  team: 'payments',
  description: 'pg_dump of the ledger to the backup bucket',
  schedule: 'cron 30 2 * * * (Europe/Amsterdam)',
  timeZone: 'Europe/Amsterdam',
  graceSeconds: 1800,
  maxRunSeconds: 7200,
  minRunSeconds: 300,
  status: 'up',
  pingUrl: 'https://headroom.example.com/ping/5f0c…',
  lastPingAt: '2026-12-04T01:31:10.000Z',
  lastSuccessAt: '2026-12-04T01:31:10.000Z',
  lastFailureAt: '2026-12-02T01:40:00.000Z',
  expectedAt: '2026-12-05T01:30:00.000Z',
  downAt: '2026-12-05T02:00:00.000Z',
  runningSince: null,
  cause: { since: '2026-12-03T01:35:00.000Z', reason: 'success', text: 'a run succeeded' },
  slos: ['backup-runs'],
  recentRuns: {
    runs: 0,
    failed: 0,
    tooFast: 0,
    overran: 0,
    since: null,
    medianSeconds: null,
    longestSeconds: null,
  },
  pings: [],
};

const ping = (fields: Partial<Ping>): Ping => ({
  at: '2026-12-04T01:31:10.000Z',
  kind: 'success',
  exitStatus: 0,
  runId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  durationSeconds: 70,
  tooFast: false,
  overran: false,
  body: null,
  bodyBytes: null,
  bodyTruncated: false,
  remote: '10.0.0.7',
  userAgent: 'headroom',
  ...fields,
});

describe('formatHeartbeatDetail', () => {
  it('says why the check is in its state, where to ping it and what comes next', () => {
    expect(formatHeartbeatDetail(check, 10)).toBe(
      [
        'nightly-backup: up since 2026-12-03T01:35:00.000Z: a run succeeded',
        'pg_dump of the ledger to the backup bucket',
        '',
        'Service    billing (team payments)',
        'Schedule   cron 30 2 * * * (Europe/Amsterdam), grace 30m, max run time 2h, min run time 5m',
        'Ping URL   https://headroom.example.com/ping/5f0c…',
        'Last ping  2026-12-04T01:31:10.000Z (last success 2026-12-04T01:31:10.000Z, last failure 2026-12-02T01:40:00.000Z)',
        'Expected   a run by 2026-12-05T01:30:00.000Z (Sat 02:30 Europe/Amsterdam); down at 2026-12-05T02:00:00.000Z (Sat 03:00) without one',
        'SLOs       backup-runs',
        '',
        'No pings yet.',
        '',
      ].join('\n'),
    );
  });

  it('gives the times of a check on UTC or on a period in UTC alone', () => {
    const utc = { ...check, schedule: 'cron 30 2 * * * (UTC)', timeZone: 'UTC' };
    expect(formatHeartbeatDetail(utc, 10)).toMatch(
      /^Expected +a run by 2026-12-05T01:30:00.000Z; down at 2026-12-05T02:00:00.000Z without one$/m,
    );
    const period = { ...check, schedule: 'every 1d', timeZone: null };
    expect(formatHeartbeatDetail(period, 10)).toMatch(
      /^Expected +a run by 2026-12-05T01:30:00.000Z;/m,
    );
  });

  it('tells a new, a paused and a running check apart', () => {
    const fresh = { ...check, status: 'new', cause: null, expectedAt: null, downAt: null } as const;
    expect(formatHeartbeatDetail(fresh, 10)).toMatch(
      /^nightly-backup: new, waiting for its first ping\n[^]*^Expected +nothing until the first ping$/m,
    );
    const paused = { ...fresh, status: 'paused' } as const;
    expect(formatHeartbeatDetail(paused, 10)).toMatch(/^Expected +nothing while paused$/m);
    const running = { ...check, runningSince: '2026-12-05T01:30:02.000Z' };
    expect(formatHeartbeatDetail(running, 10)).toMatch(
      /^Running +since 2026-12-05T01:30:02.000Z$/m,
    );
  });

  it('lists the newest pings with their exit status, run time, run id and last line of output', () => {
    const long = `tar: ${'x'.repeat(100)}`;
    const shown = formatHeartbeatDetail(
      {
        ...check,
        pings: [
          ping({ body: 'dumping\nuploaded 12 GB\n\n', tooFast: true, durationSeconds: 4.6 }),
          ping({
            kind: 'fail',
            exitStatus: 2,
            body: `${long}\n`,
            durationSeconds: 8000,
            overran: true,
          }),
          ping({ kind: 'start', exitStatus: null, durationSeconds: null, runId: null }),
        ],
      },
      2,
    );
    expect(shown).toContain('The 2 newest of the last 3 pings (--pings 3 lists them all):\n');
    const rows = shown.split('\n').filter((line) => line.startsWith('2026-'));
    expect(rows).toEqual([
      '2026-12-04T01:31:10.000Z  success  0     5s (too fast)       0f1e2d3c  uploaded 12 GB',
      `2026-12-04T01:31:10.000Z  fail     2     2h13m20s (overran)  0f1e2d3c  ${long.slice(0, 71)}…`,
    ]);
    expect(shown).toContain('LOG is the last line of what the ping sent; --json prints it whole.');
  });

  it('says what the recent runs come to: successes, run times and what was flagged', () => {
    const runs = (recentRuns: Partial<Detail['recentRuns']>) =>
      formatHeartbeatDetail({ ...check, recentRuns: { ...check.recentRuns, ...recentRuns } }, 10)
        .split('\n')
        .find((line) => line.startsWith('Runs'));
    expect(
      runs({
        runs: 20,
        failed: 2,
        overran: 2,
        tooFast: 1,
        since: '2026-11-15T01:31:00.000Z',
        medianSeconds: 252.4,
        longestSeconds: 540,
      }),
    ).toBe(
      'Runs       18 of the last 20 succeeded (since 2026-11-15T01:31:00.000Z); run time median 4m12s, longest 9m; 2 overran, 1 too fast',
    );
    // Pinged without /start: no run time to tell.
    expect(runs({ runs: 1, failed: 1, since: '2026-12-04T01:31:10.000Z' })).toBe(
      'Runs       the last run failed (since 2026-12-04T01:31:10.000Z)',
    );
    expect(runs({})).toBeUndefined();
  });

  it('names the open page the check is on, and the command that takes it', () => {
    const page = {
      id: '2dbed514e611e178',
      status: 'triggered',
      openedAt: '2026-12-07T16:16:55.926Z',
      summary: 'nightly-backup: the job is down (a run failed, exit status 4)',
    } as const;
    const lines = (pages: readonly (typeof page | { status: 'acknowledged' })[]) =>
      formatHeartbeatDetail(
        { ...check, status: 'down' },
        10,
        pages.map((each) => ({ ...page, ...each })),
      )
        .split('\n')
        .filter((line) => line.startsWith('Page'));
    expect(lines([page])).toEqual([
      'Page       2dbed514e611e178 triggered, opened 2026-12-07T16:16:55.926Z: nightly-backup: the job is down (a run failed, exit status 4) (headroom page ack 2dbed514e611e178)',
    ]);
    expect(lines([{ status: 'acknowledged' }])).toEqual([
      'Page       2dbed514e611e178 acknowledged, opened 2026-12-07T16:16:55.926Z: nightly-backup: the job is down (a run failed, exit status 4) (headroom page show 2dbed514e611e178)',
    ]);
    expect(lines([])).toEqual([]);
  });

  it('shows control characters of a ping body as escapes, never raw to the terminal', () => {
    const hostile = 'ok\u001b]0;pwned\u0007 \u001b[2Jwiped\rfaked \u009b31m\u007f\tdone';
    const shown = formatHeartbeatDetail({ ...check, pings: [ping({ body: `${hostile}\n` })] }, 10);
    // Nothing a terminal acts on is left but newlines; the tab stays.
    expect(shown).not.toMatch(RAW_CONTROL);
    const row = shown.split('\n').find((line) => line.startsWith('2026-')) ?? '';
    expect(row).toContain(
      'ok\\u001b]0;pwned\\u0007 \\u001b[2Jwiped\\u000dfaked \\u009b31m\\u007f\tdone',
    );
    expect(visibleControls('a\u0000b\nc')).toBe('a\\u0000b\nc');
  });

  it('prints JSON whose C1 characters and DEL are escaped too, and that still parses the same', () => {
    const body = 'bell\u0007 csi\u009b2J del\u007f';
    const printed = terminalJson({ pings: [{ body }] });
    expect(printed).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(printed) as { pings: { body: string }[] }).pings[0]?.body).toBe(body);
  });

  it('marks the log of a ping whose body was cut: its line is the last kept, not the last sent', () => {
    const cut = ping({ body: 'line 1\nline 2', bodyBytes: 2_500_000, bodyTruncated: true });
    const shown = formatHeartbeatDetail({ ...check, pings: [cut, ping({ body: 'whole\n' })] }, 10);
    const rows = shown.split('\n').filter((line) => line.startsWith('2026-'));
    expect(rows[0]).toMatch(/ \[cut\] line 2$/);
    expect(rows[1]).toMatch(/ whole$/);
    expect(shown).toContain(
      '[cut] marks a log longer than the first 10,000 bytes kept: its line is the last one kept, not the last one sent.',
    );
    expect(formatHeartbeatDetail({ ...check, pings: [ping({ body: 'x' })] }, 10)).not.toContain(
      '[cut]',
    );
  });
});
