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
  saveScreenshot,
  signedInPage,
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
    // Shorter than the 2h a suggestion usually asks for: the suggestion must ask for less.
    approvals: { roles: ['sre-lead'], maxDuration: '90m' },
  },
};

interface Reason {
  kind: string;
  effect: string;
  policy: string;
  rule: string;
  message: string;
  slo: { name: string; remaining: number; thresholdPercent: number | null } | null;
  alert: {
    severity: string;
    longWindow: string;
    shortWindow: string;
    factor: number;
    longBurnRate: number | null;
    shortBurnRate: number | null;
  } | null;
  unlessLabels: string[];
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
const rate = (burnRate: number | null) => (burnRate === null ? '—' : `${burnRate.toFixed(2)}×`);

/** What lets a deploy past the rule, as the overview says it (docs/ui.md). */
function expectedEffect(reason: Reason): string {
  const labels = reason.unlessLabels.join(' or ');
  const effect =
    reason.effect === 'deny'
      ? labels === ''
        ? 'denies until it ends'
        : `denies unless labelled ${labels}`
      : labels === ''
        ? 'needs approval'
        : `needs approval, or the label ${labels}`;
  return `(${effect}: ${reason.policy}/${reason.rule})`;
}

/** The short line the overview gives a reason (docs/ui.md). */
function expectedLine(reason: Reason): string {
  const slo = reason.slo?.name ?? '';
  switch (reason.kind) {
    case 'freeze':
      return `freeze ${reason.freeze?.name ?? ''} until ${instantText(reason.freeze?.until ?? '')}`;
    case 'burnAlert': {
      const alert = reason.alert;
      if (alert === null) throw new Error('a burn-alert reason without its alert');
      return `SLO ${slo}: ${alert.severity}-level burn alert, ${rate(alert.longBurnRate)} over ${alert.longWindow} and ${rate(alert.shortBurnRate)} over ${alert.shortWindow}, above ${String(alert.factor)}×`;
    }
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
    page = await signedInPage(browser, headroom.url, ADMIN_TOKEN);
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it("shows each service's gate state and reasons as the API gives them", async () => {
    await page.goto(`${headroom.url}/`);
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
      // What lifts each: the rule's labels, or an approval.
      expect(await entry.locator('[data-field="effect"]').allTextContents()).toEqual(
        preview.reasons.map(expectedEffect),
      );
      // On the service's card too.
      const card = page.locator(`[data-service="${preview.service}"] header [data-gate]`);
      expect(await text(card)).toContain(LABELS[preview.state]);
    }
    const checkout = previews.find((preview) => preview.service === 'checkout');
    expect(checkout?.reasons.map((reason) => reason.kind)).toEqual(['freeze', 'burnAlert']);
    expect(
      await text(panel.locator('[data-gate-service="payments-api"] [data-field="lift"]')),
    ).toBe(
      'An approval from a holder of role sre-lead (not the deployer) lets it out; it may run at most 1h30m.',
    );
    // And the command that gives it, naming the rule under its policy.
    expect(
      await text(
        panel.locator('[data-gate-service="payments-api"] [data-field="approve-command"]'),
      ),
    ).toBe(
      'headroom approve payments-api --rule payments-window/card-network --reason "…" --expires 1h30m',
    );
    expect(
      await text(
        panel.locator(
          '[data-gate-service="checkout"] [data-reason="burnAlert"] [data-field="effect"]',
        ),
      ),
    ).toBe('(denies until it ends: checkout-guard/burning)');
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

  it("shows an approval in force and when it expires, on the overview and the service's screen", async () => {
    await page.goto(`${headroom.url}/services/payments-api`);
    expect(
      await text(page.locator('[data-section="approvals"] [data-field="approval-hint"]')),
    ).toBe(
      'No approval in force for payments-api. A holder of role sre-lead gives one, for anyone\'s deploys but their own, with headroom approve payments-api --reason "…" --expires 1h30m.',
    );
    await page.goto(`${headroom.url}/`);
    await page.locator('[data-panel="gate"]').waitFor();
    const user = await headroom.call('PUT', '/api/v1/users/rita', {
      body: { roles: ['sre-lead'] },
    });
    expect(user.status, user.text).toBeLessThan(300);
    const token = await headroom.call('POST', '/api/v1/tokens', {
      body: { name: 'rita', role: 'viewer', user: 'rita' },
    });
    expect(token.status, token.text).toBe(201);
    const given = await headroom.call('POST', '/api/v1/approvals', {
      token: (token.body as { token: string }).token,
      body: {
        service: 'payments-api',
        scope: 'all',
        reason: 'The card network confirmed the new endpoints',
        expiresAt: '2026-11-01T01:30:00Z',
      },
    });
    expect(given.status, given.text).toBe(201);
    const approval = given.body as { id: string; expiresAt: string };
    const [preview] = await api<Preview[]>('/api/v1/deploys/gate?service=payments-api');
    expect(preview?.state).toBe('allowed');

    await page.reload();
    const allowed = page.locator('[data-panel="gate"] [data-field="gate-allowed"]');
    await allowed.locator('summary').click();
    expect(
      await text(
        allowed.locator('[data-gate-service="payments-api"] [data-field="approvals-applied"]'),
      ),
    ).toBe(
      `approved by rita (payments-window/card-network) until ${instantText(approval.expiresAt)}`,
    );

    await page.goto(`${headroom.url}/services/payments-api`);
    const gateNow = page.locator('[data-section="gate-now"] [data-gate-service="payments-api"]');
    expect(await gateNow.getAttribute('data-gate-state')).toBe('allowed');
    expect(await text(gateNow.locator('[data-field="approvals-applied"]'))).toContain('rita');
    const shown = page.locator(`[data-section="approvals"] [data-approval="${approval.id}"]`);
    expect(await text(shown.locator('[data-field="expires"]'))).toBe(
      instantText(approval.expiresAt),
    );
    expect(await text(shown)).toContain("anyone's deploys but rita's");
    await saveScreenshot(page, 'service-gate-approval');
  });

  it('shows an SLO without events as no data, not as a whole budget that is ok', async () => {
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          {
            apiVersion: 'headroom/v1',
            kind: 'SLO',
            metadata: { name: 'recommendations-freshness' },
            spec: {
              service: 'recommendations',
              sli: { ratio: {} },
              objective: 99,
              window: '7d',
            },
          },
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const status = await api<{ sli: number | null; errorBudget: { remaining: number } }>(
      '/api/v1/slos/recommendations-freshness/status',
    );
    // The API's numbers: nothing measured, so nothing spent.
    expect(status.sli).toBeNull();
    expect(status.errorBudget.remaining).toBe(1);

    await page.goto(`${headroom.url}/`);
    const row = page.locator('tr[data-slo="recommendations-freshness"]');
    await row.waitFor();
    expect(await row.locator('[data-state]').getAttribute('data-state')).toBe('no-data');
    expect(await text(row.locator('[data-state]'))).toBe('no data');
    expect(await text(row.locator('[data-field="remaining"]'))).toBe('—');
    expect(await text(page.locator('[data-field="summary"]'))).toContain('1 no data');

    await page.goto(`${headroom.url}/slos/recommendations-freshness`);
    const bar = page.locator('.key-numbers [data-budget-bar]');
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuetext')).toBe('no data');
    // Its chart of the budget has nothing to draw either: the value under the cursor is —.
    const budgetChart = page.locator('.chart').nth(1);
    await budgetChart.locator('canvas').waitFor();
    await budgetChart.locator('.u-over').hover();
    expect(await text(budgetChart.locator('.u-legend .u-series').nth(1).locator('.u-value'))).toBe(
      '—',
    );
  });
});
