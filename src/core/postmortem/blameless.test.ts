import { describe, expect, it } from 'vitest';
import { checkBlamelessLanguage } from './blameless.js';
import { draftPostmortem } from './draft.js';
import { facts } from './test-support.js';

const PEOPLE = ['Alice Martin', 'bob', 'Zoë'];

function phrases(markdown: string, people: readonly string[] = PEOPLE): string[] {
  return checkBlamelessLanguage(markdown, people).map((finding) => finding.phrase);
}

describe('checkBlamelessLanguage', () => {
  it.each([
    ['Bob forgot to drain the node.', 'Bob forgot'],
    ['Then Alice failed to check the canary.', 'Alice failed to'],
    ['alice martin should have waited.', 'alice martin should have'],
    ["Bob should've paged the database team.", "Bob should've"],
    ["It was Bob's mistake.", "Bob's mistake"],
    ['It was Alice’s fault.', 'Alice’s fault'],
    ['The outage happened because of Bob.', 'because of Bob'],
    ['It was caused by Alice Martin and a bad config.', 'caused by Alice Martin'],
    ['BOB broke the build.', 'BOB broke'],
    ["Bob didn't run the migration check.", "Bob didn't"],
    ['Bob simply neglected the warning.', 'Bob simply neglected'],
    ['Zoë ignored the alert.', 'Zoë ignored'],
    ['@bob forgot the flag.', 'bob forgot'],
    ['This was human error.', 'human error'],
    ['A careless change went out.', 'careless'],
    ['The operator was negligent.', 'negligent'],
    ['An incompetent rollout.', 'incompetent'],
    ['It was the fault of the release manager.', 'fault of'],
    ['We should not blame the tooling.', 'blame'],
    ['Someone should have known better.', 'should have known'],
    ['Classic operator error.', 'operator error'],
  ])('finds blame in %j', (text, phrase) => {
    expect(phrases(text)).toEqual([phrase]);
  });

  it.each([
    'The deploy failed to start because the config was invalid.',
    'alice rolled back the deploy.',
    'Alice Martin declared the incident and Bob acknowledged the page.',
    'The retry storm was caused by the cache expiry.',
    "Alice's deploy broke the checkout flow.",
    'This postmortem is blameless.',
    'Bobby forgot nothing; bobcat failed to start.',
    'They forgot to drain the node.',
  ])('finds nothing in %j', (text) => {
    expect(checkBlamelessLanguage(text, PEOPLE)).toEqual([]);
  });

  it('reports line, column, sentence, person, reason and suggestion', () => {
    const markdown = [
      '# Postmortem',
      '',
      '## Root causes',
      '',
      'The pool was too small. Later Bob forgot to scale it! Nothing alerted.',
    ].join('\n');
    const [finding, ...rest] = checkBlamelessLanguage(markdown, PEOPLE);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      line: 5,
      column: 31,
      sentence: 'Later Bob forgot to scale it!',
      phrase: 'Bob forgot',
      person: 'bob',
    });
    expect(finding?.reason).not.toBe('');
    expect(finding?.suggestion).toMatch(/easy to miss/);
  });

  it('counts columns in the original line and trims list markup from the sentence', () => {
    const findings = checkBlamelessLanguage(
      '- [x](https://example.com/blame) Alice Martin broke it',
      PEOPLE,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      line: 1,
      column: 34,
      phrase: 'Alice Martin broke',
      person: 'Alice Martin',
      sentence: '[x](https://example.com/blame) Alice Martin broke it',
    });
  });

  it('checks table rows cell by cell', () => {
    const markdown = '| 14:00 | note | bob forgot the flag. Rolled back. |';
    const [finding] = checkBlamelessLanguage(markdown, PEOPLE);
    expect(finding).toMatchObject({ column: 18, sentence: 'bob forgot the flag.' });
  });

  it('skips fenced code, inline code, HTML comments and URLs', () => {
    const markdown = [
      '```',
      'bob forgot # in a code sample',
      '```',
      'See `git blame` and https://git.example.com/blame/main.',
      '<!-- bob forgot, across',
      'lines: human error -->Clean text. <!-- careless --> Bob broke it',
    ].join('\n');
    const findings = checkBlamelessLanguage(markdown, PEOPLE);
    expect(findings.map((f) => [f.line, f.column, f.phrase])).toEqual([[6, 53, 'Bob broke']]);
  });

  it('reports overlapping matches once, preferring the one naming a person', () => {
    const findings = checkBlamelessLanguage('It was the fault of bob.', PEOPLE);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ phrase: 'fault of bob', person: 'bob' });
  });

  it('finds nothing in a fresh draft naming the responders', () => {
    const people = ['Alice Martin', 'bob', 'carol', 'dave'];
    expect(checkBlamelessLanguage(draftPostmortem(facts()), people)).toEqual([]);
  });
});
