// Errors are values a user can act on. App verbs and the core raise an AppError with
// one of a closed set of codes; each surface maps the code once (HTTP status and
// problem+json in server/, exit codes in cli/, messages in web/).
import type { ErrorCode } from '../schema/api.js';

export interface FieldError {
  /** A JSON path such as `spec.objective`, or `line 12` of an event batch. */
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string): AppError =>
  new AppError('NOT_FOUND', `${what} does not exist`);
export const conflict = (message: string): AppError => new AppError('CONFLICT', message);
export const forbidden = (message: string): AppError => new AppError('FORBIDDEN', message);
export const invalid = (message: string, errors: readonly FieldError[] = []): AppError =>
  new AppError('VALIDATION', message, errors);
