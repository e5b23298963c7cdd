// The Schedule schema (schema/schedule.ts), tested here next to the engine it
// feeds: a valid document must parse into something the engine runs as written.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scheduleDocumentSchema, scheduleFromDocument, scheduleSpecSchema } from './schedule.js';
import { onCallAt, shiftsBetween } from '../core/oncall/schedule.js';
import { describeShifts, instant } from '../core/oncall/test-support.js';

const FOLLOW_THE_SUN = `
apiVersion: headroom/v1
kind: Schedule
metadata:
  name: payments-oncall
spec:
  description: Payments, around the clock
  timeZone: Europe/Amsterdam
  layers:
    - name: sydney
      timeZone: Australia/Sydney
      members: [sam, sia]
      start: 2026-11-02T08:00
      shiftLength: 1w
      restrictions:
        - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "16:00" }
    - name: amsterdam
      members: [anna, bram, carla]
      start: 2026-11-02T06:00
      shiftLength: 1w
      restrictions:
        - { days: [mon, tue, wed, thu, fri], from: "06:00", to: "14:00" }
    - name: new-york
      timeZone: America/New_York
      members: [nick, nora]
      start: 2026-11-02T08:00
      shiftLength: 1w
      restrictions:
        - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "16:00" }
  overrides:
    - user: dave
      start: 2026-11-04T08:00:00+01:00
      end: 2026-11-04T12:00:00+01:00
      reason: anna at the dentist
`;

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code: string;
}

function issuesOf(schema: z.ZodType, value: unknown): Issue[] {
  const result = schema.safeParse(value, { reportInput: true });
  return (result.error?.issues ?? []).map((issue) => ({
    path: issue.path,
    message: issue.message,
    code: (issue as { params?: { code?: string } }).params?.code ?? issue.code,
  }));
}

const layer = {
  name: 'primary',
  members: ['anna', 'bram'],
  start: '2026-11-02T09:00',
  shiftLength: '1w',
};
const spec = { timeZone: 'Europe/Amsterdam', layers: [layer] };

describe('scheduleDocumentSchema', () => {
  it('reads a follow-the-sun schedule from YAML into what the engine runs', () => {
    const document = scheduleDocumentSchema.parse(parse(FOLLOW_THE_SUN));
    expect(document.spec.layers.map((each) => each.shiftLength)).toEqual([10080, 10080, 10080]);
    const schedule = scheduleFromDocument(document);
    expect(schedule.name).toBe('payments-oncall');
    // Wednesday 4 November 2026 in UTC: Sydney (+11:00) 21:00-05:00, Amsterdam (+01:00)
    // 05:00-13:00, New York (-05:00) 13:00-21:00, then Sydney's Thursday.
    expect(
      describeShifts(
        shiftsBetween(schedule, instant('2026-11-03T21:00Z'), instant('2026-11-04T23:00Z')),
        'UTC',
      ),
    ).toEqual([
      '2026-11-03T21:00+00:00 2026-11-04T05:00+00:00 sam sydney',
      '2026-11-04T05:00+00:00 2026-11-04T07:00+00:00 anna amsterdam',
      '2026-11-04T07:00+00:00 2026-11-04T11:00+00:00 dave override 0',
      '2026-11-04T11:00+00:00 2026-11-04T13:00+00:00 anna amsterdam',
      '2026-11-04T13:00+00:00 2026-11-04T21:00+00:00 nick new-york',
      '2026-11-04T21:00+00:00 2026-11-04T23:00+00:00 sam sydney',
    ]);
    expect(onCallAt(schedule, instant('2026-11-04T09:00Z'))).toMatchObject({
      user: 'dave',
      source: { kind: 'override', index: 0, reason: 'anna at the dentist' },
    });
  });

  it('fills in the defaults: restriction windows on every day; overrides left out stay out', () => {
    const parsed = scheduleSpecSchema.parse({
      ...spec,
      layers: [{ ...layer, restrictions: [{ from: '09:00', to: '17:00' }] }],
    });
    // Left out, an apply keeps the overrides the server has: not the same as [].
    expect(parsed.overrides).toBeUndefined();
    expect(parsed.layers[0]?.restrictions?.[0]?.days).toEqual([
      'mon',
      'tue',
      'wed',
      'thu',
      'fri',
      'sat',
      'sun',
    ]);
  });

  it('refuses another kind', () => {
    const document = { ...(parse(FOLLOW_THE_SUN) as object), kind: 'Service' };
    expect(scheduleDocumentSchema.safeParse(document).success).toBe(false);
  });

  it('describes the documents as written for editors', () => {
    const jsonSchema = z.toJSONSchema(scheduleDocumentSchema, {
      io: 'input',
      unrepresentable: 'any',
    });
    expect(JSON.stringify(jsonSchema)).toContain('2026-11-02T09:00');
  });
});

describe('scheduleSpecSchema: mistakes, each at its field with a code', () => {
  it.each<[string, unknown, Issue[]]>([
    [
      'an unknown time zone',
      { ...spec, timeZone: 'Europe/Amsterdm' },
      [
        {
          path: ['timeZone'],
          code: 'invalid_time_zone',
          message:
            'unknown time zone "Europe/Amsterdm"; expected an IANA zone name such as Europe/Amsterdam, America/New_York or UTC',
        },
      ],
    ],
    [
      'a fixed offset for a zone',
      { ...spec, layers: [{ ...layer, timeZone: '+01:00' }] },
      [
        {
          path: ['layers', 0, 'timeZone'],
          code: 'invalid_time_zone',
          message:
            'unknown time zone "+01:00"; expected an IANA zone name such as Europe/Amsterdam, America/New_York or UTC',
        },
      ],
    ],
    [
      'no layers',
      { ...spec, layers: [] },
      [
        {
          path: ['layers'],
          code: 'too_small',
          message: 'layers must not be empty; a schedule needs at least one rotation',
        },
      ],
    ],
    [
      'two layers with one name',
      { ...spec, layers: [layer, { ...layer }] },
      [
        {
          path: ['layers', 1, 'name'],
          code: 'duplicate_name',
          message: 'layer name "primary" is used twice; layer names are unique in a schedule',
        },
      ],
    ],
    [
      'no members',
      { ...spec, layers: [{ ...layer, members: [] }] },
      [
        {
          path: ['layers', 0, 'members'],
          code: 'too_small',
          message: 'members must not be empty; list the users who take turns',
        },
      ],
    ],
    [
      'a start with an offset',
      { ...spec, layers: [{ ...layer, start: '2026-11-02T09:00+01:00' }] },
      [
        {
          path: ['layers', 0, 'start'],
          code: 'invalid_local_time',
          message:
            '"2026-11-02T09:00+01:00" has an offset; a local date-time is read in the time zone, so write it without one, e.g. 2026-11-02T09:00',
        },
      ],
    ],
    [
      'a start that is not in the calendar',
      { ...spec, layers: [{ ...layer, start: '2026-02-29T09:00' }] },
      [
        {
          path: ['layers', 0, 'start'],
          code: 'invalid_local_time',
          message: '"2026-02-29T09:00" is not a date in the calendar, e.g. 2026-11-02T09:00',
        },
      ],
    ],
    [
      'an end before the start',
      { ...spec, layers: [{ ...layer, end: '2026-11-01T09:00' }] },
      [
        {
          path: ['layers', 0, 'end'],
          code: 'out_of_range',
          message: 'end 2026-11-01T09:00 is not after start 2026-11-02T09:00',
        },
      ],
    ],
    [
      'a shift shorter than an hour',
      { ...spec, layers: [{ ...layer, shiftLength: '30m' }] },
      [
        {
          path: ['layers', 0, 'shiftLength'],
          code: 'out_of_range',
          message:
            'a shift lasts at least 1h; use e.g. 12h, 1d or 1w (hand-offs keep their local time)',
        },
      ],
    ],
    [
      'a shift length that is not a duration',
      { ...spec, layers: [{ ...layer, shiftLength: 'weekly' }] },
      [
        {
          path: ['layers', 0, 'shiftLength'],
          code: 'invalid_duration',
          message: expect.stringContaining(
            'expected a duration such as 5m, 1h30m, 7d or 4w',
          ) as string,
        },
      ],
    ],
    [
      'empty restrictions',
      { ...spec, layers: [{ ...layer, restrictions: [] }] },
      [
        {
          path: ['layers', 0, 'restrictions'],
          code: 'too_small',
          message:
            'restrictions must not be empty (the layer would have no one); omit it for always',
        },
      ],
    ],
    [
      'a day that is not one',
      {
        ...spec,
        layers: [{ ...layer, restrictions: [{ days: ['monday'], from: '09:00', to: '17:00' }] }],
      },
      [
        {
          path: ['layers', 0, 'restrictions', 0, 'days', 0],
          code: 'invalid_value',
          message: '"monday" is not a day; use mon, tue, wed, thu, fri, sat or sun',
        },
      ],
    ],
    [
      'a day twice',
      {
        ...spec,
        layers: [
          { ...layer, restrictions: [{ days: ['mon', 'mon'], from: '09:00', to: '17:00' }] },
        ],
      },
      [
        {
          path: ['layers', 0, 'restrictions', 0, 'days', 1],
          code: 'duplicate_day',
          message: 'mon is listed twice; keep one',
        },
      ],
    ],
    [
      'no days',
      { ...spec, layers: [{ ...layer, restrictions: [{ days: [], from: '09:00', to: '17:00' }] }] },
      [
        {
          path: ['layers', 0, 'restrictions', 0, 'days'],
          code: 'too_small',
          message: 'days must not be empty; omit days for every day',
        },
      ],
    ],
    [
      'a time YAML would read as a number',
      { ...spec, layers: [{ ...layer, restrictions: [{ from: '9:00', to: '17:00' }] }] },
      [
        {
          path: ['layers', 0, 'restrictions', 0, 'from'],
          code: 'invalid_time_of_day',
          message:
            '"9:00" is not a time of day; write HH:MM from 00:00 to 24:00, e.g. "09:00" (quoted in YAML)',
        },
      ],
    ],
    [
      'a window of no length',
      { ...spec, layers: [{ ...layer, restrictions: [{ from: '09:00', to: '09:00' }] }] },
      [
        {
          path: ['layers', 0, 'restrictions', 0, 'to'],
          code: 'out_of_range',
          message: 'from and to are both 09:00; for a whole day use from "00:00" to "24:00"',
        },
      ],
    ],
    [
      'a window from the end of the day',
      { ...spec, layers: [{ ...layer, restrictions: [{ from: '24:00', to: '06:00' }] }] },
      [
        {
          path: ['layers', 0, 'restrictions', 0, 'from'],
          code: 'out_of_range',
          message: 'from 24:00 is the end of a day; start the window at 00:00 of the next day',
        },
      ],
    ],
    [
      'an override without offsets',
      {
        ...spec,
        overrides: [{ user: 'dave', start: '2026-11-04T08:00', end: '2026-11-04T12:00:00Z' }],
      },
      [
        {
          path: ['overrides', 0, 'start'],
          code: 'invalid_instant',
          message:
            '"2026-11-04T08:00" has no offset; an instant needs one (Z or ±HH:MM), e.g. 2026-11-05T10:00:00+01:00 or 2026-11-05T09:00:00Z',
        },
      ],
    ],
    [
      'an override that ends before it starts',
      {
        ...spec,
        overrides: [
          { user: 'dave', start: '2026-11-04T12:00:00+01:00', end: '2026-11-04T11:00:00Z' },
        ],
      },
      [
        {
          path: ['overrides', 0, 'end'],
          code: 'out_of_range',
          message: 'end 2026-11-04T11:00:00Z is not after start 2026-11-04T12:00:00+01:00',
        },
      ],
    ],
    [
      'an unknown field',
      { ...spec, layers: [{ ...layer, handoff: 'weekly' }] },
      [
        {
          path: ['layers', 0],
          code: 'unrecognized_keys',
          message: 'Unrecognized key: "handoff"',
        },
      ],
    ],
    [
      'a missing time zone',
      { layers: [layer] },
      [
        {
          path: ['timeZone'],
          code: 'invalid_type',
          message: 'Invalid input: expected string, received undefined',
        },
      ],
    ],
  ])('%s', (_, value, expected) => {
    expect(issuesOf(scheduleSpecSchema, value)).toEqual(expected);
  });

  it('reports every mistake of a document in one pass', () => {
    const issues = issuesOf(scheduleSpecSchema, {
      timeZone: 'Nowhere',
      layers: [
        { ...layer, members: ['Anna'], start: 'monday' },
        { ...layer, shiftLength: '15m', restrictions: [{ from: '9', to: '17:00' }] },
      ],
      overrides: [{ user: 'dave', start: 'now', end: 'later' }],
    });
    expect(issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([
      ['timeZone', 'invalid_time_zone'],
      ['layers.0.members.0', 'invalid_name'],
      ['layers.0.start', 'invalid_local_time'],
      ['layers.1.shiftLength', 'out_of_range'],
      ['layers.1.restrictions.0.from', 'invalid_time_of_day'],
      ['layers.1.name', 'duplicate_name'],
      ['overrides.0.start', 'invalid_instant'],
      ['overrides.0.end', 'invalid_instant'],
    ]);
  });
});
