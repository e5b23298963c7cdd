// Deploy markers on the SLO screen, in headless chromium against a server seeded with
// the example config and events: two deploys of checkout inside the series' window (one
// finished, one rolled back) show in the list under the charts as the series returns
// them, and the charts carry a marker for each. Instants are formatted here
// independently of the UI's code.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import {
  BROWSER_TEST_LIMIT,
  builtUi,
  instantText,
  launchChromium,
  newTestPage,
  saveScreenshot,
  text,
} from '../support/browser.js';
import { ADMIN_TOKEN, startTestHeadroom, type TestHeadroom } from '../support/headroom.js';
import { EXAMPLE_NOW, seedExample } from '../support/web-seed.js';

interface SeriesDeploy {
  id: string;
  at: string;
  status: string;
  version: string | null;
  labels: string[];
}

interface Series {
  from: string;
  to: string;
  deploys?: SeriesDeploy[];
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
    page = await newTestPage(browser);
  }, 120_000);

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
    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
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
});
