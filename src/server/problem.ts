// Errors as RFC 9457 problem details: one mapping from the closed set of codes to HTTP.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { AppError } from '../app/errors.js';
import type { ErrorCode, Problem } from '../schema/api.js';

const STATUS: Readonly<Record<ErrorCode, number>> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  VALIDATION: 400,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

const TITLE: Readonly<Record<ErrorCode, string>> = {
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  VALIDATION: 'Invalid request',
  FORBIDDEN: 'Forbidden',
  UNAUTHENTICATED: 'Authentication required',
  PRECONDITION_FAILED: 'Precondition failed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNAVAILABLE: 'Unavailable',
  INTERNAL: 'Internal error',
};

export function statusOfCode(code: ErrorCode): number {
  return STATUS[code];
}

function problem(
  code: ErrorCode,
  detail: string,
  instance: string,
  extra: { status?: number; errors?: Problem['errors'] } = {},
): Problem {
  return {
    type: `https://headroom.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLE[code],
    status: extra.status ?? STATUS[code],
    detail,
    instance,
    code,
    ...(extra.errors === undefined || extra.errors.length === 0 ? {} : { errors: extra.errors }),
  };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/** The problem to answer for any error; unknown errors become a 500 that leaks nothing. */
export function problemOf(error: unknown, instance: string, bodyLimitBytes?: number): Problem {
  if (error instanceof AppError) {
    return problem(error.code, error.message, instance, { errors: [...error.errors] });
  }
  if (error instanceof ZodError) {
    return problem('VALIDATION', 'the request is not valid', instance, {
      errors: error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    });
  }
  if (isFastifyError(error)) {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE': {
        const limit = bodyLimitBytes === undefined ? 'the limit' : describeBytes(bodyLimitBytes);
        return problem(
          'PAYLOAD_TOO_LARGE',
          `the body is larger than ${limit}; send smaller batches`,
          instance,
        );
      }
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return problem(
          'VALIDATION',
          `${error.message}; send application/json (or application/x-ndjson for events)`,
          instance,
          {
            status: 415,
          },
        );
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return problem('VALIDATION', error.message, instance);
      default:
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
          return problem('VALIDATION', error.message, instance, { status: error.statusCode });
        }
    }
  }
  if (error instanceof SyntaxError)
    return problem('VALIDATION', `the body is not valid JSON: ${error.message}`, instance);
  return problem(
    'INTERNAL',
    'the server failed to answer this request; it has been logged',
    instance,
  );
}

function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB (${bytes} bytes)` : `${bytes} bytes`;
}

export function registerProblemHandling(app: FastifyInstance, bodyLimitBytes?: number): void {
  app.setErrorHandler((error, request, reply) => {
    const body = problemOf(error, request.url, bodyLimitBytes);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(body.status).type('application/problem+json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body = problem(
      'NOT_FOUND',
      `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      request.url,
    );
    return reply.status(404).type('application/problem+json').send(body);
  });
}
