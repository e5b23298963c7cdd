// Headless chromium for the web UI tests and benchmark: Debian's chromium, driven by
// playwright-core. Missing chromium or a missing UI build fail with what to do.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { repositoryRoot } from '../../src/cli/captured-io.js';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the web UI tests drive Debian's chromium. Install it with ` +
        '`apt-get install chromium` (.ci/run does when it is missing).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** dist/web, which `headroom serve` (and startTestHeadroom) serve; built by `npm run build`. */
export function builtUi(): string {
  const root = path.join(repositoryRoot, 'dist/web');
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(
      `${root} holds no built UI: run \`npm run build\` first (\`npm test\` does it before the tests)`,
    );
  }
  return root;
}

export const ARTIFACTS = path.join(repositoryRoot, 'test-artifacts');

/** A full-page screenshot in test-artifacts/, for people to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // From the top: the sticky bar of a scrolled page lands mid-picture otherwise.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(ARTIFACTS, `web-${name}.png`), fullPage: true });
}

/** A browser on a busy two-core machine is slow; the limit only stops a hung test. */
export const BROWSER_TEST_LIMIT = { timeout: 120_000 };

/** A tab of the size the screenshots are taken at. */
export async function newTestPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.setDefaultTimeout(15_000);
  return page;
}

/**
 * A tab signed in through the sign-in screen, as a person would: the token stays in
 * the tab's session, so each test may open any screen by its URL, in any order.
 */
export async function signedInPage(browser: Browser, url: string, token: string): Promise<Page> {
  const page = await newTestPage(browser);
  await page.goto(url);
  const field = page.getByLabel('API token');
  await field.fill(token);
  await page.keyboard.press('Enter');
  await field.waitFor({ state: 'detached' });
  return page;
}

/** The trimmed text of an element, once it is there. */
export async function text(locator: Locator): Promise<string> {
  await locator.waitFor();
  return ((await locator.textContent()) ?? '').trim();
}

/** An instant as the UI shows it (docs/ui.md), formatted here rather than with the UI's code. */
export function instantText(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
