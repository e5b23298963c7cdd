import { describe, expect, it } from 'vitest';
import {
  heartbeatDocumentSchema,
  heartbeatFromDocument,
  heartbeatToDocument,
} from './heartbeat.js';

const document = (spec: Record<string, unknown>) => ({
  apiVersion: 'headroom/v1',
  kind: 'Heartbeat',
  metadata: { name: 'nightly-backup' },
  spec: { service: 'storage', schedule: { every: '1d' }, grace: '30m', ...spec },
});

describe('a heartbeat’s run times', () => {
  it('are read to the second, and written back as given', () => {
    const parsed = heartbeatDocumentSchema.parse(
      document({ minRunTime: '45s', maxRunTime: '1h2m30s' }),
    );
    const resource = heartbeatFromDocument(parsed);
    expect(resource.definition).toMatchObject({ minRunMs: 45_000, maxRunMs: 3_750_000 });
    expect(heartbeatToDocument(resource).spec).toMatchObject({
      minRunTime: '45s',
      maxRunTime: '1h2m30s',
      grace: '30m',
    });
  });

  it('refuses what is not a run time, at its field', () => {
    const result = heartbeatDocumentSchema.safeParse(document({ minRunTime: '90 seconds' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['spec', 'minRunTime'],
      message: expect.stringContaining(
        'expected a run time such as 30s, 5m, 1m30s or 2h',
      ) as string,
    });
  });
});
