// HTTP to the API with the session's token. Every failure becomes an ApiError carrying
// the problem+json the server sent; a 401 anywhere ends the session (back to sign-in).
import { currentToken, signOut } from '../auth/token-store';
import type { Problem } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `the server answered ${status}`);
    this.name = 'ApiError';
  }

  /** Field errors of a validation problem: `path` as the server gives it. */
  get fieldErrors(): readonly { path: string; message: string }[] {
    return this.problem?.errors ?? [];
  }
}

export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('the server could not be reached; check that headroom serve is running', { cause });
    this.name = 'NetworkError';
  }
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly body?: unknown;
  /** Another token than the session's: sign-in checks one before keeping it. */
  readonly token?: string;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const token = options.token ?? currentToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError(error);
  }
  if (response.ok) return (await response.json()) as T;
  const problem = await problemOf(response);
  if (response.status === 401 && options.token === undefined) {
    signOut(`Signed out: ${problem?.detail ?? 'the token was not accepted'}.`);
  }
  throw new ApiError(response.status, problem);
}

async function problemOf(response: Response): Promise<Problem | null> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return null;
  try {
    return (await response.json()) as Problem;
  } catch {
    return null;
  }
}

export const apiGet = <T>(path: string, options?: RequestOptions): Promise<T> =>
  request<T>('GET', path, options);

export const apiPost = <T>(path: string, body: unknown): Promise<T> =>
  request<T>('POST', path, { body });

export const apiPatch = <T>(path: string, body: unknown): Promise<T> =>
  request<T>('PATCH', path, { body });

export const apiPut = <T>(path: string, body: unknown): Promise<T> =>
  request<T>('PUT', path, { body });

/** A path segment from a name: names are DNS labels, but a typed URL may hold anything. */
export const segment = (name: string): string => encodeURIComponent(name);
