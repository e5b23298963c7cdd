// From alert to people, with an injected clock: a page escalates level by level to a
// schedule's on-call person and then to a second person, by e-mail (a local SMTP
// server), a signed webhook and a Slack-compatible webhook; a failed delivery is
// retried with its log; the e-mail's signed link acknowledges and escalation stops.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { heartbeatDocument, serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const START = Date.parse('2026-11-02T10:00:00Z');
const MINUTE = 60_000;

interface Mail {
  readonly to: string;
  readonly text: string;
}

interface Hook {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

describe.each(TEST_DATABASES)('escalation and notifications on $name', (kind) => {
  let headroom: TestHeadroom;
  let smtp: SMTPServer;
  let receiver: Server;
  const mails: Mail[] = [];
  const hooks: Hook[] = [];
  /** Answers 500 to the next webhook this many times. */
  let failNextWebhooks = 0;
  let pageId = '';

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address).join(','),
            text: raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='),
          });
          callback();
        });
      },
    });
    const smtpPort = await listen(
      (port) => smtp.listen(port, '127.0.0.1'),
      () => smtp.server,
    );
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/hook' && failNextWebhooks > 0) {
          failNextWebhooks -= 1;
          response.writeHead(500).end('try later');
          return;
        }
        hooks.push({ path: request.url ?? '', headers: request.headers, body });
        response.writeHead(200).end('ok');
      });
    });
    const receiverPort = await listen(
      (port) => receiver.listen(port, '127.0.0.1'),
      () => receiver,
    );

    headroom = await startTestHeadroom(kind, {
      now: new Date(START).toISOString(),
      env: { HEADROOM_SMTP_URL: `smtp://127.0.0.1:${String(smtpPort)}` },
    });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('checkout', 'payments'),
          {
            apiVersion: 'headroom/v1',
            kind: 'Schedule',
            metadata: { name: 'payments-primary' },
            spec: {
              team: 'payments',
              timeZone: 'Europe/Amsterdam',
              layers: [
                { name: 'main', members: ['anna'], start: '2026-10-05T09:00', shiftLength: '1w' },
              ],
            },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'EscalationPolicy',
            metadata: { name: 'payments' },
            spec: {
              team: 'payments',
              services: ['checkout'],
              levels: [
                { notify: [{ schedule: 'payments-primary' }], timeout: '5m' },
                { notify: [{ user: 'bram' }], timeout: '10m' },
              ],
              channels: [
                { webhook: { url: `http://127.0.0.1:${String(receiverPort)}/hook` } },
                { slack: { url: `http://127.0.0.1:${String(receiverPort)}/slack` } },
              ],
            },
          },
        ],
      },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    for (const [name, email] of [
      ['anna', 'anna@example.com'],
      ['bram', 'bram@example.com'],
    ] as const) {
      const user = await headroom.call('POST', '/api/v1/users', {
        body: { name, email, teams: ['payments'] },
      });
      expect(user.status).toBe(201);
    }
  });

  afterAll(async () => {
    await headroom.close();
    await new Promise<void>((resolve) => {
      smtp.close(() => {
        resolve();
      });
    });
    receiver.closeAllConnections();
    await new Promise<void>((resolve) =>
      receiver.close(() => {
        resolve();
      }),
    );
  });

  it('pages the on-call person first, by e-mail and both webhooks, signed', async () => {
    const integration = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: 'generic', kind: 'webhook', service: 'checkout' },
    });
    const key = (integration.body as { key: string }).key;
    failNextWebhooks = 1;
    const posted = await headroom.call('POST', `/api/v1/intake/webhook/${key}`, {
      token: null,
      body: {
        title: 'checkout error rate 12%',
        status: 'firing',
        dedupKey: 'errors',
        runbook: 'https://runbooks.example.com/checkout',
      },
    });
    expect(posted.status).toBe(200);
    pageId = (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';

    await headroom.server.runPaging();
    await headroom.server.runPaging(); // the same instant again: nothing twice
    expect(mails.map((mail) => mail.to)).toEqual(['anna@example.com']);
    expect(mails[0]?.text).toContain('checkout error rate 12%');
    expect(mails[0]?.text).toContain('Runbook: https://runbooks.example.com/checkout');
    // The signed webhook failed once; Slack got its message.
    expect(hooks.map((hook) => hook.path)).toEqual(['/slack']);
    expect((JSON.parse(hooks[0]?.body ?? '{}') as { text?: string }).text).toContain(
      'checkout error rate',
    );

    headroom.clock.set(START + 30_000);
    await headroom.server.runPaging();
    const webhook = hooks.find((hook) => hook.path === '/hook');
    if (webhook === undefined) throw new Error('the webhook was not retried');
    const signingKey = await headroom.server.deps.store.getSetting('page-link-signing-key');
    const expected = createHmac('sha256', signingKey ?? '')
      .update(webhook.body)
      .digest('hex');
    expect(webhook.headers['x-headroom-signature']).toBe(`sha256=${expected}`);
    expect(JSON.parse(webhook.body)).toMatchObject({ pageId, level: 1, services: ['checkout'] });
  });

  it('keeps a delivery log per notification', async () => {
    const reply = await headroom.call('GET', `/api/v1/pages/${pageId}/notifications`);
    expect(reply.status).toBe(200);
    const notifications = reply.body as {
      channel: string;
      status: string;
      log: { ok: boolean }[];
    }[];
    const webhook = notifications.find((notification) => notification.channel === 'webhook');
    expect(webhook?.status).toBe('sent');
    expect(webhook?.log.map((attempt) => attempt.ok)).toEqual([false, true]);
  });

  it('escalates to the next level when nobody acknowledges in time', async () => {
    headroom.clock.set(START + 4 * MINUTE);
    await headroom.server.runPaging();
    expect(mails).toHaveLength(1);
    // The page says who was told and who is next, and when.
    const waiting = (await headroom.call('GET', `/api/v1/pages/${pageId}`)).body as {
      escalation: unknown;
    };
    expect(waiting.escalation).toEqual({
      policy: 'payments',
      urgency: 'high',
      status: 'escalating',
      levels: 2,
      rounds: 1,
      notified: { level: 1, round: 1 },
      next: { level: 2, round: 1, at: new Date(START + 5 * MINUTE).toISOString() },
      exhaustsAt: null,
      exhaustedAt: null,
      paged: ['anna'],
      held: [],
    });
    headroom.clock.set(START + 5 * MINUTE);
    await headroom.server.runPaging();
    expect(mails.map((mail) => mail.to)).toEqual(['anna@example.com', 'bram@example.com']);
  });

  it("acknowledges through the e-mail's signed link, and escalation stops", async () => {
    const link = /Acknowledge: (\S+)/.exec(mails[1]?.text ?? '')?.[1];
    if (link === undefined) throw new Error('no acknowledge link in the e-mail');
    const url = new URL(link);
    const confirm = await fetch(`${headroom.url}${url.pathname}${url.search}`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('<form method="post"');
    // A link altered to act as someone else is refused.
    const forged = await fetch(
      `${headroom.url}${url.pathname}${url.search.replace('user=bram', 'user=anna')}`,
      { method: 'POST' },
    );
    expect(forged.status).toBe(403);
    const acted = await fetch(`${headroom.url}${url.pathname}${url.search}`, { method: 'POST' });
    expect(acted.status).toBe(200);
    const page = (await headroom.call('GET', `/api/v1/pages/${pageId}`)).body as {
      status: string;
      acknowledgedBy: string;
    };
    // The link acts as bram: his acknowledgement, his toil; the audit says how.
    expect(page).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'bram' });
    const audit = (await headroom.call('GET', '/api/v1/audit?limit=500')).body as {
      name: string;
      after: unknown;
    }[];
    expect(audit.find((entry) => entry.name === pageId)?.after).toEqual({
      status: 'acknowledged',
      by: 'bram',
      via: 'signed link',
    });

    const before = mails.length;
    headroom.clock.set(START + 60 * MINUTE);
    await headroom.server.runPaging();
    expect(mails).toHaveLength(before);
  });

  it('tells everyone who was paged, once, when the page resolves', async () => {
    const before = mails.length;
    headroom.clock.set(START + 70 * MINUTE);
    const resolved = await headroom.call('POST', `/api/v1/pages/${pageId}/resolve`);
    expect(resolved.status).toBe(200);
    await headroom.server.runPaging();
    await headroom.server.runPaging();
    const notices = mails.slice(before);
    expect(notices.map((mail) => mail.to).sort()).toEqual(['anna@example.com', 'bram@example.com']);
    expect(notices.every((mail) => mail.text.includes('[RESOLVED] checkout error rate 12%'))).toBe(
      true,
    );
    expect(notices[0]?.text).not.toContain('Acknowledge:');
  });

  it('tells the channels that were notified of the acknowledgement and the resolve', () => {
    const slack = hooks
      .filter((hook) => hook.path === '/slack')
      .map((hook) => JSON.parse(hook.body) as { text: string; blocks: unknown[] });
    const acknowledged = slack.find((message) => message.text.startsWith('[ACKNOWLEDGED]'));
    expect(JSON.stringify(acknowledged?.blocks)).toContain('by bram');
    // Only resolving is left to do: no Acknowledge button any more.
    const buttons = JSON.stringify(acknowledged?.blocks.at(-1));
    expect(buttons).toContain('Resolve');
    expect(buttons).not.toContain('Acknowledge');
    const resolved = slack.find((message) => message.text.startsWith('[RESOLVED]'));
    expect(resolved?.text).toBe('[RESOLVED] checkout error rate 12% (checkout)');
    expect(JSON.stringify(resolved?.blocks)).not.toContain('button');

    const webhook = hooks
      .filter((hook) => hook.path === '/hook')
      .map((hook) => (JSON.parse(hook.body) as { type: string }).type);
    expect(webhook).toEqual([
      'page.notification',
      'page.notification',
      'page.acknowledged',
      'page.resolved',
    ]);
  });

  it('tells the channels, once, when the escalation runs out with nobody acknowledging', async () => {
    const startedAt = START + 2 * 60 * MINUTE;
    headroom.clock.set(startedAt);
    const integration = await headroom.call('POST', '/api/v1/integrations', {
      body: { name: 'generic-2', kind: 'webhook', service: 'checkout' },
    });
    const key = (integration.body as { key: string }).key;
    const posted = await headroom.call('POST', `/api/v1/intake/webhook/${key}`, {
      token: null,
      body: { title: 'checkout latency 4 s', status: 'firing', dedupKey: 'latency' },
    });
    const unanswered = (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';
    const firstHook = hooks.length;
    await headroom.server.runPaging();
    headroom.clock.set(startedAt + 5 * MINUTE);
    await headroom.server.runPaging();
    headroom.clock.set(startedAt + 15 * MINUTE);
    await headroom.server.runPaging();
    headroom.clock.set(startedAt + 60 * MINUTE);
    await headroom.server.runPaging();

    const sent = hooks.slice(firstHook);
    const webhook = sent
      .filter((hook) => hook.path === '/hook')
      .map((hook) => JSON.parse(hook.body) as { type: string; pageId: string });
    expect(webhook.map((body) => [body.type, body.pageId])).toEqual([
      ['page.notification', unanswered],
      ['page.notification', unanswered],
      ['page.exhausted', unanswered],
    ]);
    expect(webhook[2]).toMatchObject({
      exhausted: { at: new Date(startedAt + 15 * MINUTE).toISOString(), policy: 'payments' },
    });
    const slack = sent
      .filter((hook) => hook.path === '/slack')
      .map((hook) => JSON.parse(hook.body) as { text: string; blocks: unknown[] });
    expect(slack.map((message) => message.text)).toEqual([
      '[ERROR] checkout latency 4 s (checkout)',
      '[ERROR] checkout latency 4 s (checkout)',
      '[UNACKNOWLEDGED] checkout latency 4 s (checkout)',
    ]);
    // Whoever reads the channel can still take it.
    expect(JSON.stringify(slack[2]?.blocks)).toContain('nobody else will be paged');
    expect(JSON.stringify(slack[2]?.blocks.at(-1))).toContain('Acknowledge');

    const page = (await headroom.call('GET', `/api/v1/pages/${unanswered}`)).body as {
      status: string;
      escalation: unknown;
    };
    expect(page.status).toBe('triggered');
    expect(page.escalation).toMatchObject({
      status: 'exhausted',
      next: null,
      exhaustedAt: new Date(startedAt + 15 * MINUTE).toISOString(),
      paged: ['anna', 'bram'],
    });
  });

  it("tells whoever a failed cron job wakes the end of its output, and links the page's screen", async () => {
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          heartbeatDocument('settlement', 'checkout', { schedule: { every: '1d' }, grace: '1h' }),
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const { pingUrl } = (await headroom.call('GET', '/api/v1/heartbeats/settlement')).body as {
      pingUrl: string;
    };
    // A day on: no page of checkout is recent enough for the failure to join.
    headroom.clock.set(START + 24 * 60 * MINUTE);
    const mailsBefore = mails.length;
    const hooksBefore = hooks.length;
    const failed = await fetch(`${pingUrl}/4`, {
      method: 'POST',
      body: 'connecting to the acquirer\nacquirer timed out\n',
    });
    expect(failed.status).toBe(200);
    await headroom.server.runPaging();

    const pages = (await headroom.call('GET', '/api/v1/pages?status=open&service=checkout'))
      .body as { id: string; alerts: { source: string }[] }[];
    const opened = pages.find((page) => page.alerts.some((alert) => alert.source === 'heartbeat'));
    if (opened === undefined) throw new Error('the failed run opened no page');
    const [mail] = mails.slice(mailsBefore);
    const text = (mail?.text ?? '').replaceAll('\r\n', '\n');
    expect(text).toContain(
      [
        '  - [triggered] settlement: the job is down (a run failed, exit status 4) (checkout)',
        '    The end of its output:',
        '      connecting to the acquirer',
        '      acquirer timed out',
      ].join('\n'),
    );
    // The link to the page is the web UI's screen of that page.
    expect(text).toMatch(new RegExp(`^Page: https?://\\S+/pages/${opened.id}$`, 'm'));
    const slack = hooks.slice(hooksBefore).find((hook) => hook.path === '/slack');
    expect(slack?.body).toContain('```connecting to the acquirer\\nacquirer timed out```');
  });
});

async function listen(
  start: (port: number) => unknown,
  server: () => Server | { address(): unknown },
): Promise<number> {
  start(0);
  const target = server() as Server;
  if (!target.listening) await new Promise((resolve) => target.once('listening', resolve));
  const address = target.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
