// `headroom heartbeat list|show|pause|resume|rotate-token` and `headroom run --heartbeat
// <name> -- cmd`: cron jobs' checks from the terminal, and a wrapper that pings start,
// then success or failure with the exit status and the tail of the output, like
// runitor does.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:os';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import {
  HEARTBEAT_STATUSES,
  heartbeatDetailSchema,
  heartbeatSchema,
} from '../schema/heartbeats-api.js';
import { pageSchema, type PageView } from '../schema/pages-api.js';
import { formatColumns } from './columns.js';
import { formatHeartbeatDetail, terminalJson } from './heartbeat-format.js';
import {
  ApiError,
  MAX_RETRIES,
  retrying,
  TRANSIENT_NETWORK_CODES,
  withApiClient,
  type ApiClient,
} from './api-client.js';
import { exchange, type HttpAnswer } from './http-exchange.js';
import { OutputTail } from './output-tail.js';
import { wholeNumberUpTo } from './option-parsers.js';
import { ExitCode, type CliIo, URL_HELP, type Configure, type Env } from './io.js';

/**
 * What the wrapper sends as the run's log: the end of the output, where errors are, as
 * much as the server keeps (the `Ping-Body-Limit` of its answer to the start ping), or
 * healthchecks' default when it did not say.
 */
const DEFAULT_OUTPUT_TAIL_BYTES = 10_000;
/** However much a server says it keeps, the most of a job's output held in memory. */
const MAX_OUTPUT_TAIL_BYTES = 1_000_000;
/** For each attempt of a ping: a job waits for its start ping before it runs. */
const PING_TIMEOUT_MS = 5_000;
/** Attempts after the first of a ping that did not get through, as runitor's -retries. */
const DEFAULT_PING_RETRIES = 2;
/**
 * Answers that say "not now" rather than "no": a server restarting behind a proxy, or
 * overloaded. Runitor retries the same ones. Any other answer is final.
 */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export type HeartbeatAction =
  | {
      readonly kind: 'list';
      readonly service: string | undefined;
      readonly status: string | undefined;
    }
  | { readonly kind: 'show'; readonly name: string; readonly pings: number }
  | { readonly kind: 'pause' | 'resume' | 'rotate-token'; readonly name: string };

export async function runHeartbeat(
  action: HeartbeatAction,
  common: { readonly url: string | undefined; readonly json: boolean },
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  return withApiClient(`headroom heartbeat ${action.kind}`, common.url, io, env, async (client) => {
    if (action.kind === 'list') {
      const query = new URLSearchParams();
      if (action.service !== undefined) query.set('service', action.service);
      if (action.status !== undefined) query.set('status', action.status);
      const checks = await client.call(
        'GET',
        `/api/v1/heartbeats${query.size > 0 ? `?${query.toString()}` : ''}`,
        undefined,
        z.array(heartbeatSchema),
      );
      if (common.json) io.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else if (checks.length === 0) io.stdout.write('No heartbeat checks.\n');
      else {
        io.stdout.write(
          formatColumns([
            [
              'NAME',
              'STATUS',
              'SINCE',
              'SERVICE',
              'SCHEDULE',
              'LAST PING',
              'EXPECTED',
              'RUNNING SINCE',
              'WHY',
            ],
            ...checks.map((check) => [
              check.name,
              check.status,
              check.cause?.since ?? '—',
              check.service,
              check.schedule,
              check.lastPingAt ?? '—',
              check.expectedAt ?? '—',
              check.runningSince ?? '—',
              // Up and new need no explaining; late, down and paused do.
              check.status === 'up' || check.status === 'new' ? '' : (check.cause?.text ?? ''),
            ]),
          ]),
        );
      }
      return ExitCode.ok;
    }
    if (action.kind === 'show') {
      const detail = await client.call(
        'GET',
        `/api/v1/heartbeats/${encodeURIComponent(action.name)}`,
        undefined,
        heartbeatDetailSchema,
      );
      // Logs whole: what the job printed, escapes and all, must not reach the terminal raw.
      io.stdout.write(
        common.json
          ? terminalJson(detail)
          : formatHeartbeatDetail(detail, action.pings, await openPagesOf(client, detail)),
      );
      return ExitCode.ok;
    }
    const check = await client.call(
      'POST',
      `/api/v1/heartbeats/${encodeURIComponent(action.name)}/${action.kind}`,
      undefined,
      heartbeatSchema,
    );
    if (common.json) io.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
    else if (action.kind === 'rotate-token') {
      io.stdout.write(
        `${check.name}: new ping URL ${check.pingUrl ?? '(not shown to this token)'}\n` +
          'Update the job (its crontab, CI secret or HEADROOM_PING_URL) to this URL: the old one answers 404 from now on.\n',
      );
    } else io.stdout.write(`${check.name}: ${check.status}\n`);
    return ExitCode.ok;
  });
}

/**
 * The open pages carrying the check's unresolved alert: what `heartbeat show` tells the
 * person who came to look at a down check. None when the token may not read pages.
 */
async function openPagesOf(
  client: ApiClient,
  check: { readonly name: string },
): Promise<PageView[]> {
  try {
    return await client.call(
      'GET',
      `/api/v1/pages?heartbeat=${encodeURIComponent(check.name)}`,
      undefined,
      z.array(pageSchema),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return [];
    throw error;
  }
}

export interface RunOptions {
  readonly heartbeat: string | undefined;
  readonly pingUrl: string | undefined;
  readonly url: string | undefined;
  readonly command: readonly string[];
  /** Attempts after the first of a ping that did not get through (default 2). */
  readonly pingRetries?: number | undefined;
}

/**
 * Runs the command and reports it to its check. The command's own exit code is the
 * wrapper's: a ping that cannot be sent is a warning, never the job's failure.
 */
export async function runWrapped(
  options: RunOptions,
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  const [program, ...args] = options.command;
  if (program === undefined) {
    io.stderr.write(
      'headroom run: give the command after --, e.g. headroom run --heartbeat backup -- ./backup.sh\n',
    );
    return ExitCode.usage;
  }
  const given = options.pingUrl ?? env.HEADROOM_PING_URL ?? (await lookUpPingUrl(options, io, env));
  // `<url>/` would ping `//start`, a URL no check has.
  const pingUrl = typeof given === 'string' ? given.replace(/\/+$/, '') : given;
  if (pingUrl === undefined) {
    io.stderr.write(
      'headroom run: name the check (--heartbeat, with HEADROOM_URL and HEADROOM_TOKEN) or give its URL (--ping-url or HEADROOM_PING_URL)\n',
    );
    return ExitCode.usage;
  }
  const runId = randomUUID();
  const pinger: Pinger | undefined =
    pingUrl === null
      ? undefined
      : { pingUrl, retries: options.pingRetries ?? DEFAULT_PING_RETRIES, io };
  const signals = relaySignals();
  let outcome: { code: number; tail: string };
  try {
    const started =
      pinger === undefined ? undefined : await sendPing(pinger, `/start?rid=${runId}`, undefined);
    const tail = new OutputTail(
      Math.min(started?.bodyLimitBytes ?? DEFAULT_OUTPUT_TAIL_BYTES, MAX_OUTPUT_TAIL_BYTES),
    );
    const before = signals.received;
    outcome =
      before === undefined
        ? await runCommand(program, args, io, signals, tail)
        : {
            code: signalExitCode(before),
            tail: `headroom run: ${before} before ${program} started; it did not run\n`,
          };
  } finally {
    signals.stop();
  }
  const { code, tail } = outcome;
  if (pinger !== undefined)
    await sendPing(pinger, `/${String(Math.min(code, 255))}?rid=${runId}`, tail);
  return code;
}

/** What a supervisor or a person sends to stop a job: systemd and docker stop, Ctrl-C,
 * a closed terminal. */
const RELAYED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

interface SignalRelay {
  /** The first signal the wrapper received, if any. */
  readonly received: NodeJS.Signals | undefined;
  relayTo(child: ChildProcess): void;
  stop(): void;
}

/**
 * Stopping the wrapper stops the command instead, as runitor does: the signal is passed
 * on, the wrapper waits for the command to end and reports how it ended. Dying at once
 * would orphan the job and leave its check running until maxRunTime.
 */
function relaySignals(): SignalRelay {
  let received: NodeJS.Signals | undefined;
  let child: ChildProcess | undefined;
  const relay = (signal: NodeJS.Signals) => {
    received ??= signal;
    child?.kill(signal);
  };
  for (const signal of RELAYED_SIGNALS) process.on(signal, relay);
  return {
    get received() {
      return received;
    },
    relayTo(running) {
      child = running;
    },
    stop() {
      for (const signal of RELAYED_SIGNALS) process.off(signal, relay);
    },
  };
}

/** The shell's exit status for a process ended by a signal. */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/**
 * The check's ping URL from the API; undefined: no check named; null: named, but the
 * server could not say (the job then runs without pings: it matters more).
 */
async function lookUpPingUrl(
  options: RunOptions,
  io: CliIo,
  env: Env,
): Promise<string | null | undefined> {
  const name = options.heartbeat;
  if (name === undefined) return undefined;
  const found: { url?: string | undefined } = {};
  await withApiClient('headroom run', options.url, io, env, async (client) => {
    found.url = (
      await client.call(
        'GET',
        `/api/v1/heartbeats/${encodeURIComponent(name)}`,
        undefined,
        heartbeatDetailSchema,
      )
    ).pingUrl;
    // The check was found but its URL withheld: the token may not change the check.
    if (found.url === undefined)
      io.stderr.write(
        `headroom run: this token may not read the ping URL of "${name}" (only editors of its team and admins may); give the URL with --ping-url or HEADROOM_PING_URL\n`,
      );
    return ExitCode.ok;
  });
  if (found.url === undefined) io.stderr.write('headroom run: running the command without pings\n');
  return found.url ?? null;
}

/** A ping answered 2xx; `bodyLimitBytes`: the log the server keeps of a body, when it said. */
interface PingAccepted {
  readonly bodyLimitBytes: number | undefined;
}

/** The answer's `Ping-Body-Limit` (healthchecks' header; Headroom sends it too), when usable. */
function bodyLimitOf(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['ping-body-limit'];
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value.trim())) return undefined;
  const bytes = Number(value.trim());
  return bytes > 0 ? bytes : undefined;
}

/** Where a run's pings go, and how hard to try. */
interface Pinger {
  readonly pingUrl: string;
  readonly retries: number;
  readonly io: CliIo;
}

/** A ping not taken; `mayPass`: another attempt may get through (a server restarting). */
class PingFailure extends Error {
  constructor(
    message: string,
    readonly mayPass: boolean,
  ) {
    super(message);
  }
}

/**
 * Network failures another attempt may get past: the gate's (a server restarting), and
 * a connection that timed out, which a ping, unlike a gate decision, may send again.
 */
const PASSING_NETWORK_CODES = new Set([...TRANSIENT_NETWORK_CODES, 'ETIMEDOUT']);

/** One attempt at a ping: its answer when 2xx, else a PingFailure saying what went wrong. */
async function pingOnce(
  pingUrl: string,
  signal: string,
  body: string | undefined,
): Promise<PingAccepted> {
  let response: HttpAnswer;
  try {
    response = await exchange(new URL(`${pingUrl}${signal}`), {
      method: 'POST',
      body: body ?? '',
      headers: { 'content-type': 'text/plain; charset=utf-8', 'user-agent': 'headroom-run' },
      timeoutMs: PING_TIMEOUT_MS,
    });
  } catch (error) {
    const { code, name, message } = error as { code?: unknown; name?: unknown; message?: string };
    throw new PingFailure(
      `could not ping ${pingUrl} (${message ?? String(error)})`,
      name === 'TimeoutError' || PASSING_NETWORK_CODES.has(String(code)),
    );
  }
  if (response.status >= 200 && response.status < 300)
    return { bodyLimitBytes: bodyLimitOf(response.headers) };
  const answer = response.text.trim().slice(0, 300);
  const hint =
    response.status === 404
      ? ': no check has this URL; copy it from `headroom heartbeat show <name>` or the check’s page'
      : answer === ''
        ? ''
        : ` (${answer})`;
  throw new PingFailure(
    `the ping to ${pingUrl} was answered ${String(response.status)}${hint}`,
    RETRIED_STATUSES.has(response.status),
  );
}

/**
 * Sends one ping, trying again after a failure that may pass (a server restarting, a
 * proxy without a backend for a moment): a lost end ping would page someone for a
 * job that ran. Undefined when it was not taken, which it has said on stderr. A ping
 * that got through but whose answer was lost may be stored twice: the check's state is
 * what the first left.
 */
async function sendPing(
  pinger: Pinger,
  signal: string,
  body: string | undefined,
): Promise<PingAccepted | undefined> {
  const { io } = pinger;
  try {
    return await retrying(
      () => pingOnce(pinger.pingUrl, signal, body),
      pinger.retries,
      (error) => error instanceof PingFailure && error.mayPass,
      (error, waitMs) => {
        io.stderr.write(
          `headroom run: ${(error as Error).message}; trying again in ${String(waitMs / 1000)} s\n`,
        );
      },
    );
  } catch (error) {
    io.stderr.write(`headroom run: ${(error as Error).message}\n`);
    return undefined;
  }
}

/**
 * How long the output of a command that exited is still read. Processes it left behind
 * (`job &`, a daemon it started) hold its stdout and stderr open, maybe for hours: the
 * run is over when the command exits, and what it wrote just before is read within this.
 */
const OUTPUT_DRAIN_MS = 1000;

/** Runs the program with the wrapper's stdin, copying its output through and keeping the tail. */
function runCommand(
  program: string,
  args: readonly string[],
  io: CliIo,
  signals: SignalRelay,
  tail: OutputTail,
): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    const keep = (chunk: Buffer) => {
      tail.push(chunk);
    };
    const child = spawn(program, args, { stdio: ['inherit', 'pipe', 'pipe'], cwd: io.cwd });
    signals.relayTo(child);
    // Decoders keep a character split between two chunks whole.
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    child.stdout.on('data', (chunk: Buffer) => {
      io.stdout.write(out.write(chunk));
      keep(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      io.stderr.write(err.write(chunk));
      keep(chunk);
    });
    child.on('error', (error) => {
      const text = `headroom run: cannot run ${program}: ${error.message}\n`;
      io.stderr.write(text);
      keep(Buffer.from(text));
      // The shell's code for a command that could not be run.
      resolve({ code: 127, tail: tail.text() });
    });
    // 'exit', not 'close': 'close' waits for every process holding the output pipes.
    child.on('exit', (code, signal) => {
      const signalled = signal === null ? undefined : constants.signals[signal];
      void drained([child.stdout, child.stderr], OUTPUT_DRAIN_MS).then(() => {
        io.stdout.write(out.end());
        io.stderr.write(err.end());
        resolve({ code: code ?? 128 + (signalled ?? 0), tail: tail.text() });
      });
    });
  });
}

/**
 * Resolves once the streams have ended, or after `ms` at the latest, and then stops
 * reading them: a pipe still open would keep the wrapper running as long as whatever
 * holds its other end (left alone: it sees a closed pipe only if it writes).
 */
function drained(streams: readonly Readable[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    let open = streams.filter((stream) => !stream.readableEnded && !stream.destroyed).length;
    const done = () => {
      clearTimeout(timer);
      for (const stream of streams) stream.destroy();
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (open === 0) done();
    for (const stream of streams) {
      if (stream.readableEnded || stream.destroyed) continue;
      stream.once('close', () => {
        open -= 1;
        if (open === 0) done();
      });
    }
  });
}

/** Adds `heartbeat` and `run` to the program. */
export function addHeartbeatCommands(
  program: Command,
  configure: Configure,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const heartbeat = program
    .command('heartbeat')
    .description("Cron jobs' heartbeat checks: list, show, pause, resume, rotate-token.");
  configure(heartbeat.command('list'), 'headroom heartbeat list')
    .description(
      'Checks with their state, last ping, when the next run is expected and since when a run is going.',
    )
    .option('-s, --service <name>', 'only this service’s checks')
    .addOption(
      new Option('--status <status>', 'only checks in this state').choices(HEARTBEAT_STATUSES),
    )
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', URL_HELP)
    .action(
      async (options: { service?: string; status?: string; json?: boolean; url?: string }) => {
        setExitCode(
          await runHeartbeat(
            { kind: 'list', service: options.service, status: options.status },
            { url: options.url, json: options.json === true },
            io,
          ),
        );
      },
    );
  configure(heartbeat.command('show'), 'headroom heartbeat show')
    .description(
      'One check: why it is in its state, its ping URL, what is expected next, and its recent pings with their exit status, run time and last line of output.',
    )
    .argument('<name>', 'the check')
    .addOption(
      new Option(
        '--pings <n>',
        'how many of the newest pings to list (1 to 100: the API returns the last 100)',
      )
        .default(10)
        .argParser(wholeNumberUpTo(100)),
    )
    .option('--json', 'print the API answer as JSON: the last 100 pings with their whole logs')
    .option('--url <url>', URL_HELP)
    .action(async (name: string, options: { pings: number; json?: boolean; url?: string }) => {
      setExitCode(
        await runHeartbeat(
          { kind: 'show', name, pings: options.pings },
          { url: options.url, json: options.json === true },
          io,
        ),
      );
    });
  for (const kind of ['pause', 'resume'] as const) {
    configure(heartbeat.command(kind), `headroom heartbeat ${kind}`)
      .description(
        kind === 'pause'
          ? 'Pause a check: no lateness, no pages, until resumed or pinged.'
          : 'Resume a check: it waits for the next ping.',
      )
      .argument('<name>', 'the check')
      .option('--json', 'print the check as JSON')
      .option('--url <url>', URL_HELP)
      .action(async (name: string, options: { json?: boolean; url?: string }) => {
        setExitCode(
          await runHeartbeat({ kind, name }, { url: options.url, json: options.json === true }, io),
        );
      });
  }

  configure(heartbeat.command('rotate-token'), 'headroom heartbeat rotate-token')
    .description(
      'Give a check a new ping URL (the old one leaked): the old URL answers 404 at once, with no grace period; state and pings stay.',
    )
    .argument('<name>', 'the check')
    .option('--json', 'print the check, with its new pingUrl, as JSON')
    .option('--url <url>', URL_HELP)
    .action(async (name: string, options: { json?: boolean; url?: string }) => {
      setExitCode(
        await runHeartbeat(
          { kind: 'rotate-token', name },
          { url: options.url, json: options.json === true },
          io,
        ),
      );
    });

  configure(program.command('run'), 'headroom run')
    .description(
      'Run a command and report it to its heartbeat check: start, then its exit status and the tail of its output.',
    )
    .option(
      '--heartbeat <name>',
      'the check (its ping URL is read with HEADROOM_URL and HEADROOM_TOKEN)',
    )
    .option('--ping-url <url>', 'the check’s ping URL (default: $HEADROOM_PING_URL)')
    .option(
      '--ping-retries <n>',
      'times to try a ping again that got no answer or a 408, 429, 500, 502, 503 or 504, after 1 s, 2 s… (default: 2)',
      wholeNumberUpTo(MAX_RETRIES, 0),
    )
    .option('--url <url>', URL_HELP)
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText(
      'after',
      `
The end of its output goes with its exit status: as much as the server's answer to
the start ping says it keeps (Ping-Body-Limit), else 10,000 bytes.

Exits with the command's exit code (127 when it cannot be run). SIGTERM, SIGINT and
SIGHUP are passed on to the command; its end is reported (128 + the signal's number
when it died of it) and is the wrapper's exit code. A ping that fails is a warning on
stderr naming the URL: the job still runs. A ping that got no answer, or a 408, 429,
500, 502, 503 or 504, is tried again (--ping-retries) after 1 s, then 2 s.

Examples:
  headroom run --heartbeat nightly-backup -- /usr/local/bin/backup.sh --full
  HEADROOM_PING_URL=https://headroom.example.com/ping/<token> headroom run -- ./export.sh`,
    )
    .action(
      async (
        command: string[],
        options: { heartbeat?: string; pingUrl?: string; pingRetries?: number; url?: string },
      ) => {
        setExitCode(
          await runWrapped(
            {
              heartbeat: options.heartbeat,
              pingUrl: options.pingUrl,
              pingRetries: options.pingRetries,
              url: options.url,
              command,
            },
            io,
          ),
        );
      },
    );
}
