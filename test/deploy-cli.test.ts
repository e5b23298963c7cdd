// `headroom deploy list` and `headroom deploy show` as a person reads them: the built
// binary against a test server whose clock is set, so that a deploy can sit at the turn
// of a calendar month, where the hour before it regained the budget. `npm test` builds
// first; run `npm run build` before running this file alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { runCli } from './support/cli.js';
import { serviceDocument } from './support/documents.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';

const sqlite = TEST_DATABASES[0];

/** Amsterdam's November starts at 23:00 UTC; the deploy half an hour later. */
const DEPLOY_AT = '2026-10-31T23:30:00.000Z';
const NOW = '2026-11-01T01:30:00.000Z';

interface Deploy {
  id: string;
  decision: string | null;
  recordedAt: string;
  recordedBy: string;
  budget: {
    slo: string;
    before: { consumed: number; burnRate: number | null };
    after: { consumed: number; burnRate: number | null } | null;
  }[];
}

describe('headroom deploy list and show', () => {
  let headroom: TestHeadroom;
  let deploy: Deploy;
  let older: Deploy;

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    headroom = await startTestHeadroom(sqlite, { now: NOW });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('payments-api', 'payments'),
          {
            apiVersion: 'headroom/v1',
            kind: 'SLO',
            metadata: { name: 'payments-api-availability' },
            spec: {
              service: 'payments-api',
              sli: { ratio: null },
              objective: 99.9,
              window: { calendar: 'month', timeZone: 'Europe/Amsterdam' },
            },
          },
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const key = await headroom.call('POST', '/api/v1/services/payments-api/ingest-keys', {
      body: { name: 'test' },
    });
    // Half of October's budget spent; November starts with a good minute and all of it.
    const lines = [
      { ts: '2026-10-10T12:00:00Z', slo: 'payments-api-availability', good: 999_500, total: 1e6 },
      { ts: '2026-10-31T23:10:00Z', slo: 'payments-api-availability', good: 1000, total: 1000 },
    ];
    const ingested = await headroom.call('POST', '/api/v1/events', {
      token: (key.body as { key: string }).key,
      raw: {
        content: lines.map((line) => JSON.stringify(line)).join('\n'),
        contentType: 'application/x-ndjson',
      },
    });
    expect(ingested.status, ingested.text).toBe(200);

    const record = async (body: Record<string, unknown>) => {
      const reply = await headroom.call('POST', '/api/v1/deploys', {
        body: { service: 'payments-api', status: 'finished', actor: 'anna', ...body },
      });
      expect(reply.status, reply.text).toBe(201);
      return reply.body as Deploy;
    };
    older = await record({ version: 'v9.0.0', at: '2026-10-20T10:00:00Z' });
    const gate = await headroom.call('POST', '/api/v1/deploys/check', {
      body: { service: 'payments-api', actor: 'anna', version: 'v9.1.0' },
    });
    expect(gate.status, gate.text).toBe(200);
    const recorded = await record({
      version: 'v9.1.0',
      commit: '4f2a9c1',
      labels: ['reliability'],
      at: DEPLOY_AT,
      decision: (gate.body as { id: string }).id,
    });
    const read = await headroom.call('GET', `/api/v1/deploys/${recorded.id}`);
    deploy = read.body as Deploy;
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('says the budget the month turn gave back was regained, not spent as a negative', async () => {
    const [around] = deploy.budget;
    expect(around?.before.consumed).toBeLessThan(-0.4);
    expect(around?.after).not.toBeNull();
    const list = await runCli(['deploy', 'list', '--service', 'payments-api'], headroom.url);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const row = list.stdout.split('\n').find((line) => line.includes('v9.1.0')) ?? '';
    expect(row).toContain(
      `payments-api-availability regained ${percent(-(around?.before.consumed ?? 0))} → spent ${percent(around?.after?.consumed ?? 0)}`,
    );
    expect(list.stdout).not.toMatch(/-\d+\.\d\d%/);
  });

  it('shows one deploy for a person, with the way to its gate decision', async () => {
    const shown = await runCli(['deploy', 'show', deploy.id], headroom.url);
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    const [around] = deploy.budget;
    const decision = deploy.decision ?? '';
    expect(shown.stdout).toBe(
      [
        `Deploy ${deploy.id}: payments-api v9.1.0 finished at ${DEPLOY_AT}.`,
        '',
        '  service   payments-api',
        '  version   v9.1.0',
        '  commit    4f2a9c1',
        '  status    finished',
        '  labels    reliability',
        `  at        ${DEPLOY_AT}`,
        '  actor     anna',
        `  recorded  ${deploy.recordedAt} by ${deploy.recordedBy}`,
        `  decision  ${decision}`,
        '',
        'Budget around it (1h burn rate at the end of each hour):',
        `  payments-api-availability: regained ${percent(-(around?.before.consumed ?? 0))} (burn ${burn(around?.before.burnRate ?? null)}) the hour before, spent ${percent(around?.after?.consumed ?? 0)} (burn ${burn(around?.after?.burnRate ?? null)}) the hour after`,
        '',
        `Its gate decision: headroom deploy decision ${decision}`,
        '',
      ].join('\n'),
    );
    const json = await runCli(['deploy', 'show', deploy.id, '--json'], headroom.url);
    expect(JSON.parse(json.stdout)).toEqual(deploy);

    const withoutDecision = await runCli(['deploy', 'show', older.id], headroom.url);
    expect(withoutDecision.stdout).toContain(
      '  decision  none: recorded without a gate decision\n',
    );
    expect(withoutDecision.stdout).not.toContain('headroom deploy decision');
  });

  it('answers an unknown deploy as deploy decision answers an unknown decision', async () => {
    const unknown = await runCli(['deploy', 'show', 'dep_nothing'], headroom.url);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('headroom deploy show:');
    expect(unknown.stderr).toContain('deploy "dep_nothing" does not exist');
    expect(unknown.stdout).toBe('');
  });

  it('pages the list back by the last id of a full page', async () => {
    const first = await runCli(['deploy', 'list', '--limit', '1'], headroom.url);
    expect(first.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      '',
      // The limit given is kept: the next page is as long as this one.
      `Older ones: headroom deploy list --limit 1 --before ${deploy.id}`,
    ]);
    const next = await runCli(
      ['deploy', 'list', '--limit', '1', '--before', deploy.id, '--json'],
      headroom.url,
    );
    expect((JSON.parse(next.stdout) as Deploy[]).map((each) => each.id)).toEqual([older.id]);
  });
});

/** Written here rather than with the CLI's code: two decimals. */
function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function burn(rate: number | null): string {
  return rate === null ? '—' : rate.toFixed(2);
}
