// Pings group-commit on both databases: pings arriving together are written in one
// transaction, each exactly once, and none is answered before that commit; a batch
// that fails answers none of its pings and keeps none of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatPings, type PingInput } from '../../src/app/heartbeats.js';
import type { Store } from '../../src/app/ports/store.js';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const CHECKS = 12;
const checkName = (index: number) => `job-${String(index)}`;

function pingOf(token: string, signal: PingInput['signal']): PingInput {
  return {
    target: { kind: 'token', token },
    signal,
    runId: undefined,
    body: undefined,
    remote: '127.0.0.1',
    userAgent: 'test',
  };
}

describe.each(TEST_DATABASES)('heartbeat pings in batches on $name', (kind) => {
  let headroom: TestHeadroom;
  let tokens: string[] = [];

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: '2026-11-20T00:00:00Z' });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          serviceDocument('billing', 'payments'),
          ...Array.from({ length: CHECKS }, (_, index) => ({
            apiVersion: 'headroom/v1',
            kind: 'Heartbeat',
            metadata: { name: checkName(index) },
            spec: { service: 'billing', schedule: { every: '1h' }, grace: '10m' },
          })),
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const listed = (await headroom.call('GET', '/api/v1/heartbeats')).body as {
      name: string;
      pingUrl: string;
    }[];
    tokens = Array.from({ length: CHECKS }, (_, index) => {
      const url = listed.find((check) => check.name === checkName(index))?.pingUrl ?? '';
      return new URL(url).pathname.split('/')[2] ?? '';
    });
  });
  afterAll(async () => {
    await headroom.close();
  });

  const stored = async (index: number) =>
    headroom.server.deps.store.listHeartbeatPings(checkName(index), 100);

  it('stores pings sent at once each exactly once, answered 200 after the commit', async () => {
    const urls = tokens.flatMap((token) => [
      `${headroom.url}/ping/${token}/start`,
      `${headroom.url}/ping/${token}`,
    ]);
    const statuses = await Promise.all(
      urls.map(async (url) => (await fetch(url, { method: 'POST', body: 'ran' })).status),
    );
    expect(statuses).toEqual(urls.map(() => 200));
    for (let index = 0; index < CHECKS; index += 1) {
      const pings = await stored(index);
      expect(pings.map((ping) => ping.kind).sort()).toEqual(['start', 'success']);
    }
  });

  it('writes pings received together in one transaction', async () => {
    let transactions = 0;
    const store: Store = {
      ...headroom.server.deps.store,
      transaction: (work) => {
        transactions += 1;
        return headroom.server.deps.store.transaction(work);
      },
    };
    const pings = new HeartbeatPings({ ...headroom.server.deps, store });
    const outcomes = await Promise.all(tokens.map((token) => pings.receive(pingOf(token, 'log'))));
    expect(outcomes).toEqual(tokens.map(() => 'ok'));
    expect(transactions).toBe(1);
    for (let index = 0; index < CHECKS; index += 1) {
      expect((await stored(index)).filter((ping) => ping.kind === 'log')).toHaveLength(1);
    }
  });

  it('answers no ping of a batch that failed, and keeps none of them', async () => {
    const before = await Promise.all(tokens.map((_, index) => stored(index)));
    const store: Store = {
      ...headroom.server.deps.store,
      transaction: (work) =>
        headroom.server.deps.store.transaction((tx) =>
          work({
            ...tx,
            putHeartbeatStates: async (rows) => {
              await tx.putHeartbeatStates(rows);
              throw new Error('the disk is full');
            },
          }),
        ),
    };
    const pings = new HeartbeatPings({ ...headroom.server.deps, store });
    const settled = await Promise.allSettled(
      tokens.map((token) => pings.receive(pingOf(token, 'fail'))),
    );
    expect(settled.map((result) => result.status)).toEqual(tokens.map(() => 'rejected'));
    const after = await Promise.all(tokens.map((_, index) => stored(index)));
    expect(after).toEqual(before);
    const states = (await headroom.call('GET', '/api/v1/heartbeats')).body as {
      status: string;
    }[];
    expect(states.some((check) => check.status === 'down')).toBe(false);
  });
});
