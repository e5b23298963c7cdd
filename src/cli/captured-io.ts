// A CliIo that keeps what a command prints, so tests run commands in-process.
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './io.js';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CapturedIo {
  readonly io: CliIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function captureIo(
  options: { stdin?: string; terminal?: boolean; cwd?: string } = {},
): CapturedIo {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
      stderrIsTerminal: options.terminal ?? false,
      cwd: options.cwd ?? repositoryRoot,
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
