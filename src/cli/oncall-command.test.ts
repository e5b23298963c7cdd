import { describe, expect, it } from 'vitest';
import { formatOnCall } from './oncall-command.js';

const turn = (user: string | null, since: string | null, until: string | null) => ({
  user,
  source: user === null ? null : { kind: 'layer' as const, index: 0, layer: 'weekly' },
  since,
  until,
});

describe('formatOnCall', () => {
  it("writes hand-offs on the schedule's clock, across a DST change", () => {
    // Amsterdam leaves summer time on 2026-10-25: the Monday 09:00 hand-off after it
    // is 08:00Z, the one before it was 07:00Z.
    const text = formatOnCall([
      {
        schedule: 'payments-primary',
        timeZone: 'Europe/Amsterdam',
        at: '2026-10-24T12:00:00.000Z',
        current: turn('anna', '2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z'),
        next: turn('bram', '2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z'),
      },
      {
        schedule: 'sydney-nights',
        timeZone: 'Australia/Sydney',
        at: '2026-10-24T12:00:00.000Z',
        current: turn(null, null, '2026-10-24T19:00:00.000Z'),
        next: turn('sam', '2026-10-24T19:00:00.000Z', '2026-10-25T07:00:00.000Z'),
      },
      {
        schedule: 'retired',
        timeZone: 'UTC',
        at: '2026-10-24T12:00:00.000Z',
        current: turn(null, '2026-01-01T00:00:00.000Z', null),
        next: null,
      },
    ]);
    expect(text.split('\n').map((line) => line.trimEnd())).toEqual([
      'SCHEDULE          ON CALL   UNTIL                 NEXT  FROM                  TIME ZONE',
      'payments-primary  anna      Mon 2026-10-26 09:00  bram  Mon 2026-10-26 09:00  Europe/Amsterdam',
      'sydney-nights     (nobody)  Sun 2026-10-25 06:00  sam   Sun 2026-10-25 06:00  Australia/Sydney',
      'retired           (nobody)  —                     —     —                     UTC',
      '',
    ]);
  });

  it('says so when there are no schedules', () => {
    expect(formatOnCall([])).toContain('No schedules yet');
  });
});
