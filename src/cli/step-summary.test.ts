import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from './captured-io.js';
import { writeStepSummary } from './step-summary.js';

describe('the gate in the GitHub Actions step summary', () => {
  const summaryOf = async (fields: { version?: string; text: string }) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'step-summary-')), 'summary.md');
    const captured = captureIo();
    await writeStepSummary(
      { service: 'checkout', verdict: 'DENIED', link: undefined, version: undefined, ...fields },
      { GITHUB_STEP_SUMMARY: file },
      captured.io,
    );
    expect(captured.stderr()).toBe('');
    return readFileSync(file, 'utf8');
  };

  it('shows a version as it was given, not as Markdown', async () => {
    const summary = await summaryOf({ version: 'v2_rc*1 <beta>', text: 'DENIED\n' });
    expect(summary.split('\n')[0]).toBe('### Deploy gate: checkout v2\\_rc\\*1 \\<beta\\>: DENIED');
  });

  it('fences the answer so that no backticks in it can end the block early', async () => {
    const text = 'reason: freeze ```quoted``` and `code`';
    const summary = await summaryOf({ text });
    expect(summary).toContain(`\`\`\`\`text\n${text}\n\`\`\`\`\n`);
  });
});
