// Low urgency end to end, on both databases: a policy that lists `warning` as low
// urgency notifies level 1 once for a warning and escalates no further; a critical
// alert of the same Alertmanager group raises the page, which then escalates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { runCli } from '../support/cli.js';
import { alertmanagerFiring, serviceDocument } from '../support/documents.js';
import { pageEmails, startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const START = Date.parse('2026-11-02T03:00:00Z');
const MINUTE = 60_000;
/** 09:00 on Monday 2 November 2026 in Amsterdam (CET). */
const NINE_IN_AMSTERDAM = '2026-11-02T08:00:00.000Z';

function alertmanagerBody(alerts: { instance: string; severity: string }[]) {
  return alertmanagerFiring(
    '{}:{alertname="DiskFilling"}',
    alerts.map(({ instance, severity }) => ({
      id: instance,
      labels: { alertname: 'DiskFilling', instance, service: 'checkout', severity },
      summary: `disk filling on ${instance}`,
    })),
    { alertname: 'DiskFilling', service: 'checkout' },
  );
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
        body: {
          name,
          email: `${name}@example.com`,
          teams: ['payments'],
          timeZone: 'Europe/Amsterdam',
        },
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

  const emails = (pageId: string) => pageEmails(headroom, pageId);
  const notified = async (pageId: string) =>
    (await emails(pageId)).map((notification) => notification.destination);

  it('notifies level 1 once for a warning, then a critical alert of its group escalates it', async () => {
    const posted = await headroom.call('POST', url, {
      token: null,
      body: alertmanagerBody([{ instance: 'db1', severity: 'warning' }]),
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    const pageId = (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';
    await headroom.server.runPaging();
    // 04:00 on anna's clock: her e-mail waits for 09:00 there.
    expect(await emails(pageId)).toMatchObject([
      { destination: 'anna@example.com', status: 'pending', nextAttemptAt: NINE_IN_AMSTERDAM },
    ]);
    headroom.clock.set(START + 60 * MINUTE);
    await headroom.server.runPaging();
    // An hour on, nobody acknowledged: still only anna, told it does not escalate.
    expect(await notified(pageId)).toEqual(['anna@example.com']);
    const page = (await headroom.call('GET', `/api/v1/pages/${pageId}`)).body as {
      status: string;
      warnings: unknown[];
      escalation: unknown;
    };
    expect(page.status).toBe('triggered');
    expect(page.warnings).toEqual([]);
    expect(page.escalation).toMatchObject({
      urgency: 'low',
      status: 'escalating',
      levels: 1,
      notified: { level: 1, round: 1 },
      next: null,
      exhaustsAt: null,
      // Not until 09:00 on her clock.
      held: [{ person: 'anna', until: NINE_IN_AMSTERDAM }],
    });
    const shown = await runCli(['page', 'show', pageId], headroom.url);
    expect(shown.stdout).toContain(
      [
        'Escalation: payments, low urgency',
        '  Notified: level 1 (anna)',
        `  Held:     anna's e-mail until ${NINE_IN_AMSTERDAM} (working hours)`,
        '  Next:     nobody: low urgency, level 1 is told once and it does not escalate',
      ].join('\n'),
    );
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
    const [listed] = (await headroom.call('GET', '/api/v1/pages')).body as {
      id: string;
      escalation: unknown;
    }[];
    expect(listed).toMatchObject({
      id: pageId,
      escalation: {
        urgency: 'high',
        levels: 2,
        next: { level: 2, at: new Date(START + 60 * MINUTE).toISOString() },
        held: [],
      },
    });
    // Level 1's five minutes are long over: level 2 at once; anna's e-mail waits no more.
    expect((await emails(pageId))[0]?.nextAttemptAt).toBe(
      new Date(START + 60 * MINUTE).toISOString(),
    );
    // Nor does it say any more that the page does not escalate.
    const [released] = await headroom.server.deps.store.listNotifications(pageId);
    expect(released?.message).not.toHaveProperty('lowUrgency');
    await headroom.server.runPaging();
    expect(await notified(pageId)).toEqual(['anna@example.com', 'bram@example.com']);
  });

  it('withdraws the e-mail held for working hours when the page is taken first', async () => {
    headroom.clock.set(START + 2 * 60 * MINUTE); // 06:00 in Amsterdam
    const posted = await headroom.call('POST', url, {
      token: null,
      body: { ...alertmanagerBody([{ instance: 'db9', severity: 'info' }]), groupKey: '{}:{db9}' },
    });
    const pageId = (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';
    await headroom.server.runPaging();
    expect(await emails(pageId)).toMatchObject([
      { destination: 'anna@example.com', status: 'pending', nextAttemptAt: NINE_IN_AMSTERDAM },
    ]);
    const acked = await headroom.call('POST', `/api/v1/pages/${pageId}/acknowledge`);
    expect(acked.status).toBe(200);
    const resolved = await headroom.call('POST', `/api/v1/pages/${pageId}/resolve`);
    expect(resolved.status).toBe(200);
    // Never sent, and anna, who never heard of it, is not told it is over.
    expect(await emails(pageId)).toMatchObject([
      { destination: 'anna@example.com', status: 'withdrawn', nextAttemptAt: null },
    ]);
    const [withdrawn] = await headroom.server.deps.store.listNotifications(pageId);
    expect(withdrawn?.log.at(-1)?.detail).toMatch(/^withdrawn: the page was acknowledged by /);
  });

  it('e-mails at once in working hours', async () => {
    headroom.clock.set(Date.parse('2026-11-02T10:00:00Z')); // 11:00 in Amsterdam
    const posted = await headroom.call('POST', url, {
      token: null,
      body: { ...alertmanagerBody([{ instance: 'db7', severity: 'info' }]), groupKey: '{}:{db7}' },
    });
    const pageId = (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';
    await headroom.server.runPaging();
    // Tried at once (there is no mail server here: its log says so).
    const [mail] = await headroom.server.deps.store.listNotifications(pageId);
    expect(mail?.destination).toBe('anna@example.com');
    expect(mail?.log[0]?.at).toBe(Date.parse('2026-11-02T10:00:00Z'));
  });
});
