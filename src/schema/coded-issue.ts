import { z } from 'zod';

/**
 * Refinements carry a stable issue code in `params.code` (zod calls them all
 * `custom`), so that the config reporter can tell a bad duration from a bad name.
 */
export interface CodedIssueParams {
  readonly code: string;
}

export function addCodedIssue(
  ctx: z.RefinementCtx,
  code: string,
  message: string,
  path: readonly (string | number)[] = [],
): void {
  const params: CodedIssueParams = { code };
  ctx.addIssue({ code: 'custom', message, params, path: [...path], input: ctx.value });
}

/** A string that must match `pattern`; a mismatch is an `invalid_name` issue saying `rule`. */
export function patternedName(pattern: RegExp, rule: string) {
  return z.string().superRefine((name, ctx) => {
    if (!pattern.test(name)) addCodedIssue(ctx, 'invalid_name', rule);
  });
}
