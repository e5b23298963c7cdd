// The incident-response rotation joins a page that grows: a page on one team's service
// notifies that team's level 1; when an alert of another team's service joins its
// Alertmanager group, the rotation is added to level 1 and notified at once, once, and
// the escalation goes on as it was. On both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { alertmanagerFiring, serviceDocument } from '../support/documents.js';
import { pageEmails, startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const START = Date.parse('2026-11-02T03:00:00Z');
const MINUTE = 60_000;

function alertmanagerBody(services: string[]) {
  return alertmanagerFiring(
    '{}:{alertname="ErrorsHigh"}',
    services.map((service) => ({
      id: service,
      labels: { alertname: 'ErrorsHigh', service, severity: 'error' },
      summary: `errors high on ${service}`,
    })),
    { alertname: 'ErrorsHigh' },
  );
}

describe.each(TEST_DATABASES)('the incident-response rotation on $name', (kind) => {
  let headroom: TestHeadroom;
  let url = '';

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: new Date(START).toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('checkout', 'payments'),
          serviceDocument('search', 'discovery'),
          {
            apiVersion: 'headroom/v1',
            kind: 'Schedule',
            metadata: { name: 'incident-response' },
            spec: {
              timeZone: 'UTC',
              layers: [
                { name: 'ic', members: ['ines'], start: '2026-01-05T00:00', shiftLength: '1w' },
              ],
            },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'EscalationPolicy',
            metadata: { name: 'payments' },
            spec: {
              services: ['checkout', 'search'],
              levels: [
                { notify: [{ user: 'anna' }], timeout: '5m' },
                { notify: [{ user: 'bram' }], timeout: '10m' },
              ],
              incidentResponse: { schedule: 'incident-response' },
            },
          },
        ],
      },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    for (const [name, team] of [
      ['anna', 'payments'],
      ['bram', 'payments'],
      ['ines', 'payments'],
    ] as const) {
      const user = await headroom.call('POST', '/api/v1/users', {
        body: { name, email: `${name}@example.com`, teams: [team] },
      });
      expect(user.status).toBe(201);
    }
    const integration = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: 'am', kind: 'alertmanager' },
    });
    url = `/api/v1/intake/alertmanager/${(integration.body as { key: string }).key}`;
  });
  afterAll(async () => {
    await headroom.close();
  });

  const mailed = async (pageId: string) =>
    (await pageEmails(headroom, pageId)).map((notification) => notification.destination);

  it('joins level 1 when an alert of another team joins the page, and is notified once', async () => {
    const posted = await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody(['checkout']),
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    const pageId = (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';
    await headroom.server.runPaging();
    // One team's page: its own level 1, not the rotation.
    expect(await mailed(pageId)).toEqual(['anna@example.com']);

    headroom.clock.set(START + 2 * MINUTE);
    const grown = await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody(['checkout', 'search']),
    });
    expect((grown.body as { pages: { id: string }[] }).pages[0]?.id).toBe(pageId);
    await headroom.server.runPaging();
    await headroom.server.runPaging();
    expect(await mailed(pageId)).toEqual(['anna@example.com', 'ines@example.com']);
    const page = (await headroom.call('GET', `/api/v1/pages/${pageId}`)).body as {
      services: string[];
      escalation: unknown;
    };
    expect(page.services).toEqual(['checkout', 'search']);
    // Level 2 is still due when level 1's five minutes end.
    expect(page.escalation).toMatchObject({
      paged: ['anna', 'ines'],
      notified: { level: 1, round: 1 },
      next: { level: 2, at: new Date(START + 5 * MINUTE).toISOString() },
    });

    // Alertmanager sends the group again: nobody is told twice.
    headroom.clock.set(START + 3 * MINUTE);
    await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody(['checkout', 'search']),
    });
    await headroom.server.runPaging();
    headroom.clock.set(START + 5 * MINUTE);
    await headroom.server.runPaging();
    expect(await mailed(pageId)).toEqual([
      'anna@example.com',
      'ines@example.com',
      'bram@example.com',
    ]);
  });
});
