// Overrides are added by hand while the schedule lives in a repository: an apply of a
// schedule document that leaves `overrides` out keeps them; one that lists overrides
// (`[]` included) sets them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument } from '../support/documents.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';
import { PAYMENTS_SCHEDULE } from '../support/web-seed.js';

const COVER = {
  user: 'carla',
  start: '2026-10-22T06:00:00.000Z',
  end: '2026-10-22T10:00:00.000Z',
  reason: 'anna at the dentist',
};

describe.each(TEST_DATABASES)(
  'applying a schedule with overrides added by hand on $name',
  (kind) => {
    let headroom: TestHeadroom;

    const apply = async (schedule: unknown, dryRun = false) => {
      const reply = await headroom.call('POST', '/api/v1/apply', {
        body: { dryRun, documents: [serviceDocument('checkout', 'payments'), schedule] },
      });
      expect(reply.status, reply.text).toBe(200);
      return reply.body as { changes: { kind: string; name: string; action: string }[] };
    };
    const overrides = async () => {
      const reply = await headroom.call('GET', '/api/v1/schedules/payments-primary');
      expect(reply.status, reply.text).toBe(200);
      return (reply.body as { document: { spec: { overrides?: unknown[] } } }).document.spec
        .overrides;
    };

    beforeAll(async () => {
      headroom = await startTestHeadroom(kind, { now: '2026-10-21T10:00:00Z' });
      await apply(PAYMENTS_SCHEDULE);
      const added = await headroom.call('POST', '/api/v1/schedules/payments-primary/overrides', {
        body: COVER,
      });
      expect(added.status, added.text).toBe(201);
    });
    afterAll(async () => {
      await headroom.close();
    });

    it('keeps them when the document leaves overrides out, in the plan and in the apply', async () => {
      expect(PAYMENTS_SCHEDULE.spec).not.toHaveProperty('overrides');
      const plan = await apply(PAYMENTS_SCHEDULE, true);
      expect(plan.changes.filter((change) => change.kind === 'Schedule')).toEqual([]);
      await apply(PAYMENTS_SCHEDULE);
      expect(await overrides()).toEqual([COVER]);
    });

    it('sets them when the document lists overrides, an empty list clearing them', async () => {
      await apply({ ...PAYMENTS_SCHEDULE, spec: { ...PAYMENTS_SCHEDULE.spec, overrides: [] } });
      expect(await overrides()).toEqual([]);
    });
  },
);
