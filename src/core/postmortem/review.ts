// The review of a postmortem: written as a draft, read by others in review, then
// published. Publishing is the one step with a rule: nothing may still be marked to be
// written. Blameless-language findings are advice for the reviewers, not a gate, since
// a check of words cannot tell every quote or counter-example from blame.
import { unwrittenSections } from './draft.js';

export type ReviewState = 'draft' | 'in-review' | 'published';

export const REVIEW_STATES: readonly ReviewState[] = ['draft', 'in-review', 'published'];

export type ReviewProblem =
  | { readonly code: 'published-is-final'; readonly message: string }
  | { readonly code: 'unchanged'; readonly message: string }
  | { readonly code: 'not-allowed'; readonly message: string }
  | {
      readonly code: 'unwritten-sections';
      readonly message: string;
      /** The headings still holding the marker, as `unwrittenSections` gives them. */
      readonly sections: readonly string[];
    };

export type ReviewTransition =
  | { readonly ok: true; readonly state: ReviewState }
  | { readonly ok: false; readonly problem: ReviewProblem };

/**
 * Whether a postmortem in state `from` with this text may move to `to`. Allowed:
 * draft → in-review, in-review → draft (back for more work), in-review → published
 * (once no section is unwritten). Published is final: corrections go in a new
 * postmortem or an addendum, so what people read and linked stays what was reviewed.
 */
export function reviewTransition(
  from: ReviewState,
  to: ReviewState,
  markdown: string,
): ReviewTransition {
  if (from === 'published')
    return {
      ok: false,
      problem: {
        code: 'published-is-final',
        message:
          'the postmortem is published and can no longer change; add corrections as an addendum or a follow-up postmortem',
      },
    };
  if (from === to)
    return {
      ok: false,
      problem: { code: 'unchanged', message: `the postmortem is already ${label(from)}` },
    };
  if (from === 'draft' && to === 'published')
    return {
      ok: false,
      problem: {
        code: 'not-allowed',
        message: 'a draft is published after review: send it to review first',
      },
    };
  if (to === 'published') {
    const sections = unwrittenSections(markdown);
    if (sections.length > 0)
      return {
        ok: false,
        problem: {
          code: 'unwritten-sections',
          message: `cannot publish while ${sections.length === 1 ? 'a section is' : `${sections.length} sections are`} still to be written: ${sections.join(', ')}`,
          sections,
        },
      };
  }
  return { ok: true, state: to };
}

/** The draft's header line (draft.ts writes it as Draft); the first one is the header's. */
const STATUS_LINE = /^- \*\*Postmortem status:\*\* .*$/m;

const STATUS_WORDS: Readonly<Record<ReviewState, string>> = {
  draft: 'Draft',
  'in-review': 'In review',
  published: 'Published',
};

/**
 * The text with its "Postmortem status" line saying `state`: the document is what
 * people read and link, so it must not say Draft once published. A text whose people
 * removed the line is left as they wrote it.
 */
export function withReviewStatus(markdown: string, state: ReviewState): string {
  return markdown.replace(STATUS_LINE, `- **Postmortem status:** ${STATUS_WORDS[state]}`);
}

function label(state: ReviewState): string {
  return state === 'in-review' ? 'in review' : state;
}
