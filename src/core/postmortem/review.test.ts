import { describe, expect, it } from 'vitest';
import { draftPostmortem } from './draft.js';
import { reviewTransition, withReviewStatus, type ReviewState } from './review.js';
import { facts } from './test-support.js';

const DRAFT = draftPostmortem(facts());
const WRITTEN = DRAFT.replace(/\*\*\[to write\]\*\* [^\n|]*/g, 'Written by the team.');

describe('reviewTransition', () => {
  it.each<[ReviewState, ReviewState]>([
    ['draft', 'in-review'],
    ['in-review', 'draft'],
  ])('allows %s → %s whatever is still unwritten', (from, to) => {
    expect(reviewTransition(from, to, DRAFT)).toEqual({ ok: true, state: to });
  });

  it('publishes a reviewed postmortem once every section is written', () => {
    expect(reviewTransition('in-review', 'published', WRITTEN)).toEqual({
      ok: true,
      state: 'published',
    });
  });

  it('refuses to publish while sections are unwritten, naming them', () => {
    const result = reviewTransition('in-review', 'published', DRAFT);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.code).toBe('unwritten-sections');
    if (result.problem.code !== 'unwritten-sections') return;
    expect(result.problem.sections).toContain('Root causes');
    expect(result.problem.message).toMatch(
      /^cannot publish while 10 sections are still to be written: Metadata, Impact/,
    );
  });

  it('does not refuse on blaming language: that is advice', () => {
    const blaming = WRITTEN.replace(
      '## Trigger\n\nWritten by the team.',
      '## Trigger\n\nIt was human error.',
    );
    expect(reviewTransition('in-review', 'published', blaming).ok).toBe(true);
  });

  it('refuses to publish a draft that skipped review', () => {
    expect(reviewTransition('draft', 'published', WRITTEN)).toMatchObject({
      ok: false,
      problem: { code: 'not-allowed' },
    });
  });

  it.each<ReviewState>(['draft', 'in-review', 'published'])(
    'keeps a published postmortem final (→ %s)',
    (to) => {
      expect(reviewTransition('published', to, WRITTEN)).toMatchObject({
        ok: false,
        problem: { code: 'published-is-final' },
      });
    },
  );

  it('reports a move to the same state', () => {
    expect(reviewTransition('draft', 'draft', DRAFT)).toMatchObject({
      ok: false,
      problem: { code: 'unchanged', message: 'the postmortem is already draft' },
    });
  });
});

describe('withReviewStatus', () => {
  it('makes the header say what the postmortem is', () => {
    expect(DRAFT).toContain('- **Postmortem status:** Draft\n');
    const published = withReviewStatus(WRITTEN, 'published');
    expect(published).toContain('- **Postmortem status:** Published\n');
    expect(published).not.toContain('Postmortem status:** Draft');
    expect(withReviewStatus(published, 'in-review')).toContain(
      '- **Postmortem status:** In review\n',
    );
  });

  it('leaves a text without the status line as people wrote it', () => {
    const text = '# Postmortem\n\nStatus is whatever we say.\n';
    expect(withReviewStatus(text, 'published')).toBe(text);
  });
});
