import { describe, expect, it } from 'vitest';
import { draftPostmortem, TO_WRITE, unwrittenSections } from './draft.js';
import { resolutionStepsOf, runbookFromPostmortem } from './runbook.js';
import { facts } from './test-support.js';

const OPTIONS = {
  service: 'checkout',
  title: 'Checkout errors',
  alerts: ['CheckoutErrorBudgetBurn'],
};

describe('runbookFromPostmortem', () => {
  const postmortem = draftPostmortem(facts());

  it('turns the resolution steps into numbered runbook steps without markers or times', () => {
    const result = runbookFromPostmortem(postmortem, OPTIONS);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.steps).toEqual(['Rolled back checkout to v1.2.2', 'Status changed to mitigated']);
    const steps = result.markdown.slice(
      result.markdown.indexOf('## Steps'),
      result.markdown.indexOf('## Verify'),
    );
    expect(steps).toBe(
      '## Steps\n\n1. Rolled back checkout to v1.2.2\n2. Status changed to mitigated\n\n',
    );
  });

  it('has the runbook sections, the alerts, the first signal and the source postmortem', () => {
    const result = runbookFromPostmortem(postmortem, {
      ...OPTIONS,
      postmortemUrl: 'https://headroom.example/postmortems/INC-42',
    });
    if (!result.ok) throw new Error(result.message);
    const { markdown } = result;
    expect(markdown.split('\n').filter((line) => line.startsWith('#'))).toEqual([
      '# Runbook: Checkout errors',
      '## When to use',
      '## Steps',
      '## Verify',
      '## Escalate',
    ]);
    expect(markdown).toContain('- **Service:** checkout');
    expect(markdown).toContain(
      '[Postmortem: INC-42 — Checkout errors after deploy](https://headroom.example/postmortems/INC-42)',
    );
    expect(markdown).toContain('- The alert `CheckoutErrorBudgetBurn` fires.');
    expect(markdown).toContain('first signalled by: page P-1 "High error rate on checkout"');
    expect(markdown).toContain('- Services involved in that incident: checkout, payments.');
    expect(markdown).toContain('Page the on-call of payments-team');
    expect(unwrittenSections(markdown)).toEqual(['When to use', 'Verify', 'Escalate']);
  });

  it('uses the steps people edited, continuation lines included', () => {
    const edited = postmortem.replace(
      /### Resolution steps\n\n[\s\S]*?\n\n## Trigger/,
      [
        '### Resolution steps',
        '',
        '1. Roll back checkout to the last good version',
        '   with `headroom deploy rollback checkout`.',
        '2. Flush the CDN cache.',
        `3. ${TO_WRITE} anything else?`,
        '',
        '## Trigger',
      ].join('\n'),
    );
    expect(resolutionStepsOf(edited)).toEqual([
      'Roll back checkout to the last good version with `headroom deploy rollback checkout`.',
      'Flush the CDN cache.',
    ]);
  });

  it('explains that there are no steps yet when only the marker is there', () => {
    const bare = draftPostmortem(facts({ timeline: [], contributingDeploys: [] }));
    const result = runbookFromPostmortem(bare, OPTIONS);
    expect(result).toMatchObject({ ok: false, code: 'no-resolution-steps' });
    if (!result.ok) expect(result.message).toContain('### Resolution steps');
    expect(runbookFromPostmortem('# Notes\n\nnothing here\n', OPTIONS).ok).toBe(false);
  });
});
