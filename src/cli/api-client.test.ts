import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  apiClientOptions,
  ApiError,
  createApiClient,
  DEFAULT_API_URL,
  formatApiError,
} from './api-client.js';
import { ExitCode } from './io.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const problem = (status: number, extra: Record<string, unknown> = {}) => ({
  type: 'about:blank',
  title: status === 422 ? 'Invalid request' : 'Internal error',
  status,
  detail: status === 422 ? 'the documents have 2 errors; nothing changed' : 'the store is down',
  code: status === 422 ? 'VALIDATION' : 'UNAVAILABLE',
  ...extra,
});

const ROUTES: Record<string, Handler> = {
  '/ok': (_, response) => {
    json(response, 200, { answer: 42 });
  },
  '/empty': (_, response) => response.writeHead(204).end(),
  '/invalid': (_, response) => {
    json(
      response,
      422,
      problem(422, {
        errors: [
          { path: 'documents[0].spec.objective', message: 'objective 100 leaves no error budget' },
          { path: 'documents[1].metadata.name', message: 'not a valid name' },
        ],
      }),
      'application/problem+json',
    );
  },
  '/refused-fields': (_, response) => {
    json(
      response,
      400,
      {
        ...problem(422),
        status: 400,
        detail: 'fields refused',
        errors: [
          { path: 'expiresAt', message: 'too long' },
          { path: 'labels[1]', message: 'not a label' },
          { path: 'roles.scribe', message: 'no user' },
          { path: 'hours.days', message: 'empty' },
          { path: 'hours.start', message: 'not a time' },
          { path: 'other', message: 'kept as the API names it' },
          { path: '', message: 'about the whole request' },
        ],
      },
      'application/problem+json',
    );
  },
  '/unauthenticated': (_, response) => {
    json(response, 401, { ...problem(401), title: 'Unauthenticated', detail: 'no token' });
  },
  '/not-a-problem': (_, response) => response.writeHead(404).end('Cannot POST /not-a-problem'),
  '/down': (_, response) => {
    json(response, 503, problem(503));
  },
  '/html': (_, response) => response.writeHead(200).end('<html>hello</html>'),
  '/wrong-shape': (_, response) => {
    json(response, 200, { answer: 'forty-two' });
  },
  '/redirect': (_, response) => response.writeHead(302, { location: '/ok' }).end(),
  '/slow': () => {
    // Never answers: the client's timeout has to end the call.
  },
};

let server: Server;
let url: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        body,
      });
      const path = (request.url ?? '').replace(/^\/prefix/, '');
      (ROUTES[path] ?? ((_, res: ServerResponse) => res.writeHead(500).end()))(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function json(response: ServerResponse, status: number, body: unknown, type = 'application/json') {
  response.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

const answerSchema = z.object({ answer: z.number() });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('createApiClient', () => {
  it('sends the token and the JSON body, and returns the parsed answer', async () => {
    const client = createApiClient({ url: `${url}/`, token: 'secret' });
    await expect(client.call('POST', '/ok', { a: 1 }, answerSchema)).resolves.toEqual({
      answer: 42,
    });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/ok',
      authorization: 'Bearer secret',
      contentType: 'application/json',
      body: '{"a":1}',
    });
  });

  it('keeps a path prefix of the base URL, and sends no token or body when there is none', async () => {
    const client = createApiClient({ url: `${url}/prefix`, token: undefined });
    await client.call('GET', '/ok', undefined, answerSchema);
    expect(seen.at(-1)).toMatchObject({
      method: 'GET',
      url: '/prefix/ok',
      authorization: undefined,
      contentType: undefined,
      body: '',
    });
  });

  it('reads an empty answer as undefined', async () => {
    const client = createApiClient({ url, token: undefined });
    await expect(client.call('DELETE', '/empty', undefined, z.undefined())).resolves.toBe(
      undefined,
    );
  });

  it('turns a problem response into a usage error with the detail and every field error', async () => {
    const error = await failure(
      createApiClient({ url, token: 't' }).call('POST', '/invalid', {}, answerSchema),
    );
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.status).toBe(422);
    expect(formatApiError(error)).toBe(
      [
        'Invalid request: the documents have 2 errors; nothing changed',
        '  documents[0].spec.objective: objective 100 leaves no error budget',
        '  documents[1].metadata.name: not a valid name',
      ].join('\n'),
    );
  });

  it('names refused fields by the options that set them, with the value typed at an index', async () => {
    const error = await failure(
      createApiClient({ url, token: 't' }).call(
        'POST',
        '/refused-fields',
        { labels: ['ok', 'bad label'], roles: { scribe: 'nobody' }, hours: { days: [] } },
        answerSchema,
        {
          expiresAt: '--expires',
          labels: '--label',
          roles: '--role',
          'hours.days': '--days',
          hours: '--work',
        },
      ),
    );
    expect(error.details).toEqual([
      '--expires: too long',
      '--label bad label: not a label',
      '--role scribe: no user',
      '--days: empty',
      '--work start: not a time',
      'other: kept as the API names it',
      'about the whole request',
    ]);
  });

  it('says to set HEADROOM_TOKEN when a call without a token is refused', async () => {
    const error = await failure(
      createApiClient({ url, token: undefined }).call(
        'GET',
        '/unauthenticated',
        undefined,
        answerSchema,
      ),
    );
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe('Unauthenticated: no token; set HEADROOM_TOKEN to an API token');
  });

  it('reports a 4xx without problem details with its status and text', async () => {
    const error = await failure(
      createApiClient({ url, token: 't' }).call('POST', '/not-a-problem', {}, answerSchema),
    );
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe(
      `the Headroom server at ${url} refused the request (HTTP 404): Cannot POST /not-a-problem`,
    );
  });

  it.each([
    ['/down', `the Headroom server at URL failed (HTTP 503): the store is down`, 'unavailable'],
    [
      '/html',
      'the Headroom server at URL answered GET /html with something that is not JSON: <html>hello</html>; is that URL a Headroom server?',
      'notUnderstood',
    ],
    [
      '/wrong-shape',
      'the Headroom server at URL answered GET /wrong-shape in a shape this CLI does not understand; are the CLI and the server the same version?\n  answer: Invalid input: expected number, received string',
      'notUnderstood',
    ],
    [
      '/redirect',
      'unexpected answer from the Headroom server at URL: HTTP 302 to /ok; is that URL a Headroom server?',
      'notUnderstood',
    ],
  ])('treats %s as a server that cannot serve (exit 3)', async (path, message, failureKind) => {
    const error = await failure(
      createApiClient({ url, token: 't' }).call('GET', path, undefined, answerSchema),
    );
    expect(error.exitCode).toBe(ExitCode.unreachable);
    expect(formatApiError(error)).toBe(message.replace('URL', url));
    // Only a server that is down may let the deploy gate fall back to onUnavailable.
    expect(error.failure).toBe(failureKind);
  });

  it('names the URL when nothing listens there', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      createApiClient({ url: `http://127.0.0.1:${port}`, token: 't' }).call(
        'GET',
        '/ok',
        undefined,
        answerSchema,
      ),
    );
    expect(error.exitCode).toBe(ExitCode.unreachable);
    expect(error.message).toBe(
      `cannot reach the Headroom server at http://127.0.0.1:${port}: connection refused; is it running? (set --url or HEADROOM_URL)`,
    );
  });

  it('gives up on a server that does not answer', async () => {
    const error = await failure(
      createApiClient({ url, token: 't', timeoutMs: 200 }).call(
        'GET',
        '/slow',
        undefined,
        answerSchema,
      ),
    );
    expect(error.exitCode).toBe(ExitCode.unreachable);
    expect(error.message).toContain(`at ${url}: no answer within 0.2 s`);
  });

  it('reports a host that does not resolve as unreachable', async () => {
    const error = await failure(
      createApiClient({ url: 'http://headroom.invalid', token: 't', timeoutMs: 5000 }).call(
        'GET',
        '/ok',
        undefined,
        answerSchema,
      ),
    );
    expect(error.exitCode).toBe(ExitCode.unreachable);
    expect(error.message).toMatch(
      /^cannot reach the Headroom server at http:\/\/headroom\.invalid: /,
    );
  });

  it.each(['ftp://example.com', 'localhost:8420', ''])(
    'refuses the URL %j as a usage error',
    (bad) => {
      expect(() => createApiClient({ url: bad, token: undefined })).toThrow(
        expect.objectContaining({ exitCode: ExitCode.usage }) as Error,
      );
    },
  );
});

describe('apiClientOptions', () => {
  it.each([
    [{}, {}, { url: DEFAULT_API_URL, token: undefined }],
    [
      {},
      { HEADROOM_URL: 'http://h:1', HEADROOM_TOKEN: 'tok' },
      { url: 'http://h:1', token: 'tok' },
    ],
    [
      { url: 'http://flag:2' },
      { HEADROOM_URL: 'http://h:1' },
      { url: 'http://flag:2', token: undefined },
    ],
    [{}, { HEADROOM_URL: ' ', HEADROOM_TOKEN: '' }, { url: DEFAULT_API_URL, token: undefined }],
  ])('takes %j and %j as %j', (flags, env, expected) => {
    expect(apiClientOptions(flags, env)).toEqual(expected);
  });
});

describe('formatApiError', () => {
  it('prints other errors by their message', () => {
    expect(formatApiError(new Error('boom'))).toBe('boom');
    expect(formatApiError('text')).toBe('text');
  });
});
