// `headroom incident` and `headroom postmortem` as a responder runs them: the built
// binary against a running server, with real exit codes. `npm test` builds first; run
// `npm run build` before running this file alone.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { runCli } from './support/cli.js';
import { serviceDocument } from './support/documents.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';

const sqlite = TEST_DATABASES[0];

describe('headroom incident and headroom postmortem', () => {
  let headroom: TestHeadroom;
  let directory: string;

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    headroom = await startTestHeadroom(sqlite, { now: '2026-11-20T09:00:00Z' });
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-incident-cli-'));
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [serviceDocument('search', 'discovery')] },
    });
    expect(applied.status).toBe(200);
  });

  afterAll(async () => {
    await headroom.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('declares, updates, lists, shows and resolves an incident', async () => {
    const declared = await runCli(
      ['incident', 'declare', 'Search results empty', '-s', 'search', '--severity', 'SEV3'],
      headroom.url,
    );
    expect(declared.stderr).toBe('');
    expect(declared.code).toBe(0);
    expect(declared.stdout).toContain('Declared INC-1.');
    expect(declared.stdout).toContain('INC-1 SEV3 investigating: Search results empty');

    headroom.clock.set(Date.parse('2026-11-20T09:05:00Z'));
    const updated = await runCli(
      [
        'incident',
        'update',
        'INC-1',
        '--status',
        'identified',
        '-m',
        'Index is empty',
        '--role',
        'scribe=carol',
      ],
      headroom.url,
    );
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('scribe=carol');

    const badRole = await runCli(['incident', 'update', '1', '--role', 'chef=carol'], headroom.url);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('expected role=person');

    const unknown = await runCli(
      ['incident', 'declare', 'x', '-s', 'nope', '--severity', 'SEV3'],
      headroom.url,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no service "nope"');
    // Named as typed: the option and the value, not the API's services[0].
    expect(unknown.stderr).toMatch(/^ {2}--service nope: /m);
    const badSeverity = await runCli(
      ['incident', 'declare', 'x', '-s', 'search', '--severity', 'SEV9'],
      headroom.url,
    );
    expect(badSeverity.code).toBe(2);
    expect(badSeverity.stderr).toMatch(/^ {2}--severity: /m);

    const listed = await runCli(['incident', 'list'], headroom.url);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+SEVERITY\s+STATUS/m);
    expect(listed.stdout).toContain('INC-1');

    headroom.clock.set(Date.parse('2026-11-20T09:50:00Z'));
    const resolved = await runCli(['incident', 'resolve', '1', '-m', 'Reindexed'], headroom.url);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('resolved after 50 min');

    const shown = await runCli(['incident', 'show', '1'], headroom.url);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Timeline');
    expect(shown.stdout).toContain('changed the status to identified: Index is empty');
    expect((await runCli(['incident', 'list'], headroom.url)).stdout).toBe('No incidents.\n');
  });

  it('drafts the postmortem to a file, checks it, saves an edit and reviews it', async () => {
    const file = path.join(directory, 'INC-1.md');
    const drafted = await runCli(['postmortem', 'draft', '1', '-o', file], headroom.url);
    expect(drafted.code).toBe(0);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('INC-1');

    // Still to write: the check says so and answers "no".
    const checked = await runCli(['postmortem', 'check', '1'], headroom.url);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('section "Root causes" is still to write');

    writeFileSync(file, markdown.replace(/\*\*\[to write\]\*\*[^\n]*/g, 'Written.'));
    const saved = await runCli(['postmortem', 'edit', '1', '-f', file], headroom.url);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('nothing to point at');

    // A file is checked without a server, for the names given.
    const blaming = path.join(directory, 'blame.md');
    writeFileSync(
      blaming,
      '# Notes\n\nThe outage happened because carol forgot to renew the cert.\n',
    );
    const local = await runCli(
      ['postmortem', 'check', '--file', blaming, '--person', 'carol'],
      'http://127.0.0.1:1',
    );
    expect(local.code).toBe(1);
    expect(local.stdout).toMatch(/blame\.md:3:\d+: /);

    const review = await runCli(
      ['postmortem', 'review', '1', '--status', 'in-review'],
      headroom.url,
    );
    expect(review.code).toBe(0);
    const published = await runCli(
      ['postmortem', 'review', '1', '--status', 'published'],
      headroom.url,
    );
    expect(published.stdout).toBe('The postmortem of INC-1 is published.\n');
  });

  it('exits 3 when the server cannot be reached', async () => {
    const down = await runCli(['incident', 'list'], 'http://127.0.0.1:1');
    expect(down.code).toBe(3);
  });
});
