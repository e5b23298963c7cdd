import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../app/errors.js';
import { ERROR_CODES, problemSchema } from '../schema/api.js';
import { problemOf, registerProblemHandling, statusOfCode } from './problem.js';

function fastifyError(code: string, message: string, statusCode: number): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('problem details', () => {
  it.each(ERROR_CODES.map((code) => [code]))(
    'maps %s to its HTTP status with a valid body',
    (code) => {
      const problem = problemOf(new AppError(code, 'what went wrong'), '/api/v1/x');
      expect(problemSchema.parse(problem)).toEqual(problem);
      expect(problem).toMatchObject({
        code,
        status: statusOfCode(code),
        detail: 'what went wrong',
        instance: '/api/v1/x',
      });
      expect(problem.type).toBe(
        `https://headroom.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
      );
      expect(problem.title).not.toBe('');
      expect(problem).not.toHaveProperty('errors');
    },
  );

  it('gives every code its status', () => {
    expect(Object.fromEntries(ERROR_CODES.map((code) => [code, statusOfCode(code)]))).toEqual({
      NOT_FOUND: 404,
      CONFLICT: 409,
      VALIDATION: 400,
      FORBIDDEN: 403,
      UNAUTHENTICATED: 401,
      PRECONDITION_FAILED: 412,
      PAYLOAD_TOO_LARGE: 413,
      UNAVAILABLE: 503,
      INTERNAL: 500,
    });
  });

  it('lists field errors', () => {
    const problem = problemOf(
      new AppError('VALIDATION', 'bad', [{ path: 'spec.objective', message: 'must be below 100' }]),
      '/',
    );
    expect(problem.errors).toEqual([{ path: 'spec.objective', message: 'must be below 100' }]);
  });

  it('turns a zod error into a validation problem with one entry per issue', () => {
    const result = z
      .object({ limit: z.number(), spec: z.object({ objective: z.number().max(100) }) })
      .safeParse({ limit: 'x', spec: { objective: 101 } });
    expect(result.success).toBe(false);
    const problem = problemOf(result.error, '/');
    expect(problemSchema.parse(problem)).toEqual(problem);
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect(problem.errors?.map((error) => error.path)).toEqual(['limit', 'spec.objective']);
    expect(problem.errors?.every((error) => error.message.length > 0)).toBe(true);
  });

  it('names the limit when a body is too large', () => {
    const error = fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large', 413);
    expect(problemOf(error, '/', 16 * 1024 * 1024)).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      detail: expect.stringContaining('16 MiB (16777216 bytes)') as unknown,
    });
    expect(problemOf(error, '/', 1000).detail).toContain('1000 bytes');
  });

  it('answers an unsupported media type with 415', () => {
    const error = fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type', 415);
    expect(problemOf(error, '/')).toMatchObject({ status: 415, code: 'VALIDATION' });
  });

  it.each(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY'])(
    'answers %s with 400',
    (code) => {
      expect(problemOf(fastifyError(code, 'x', 400), '/')).toMatchObject({
        status: 400,
        code: 'VALIDATION',
      });
    },
  );

  it('answers unknown errors with a 500 that leaks nothing', () => {
    const secret = 'password=hunter2 at db.ts:12';
    for (const error of [
      new Error(secret),
      new SyntaxError(secret),
      Object.assign(new Error(secret), { code: '23505' }),
      secret,
      undefined,
    ]) {
      const problem = problemOf(error, '/');
      expect(problem).toMatchObject({ status: 500, code: 'INTERNAL' });
      expect(JSON.stringify(problem)).not.toContain('hunter2');
    }
  });
});

describe('problem handling on a server', () => {
  let app: FastifyInstance | undefined;
  const logged: string[] = [];

  async function server(bodyLimit = 1024): Promise<FastifyInstance> {
    logged.length = 0;
    app = Fastify({
      bodyLimit,
      logger: { level: 'error', stream: { write: (line: string) => logged.push(line) } },
    });
    registerProblemHandling(app, bodyLimit);
    app.post('/echo', (request) => Promise.resolve(request.body));
    app.get('/boom', () => Promise.reject(new Error('connection string postgres://u:secret@db')));
    app.get('/missing', () => Promise.reject(new AppError('NOT_FOUND', 'SLO "x" does not exist')));
    app.get('/anonymous', () => Promise.reject(new AppError('UNAUTHENTICATED', 'send a token')));
    await app.ready();
    return app;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function problemFrom(request: InjectOptions, bodyLimit?: number) {
    const response = await (await server(bodyLimit)).inject(request);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = problemSchema.parse(response.json());
    expect(problem.status).toBe(response.statusCode);
    return { problem, response };
  }

  it('answers an unknown route with a 404 naming it', async () => {
    const { problem } = await problemFrom({ method: 'GET', url: '/api/v1/nope?x=1' });
    expect(problem).toMatchObject({ status: 404, code: 'NOT_FOUND', instance: '/api/v1/nope?x=1' });
    expect(problem.detail).toContain('GET /api/v1/nope');
  });

  it('answers an app error with its code', async () => {
    const { problem } = await problemFrom({ method: 'GET', url: '/missing' });
    expect(problem).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(logged).toEqual([]);
  });

  it('says how to authenticate on a 401', async () => {
    const { response } = await problemFrom({ method: 'GET', url: '/anonymous' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers a JSON syntax error with 400', async () => {
    const { problem } = await problemFrom({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION' });
  });

  it('answers an empty JSON body with 400', async () => {
    const { problem } = await problemFrom({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION' });
  });

  it('answers an unsupported media type with 415', async () => {
    const { problem } = await problemFrom({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(problem).toMatchObject({ status: 415, code: 'VALIDATION' });
  });

  it('answers a body over the limit with 413 naming the limit', async () => {
    const { problem } = await problemFrom(
      {
        method: 'POST',
        url: '/echo',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
      },
      1024 * 1024,
    );
    expect(problem).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(problem.detail).toContain('1 MiB');
  });

  it('answers a failure with a 500 that leaks nothing, and logs the error', async () => {
    const { problem, response } = await problemFrom({ method: 'GET', url: '/boom' });
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(response.body).not.toContain('secret');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('connection string');
  });
});
