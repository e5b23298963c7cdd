// The web UI in headless chromium against a server seeded with the example config, its
// events, two schedules and three days of evaluator cycles. Every number on screen is
// compared with the API's answer, formatted here independently of the UI's code.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import {
  BROWSER_TEST_LIMIT,
  builtUi,
  launchChromium,
  saveScreenshot,
  text,
} from '../support/browser.js';
import { ADMIN_TOKEN, startTestHeadroom, type TestHeadroom } from '../support/headroom.js';
import { expectedSloState } from '../support/slo-state.js';
import { EXAMPLE_NOW, readOk, seedExample } from '../support/web-seed.js';

interface Status {
  slo: string;
  service: string;
  objective: number;
  sli: number | null;
  errorBudget: { remaining: number; consumed: number };
  burnRates: Record<string, number | null>;
  alerts: {
    severity: string;
    longWindow: string;
    shortWindow: string;
    factor: number;
    longBurnRate: number | null;
    shortBurnRate: number | null;
    firing: boolean;
  }[];
  source?: { state: string };
}

interface Shifts {
  shifts: { user: string | null; start: string; source: { kind: string } | null }[];
  layers: { layer: string }[];
}

const percent = (fraction: number, decimals: number) => `${(fraction * 100).toFixed(decimals)}%`;
const burn = (rate: number | null) => (rate === null ? '—' : `${rate.toFixed(2)}×`);

async function attributes(locator: Locator, name: string): Promise<string[]> {
  const values = await Promise.all(
    (await locator.all()).map((element) => element.getAttribute(name)),
  );
  return values.map((value) => value ?? '');
}

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe('the web UI', BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const api = <T>(route: string): Promise<T> => readOk<T>(headroom, route);

  const signIn = async (target: Page, token: string) => {
    await target.getByLabel('API token').fill(token);
    await target.getByRole('button', { name: 'Sign in' }).click();
  };

  beforeAll(async () => {
    builtUi();
    if (sqlite === undefined) throw new Error('no SQLite test database');
    browser = await launchChromium();
    headroom = await startTestHeadroom(sqlite, { now: EXAMPLE_NOW });
    await seedExample(headroom);
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it('asks for a token, refuses a wrong one, and signs in with the keyboard', async () => {
    await page.goto(`${headroom.url}/`);
    await page.getByRole('heading', { name: 'Headroom' }).waitFor();
    await saveScreenshot(page, 'sign-in');
    await signIn(page, 'hr_not-a-real-token-0000000000000000');
    expect(await text(page.getByRole('alert'))).toContain('The server did not accept this token');
    // The field has focus on arrival; typing and Enter sign in.
    await page.getByLabel('API token').fill('');
    await page.getByLabel('API token').focus();
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
  });

  it("shows every SLO's budget, state, SLI and 1h burn exactly as the API computes them", async () => {
    const statuses = await api<Status[]>('/api/v1/status');
    expect(statuses).toHaveLength(5);
    await page
      .locator('[data-budget-bar]')
      .nth(statuses.length - 1)
      .waitFor();
    expect(await page.locator('[data-budget-bar]').count()).toBe(statuses.length);
    for (const status of statuses) {
      const row = page.locator(`tr[data-slo="${status.slo}"]`);
      expect(await text(row.locator('[data-field="remaining"]')), status.slo).toBe(
        percent(status.errorBudget.remaining, 1),
      );
      expect(await text(row.locator('[data-field="sli"]'))).toBe(
        status.sli === null ? '—' : percent(status.sli, 3),
      );
      expect(await text(row.locator('[data-field="burn-1h"]'))).toBe(
        burn(status.burnRates['1h'] ?? null),
      );
      expect(await row.locator('[data-state]').getAttribute('data-state')).toBe(
        expectedSloState(status),
      );
      // The state is written out, not only coloured.
      expect(await text(row.locator('[data-state]'))).toContain(
        expectedSloState(status).replace('-', ' '),
      );
      // Grouped under the owning team.
      const service = await api<{ spec: { team: string } }>(`/api/v1/services/${status.service}`);
      expect(
        await page
          .locator(`[data-team="${service.spec.team}"] tr[data-slo="${status.slo}"]`)
          .count(),
      ).toBe(1);
    }
    expect(statuses.map(expectedSloState)).toContain('burning');

    const firing = statuses.flatMap((status) =>
      status.alerts
        .filter((alert) => alert.firing)
        .map((alert) => `${status.slo}:${alert.longWindow}/${alert.shortWindow}`),
    );
    expect(firing.length).toBeGreaterThan(0);
    const shown = await attributes(page.locator('[data-alert]'), 'data-alert');
    expect(shown.sort()).toEqual(firing.sort());

    const schedules = await api<{ name: string }[]>('/api/v1/schedules');
    for (const schedule of schedules) {
      const now = await api<{ current: { user: string | null } }>(
        `/api/v1/schedules/${schedule.name}/oncall`,
      );
      expect(
        await text(page.locator(`[data-schedule="${schedule.name}"] [data-field="oncall-user"]`)),
      ).toBe(now.current.user ?? 'nobody');
    }
    // No incident is open in the example, and no error-budget policy holds a deploy.
    await page.locator('[data-panel="incidents"]', { hasText: 'None open' }).waitFor();
    expect(await text(page.locator('[data-panel="gate"] [data-field="gate-summary"]'))).toContain(
      'No error-budget policy applies to any service',
    );
    // At a laptop's width two services' cards stand side by side: their tables fit them
    // whole (a long SLO name wraps after a hyphen) instead of scrolling the last columns away.
    const overflows = await page.$$eval('.service-card .table-scroll', (scrollers) =>
      (scrollers as unknown as { scrollWidth: number; clientWidth: number }[]).map(
        (scroller) => scroller.scrollWidth - scroller.clientWidth,
      ),
    );
    expect(overflows).toHaveLength(3);
    expect(overflows.filter((overflow) => overflow > 0)).toEqual([]);
    await page.evaluate('document.activeElement.blur()');
    await saveScreenshot(page, 'overview');
  });

  it('filters the overview by name, and switches to a dark theme', async () => {
    await page.getByLabel('Filter services and SLOs').fill('latency');
    await page.locator('[data-budget-bar]').nth(1).waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-slo]').count()).toBe(1);
    await page.getByLabel('Filter services and SLOs').fill('');
    await page.locator('[data-budget-bar]').nth(4).waitFor();

    const toggle = page.getByRole('button', { name: /^Theme:/ });
    while ((await page.getAttribute('html', 'data-theme')) !== 'dark') await toggle.click();
    await saveScreenshot(page, 'overview-dark');
    while ((await page.getAttribute('html', 'data-theme')) !== null) await toggle.click();
  });

  it('opens an SLO from the overview: its numbers, burn rates, alert rules and history', async () => {
    await page.locator('tr[data-slo="checkout-availability"] a').click();
    await page.waitForURL('**/slos/checkout-availability');
    const status = await api<Status>('/api/v1/slos/checkout-availability/status');
    const numbers = page.locator('.key-numbers');
    expect(await text(numbers.locator('[data-field="remaining"]'))).toBe(
      percent(status.errorBudget.remaining, 1),
    );
    expect(await text(numbers.locator('[data-field="consumed"]'))).toBe(
      percent(status.errorBudget.consumed, 1),
    );
    expect(await text(numbers.locator('[data-field="sli"]'))).toBe(percent(status.sli ?? 0, 3));
    expect(await text(numbers.locator('[data-field="objective"]'))).toBe('99.9%');
    for (const [window, rate] of Object.entries(status.burnRates)) {
      expect(await text(page.locator(`[data-burn="${window}"]`)), window).toBe(burn(rate));
    }
    for (const alert of status.alerts) {
      const row = page.locator(`[data-rule="${alert.longWindow}/${alert.shortWindow}"]`);
      expect(await text(row.locator('[data-field="long-burn"]'))).toBe(burn(alert.longBurnRate));
      expect(await text(row.locator('[data-field="short-burn"]'))).toBe(burn(alert.shortBurnRate));
      expect(await text(row.locator('[data-field="firing"]'))).toContain(
        alert.firing ? 'firing' : 'quiet',
      );
    }
    // Three charts, and a threshold for each alert factor.
    await page.locator('.chart canvas').nth(2).waitFor();
    expect(await page.locator('.chart').count()).toBe(3);
    const factors = [...new Set(status.alerts.map((alert) => alert.factor))];
    const thresholds = await attributes(page.locator('[data-threshold]'), 'data-threshold');
    expect(thresholds.map(Number).sort()).toEqual(factors.sort());

    const transitions = await api<{ id: number; numbers: { errorBudgetRemaining: number } }[]>(
      '/api/v1/alerts/transitions?slo=checkout-availability',
    );
    expect(transitions.length).toBeGreaterThan(1);
    await page
      .locator('[data-transition]')
      .nth(transitions.length - 1)
      .waitFor();
    expect(await page.locator('[data-transition]').count()).toBe(transitions.length);
    for (const transition of transitions) {
      expect(
        await text(
          page.locator(`[data-transition="${String(transition.id)}"] [data-field="remaining"]`),
        ),
      ).toBe(percent(transition.numbers.errorBudgetRemaining, 1));
    }
    await page.locator('.deploy-markers').waitFor();
    await saveScreenshot(page, 'slo');
  });

  it('keeps the screen on reload and on back (deep links)', async () => {
    await page.reload();
    await page.getByRole('heading', { name: /checkout-availability/, level: 1 }).waitFor();
    expect(page.url()).toBe(`${headroom.url}/slos/checkout-availability`);
    await page.goBack();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goForward();
    await page.getByRole('heading', { name: /checkout-availability/, level: 1 }).waitFor();
  });

  it('opens a shared link in a new tab after signing in there', async () => {
    const tab = await context.newPage();
    try {
      await tab.goto(`${headroom.url}/services/payments-api`);
      // The token lives in one tab's session; the new tab asks, and keeps the URL.
      await signIn(tab, ADMIN_TOKEN);
      await tab.getByRole('heading', { name: /payments-api/, level: 1 }).waitFor();
      expect(tab.url()).toBe(`${headroom.url}/services/payments-api`);
      expect(await text(tab.locator('[data-dependent="checkout"]'))).toContain('critical');
    } finally {
      await tab.close();
    }
  });

  it('shows a service: team, runbook, dependencies (critical marked) and its SLOs', async () => {
    await page.goto(`${headroom.url}/services/checkout`);
    const service = await api<{ spec: { team: string; runbook: string } }>(
      '/api/v1/services/checkout',
    );
    expect(await text(page.locator('[data-field="team"]'))).toBe(service.spec.team);
    expect(await page.locator('[data-field="runbook"] a').getAttribute('href')).toBe(
      service.spec.runbook,
    );
    expect(await text(page.locator('[data-dependency="payments-api"]'))).toContain('critical');
    expect(
      await page.locator('[data-dependency="recommendations"] [data-field="critical"]').count(),
    ).toBe(0);
    const statuses = (await api<Status[]>('/api/v1/status')).filter(
      (status) => status.service === 'checkout',
    );
    for (const status of statuses) {
      expect(
        await text(page.locator(`tr[data-slo="${status.slo}"] [data-field="remaining"]`)),
      ).toBe(percent(status.errorBudget.remaining, 1));
    }
    expect(await page.locator('tr[data-slo]').count()).toBe(statuses.length);
    await saveScreenshot(page, 'service');
  });

  it('shows who is on call now and next, and the shifts of the next 14 days', async () => {
    await page.getByRole('link', { name: 'On call', exact: true }).click();
    await page.getByRole('heading', { name: 'On call', exact: true }).waitFor();
    for (const name of ['payments-primary', 'incident-response']) {
      const card = page.locator(`section[data-schedule="${name}"]`);
      const now = await api<{ current: { user: string | null }; next: { user: string | null } }>(
        `/api/v1/schedules/${name}/oncall`,
      );
      expect(await text(card.locator('[data-turn="current"] [data-field="user"]'))).toBe(
        now.current.user ?? 'nobody',
      );
      expect(await text(card.locator('[data-turn="next"] [data-field="user"]'))).toBe(
        now.next.user ?? 'nobody',
      );
      const shifts = await api<Shifts>(`/api/v1/schedules/${name}/shifts`);
      const final = card.locator('[data-row="Final"] [data-user]');
      await final.nth(shifts.shifts.length - 1).waitFor();
      expect(await final.count()).toBe(shifts.shifts.length);
      expect(await card.locator('[data-row^="Layer "]').count()).toBe(shifts.layers.length);
    }
    await saveScreenshot(page, 'oncall');
  });

  it('adds an override: mistakes next to their fields, then the timeline changes', async () => {
    const card = page.locator('section[data-schedule="payments-primary"]');
    const form = card.locator('form');
    const errorOf = (field: string) => form.locator(`[data-field-error="${field}"]`);
    await form.getByRole('button', { name: 'Add override' }).click();
    expect(await text(errorOf('user'))).toContain('Who covers');
    expect(await text(errorOf('start'))).toContain('starts');
    expect(await form.getByLabel('Who covers').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('From (Europe/Amsterdam)').fill('2026-11-03T12:00');
    await form.getByLabel('Until (Europe/Amsterdam)').fill('2026-11-03T08:00');
    await form.getByLabel('Who covers').fill('Carla Smith');
    await form.getByRole('button', { name: 'Add override' }).click();
    expect(await text(errorOf('end'))).toBe('The end must be after the start.');

    // The server refuses the name; its field error lands next to the field.
    await form.getByLabel('Until (Europe/Amsterdam)').fill('2026-11-03T18:00');
    await form.getByRole('button', { name: 'Add override' }).click();
    await form.locator('[data-field-error="user"]:not(:empty)').waitFor();
    expect(await text(errorOf('user'))).toContain('not a valid name');
    await saveScreenshot(page, 'oncall-override-error');

    await form.getByLabel('Who covers').fill('carla');
    await form.getByLabel('Reason (optional)').fill('anna at the dentist');
    await form.getByRole('button', { name: 'Add override' }).click();
    expect(await text(form.getByRole('status'))).toContain('carla covers');
    const block = card.locator('[data-row="Final"] [data-user="carla"]');
    await block.waitFor();
    // 12:00 in Amsterdam in November is 11:00 UTC.
    expect(await block.getAttribute('data-start')).toBe('2026-11-03T11:00:00.000Z');
    expect(await block.getAttribute('class')).toContain('override');
    const shifts = await api<Shifts>('/api/v1/schedules/payments-primary/shifts');
    expect(shifts.shifts.filter((shift) => shift.user === 'carla')).toHaveLength(1);
    expect(await card.locator('[data-row="Final"] [data-user]').count()).toBe(shifts.shifts.length);
    await saveScreenshot(page, 'oncall-override');
  });

  it('returns to sign-in on a 401 anywhere, and on sign-out', async () => {
    const created = await headroom.call('POST', '/api/v1/tokens', {
      body: { name: 'web viewer', role: 'viewer' },
    });
    const { id, token } = created.body as { id: string; token: string };
    const viewerContext = await browser.newContext();
    try {
      const viewer = await viewerContext.newPage();
      await viewer.goto(`${headroom.url}/`);
      await signIn(viewer, token);
      // Everything the overview reads has arrived: the next request is the click's.
      await viewer.locator('[data-field="oncall-user"]').nth(1).waitFor();
      expect((await headroom.call('DELETE', `/api/v1/tokens/${id}`)).status).toBe(204);
      await viewer.getByRole('link', { name: 'On call', exact: true }).click();
      await viewer.getByLabel('API token').waitFor();
      expect(await text(viewer.locator('.notice'))).toContain('revoked');
    } finally {
      await viewerContext.close();
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});

describe('the web UI of a new install', BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;

  beforeAll(async () => {
    builtUi();
    if (sqlite === undefined) throw new Error('no SQLite test database');
    browser = await launchChromium();
    headroom = await startTestHeadroom(sqlite, { now: EXAMPLE_NOW });
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it('tells a new user how to apply the example config, and how to add a schedule', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${headroom.url}/`);
    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    const empty = page.locator('[data-empty-state]');
    expect(await text(empty)).toContain('headroom apply -f examples/config');
    await saveScreenshot(page, 'new-install');
    await page.getByRole('link', { name: 'On call', exact: true }).click();
    expect(await text(page.locator('[data-empty-state]'))).toContain('kind: Schedule');
    expect(await text(page.locator('[data-empty-state]'))).toContain(
      'headroom apply -f examples/config -f examples/operations',
    );
    await page.goto(`${headroom.url}/no/such/page`);
    await page.getByRole('heading', { name: 'No such page' }).waitFor();
  });
});
