// Pages that reach no one say so, and notifications carry what a responder needs, with
// an injected clock and a local SMTP server: a page without an escalation policy, a
// gap in a schedule and an escalation that ran out are warned of in the server log,
// the page's delivery log and the page itself; the e-mail of an Alertmanager group
// lists its alerts with their descriptions and source links, the service's runbooks
// and the command that acknowledges.
import type { Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const START = Date.parse('2026-11-02T10:00:00Z');
const MINUTE = 60_000;

interface Mail {
  readonly to: string;
  readonly text: string;
}

interface PageView {
  id: string;
  status: string;
  warnings: { at: string; reason: string }[];
}

interface NotificationView {
  channel: string;
  destination: string;
  status: string;
  log: { ok: boolean; detail: string }[];
}

function service(name: string, team: string, runbook?: string) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'Service',
    metadata: { name },
    spec: { team, ...(runbook === undefined ? {} : { runbook }) },
  };
}

function schedule(name: string, team: string, start: string) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'Schedule',
    metadata: { name },
    spec: {
      team,
      timeZone: 'Europe/Amsterdam',
      layers: [{ name: 'main', members: ['sam'], start, shiftLength: '1w' }],
    },
  };
}

function policy(name: string, serviceName: string, scheduleName: string) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'EscalationPolicy',
    metadata: { name },
    spec: {
      services: [serviceName],
      levels: [{ notify: [{ schedule: scheduleName }], timeout: '5m' }],
    },
  };
}

/** An Alertmanager group of `hosts` alerts "Search slow on host-N", with descriptions. */
function searchGroup(hosts: number) {
  return {
    receiver: 'headroom',
    status: 'firing',
    alerts: Array.from({ length: hosts }, (_, index) => ({
      status: 'firing',
      labels: {
        alertname: 'SearchSlow',
        instance: `host-${String(index)}`,
        service: 'search',
        severity: 'critical',
      },
      annotations: {
        summary: `Search slow on host-${String(index)}`,
        description: `p99 latency on host-${String(index)} is 2.4 s (objective 300 ms)`,
      },
      startsAt: '2026-11-02T09:55:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `http://prometheus.example/graph?host=${String(index)}`,
      fingerprint: `search-${String(index)}`,
    })),
    groupLabels: { alertname: 'SearchSlow' },
    commonLabels: { alertname: 'SearchSlow', service: 'search' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager',
    version: '4',
    groupKey: '{}:{alertname="SearchSlow"}',
    truncatedAlerts: 0,
  };
}

describe.each(TEST_DATABASES)(
  'pages that reach no one, and what notifications say, on $name',
  (kind) => {
    let headroom: TestHeadroom;
    let smtp: SMTPServer;
    const mails: Mail[] = [];
    const logged: string[] = [];
    const keys = { webhook: '', alertmanager: '' };

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

      headroom = await startTestHeadroom(kind, {
        now: new Date(START).toISOString(),
        env: { HEADROOM_SMTP_URL: `smtp://127.0.0.1:${String(smtpPort)}` },
        logger: { level: 'warn', stream: { write: (line: string) => logged.push(line) } },
      });
      const applied = await headroom.call('POST', '/api/v1/apply', {
        body: {
          documents: [
            service('search', 'discovery', 'https://runbooks.example.com/search'),
            service('orphan', 'nobody'),
            service('gapped', 'night'),
            schedule('search-primary', 'discovery', '2026-10-05T09:00'),
            // Its first shift is weeks away: nobody is on call until then.
            schedule('night-primary', 'night', '2026-12-07T09:00'),
            policy('search', 'search', 'search-primary'),
            policy('night', 'gapped', 'night-primary'),
            {
              apiVersion: 'headroom/v1',
              kind: 'Runbook',
              metadata: { name: 'search-latency' },
              spec: {
                title: 'Search is slow',
                service: 'search',
                markdown: '## Steps\n1. Check the index size.\n2. Fail over to the replica.\n',
              },
            },
          ],
        },
      });
      expect(applied.status, applied.text).toBe(200);
      const user = await headroom.call('POST', '/api/v1/users', {
        body: { name: 'sam', email: 'sam@example.com', teams: ['discovery', 'night'] },
      });
      expect(user.status).toBe(201);
      for (const integration of ['webhook', 'alertmanager'] as const) {
        const created = await headroom.call('POST', '/api/v1/integrations', {
          body: { name: integration, kind: integration },
        });
        expect(created.status).toBe(201);
        keys[integration] = (created.body as { key: string }).key;
      }
    });

    afterAll(async () => {
      await headroom.close();
      await new Promise<void>((resolve) => {
        smtp.close(() => {
          resolve();
        });
      });
    });

    const fire = async (serviceName: string, title: string): Promise<string> => {
      const posted = await headroom.call('POST', `/api/v1/intake/webhook/${keys.webhook}`, {
        token: null,
        body: { title, status: 'firing', service: serviceName, dedupKey: title },
      });
      expect(posted.status, posted.text).toBe(200);
      return (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';
    };
    const pageOf = async (id: string) =>
      (await headroom.call('GET', `/api/v1/pages/${id}`)).body as PageView;
    const unreachedOf = async (id: string) =>
      (
        (await headroom.call('GET', `/api/v1/pages/${id}/notifications`)).body as NotificationView[]
      ).filter((notification) => notification.status === 'unreached');
    const warningsLogged = () =>
      logged
        .map(
          (line) =>
            JSON.parse(line) as {
              level: number;
              pageId?: string;
              reason?: string;
              services?: string[];
            },
        )
        .filter((entry) => entry.level === 40 && entry.pageId !== undefined);

    it('says a page on a service without an escalation policy reached no one', async () => {
      const id = await fire('orphan', 'orphan is down');
      const reason = 'reached no one: no escalation policy covers service orphan';
      await headroom.server.runPaging();

      expect(warningsLogged()).toContainEqual(
        expect.objectContaining({ pageId: id, services: ['orphan'], reason }),
      );
      const page = await pageOf(id);
      expect(page.status).toBe('triggered');
      expect(page.warnings).toEqual([{ at: new Date(START).toISOString(), reason }]);
      const unreached = await unreachedOf(id);
      expect(unreached).toHaveLength(1);
      expect(unreached[0]).toMatchObject({ channel: 'none', log: [{ ok: false, detail: reason }] });
      // It is in the open list too, where whoever looks will see it.
      const open = (await headroom.call('GET', '/api/v1/pages?status=open')).body as PageView[];
      expect(open.find((entry) => entry.id === id)?.warnings.map((w) => w.reason)).toEqual([
        reason,
      ]);
    });

    it('says a gap in the schedule reached no one, and that the escalation ran out', async () => {
      const id = await fire('gapped', 'gapped is down');
      await headroom.server.runPaging();
      await headroom.server.runPaging(); // again at the same instant: recorded once

      const reasons = (await pageOf(id)).warnings.map((warning) => warning.reason);
      expect(reasons).toEqual([
        'level 1, round 1 reached no one: nobody on call on schedule night-primary',
        `escalation exhausted at ${new Date(START).toISOString()}: nobody acknowledged after every level of night; the page stays triggered and nobody else will be paged`,
      ]);
      expect((await unreachedOf(id)).map((notification) => notification.destination)).toEqual([
        'schedule night-primary',
        'escalation policy night',
      ]);
      expect(warningsLogged().filter((entry) => entry.pageId === id)).toHaveLength(2);
    });

    it("e-mails an Alertmanager group's alerts, descriptions, sources, runbooks and the ack command", async () => {
      const posted = await headroom.call(
        'POST',
        `/api/v1/intake/alertmanager/${keys.alertmanager}`,
        {
          token: null,
          body: searchGroup(2),
        },
      );
      expect(posted.status, posted.text).toBe(200);
      const id = (posted.body as { pages: { id: string }[] }).pages[0]?.id ?? '';
      await headroom.server.runPaging();

      const mail = mails.find((entry) => entry.text.includes('Search slow on host-0'));
      if (mail === undefined) throw new Error('no e-mail for the search page');
      expect(mail.to).toBe('sam@example.com');
      for (const expected of [
        '[triggered] Search slow on host-0 (search)',
        'p99 latency on host-0 is 2.4 s (objective 300 ms)',
        'Source: http://prometheus.example/graph?host=0',
        '[triggered] Search slow on host-1 (search)',
        'p99 latency on host-1 is 2.4 s (objective 300 ms)',
        'Runbook: https://runbooks.example.com/search',
        'Runbook: Search is slow',
        '2. Fail over to the replica.',
        `headroom page ack ${id}`,
      ]) {
        expect(mail.text).toContain(expected);
      }
    });

    it('says when an escalation that reached someone ran out', async () => {
      const open = (await headroom.call('GET', '/api/v1/pages?status=open')).body as {
        id: string;
        services: string[];
        warnings: unknown[];
      }[];
      const search = open.find((page) => page.services.includes('search'));
      if (search === undefined) throw new Error('no search page');
      expect(search.warnings).toEqual([]);

      headroom.clock.set(START + 5 * MINUTE);
      await headroom.server.runPaging();
      expect((await pageOf(search.id)).warnings.map((warning) => warning.reason)).toEqual([
        `escalation exhausted at ${new Date(START + 5 * MINUTE).toISOString()}: nobody acknowledged after every level of search; the page stays triggered and nobody else will be paged`,
      ]);
    });
  },
);

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
