// Low urgency end to end, on both databases: a policy that lists `warning` as low
// urgency notifies level 1 once for a warning and escalates no further; a critical
// alert of the same Alertmanager group raises the page, which then escalates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const START = Date.parse('2026-11-02T03:00:00Z');
const MINUTE = 60_000;

function alertmanagerBody(alerts: { instance: string; severity: string }[]) {
  return {
    receiver: 'headroom',
    status: 'firing',
    alerts: alerts.map(({ instance, severity }) => ({
      status: 'firing',
      labels: { alertname: 'DiskFilling', instance, service: 'checkout', severity },
      annotations: { summary: `disk filling on ${instance}` },
      startsAt: '2026-11-02T03:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: `fp-${instance}`,
    })),
    groupLabels: { alertname: 'DiskFilling' },
    commonLabels: { alertname: 'DiskFilling', service: 'checkout' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager',
    version: '4',
    groupKey: '{}:{alertname="DiskFilling"}',
    truncatedAlerts: 0,
  };
}

describe.each(TEST_DATABASES)('low-urgency pages on $name', (kind) => {
  let headroom: TestHeadroom;
  let url = '';

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: new Date(START).toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('checkout', 'payments'),
          {
            apiVersion: 'headroom/v1',
            kind: 'EscalationPolicy',
            metadata: { name: 'payments' },
            spec: {
              services: ['checkout'],
              levels: [
                { notify: [{ user: 'anna' }], timeout: '5m' },
                { notify: [{ user: 'bram' }], timeout: '10m' },
              ],
              lowUrgency: ['warning', 'info'],
            },
          },
        ],
      },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    for (const name of ['anna', 'bram']) {
      const user = await headroom.call('POST', '/api/v1/users', {
        body: { name, email: `${name}@example.com`, teams: ['payments'] },
      });
      expect(user.status).toBe(201);
    }
    const integration = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: 'am', kind: 'alertmanager', service: 'checkout' },
    });
    url = `/api/v1/intake/alertmanager/${(integration.body as { key: string }).key}`;
  });
  afterAll(async () => {
    await headroom.close();
  });

  const notified = async (pageId: string) =>
    (
      (await headroom.call('GET', `/api/v1/pages/${pageId}/notifications`)).body as {
        channel: string;
        destination: string;
      }[]
    )
      .filter((notification) => notification.channel === 'email')
      .map((notification) => notification.destination);

  it('notifies level 1 once for a warning, then a critical alert of its group escalates it', async () => {
    const posted = await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody([{ instance: 'db1', severity: 'warning' }]),
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    const pageId = (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';
    await headroom.server.runPaging();
    headroom.clock.set(START + 60 * MINUTE);
    await headroom.server.runPaging();
    // An hour on, nobody acknowledged: still only anna, told it does not escalate.
    expect(await notified(pageId)).toEqual(['anna@example.com']);
    const page = (await headroom.call('GET', `/api/v1/pages/${pageId}`)).body as {
      status: string;
      warnings: unknown[];
    };
    expect(page.status).toBe('triggered');
    expect(page.warnings).toEqual([]);
    // The e-mail says it does not escalate (the outbox keeps what is sent).
    const [mail] = await headroom.server.deps.store.listNotifications(pageId);
    expect(mail?.message).toMatchObject({
      title: '[WARNING] disk filling on db1 (checkout)',
      lowUrgency: true,
    });

    const raised = await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody([
        { instance: 'db1', severity: 'warning' },
        { instance: 'db2', severity: 'critical' },
      ]),
    });
    expect((raised.body as { pages: { id: string }[] }).pages[0]?.id).toBe(pageId);
    // Level 1's five minutes are long over: level 2 at once.
    await headroom.server.runPaging();
    expect(await notified(pageId)).toEqual(['anna@example.com', 'bram@example.com']);
  });
});
