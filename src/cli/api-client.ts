// The CLI's side of the Headroom API: one call, one parsed answer, or one ApiError
// that already knows the exit code and says what went wrong in words a person can
// act on (which URL, which field). Commands print `formatApiError` and return.
import type { z } from 'zod';
import { problemSchema, type Problem } from '../schema/api.js';
import { exchange } from './http-exchange.js';
import { ExitCode, type CliIo, type Env } from './io.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:8420';
const DEFAULT_TIMEOUT_MS = 30_000;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:8420; a path prefix is kept. */
  readonly url: string;
  /** The API token (`HEADROOM_TOKEN`); none: requests go unauthenticated. */
  readonly token: string | undefined;
  /** For the whole call: connecting, waiting and reading the answer. */
  readonly timeoutMs?: number;
}

/**
 * The option (or argument) of a command that set each field of its request body, by
 * the field's name: `{ expiresAt: '--expires' }`. A refusal then names what the person
 * typed, not the API's field.
 */
export type FieldOptions = Readonly<Record<string, string>>;

export interface ApiClient {
  readonly url: string;
  call<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    responseSchema: z.ZodType<T>,
    fieldOptions?: FieldOptions,
    /** Request headers of the call's own, e.g. an Idempotency-Key. */
    extraHeaders?: Readonly<Record<string, string>>,
  ): Promise<T>;
  /** A GET answered in another format than JSON (Markdown, HTML): the body as text. */
  text(path: string, accept: string): Promise<string>;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    message: string,
    /** `ExitCode.usage` for the caller's mistakes (4xx), `ExitCode.unreachable` otherwise. */
    readonly exitCode: ExitCode,
    /** The field errors of a problem response, as `path: message`. */
    readonly details: readonly string[] = [],
    readonly status?: number,
    readonly problem?: Problem,
    /**
     * `unavailable`: no connection, no answer in time, or a 5xx; `notUnderstood`: an
     * answer that is not Headroom's (a login page, a redirect, another version);
     * `refused`: a 4xx. The deploy gate falls back to onUnavailable only for the first.
     */
    readonly failure: ApiFailure = exitCode === ExitCode.usage ? 'refused' : 'unavailable',
    /**
     * Another attempt may get an answer: the connection was refused or closed before
     * one (a server restarting), or a proxy answered 502, 503 or 504 for it.
     */
    readonly transient = false,
  ) {
    super(message);
  }
}

/** Network failures in which the request got no answer, and a server restarting would cause. */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);
/** What a proxy answers while the server behind it restarts. */
const TRANSIENT_STATUSES = new Set([502, 503, 504]);

export type ApiFailure = 'unavailable' | 'notUnderstood' | 'refused';

/** Where to connect and as whom: `--url`, else HEADROOM_URL, else the local default. */
export function apiClientOptions(
  flags: { readonly url?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
): ApiClientOptions {
  const token = env.HEADROOM_TOKEN?.trim();
  return {
    url: flags.url ?? nonEmpty(env.HEADROOM_URL) ?? DEFAULT_API_URL,
    token: token === '' ? undefined : token,
  };
}

/** Throws an ApiError (exit 2) for a URL that is not http(s). */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = parseBaseUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const send = async (
    method: HttpMethod,
    path: string,
    body: unknown,
    accept: string,
    extraHeaders: Readonly<Record<string, string>> = {},
  ): Promise<string> => {
    const target = `${base}${path.startsWith('/') ? path : `/${path}`}`;
    const headers: Record<string, string> = {
      ...extraHeaders,
      accept,
      'user-agent': 'headroom-cli',
    };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let text: string;
    let redirect: string | undefined;
    try {
      const answer = await exchange(new URL(target), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs,
      });
      status = answer.status;
      redirect = answer.headers.location;
      text = answer.text;
    } catch (error) {
      throw new ApiError(
        `cannot reach the Headroom server at ${base}: ${networkReason(error, timeoutMs)}; is it running? (set --url or HEADROOM_URL)`,
        ExitCode.unreachable,
        [],
        undefined,
        undefined,
        'unavailable',
        TRANSIENT_NETWORK_CODES.has(String((error as { code?: unknown } | null)?.code)),
      );
    }
    if (status >= 400) throw errorResponse(status, text, base, options.token !== undefined);
    if (status < 200 || status >= 300) {
      throw new ApiError(
        `unexpected answer from the Headroom server at ${base}: HTTP ${status}${redirect === undefined ? '' : ` to ${redirect}`}; is that URL a Headroom server?`,
        ExitCode.unreachable,
        [],
        status,
        undefined,
        'notUnderstood',
      );
    }
    return text;
  };
  return {
    url: base,
    async call<T>(
      method: HttpMethod,
      path: string,
      body: unknown,
      responseSchema: z.ZodType<T>,
      fieldOptions?: FieldOptions,
      extraHeaders?: Readonly<Record<string, string>>,
    ): Promise<T> {
      let text: string;
      try {
        text = await send(
          method,
          path,
          body,
          'application/json, application/problem+json',
          extraHeaders,
        );
      } catch (error) {
        throw error instanceof ApiError && fieldOptions !== undefined
          ? inOptionNames(error, optionOfField(fieldOptions, body))
          : error;
      }
      return parseResponse(text, responseSchema, `${method} ${path}`, base);
    },
    async text(path: string, accept: string): Promise<string> {
      return send('GET', path, undefined, `${accept}, application/problem+json`);
    },
  };
}

/** The most retries a command takes: with 1 s, 2 s… between them, nearly a minute. */
export const MAX_RETRIES = 10;

/** The wait before the n-th retry of a failure that may pass is n times this, as runitor's. */
export const RETRY_BACKOFF_MS = 1_000;

/**
 * Runs `attempt`, and again up to `retries` times after 1 s, 2 s… while it fails in a
 * way that may pass (`mayPass`: a server restarting); `onRetry` hears each failure that
 * is tried again. Other failures, and the last, are thrown.
 */
export async function retrying<T>(
  attempt: () => Promise<T>,
  retries: number,
  mayPass: (error: unknown) => boolean,
  onRetry: (error: unknown, waitMs: number) => void,
): Promise<T> {
  for (let tried = 0; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= retries || !mayPass(error)) throw error;
      const waitMs = (tried + 1) * RETRY_BACKOFF_MS;
      onRetry(error, waitMs);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** An API call that got no answer for now, which another attempt may get. */
export function isTransientApiError(error: unknown): error is ApiError {
  return error instanceof ApiError && error.transient;
}

/** An ApiError as lines for stderr: the message, then each field error indented. */
export function formatApiError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  return [error.message, ...error.details.map((detail) => `  ${detail}`)].join('\n');
}

/**
 * The error with its field errors named as the person typed them (`--expires`, not
 * the API's `expiresAt`): `optionOf` gives the name for a field's path, or undefined
 * to keep the path.
 */
function inOptionNames(error: ApiError, optionOf: (path: string) => string | undefined): ApiError {
  const errors = error.problem?.errors;
  if (errors === undefined || errors.length === 0) return error;
  const details = errors.map((each) => {
    const name = each.path === '' ? undefined : (optionOf(each.path) ?? each.path);
    return name === undefined ? each.message : `${name}: ${each.message}`;
  });
  return new ApiError(
    error.message,
    error.exitCode,
    details,
    error.status,
    error.problem,
    error.failure,
    error.transient,
  );
}

/**
 * A field error's path as the command's option: an exact path first (`workingHours.days`:
 * `--days`), else its first field; `labels[1]` reads `--label rollback` and
 * `roles.scribe` reads `--role scribe`, so that the person sees which of theirs it was.
 */
function optionOfField(options: FieldOptions, body: unknown): (path: string) => string | undefined {
  return (path) => {
    const exact = options[path];
    if (exact !== undefined) return exact;
    const [, field = path, index, key] = /^([^.[]+)(?:\[(\d+)\]|\.([^.[]+))?/.exec(path) ?? [];
    const option = options[field];
    if (option === undefined) return undefined;
    const values = (body as Record<string, unknown> | undefined)?.[field];
    if (key !== undefined) return `${option} ${key}`;
    const value: unknown =
      index !== undefined && Array.isArray(values)
        ? (values as unknown[])[Number(index)]
        : undefined;
    return typeof value === 'string' ? `${option} ${value}` : option;
  };
}

function parseBaseUrl(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ApiError(
      `invalid server URL ${JSON.stringify(url)}; expected an http(s) URL such as ${DEFAULT_API_URL}`,
      ExitCode.usage,
    );
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

function errorResponse(status: number, text: string, base: string, hasToken: boolean): ApiError {
  const problem = parseProblem(text);
  if (status >= 500) {
    const why = problem === undefined ? '' : `: ${problem.detail}`;
    return new ApiError(
      `the Headroom server at ${base} failed (HTTP ${status})${why}`,
      ExitCode.unreachable,
      fieldErrors(problem),
      status,
      problem,
      'unavailable',
      TRANSIENT_STATUSES.has(status),
    );
  }
  const hint = status === 401 && !hasToken ? '; set HEADROOM_TOKEN to an API token' : '';
  const what =
    problem === undefined
      ? `the Headroom server at ${base} refused the request (HTTP ${status})${snippet(text)}`
      : `${problem.title}: ${problem.detail}`;
  return new ApiError(`${what}${hint}`, ExitCode.usage, fieldErrors(problem), status, problem);
}

function parseProblem(text: string): Problem | undefined {
  const value = parseJson(text);
  if (value === undefined) return undefined;
  const parsed = problemSchema.safeParse(value.json);
  return parsed.success ? parsed.data : undefined;
}

function fieldErrors(problem: Problem | undefined): string[] {
  return (problem?.errors ?? []).map((error) =>
    error.path === '' ? error.message : `${error.path}: ${error.message}`,
  );
}

function parseResponse<T>(text: string, schema: z.ZodType<T>, call: string, base: string): T {
  const value = text === '' ? { json: undefined } : parseJson(text);
  if (value === undefined) {
    throw new ApiError(
      `the Headroom server at ${base} answered ${call} with something that is not JSON${snippet(text)}; is that URL a Headroom server?`,
      ExitCode.unreachable,
      [],
      undefined,
      undefined,
      'notUnderstood',
    );
  }
  const parsed = schema.safeParse(value.json);
  if (parsed.success) return parsed.data;
  // A server of another version, or not Headroom at all: say where the shapes differ.
  const details = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(response)'}: ${issue.message}`);
  throw new ApiError(
    `the Headroom server at ${base} answered ${call} in a shape this CLI does not understand; are the CLI and the server the same version?`,
    ExitCode.unreachable,
    details,
    undefined,
    undefined,
    'notUnderstood',
  );
}

function parseJson(text: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function networkReason(error: unknown, timeoutMs: number): string {
  const { name, code, message } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
  };
  if (name === 'TimeoutError') {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ECONNRESET':
      return 'the connection was closed';
    default:
      return message ?? String(error);
  }
}

function snippet(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  if (line === '') return '';
  return `: ${line.length > 120 ? `${line.slice(0, 120)}…` : line}`;
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Runs `work` with a client for the server, turning the API's errors into the
 * command's message and exit code.
 */
export async function withApiClient(
  command: string,
  url: string | undefined,
  io: CliIo,
  env: Env,
  work: (client: ApiClient) => Promise<number>,
): Promise<number> {
  let client: ApiClient;
  try {
    client = createApiClient(apiClientOptions({ url }, env));
  } catch (error) {
    io.stderr.write(`${command}: ${formatApiError(error)}\n`);
    return ExitCode.usage;
  }
  try {
    return await work(client);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    io.stderr.write(`${command}: ${formatApiError(error)}\n`);
    return error.exitCode;
  }
}
