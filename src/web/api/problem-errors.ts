// A refused write as messages next to the form's fields: the server's problem+json, each
// field error (paths like body.title or services.0) placed at its field, the rest and
// the problem's own detail with the form.
import { ApiError } from './client';

export type FormErrors<F extends string> = Partial<Record<F | 'form', string>>;

export function problemErrors<F extends string>(
  error: unknown,
  fields: readonly F[],
  forbidden: string,
): FormErrors<F> {
  if (!(error instanceof ApiError)) {
    return { form: error instanceof Error ? error.message : String(error) } as FormErrors<F>;
  }
  if (error.status === 403) return { form: forbidden } as FormErrors<F>;
  const errors: FormErrors<F> = {};
  const unplaced: string[] = [];
  for (const fieldError of error.fieldErrors) {
    const field = fields.find((name) =>
      new RegExp(`(^|[.\\]])${name}(\\.\\d+)?$`).test(fieldError.path),
    );
    if (field === undefined) unplaced.push(fieldError.message);
    else {
      const before = errors[field];
      errors[field] = before === undefined ? fieldError.message : `${before} ${fieldError.message}`;
    }
  }
  if (unplaced.length > 0 || Object.keys(errors).length === 0) {
    const text = [error.message, ...unplaced.filter((message) => message !== error.message)];
    errors.form = text.join(': ');
  }
  return errors;
}
