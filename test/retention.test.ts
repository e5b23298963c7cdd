// The hourly retention job against a real store and catalog: what it deletes, what it
// keeps, on both databases.
import { afterEach, describe, expect, it } from 'vitest';
import { epochMinute } from '../src/core/slo/minute-series.js';
import {
  applyRetention,
  IDEMPOTENCY_RETENTION_MS,
  MIN_COUNT_RETENTION_MINUTES,
  PING_RETENTION_MS,
} from '../src/jobs/retention.js';
import { pingRecord, TEST_DATABASES } from '../src/store/test-databases.js';
import { CHECKOUT_DOCUMENTS } from './support/documents.js';
import { startTestHeadroom, type TestHeadroom } from './support/headroom.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const DAY_MS = 24 * 60 * 60_000;

describe.each(TEST_DATABASES)('retention on $name', (kind) => {
  let headroom: TestHeadroom | undefined;

  afterEach(async () => {
    await headroom?.close();
    headroom = undefined;
  });

  it('deletes what no SLO window, retry or person looks at any more, and keeps the rest', async () => {
    headroom = await startTestHeadroom(kind, { now: new Date(NOW).toISOString() });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: { documents: CHECKOUT_DOCUMENTS },
    });
    expect(applied.status, applied.text).toBe(200);
    const { store } = headroom.server.deps;
    const slo = await store.getSlo('checkout-availability');
    const sloId = slo?.id ?? -1;

    // Counts: the oldest minute kept is 100 days back (longer than any window here).
    const firstKept = epochMinute(NOW) - MIN_COUNT_RETENTION_MINUTES;
    await store.insertEventCounts([
      { sloId, counts: [{ minute: firstKept - 10, good: 1, total: 1 }] },
      // A record reaching into the kept span is kept whole.
      {
        sloId,
        counts: [
          { minute: firstKept - 5, good: 1, total: 2 },
          { minute: firstKept, good: 1, total: 1 },
        ],
      },
      { sloId, counts: [{ minute: epochMinute(NOW) - 1, good: 5, total: 5 }] },
    ]);
    const batch = (key: string, createdAt: number) =>
      store.insertIngestBatch({
        service: 'checkout',
        idempotencyKey: key,
        bodyHash: 'hash',
        response: {},
        createdAt,
      });
    await batch('a-week-and-a-minute-ago', NOW - IDEMPOTENCY_RETENTION_MS - 60_000);
    await batch('six-days-ago', NOW - 6 * DAY_MS);
    await store.ensureHeartbeats([{ name: 'nightly', token: 'token-nightly' }], NOW);
    const ping = (at: number) => pingRecord('nightly', at);
    await store.transaction((tx) =>
      tx.insertHeartbeatPings([
        ping(NOW - PING_RETENTION_MS - 1),
        ping(NOW - PING_RETENTION_MS + 1),
        ping(NOW - DAY_MS),
      ]),
    );

    expect(await applyRetention(headroom.server.deps)).toEqual({
      eventRecords: 1,
      ingestBatches: 1,
      heartbeatPings: 1,
    });
    expect(
      (await store.readEventCountsAfter(0, 10)).map((record) => record.counts[0]?.minute),
    ).toEqual([firstKept - 5, epochMinute(NOW) - 1]);
    expect(await store.findIngestBatch('checkout', 'a-week-and-a-minute-ago')).toBeUndefined();
    expect(await store.findIngestBatch('checkout', 'six-days-ago')).toBeDefined();
    expect((await store.listHeartbeatPings('nightly', 10)).map((each) => each.at)).toEqual([
      NOW - DAY_MS,
      NOW - PING_RETENTION_MS + 1,
    ]);
    // Nothing more to delete an hour later.
    expect(await applyRetention(headroom.server.deps)).toEqual({
      eventRecords: 0,
      ingestBatches: 0,
      heartbeatPings: 0,
    });
  });
});
