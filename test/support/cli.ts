// The built CLI as a separate process against a test server (`npm test` builds first).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN } from './headroom.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/headroom with HEADROOM_URL set and the admin token unless `env` says otherwise. */
export function runCli(
  args: readonly string[],
  url: string,
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/headroom', ...args],
      {
        cwd: root,
        env: { ...process.env, HEADROOM_URL: url, HEADROOM_TOKEN: ADMIN_TOKEN, ...env },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
