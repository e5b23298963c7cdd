// Two Headroom instances on one PostgreSQL database, each with its background runner:
// the same alert sent to both (and sent again, as Alertmanager does on a retry) is one
// page, and the on-call person gets one e-mail for it, not one per instance.
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadroom, type RunningHeadroom } from '../src/server/headroom-server.js';
import { TEST_DATABASES, type TestDatabase } from '../src/store/test-databases.js';
import { api } from './support/process.js';
import { serviceDocument } from './support/documents.js';

const TOKEN = 'hr_two-instances-admin-token-0123456789';
const postgres = TEST_DATABASES.find((kind) => kind.name === 'postgres');

describe('two instances paging from one database', () => {
  let database: TestDatabase;
  let smtp: SMTPServer;
  const mails: string[] = [];
  const instances: RunningHeadroom[] = [];

  beforeAll(async () => {
    if (postgres === undefined) throw new Error('no PostgreSQL test database');
    database = await postgres.create();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          mails.push(session.envelope.rcptTo.map((rcpt) => rcpt.address).join(','));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => {
      smtp.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    const address = smtp.server.address();
    const smtpPort = typeof address === 'object' && address !== null ? address.port : 0;
    // One after the other: the first migrates and makes the admin token.
    for (let index = 0; index < 2; index += 1) {
      instances.push(
        await startHeadroom({
          host: '127.0.0.1',
          port: 0,
          database: database.location,
          bootstrapToken: TOKEN,
          version: 'test',
          background: { intervalMs: 60_000, leaseTtlMs: 3_000, tickMs: 100 },
          env: { HEADROOM_SMTP_URL: `smtp://127.0.0.1:${String(smtpPort)}` },
        }),
      );
    }
  });

  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await new Promise<void>((resolve) => {
      smtp.close(() => {
        resolve();
      });
    });
    await database.drop();
  });

  it('pages once and e-mails once, whichever instance took the alert', async () => {
    const [first, second] = instances;
    if (first === undefined || second === undefined) throw new Error('two instances expected');
    const applied = await api(first.url, TOKEN, 'POST', '/api/v1/apply', {
      documents: [
        serviceDocument('checkout', 'payments'),
        {
          apiVersion: 'headroom/v1',
          kind: 'EscalationPolicy',
          metadata: { name: 'payments' },
          spec: {
            team: 'payments',
            services: ['checkout'],
            levels: [{ notify: [{ user: 'anna' }] }],
          },
        },
      ],
    });
    expect(applied.status).toBe(200);
    await api(first.url, TOKEN, 'POST', '/api/v1/users', {
      name: 'anna',
      email: 'anna@example.com',
      teams: ['payments'],
    });
    const integration = await api(first.url, TOKEN, 'POST', '/api/v1/integrations', {
      name: 'monitoring',
      kind: 'webhook',
      service: 'checkout',
    });
    const { key } = integration.body as { key: string };
    const alert = { title: 'checkout 5xx above 5 %', status: 'firing', dedupKey: 'checkout-5xx' };
    // The same alert to both instances at once, twice each.
    const posted = await Promise.all(
      [first, second, first, second].map((instance) =>
        fetch(`${instance.url}/api/v1/intake/webhook/${key}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alert),
        }).then((response) => response.status),
      ),
    );
    expect(posted).toEqual([200, 200, 200, 200]);
    const pages = (await api(second.url, TOKEN, 'GET', '/api/v1/pages?status=open')).body as {
      id: string;
    }[];
    expect(pages).toHaveLength(1);
    const pageId = pages[0]?.id ?? '';

    // Whichever instance holds the lease escalates and delivers; wait until it has.
    for (let waited = 0; mails.length === 0 && waited < 200; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // More ticks on both instances: nothing is sent again.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(mails).toEqual(['anna@example.com']);
    const notifications = (
      await api(first.url, TOKEN, 'GET', `/api/v1/pages/${pageId}/notifications`)
    ).body as { destination: string; status: string }[];
    expect(notifications).toEqual([
      expect.objectContaining({ destination: 'anna@example.com', status: 'sent' }),
    ]);
  });
});
