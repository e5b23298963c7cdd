// The incident screens in headless chromium against a server seeded with the example
// config (incidents.yaml included: its severity scale and runbook) and events: declare
// through the form, find the incident in the list, on the overview and on its service,
// update it, hand over a role, draft and edit the postmortem, and add action items.
// Every number shown is compared with the API's answer, formatted here independently.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { parseInline, parseMarkdown } from '../../src/web/markdown/parse.js';
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

interface Incident {
  id: number;
  ref: string;
  title: string;
  severity: string;
  severityMeaning: string | null;
  status: string;
  services: string[];
  startedAt: string;
  detectedAt: string;
  acknowledgedAt: string;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  timeToDetectSeconds: number;
  timeToAcknowledgeSeconds: number;
  timeToMitigateSeconds: number | null;
  timeToResolveSeconds: number | null;
  roles: Record<string, { person: string } | null>;
  roleHistory: { role: string; from: string | null; to: string | null }[];
  updates: { status: string; message: string | null }[];
  incidentResponse: { reasons: string[] };
  runbooks: { name: string }[];
}

interface BudgetImpact {
  slos: {
    slo: string;
    budgetConsumed: number | null;
    events: { bad: number; total: number } | null;
  }[];
}

interface Postmortem {
  markdown: string;
  revision: number;
  status: string;
  unwrittenSections: string[];
  blamelessFindings: { line: number; column: number; sentence: string; suggestion: string }[];
}

const instant = instantText;
const count = (value: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value);
function duration(seconds: number | null): string {
  if (seconds === null) return 'not yet';
  if (seconds < 60) return `${String(Math.floor(seconds))}s`;
  const totalMinutes = Math.floor(seconds / 60);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts = [
    days > 0 ? `${String(days)}d` : '',
    hours > 0 ? `${String(hours)}h` : '',
    minutes > 0 ? `${String(minutes)}m` : '',
  ].filter((part) => part !== '');
  if (parts.length === 0) return '0m';
  return (days > 0 ? parts.slice(0, 2) : parts).join(' ');
}

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');

describe('the incident screens', BROWSER_TEST_LIMIT, () => {
  let headroom: TestHeadroom;
  let browser: Browser;
  let page: Page;
  let incident: Incident;

  const api = <T>(route: string): Promise<T> => readOk<T>(headroom, route);

  /** The times panel shows each instant and its duration from the start as the API has them. */
  const expectTimes = async (current: Incident) => {
    const times = page.locator('[data-panel="times"]');
    const rows: [string, string | null, number | null, string][] = [
      ['detected', current.detectedAt, current.timeToDetectSeconds, 'to detect'],
      ['acknowledged', current.acknowledgedAt, current.timeToAcknowledgeSeconds, 'to acknowledge'],
      ['mitigated', current.mitigatedAt, current.timeToMitigateSeconds, 'to mitigate'],
      ['resolved', current.resolvedAt, current.timeToResolveSeconds, 'to resolve'],
    ];
    expect(await text(times.locator('[data-time="started"] [data-field="at"]'))).toBe(
      instant(current.startedAt),
    );
    for (const [name, at, seconds, label] of rows) {
      const row = times.locator(`[data-time="${name}"]`);
      expect(await text(row.locator('[data-field="at"]')), name).toBe(
        at === null ? 'not yet' : instant(at),
      );
      expect(await text(row.locator('[data-field="duration"]')), name).toBe(
        seconds === null ? 'not yet' : `${duration(seconds)} ${label}`,
      );
    }
  };

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

  it('says how to declare an incident while there is none', async () => {
    await page.goto(`${headroom.url}/incidents`);
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    const empty = page.locator('[data-empty-state]');
    expect(await text(empty)).toContain('headroom incident declare');
    expect(await empty.getByRole('button', { name: 'Declare incident' }).count()).toBe(1);
    await saveScreenshot(page, 'incidents-empty');
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('[data-panel="incidents"]', { hasText: 'None open' }).waitFor();
  });

  it('declares an incident through the form, then shows it', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Incidents' })
      .click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    await page.locator('.screen-header').getByRole('button', { name: 'Declare incident' }).click();
    const form = page.locator('form[data-form="declare"]');
    // Mistakes are told next to their field before anything is sent.
    await form.getByRole('button', { name: 'Declare' }).click();
    expect(await text(form.locator('[data-field-error="title"]'))).toContain('title');
    expect(await text(form.locator('[data-field-error="services"]'))).toContain('service');
    expect(await form.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    // No severity is chosen for the person (the first, SEV1, pages the incident-response
    // rotation): a placeholder until one is, and a message when none is.
    expect(await form.getByLabel('Severity').inputValue()).toBe('');
    expect(await text(form.locator('[data-field-error="severity"]'))).toContain(
      'Choose a severity',
    );
    expect(await form.getByLabel('Severity').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Title').fill('Checkout failing payments');
    await form.getByLabel('Severity').selectOption('SEV2');
    expect(await form.locator('[data-field-error="severity"]').textContent()).toBe('');
    await form.getByRole('checkbox', { name: /^checkout/ }).check();
    await form.getByRole('checkbox', { name: /^payments-api/ }).check();
    await form.getByLabel('Summary (optional)').fill('Card payments fail at the last step.');
    // The impact began two hours before now (the server's clock): its budget counts.
    await form.getByLabel('Impact started (UTC, optional)').fill('2026-10-31T22:00');
    await saveScreenshot(page, 'incident-declare');
    await form.getByRole('button', { name: 'Declare' }).click();
    await page.waitForURL(/\/incidents\/\d+$/);
    const id = Number(/\/incidents\/(\d+)$/.exec(page.url())?.[1]);
    incident = await api<Incident>(`/api/v1/incidents/${String(id)}`);
    expect(incident.title).toBe('Checkout failing payments');
    expect(incident.startedAt).toBe('2026-10-31T22:00:00.000Z');

    await page.getByRole('heading', { name: /Checkout failing payments/, level: 1 }).waitFor();
    expect(await text(page.locator('h1 [data-field="ref"]'))).toBe(incident.ref);
    // The severity with its meaning (the example's own scale), the status written out.
    expect(incident.severityMeaning).toContain('Major degradation');
    expect(await text(page.locator('[data-field="severity-meaning"]'))).toContain(
      incident.severityMeaning ?? '',
    );
    expect(await text(page.locator('.screen-header [data-incident-status]'))).toContain(
      'investigating',
    );
    for (const service of incident.services) {
      expect(await page.locator(`[data-service="${service}"] a`).getAttribute('href')).toBe(
        `/services/${service}`,
      );
    }
    expect(await text(page.locator('[data-role="commander"] [data-field="person"]'))).toBe(
      incident.roles.commander?.person,
    );
    await expectTimes(incident);

    // SEV2 and a critical service call the incident-response rotation in.
    expect(incident.incidentResponse.reasons.length).toBeGreaterThan(0);
    const reasons = page.locator('[data-field="incident-response"] [data-reason]');
    expect((await reasons.allTextContents()).length).toBe(incident.incidentResponse.reasons.length);
    expect(
      await page.locator(`[data-reason="${incident.incidentResponse.reasons[0] ?? ''}"]`).count(),
    ).toBe(1);
    expect(incident.runbooks.map((runbook) => runbook.name)).toContain('checkout-errors');
    expect(await page.locator('[data-runbook="checkout-errors"]').count()).toBe(1);

    const impact = await api<BudgetImpact>(`/api/v1/incidents/${String(id)}/budget-impact`);
    expect(impact.slos.length).toBeGreaterThan(0);
    expect(impact.slos.some((slo) => (slo.budgetConsumed ?? 0) > 0)).toBe(true);
    for (const slo of impact.slos) {
      const row = page.locator(`[data-impact="${slo.slo}"]`);
      expect(await text(row.locator('[data-field="consumed"]')), slo.slo).toBe(
        slo.budgetConsumed === null ? '—' : budgetChangeText(slo.budgetConsumed),
      );
      expect(await text(row.locator('[data-field="bad"]')), slo.slo).toBe(
        slo.events === null ? '—' : `${count(slo.events.bad)} of ${count(slo.events.total)}`,
      );
    }

    const timeline = await api<{ text: string }[]>(`/api/v1/incidents/${String(id)}/timeline`);
    const entries = page.locator('.incident-timeline li');
    await entries.nth(timeline.length - 1).waitFor();
    expect(await entries.count()).toBe(timeline.length);
    expect(await text(entries.first().locator('[data-field="text"]'))).toContain(
      timeline[0]?.text ?? '',
    );
    await saveScreenshot(page, 'incident');
  });

  it('says a budget that grew back during the incident was regained, not a negative spend', async () => {
    // Only an SLI read from Prometheus is measured by the remaining budget at both ends,
    // which a calendar window starting afresh in between makes negative; the seeded
    // server reads none from Prometheus, so its answer is given one such SLO.
    const path = `/api/v1/incidents/${String(incident.id)}/budget-impact`;
    const changed = (await api<BudgetImpact>(path)).slos[0]?.slo;
    if (changed === undefined) throw new Error('no SLO in the budget impact');
    const route = `**${path}`;
    const regained = -0.047;
    await page.route(route, async (request) => {
      const answer = (await (await request.fetch()).json()) as BudgetImpact;
      const slos = answer.slos.map((slo) =>
        slo.slo === changed
          ? { ...slo, method: 'remaining-difference', events: null, budgetConsumed: regained }
          : slo,
      );
      await request.fulfill({ json: { ...answer, slos } });
    });
    try {
      await page.reload();
      const row = page.locator(`[data-impact="${changed}"]`);
      await row.waitFor();
      expect(await text(row.locator('[data-field="consumed"]'))).toBe(budgetChangeText(regained));
      expect(await text(row.locator('[data-field="consumed"]'))).toBe('regained 4.7%');
    } finally {
      await page.unroute(route);
    }
  });

  it('lists the incident, on the incidents screen, the overview and its service', async () => {
    await page.getByRole('link', { name: 'Incidents', exact: true }).first().click();
    const row = page.locator(`tr[data-incident="${incident.ref}"]`);
    expect(await text(row.locator('[data-field="title"]'))).toBe(incident.title);
    expect(await text(row.locator('[data-incident-status]'))).toContain('investigating');
    expect(await text(row.locator('[data-field="severity"]'))).toBe('SEV2');
    expect(await text(row.locator('[data-field="commander"]'))).toBe(
      incident.roles.commander?.person,
    );
    expect(await text(row.locator('[data-field="started"]'))).toBe(instant(incident.startedAt));
    expect(await text(row.locator('[data-field="tta"]'))).toBe(
      duration(incident.timeToAcknowledgeSeconds),
    );
    expect(await text(row.locator('[data-field="ttr"]'))).toBe('open');
    await saveScreenshot(page, 'incidents');

    // The filters narrow the list, and are kept in the address.
    await page.getByLabel('Status').selectOption('resolved');
    await page.locator('[data-empty-state]').waitFor();
    expect(page.url()).toContain('status=resolved');
    await page.getByLabel('Status').selectOption('open');
    await row.waitFor();
    await page.getByLabel('Service').selectOption('recommendations');
    await page.locator('[data-empty-state]').waitFor();
    await page.getByLabel('Service').selectOption('checkout');
    await row.waitFor();

    await page.getByRole('link', { name: 'Overview' }).click();
    const open = page.locator(`[data-panel="incidents"] [data-incident="${incident.ref}"]`);
    expect(await text(open)).toContain(incident.title);
    await page.evaluate('document.activeElement.blur()');
    await saveScreenshot(page, 'overview-incidents');

    await page.goto(`${headroom.url}/services/checkout`);
    expect(
      await text(
        page.locator(`[data-panel="service-incidents"] tr[data-incident="${incident.ref}"]`),
      ),
    ).toContain(incident.title);
  });

  it('posts a status update, hands over the commander role, adds a note', async () => {
    await page.goto(`${headroom.url}/incidents/${incident.ref}`);
    // Ten minutes later on the server's clock: the move to monitoring mitigates.
    headroom.clock.set(Date.parse(EXAMPLE_NOW) + 10 * 60_000);
    const status = page.locator('form[data-form="status"]');
    await status.getByLabel('Status').selectOption('monitoring');
    await status
      .getByLabel('Message for stakeholders')
      .fill('Rolled back 2.4.0; error rate falling.');
    await status.getByRole('button', { name: 'Post update' }).click();
    await status.getByRole('status').filter({ hasText: 'Status is now monitoring.' }).waitFor();
    await page.locator('.screen-header [data-incident-status="monitoring"]').waitFor();
    await page
      .locator('[data-time="mitigated"] [data-field="at"]:not(:has-text("not yet"))')
      .waitFor();
    incident = await api<Incident>(`/api/v1/incidents/${String(incident.id)}`);
    expect(incident.updates.at(-1)?.message).toBe('Rolled back 2.4.0; error rate falling.');
    expect(incident.timeToMitigateSeconds).toBe(2 * 3600 + 10 * 60);
    await expectTimes(incident);
    expect(await text(page.locator('[data-panel="updates"]'))).toContain('Rolled back 2.4.0');

    const role = page.locator('form[data-form="role"]');
    await role.getByLabel('Role').selectOption('commander');
    await role.getByLabel('Person').fill('ines');
    await role.getByRole('button', { name: 'Hand over' }).click();
    await role.getByRole('status').filter({ hasText: 'ines is now incident commander.' }).waitFor();
    await page.locator('[data-role="commander"] [data-field="person"]:text-is("ines")').waitFor();
    const handOvers = page.locator('[data-hand-over="commander"]');
    await handOvers.filter({ hasText: '→ ines' }).waitFor();
    incident = await api<Incident>(`/api/v1/incidents/${String(incident.id)}`);
    expect(incident.roles.commander?.person).toBe('ines');
    expect(incident.roleHistory.at(-1)).toMatchObject({ role: 'commander', to: 'ines' });
    expect(await handOvers.count()).toBe(
      incident.roleHistory.filter((change) => change.role === 'commander').length,
    );

    const note = page.locator('form[data-form="note"]');
    await note.getByRole('button', { name: 'Add note' }).click();
    expect(await text(note.locator('[data-field-error="note"]'))).toContain('Write the note');
    await note.getByLabel(/^Note/).fill('Provider status page shows no incident.');
    await note.getByRole('button', { name: 'Add note' }).click();
    await page
      .locator('.incident-timeline [data-field="text"]', {
        hasText: 'Provider status page shows no incident.',
      })
      .waitFor();
    await saveScreenshot(page, 'incident-updated');
  });

  it('drafts the postmortem, saves an edit, and points at a blaming sentence', async () => {
    await page
      .locator('[data-panel="postmortem"]')
      .getByRole('button', { name: 'Draft postmortem' })
      .click();
    await page.waitForURL(`**/incidents/${String(incident.id)}/postmortem`);
    const editor = page.getByLabel('Markdown');
    await editor.waitFor();
    let postmortem = await api<Postmortem>(`/api/v1/incidents/${String(incident.id)}/postmortem`);
    expect(await editor.inputValue()).toBe(postmortem.markdown);
    expect(postmortem.unwrittenSections.length).toBeGreaterThan(0);
    expect(await page.locator('[data-unwritten]').count()).toBe(
      postmortem.unwrittenSections.length,
    );
    // The preview renders the Markdown: the title, the sections, a table.
    const preview = page.locator('[data-field="preview"]');
    expect(await text(preview.locator('h2').first())).toContain(`Postmortem: ${incident.ref}`);
    expect(await preview.locator('h3').count()).toBeGreaterThan(5);
    expect(await preview.locator('table').count()).toBeGreaterThan(0);
    expect(await preview.locator('strong', { hasText: '[to write]' }).count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'postmortem');

    const blaming = 'The payment outage was human error during the rollout.';
    await editor.fill(`${postmortem.markdown}\n${blaming}\n`);
    await page.locator('[data-field="save-state"]', { hasText: 'Unsaved changes.' }).waitFor();
    expect(await text(preview.locator('p', { hasText: blaming }))).toBe(blaming);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('[data-field="save-state"]', { hasText: 'Saved as revision 2.' }).waitFor();
    postmortem = await api<Postmortem>(`/api/v1/incidents/${String(incident.id)}/postmortem`);
    expect(postmortem.revision).toBe(2);
    expect(postmortem.markdown).toContain(blaming);
    const finding = postmortem.blamelessFindings.find((item) =>
      item.sentence.includes('human error'),
    );
    expect(finding).toBeDefined();
    const where = `${String(finding?.line)}:${String(finding?.column)}`;
    const shown = page.locator(`[data-finding="${where}"]`);
    expect(await text(shown.locator('[data-field="sentence"]'))).toBe(finding?.sentence);
    expect(await text(shown.locator('[data-field="suggestion"]'))).toBe(finding?.suggestion);
    // The finding's button puts the caret there.
    await shown.getByRole('button').click();
    const caret = await editor.evaluate(
      (area) => (area as unknown as { selectionStart: number }).selectionStart,
    );
    const lines = postmortem.markdown.split('\n');
    const offset =
      lines.slice(0, (finding?.line ?? 1) - 1).reduce((sum, line) => sum + line.length + 1, 0) +
      (finding?.column ?? 1) -
      1;
    expect(caret).toBe(offset);
    await saveScreenshot(page, 'postmortem-finding');

    // Someone else saves meanwhile: the next save is refused and says so.
    const theirs = await headroom.call(
      'PUT',
      `/api/v1/incidents/${String(incident.id)}/postmortem`,
      {
        body: { markdown: `${postmortem.markdown}\nAn addition from elsewhere.\n`, revision: 2 },
      },
    );
    expect(theirs.status).toBe(200);
    await editor.fill(`${postmortem.markdown}\nMine.\n`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await text(page.locator('[data-field-error="conflict"]'))).toContain(
      'someone saved meanwhile',
    );
    await page.getByRole('button', { name: /Load the saved version/ }).click();
    await page.locator('[data-field="revision"]:text-is("3")').waitFor();
    expect(await editor.inputValue()).toContain('An addition from elsewhere.');

    // Review: publishing waits for the sections still to write.
    await page.getByRole('button', { name: 'Send for review' }).click();
    await page
      .locator('[data-panel="review"] [data-field="review"]:text-is("in-review")')
      .waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    expect(await text(page.locator('[data-panel="review"] [data-field-error="form"]'))).not.toBe(
      '',
    );
    await page.getByRole('button', { name: 'Back to draft' }).click();
    await page.locator('[data-panel="review"] [data-field="review"]:text-is("draft")').waitFor();
  });

  it('adds an action item and marks it done', async () => {
    const form = page.locator('form[data-form="action-item"]');
    await form.getByRole('button', { name: 'Add action item' }).click();
    expect(await text(form.locator('[data-field-error="owner"]'))).toContain('Who owns it');
    await form.getByLabel('Action').fill('Canary every checkout config change');
    await form.getByLabel('Owner').fill('anna');
    await form.getByLabel('Priority').selectOption('P1');
    await form.getByLabel('Due (optional)').fill('2026-11-15');
    await form.getByRole('button', { name: 'Add action item' }).click();
    await form.getByRole('status').filter({ hasText: 'Added for anna' }).waitFor();
    const items = await api<{ id: string; priority: string; status: string; dueAt: string }[]>(
      `/api/v1/action-items?incident=${String(incident.id)}`,
    );
    expect(items).toHaveLength(1);
    const item = items[0];
    expect(item).toMatchObject({
      priority: 'P1',
      status: 'open',
      dueAt: '2026-11-15T23:59:59.000Z',
    });
    const row = page.locator(`[data-action-item="${item?.id ?? ''}"]`);
    expect(await text(row.locator('[data-field="owner"]'))).toBe('anna');
    await row.getByRole('button', { name: /Mark .* done/ }).click();
    await row.locator('[data-field="status"]', { hasText: 'done' }).waitFor();
    const after = await api<{ status: string }[]>(
      `/api/v1/action-items?incident=${String(incident.id)}`,
    );
    expect(after[0]?.status).toBe('done');
    await saveScreenshot(page, 'postmortem-action-items');
  });

  it('keeps the incident screens on reload (deep links), and resolves', async () => {
    await page.reload();
    await page
      .getByRole('heading', { name: new RegExp(`Postmortem: ${incident.ref}`), level: 1 })
      .waitFor();
    await page.goto(`${headroom.url}/incidents/${String(incident.id)}`);
    await page.getByRole('heading', { name: /Checkout failing payments/, level: 1 }).waitFor();
    headroom.clock.set(Date.parse(EXAMPLE_NOW) + 40 * 60_000);
    const resolve = page.locator('form[data-form="resolve"]');
    await resolve.getByLabel('Closing update (optional)').fill('Stable for 30 minutes.');
    await resolve.getByRole('button', { name: 'Resolve incident' }).click();
    await page.locator('.screen-header [data-incident-status="resolved"]').waitFor();
    await page
      .locator('[data-time="resolved"] [data-field="at"]:not(:has-text("not yet"))')
      .waitFor();
    incident = await api<Incident>(`/api/v1/incidents/${String(incident.id)}`);
    expect(incident.status).toBe('resolved');
    await expectTimes(incident);
    expect(await page.locator('form[data-form="resolve"]').count()).toBe(0);
    await page.getByRole('link', { name: 'Incidents', exact: true }).first().click();
    // The open ones are none now: the empty list offers the resolved ones.
    await page.locator('[data-empty-state]').getByRole('button', { name: 'show them too' }).click();
    expect(await page.getByLabel('Status').inputValue()).toBe('all');
    const row = page.locator(`tr[data-incident="${incident.ref}"]`);
    expect(await text(row.locator('[data-field="ttr"]'))).toBe(
      duration(incident.timeToResolveSeconds),
    );
    await saveScreenshot(page, 'incidents-resolved');
    // A shared link with the INC- prefix, in the dark theme.
    await page.goto(`${headroom.url}/incidents/INC-${String(incident.id)}`);
    await page.getByRole('heading', { name: /Checkout failing payments/, level: 1 }).waitFor();
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    while ((await page.getAttribute('html', 'data-theme')) !== 'dark') await toggle.click();
    await page.evaluate('document.activeElement.blur()');
    await saveScreenshot(page, 'incident-dark');
    await page.goto(`${headroom.url}/incidents/${String(incident.id)}/postmortem`);
    await page.getByLabel('Markdown').waitFor();
    await saveScreenshot(page, 'postmortem-dark');
    while ((await page.getAttribute('html', 'data-theme')) !== null) await toggle.click();
    await page.goto(`${headroom.url}/incidents/not-a-number`);
    await page.getByRole('heading', { name: 'No such page' }).waitFor();
  });
});

describe("the postmortem's Markdown reader", () => {
  it('reads headings, paragraphs, nested lists, tables and fenced code', () => {
    const blocks = parseMarkdown(
      [
        '# Title',
        '',
        'A **bold** and _italic_ line',
        'continued.',
        '',
        '- **Roles:**',
        '  - Incident commander: ines',
        '  - Scribe: ivo',
        '- second',
        '',
        '1. first',
        '2. `code | pipe`',
        '',
        '| When | What |',
        '| --- | ---: |',
        '| 10:00 | a \\| b<br>c |',
        '',
        '```yaml',
        '# not a heading',
        '```',
      ].join('\n'),
    );
    expect(blocks.map((block) => block.type)).toEqual([
      'heading',
      'paragraph',
      'list',
      'list',
      'table',
      'code',
    ]);
    const list = blocks[2];
    expect(list?.type === 'list' && list.items[0]?.map((block) => block.type)).toEqual([
      'paragraph',
      'list',
    ]);
    const table = blocks[4];
    expect(table?.type === 'table' && table.align).toEqual([null, 'right']);
    expect(table?.type === 'table' && table.rows[0]?.[1]).toEqual([
      { type: 'text', text: 'a | b' },
      { type: 'break' },
      { type: 'text', text: 'c' },
    ]);
    expect(blocks[5]).toEqual({ type: 'code', lang: 'yaml', text: '# not a heading' });
  });

  it('keeps HTML as text and drops links that would run script', () => {
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([
      { type: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
    expect(parseInline('[click](javascript:alert(1))')).toEqual([
      { type: 'span', children: [{ type: 'text', text: 'click' }] },
    ]);
    expect(parseInline('[docs](https://sre.google/)')).toEqual([
      { type: 'link', href: 'https://sre.google/', children: [{ type: 'text', text: 'docs' }] },
    ]);
    expect(parseInline('snake_case_name and *a **b** c*')).toEqual([
      { type: 'text', text: 'snake_case_name and ' },
      {
        type: 'em',
        children: [
          { type: 'text', text: 'a ' },
          { type: 'strong', children: [{ type: 'text', text: 'b' }] },
          { type: 'text', text: ' c' },
        ],
      },
    ]);
  });
});
