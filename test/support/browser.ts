// Headless chromium for the web UI tests and benchmark: Debian's chromium, driven by
// playwright-core. Missing chromium or a missing UI build fail with what to do.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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
