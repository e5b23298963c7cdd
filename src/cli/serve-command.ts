// `headroom serve`: the API server on SQLite (default) or PostgreSQL, until SIGTERM.
import path from 'node:path';
import v8 from 'node:v8';
import { DEFAULT_BACKGROUND_OPTIONS, type BackgroundOptions } from '../jobs/background-runner.js';
import { SchemaTooNewError } from '../store/migrate.js';
import { sqliteLocation, startHeadroom, type RunningHeadroom } from '../server/headroom-server.js';
import type { DatabaseLocation } from '../store/database.js';
import { ExitCode, type CliIo } from './io.js';

export interface ServeOptions {
  /** host:port, e.g. 127.0.0.1:8420; port 0 picks a free one. */
  readonly listen: string;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly version: string;
}

export interface ServeEnvironment {
  readonly DATABASE_URL?: string | undefined;
  readonly HEADROOM_BOOTSTRAP_TOKEN?: string | undefined;
  /** Operational knobs, in milliseconds; tests shorten them. */
  readonly HEADROOM_EVALUATION_INTERVAL_MS?: string | undefined;
  readonly HEADROOM_LEASE_TTL_MS?: string | undefined;
  readonly HEADROOM_LEASE_TICK_MS?: string | undefined;
  /** Data sources name their credentials by environment variable ({ env: NAME }). */
  readonly [name: string]: string | undefined;
}

/** Resolves when the server has stopped (after SIGTERM or SIGINT). */
export async function runServe(
  options: ServeOptions,
  io: CliIo,
  env: ServeEnvironment,
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`error: ${message}\n`);
    return ExitCode.usage;
  };
  const address = parseListen(options.listen);
  if (address === undefined) {
    return fail(`--listen ${JSON.stringify(options.listen)} is not host:port, e.g. 127.0.0.1:8420`);
  }
  const background = backgroundOptions(env);
  if (typeof background === 'string') return fail(background);
  const database: DatabaseLocation =
    env.DATABASE_URL !== undefined && env.DATABASE_URL !== ''
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : sqliteLocation(path.resolve(io.cwd, options.dataDir));
  if (database.kind === 'postgres' && !/^postgres(ql)?:\/\//.test(database.url)) {
    return fail('DATABASE_URL must be a postgres:// URL');
  }

  keepShortLivedObjectsYoung();
  let server: RunningHeadroom;
  try {
    server = await startHeadroom({
      host: address.host,
      port: address.port,
      database,
      bootstrapToken: emptyToUndefined(env.HEADROOM_BOOTSTRAP_TOKEN),
      version: options.version,
      background,
      logger: { level: options.logLevel },
      env,
    });
  } catch (error) {
    if (error instanceof SchemaTooNewError) return fail(error.message);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`error: cannot start: ${message}\n`);
    return ExitCode.unreachable;
  }
  // The signal handlers go in before the server is announced: whoever reads that line
  // and stops the server at once gets a clean stop, not the signal's default action.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
      io.stderr.write(`${signal}: finishing in-flight requests and stopping\n`);
      server.close().then(resolve, (error: unknown) => {
        io.stderr.write(`error while stopping: ${String(error)}\n`);
        resolve();
      });
    };
    const onTerm = (): void => {
      stop('SIGTERM');
    };
    const onInt = (): void => {
      stop('SIGINT');
    };
    signals.on('SIGTERM', onTerm);
    signals.on('SIGINT', onInt);
  });
  io.stderr.write(
    `headroom ${options.version} serving ${server.url} (database: ${server.database.description})\n`,
  );
  if (server.bootstrapToken !== undefined) {
    io.stderr.write(
      `\nAn admin token was created for this new database. It is shown only now; keep it safe:\n\n  ${server.bootstrapToken}\n\n  export HEADROOM_URL=${server.url} HEADROOM_TOKEN=${server.bootstrapToken}\n\n`,
    );
  }

  await stopped;
  return ExitCode.ok;
}

function parseListen(listen: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  if (match === null) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

function backgroundOptions(env: ServeEnvironment): BackgroundOptions | string {
  const read = (name: keyof ServeEnvironment, fallback: number): number | string => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    return Number.isInteger(value) && value > 0
      ? value
      : `${name} must be a positive whole number of milliseconds`;
  };
  const intervalMs = read('HEADROOM_EVALUATION_INTERVAL_MS', DEFAULT_BACKGROUND_OPTIONS.intervalMs);
  const leaseTtlMs = read('HEADROOM_LEASE_TTL_MS', DEFAULT_BACKGROUND_OPTIONS.leaseTtlMs);
  const tickMs = read('HEADROOM_LEASE_TICK_MS', DEFAULT_BACKGROUND_OPTIONS.tickMs);
  for (const value of [intervalMs, leaseTtlMs, tickMs]) if (typeof value === 'string') return value;
  return { intervalMs: Number(intervalMs), leaseTtlMs: Number(leaseTtlMs), tickMs: Number(tickMs) };
}

function emptyToUndefined(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

/**
 * V8 moves an allocation site's objects straight to the old generation once most of
 * them outlived a young-generation collection. The evaluation cycle holds a thousand
 * SLO statuses across turns of the event loop; the gate computes the same statuses, at
 * the same allocation sites, and drops them within a millisecond. Pretenured, each
 * check's statuses then filled the old generation and set off a full collection every
 * five seconds or so at a thousand checks a second, each answering the checks around
 * it 15 to 80 ms late: the gate's 99th percentile over half a minute (docs/server.md).
 * Without pretenuring, short-lived objects die young, as they should.
 */
function keepShortLivedObjectsYoung(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
