// The change-failure figure: an incident is blamed on the latest change before it
// only, a rolled-back change is a failure (the rollback, a rolled_back record or a
// deploy labelled rollback, is not a change), and a
// deploy that failed to go out is counted apart. Every number is worked out here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const FROM = Date.parse('2026-11-10T00:00:00Z');
const TO = FROM + 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(TEST_DATABASES)('change failure on $name', (kind) => {
  let headroom: TestHeadroom;
  const ok = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const reply = await headroom.call(method, route, body === undefined ? {} : { body });
    expect(reply.status, `${method} ${route}: ${reply.text}`).toBeLessThan(300);
    return reply.body;
  };
  const deploy = (status: string, version: string, at: number, labels: string[] = []) =>
    ok('POST', '/api/v1/deploys', {
      service: 'checkout',
      status,
      version,
      actor: 'ci',
      at: iso(at),
      labels,
    }) as Promise<{ id: string }>;

  let ids: Record<string, string> = {};

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: iso(FROM) });
    await ok('POST', '/api/v1/apply', {
      documents: [
        {
          apiVersion: 'headroom/v1',
          kind: 'Service',
          metadata: { name: 'checkout' },
          spec: { team: 'payments' },
        },
      ],
    });
    headroom.clock.set(TO + HOUR);
    ids = {
      v1: (await deploy('finished', '1', FROM + 1 * HOUR)).id,
      v2: (await deploy('finished', '2', FROM + 1 * HOUR + 20 * MINUTE)).id,
      v3: (await deploy('finished', '3', FROM + 5 * HOUR)).id,
      v3back: (await deploy('rolled_back', '3', FROM + 5 * HOUR + 30 * MINUTE)).id,
      v4: (await deploy('failed', '4', FROM + 8 * HOUR)).id,
      v5: (await deploy('finished', '5', FROM + 10 * HOUR)).id,
      // Gone back to 5 after 6: the record names the version gone back to.
      v6: (await deploy('finished', '6', FROM + 12 * HOUR)).id,
      v6back: (await deploy('rolled_back', '5', FROM + 12 * HOUR + 10 * MINUTE)).id,
      v7: (await deploy('finished', '7', FROM + 14 * HOUR)).id,
      // A rollback commit gated and deployed like any other, labelled rollback.
      v7back: (await deploy('finished', '6', FROM + 14 * HOUR + 20 * MINUTE, ['rollback'])).id,
    };
    // 10 minutes after 2, 30 after 1: within the hour of both.
    headroom.clock.set(FROM + 1 * HOUR + 30 * MINUTE);
    await ok('POST', '/api/v1/incidents', {
      title: 'Checkout errors',
      severity: 'SEV3',
      services: ['checkout'],
    });
    headroom.clock.set(TO + HOUR);
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('blames the latest change only, counts a rollback as a failure and a failed deploy apart', async () => {
    const figure = (await ok(
      'GET',
      `/api/v1/services/checkout/change-failure?from=${iso(FROM)}&to=${iso(TO)}`,
    )) as {
      deploys: number;
      failed: number;
      rate: number;
      failedToDeploy: number;
      items: { deploy: string; failedBy: { kind: string; deploy?: string }[] }[];
    };
    // Changes that went out: 1, 2, 3, 5, 6 and 7 (a rollback record is not a change, nor
    // is a finished deploy labelled rollback; 4 never went out). Failures: 2 (the
    // incident), 3 (rolled back), 6 (the latest deploy before a rollback to 5: 5 was
    // not rolled back, 6 was) and 7 (the deploy labelled rollback after it).
    const changes = 6;
    const failures = 4;
    expect(figure).toMatchObject({
      deploys: changes,
      failed: failures,
      rate: failures / changes,
      failedToDeploy: 1,
    });
    expect(
      figure.items.map((item) => [item.deploy, item.failedBy.map((cause) => cause.kind)]),
    ).toEqual([
      [ids.v1, []],
      [ids.v2, ['incident']],
      [ids.v3, ['rollback']],
      [ids.v5, []],
      [ids.v6, ['rollback']],
      [ids.v7, ['rollback']],
    ]);
    expect(figure.items[2]?.failedBy[0]?.deploy).toBe(ids.v3back);
    expect(figure.items[4]?.failedBy[0]?.deploy).toBe(ids.v6back);
    expect(figure.items[5]?.failedBy[0]?.deploy).toBe(ids.v7back);

    const report = (await ok(
      'GET',
      `/api/v1/reports/reliability?team=payments&from=${iso(FROM)}&to=${iso(TO)}`,
    )) as {
      services: {
        changes: {
          deploys: number;
          failedDeploys: number;
          failedToDeploy: number;
          changeFailureRate: number;
        };
      }[];
    };
    expect(report.services[0]?.changes).toMatchObject({
      deploys: changes,
      failedDeploys: failures,
      failedToDeploy: 1,
      changeFailureRate: failures / changes,
    });
  });
});
