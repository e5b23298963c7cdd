// Every screen on a phone (390 px wide): nothing leaves the screen sideways, the top bar
// wraps, wide tables and the on-call timeline scroll inside their cards. And what the
// incident screens show around an incident: its pages with their summaries, its runbooks
// folded open in place, and the not-found screen for the postmortem of no incident.
import type { Browser, Page } from 'playwright-core';
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
import {
  applyExampleIncidentSettings,
  EXAMPLE_NOW,
  readOk,
  seedExample,
} from '../support/web-seed.js';

interface AlertPage {
  id: string;
  summary: string;
  status: string;
}

interface Incident {
  id: number;
  ref: string;
  pages: string[];
  runbooks: { name: string; title: string }[];
}

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe('the screens on a narrow phone', BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;
  let page: Page;
  let incident: Incident;
  let linked: AlertPage;

  const api = <T>(route: string): Promise<T> => readOk<T>(headroom, route);

  /** Opens a screen and waits until what it reads has arrived: no spinner left. */
  const open = async (path: string, ready: string) => {
    await page.goto(`${headroom.url}${path}`);
    await page.locator(ready).first().waitFor();
    // A string: the test's own types know no DOM.
    await page.waitForFunction("document.querySelector('.loading') === null");
  };

  const pageWidth = async () =>
    await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );

  beforeAll(async () => {
    builtUi();
    if (sqlite === undefined) throw new Error('no SQLite test database');
    browser = await launchChromium();
    headroom = await startTestHeadroom(sqlite, { now: EXAMPLE_NOW });
    await seedExample(headroom);
    await applyExampleIncidentSettings(headroom);
    // The seeded events page about checkout's burn: an incident declared from that page.
    const [found] = await api<AlertPage[]>('/api/v1/pages?status=open');
    if (found === undefined) throw new Error('the seeded events opened no page');
    linked = found;
    const declared = await headroom.call('POST', '/api/v1/incidents', {
      body: {
        title: 'Checkout errors',
        severity: 'SEV3',
        services: ['checkout'],
        pages: [linked.id],
      },
    });
    if (declared.status !== 201) throw new Error(`declare: ${declared.text}`);
    incident = declared.body as Incident;
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${headroom.url}/`);
    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByLabel('API token').waitFor({ state: 'detached' });
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it('fits every screen in the width: nothing scrolls sideways, the top bar wraps', async () => {
    const screens: [string, string][] = [
      ['/', '[data-budget-bar]'],
      ['/slos/checkout-availability', '[data-panel="alert-rules"]'],
      ['/services/checkout', 'tr[data-slo]'],
      ['/incidents', 'h1'],
      [`/incidents/${String(incident.id)}`, '[data-panel="runbooks"]'],
      [`/incidents/${String(incident.id)}/postmortem`, '[data-panel="postmortem-draft"]'],
      ['/incidents/99/postmortem', '[role="alert"]'],
      ['/oncall', '[data-timeline]'],
      ['/oncall/payments-primary', '[data-timeline]'],
      ['/heartbeats', 'h1'],
      ['/reports', 'h1'],
      ['/nope/x', 'h1'],
    ];
    for (const [path, ready] of screens) {
      await open(path, ready);
      const { scrollWidth, innerWidth } = await pageWidth();
      expect(scrollWidth, path).toBeLessThanOrEqual(innerWidth);
      // Sign out and the theme switch stay on the screen.
      for (const name of ['Sign out', /^Theme:/]) {
        const box = await page.getByRole('button', { name }).boundingBox();
        expect(box, `${path}: ${String(name)}`).not.toBeNull();
        expect((box?.x ?? 0) + (box?.width ?? 0), `${path}: ${String(name)}`).toBeLessThanOrEqual(
          innerWidth,
        );
      }
    }
  });

  it('scrolls the SLO tables and the burn-rate cards inside their cards', async () => {
    await open('/', '[data-budget-bar]');
    const tables = page.locator('table.slo-table');
    expect(await tables.count()).toBeGreaterThan(0);
    // Each SLO table sits in the scrolling container the other tables use.
    expect(await page.locator('.table-scroll > table.slo-table').count()).toBe(
      await tables.count(),
    );
    await open('/slos/checkout-availability', '[data-panel="alert-rules"]');
    const { innerWidth } = await pageWidth();
    for (const panel of ['burn-rates', 'alert-rules', 'alert-history']) {
      const box = await page.locator(`[data-panel="${panel}"]`).boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0), panel).toBeLessThanOrEqual(innerWidth);
      expect(await page.locator(`[data-panel="${panel}"] .table-scroll`).count(), panel).toBe(1);
    }
    await saveScreenshot(page, 'narrow-slo');
  });

  it('keeps the day names of the on-call timeline apart, scrolling it inside its card', async () => {
    await open('/oncall/payments-primary', '[data-timeline]');
    const days = await page.evaluate<{ left: number; right: number }[]>(
      "[...document.querySelectorAll('.timeline-day')].map((span) => { const rect = span.getBoundingClientRect(); return { left: rect.left, right: rect.right }; })",
    );
    expect(days.length).toBeGreaterThan(10);
    for (let index = 1; index < days.length; index += 1) {
      expect(days[index - 1]?.right ?? 0, `day ${String(index)}`).toBeLessThanOrEqual(
        days[index]?.left ?? 0,
      );
    }
    const scroller = await page.evaluate<{ scroll: number; client: number }>(
      "(({ scrollWidth, clientWidth }) => ({ scroll: scrollWidth, client: clientWidth }))(document.querySelector('.timeline-scroll'))",
    );
    expect(scroller.scroll).toBeGreaterThan(scroller.client);
    await saveScreenshot(page, 'narrow-oncall');
  });

  it("shows an incident's pages with their summaries and folds its runbooks open", async () => {
    await open(`/incidents/${String(incident.id)}`, '[data-panel="runbooks"]');
    expect(incident.pages).toEqual([linked.id]);
    const item = page.locator(`[data-field="pages"] [data-page="${linked.id}"]`);
    expect(await text(item.locator('[data-field="summary"]'))).toBe(linked.summary);
    expect(await item.locator('[data-page-status]').getAttribute('data-page-status')).toBe(
      linked.status,
    );
    // An open page is acted on in the on-call screen's list of open pages.
    expect(await item.locator('a[data-field="summary"]').getAttribute('href')).toBe('/oncall');

    const [runbook] = incident.runbooks;
    if (runbook === undefined) throw new Error('no runbook for checkout');
    const fold = page.locator(`[data-panel="runbooks"] details[data-runbook="${runbook.name}"]`);
    expect(await text(fold.locator('summary'))).toContain(runbook.title);
    expect(await fold.locator('.markdown').isVisible()).toBe(false);
    await fold.locator('summary').click();
    await fold.getByRole('heading', { name: 'When to use' }).waitFor();
    await saveScreenshot(page, 'narrow-incident');
  });

  it('says there is no such incident for the postmortem of an unknown one', async () => {
    await open('/incidents/INC-99/postmortem', '[role="alert"]');
    expect(await text(page.getByRole('alert'))).toContain('No such incident INC-99');
    // As /incidents/INC-99 says it; nothing offers to draft or to add action items.
    expect(await page.getByText('No postmortem yet').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Draft/ }).count()).toBe(0);
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.locator('.breadcrumb').textContent()).toContain('INC-99');
    await open('/incidents/INC-99', '[role="alert"]');
    expect(await text(page.getByRole('alert'))).toContain('No such incident INC-99');
  });
});
