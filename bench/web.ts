// `npm run bench:web`: the overview with 1,000 SLOs in headless chromium, against
// `headroom serve` on SQLite, and the JavaScript the UI ships. Figures, not assertions.
// Targets: under 1 s to interactive, under 250 KB of JavaScript gzipped.
//
// Each run loads the overview in a fresh browser context (cold: nothing cached), then
// reloads it (warm), with the token already in the tab's session, so the overview loads
// at once. Inside the page a script records: first contentful paint; the first render
// (the first budget bars in the DOM: a screenful is drawn at once, the rest follows in
// slices that leave the main thread free between them); interactive (a task queued at
// the first render has run); the longest main-thread task after that (the worst wait
// for input while the rest is drawn); when all 1,000 bars are in the DOM; and how long
// a name typed into the filter then takes to narrow the list.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { api, spawnServer, type ServerProcess } from '../test/support/process.js';
import { formatTable, median } from './timing.js';

const TOKEN = 'hr_bench-admin-token-0123456789abcdef';
const TEAMS = 10;
const SERVICES = 100;
const SLOS_PER_SERVICE = 10;
const SLOS = SERVICES * SLOS_PER_SERVICE;
const PRELOAD_MINUTES = 3 * 60;
const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 7);
const TIERS = ['critical', 'standard', 'low'] as const;

const webRoot = fileURLToPath(new URL('../web/', import.meta.url));
const serviceName = (index: number) => `svc-${String(index).padStart(3, '0')}`;
const sloName = (service: number, slo: number) => `${serviceName(service)}-slo-${slo}`;
const FILTER = sloName(42, 3);
/** The overview's one read: everything it draws. */
const MAIN_READ = '/api/v1/overview';

function documents(): unknown[] {
  const docs: unknown[] = [];
  for (let service = 0; service < SERVICES; service += 1) {
    docs.push({
      apiVersion: 'headroom/v1',
      kind: 'Service',
      metadata: { name: serviceName(service) },
      spec: { team: `team-${String(service % TEAMS)}`, tier: TIERS[service % TIERS.length] },
    });
    for (let slo = 0; slo < SLOS_PER_SERVICE; slo += 1) {
      docs.push({
        apiVersion: 'headroom/v1',
        kind: 'SLO',
        metadata: { name: sloName(service, slo) },
        spec: {
          service: serviceName(service),
          sli: { ratio: null },
          objective: 99.9,
          window: '30d',
        },
      });
    }
  }
  return docs;
}

/** Counts with some bad minutes, so that budgets differ and a few alerts fire. */
function counts(service: number, endMinute: number): string {
  const lines: string[] = [];
  for (let minute = endMinute - PRELOAD_MINUTES; minute < endMinute; minute += 1) {
    const ts = new Date(minute * 60_000).toISOString();
    for (let slo = 0; slo < SLOS_PER_SERVICE; slo += 1) {
      const total = 1000 + ((minute * 7 + slo) % 100);
      const bad = (minute + slo + service) % 97 === 0 ? 40 + slo : minute % 3;
      lines.push(
        `{"ts":"${ts}","slo":"${sloName(service, slo)}","good":${total - bad},"total":${total}}`,
      );
    }
  }
  return lines.join('\n');
}

// Runs in the page before its own scripts; writes window.__bench.
const PROBE = `
(() => {
  const bench = (window.__bench = { longestTask: 0 });
  const bars = () => document.querySelectorAll('[data-budget-bar]').length;
  // Long tasks (50 ms or more) after the first render: the longest is the worst wait
  // for a click or a keystroke while the rest of the list is drawn.
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) {
      if (bench.firstBars !== undefined && task.startTime >= bench.firstBars) {
        bench.longestTask = Math.max(bench.longestTask, task.duration);
      }
    }
  }).observe({ type: 'longtask' });
  const observer = new MutationObserver(() => {
    const count = bars();
    if (bench.firstBars === undefined && count > 0) {
      bench.firstBars = performance.now();
      setTimeout(() => {
        bench.interactive = performance.now();
      }, 0);
    }
    if (bench.rendered !== undefined || count < ${SLOS}) return;
    bench.rendered = performance.now();
    observer.disconnect();
    setTimeout(() => {
      const input = document.querySelector('input[type="search"]');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      setValue.call(input, ${JSON.stringify(FILTER)});
      bench.typed = performance.now();
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const answered = () => {
        if (bars() === 1) bench.answered = performance.now();
        else requestAnimationFrame(answered);
      };
      requestAnimationFrame(answered);
    }, 0);
  });
  observer.observe(document, { childList: true, subtree: true });
})();
`;

interface PageFigures {
  readonly fcp: number;
  readonly firstBars: number;
  readonly longestTask: number;
  readonly rendered: number;
  readonly interactive: number;
  readonly inputMs: number;
  readonly apiRequests: number;
  readonly mainMs: number;
  readonly mainBytes: number;
  readonly apiBytes: number;
}

interface Run extends PageFigures {
  readonly scriptMs: number;
  readonly styleLayoutMs: number;
  readonly taskMs: number;
}

type Devtools = Awaited<ReturnType<BrowserContext['newCDPSession']>>;

/** The main thread's busy time so far, in ms: what the page costs, waiting aside. */
async function busyTime(
  devtools: Devtools,
): Promise<Pick<Run, 'scriptMs' | 'styleLayoutMs' | 'taskMs'>> {
  const { metrics } = await devtools.send('Performance.getMetrics');
  const metric = (name: string) =>
    (metrics.find((entry) => entry.name === name)?.value ?? Number.NaN) * 1000;
  return {
    scriptMs: metric('ScriptDuration'),
    styleLayoutMs: metric('RecalcStyleDuration') + metric('LayoutDuration'),
    taskMs: metric('TaskDuration'),
  };
}

/** Waits for the probe to see the filter answered, and reads its figures. */
async function figuresOf(page: Page): Promise<PageFigures> {
  // Polling, not every frame: the waiting must not cost the page its frames.
  await page.waitForFunction('window.__bench.answered !== undefined', undefined, {
    timeout: 60_000,
    polling: 250,
  });
  return page.evaluate<PageFigures>(`(() => {
    const bench = window.__bench;
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const api = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/'));
    const main = api.find((entry) => entry.name.endsWith(${JSON.stringify(MAIN_READ)}));
    return {
      fcp: paint ? paint.startTime : NaN,
      firstBars: bench.firstBars,
      longestTask: bench.longestTask,
      rendered: bench.rendered,
      interactive: bench.interactive,
      inputMs: bench.answered - bench.typed,
      apiRequests: api.length,
      mainMs: main ? main.responseEnd - main.requestStart : NaN,
      mainBytes: main ? main.encodedBodySize : NaN,
      apiBytes: api.reduce((sum, entry) => sum + entry.encodedBodySize, 0),
    };
  })()`);
}

/**
 * Cold: a fresh context (no HTTP cache, no compiled-code cache), as on a first visit.
 * Warm: the same tab reloaded, as for people who keep the overview open or come back
 * (hashed assets are cached for a year; the data is read again).
 */
async function measure(url: string): Promise<{ cold: Run[]; warm: Run[] }> {
  const browser = await launchChromium();
  const cold: Run[] = [];
  const warm: Run[] = [];
  try {
    for (let run = 0; run < RUNS + 1; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      try {
        await context.addInitScript(
          `sessionStorage.setItem('headroom.token', ${JSON.stringify(TOKEN)});`,
        );
        await context.addInitScript(PROBE);
        const page = await context.newPage();
        const devtools = await context.newCDPSession(page);
        await devtools.send('Performance.enable');
        await page.goto(`${url}/`);
        const first = await figuresOf(page);
        const afterFirst = await busyTime(devtools);
        await page.reload();
        const second = await figuresOf(page);
        const afterSecond = await busyTime(devtools);
        // The first context warms the server (and the disk cache); it is not counted.
        if (run === 0) continue;
        cold.push({ ...first, ...afterFirst });
        // The counters start again with the reloaded document.
        warm.push({ ...second, ...afterSecond });
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { cold, warm };
}

function shippedJavaScript(): { file: string; bytes: number; gzipped: number }[] {
  const assets = path.join(webRoot, 'assets');
  return readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const content = readFileSync(path.join(assets, file));
      return { file, bytes: content.length, gzipped: gzipSync(content).length };
    });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

const dataDir = mkdtempSync(path.join(tmpdir(), 'headroom-bench-web-'));
let server: ServerProcess | undefined;
try {
  server = await spawnServer(['--data-dir', dataDir], { HEADROOM_BOOTSTRAP_TOKEN: TOKEN });
  const { url } = server;
  const applied = await api(url, TOKEN, 'POST', '/api/v1/apply', { documents: documents() });
  if (applied.status !== 200) throw new Error(`apply: ${applied.status}`);
  process.stdout.write(`loading ${SLOS} SLOs × ${PRELOAD_MINUTES} minutes of counts\n`);
  const endMinute = Math.floor(Date.now() / 60_000);
  for (let service = 0; service < SERVICES; service += 1) {
    const created = await api(
      url,
      TOKEN,
      'POST',
      `/api/v1/services/${serviceName(service)}/ingest-keys`,
      { name: 'bench' },
    );
    const response = await fetch(new URL('/api/v1/events', url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${(created.body as { key: string }).key}`,
        'content-type': 'application/x-ndjson',
      },
      body: counts(service, endMinute - 1),
    });
    if (response.status !== 200) throw new Error(`preload: ${response.status}`);
  }

  const { cold, warm } = await measure(url);
  const javascript = shippedJavaScript();
  const total = javascript.reduce((sum, asset) => sum + asset.gzipped, 0);
  const overview = javascript
    .filter((asset) => !asset.file.startsWith('SloScreen'))
    .reduce((sum, asset) => sum + asset.gzipped, 0);
  const both = (pick: (run: Run) => number, format: (value: number) => string) => [
    format(median(cold.map(pick))),
    format(median(warm.map(pick))),
  ];

  process.stdout.write(
    `\nThe overview with ${String(SLOS)} SLOs in ${String(SERVICES)} services, headless chromium, median of ${String(RUNS)} loads (cold: new browser context; warm: the same tab reloaded):\n\n${formatTable(
      [
        ['', 'cold', 'warm'],
        ['first contentful paint', ...both((run) => run.fcp, ms)],
        ['first render: the first budget bars in the DOM', ...both((run) => run.firstBars, ms)],
        ['interactive: a task runs right after that', ...both((run) => run.interactive, ms)],
        ['longest main-thread task after the first render', ...both((run) => run.longestTask, ms)],
        ['all 1,000 budget bars in the DOM', ...both((run) => run.rendered, ms)],
        ['then a filter keystroke answered in', ...both((run) => run.inputMs, ms)],
        ['main thread busy until then, all', ...both((run) => run.taskMs, ms)],
        ['  of which script', ...both((run) => run.scriptMs, ms)],
        ['  of which style and layout', ...both((run) => run.styleLayoutMs, ms)],
        ['API requests for the page', ...both((run) => run.apiRequests, String)],
        [`GET ${MAIN_READ}: time`, ...both((run) => run.mainMs, ms)],
        [`GET ${MAIN_READ}: bytes`, ...both((run) => run.mainBytes, kb)],
        ['API bytes for the page, all requests', ...both((run) => run.apiBytes, kb)],
      ],
    )}\n\nJavaScript shipped (dist/web/assets, gzipped with node:zlib):\n\n${formatTable([
      ['asset', 'bytes', 'gzipped'],
      ...javascript.map((asset) => [asset.file, kb(asset.bytes), kb(asset.gzipped)]),
      ['all JavaScript', '', kb(total)],
      ['loaded by the overview (charts load with the SLO page)', '', kb(overview)],
    ])}\n\ntargets: interactive < 1000 ms with 1,000 SLOs; JavaScript < 250 KB gzipped\n`,
  );
} finally {
  server?.child.kill('SIGTERM');
  if (server !== undefined) await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
