// A real Alertmanager (Debian's prometheus-alertmanager) pages Headroom through both of
// its channels at once, webhook_configs and pagerduty_configs with Headroom's URL: one
// page, which reaches the on-call person by e-mail (a local SMTP server) and a local
// webhook receiver; resolving the alerts in Alertmanager resolves it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../src/store/test-databases.js';
import { serviceDocument } from './support/documents.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';

interface PageView {
  id: string;
  status: string;
  alerts: { source: string; status: string }[];
}

describe('a real Alertmanager paging Headroom', () => {
  let headroom: TestHeadroom;
  let alertmanager: ChildProcess;
  let alertmanagerUrl = '';
  let dir = '';
  let smtp: SMTPServer;
  let receiver: Server;
  const mails: string[] = [];
  const hooks: string[] = [];

  beforeAll(async () => {
    const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite');
    if (sqlite === undefined) throw new Error('no sqlite test database');
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          mails.push(session.envelope.rcptTo.map((rcpt) => rcpt.address).join(','));
          callback();
        });
      },
    });
    smtp.listen(0, '127.0.0.1');
    await new Promise((resolve) => smtp.server.once('listening', resolve));
    receiver = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        hooks.push(body);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const portOf = (server: { address(): unknown }) =>
      String((server.address() as { port: number }).port);

    headroom = await startTestHeadroom(sqlite, {
      now: new Date().toISOString(),
      env: { HEADROOM_SMTP_URL: `smtp://127.0.0.1:${portOf(smtp.server)}` },
    });
    await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('checkout', 'payments'),
          {
            apiVersion: 'headroom/v1',
            kind: 'EscalationPolicy',
            metadata: { name: 'payments' },
            spec: {
              teams: ['payments'],
              levels: [{ notify: [{ user: 'anna' }] }],
              channels: [{ webhook: { url: `http://127.0.0.1:${portOf(receiver)}/hook` } }],
            },
          },
        ],
      },
    });
    await headroom.call('POST', '/api/v1/users', {
      body: { name: 'anna', email: 'anna@example.com', teams: ['payments'] },
    });
    const keyOf = async (kind: string) =>
      (
        (
          await headroom.call('POST', '/api/v1/integrations', {
            body: { name: kind, kind, service: 'checkout' },
          })
        ).body as { key: string }
      ).key;
    const [webhookKey, routingKey] = [await keyOf('alertmanager'), await keyOf('pagerduty')];
    dir = mkdtempSync(path.join(tmpdir(), 'headroom-alertmanager-'));
    const config = path.join(dir, 'alertmanager.yml');
    writeFileSync(
      config,
      [
        'route:',
        '  receiver: headroom',
        '  group_by: [alertname, service]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: headroom',
        '    webhook_configs:',
        `      - url: ${headroom.url}/api/v1/intake/alertmanager/${webhookKey}`,
        '        send_resolved: true',
        '    pagerduty_configs:',
        `      - url: ${headroom.url}/v2/enqueue`,
        `        routing_key: ${routingKey}`,
        '        send_resolved: true',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    alertmanagerUrl = `http://127.0.0.1:${String(port)}`;
    alertmanager = spawn(
      'prometheus-alertmanager',
      [
        `--config.file=${config}`,
        `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${String(port)}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    await eventually(async () => (await fetch(`${alertmanagerUrl}/-/ready`)).ok);
  }, 60_000);

  afterAll(async () => {
    if (alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
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

  const startsAt = new Date().toISOString();
  const postAlerts = async (endsAt: string) => {
    const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        ['host-0', 'host-1'].map((instance) => ({
          labels: {
            alertname: 'HighErrorRate',
            service: 'checkout',
            instance,
            severity: 'critical',
          },
          annotations: { summary: `errors on ${instance}` },
          startsAt,
          endsAt,
          generatorURL: 'http://prometheus/graph',
        })),
      ),
    });
    expect(response.status, await response.text()).toBe(200);
  };

  const pages = async (status: string) =>
    (await headroom.call('GET', `/api/v1/pages?status=${status}`)).body as PageView[];

  it('opens one page from both channels, and resolves it when Alertmanager resolves', async () => {
    await postAlerts(new Date(Date.now() + 60 * 60_000).toISOString());
    await eventually(async () => {
      const open = await pages('open');
      // Under load Alertmanager may send the group's alerts over two notifications
      // (group_interval 1s): wait for all three to be in.
      return open.length === 1 && open[0]?.alerts.length === 3;
    });
    const [page] = await pages('open');
    // Two alerts by fingerprint from the webhook, one per group from PagerDuty's format.
    expect(page?.alerts.map((alert) => alert.source).sort()).toEqual([
      'alertmanager',
      'alertmanager',
      'pagerduty',
    ]);
    // One page, one notification per channel: not one per alert or per Alertmanager channel.
    await headroom.server.runPaging();
    expect(mails).toEqual(['anna@example.com']);
    expect(hooks).toHaveLength(1);
    expect(JSON.parse(hooks[0] ?? '{}')).toMatchObject({
      pageId: page?.id,
      services: ['checkout'],
    });

    await postAlerts(new Date(Date.now() - 1000).toISOString());
    await eventually(async () => (await pages('open')).length === 0);
    const resolved = await pages('resolved');
    expect(resolved.map((candidate) => candidate.id)).toContain(page?.id);
    expect(
      resolved.find((candidate) => candidate.id === page?.id)?.alerts.map((alert) => alert.status),
    ).toEqual(['resolved', 'resolved', 'resolved']);
  }, 60_000);
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
