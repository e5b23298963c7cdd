// A deploy's own page, in headless chromium against a server seeded with the example
// config and events: a deploy older than the ten the service's screen lists is opened
// from the SLO screen's link and shows its facts, the budget around it and its gate
// decision; the service's screen pages back to it, and to its decision once ten newer
// ones are listed before it. Every figure is compared with the
// API's answer, formatted here independently of the UI's code.
import type { Browser, Page } from 'playwright-core';
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
import { EXAMPLE_NOW, seedExample } from '../support/web-seed.js';
import { hoursAroundText, type DeployBudgetAnswer } from './budget-text.js';

interface Deploy {
  id: string;
  service: string;
  version: string | null;
  commit: string | null;
  labels: string[];
  actor: string;
  at: string;
  decision: string | null;
  recordedAt: string;
  recordedBy: string;
  budget: DeployBudgetAnswer[];
}

interface Decision {
  id: string;
  allowed: boolean;
  reasons: { message: string }[];
}

/** The service screen's page of deploys. */
const SHOWN = 10;
const HOUR = 3_600_000;

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe("a deploy's own page", BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;
  let page: Page;
  let oldest: Deploy;
  let decision: Decision;

  const api = async <T>(path: string): Promise<T> => {
    const reply = await headroom.call('GET', path);
    expect(reply.status, reply.text).toBe(200);
    return reply.body as T;
  };

  beforeAll(async () => {
    builtUi();
    if (sqlite === undefined) throw new Error('no SQLite test database');
    browser = await launchChromium();
    headroom = await startTestHeadroom(sqlite, { now: EXAMPLE_NOW });
    await seedExample(headroom);
    page = await signedInPage(browser, headroom.url, ADMIN_TOKEN);

    const checked = await headroom.call('POST', '/api/v1/deploys/check', {
      body: { service: 'checkout', version: 'v3.0.0', actor: 'anna' },
    });
    expect(checked.status, checked.text).toBe(200);
    const now = Date.parse(EXAMPLE_NOW);
    // One more than the service's screen lists: the first is the one it leaves out.
    for (let index = 0; index <= SHOWN; index += 1) {
      const recorded = await headroom.call('POST', '/api/v1/deploys', {
        body: {
          service: 'checkout',
          status: 'finished',
          version: `v3.0.${String(index)}`,
          actor: index === 0 ? 'anna' : 'bram',
          at: new Date(now - (40 - index) * HOUR).toISOString(),
          ...(index === 0
            ? {
                commit: '1a2b3c4',
                labels: ['reliability'],
                decision: (checked.body as { id: string }).id,
              }
            : {}),
        },
      });
      expect(recorded.status, recorded.text).toBe(201);
      if (index === 0) oldest = recorded.body as Deploy;
    }
    oldest = await api<Deploy>(`/api/v1/deploys/${oldest.id}`);
    decision = await api<Decision>(`/api/v1/deploys/decisions/${oldest.decision ?? ''}`);
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it('opens an old deploy from the SLO screen and shows its facts, budget and decision', async () => {
    const recent = await api<Deploy[]>(`/api/v1/deploys?service=checkout&limit=${String(SHOWN)}`);
    expect(recent.map((deploy) => deploy.id)).not.toContain(oldest.id);

    await page.goto(`${headroom.url}/slos/checkout-availability`);
    const row = page.locator(`.deploy-markers [data-deploy="${oldest.id}"]`);
    await row.getByRole('link', { name: /the deploy and its gate decision/ }).click();

    await page.getByRole('heading', { name: /checkout v3\.0\.0/, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/services/checkout/deploys/${oldest.id}`);
    const breadcrumb = page.getByRole('navigation', { name: 'Breadcrumb' });
    expect(await breadcrumb.getByRole('link', { name: 'checkout' }).getAttribute('href')).toBe(
      '/services/checkout',
    );
    expect(await breadcrumb.getByRole('link', { name: 'Deploys' }).getAttribute('href')).toBe(
      '/services/checkout#deploys-title',
    );
    expect(await text(breadcrumb)).toContain(oldest.id);

    const field = (name: string) => text(page.locator(`.facts [data-field="${name}"]`));
    expect(await field('service')).toBe('checkout');
    expect(await field('commit')).toBe('1a2b3c4');
    expect(await field('labels')).toBe('reliability');
    expect(await field('at')).toBe(instantText(oldest.at));
    expect(await field('actor')).toBe('anna');
    expect(await field('recorded')).toBe(
      `${instantText(oldest.recordedAt)} by ${oldest.recordedBy}`,
    );

    expect(oldest.budget.length).toBeGreaterThan(0);
    for (const slo of oldest.budget) {
      const cell = page.locator(`[data-panel="deploy-budget"] [data-slo="${slo.slo}"]`);
      expect(await text(cell)).toBe(`${slo.slo}: ${hoursAroundText(slo)}`);
    }

    const shown = page.locator(`#gate-decision [data-decision="${decision.id}"]`);
    expect(await text(shown.locator('[data-field="answer"]'))).toContain(
      decision.allowed ? 'allowed' : 'held',
    );
    expect(await text(shown)).toContain(`headroom deploy decision ${decision.id}`);
    expect(await page.locator('.facts [data-field="decision"] a').getAttribute('href')).toBe(
      '#gate-decision',
    );
    await saveScreenshot(page, 'deploy');
  });

  it("pages back on the service's screen to the deploys it does not list at first", async () => {
    await page.goto(`${headroom.url}/services/checkout`);
    const panel = page.locator('[data-panel="deploys"]');
    const rows = panel.locator('[data-section="deploys"] tr[data-deploy]');
    await rows.nth(SHOWN - 1).waitFor();
    expect(await rows.count()).toBe(SHOWN);
    expect(await panel.locator(`[data-deploy="${oldest.id}"]`).count()).toBe(0);

    await panel.getByRole('button', { name: 'Older deploys' }).click();
    const older = panel.locator(`[data-deploy="${oldest.id}"]`);
    await older.waitFor();
    expect(await text(panel.locator('#deploys-list-title'))).toBe('Older deploys');
    // The seeded example has no other deploy of checkout: a short page, nothing older.
    expect(await rows.count()).toBe(1);
    expect(await panel.getByRole('button', { name: 'Older deploys' }).count()).toBe(0);
    expect(await older.locator('[data-field="deploy-link"]').getAttribute('href')).toBe(
      `/services/checkout/deploys/${oldest.id}`,
    );
    await saveScreenshot(page, 'service-older-deploys');

    await panel.getByRole('button', { name: 'Newer deploys' }).click();
    await rows.nth(SHOWN - 1).waitFor();
    expect(await text(panel.locator('#deploys-list-title'))).toBe('Recent deploys');
    expect(await panel.locator(`[data-deploy="${oldest.id}"]`).count()).toBe(0);
  });

  it("pages back on the service's screen to a gate decision older than the ten it lists", async () => {
    // Ten decisions after the one of the oldest deploy: that one becomes the 11th newest.
    for (let index = 1; index <= SHOWN; index += 1) {
      const checked = await headroom.call('POST', '/api/v1/deploys/check', {
        body: { service: 'checkout', version: `v3.1.${String(index)}`, actor: 'bram' },
      });
      expect(checked.status, checked.text).toBe(200);
    }
    const path = `/api/v1/deploys/decisions?service=checkout&limit=${String(SHOWN)}`;
    const recent = await api<Decision[]>(path);
    expect(recent.map((entry) => entry.id)).not.toContain(decision.id);
    const older = await api<Decision[]>(`${path}&before=${recent.at(-1)?.id ?? ''}`);
    expect(older[0]?.id).toBe(decision.id);

    await page.goto(`${headroom.url}/services/checkout`);
    const section = page.locator('[data-panel="deploys"] [data-section="decisions"]');
    const shownIds = async () =>
      Promise.all(
        (await section.locator('li[data-decision]').all()).map((item) =>
          item.getAttribute('data-decision'),
        ),
      );
    await section.locator(`[data-decision="${recent.at(-1)?.id ?? ''}"]`).waitFor();
    expect(await shownIds()).toEqual(recent.map((entry) => entry.id));
    expect(await section.getByRole('button', { name: 'Newer decisions' }).count()).toBe(0);

    await section.getByRole('button', { name: 'Older decisions' }).click();
    const oldest = section.locator(`[data-decision="${decision.id}"]`);
    await oldest.waitFor();
    expect(await text(section.locator('#decisions-title'))).toBe('Older gate decisions');
    expect(await shownIds()).toEqual(older.map((entry) => entry.id));
    expect(await text(oldest)).toContain('v3.0.0');
    // Older ones behind it only when this page is full, as the API's answer says.
    expect(await section.getByRole('button', { name: 'Older decisions' }).count()).toBe(
      older.length < SHOWN ? 0 : 1,
    );
    // The deploy list above keeps its own page.
    expect(await text(page.locator('#deploys-list-title'))).toBe('Recent deploys');
    await saveScreenshot(page, 'service-older-decisions');

    await section.getByRole('button', { name: 'Newer decisions' }).click();
    await section.locator(`[data-decision="${recent[0]?.id ?? ''}"]`).waitFor();
    expect(await text(section.locator('#decisions-title'))).toBe('Gate decisions');
    expect(await shownIds()).toEqual(recent.map((entry) => entry.id));
  });

  it('says so for a deploy it does not know, and keeps the way back', async () => {
    await page.goto(`${headroom.url}/services/checkout/deploys/dep_nothing`);
    await page.locator('.error-box', { hasText: 'No such deploy dep_nothing' }).waitFor();
    const breadcrumb = page.getByRole('navigation', { name: 'Breadcrumb' });
    expect(await breadcrumb.getByRole('link', { name: 'checkout' }).getAttribute('href')).toBe(
      '/services/checkout',
    );
    // A deploy of another service, under the wrong address: pointed to its own.
    await page.goto(`${headroom.url}/services/payments-api/deploys/${oldest.id}`);
    const elsewhere = page.locator('.error-box', { hasText: 'It is a deploy of checkout' });
    await elsewhere.waitFor();
    expect(await elsewhere.getByRole('link').getAttribute('href')).toBe(
      `/services/checkout/deploys/${oldest.id}`,
    );
  });
});
