// What the CLI loads to start: `headroom gate` runs before every deploy in CI, and
// loading the server, the store, the config loader and every country's holidays cost
// it a second at each start. Each command loads its own module (src/cli/main.ts);
// this records what a real start loads, through Node's module hooks (ES modules) and
// the CommonJS cache (packages required from them).
// `npm test` builds first; run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.HEADROOM_LOADED_LOG, url + '\\n');
  return next(url, context);
}`;
const PRELOAD = `
import { createRequire, register } from 'node:module';
import { appendFileSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const required = createRequire(process.argv[1]).cache;
process.on('exit', () => {
  appendFileSync(process.env.HEADROOM_LOADED_LOG, Object.keys(required).join('\\n') + '\\n');
});`;

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'headroom-startup-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Runs bin/headroom and answers what it loaded: our modules under dist/src, and packages. */
async function loadedBy(args: readonly string[]): Promise<{ ours: string[]; packages: string[] }> {
  const log = path.join(directory, `${args.join('_').replace(/[^\w-]/g, '')}.log`);
  await new Promise<void>((resolve) => {
    execFile(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, 'bin/headroom', ...args],
      {
        cwd: root,
        env: { ...process.env, HEADROOM_LOADED_LOG: log, HEADROOM_URL: 'http://127.0.0.1:1' },
      },
      () => {
        resolve();
      },
    );
  });
  const lines = (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '');
  const files = lines.map((line) => (line.startsWith('file:') ? fileURLToPath(line) : line));
  const ours = files
    .filter((file) => file.includes(`${path.sep}dist${path.sep}src${path.sep}`))
    .map((file) => file.slice(file.indexOf(`dist${path.sep}src${path.sep}`) + 9));
  const packages = files
    .filter((file) => file.includes(`${path.sep}node_modules${path.sep}`))
    .map((file) => file.split(`node_modules${path.sep}`).at(-1)?.split(path.sep)[0] ?? '');
  return { ours: [...new Set(ours)], packages: [...new Set(packages)] };
}

// undici: its HTTP parser is WebAssembly, whose optimising compile the process waits
// for at exit (a quarter of a second); the CLI talks through node:http (http-exchange.ts).
const HEAVY_PACKAGES = [
  'fastify',
  'kysely',
  'better-sqlite3',
  'pg',
  'yaml',
  'date-holidays',
  'undici',
];

describe('what the CLI loads to start', () => {
  it('the gate loads neither the server, the store, the config loader nor the holidays', async () => {
    const { ours, packages } = await loadedBy(['gate', '--help']);
    expect(ours).toContain('cli/gate-command.js');
    expect(ours.filter((file) => /^(server|store|config|app)\//.test(file))).toEqual([]);
    expect(ours).not.toContain('cli/incident-command.js');
    expect(packages.filter((name) => HEAVY_PACKAGES.includes(name))).toEqual([]);
  });

  it('the gate asking a server loads no undici', async () => {
    const { packages } = await loadedBy(['gate', 'checkout', '--actor', 'ci']);
    expect(packages).toContain('zod');
    expect(packages.filter((name) => HEAVY_PACKAGES.includes(name))).toEqual([]);
  });

  it('--version loads no command', async () => {
    const { ours } = await loadedBy(['--version']);
    expect(ours.filter((file) => file.endsWith('-command.js'))).toEqual([]);
  });

  it('the gate loads the config loader for --config when the server does not answer', async () => {
    const { ours, packages } = await loadedBy([
      'gate',
      'checkout',
      '--actor',
      'ci',
      '--config',
      'examples/config',
    ]);
    expect(ours).toContain('cli/gate-offline.js');
    expect(ours).toContain('config/load.js');
    expect(packages).toContain('yaml');
  });

  it('help loads every command, so that it can list them', async () => {
    const { ours } = await loadedBy(['--help']);
    expect(ours).toEqual(
      expect.arrayContaining([
        'cli/gate-command.js',
        'cli/incident-command.js',
        'cli/report-command.js',
        'cli/directory-command.js',
        'cli/heartbeat-command.js',
        'cli/approve-command.js',
      ]),
    );
  });
});
