// `headroom serve` as a child process, for tests that kill and restart it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseLocation } from '../../src/store/database.js';

/** bin/headroom, found from this file in the sources (test/support) and in dist/. */
function binary(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(directory, 'bin/headroom'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('bin/headroom not found');
    directory = parent;
  }
  return path.join(directory, 'bin/headroom');
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** What the process printed to stderr so far. */
  readonly stderr: () => string;
  /** Resolves with the exit code or signal when the process has ended. */
  readonly exited: Promise<number | string>;
}

/** How `headroom serve` reaches a test database: a data directory, or DATABASE_URL. */
export function serveOptionsFor(
  location: DatabaseLocation,
  bootstrapToken: string,
): { args: string[]; env: Record<string, string> } {
  return {
    args:
      location.kind === 'sqlite'
        ? ['--data-dir', location.file.replace(/\/headroom\.db$/, '')]
        : [],
    env: {
      HEADROOM_BOOTSTRAP_TOKEN: bootstrapToken,
      ...(location.kind === 'postgres' ? { DATABASE_URL: location.url } : {}),
    },
  };
}

export async function spawnServer(
  args: readonly string[],
  env: Record<string, string>,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [binary(), 'serve', '--listen', '127.0.0.1:0', '--log-level', 'warn', ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not start:\n${stderr}`));
    }, 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before serving:\n${stderr}`));
    });
  });
  return { child, url, stderr: () => stderr, exited };
}

export async function api(
  url: string,
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(route, url), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** A port nothing listens on: taken from the system, then let go. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
