// Deploy markers on the SLO screen, in headless chromium against a server seeded with
// the example config and events: two deploys of checkout inside the series' window (one
// finished, one rolled back) show in the list under the charts as the series returns
// them, the charts carry a marker for each, and each links to the deploy's own page.
// Instants are formatted here independently of the UI's code.
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
import { budgetChangeText, hoursAroundText, type DeployBudgetAnswer } from './budget-text.js';

interface SeriesDeploy {
  id: string;
  at: string;
  status: string;
  version: string | null;
  labels: string[];
  budget: DeployBudgetAnswer | null;
}

interface Series {
  from: string;
  to: string;
  deploys?: SeriesDeploy[];
}

interface ServiceDeploy {
  id: string;
  budget: DeployBudgetAnswer[];
}

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe('deploy markers on the SLO screen', BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    builtUi();
    if (sqlite === undefined) throw new Error('no SQLite test database');
    browser = await launchChromium();
    headroom = await startTestHeadroom(sqlite, { now: EXAMPLE_NOW });
    await seedExample(headroom);
    page = await signedInPage(browser, headroom.url, ADMIN_TOKEN);
  }, 120_000);

  const readDeploys = async (service: string): Promise<ServiceDeploy[]> => {
    const reply = await headroom.call('GET', `/api/v1/deploys?service=${service}&limit=10`);
    expect(reply.status, reply.text).toBe(200);
    return reply.body as ServiceDeploy[];
  };

  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it('lists and marks the deploys of the window, the rollback told apart', async () => {
    const now = Date.parse(EXAMPLE_NOW);
    const deploys = [
      {
        service: 'checkout',
        status: 'finished',
        version: 'v2.14.0',
        actor: 'anna',
        at: new Date(now - 30 * 3_600_000).toISOString(),
      },
      {
        service: 'checkout',
        status: 'rolled_back',
        version: 'v2.13.2',
        labels: ['rollback'],
        actor: 'bram',
        at: new Date(now - 6 * 3_600_000).toISOString(),
      },
    ];
    for (const body of deploys) {
      const recorded = await headroom.call('POST', '/api/v1/deploys', { body });
      expect(recorded.status, recorded.text).toBe(201);
    }
    const reply = await headroom.call('GET', '/api/v1/slos/checkout-availability/series');
    expect(reply.status, reply.text).toBe(200);
    const series = reply.body as Series;
    const listed = series.deploys ?? [];
    expect(listed.map((deploy) => deploy.version)).toEqual(['v2.14.0', 'v2.13.2']);
    for (const deploy of listed) {
      expect(Date.parse(deploy.at)).toBeGreaterThanOrEqual(Date.parse(series.from));
      expect(Date.parse(deploy.at)).toBeLessThanOrEqual(Date.parse(series.to));
    }

    await page.goto(`${headroom.url}/slos/checkout-availability`);
    await page.getByRole('heading', { name: /checkout-availability/, level: 1 }).waitFor();

    const section = page.locator('.deploy-markers');
    expect(await text(section.locator('h3'))).toBe('Deploys in this window');
    await section
      .locator('[data-deploy]')
      .nth(listed.length - 1)
      .waitFor();
    expect(await section.locator('[data-deploy]').count()).toBe(listed.length);
    for (const deploy of listed) {
      const row = section.locator(`[data-deploy="${deploy.id}"]`);
      expect(await text(row.locator('[data-field="at"]'))).toBe(instantText(deploy.at));
      expect(await text(row.locator('[data-field="version"]'))).toBe(deploy.version ?? '');
      expect(await text(row.locator('[data-field="status"]'))).toBe(
        deploy.status.replace('_', ' '),
      );
      const rollback = deploy.status === 'rolled_back' || deploy.labels.includes('rollback');
      expect(await row.locator('[data-field="rollback"]').count()).toBe(rollback ? 1 : 0);
      // What it did to this SLO's budget, and the way to its gate decision.
      expect(deploy.budget).not.toBeNull();
      if (deploy.budget !== null) {
        expect(await text(row.locator('[data-field="budget"]'))).toBe(
          hoursAroundText(deploy.budget),
        );
      }
      expect(await row.locator('[data-field="deploy-link"]').getAttribute('href')).toBe(
        `/services/checkout/deploys/${deploy.id}`,
      );
    }
    const [first, second] = listed;
    expect(first?.status).toBe('finished');
    expect(second?.status).toBe('rolled_back');
    expect(second?.labels).toContain('rollback');

    const charts = page.locator('.charts[data-deploy-markers]');
    await charts.waitFor();
    expect(await charts.getAttribute('data-deploy-markers')).toBe(String(listed.length));
    expect(await charts.locator('.chart canvas').count()).toBeGreaterThanOrEqual(3);
    await saveScreenshot(page, 'slo-deploy-markers');
  });

  it('says budget regained, not a negative spend, when a calendar month starts afresh', async () => {
    // payments-api-availability counts calendar months in Amsterdam: November starts at
    // 23:00 UTC, so the hour before a deploy at 23:30 ends in a full new budget.
    const at = '2026-10-31T23:30:00.000Z';
    const recorded = await headroom.call('POST', '/api/v1/deploys', {
      body: { service: 'payments-api', status: 'finished', version: 'v9.1.0', actor: 'anna', at },
    });
    expect(recorded.status, recorded.text).toBe(201);
    const { id } = recorded.body as { id: string };
    const start = Date.parse(EXAMPLE_NOW);
    headroom.clock.set(start + 2 * 3_600_000);
    try {
      const reply = await headroom.call('GET', '/api/v1/slos/payments-api-availability/series');
      const mark = (reply.body as Series).deploys?.find((deploy) => deploy.id === id);
      const budget = mark?.budget ?? null;
      if (budget === null) throw new Error("the series did not read the deploy's budget");
      expect(budget.before.consumed).toBeLessThan(0);
      expect(budget.after).not.toBeNull();

      await page.goto(`${headroom.url}/slos/payments-api-availability`);
      const row = page.locator(`.deploy-markers [data-deploy="${id}"]`);
      expect(await text(row.locator('[data-field="before"]'))).toBe(
        `regained ${(-budget.before.consumed * 100).toFixed(1)}%`,
      );
      expect(await text(row.locator('[data-field="budget"]'))).toBe(hoursAroundText(budget));
      await saveScreenshot(page, 'slo-deploy-regained');

      // The deploy's own page, where its gate decision is told, words the regained
      // budget the same way.
      await row.getByRole('link', { name: /the deploy and its gate decision/ }).click();
      await page.locator('[data-panel="deploy-budget"]').waitFor();
      expect(new URL(page.url()).pathname).toBe(`/services/payments-api/deploys/${id}`);
      const [listed] = await readDeploys('payments-api');
      const around = listed?.budget.find((slo) => slo.slo === 'payments-api-availability');
      if (listed?.id !== id || around === undefined) throw new Error('the deploy is not listed');
      const cell = page.locator(
        '[data-panel="deploy-budget"] [data-slo="payments-api-availability"]',
      );
      expect(await text(cell.locator('[data-field="before"]'))).toBe(
        budgetChangeText(around.before.consumed),
      );
      expect(await text(cell.locator('[data-field="before"]'))).toMatch(/^regained /);
      await saveScreenshot(page, 'service-deploy-regained');
    } finally {
      headroom.clock.set(start);
    }
  });
});
