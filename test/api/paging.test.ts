// Alert intake through the API on both databases: integrations, the Alertmanager,
// PagerDuty and webhook wire formats, dedup and grouping into pages, replays, and
// people acknowledging and resolving.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { runCli } from '../support/cli.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

interface PageView {
  id: string;
  status: string;
  services: string[];
  alerts: { dedupKey: string; status: string; triggerCount: number }[];
}

function alertmanagerBody(status: 'firing' | 'resolved', instances: string[]) {
  return {
    receiver: 'headroom',
    status,
    alerts: instances.map((instance) => ({
      status,
      labels: { alertname: 'HighErrorRate', instance, service: 'checkout', severity: 'critical' },
      annotations: { summary: `errors on ${instance}`, runbook_url: 'https://runbooks.example/x' },
      startsAt: '2026-11-01T10:00:00Z',
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-01T10:30:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: `fp-${instance}`,
    })),
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate', service: 'checkout' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager',
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    // Newer Alertmanagers add fields; they must not be refused.
    somethingNew: { added: 'in 0.99' },
  };
}

describe.each(TEST_DATABASES)('alert intake on $name', (kind) => {
  let headroom: TestHeadroom;
  const keys = { alertmanager: '', pagerduty: '', webhook: '' };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: '2026-11-01T10:01:00Z' });
    await headroom.call('POST', '/api/v1/apply', {
      body: { documents: [serviceDocument('checkout', 'payments')] },
    });
    for (const integration of ['alertmanager', 'pagerduty', 'webhook'] as const) {
      const created = await headroom.call('POST', '/api/v1/integrations', {
        body: { name: `${integration} in`, kind: integration, service: 'checkout' },
      });
      expect(created.status).toBe(201);
      keys[integration] = (created.body as { key: string }).key;
    }
  });
  afterAll(async () => {
    await headroom.close();
  });

  const openPages = async () =>
    (await headroom.call('GET', '/api/v1/pages?status=open')).body as PageView[];

  it('groups an Alertmanager group into one page, and a replay pages no one again', async () => {
    const url = `/api/v1/intake/alertmanager/${keys.alertmanager}`;
    const first = await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody('firing', ['a', 'b']),
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ alerts: 2, pages: [{ decision: 'opened' }] });
    const replay = await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody('firing', ['a', 'b']),
    });
    expect(replay.status).toBe(200);
    const pages = await openPages();
    expect(pages).toHaveLength(1);
    expect(pages[0]?.alerts.map((alert) => alert.triggerCount)).toEqual([2, 2]);
    expect(pages[0]?.services).toEqual(['checkout']);
  });

  it('resolves the page when Alertmanager resolves the group', async () => {
    const url = `/api/v1/intake/alertmanager/${keys.alertmanager}`;
    await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody('resolved', ['a', 'b']),
    });
    expect(await openPages()).toEqual([]);
    const resolved = (await headroom.call('GET', '/api/v1/pages?status=resolved'))
      .body as PageView[];
    expect(resolved[0]?.alerts.every((alert) => alert.status === 'resolved')).toBe(true);
  });

  it("speaks PagerDuty's Events API v2: 202 with the dedup key, 400 'invalid event'", async () => {
    const trigger = await headroom.call('POST', '/v2/enqueue', {
      token: null,
      body: {
        routing_key: keys.pagerduty,
        event_action: 'trigger',
        dedup_key: 'disk-full-db1',
        payload: { summary: 'disk full on db1', source: 'db1', severity: 'critical' },
      },
    });
    expect(trigger.status).toBe(202);
    expect(trigger.body).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'disk-full-db1',
    });
    const invalid = await headroom.call('POST', '/v2/enqueue', {
      token: null,
      body: { routing_key: keys.pagerduty, event_action: 'trigger' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      status: 'invalid event',
      message: 'Event object is invalid',
    });
    const wrongKey = await headroom.call('POST', '/v2/enqueue', {
      token: null,
      body: {
        routing_key: '0'.repeat(32),
        event_action: 'resolve',
        dedup_key: 'disk-full-db1',
      },
    });
    expect(wrongKey.status).toBe(400);
    const resolve = await headroom.call('POST', '/v2/enqueue', {
      token: null,
      body: { routing_key: keys.pagerduty, event_action: 'resolve', dedup_key: 'disk-full-db1' },
    });
    expect(resolve.status).toBe(202);
    expect(await openPages()).toEqual([]);
  });

  it("documents the PagerDuty URL's errors in PagerDuty's shape, not as problems", async () => {
    const document = (await headroom.call('GET', '/api/v1/openapi.json', { token: null })).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    };
    const responses = document.paths['/v2/enqueue']?.post?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(['202', '400', '500', '503']);
    const schemaOf = (name: string) => ({
      'application/json': { schema: { $ref: `#/components/schemas/${name}` } },
    });
    expect(responses['400']?.content).toEqual(schemaOf('PagerDutyInvalidEvent'));
    expect(responses['500']?.content).toEqual(schemaOf('PagerDutyServerError'));
    expect(responses['503']?.content).toEqual(schemaOf('PagerDutyServerError'));
  });

  it('takes a plain webhook, refuses a key of another kind, and lets a responder ack and resolve', async () => {
    const posted = await headroom.call('POST', `/api/v1/intake/webhook/${keys.webhook}`, {
      token: null,
      body: { title: 'queue backlog growing', status: 'firing', dedupKey: 'backlog' },
    });
    expect(posted.status).toBe(200);
    const wrongKind = await headroom.call('POST', `/api/v1/intake/webhook/${keys.alertmanager}`, {
      token: null,
      body: { title: 'x', status: 'firing' },
    });
    expect(wrongKind.status).toBe(403);
    const unknown = await headroom.call('POST', '/api/v1/intake/webhook/nope', {
      token: null,
      body: { title: 'x', status: 'firing' },
    });
    expect(unknown.status).toBe(401);
    const [page] = await openPages();
    if (page === undefined) throw new Error('no page');

    const viewer = (
      (await headroom.call('POST', '/api/v1/tokens', { body: { name: 'v', role: 'viewer' } }))
        .body as { token: string }
    ).token;
    const refused = await headroom.call('POST', `/api/v1/pages/${page.id}/acknowledge`, {
      token: viewer,
    });
    expect(refused.status).toBe(403);
    const acked = await headroom.call('POST', `/api/v1/pages/${page.id}/acknowledge`);
    expect(acked.body).toMatchObject({ status: 'acknowledged' });
    const resolved = await headroom.call('POST', `/api/v1/pages/${page.id}/resolve`);
    expect(resolved.body).toMatchObject({ status: 'resolved' });
    expect(await openPages()).toEqual([]);
  });

  it('headroom page lists, acknowledges and resolves pages', async () => {
    await headroom.call('POST', `/api/v1/intake/webhook/${keys.webhook}`, {
      token: null,
      body: { title: 'cert expires in 3 days', status: 'firing', dedupKey: 'cert' },
    });
    const [page] = await openPages();
    if (page === undefined) throw new Error('no page');
    const listed = await runCli(['page', 'list'], headroom.url);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+STATUS\s+SEVERITY/m);
    expect(listed.stdout).toContain('cert expires in 3 days');
    // The server's page parses with the CLI's schema, escalation and all.
    const shown = await runCli(['page', 'show', page.id], headroom.url);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Escalation: none (no escalation policy covers the page)\n');
    const acked = await runCli(['page', 'ack', page.id], headroom.url);
    expect(acked).toMatchObject({ code: 0, stdout: `${page.id}: acknowledged\n` });
    expect((await runCli(['page', 'resolve', page.id], headroom.url)).code).toBe(0);
    expect((await runCli(['page', 'ack', 'nope'], headroom.url)).code).toBe(2);
    expect((await runCli(['page', 'list'], 'http://127.0.0.1:1')).code).toBe(3);
  });

  it('refuses a malformed Alertmanager body with the field, so it is not retried', async () => {
    const reply = await headroom.call('POST', `/api/v1/intake/alertmanager/${keys.alertmanager}`, {
      token: null,
      body: { version: '4', alerts: 'nope' },
    });
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain('body.alerts');
  });

  it('keeps an Alertmanager group on its page after the grouping window: one page, not two', async () => {
    const url = `/api/v1/intake/alertmanager/${keys.alertmanager}`;
    const recoDown = (status: 'firing' | 'resolved', instances: string[]) => ({
      ...alertmanagerBody(status, instances),
      groupLabels: { alertname: 'RecoDown' },
      groupKey: '{}:{alertname="RecoDown"}',
    });
    const first = await headroom.call('POST', url, {
      token: null,
      body: recoDown('firing', ['reco-1', 'reco-2']),
    });
    expect(first.body).toMatchObject({ pages: [{ decision: 'opened' }] });
    headroom.clock.set(headroom.clock.now() + 6 * 60_000);
    const later = await headroom.call('POST', url, {
      token: null,
      body: recoDown('firing', ['reco-1', 'reco-2', 'reco-3']),
    });
    expect(later.body).toMatchObject({ pages: [{ decision: 'attached' }] });
    const pages = await openPages();
    expect(pages.map((page) => page.alerts.map((alert) => alert.dedupKey))).toEqual([
      ['fp-reco-1', 'fp-reco-2', 'fp-reco-3'],
    ]);
    await headroom.call('POST', url, {
      token: null,
      body: recoDown('resolved', ['reco-1', 'reco-2', 'reco-3']),
    });
    expect(await openPages()).toEqual([]);
  });

  it("keeps one Alertmanager group sent both ways on one page when PagerDuty's 'error' comes first", async () => {
    const groupKey = '{}:{alertname="HighErrorRate"}';
    const trigger = await headroom.call('POST', '/v2/enqueue', {
      token: null,
      body: {
        routing_key: keys.pagerduty,
        event_action: 'trigger',
        dedup_key: createHash('sha256').update(groupKey).digest('hex'),
        payload: {
          summary: '[FIRING:2] HighErrorRate checkout (critical)',
          source: 'Alertmanager',
          severity: 'error',
        },
        client: 'Alertmanager',
        client_url: 'http://alertmanager/#/alerts?receiver=headroom',
      },
    });
    expect(trigger.status).toBe(202);
    const webhook = await headroom.call(
      'POST',
      `/api/v1/intake/alertmanager/${keys.alertmanager}`,
      { token: null, body: alertmanagerBody('firing', ['both-1', 'both-2']) },
    );
    expect(webhook.body).toMatchObject({ pages: [{ decision: 'attached' }] });
    const pages = (await headroom.call('GET', '/api/v1/pages?status=open')).body as (PageView & {
      severity: string;
    })[];
    expect(pages).toHaveLength(1);
    expect(pages[0]?.severity).toBe('critical');
    expect(pages[0]?.alerts).toHaveLength(3);
    await headroom.call('POST', `/api/v1/pages/${pages[0]?.id ?? ''}/resolve`);
    expect(await openPages()).toEqual([]);
  });

  it('reads an alert body as JSON whatever its Content-Type, and says so when it is not JSON', async () => {
    const amUrl = `/api/v1/intake/alertmanager/${keys.alertmanager}`;
    const hookUrl = `/api/v1/intake/webhook/${keys.webhook}`;
    const asForm = (body: unknown) => ({
      token: null,
      // What curl -d sends without -H 'Content-Type: application/json'.
      raw: { content: JSON.stringify(body), contentType: 'application/x-www-form-urlencoded' },
    });
    const am = await headroom.call('POST', amUrl, asForm(alertmanagerBody('firing', ['form'])));
    expect(am.status, am.text).toBe(200);
    const hook = await headroom.call('POST', hookUrl, {
      token: null,
      raw: {
        content: JSON.stringify({ title: 'typed as text', status: 'firing', dedupKey: 'text' }),
        contentType: 'text/plain',
      },
    });
    expect(hook.status, hook.text).toBe(200);
    const pd = await headroom.call(
      'POST',
      '/v2/enqueue',
      asForm({
        routing_key: keys.pagerduty,
        event_action: 'trigger',
        dedup_key: 'form-pd',
        payload: { summary: 'sent as a form', source: 'db1', severity: 'error' },
      }),
    );
    expect(pd.status, pd.text).toBe(202);
    expect((await openPages()).flatMap((page) => page.alerts.map((a) => a.dedupKey))).toEqual(
      expect.arrayContaining(['fp-form', 'text', 'form-pd']),
    );

    const form = await headroom.call('POST', hookUrl, {
      token: null,
      raw: {
        content: 'title=down&status=firing',
        contentType: 'application/x-www-form-urlencoded',
      },
    });
    expect(form.status).toBe(415);
    expect((form.body as { detail: string }).detail).toContain('the body must be JSON');
    const broken = await headroom.call('POST', amUrl, {
      token: null,
      raw: { content: '{"alerts": [', contentType: 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ detail: 'the body is not valid JSON' });

    // PagerDuty's URL answers every error in PagerDuty's shape.
    const brokenEvent = await headroom.call('POST', '/v2/enqueue', {
      token: null,
      raw: { content: '{"routing_key": ', contentType: 'application/json' },
    });
    expect(brokenEvent.status).toBe(400);
    expect(brokenEvent.headers.get('content-type')).toMatch(/^application\/json/);
    expect(brokenEvent.body).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['the body is not valid JSON'],
    });
    const formEvent = await headroom.call('POST', '/v2/enqueue', {
      token: null,
      raw: { content: 'routing_key=x', contentType: 'application/x-www-form-urlencoded' },
    });
    expect(formEvent.status).toBe(415);
    expect(formEvent.body).toMatchObject({
      status: 'invalid event',
      errors: [expect.stringContaining('the body must be JSON')],
    });

    for (const page of await openPages()) {
      await headroom.call('POST', `/api/v1/pages/${page.id}/resolve`);
    }
  });
});
