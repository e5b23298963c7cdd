// Errors as RFC 9457 problem details: one mapping from the closed set of codes to HTTP.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ZodError } from 'zod';
import { AppError } from '../app/errors.js';
import type { ErrorCode, Problem } from '../schema/api.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

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

// A 4xx that carries no code of ours (Fastify's own, a plugin's) still gets the closest one.
const CODE_OF_STATUS: ReadonlyMap<number, ErrorCode> = new Map(
  (Object.entries(STATUS) as [ErrorCode, number][]).map(([code, status]) => [status, code]),
);

const INTERNAL_DETAIL = 'the server failed to answer this request; the error has been logged';

export function statusOfCode(code: ErrorCode): number {
  return STATUS[code];
}

export function problemTypeOf(code: ErrorCode): string {
  return `https://headroom.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

/** A problem of one code; `status` only when the HTTP status is more precise (415). */
export function problemFor(
  code: ErrorCode,
  detail: string,
  instance: string,
  extra: { readonly status?: number; readonly errors?: Problem['errors'] } = {},
): Problem {
  return {
    type: problemTypeOf(code),
    title: TITLE[code],
    status: extra.status ?? STATUS[code],
    detail,
    instance,
    code,
    ...(extra.errors === undefined || extra.errors.length === 0 ? {} : { errors: extra.errors }),
  };
}

function isFastifyError(error: unknown): error is FastifyError {
  return (
    error instanceof Error &&
    typeof (error as Partial<FastifyError>).code === 'string' &&
    (error as FastifyError).code.startsWith('FST_')
  );
}

/** A client error raised below us (a body stream aborted, a plugin): its message is for the client. */
function clientStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The problem to answer for any error. Unknown errors become a 500 that says nothing
 * of the cause (a message may hold a query, a path or a secret); the caller logs them.
 * `bodyLimitBytes` names the limit in the answer to a body that exceeds it.
 */
export function problemOf(error: unknown, instance: string, bodyLimitBytes?: number): Problem {
  if (error instanceof AppError) {
    return problemFor(error.code, error.message, instance, { errors: [...error.errors] });
  }
  if (error instanceof ZodError) {
    return problemFor('VALIDATION', 'the request is not valid', instance, {
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
        return problemFor(
          'PAYLOAD_TOO_LARGE',
          `the body is larger than ${limit}; send smaller batches`,
          instance,
        );
      }
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        // No code of ours says "wrong media type"; the status does, the code groups it.
        return problemFor(
          'VALIDATION',
          'unsupported Content-Type; send application/json (or application/x-ndjson for events)',
          instance,
          { status: 415 },
        );
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return problemFor('VALIDATION', 'the body is not valid JSON', instance);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return problemFor(
          'VALIDATION',
          'the body is empty but Content-Type is application/json',
          instance,
        );
      case 'FST_ERR_NOT_FOUND':
        return problemFor('NOT_FOUND', 'no such route', instance);
      default:
        break;
    }
  }
  const clientStatus = clientStatusOf(error);
  if (clientStatus !== undefined) {
    const code = CODE_OF_STATUS.get(clientStatus) ?? 'VALIDATION';
    return problemFor(code, (error as Error).message, instance, { status: clientStatus });
  }
  return problemFor('INTERNAL', INTERNAL_DETAIL, instance);
}

export function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib < 1) return `${bytes} bytes`;
  const shown = Number.isInteger(mib) ? String(mib) : mib.toFixed(2);
  return `${shown} MiB (${bytes} bytes)`;
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // RFC 9110: a 401 says how to authenticate.
  if (problem.status === 401) void reply.header('www-authenticate', 'Bearer realm="headroom"');
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Every error and every unknown route answer problem+json. `bodyLimitBytes` is the
 * server's limit, named when a route sets none of its own.
 */
export function registerProblemHandling(app: FastifyInstance, bodyLimitBytes?: number): void {
  app.setErrorHandler((error, request, reply) => {
    // A route may set its own limit; the request knows which one applied.
    const limit = request.routeOptions.bodyLimit as number | undefined;
    const problem = problemOf(error, request.url, limit ?? bodyLimitBytes);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendProblem(
      reply,
      problemFor('NOT_FOUND', `there is no route ${request.method} ${path}`, request.url),
    );
  });
}
