// The streams a command talks to, injected so that commands run in-process in tests.
import type { Command } from 'commander';
import type { Readable } from 'node:stream';

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin: Readable;
  /** Progress output only makes sense when a person watches stderr. */
  readonly stderrIsTerminal: boolean;
  readonly cwd: string;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** The answer is "no" (a denied gate, a failed check). */
  no: 1,
  /** Usage or input error: bad flags, invalid config, bad events with --strict. */
  usage: 2,
  /** The server could not be reached. */
  unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The process environment as commands read it (injected in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Gives a subcommand the program's shared settings (output, exit on error) and its usage line. */
export type Configure = (command: Command, usage: string) => Command;

/** The help of every command's --url. */
export const URL_HELP = 'server URL (default: $HEADROOM_URL, else http://127.0.0.1:8420)';
