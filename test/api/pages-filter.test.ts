// The pages of one service or of one team's services, through the API and `headroom page
// list`, on both databases: what someone on call asks first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { runCli } from '../support/cli.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

interface PageView {
  readonly id: string;
  readonly status: string;
  readonly summary: string;
  readonly services: readonly string[];
}

describe.each(TEST_DATABASES)('pages by service and team on $name', (kind) => {
  let headroom: TestHeadroom;

  const fire = async (service: string, title: string, labels: Record<string, string> = {}) => {
    const created = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: `${title} in`, kind: 'alertmanager', service },
    });
    expect(created.status).toBe(201);
    const key = (created.body as { key: string }).key;
    const sent = await headroom.call('POST', `/api/v1/intake/alertmanager/${key}`, {
      token: null,
      body: {
        version: '4',
        groupKey: `{}:{alertname="${title}"}`,
        status: 'firing',
        receiver: 'headroom',
        groupLabels: { alertname: title },
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://alertmanager.example:9093',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: title, severity: 'critical', ...labels },
            annotations: { summary: title },
            startsAt: '2026-11-01T10:00:00Z',
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.example:9090/graph',
            fingerprint: title,
          },
        ],
      },
    });
    expect(sent.status).toBe(200);
  };
  const summaries = async (query: string) => {
    const listed = await headroom.call('GET', `/api/v1/pages?${query}`);
    expect(listed.status).toBe(200);
    return (listed.body as PageView[]).map((page) => page.summary).sort();
  };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: '2026-11-01T10:01:00Z' });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('checkout', 'payments'),
          serviceDocument('ledger', 'payments'),
          serviceDocument('search', 'discovery'),
        ],
      },
    });
    expect(applied.status).toBe(200);
    await fire('checkout', 'checkout errors');
    await fire('ledger', 'ledger lag');
    await fire('search', 'search latency');
    // An alert may name a service that config does not know.
    await fire('search', 'legacy batch failing', { service: 'legacy-batch' });
  });
  afterAll(async () => {
    await headroom.close();
  });

  it("lists the pages that name a service, and those of a team's services", async () => {
    expect(await summaries('status=open')).toEqual([
      'checkout errors',
      'ledger lag',
      'legacy batch failing',
      'search latency',
    ]);
    expect(await summaries('status=open&service=checkout')).toEqual(['checkout errors']);
    expect(await summaries('status=open&team=payments')).toEqual(['checkout errors', 'ledger lag']);
    expect(await summaries('team=discovery')).toEqual(['search latency']);
    expect(await summaries('team=payments&service=search')).toEqual([]);
    expect(await summaries('service=legacy-batch')).toEqual(['legacy batch failing']);
  });

  it('keeps a page under its services after it is acknowledged and resolved', async () => {
    const [page] = (await headroom.call('GET', '/api/v1/pages?service=ledger')).body as PageView[];
    if (page === undefined) throw new Error('no ledger page');
    expect((await headroom.call('POST', `/api/v1/pages/${page.id}/resolve`)).status).toBe(200);
    expect(await summaries('status=open&team=payments')).toEqual(['checkout errors']);
    expect(await summaries('status=resolved&team=payments')).toEqual(['ledger lag']);
  });

  it('answers 404 for a service or team that does not exist, not an empty list', async () => {
    const service = await headroom.call('GET', '/api/v1/pages?service=chekout');
    expect(service.status).toBe(404);
    expect((service.body as { detail: string }).detail).toContain('"chekout"');
    expect((await headroom.call('GET', '/api/v1/pages?team=nobody')).status).toBe(404);
  });

  it('headroom page list --service and --team', async () => {
    const byTeam = await runCli(['page', 'list', '--team', 'payments'], headroom.url);
    expect(byTeam.code).toBe(0);
    expect(byTeam.stdout).toContain('checkout errors');
    expect(byTeam.stdout).not.toContain('search latency');
    const byService = await runCli(['page', 'list', '--service', 'search', '--json'], headroom.url);
    expect(byService.code).toBe(0);
    expect((JSON.parse(byService.stdout) as PageView[]).map((page) => page.summary)).toEqual([
      'search latency',
    ]);
    const unknown = await runCli(['page', 'list', '--team', 'nobody'], headroom.url);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('team "nobody"');
  });
});
