// What makes an instance read its definitions again. The catalog probes for changes at
// every refresh; an audit-only write (a toil entry, a token, a team) must not make it
// read and index every resource again, while a change to a resource still must.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const NIGHTLY_PAYOUTS = {
  apiVersion: 'headroom/v1',
  kind: 'Heartbeat',
  metadata: { name: 'nightly-payouts' },
  spec: { service: 'checkout', schedule: { every: '1d' }, grace: '1h' },
};

describe.each(TEST_DATABASES)('catalog reloads on $name', (kind) => {
  let headroom: TestHeadroom;
  let reloads = 0;

  const ok = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const reply = await headroom.call(method, route, body === undefined ? {} : { body });
    expect(reply.status, `${method} ${route}: ${reply.text}`).toBeLessThan(300);
    return reply.body;
  };
  /**
   * Reloads made by a write and the full refresh after it, as the next read on any
   * instance would make (the write itself may refresh, before or after it commits).
   */
  const reloadsOf = async (write: () => Promise<unknown>): Promise<number> => {
    await headroom.server.deps.catalog.refresh();
    const before = reloads;
    await write();
    await headroom.server.deps.catalog.refresh();
    return reloads - before;
  };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind);
    await ok('POST', '/api/v1/apply', {
      documents: [serviceDocument('checkout', 'payments'), NIGHTLY_PAYOUTS],
    });
    await ok('POST', '/api/v1/users', { name: 'anna', timeZone: 'UTC', teams: ['payments'] });
    // Every reload reads the config resources; nothing else in a refresh does.
    const { store } = headroom.server.deps;
    const list = store.listConfigResources.bind(store);
    store.listConfigResources = (...args) => {
      reloads += 1;
      return list(...args);
    };
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('logging toil, a token or a team reads no definitions again', async () => {
    expect(
      await reloadsOf(() =>
        ok('POST', '/api/v1/toil', {
          duration: '30m',
          description: 'Rotated the payout certificates by hand',
          person: 'anna',
          service: 'checkout',
        }),
      ),
    ).toBe(0);
    expect(
      await reloadsOf(() => ok('POST', '/api/v1/tokens', { name: 'ci', role: 'viewer' })),
    ).toBe(0);
    expect(await reloadsOf(() => ok('POST', '/api/v1/teams', { name: 'search' }))).toBe(0);
    // The audit trail keeps them all the same.
    const audit = (await ok('GET', '/api/v1/audit?limit=3')) as { kind: string }[];
    expect(audit.map((entry) => entry.kind)).toEqual(['Team', 'Token', 'ToilEntry']);
  });

  it('pausing, resuming or re-keying a heartbeat changes its state, not its definition', async () => {
    const heartbeat = '/api/v1/heartbeats/nightly-payouts';
    expect(await reloadsOf(() => ok('POST', `${heartbeat}/pause`))).toBe(0);
    expect(await reloadsOf(() => ok('POST', `${heartbeat}/resume`))).toBe(0);
    expect(await reloadsOf(() => ok('POST', `${heartbeat}/rotate-token`))).toBe(0);
    const audit = (await ok('GET', '/api/v1/audit?limit=3')) as { kind: string; name: string }[];
    expect(audit.map((entry) => `${entry.kind} ${entry.name}`)).toEqual(
      Array.from({ length: 3 }, () => 'Heartbeat nightly-payouts'),
    );
  });

  it('a change to a resource or a user is read again', async () => {
    expect(
      await reloadsOf(() =>
        ok('POST', '/api/v1/apply', {
          documents: [serviceDocument('checkout', 'payments', 'takes the money')],
        }),
      ),
    ).toBe(1);
    expect(headroom.server.deps.catalog.service('checkout')?.description).toBe('takes the money');
    expect(await reloadsOf(() => ok('PUT', '/api/v1/users/anna', { roles: ['sre-lead'] }))).toBe(1);
    expect(headroom.server.deps.catalog.rolesOf('anna')).toEqual(['sre-lead']);
  });
});
