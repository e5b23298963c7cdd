// Alert intake group-commits on both databases: bodies that arrive together are stored
// in one transaction, each exactly once, with the pages one transaction per body
// would have made; a batch that fails answers no one with a 2xx and stores nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertIntake, integrationForKey, type IncomingBody } from '../../src/app/alert-intake.js';
import type { AlertIntegrationRecord } from '../../src/app/ports/records.js';
import type { Store } from '../../src/app/ports/store.js';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

interface PageView {
  id: string;
  status: string;
  services: string[];
  alerts: { dedupKey: string; status: string; triggerCount: number }[];
}

const SERVICES = ['cart', 'search', 'payments', 'shipping'];

/** An Alertmanager group of one service, as `group_by: [service]` sends it. */
function groupBody(
  group: string,
  service: string,
  instances: readonly string[],
  status = 'firing',
) {
  return {
    receiver: 'headroom',
    status,
    alerts: instances.map((instance) => ({
      status,
      labels: { alertname: 'HighErrorRate', service, instance },
      annotations: { summary: `errors on ${instance}` },
      startsAt: '2026-11-01T10:00:00Z',
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-01T10:30:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: `fp-${instance}`,
    })),
    groupLabels: { service },
    commonLabels: { service },
    commonAnnotations: {},
    externalURL: 'http://alertmanager',
    version: '4',
    groupKey: `{}:{test="${group}",service="${service}"}`,
    truncatedAlerts: 0,
  };
}

/** Bodies 0..n-1: body i is two new fingerprints of service i mod 4. */
function distinctBodies(prefix: string, count: number) {
  return Array.from({ length: count }, (_, index) =>
    groupBody(prefix, SERVICES[index % SERVICES.length] ?? 'cart', [
      `${prefix}-${String(index)}-a`,
      `${prefix}-${String(index)}-b`,
    ]),
  );
}

/** The store, but counting transactions and failing inside them when told to. */
function instrumented(
  store: Store,
  failWhen: (body: unknown) => boolean,
): { store: Store; transactions: () => number } {
  let transactions = 0;
  return {
    transactions: () => transactions,
    store: {
      ...store,
      transaction: (work) => {
        transactions += 1;
        return store.transaction((tx) =>
          work({
            ...tx,
            insertReceivedAlert: async (integration, at, body) => {
              await tx.insertReceivedAlert(integration, at, body);
              // After a write: what the failed transaction did must not be kept.
              if (failWhen(body)) throw new Error('the disk is full');
            },
          }),
        );
      },
    },
  };
}

/** A server with the services and an Alertmanager integration; its key. */
async function startWithIntegration(
  kind: (typeof TEST_DATABASES)[number],
): Promise<{ headroom: TestHeadroom; key: string }> {
  const headroom = await startTestHeadroom(kind, { now: '2026-11-01T10:01:00Z' });
  await headroom.call('POST', '/api/v1/apply', {
    body: { documents: SERVICES.map((service) => serviceDocument(service, 'web')) },
  });
  const created = await headroom.call('POST', '/api/v1/integrations', {
    body: { name: 'am', kind: 'alertmanager' },
  });
  return { headroom, key: (created.body as { key: string }).key };
}

describe.each(TEST_DATABASES)('alert intake in batches on $name', (kind) => {
  let headroom: TestHeadroom;
  let key = '';
  let integration: AlertIntegrationRecord;

  beforeAll(async () => {
    ({ headroom, key } = await startWithIntegration(kind));
    integration = await integrationForKey(headroom.server.deps, key, 'alertmanager');
  });
  afterAll(async () => {
    await headroom.close();
  });

  const pagesWith = async (prefix: string) =>
    ((await headroom.call('GET', '/api/v1/pages?limit=1000')).body as PageView[]).filter((page) =>
      page.alerts.some((alert) => alert.dedupKey.startsWith(`fp-${prefix}-`)),
    );
  const triggersByFingerprint = (pages: readonly PageView[], prefix: string) =>
    Object.fromEntries(
      pages.flatMap((page) =>
        page.alerts
          .filter((alert) => alert.dedupKey.startsWith(`fp-${prefix}-`))
          .map((alert) => [alert.dedupKey, alert.triggerCount]),
      ),
    );
  /** Later than the grouping window: new alerts no longer join the pages of the tests before. */
  const later = () => {
    headroom.clock.set(headroom.clock.now() + 10 * 60_000);
  };
  const received = () => headroom.server.deps.store.countReceivedAlerts();

  it('stores bodies posted at once each exactly once, and answers each after the commit', async () => {
    const before = await received();
    const bodies = distinctBodies('http', 24);
    const url = `/api/v1/intake/alertmanager/${key}`;
    // Every body twice, concurrently: a replay racing its original.
    const replies = await Promise.all(
      [...bodies, ...bodies].map((body) => headroom.call('POST', url, { token: null, body })),
    );
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200));
    expect(await received()).toBe(before + 48);
    const pages = await pagesWith('http');
    // One page per service (each group joins its service's page), no alert on two pages.
    expect(pages.map((page) => page.services).sort()).toEqual(
      SERVICES.map((service) => [service]).sort(),
    );
    const expected = Object.fromEntries(
      bodies.flatMap((body) => body.alerts.map((alert) => [alert.fingerprint, 2])),
    );
    expect(triggersByFingerprint(pages, 'http')).toEqual(expected);
    expect(pages.flatMap((page) => page.alerts)).toHaveLength(48);
  });

  it('writes bodies received together in one transaction, as one transaction each would have', async () => {
    later();
    const counting = instrumented(headroom.server.deps.store, () => false);
    const intake = new AlertIntake({ ...headroom.server.deps, store: counting.store });
    const receive = (body: unknown) =>
      intake.receive(integration, { kind: 'alertmanager', body } as IncomingBody);
    const received = [
      receive(groupBody('batch', 'cart', ['batch-x', 'batch-y'])),
      // The same alert again, and one more: a repeat and an attach, on the page just opened.
      receive(groupBody('batch', 'cart', ['batch-x', 'batch-z'])),
      receive(groupBody('batch', 'search', ['batch-s'])),
      // The cart group resolves: its page closes, in the same batch that opened it.
      receive(groupBody('batch', 'cart', ['batch-x', 'batch-y', 'batch-z'], 'resolved')),
    ];
    // A second later (a page's id is its first alert and instant), still in this batch.
    headroom.clock.set(headroom.clock.now() + 1000);
    received.push(receive(groupBody('batch', 'cart', ['batch-x'])));
    const results = await Promise.all(received);
    expect(counting.transactions()).toBe(1);
    expect(results.map((result) => result.results.map((each) => each.decision))).toEqual([
      ['opened', 'attached'],
      ['repeated', 'attached'],
      ['opened'],
      ['resolved', 'resolved', 'resolved'],
      ['opened'],
    ]);
    const pages = await pagesWith('batch');
    const cart = pages.filter((page) => page.services.includes('cart'));
    expect(cart.map((page) => page.status).sort()).toEqual(['resolved', 'triggered']);
    expect(cart.find((page) => page.status === 'resolved')?.alerts).toMatchObject([
      { dedupKey: 'fp-batch-x', triggerCount: 2, status: 'resolved' },
      { dedupKey: 'fp-batch-y', triggerCount: 1, status: 'resolved' },
      { dedupKey: 'fp-batch-z', triggerCount: 1, status: 'resolved' },
    ]);
    // A trigger after the resolve is a new alert on a new page, not a re-open.
    expect(cart.find((page) => page.status === 'triggered')?.alerts).toMatchObject([
      { dedupKey: 'fp-batch-x', triggerCount: 1, status: 'triggered' },
    ]);
  });

  it('answers no body of a failed batch, and stores nothing of it; the others are retried alone', async () => {
    later();
    const before = await received();
    const poison = (body: unknown) => JSON.stringify(body).includes('fp-poison-3-a');
    const counting = instrumented(headroom.server.deps.store, poison);
    const intake = new AlertIntake({ ...headroom.server.deps, store: counting.store });
    const bodies = distinctBodies('poison', 6);
    const settled = await Promise.allSettled(
      bodies.map((body) =>
        intake.receive(integration, { kind: 'alertmanager', body } as IncomingBody),
      ),
    );
    expect(settled.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    // The batch, then each body alone.
    expect(counting.transactions()).toBe(1 + 6);
    expect(await received()).toBe(before + 5);
    const triggers = triggersByFingerprint(await pagesWith('poison'), 'poison');
    expect(Object.keys(triggers).sort()).toEqual(
      bodies
        .filter((_, index) => index !== 3)
        .flatMap((body) => body.alerts.map((alert) => alert.fingerprint))
        .sort(),
    );
    expect(Object.values(triggers).every((count) => count === 1)).toBe(true);
  });
});

describe.each(TEST_DATABASES)('alert intake when the database refuses on $name', (kind) => {
  let headroom: TestHeadroom;
  let key = '';

  beforeAll(async () => {
    ({ headroom, key } = await startWithIntegration(kind));
  });
  afterAll(async () => {
    await headroom.close();
  });

  /** Pages cannot be written: every batch fails after its bodies were inserted. */
  async function refusePages(refuse: boolean): Promise<void> {
    const statements =
      kind.name === 'sqlite'
        ? refuse
          ? [
              "create trigger refuse_pages before insert on pages begin select raise(abort, 'the disk is full'); end",
            ]
          : ['drop trigger refuse_pages']
        : refuse
          ? [
              "create function refuse_pages() returns trigger language plpgsql as $$ begin raise exception 'the disk is full'; end $$",
              'create trigger refuse_pages before insert on pages for each row execute function refuse_pages()',
            ]
          : ['drop trigger refuse_pages on pages', 'drop function refuse_pages()'];
    for (const statement of statements)
      await sql.raw(statement).execute(headroom.server.database.db);
  }

  it('answers 5xx to every body of a batch that failed, stores none, and takes the retries once', async () => {
    const bodies = distinctBodies('retry', 8);
    const url = `/api/v1/intake/alertmanager/${key}`;
    const post = () =>
      Promise.all(bodies.map((body) => headroom.call('POST', url, { token: null, body })));
    await refusePages(true);
    const refused = await post();
    expect(refused.map((reply) => reply.status)).toEqual(bodies.map(() => 500));
    expect(await headroom.server.deps.store.countReceivedAlerts()).toBe(0);
    expect((await headroom.call('GET', '/api/v1/pages?limit=1000')).body).toEqual([]);

    // Alertmanager sends again after a 5xx.
    await refusePages(false);
    const accepted = await post();
    expect(accepted.map((reply) => reply.status)).toEqual(bodies.map(() => 200));
    expect(await headroom.server.deps.store.countReceivedAlerts()).toBe(8);
    const pages = (await headroom.call('GET', '/api/v1/pages?limit=1000')).body as PageView[];
    const alerts = pages.flatMap((page) => page.alerts);
    expect(alerts).toHaveLength(16);
    expect(alerts.every((alert) => alert.triggerCount === 1)).toBe(true);
  });
});
