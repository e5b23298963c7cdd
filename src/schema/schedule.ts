// The Schedule kind of headroom/v1: on-call rotations in layers, with restrictions,
// per-layer time zones (follow-the-sun in one schedule) and overrides. One schema
// for config files, the API and the CLI. Its output is the core's `ScheduleSpec`
// (core/oncall/model.ts): shift lengths become minutes, the rest is kept as
// written once it is known to be valid, so that a document reads back unchanged.
import { z } from 'zod';
import {
  WEEKDAYS,
  parseInstant,
  parseLocalDateTime,
  parseTimeOfDay,
  type Parsed,
} from '../core/oncall/local-time.js';
import type { Schedule } from '../core/oncall/model.js';
import { isValidTimeZone } from '../core/time/calendar.js';
import { addCodedIssue } from './coded-issue.js';
import { HEADROOM_API_VERSION, durationSchema, metadataSchema, nameSchema } from './config.js';

// Checks of a mapping or a list run even when one of its fields already failed, so
// that one pass reports every mistake of a document; they read fields defensively.
const whenMapping = {
  when: (payload: { value: unknown }) =>
    typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
};
const whenList = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };

/** The shortest shift: shorter turns are not a rotation people can live by. */
export const MIN_SHIFT_MINUTES = 60;

function parsedString<T>(
  parse: (text: string) => Parsed<T>,
  code: string,
  meta: { pattern: string; examples: string[] },
) {
  return z
    .string()
    .superRefine((text, ctx) => {
      const parsed = parse(text);
      if (!parsed.ok) addCodedIssue(ctx, code, parsed.reason);
    })
    .meta(meta);
}

/** An IANA zone name; fixed offsets are refused (see isValidTimeZone). */
export const timeZoneSchema = z
  .string()
  .superRefine((zone, ctx) => {
    if (!isValidTimeZone(zone)) {
      addCodedIssue(
        ctx,
        'invalid_time_zone',
        `unknown time zone ${JSON.stringify(zone)}; expected an IANA zone name such as Europe/Amsterdam, America/New_York or UTC`,
      );
    }
  })
  .meta({ examples: ['Europe/Amsterdam', 'America/New_York', 'Australia/Sydney', 'UTC'] });

/** A local date-time without offset, read in the layer's zone: 2026-11-02T09:00. */
export const localDateTimeSchema = parsedString(parseLocalDateTime, 'invalid_local_time', {
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:00)?$',
  examples: ['2026-11-02T09:00'],
});

/** A time of day HH:MM; 24:00 is the end of the day. */
export const timeOfDaySchema = parsedString(parseTimeOfDay, 'invalid_time_of_day', {
  pattern: '^\\d{2}:\\d{2}$',
  examples: ['09:00', '17:30', '24:00'],
});

/** An instant with its offset: 2026-11-05T10:00:00+01:00 or …Z. */
export const offsetInstantSchema = parsedString(parseInstant, 'invalid_instant', {
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$',
  examples: ['2026-11-05T10:00:00+01:00', '2026-11-05T09:00:00Z'],
});

export const weekdaySchema = z.enum(WEEKDAYS, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a day; use ${WEEKDAYS.slice(0, -1).join(', ')} or sun`,
});

/** Days of the week, each at most once; `emptyMessage` says what to write instead of none. */
export function weekdayListSchema(emptyMessage: string) {
  return z
    .array(weekdaySchema)
    .min(1, { error: emptyMessage })
    .superRefine((days, ctx) => {
      const seen = new Set<unknown>();
      days.forEach((day, index) => {
        if (seen.has(day)) {
          addCodedIssue(ctx, 'duplicate_day', `${day} is listed twice; keep one`, [index]);
        }
        seen.add(day);
      });
    }, whenList);
}

/**
 * A daily span of local time between the fields `startKey` and `endKey` of `value` (an
 * end before the start runs past midnight): it cannot start at 24:00, and an end equal
 * to the start would be empty, never a whole day (`wholeDay` says how to write one).
 * Reads the fields defensively: it runs even when one of them already failed.
 */
export function checkDailySpan(
  ctx: z.RefinementCtx,
  value: unknown,
  [startKey, endKey]: readonly [string, string],
  what: string,
  wholeDay: string,
): void {
  const fields = (value ?? {}) as Readonly<Record<string, unknown>>;
  const start = fields[startKey];
  if (start === '24:00') {
    addCodedIssue(
      ctx,
      'out_of_range',
      `${startKey} 24:00 is the end of a day; start ${what} at 00:00 of the next day`,
      [startKey],
    );
  } else if (typeof start === 'string' && start === fields[endKey]) {
    addCodedIssue(
      ctx,
      'out_of_range',
      `${startKey} and ${endKey} are both ${start}; for a whole day use ${wholeDay}`,
      [endKey],
    );
  }
}

const WHOLE_DAY = 'start "00:00" and end "24:00"';

/** Sleep hours: every night from `start` to `end` (HH:MM) on the person's own clock. */
export const sleepHoursSchema = z
  .strictObject({ start: timeOfDaySchema, end: timeOfDaySchema })
  .superRefine((hours, ctx) => {
    checkDailySpan(ctx, hours, ['start', 'end'], 'the night', WHOLE_DAY);
  }, whenMapping)
  .meta({ id: 'SleepHours' });

/**
 * Working hours: on each of `days` from `start` to `end` (HH:MM) on the person's own
 * clock; a span past midnight belongs to the day it starts.
 */
export const workingHoursSchema = z
  .strictObject({
    days: weekdayListSchema('days must not be empty; list the days the person works'),
    start: timeOfDaySchema,
    end: timeOfDaySchema,
  })
  .superRefine((hours, ctx) => {
    checkDailySpan(ctx, hours, ['start', 'end'], 'the working day', WHOLE_DAY);
  }, whenMapping)
  .meta({ id: 'WorkingHours' });

/** Minutes of a shift, from a duration such as 12h, 1d or 1w. */
export const shiftLengthSchema = durationSchema.superRefine((minutes, ctx) => {
  if (minutes < MIN_SHIFT_MINUTES) {
    addCodedIssue(
      ctx,
      'out_of_range',
      `a shift lasts at least 1h; use e.g. 12h, 1d or 1w (hand-offs keep their local time)`,
    );
  }
});

export const restrictionSchema = z
  .strictObject({
    /** The days on which the window starts; default every day. */
    days: weekdayListSchema('days must not be empty; omit days for every day').default([
      ...WEEKDAYS,
    ]),
    from: timeOfDaySchema,
    /** Not after `from`: the window runs past midnight into the next day. */
    to: timeOfDaySchema,
  })
  .superRefine((restriction, ctx) => {
    checkDailySpan(ctx, restriction, ['from', 'to'], 'the window', 'from "00:00" to "24:00"');
  }, whenMapping);

export const layerSchema = z
  .strictObject({
    name: nameSchema,
    /** User names in turn order. */
    members: z
      .array(nameSchema)
      .min(1, { error: 'members must not be empty; list the users who take turns' }),
    /** The first hand-off, in the layer's zone. */
    start: localDateTimeSchema,
    /** From here on the layer has no one; absent: it goes on. */
    end: localDateTimeSchema.optional(),
    shiftLength: shiftLengthSchema,
    /** Zone of start, end and restrictions; default the schedule's. */
    timeZone: timeZoneSchema.optional(),
    /** Windows in which the layer has someone; absent: always. */
    restrictions: z
      .array(restrictionSchema)
      .min(1, {
        error: 'restrictions must not be empty (the layer would have no one); omit it for always',
      })
      .optional(),
  })
  .superRefine((layer, ctx) => {
    const { start, end } = (layer as Partial<typeof layer> | undefined) ?? {};
    if (typeof start !== 'string' || typeof end !== 'string') return;
    const startWall = parseLocalDateTime(start);
    const endWall = parseLocalDateTime(end);
    if (startWall.ok && endWall.ok && endWall.value <= startWall.value) {
      addCodedIssue(ctx, 'out_of_range', `end ${end} is not after start ${start}`, ['end']);
    }
  }, whenMapping);

export const overrideSchema = z
  .strictObject({
    /** Who is on call instead. */
    user: nameSchema,
    start: offsetInstantSchema,
    end: offsetInstantSchema,
    reason: z.string().optional(),
  })
  .superRefine((override, ctx) => {
    const { start, end } = (override as Partial<typeof override> | undefined) ?? {};
    if (typeof start !== 'string' || typeof end !== 'string') return;
    const startMs = parseInstant(start);
    const endMs = parseInstant(end);
    if (startMs.ok && endMs.ok && endMs.value <= startMs.value) {
      addCodedIssue(ctx, 'out_of_range', `end ${end} is not after start ${start}`, ['end']);
    }
  }, whenMapping);

export const scheduleSpecSchema = z.strictObject({
  /** The owning team: its editors change the schedule. None: only admins (e.g. incident response). */
  team: z.string().min(1, { error: 'team must not be empty' }).optional(),
  description: z.string().optional(),
  /** The zone of layers that name none. */
  timeZone: timeZoneSchema,
  /** Later layers take precedence over earlier ones wherever they have someone. */
  layers: z
    .array(layerSchema)
    .min(1, { error: 'layers must not be empty; a schedule needs at least one rotation' })
    .superRefine((layers, ctx) => {
      const seen = new Set<unknown>();
      layers.forEach((layer, index) => {
        const name = (layer as Partial<typeof layer> | undefined)?.name;
        if (typeof name !== 'string') return;
        if (seen.has(name)) {
          addCodedIssue(
            ctx,
            'duplicate_name',
            `layer name "${name}" is used twice; layer names are unique in a schedule`,
            [index, 'name'],
          );
        }
        seen.add(name);
      });
    }, whenList),
  /** Take precedence over every layer; a later override over an earlier one. Left out,
   * an apply keeps the overrides the server has (added by hand); `[]` clears them. */
  overrides: z.array(overrideSchema).optional(),
});

export const scheduleDocumentSchema = z.strictObject({
  apiVersion: z.literal(HEADROOM_API_VERSION),
  kind: z.literal('Schedule'),
  metadata: metadataSchema,
  spec: scheduleSpecSchema,
});

/** Validated: shift lengths in minutes, defaults filled in. */
export type ScheduleSpec = z.output<typeof scheduleSpecSchema>;
export type ScheduleLayer = z.output<typeof layerSchema>;
export type ScheduleRestriction = z.output<typeof restrictionSchema>;
export type ScheduleOverride = z.output<typeof overrideSchema>;
export type ScheduleDocument = z.output<typeof scheduleDocumentSchema>;
/** As written in YAML or sent to the API. */
export type ScheduleSpecInput = z.input<typeof scheduleSpecSchema>;
export type ScheduleDocumentInput = z.input<typeof scheduleDocumentSchema>;

/** The core's schedule: the document's name with its spec. */
export function scheduleFromDocument(document: ScheduleDocument): Schedule {
  return { name: document.metadata.name, ...document.spec };
}
