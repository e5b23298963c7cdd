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
    bodyBytes: undefined,
    remote: '127.0.0.1',
    userAgent: 'test',
  };
}

/** A promise and what settles it: one step of a test that another step waits for. */
function signal(): { readonly done: Promise<void>; readonly fire: () => void } {
  let fire: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { done, fire };
}

/** The store, except that its list of checks leaves `name` out: the check is new to a reader. */
function hidingCheck(real: Store, name: string): Store {
  return {
    ...real,
    listHeartbeats: async () => (await real.listHeartbeats()).filter((row) => row.name !== name),
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
    const writes: string[] = [];
    const { store: real } = headroom.server.deps;
    const store: Store = {
      ...real,
      transaction: (work) => {
        writes.push('locked');
        return real.transaction(work);
      },
      applyHeartbeatPings: (pings, states) => {
        writes.push('conditional');
        return real.applyHeartbeatPings(pings, states);
      },
    };
    const pings = new HeartbeatPings({ ...headroom.server.deps, store });
    const outcomes = await Promise.all(tokens.map((token) => pings.receive(pingOf(token, 'log'))));
    expect(outcomes).toEqual(tokens.map(() => 'ok'));
    // Nothing else moved the checks since they were read: no lock was needed.
    expect(writes).toEqual(['conditional']);
    for (let index = 0; index < CHECKS; index += 1) {
      expect((await stored(index)).filter((ping) => ping.kind === 'log')).toHaveLength(1);
    }
  });

  it("cuts a burst into batches of 32 where two are written at once (SQLite's writer thread)", async () => {
    const batchSizes: number[] = [];
    const { store: real } = headroom.server.deps;
    const store: Store = {
      ...real,
      applyHeartbeatPings: (pings, states) => {
        batchSizes.push(pings.length);
        return real.applyHeartbeatPings(pings, states);
      },
    };
    const logsOf = async (index: number) =>
      (await stored(index)).filter((ping) => ping.kind === 'log').length;
    const logsBefore = await Promise.all(tokens.map((_, index) => logsOf(index)));
    const pings = new HeartbeatPings({ ...headroom.server.deps, store });
    // Three pings of each check, 36 in all, received in one turn.
    const burst = [...tokens, ...tokens, ...tokens];
    const outcomes = await Promise.all(burst.map((token) => pings.receive(pingOf(token, 'log'))));
    expect(outcomes).toEqual(burst.map(() => 'ok'));
    // The first 32 went to the writer as soon as they were in: it commits them while the
    // event loop takes the rest. Where batches are written one at a time, a burst is one.
    expect(batchSizes).toEqual(real.ordersWrites ? [32, 4] : [36]);
    const logsAfter = await Promise.all(tokens.map((_, index) => logsOf(index)));
    expect(logsAfter).toEqual(logsBefore.map((count) => count + 3));
  });

  it('applies a ping to the state as another writer left it, not to a stale copy', async () => {
    // Two instances over one database (or the evaluator and a pause on this one): each
    // remembers the states it wrote, and a state moved by the other must not be
    // overwritten with one computed from what it remembers.
    const first = new HeartbeatPings(headroom.server.deps);
    const second = new HeartbeatPings(headroom.server.deps);
    const token = tokens[0] ?? '';
    const start = headroom.clock.now();
    const at = (minutes: number) => start + minutes * 60_000;
    const ping = async (instance: HeartbeatPings, minutes: number, signal: PingInput['signal']) => {
      headroom.clock.set(at(minutes));
      expect(await instance.receive(pingOf(token, signal))).toBe('ok');
    };
    await ping(first, 0, 'start');
    await ping(second, 2, 'success'); // finishes the run the first one started
    await ping(first, 10, 'start'); // the first one's copy still has the run of minute 0
    await ping(second, 13, 'success'); // its copy has no run going
    const finished = (await stored(0)).filter((each) => each.kind === 'success' && each.at > start);
    expect(finished.map((each) => each.durationMs)).toEqual([3 * 60_000, 2 * 60_000]);
    const { body } = await headroom.call('GET', `/api/v1/heartbeats/${checkName(0)}`);
    expect(body).toMatchObject({ status: 'up' });
    headroom.clock.set(start);
  });

  const rotate = async (index: number): Promise<string> => {
    const rotated = await headroom.call(
      'POST',
      `/api/v1/heartbeats/${checkName(index)}/rotate-token`,
    );
    expect(rotated.status, rotated.text).toBe(200);
    const token = new URL((rotated.body as { pingUrl: string }).pingUrl).pathname.split('/')[2];
    if (token === undefined) throw new Error('no token in the ping URL');
    // The tests after this one ping the check by its token of now.
    tokens[index] = token;
    return token;
  };

  /** The store, counting the writes of pings it is asked for (conditional or locked). */
  const countingStore = () => {
    const { store: real } = headroom.server.deps;
    const counted = { writes: 0 };
    const store: Store = {
      ...real,
      transaction: (work) => {
        counted.writes += 1;
        return real.transaction(work);
      },
      applyHeartbeatPings: (pings, states) => {
        counted.writes += 1;
        return real.applyHeartbeatPings(pings, states);
      },
    };
    return { counted, store };
  };

  it('refuses a rotated token on every instance that still holds it, and takes the new one', async () => {
    // Two instances over one database have read the check and its token; a third (the
    // server, for the API) rotates it.
    const old = tokens[2] ?? '';
    const { counted, store } = countingStore();
    const first = new HeartbeatPings({ ...headroom.server.deps, store });
    const second = new HeartbeatPings(headroom.server.deps);
    expect(await first.receive(pingOf(old, 'start'))).toBe('ok');
    expect(await second.receive(pingOf(old, 'log'))).toBe('ok');
    const kept = await stored(2);

    const fresh = await rotate(2);
    // The first instance takes a ping by the new token before one by the old: it then
    // holds the row's new version, and the old token must not pass on that version.
    expect(await first.receive(pingOf(fresh, 'log'))).toBe('ok');
    expect(await first.receive(pingOf(old, 'success'))).toBe('not-found');
    expect(await second.receive(pingOf(old, 'success'))).toBe('not-found');
    expect(await second.receive(pingOf(old, 'fail'))).toBe('not-found');
    // Refused once, the old token is forgotten: the next ping by it writes nothing.
    const writes = counted.writes;
    expect(await first.receive(pingOf(old, 'fail'))).toBe('not-found');
    expect(counted.writes).toBe(writes);
    // An instance that never saw the new token finds it in the store.
    const third = new HeartbeatPings(headroom.server.deps);
    expect(await third.receive(pingOf(old, 'success'))).toBe('not-found');
    expect(await second.receive(pingOf(fresh, 'success'))).toBe('ok');
    expect(await third.receive(pingOf(fresh, 'log'))).toBe('ok');

    const pings = await stored(2);
    expect(pings.slice(pings.length - kept.length)).toEqual(kept);
    expect(pings.slice(0, pings.length - kept.length).map((each) => each.kind)).toEqual([
      'log',
      'success',
      'log',
    ]);
    // The run the old token started is still open: rotation kept the state.
    const { body } = await headroom.call('GET', `/api/v1/heartbeats/${checkName(2)}`);
    expect(body).toMatchObject({ status: 'up' });
  });

  it('refuses a ping by the old token whose batch was read before the rotation committed', async () => {
    const old = tokens[3] ?? '';
    const { store: real } = headroom.server.deps;
    let rotateFirst = true;
    const store: Store = {
      ...real,
      // The rotation commits between the batch's read of the check and its write.
      applyHeartbeatPings: async (pings, states) => {
        if (rotateFirst) {
          rotateFirst = false;
          await rotate(3);
        }
        return real.applyHeartbeatPings(pings, states);
      },
    };
    const pings = new HeartbeatPings({ ...headroom.server.deps, store });
    const kept = await stored(3);
    // A success pages nothing: the batch takes the conditional write, which the
    // rotation's new version fails.
    expect(await pings.receive(pingOf(old, 'success'))).toBe('not-found');
    expect(rotateFirst).toBe(false);
    expect(await stored(3)).toEqual(kept);
    expect(await pings.receive(pingOf(tokens[3] ?? '', 'success'))).toBe('ok');
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

  it('applies the pings of one check in the order taken, whichever batch reads its state faster', async () => {
    // The first batch's read of the check is slow; the next batch, begun while the first
    // is still under way, must not overtake it, or the run its start opens is closed by
    // the earlier success and the later success finds no run.
    const { store: real } = headroom.server.deps;
    const name = checkName(1);
    let slowReads = 1;
    const firstRead = signal();
    const store: Store = {
      ...hidingCheck(real, name),
      getHeartbeat: async (wanted) => {
        if (wanted === name && slowReads > 0) {
          slowReads -= 1;
          firstRead.fire();
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
        return real.getHeartbeat(wanted);
      },
    };
    const pings = new HeartbeatPings({ ...headroom.server.deps, store });
    const token = tokens[1] ?? '';
    const start = headroom.clock.now();
    const minutes = (count: number) => start + count * 60_000;
    headroom.clock.set(minutes(20));
    const succeeded = pings.receive(pingOf(token, 'success'));
    // Not a fixed sleep: on a busy machine the token's lookup alone can take longer.
    await firstRead.done; // the first batch reads, slowly
    headroom.clock.set(minutes(21));
    const started = pings.receive(pingOf(token, 'start'));
    expect(await Promise.all([succeeded, started])).toEqual(['ok', 'ok']);
    headroom.clock.set(minutes(24));
    expect(await pings.receive(pingOf(token, 'success'))).toBe('ok');
    const [last] = await stored(1);
    expect(last?.durationMs).toBe(3 * 60_000);
    headroom.clock.set(start);
  });

  it('applies the pings of a token not known yet in the order they came, looked up once', async () => {
    // The check is new to this instance: its token is looked up. The start's lookup is
    // slow; the end, arriving meanwhile, must not be found by a faster lookup of its own
    // and applied first, leaving the run open.
    const { store: real } = headroom.server.deps;
    const name = checkName(2);
    let lookups = 0;
    const firstLookup = signal();
    const release = signal();
    const store: Store = {
      ...hidingCheck(real, name),
      findHeartbeatByToken: async (token) => {
        lookups += 1;
        if (lookups === 1) {
          firstLookup.fire();
          await release.done;
        }
        return real.findHeartbeatByToken(token);
      },
    };
    const pings = new HeartbeatPings({ ...headroom.server.deps, store });
    const token = tokens[2] ?? '';
    const start = headroom.clock.now();
    headroom.clock.set(start + 30 * 60_000);
    const started = pings.receive(pingOf(token, 'start'));
    await firstLookup.done;
    headroom.clock.set(start + 32 * 60_000);
    const succeeded = pings.receive(pingOf(token, 'success'));
    release.fire();
    expect(await Promise.all([started, succeeded])).toEqual(['ok', 'ok']);
    expect(lookups).toBe(1);
    // Each ping keeps the instant it came, and the run lasted from one to the other.
    const [end, begin] = await stored(2);
    expect(begin).toMatchObject({ kind: 'start', at: start + 30 * 60_000 });
    expect(end).toMatchObject({ kind: 'success', durationMs: 2 * 60_000 });
    headroom.clock.set(start);
  });
});
