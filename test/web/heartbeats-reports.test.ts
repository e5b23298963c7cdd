// The heartbeats and reports screens in headless chromium against a server seeded with
// the example config and events, plus a Heartbeat applied here and pinged over HTTP:
// the list shows the status the API gives, Pause and Resume work through the buttons,
// so does a new ping URL, and the reliability report shows the API's numbers. Numbers
// are formatted here independently of the UI's code.
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import {
  BROWSER_TEST_LIMIT,
  builtUi,
  instantText,
  launchChromium,
  saveScreenshot,
  signedInPage,
  text,
} from '../support/browser.js';
import { ADMIN_TOKEN, startTestHeadroom, type TestHeadroom } from '../support/headroom.js';
import { EXAMPLE_NOW, readOk, seedExample } from '../support/web-seed.js';

interface Heartbeat {
  name: string;
  service: string;
  status: string;
  schedule: string;
  pingUrl: string;
  lastPingAt: string | null;
  expectedAt: string | null;
  downAt: string | null;
  cause: { since: string; reason: string; text: string } | null;
  slos?: string[];
  pings?: { kind: string; body: string | null; overran: boolean }[];
}

interface Report {
  services: {
    service: string;
    slos: { name: string; budgetRemaining: number | null; budgetSpent: number | null }[];
    incidents: { count: number };
  }[];
  toil: { toilMinutes: number } | null;
  onCall: { pagesReceived: number; pagesOpened: number; pagesReachingNoOne: number } | null;
}

const HEARTBEAT = {
  apiVersion: 'headroom/v1',
  kind: 'Heartbeat',
  metadata: { name: 'nightly-backup' },
  spec: {
    service: 'checkout',
    description: 'Backs up the orders database.',
    schedule: { cron: '30 2 * * *', timeZone: 'Europe/Amsterdam' },
    grace: '30m',
  },
};

/** A job whose runs may take 20 minutes: one that takes longer makes the check late. */
const EXPORT = {
  apiVersion: 'headroom/v1',
  kind: 'Heartbeat',
  metadata: { name: 'hourly-export' },
  spec: {
    service: 'checkout',
    schedule: { every: '1h' },
    grace: '10m',
    maxRunTime: '20m',
    minRunTime: '5m',
  },
};

const instant = instantText;
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
const count = (value: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value);

/** An instant on Amsterdam's clock, whose time of day the test knows, then in UTC. */
const amsterdam = (iso: string, time: string) =>
  `${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date(iso))} ${time} Europe/Amsterdam (${instant(iso)})`;

/** An attribute of each element the locator finds, in the page's order. */
const attributes = async (locator: Locator, name: string) =>
  Promise.all((await locator.all()).map((each) => each.getAttribute(name)));

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe('the heartbeats and reports screens', BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;
  let page: Page;

  const api = <T>(route: string): Promise<T> => readOk<T>(headroom, route);

  beforeAll(async () => {
    builtUi();
    if (sqlite === undefined) throw new Error('no SQLite test database');
    browser = await launchChromium();
    headroom = await startTestHeadroom(sqlite, { now: EXAMPLE_NOW });
    await seedExample(headroom);
    page = await signedInPage(browser, headroom.url, ADMIN_TOKEN);
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it('says how to declare a heartbeat while there is none', async () => {
    await page.goto(`${headroom.url}/heartbeats`);
    await page.getByRole('heading', { name: 'Heartbeats', level: 1 }).waitFor();
    const empty = page.locator('[data-empty-state]');
    expect(await text(empty)).toContain('kind: Heartbeat');
    expect(await text(empty)).toContain('curl -fsS -m 10 --retry 5 <ping URL>');
    await saveScreenshot(page, 'heartbeats-empty');
  });

  it('lists a heartbeat with the status the API gives, before and after a ping', async () => {
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [HEARTBEAT] },
    });
    expect(applied.status, applied.text).toBeLessThan(300);
    let [heartbeat] = await api<Heartbeat[]>('/api/v1/heartbeats');
    if (heartbeat === undefined) throw new Error('no heartbeat');
    await page.reload();
    const row = page.locator('[data-heartbeat="nightly-backup"]');
    expect(await text(row.locator('[data-heartbeat-status]'))).toContain(heartbeat.status);
    expect(await row.locator('[data-field="ping-url"]').inputValue()).toBe(heartbeat.pingUrl);
    expect(await row.locator('[data-field="service"] a').getAttribute('href')).toBe(
      '/services/checkout',
    );
    expect(await text(row.locator('[data-field="schedule"]'))).toBe(heartbeat.schedule);

    // The job runs: a start, then the end with its log.
    expect((await fetch(`${heartbeat.pingUrl}/start`)).status).toBe(200);
    const done = await fetch(heartbeat.pingUrl, { method: 'POST', body: 'backup done: 42 GB' });
    expect(done.status).toBe(200);
    [heartbeat] = await api<Heartbeat[]>('/api/v1/heartbeats');
    if (heartbeat === undefined) throw new Error('no heartbeat');
    expect(heartbeat.status).toBe('up');
    await page.reload();
    await row.locator(`[data-heartbeat-status="${heartbeat.status}"]`).waitFor();
    expect(await text(row.locator('[data-heartbeat-status]'))).toContain(heartbeat.status);
    expect(await text(row.locator('[data-field="last-ping"]'))).toBe(
      instant(heartbeat.lastPingAt ?? ''),
    );
    await saveScreenshot(page, 'heartbeats');

    // The filters narrow the list and stay in the address.
    await page.getByLabel('Status').selectOption('down');
    await page.locator('[data-empty-state]', { hasText: 'No heartbeats match' }).waitFor();
    expect(new URL(page.url()).search).toBe('?status=down');
    await page.getByLabel('Status').selectOption('up');
    await page.getByLabel('Service').selectOption('checkout');
    await row.waitFor();
    await page.reload();
    await row.waitFor();
    expect(await page.getByLabel('Service').inputValue()).toBe('checkout');
  });

  it('shows the last pings and pauses then resumes through the buttons', async () => {
    await page.locator('[data-heartbeat="nightly-backup"] th a').click();
    await page.getByRole('heading', { name: /nightly-backup/, level: 1 }).waitFor();
    const detail = await api<Heartbeat>('/api/v1/heartbeats/nightly-backup');
    expect(await text(page.locator('[data-field="slos"]'))).toBe(
      detail.slos?.length ? detail.slos.join(', ') : 'none',
    );
    // A cron check in Amsterdam: its next run on that clock (02:30, as its crontab says), then UTC.
    expect(detail.expectedAt).not.toBeNull();
    expect(detail.downAt).not.toBeNull();
    expect(await text(page.locator('[data-field="expected-at"]'))).toBe(
      amsterdam(detail.expectedAt ?? '', '02:30'),
    );
    expect(await text(page.locator('[data-field="down-at"]'))).toBe(
      amsterdam(detail.downAt ?? '', '03:00'),
    );
    // The wrapper's command, with this check's URL, beside curl's.
    expect(await text(page.locator('[data-field="run-command"]'))).toBe(
      `headroom run --ping-url ${detail.pingUrl} -- /path/to/job`,
    );
    const pings = page.locator('[data-panel="pings"] tbody tr');
    expect(await pings.count()).toBe(detail.pings?.length);
    const kinds = await page.locator('[data-panel="pings"] [data-field="kind"]').allTextContents();
    expect(kinds.map((kind) => kind.trim())).toEqual(detail.pings?.map((ping) => ping.kind));
    // The run's log, folded until opened.
    const log = page.locator('[data-panel="pings"] details').first();
    expect(await log.locator('pre').isVisible()).toBe(false);
    await log.locator('summary').click();
    expect(await text(log.locator('pre'))).toBe('backup done: 42 GB');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('h1 [data-heartbeat-status="paused"]').waitFor();
    const paused = await api<Heartbeat>('/api/v1/heartbeats/nightly-backup');
    expect(paused.status).toBe('paused');
    // Why it is in its status, and since when, as the API says.
    expect(paused.cause?.reason).toBe('pause');
    expect(await text(page.locator('[data-field="cause"]'))).toBe(
      `paused since ${instantText(paused.cause?.since ?? '')}: paused`,
    );
    await saveScreenshot(page, 'heartbeat-paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    const resumed = await api<Heartbeat>('/api/v1/heartbeats/nightly-backup');
    expect(resumed.status).not.toBe('paused');
    expect(await text(page.locator('h1 [data-heartbeat-status]'))).toContain(resumed.status);
    await saveScreenshot(page, 'heartbeat');
  });

  it('makes a new ping URL after a confirmation that says the old one stops at once', async () => {
    const before = await api<Heartbeat>('/api/v1/heartbeats/nightly-backup');
    const panel = page.locator('[data-panel="ping-url"]');
    const shown = panel.locator('[data-field="ping-url"]');
    expect(await shown.inputValue()).toBe(before.pingUrl);
    await panel.getByRole('button', { name: 'New ping URL' }).click();
    expect(await text(panel.locator('[data-field="rotate-warning"]'))).toContain(
      'stops working at once',
    );
    await panel.getByRole('button', { name: 'Cancel' }).click();
    expect((await api<Heartbeat>('/api/v1/heartbeats/nightly-backup')).pingUrl).toBe(
      before.pingUrl,
    );

    await panel.getByRole('button', { name: 'New ping URL' }).click();
    await saveScreenshot(page, 'heartbeat-new-ping-url');
    await panel.getByRole('button', { name: 'Make a new ping URL' }).click();
    await panel.locator('[data-field="rotated"]', { hasText: 'New ping URL' }).waitFor();
    const after = await api<Heartbeat>('/api/v1/heartbeats/nightly-backup');
    expect(after.pingUrl).not.toBe(before.pingUrl);
    expect(await text(panel.locator('[data-field="rotated"]'))).toContain(after.pingUrl);
    // The screen reads the check again: the curl line, the wrapper's line and the field
    // show the new URL.
    await panel
      .locator('pre code', { hasText: `curl -fsS -m 10 --retry 5 ${after.pingUrl}` })
      .waitFor();
    expect(await text(panel.locator('[data-field="run-command"]'))).toBe(
      `headroom run --ping-url ${after.pingUrl} -- /path/to/job`,
    );
    expect(await shown.inputValue()).toBe(after.pingUrl);
    expect((await fetch(before.pingUrl)).status).toBe(404);
    expect((await fetch(after.pingUrl, { method: 'HEAD' })).status).toBe(200);
  });

  it("keeps the way back on a 404, and says what a 403 lacks in the server's words", async () => {
    const breadcrumb = page.getByRole('navigation', { name: 'Breadcrumb' });
    await page.goto(`${headroom.url}/heartbeats/no-such-job`);
    const missing = page.locator('.error-box', { hasText: 'No such heartbeat no-such-job' });
    await missing.waitFor();
    await breadcrumb.getByRole('link', { name: 'Heartbeats' }).click();
    await page.getByRole('heading', { name: 'Heartbeats', level: 1 }).waitFor();
    await page.goto(`${headroom.url}/slos/no-such-slo`);
    await page.locator('.error-box', { hasText: 'No such SLO no-such-slo' }).waitFor();
    expect(await breadcrumb.getByRole('link', { name: 'Overview' }).getAttribute('href')).toBe('/');

    // Every user token reads checks today; a problem as the server words a refusal
    // (principal.ts) stands in for a read a token may not make.
    const detail = 'reading heartbeat nightly-backup needs an admin token';
    await page.route('**/api/v1/heartbeats/nightly-backup', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, detail }),
      }),
    );
    try {
      await page.goto(`${headroom.url}/heartbeats/nightly-backup`);
      const box = page.locator('.error-box', {
        hasText: 'This token may not read heartbeat nightly-backup',
      });
      await box.waitFor();
      expect(await text(box.locator('p'))).toBe(detail);
      expect(await breadcrumb.getByRole('link', { name: 'Heartbeats' }).count()).toBe(1);
      await saveScreenshot(page, 'heartbeat-forbidden');
    } finally {
      await page.unroute('**/api/v1/heartbeats/nightly-backup');
    }
  });

  it('tells a run past its max run time as the cause of lateness, and flags it overran', async () => {
    const applied = await headroom.call('POST', '/api/v1/apply', { body: { documents: [EXPORT] } });
    expect(applied.status, applied.text).toBeLessThan(300);
    const start = Date.parse(EXAMPLE_NOW);
    const minute = 60_000;
    try {
      const { pingUrl } = await api<Heartbeat>('/api/v1/heartbeats/hourly-export');
      expect((await fetch(`${pingUrl}/start?rid=run-1`)).status).toBe(200);
      // 25 minutes on: past the 20 minute max run time, within the 10 minute grace.
      headroom.clock.set(start + 25 * minute);
      const late = await api<Heartbeat>('/api/v1/heartbeats/hourly-export');
      expect(late.status).toBe('late');
      const why = `a run since ${instant(EXAMPLE_NOW)} has passed its max run time of 20m: down at ${instant(late.downAt ?? '')} unless it ends`;
      await page.goto(`${headroom.url}/heartbeats`);
      const row = page.locator('[data-heartbeat="hourly-export"]');
      expect(await text(row.locator('[data-field="run"]'))).toBe(why);

      await page.goto(`${headroom.url}/heartbeats/hourly-export`);
      expect(await text(page.locator('[data-field="running-since"]'))).toBe(why);
      expect(await text(page.locator('[data-field="max-run"]'))).toBe('20m');
      expect(await text(page.locator('[data-field="min-run"]'))).toBe('5m');

      // It ends 27 minutes after it started: up again, the run flagged as overran.
      headroom.clock.set(start + 27 * minute);
      expect((await fetch(`${pingUrl}?rid=run-1`)).status).toBe(200);
      await page.reload();
      const [ended] = (await api<Heartbeat>('/api/v1/heartbeats/hourly-export')).pings ?? [];
      expect(ended).toMatchObject({ kind: 'success', overran: true });
      const newest = page.locator('[data-panel="pings"] tbody tr').first();
      expect(await text(newest.locator('[data-field="duration"]'))).toBe('27m overran');
      expect(await text(page.locator('[data-field="running-since"]'))).toBe('not running');
      await saveScreenshot(page, 'heartbeat-overran');
    } finally {
      headroom.clock.set(start);
    }
  });

  it("says a team without members has no working time and no one's pages to count", async () => {
    // No user is in team discovery: its report has services but nobody to hold toil or
    // pages against, so a page on its service reaches none of its people.
    const openedAt = Date.parse('2026-10-20T03:00:00Z');
    await headroom.server.deps.store.putPage({
      id: 'p-discovery',
      status: 'resolved',
      openedAt,
      summary: 'Recommendations failing',
      severity: 'critical',
      services: ['recommendations'],
      alerts: [],
      acknowledgedAt: undefined,
      acknowledgedBy: undefined,
      resolvedAt: openedAt + 600_000,
      updatedAt: openedAt + 600_000,
    });
    await page.goto(`${headroom.url}/reports?team=discovery&from=2026-10-02&to=2026-10-31`);
    await page.locator('[data-report="discovery"]').waitFor();
    const toil = await text(page.locator('[data-panel="toil"] [data-field="no-members"]'));
    expect(toil).toContain('Team discovery has no members');
    expect(toil).toContain('PUT /api/v1/users/{name}');
    expect(await page.locator('[data-panel="toil"] [data-field="working-to"]').count()).toBe(0);
    // Neither within nor over its cap: there is no share of working time to hold.
    const cap = page.locator('[data-panel="toil"] [data-field="over-cap"]');
    expect(await text(cap)).toContain('nothing to hold against the 50% cap');
    expect(await cap.getAttribute('class')).toContain('state-no-data');
    const onCall = await text(page.locator('[data-panel="oncall-load"] [data-field="no-members"]'));
    expect(onCall).toContain('Team discovery has no members');
    expect(await text(page.locator('[data-field="pages-opened"]'))).toBe('1');
    expect(await text(page.locator('[data-field="pages-reaching-no-one"]'))).toBe(
      '1 reaching none of its people',
    );
  });

  it('shows the reliability report with the API numbers, and downloads it', async () => {
    // Toil logged by hand, so the report has minutes to show: by a member of the team.
    const member = await headroom.call('POST', '/api/v1/users', {
      body: { name: 'anna', timeZone: 'Europe/Amsterdam', teams: ['payments'] },
    });
    expect(member.status, member.text).toBe(201);
    const logged = await headroom.call('POST', '/api/v1/toil', {
      body: {
        minutes: 90,
        description: 'Rotated the payment provider keys by hand',
        team: 'payments',
        person: 'anna',
        service: 'checkout',
        at: '2026-10-20T10:00:00Z',
      },
    });
    expect(logged.status, logged.text).toBe(201);
    // The team's own cap, which the report holds its toil against and says so.
    const team = (await api<{ displayName: string | null }>('/api/v1/teams/payments')).displayName;
    const capped = await headroom.call('PUT', '/api/v1/teams/payments', {
      body: { ...(team === null ? {} : { displayName: team }), toilCapPercent: 40 },
    });
    expect(capped.status, capped.text).toBe(200);
    const query = 'team=payments&from=2026-10-02&to=2026-10-31';
    const apiQuery = 'team=payments&from=2026-10-02T00:00:00Z&to=2026-11-01T00:00:00Z';
    const report = await api<Report>(`/api/v1/reports/reliability?${apiQuery}`);
    await page.goto(`${headroom.url}/reports?${query}`);
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    expect(report.services.length).toBeGreaterThan(0);
    for (const service of report.services) {
      const section = page.locator(`section[data-service="${service.service}"]`);
      expect(await text(section.locator('[data-field="incidents-count"]'))).toBe(
        count(service.incidents.count),
      );
      for (const slo of service.slos) {
        const remaining = section.locator(`[data-slo="${slo.name}"] [data-field="remaining"]`);
        if (slo.budgetRemaining === null) expect(await remaining.count()).toBe(0);
        else expect(await text(remaining)).toBe(percent(slo.budgetRemaining));
        const spent = section.locator(`[data-slo="${slo.name}"] [data-field="budget-spent"]`);
        expect(await text(spent)).toBe(slo.budgetSpent === null ? '—' : percent(slo.budgetSpent));
      }
    }
    expect(report.toil?.toilMinutes).toBe(90);
    if (report.toil !== null) {
      // Hours, as the Markdown report and the CLI print them.
      expect(await text(page.locator('p [data-field="toil-hours"]'))).toBe('1.5 h');
      expect(await text(page.locator('[data-person="anna"] [data-field="toil-hours"]'))).toBe(
        '1.5 h',
      );
      expect(await page.locator('[data-cap-bar]').count()).toBe(1);
      expect(await text(page.locator('[data-field="over-cap"]'))).toContain(
        "within the team's 40% cap",
      );
    }
    if (report.onCall !== null) {
      expect(await text(page.locator('[data-panel="oncall-load"] p [data-field="pages"]'))).toBe(
        count(report.onCall.pagesReceived),
      );
      expect(await text(page.locator('[data-field="pages-opened"]'))).toBe(
        count(report.onCall.pagesOpened),
      );
      const reachingNoOne = page.locator('[data-field="pages-reaching-no-one"]');
      if (report.onCall.pagesReachingNoOne === 0) expect(await reachingNoOne.count()).toBe(0);
      else
        expect(await text(reachingNoOne)).toBe(
          `${count(report.onCall.pagesReachingNoOne)} reaching none of its people`,
        );
    }
    await saveScreenshot(page, 'report');

    // A reload keeps the choice.
    await page.reload();
    await page.locator('[data-report="payments"]').waitFor();
    expect(await page.getByLabel('From (UTC)').inputValue()).toBe('2026-10-02');

    // The same report as Markdown, fetched with the token.
    const markdown = await headroom.call(
      'GET',
      `/api/v1/reports/reliability?${apiQuery}&format=markdown`,
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Markdown' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('reliability-payments-2026-10-02-2026-10-31.md');
    expect(readFileSync(await download.path(), 'utf8')).toBe(markdown.text);
    expect(markdown.text).toContain('Toil: 1.5 h of');

    // The HTML version fits its page: a figure column's heading wraps, or the table
    // would be wider than the text and scroll.
    const html = await headroom.call('GET', `/api/v1/reports/reliability?${apiQuery}&format=html`);
    await page.setContent(html.text);
    const tables = await page.$$eval('.table-scroll', (scrollers) =>
      (scrollers as unknown as { scrollWidth: number; clientWidth: number }[]).map(
        (scroller) => scroller.scrollWidth - scroller.clientWidth,
      ),
    );
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.filter((overflow) => overflow > 0)).toEqual([]);
  });

  it("puts a failed cron job on the overview, and a service's checks on its screen", async () => {
    const { pingUrl } = await api<Heartbeat>('/api/v1/heartbeats/hourly-export');
    expect((await fetch(`${pingUrl}/fail`, { method: 'POST', body: 'disk full' })).status).toBe(
      200,
    );
    const checks = await api<Heartbeat[]>('/api/v1/heartbeats');
    const failed = checks.find((check) => check.name === 'hourly-export');
    expect(failed?.status).toBe('down');

    await page.goto(headroom.url);
    const card = page.locator('[data-panel="heartbeats-now"]');
    const order = ['down', 'late', 'up', 'new', 'paused'];
    const counts = order
      .map((status) => [status, checks.filter((check) => check.status === status).length] as const)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${String(n)} ${status}`);
    expect(await text(card.locator('[data-field="heartbeat-counts"]'))).toBe(
      `${String(checks.length)} checks: ${counts.join(', ')}`,
    );
    const listed = card.locator('[data-heartbeat]');
    expect(await attributes(listed, 'data-heartbeat')).toEqual(
      checks
        .filter((check) => check.status === 'down' || check.status === 'late')
        .map((check) => check.name),
    );
    const item = card.locator('[data-heartbeat="hourly-export"]');
    expect(await text(item.locator('[data-heartbeat-status]'))).toContain('down');
    expect(await text(item.locator('[data-field="cause"]'))).toBe(
      `since ${instant(failed?.cause?.since ?? '')}: ${failed?.cause?.text ?? ''}`,
    );
    await saveScreenshot(page, 'overview-heartbeats');
    // The heartbeats screen says why under the status, for a check that needs eyes only.
    await page.goto(`${headroom.url}/heartbeats`);
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    for (const check of checks) {
      const cause = page.locator(`[data-heartbeat="${check.name}"] [data-field="cause"]`);
      if (check.status === 'up' || check.status === 'new') expect(await cause.count()).toBe(0);
      else
        expect(await text(cause)).toBe(
          `since ${instant(check.cause?.since ?? '')}: ${check.cause?.text ?? ''}`,
        );
    }
    await page.goto(headroom.url);
    await item.getByRole('link', { name: 'hourly-export' }).click();
    await page.getByRole('heading', { name: /hourly-export/, level: 1 }).waitFor();
    // Its runs so far: the one that took 27 minutes, past its max run time, and the failure
    // just sent, which no /start opened.
    const detail = await api<{ recentRuns: Record<string, unknown> }>(
      '/api/v1/heartbeats/hourly-export',
    );
    expect(detail.recentRuns).toMatchObject({
      runs: 2,
      failed: 1,
      overran: 1,
      tooFast: 0,
      medianSeconds: 27 * 60,
      longestSeconds: 27 * 60,
    });
    expect(await text(page.locator('[data-field="recent-runs"]'))).toBe(
      '1 of the last 2 succeeded',
    );
    expect(await text(page.locator('[data-field="run-times"]'))).toBe(
      'median 27m, longest 27m; 1 overran',
    );

    // The page the failure opened is on the check's screen, and is acknowledged from it.
    interface OpenPage {
      id: string;
      openedAt: string;
      summary: string;
      status: string;
      alerts: { source: string; status: string; labels: Record<string, string> }[];
    }
    // The check's alert may have joined a page open for the service already: a page with
    // the check's alert still open is the check's.
    const pagesOfCheck = async () =>
      (await api<OpenPage[]>('/api/v1/pages?status=open&service=checkout')).filter((open) =>
        open.alerts.some(
          (alert) =>
            alert.source === 'heartbeat' &&
            alert.labels.heartbeat === 'hourly-export' &&
            alert.status !== 'resolved',
        ),
      );
    const [opened] = await pagesOfCheck();
    if (opened === undefined) throw new Error('the failure opened no page');
    const pageItem = page.locator(`[data-panel="check-pages"] [data-page="${opened.id}"]`);
    expect(await text(pageItem.locator('[data-field="summary"]'))).toBe(opened.summary);
    // The page names the checks whose alerts it carries, each a link to its check.
    expect(await text(pageItem.locator('[data-field="heartbeats"]'))).toBe('hourly-export');
    expect(await pageItem.locator('[data-field="heartbeats"] a').getAttribute('href')).toBe(
      '/heartbeats/hourly-export',
    );
    // Here it joined the page checkout's burn alert opened: the screen says so.
    expect(opened.alerts[0]?.source).not.toBe('heartbeat');
    expect(await text(page.locator('[data-panel="check-pages"] [data-field="joined"]'))).toBe(
      `This check's alert joined a page open since ${instant(opened.openedAt)} on checkout:`,
    );
    expect(await pageItem.locator('[data-page-status]').getAttribute('data-page-status')).toBe(
      'triggered',
    );
    await saveScreenshot(page, 'heartbeat-page');
    await pageItem.getByRole('button', { name: /^Acknowledge/ }).click();
    await pageItem.locator('[data-page-status="acknowledged"]').waitFor();
    expect((await pagesOfCheck()).map((open) => [open.id, open.status])).toEqual([
      [opened.id, 'acknowledged'],
    ]);
    // The next success resolves it, and the screen shows no page once read again.
    expect((await fetch(pingUrl)).status).toBe(200);
    expect(await pagesOfCheck()).toEqual([]);
    const pagesRead = page.waitForResponse((response) => response.url().includes('/api/v1/pages?'));
    await page.reload();
    await pagesRead;
    await page.locator('[data-field="recent-runs"]').waitFor();
    expect(await page.locator('[data-panel="check-pages"]').count()).toBe(0);

    // The service's screen lists its checks, as the heartbeats screen does, without the
    // service column.
    await page.goto(`${headroom.url}/services/checkout`);
    const panel = page.locator('[data-panel="service-heartbeats"]');
    const own = await api<Heartbeat[]>('/api/v1/heartbeats?service=checkout');
    await panel.locator('tbody tr').first().waitFor();
    expect(await attributes(panel.locator('tbody tr'), 'data-heartbeat')).toEqual(
      own.map((check) => check.name),
    );
    for (const check of own) {
      const row = panel.locator(`[data-heartbeat="${check.name}"]`);
      expect(await text(row.locator('[data-heartbeat-status]'))).toContain(check.status);
      expect(await text(row.locator('[data-field="schedule"]'))).toBe(check.schedule);
    }
    expect(await panel.locator('[data-field="service"]').count()).toBe(0);
    await saveScreenshot(page, 'service-heartbeats');

    // A service without checks has no such panel.
    const read = page.waitForResponse((response) =>
      response.url().endsWith('/api/v1/heartbeats?service=payments-api'),
    );
    await page.goto(`${headroom.url}/services/payments-api`);
    expect(await (await read).json()).toEqual([]);
    await page.locator('[data-panel="service-incidents"]').waitFor();
    expect(await page.locator('[data-panel="service-heartbeats"]').count()).toBe(0);

    // The page's own address, which its notifications link to, shows it with its alerts:
    // the check's (resolved since) with where it came from and the run's output.
    const whole = await api<{
      id: string;
      status: string;
      alerts: {
        id: string;
        source: string;
        status: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
      }[];
    }>(`/api/v1/pages/${opened.id}`);
    await page.goto(`${headroom.url}/pages/${opened.id}`);
    await page.getByRole('heading', { name: new RegExp(`Page ${opened.id}`), level: 1 }).waitFor();
    expect(
      await page
        .getByRole('link', { name: 'On call', exact: true })
        .first()
        .getAttribute('aria-current'),
    ).toBe('page');
    const alerts = page.locator('[data-panel="page-alerts"] [data-alert]');
    expect(await attributes(alerts, 'data-alert')).toEqual(whole.alerts.map((alert) => alert.id));
    const checkAlert = whole.alerts.find((alert) => alert.source === 'heartbeat');
    if (checkAlert === undefined) throw new Error('no heartbeat alert on the page');
    expect(checkAlert.status).toBe('resolved');
    const shown = page.locator(`[data-alert="${checkAlert.id}"]`);
    expect(await shown.locator('[data-page-status]').getAttribute('data-page-status')).toBe(
      'resolved',
    );
    expect(await shown.locator('[data-field="source"] a').getAttribute('href')).toBe(
      '/heartbeats/hourly-export',
    );
    expect(await text(shown.locator('[data-field="log"]'))).toBe(checkAlert.annotations.log);
    await saveScreenshot(page, 'page');
  });
});
