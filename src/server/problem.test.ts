import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../app/errors.js';
import { ERROR_CODES, problemSchema } from '../schema/api.js';
import { problemOf, statusOfCode } from './problem.js';

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
    },
  );

  it('lists field errors', () => {
    const problem = problemOf(
      new AppError('VALIDATION', 'bad', [{ path: 'spec.objective', message: 'must be below 100' }]),
      '/',
    );
    expect(problem.errors).toEqual([{ path: 'spec.objective', message: 'must be below 100' }]);
  });

  it('turns a zod error into a validation problem with paths', () => {
    const result = z.object({ limit: z.number() }).safeParse({ limit: 'x' });
    expect(result.success).toBe(false);
    const problem = problemOf(result.error, '/');
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION', errors: [{ path: 'limit' }] });
  });

  it('names the limit when a body is too large', () => {
    const error = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(problemOf(error, '/', 16 * 1024 * 1024)).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      detail: expect.stringContaining('16 MiB') as unknown,
    });
  });

  it('answers unknown errors with a 500 that leaks nothing', () => {
    const problem = problemOf(new Error('password=hunter2 at db.ts:12'), '/');
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});
