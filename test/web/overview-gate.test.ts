// The deploy gate on the overview, in headless chromium against a server seeded with
// the example config and events plus two error-budget policies: each service's state
// and reasons are what the API's gate preview says (formatted here independently of
// the UI's code), the state is written out and not only coloured, the full reasons open
// from the keyboard, the dark theme recolours the badges, and loading the overview
// records no gate decision.
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
import { EXAMPLE_NOW, readOk, seedExample } from '../support/web-seed.js';

const CHECKOUT_POLICY = {
  apiVersion: 'headroom/v1',
  kind: 'ErrorBudgetPolicy',
  metadata: { name: 'checkout-guard' },
  spec: {
    appliesTo: { services: ['checkout'] },
    rules: [
      { name: 'frozen', when: 'freeze', effect: 'deny', unlessLabels: ['rollback'] },
      { name: 'burning', when: { burnAlert: 'ticket' }, effect: 'deny' },
    ],
    freezes: {
      adHoc: [
        {
          name: 'quarter-end',
          start: '2026-10-31T12:00:00Z',
          end: '2026-11-02T00:00:00Z',
          reason: 'Quarter-end release freeze',
        },
      ],
    },
  },
};

const PAYMENTS_POLICY = {
  apiVersion: 'headroom/v1',
  kind: 'ErrorBudgetPolicy',
  metadata: { name: 'payments-window' },
  spec: {
    appliesTo: { services: ['payments-api'] },
    rules: [{ name: 'card-network', when: 'freeze', effect: 'requireApproval' }],
    freezes: {
      adHoc: [
        {
          name: 'card-network-upgrade',
          end: '2026-11-01T06:00:00Z',
          reason: 'The card network upgrades its endpoints',
        },
      ],
    },
    approvals: { roles: ['sre-lead'], maxDuration: '4h' },
  },
};

interface Reason {
  kind: string;
  effect: string;
  policy: string;
  rule: string;
  message: string;
  slo: { name: string; remaining: number; thresholdPercent: number | null } | null;
  alert: { severity: string } | null;
  freeze: { name: string; until: string } | null;
  incident: { id: string; service: string; viaDependency: boolean } | null;
}

interface Preview {
  service: string;
  state: 'allowed' | 'approval' | 'denied';
  policies: string[];
  reasons: Reason[];
}

const LABELS = { allowed: 'allowed', approval: 'needs approval', denied: 'denied' } as const;
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** The short line the overview gives a reason (docs/ui.md). */
function expectedLine(reason: Reason): string {
  const slo = reason.slo?.name ?? '';
  switch (reason.kind) {
    case 'freeze':
      return `freeze ${reason.freeze?.name ?? ''} until ${instantText(reason.freeze?.until ?? '')}`;
    case 'burnAlert':
      return `SLO ${slo}: a ${reason.alert?.severity ?? ''}-level burn alert fires`;
    case 'budgetExhausted':
      return `SLO ${slo}: budget exhausted (${percent(reason.slo?.remaining ?? 0)} left)`;
    case 'budgetBelow':
      return `SLO ${slo}: ${percent(reason.slo?.remaining ?? 0)} of budget left, below ${String(reason.slo?.thresholdPercent)}%`;
    default:
      throw new Error(`no expected line for ${reason.kind}`);
  }
}

/** The computed text colour of the first element the selector finds. */
async function color(page: Page, selector: string): Promise<string> {
  // A string: the test's own types know no DOM.
  return String(
    await page.evaluate(
      `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).color`,
    ),
  );
}

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe('the deploy gate on the overview', BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;
  let page: Page;
  let previews: Preview[];

  const api = <T>(route: string): Promise<T> => readOk<T>(headroom, route);

  beforeAll(async () => {
    builtUi();
    if (sqlite === undefined) throw new Error('no SQLite test database');
    browser = await launchChromium();
    headroom = await startTestHeadroom(sqlite, { now: EXAMPLE_NOW });
    await seedExample(headroom);
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [CHECKOUT_POLICY, PAYMENTS_POLICY] },
    });
    if (applied.status >= 300) throw new Error(`applying the policies: ${applied.text}`);
    page = await newTestPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it("shows each service's gate state and reasons as the API gives them", async () => {
    await page.goto(`${headroom.url}/`);
    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    const panel = page.locator('[data-panel="gate"]');
    await panel.waitFor();

    previews = await api<Preview[]>('/api/v1/deploys/gate');
    const states = Object.fromEntries(previews.map((preview) => [preview.service, preview.state]));
    expect(states).toEqual({
      checkout: 'denied',
      'payments-api': 'approval',
      recommendations: 'allowed',
    });

    const counts = (['denied', 'approval', 'allowed'] as const)
      .map(
        (state) => [state, previews.filter((preview) => preview.state === state).length] as const,
      )
      .filter(([, count]) => count > 0)
      .map(([state, count]) => `${String(count)} ${LABELS[state]}`);
    expect(await text(panel.locator('[data-field="gate-summary"]'))).toBe(
      `A deploy without labels, now: ${counts.join(', ')}.`,
    );

    for (const preview of previews.filter((entry) => entry.state !== 'allowed')) {
      const entry = panel.locator(`[data-gate-service="${preview.service}"]`);
      expect(await entry.getAttribute('data-gate-state')).toBe(preview.state);
      // The state in words, not only in colour.
      expect(await text(entry.locator('[data-gate]'))).toContain(LABELS[preview.state]);
      expect(preview.reasons.length).toBeGreaterThan(0);
      expect(await entry.locator('[data-field="reason"]').allTextContents()).toEqual(
        preview.reasons.map(expectedLine),
      );
      // On the service's card too.
      const card = page.locator(`[data-service="${preview.service}"] header [data-gate]`);
      expect(await text(card)).toContain(LABELS[preview.state]);
    }
    const checkout = previews.find((preview) => preview.service === 'checkout');
    expect(checkout?.reasons.map((reason) => reason.kind)).toEqual(['freeze', 'burnAlert']);
    expect(
      await text(panel.locator('[data-gate-service="payments-api"] [data-field="lift"]')),
    ).toBe('An approval from a holder of role sre-lead lets it out.');
    await saveScreenshot(page, 'overview-gate');
  });

  it('opens the full reasons and the allowed services from the keyboard', async () => {
    const panel = page.locator('[data-panel="gate"]');
    const checkout = previews.find((preview) => preview.service === 'checkout');
    const entry = panel.locator('[data-gate-service="checkout"]');
    await entry.getByRole('link', { name: 'checkout' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe(
      'Why, in full for checkout',
    );
    await page.keyboard.press('Enter');
    const messages = entry.locator('[data-field="message"]');
    await messages.first().waitFor();
    expect(await messages.allTextContents()).toEqual(
      checkout?.reasons.map((reason) => reason.message),
    );

    const allowed = panel.locator('[data-field="gate-allowed"]');
    await allowed.locator('summary').focus();
    await page.keyboard.press('Enter');
    const recommendations = allowed.locator('[data-gate-service="recommendations"]');
    expect(await text(recommendations)).toBe('recommendations no policy applies');
  });

  it('recolours the badges in the dark theme, and records no gate decision', async () => {
    const badge = '[data-gate-service="checkout"] [data-gate="denied"]';
    const light = await color(page, badge);
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    while ((await page.getAttribute('html', 'data-theme')) !== 'dark') await toggle.click();
    const dark = await color(page, badge);
    expect(dark).not.toBe(light);
    await saveScreenshot(page, 'overview-gate-dark');
    while ((await page.getAttribute('html', 'data-theme')) !== null) await toggle.click();

    expect(await api<unknown[]>('/api/v1/deploys/decisions')).toEqual([]);
  });
});
