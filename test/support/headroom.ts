// A Headroom server started in-process for API tests: a fresh database, a known admin
// token, a settable clock, no background loop (tests run cycles themselves).
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Clock } from '../../src/app/ports/clock.js';
import type { LoggerOptions } from '../../src/server/build-server.js';
import { startHeadroom, type RunningHeadroom } from '../../src/server/headroom-server.js';
import type { TestDatabase, TestDatabaseKind } from '../../src/store/test-databases.js';
import { repositoryRoot } from '../../src/cli/captured-io.js';

export const ADMIN_TOKEN = 'hr_test-admin-token-0123456789abcdef';

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as is, with this content type. */
  readonly raw?: { readonly content: string | Buffer; readonly contentType: string };
  /** Bearer credential; the admin token unless given (null: none). */
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
}

export interface TestHeadroom {
  readonly url: string;
  readonly server: RunningHeadroom;
  readonly clock: Clock & { set(ms: number): void };
  call(method: string, route: string, options?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestHeadroom(
  kind: TestDatabaseKind,
  options: {
    readonly now?: string;
    readonly bodyLimitBytes?: number;
    readonly env?: Readonly<Record<string, string>>;
    /** The server's log (default: none), e.g. into an array to read its warnings. */
    readonly logger?: LoggerOptions;
  } = {},
): Promise<TestHeadroom> {
  const database: TestDatabase = await kind.create();
  let now = Date.parse(options.now ?? '2026-11-01T00:00:00Z');
  const clock = { now: () => now, set: (ms: number) => void (now = ms) };
  // A server that fails to start must not leave its schema behind: Kysely's migrator
  // finds migration tables in any schema, and would then refuse every later run.
  const server = await startHeadroom({
    host: '127.0.0.1',
    port: 0,
    database: database.location,
    bootstrapToken: ADMIN_TOKEN,
    version: 'test',
    background: false,
    clock,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return {
    url: server.url,
    server,
    clock,
    call: (method, route, callOptions = {}) => call(server.url, method, route, callOptions),
    close: async () => {
      await server.close();
      await database.drop();
    },
  };
}

async function call(
  base: string,
  method: string,
  route: string,
  options: CallOptions,
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) {
    body = options.raw.content;
    headers['content-type'] = options.raw.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(new URL(route, base), {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
    parsed = JSON.parse(text) as unknown;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** The documents of examples/config, as the API takes them. */
export async function exampleDocuments(): Promise<unknown[]> {
  const root = path.join(repositoryRoot, 'examples/config');
  const files = [path.join(root, 'services.yaml')];
  for (const name of (await readdir(path.join(root, 'slos'))).sort())
    files.push(path.join(root, 'slos', name));
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).map((document) => document.toJS() as unknown),
  );
}

/** A page's e-mail notifications as its delivery log (the API) shows them, in order. */
export async function pageEmails(headroom: TestHeadroom, pageId: string) {
  const reply = await headroom.call('GET', `/api/v1/pages/${pageId}/notifications`);
  return (
    reply.body as {
      key: string;
      channel: string;
      destination: string;
      status: string;
      nextAttemptAt: string | null;
    }[]
  ).filter((notification) => notification.channel === 'email');
}
