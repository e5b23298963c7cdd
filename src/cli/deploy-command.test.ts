import { describe, expect, it } from 'vitest';
import { formatDecisions, formatDeploys, nextPageCommand } from './deploy-command.js';

describe('the command for the next page', () => {
  it('keeps every filter given, so that the next page is of the same list', () => {
    expect(
      nextPageCommand('headroom deploy list', 'dep_9', [
        ['--service', 'checkout'],
        ['--status', 'rolled_back'],
        ['--from', '2026-11-01'],
        ['--to', '2026-11-08T00:00:00Z'],
        ['--limit', 10],
      ]),
    ).toBe(
      'headroom deploy list --service checkout --status rolled_back --from 2026-11-01 --to 2026-11-08T00:00:00Z --limit 10 --before dep_9',
    );
    expect(
      nextPageCommand('headroom deploy decisions', 'dec_9', [
        ['--service', 'checkout'],
        ['--denied', true],
        ['--limit', 5],
      ]),
    ).toBe('headroom deploy decisions --service checkout --denied --limit 5 --before dec_9');
  });

  it('leaves out the filters not given, and quotes a value the shell would split', () => {
    expect(
      nextPageCommand('headroom deploy decisions', 'dec_9', [
        ['--service', undefined],
        ['--denied', false],
        ['--from', "2026-11-01 10:00 o'clock"],
      ]),
    ).toBe(`headroom deploy decisions --from '2026-11-01 10:00 o'\\''clock' --before dec_9`);
  });

  it('prints it under the table', () => {
    expect(formatDecisions([], 'headroom deploy decisions --denied --before dec_9')).toBe(
      'No decisions.\n\nOlder ones: headroom deploy decisions --denied --before dec_9\n',
    );
    expect(formatDeploys([])).toBe('No deploys recorded.\n');
  });
});
