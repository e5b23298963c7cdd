// Open pages on the on-call screen and the deploy gate on the service screen, in
// headless chromium against a server seeded with the example config and events: a page
// opened through a webhook integration shows with its runbooks, Acknowledge and Resolve
// act through the buttons (and a viewer is told it may not), and a recorded deploy and
// a gate decision show on their service. Numbers are formatted here independently of
// the UI's code.
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
import {
  applyExampleIncidentSettings,
  EXAMPLE_NOW,
  readOk,
  seedExample,
} from '../support/web-seed.js';
import { budgetChangeText } from './budget-text.js';

interface AlertPage {
  id: string;
  status: string;
  summary: string;
  severity: string;
  services: string[];
  openedAt: string;
  acknowledgedBy: string | null;
  runbooks: { name: string; title: string }[];
  escalation: {
    policy: string;
    urgency: string;
    levels: number;
    notified: { level: number } | null;
    next: { level: number; at: string } | null;
    paged: string[];
  } | null;
}

interface Deploy {
  id: string;
  version: string | null;
  status: string;
  actor: string;
  budget: {
    slo: string;
    before: { consumed: number };
    after: { consumed: number } | null;
  }[];
}

interface Decision {
  id: string;
  allowed: boolean;
  reasons: { message: string }[];
}

const POLICY = {
  apiVersion: 'headroom/v1',
  kind: 'ErrorBudgetPolicy',
  metadata: { name: 'checkout-freezes' },
  spec: {
    appliesTo: { services: ['checkout'] },
    rules: [{ name: 'frozen', when: 'freeze', effect: 'deny', unlessLabels: ['rollback'] }],
    freezes: {
      windows: [{ from: 'Fri 16:00', to: 'Mon 08:00', timeZone: 'Europe/Amsterdam' }],
      adHoc: [
        {
          name: 'quarter-end',
          start: '2026-10-31T12:00:00Z',
          end: '2026-11-02T00:00:00Z',
          reason: 'Quarter-end release freeze',
          timeZone: 'Europe/Amsterdam',
        },
      ],
    },
  },
};

const CHECKOUT_ESCALATION = {
  apiVersion: 'headroom/v1',
  kind: 'EscalationPolicy',
  metadata: { name: 'checkout' },
  spec: {
    services: ['checkout'],
    levels: [
      { notify: [{ schedule: 'payments-primary' }], timeout: '15m' },
      { notify: [{ user: 'nick' }], timeout: '30m' },
    ],
    lowUrgency: ['info'],
  },
};

const instant = instantText;
// One decimal; what rounds to nothing is 0.0%, whatever its sign.
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe('open pages and the deploy gate', BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;
  let page: Page;
  let opened: AlertPage;

  const api = <T>(route: string): Promise<T> => readOk<T>(headroom, route);

  beforeAll(async () => {
    builtUi();
    if (sqlite === undefined) throw new Error('no SQLite test database');
    browser = await launchChromium();
    headroom = await startTestHeadroom(sqlite, { now: EXAMPLE_NOW });
    await seedExample(headroom);
    await applyExampleIncidentSettings(headroom);
    page = await signedInPage(browser, headroom.url, ADMIN_TOKEN);
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await headroom.close();
  });

  it('says when no page is open, then shows one opened through a webhook', async () => {
    await page.goto(`${headroom.url}/oncall`);
    await page.getByRole('heading', { name: 'On call', level: 1 }).waitFor();
    // The seeded events page about checkout's burn already: resolved here, the list is empty.
    const seeded = await api<AlertPage[]>('/api/v1/pages?status=open');
    for (const open of seeded) {
      const resolved = await headroom.call('POST', `/api/v1/pages/${open.id}/resolve`);
      expect(resolved.status, resolved.text).toBe(200);
    }
    await page.reload();
    expect(await text(page.locator('[data-panel="pages"] [data-empty="pages"]'))).toBe(
      'No open pages',
    );
    await saveScreenshot(page, 'oncall-no-pages');

    const policy = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [CHECKOUT_ESCALATION] },
    });
    expect(policy.status, policy.text).toBe(200);
    const integration = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: 'checkout-alerts', kind: 'webhook', service: 'checkout' },
    });
    expect(integration.status, integration.text).toBe(201);
    const { key } = integration.body as { key: string };
    const intake = await headroom.call('POST', `/api/v1/intake/webhook/${key}`, {
      token: null,
      body: { title: 'Checkout returns 502s', status: 'firing', dedupKey: 'checkout-502' },
    });
    expect(intake.status, intake.text).toBe(200);
    const [found] = await api<AlertPage[]>('/api/v1/pages?status=open');
    if (found === undefined) throw new Error('no open page');
    opened = found;

    await page.reload();
    const item = page.locator(`[data-page="${opened.id}"]`);
    expect(await text(item.locator('[data-field="summary"]'))).toBe(opened.summary);
    expect(await text(item.locator('[data-field="severity"]'))).toContain(opened.severity);
    expect(await text(item.locator('[data-page-status]'))).toContain(opened.status);
    expect(await text(item.locator('[data-field="opened-at"]'))).toBe(instant(opened.openedAt));
    // Who was told and who is next: level 1 is told when the paging loop runs.
    await headroom.server.runPaging();
    await page.reload();
    const [escalated] = await api<AlertPage[]>('/api/v1/pages?status=open');
    const escalation = escalated?.escalation;
    if (escalation?.next == null) throw new Error(`no next level: ${JSON.stringify(escalated)}`);
    expect(await text(item.locator('[data-field="urgency"]'))).toBe(
      'High: escalates until acknowledged',
    );
    expect(await text(item.locator('[data-field="notified"]'))).toBe(
      `Level 1 of ${String(escalation.levels)}: ${escalation.paged.join(', ')}`,
    );
    expect(await text(item.locator('[data-field="next"]'))).toBe(
      `Level ${String(escalation.next.level)} at ${instant(escalation.next.at)} unless acknowledged`,
    );
    const links = item.locator('[data-field="services"] a');
    expect(await links.count()).toBe(opened.services.length);
    expect(await links.first().getAttribute('href')).toBe(`/services/${opened.services[0] ?? ''}`);
    expect(opened.runbooks.map((runbook) => runbook.name)).toContain('checkout-errors');
    expect(await item.locator('[data-runbook]').count()).toBe(opened.runbooks.length);
    // The runbook's Markdown, folded until opened, drawn by the Markdown reader.
    const folded = item.locator('[data-runbook="checkout-errors"]');
    expect(await text(folded.locator('summary'))).toContain('Checkout is failing requests');
    expect(await folded.locator('.markdown').isVisible()).toBe(false);
    await folded.locator('summary').click();
    await folded.getByRole('heading', { name: 'When to use' }).waitFor();
    expect(await folded.locator('.markdown ol li').count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'oncall-pages');
  });

  it('tells a viewer it may not act on a page', async () => {
    const created = await headroom.call('POST', '/api/v1/tokens', {
      body: { name: 'pages viewer', role: 'viewer' },
    });
    expect(created.status, created.text).toBe(201);
    const { token } = created.body as { token: string };
    const context = await browser.newContext();
    try {
      const viewer = await context.newPage();
      viewer.setDefaultTimeout(15_000);
      await viewer.goto(`${headroom.url}/oncall`);
      await viewer.getByLabel('API token').fill(token);
      await viewer.keyboard.press('Enter');
      const item = viewer.locator(`[data-page="${opened.id}"]`);
      await item.getByRole('button', { name: /^Acknowledge/ }).click();
      expect(await text(item.locator('[data-field-error="form"]'))).toContain(
        'may not act on pages',
      );
      const still = await api<AlertPage>(`/api/v1/pages/${opened.id}`);
      expect(still.status).toBe('triggered');
    } finally {
      await context.close();
    }
  });

  it("narrows the open pages to a team's services, and keeps the team in the address", async () => {
    const integration = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: 'recommendations-alerts', kind: 'webhook', service: 'recommendations' },
    });
    expect(integration.status, integration.text).toBe(201);
    const { key } = integration.body as { key: string };
    const intake = await headroom.call('POST', `/api/v1/intake/webhook/${key}`, {
      token: null,
      body: { title: 'Recommendations are stale', status: 'firing', dedupKey: 'recs-stale' },
    });
    expect(intake.status, intake.text).toBe(200);
    const [stale] = (intake.body as { pages: { id: string }[] }).pages;
    if (stale === undefined) throw new Error('no page');
    try {
      const listed = page.locator('[data-panel="pages"] [data-page]');
      await page.goto(`${headroom.url}/oncall`);
      await page.locator(`[data-page="${stale.id}"]`).waitFor();
      expect(await listed.count()).toBe(2);

      await page.getByLabel('Team').selectOption('payments');
      // The list goes while the team's pages load, then comes back with its own only.
      await page.locator(`[data-page="${stale.id}"]`).waitFor({ state: 'detached' });
      await page.locator(`[data-page="${opened.id}"]`).waitFor();
      expect(await listed.count()).toBe(1);
      expect(await listed.first().getAttribute('data-page')).toBe(opened.id);
      expect(new URL(page.url()).search).toBe('?team=payments');
      await saveScreenshot(page, 'oncall-pages-team');

      // A reload, or the link shared, shows the same team's pages.
      await page.goto(`${headroom.url}/oncall?team=discovery`);
      await page.locator(`[data-page="${stale.id}"]`).waitFor();
      expect(await listed.count()).toBe(1);
      expect(await page.getByLabel('Team').inputValue()).toBe('discovery');

      await page.getByLabel('Team').selectOption('');
      await page.locator(`[data-page="${opened.id}"]`).waitFor();
      expect(await listed.count()).toBe(2);
      expect(new URL(page.url()).search).toBe('');
    } finally {
      await headroom.call('POST', `/api/v1/pages/${stale.id}/resolve`);
      // The tests after this one reload the on-call screen: without a team.
      await page.goto(`${headroom.url}/oncall`);
    }
  });

  it('acknowledges and resolves a page through the buttons', async () => {
    const item = page.locator(`[data-page="${opened.id}"]`);
    await item.getByRole('button', { name: /^Acknowledge/ }).click();
    await item.locator('[data-page-status="acknowledged"]').waitFor();
    const acknowledged = await api<AlertPage>(`/api/v1/pages/${opened.id}`);
    expect(acknowledged.status).toBe('acknowledged');
    expect(await text(item.locator('[data-page-status]'))).toContain(acknowledged.status);
    expect(await text(item.locator('[data-field="acknowledged-by"]'))).toBe(
      acknowledged.acknowledgedBy ?? '',
    );
    await saveScreenshot(page, 'oncall-page-acknowledged');

    await item.getByRole('button', { name: /^Resolve/ }).click();
    await page.locator('[data-panel="pages"] [data-empty="pages"]').waitFor();
    expect(await item.count()).toBe(0);
    const resolved = await api<AlertPage>(`/api/v1/pages/${opened.id}`);
    expect(resolved.status).toBe('resolved');
    expect(await api<AlertPage[]>('/api/v1/pages?status=open')).toEqual([]);
  });

  it('warns of a page that reached no one', async () => {
    const integration = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: 'unowned-alerts', kind: 'webhook' },
    });
    const { key } = integration.body as { key: string };
    const intake = await headroom.call('POST', `/api/v1/intake/webhook/${key}`, {
      token: null,
      body: { title: 'Disk full on batch-7', status: 'firing', dedupKey: 'batch-7-disk' },
    });
    expect(intake.status, intake.text).toBe(200);
    const [unowned] = (intake.body as { pages: { id: string }[] }).pages;
    if (unowned === undefined) throw new Error('no page');
    const view = await api<AlertPage & { warnings: { at: string; reason: string }[] }>(
      `/api/v1/pages/${unowned.id}`,
    );
    const [warning] = view.warnings;
    if (warning === undefined) throw new Error('no warning on a page nobody covers');
    await page.reload();
    const item = page.locator(`[data-page="${unowned.id}"]`);
    expect(await text(item.locator('[data-field="escalation"]'))).toBe(
      'No escalation policy covers it',
    );
    expect(await text(item.locator('[data-field="warnings"] li'))).toBe(
      `${instant(warning.at)}: ${warning.reason}`,
    );
    expect(warning.reason).toContain('reached no one');
    await headroom.call('POST', `/api/v1/pages/${unowned.id}/resolve`);
  });

  it('says whose e-mail about a low-urgency page waits for working hours', async () => {
    // bram is on call in Amsterdam at 01:00 on a Sunday: his e-mail waits for Monday 09:00.
    const user = await headroom.call('POST', '/api/v1/users', {
      body: {
        name: 'bram',
        email: 'bram@example.com',
        teams: ['payments'],
        timeZone: 'Europe/Amsterdam',
      },
    });
    expect(user.status, user.text).toBe(201);
    const integration = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: 'checkout-info', kind: 'webhook', service: 'checkout' },
    });
    const { key } = integration.body as { key: string };
    const intake = await headroom.call('POST', `/api/v1/intake/webhook/${key}`, {
      token: null,
      body: { title: 'Checkout cache hit rate low', severity: 'info', dedupKey: 'cache' },
    });
    const [low] = (intake.body as { pages: { id: string }[] }).pages;
    if (low === undefined) throw new Error('no page');
    await headroom.server.runPaging();
    await page.reload();
    const item = page.locator(`[data-page="${low.id}"]`);
    expect(await text(item.locator('[data-field="urgency"]'))).toBe(
      'Low: level 1 is told once, it does not escalate',
    );
    expect(await text(item.locator('[data-field="held"]'))).toBe(
      `bram's e-mail waits until ${instant('2026-11-02T08:00:00.000Z')}`,
    );
    expect(await text(item.locator('[data-field="next"]'))).toBe('Nobody: low urgency');
    await headroom.call('POST', `/api/v1/pages/${low.id}/resolve`);
  });

  it("shows a service's deploys, the gate's decision and the policies", async () => {
    const applied = await headroom.call('POST', '/api/v1/apply', { body: { documents: [POLICY] } });
    expect(applied.status, applied.text).toBeLessThan(300);
    const recorded = await headroom.call('POST', '/api/v1/deploys', {
      body: {
        service: 'checkout',
        status: 'finished',
        version: 'v2.14.0',
        actor: 'anna',
        at: '2026-10-31T21:00:00Z',
      },
    });
    expect(recorded.status, recorded.text).toBe(201);
    const checked = await headroom.call('POST', '/api/v1/deploys/check', {
      body: { service: 'checkout', version: 'v2.15.0', actor: 'bram' },
    });
    expect(checked.status, checked.text).toBe(200);
    // A deploy that went out anyway, on the denial: told apart, and linked to it.
    const against = await headroom.call('POST', '/api/v1/deploys', {
      body: {
        service: 'checkout',
        status: 'finished',
        version: 'v2.13.1',
        commit: '9f3c2e1',
        labels: ['hotfix'],
        actor: 'bram',
        at: '2026-10-31T20:00:00Z',
        decision: (checked.body as { id: string }).id,
      },
    });
    expect(against.status, against.text).toBe(201);

    const [deploy] = await api<Deploy[]>('/api/v1/deploys?service=checkout&limit=10');
    const [decision] = await api<Decision[]>('/api/v1/deploys/decisions?service=checkout&limit=10');
    const policies = await api<{ metadata: { name: string } }[]>(
      '/api/v1/policies?service=checkout',
    );
    if (deploy === undefined || decision === undefined) throw new Error('nothing recorded');

    await page.goto(`${headroom.url}/services/checkout`);
    const panel = page.locator('[data-panel="deploys"]');
    const row = panel.locator(`[data-deploy="${deploy.id}"]`);
    expect(await text(row.locator('[data-field="version"]'))).toBe('v2.14.0');
    expect(await text(row.locator('[data-field="status"]'))).toContain(deploy.status);
    expect(await text(row.locator('[data-field="actor"]'))).toBe(deploy.actor);
    for (const slo of deploy.budget) {
      const cell = row.locator(`[data-slo="${slo.slo}"]`);
      expect(await text(cell.locator('[data-field="before"]'))).toBe(
        budgetChangeText(slo.before.consumed),
      );
      if (slo.after !== null) {
        expect(await text(cell.locator('[data-field="after"]'))).toBe(
          budgetChangeText(slo.after.consumed),
        );
      }
    }

    const shown = panel.locator(`[data-decision="${decision.id}"]`);
    expect(await text(shown.locator('[data-field="answer"]'))).toContain(
      decision.allowed ? 'allowed' : 'held',
    );
    expect(await text(shown.locator('[data-field="version"]'))).toBe('v2.15.0');
    // The freeze holds the deploy: held, with the reason's message.
    expect(decision.allowed).toBe(false);
    expect(decision.reasons.length).toBeGreaterThan(0);
    const reasons = await shown.locator('[data-reason]').allTextContents();
    expect(reasons.map((reason) => reason.trim())).toEqual(
      decision.reasons.map((reason) => reason.message),
    );
    expect(policies.map((policy) => policy.metadata.name)).toEqual(['checkout-freezes']);
    expect(await panel.locator('[data-policy]').count()).toBe(policies.length);
    const policy = panel.locator('[data-policy="checkout-freezes"]');
    const quarterEnd = await text(policy.locator('[data-freeze="quarter-end"]'));
    expect(quarterEnd).toContain('Quarter-end release freeze');
    // Written for Amsterdam, so told on its clock (midnight UTC is 01:00 there in
    // November), and in UTC.
    expect(quarterEnd).toContain('to 2026-11-02 01:00 Europe/Amsterdam (2026-11-02 00:00 UTC):');

    // Would a deploy go out now: no, the freeze holds it, and only a rollback passes.
    const gateNow = panel.locator('[data-section="gate-now"] [data-gate-service="checkout"]');
    expect(await gateNow.getAttribute('data-gate-state')).toBe('denied');
    expect(await gateNow.locator('[data-field="effect"]').allTextContents()).toContain(
      '(denies unless labelled rollback: checkout-freezes/frozen)',
    );
    // Its one policy only denies: no approval command the server would refuse.
    expect(
      await text(panel.locator('[data-section="approvals"] [data-field="approval-hint"]')),
    ).toBe(
      'No approval in force for checkout, and none of its policies takes approvals: only labels and time lift their rules.',
    );

    const againstRow = panel.locator(`[data-deploy="${(against.body as { id: string }).id}"]`);
    expect(await text(againstRow.locator('[data-field="against-denial"]'))).toBe(
      'against the gate',
    );
    expect(await text(againstRow.locator('[data-field="commit"]'))).toBe('9f3c2e1');
    expect(await text(againstRow.locator('[data-field="labels"]'))).toBe('labelled hotfix');
    // The denial is told on the deploy's own page, however old the decision is.
    await againstRow.getByRole('link', { name: /the denial/ }).click();
    const denial = page.locator(`[id="gate-decision"] [data-decision="${decision.id}"]`);
    await denial.waitFor();
    expect(new URL(page.url()).pathname).toBe(
      `/services/checkout/deploys/${(against.body as { id: string }).id}`,
    );
    expect(new URL(page.url()).hash).toBe('#gate-decision');
    expect(await text(denial.locator('[data-field="answer"]'))).toContain('held');
    expect(
      (await denial.locator('[data-reason]').allTextContents()).map((reason) => reason.trim()),
    ).toEqual(decision.reasons.map((reason) => reason.message));
    await page.goBack();
    await panel.waitFor();

    // DORA's change-failure rate, as the API counts it.
    const figure = await api<{ rate: number | null; failed: number; deploys: number }>(
      '/api/v1/services/checkout/change-failure',
    );
    expect(await text(panel.locator('[data-field="change-failure"] [data-field="rate"]'))).toBe(
      figure.rate === null ? 'no changes' : percent(figure.rate),
    );
    expect(await text(panel.locator('[data-field="change-failure"]'))).toContain(
      `(${String(figure.failed)} of ${String(figure.deploys)} finished deploys`,
    );
    expect(await policy.locator('[data-freeze]').count()).toBe(2);
    await saveScreenshot(page, 'service-deploys');
  });
});
