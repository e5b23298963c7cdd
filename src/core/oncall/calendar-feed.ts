// The events of an iCalendar feed of on-call shifts, as plain data: the feed itself
// (ical-generator) is written at the edge. Events are the pieces of shiftsBetween
// that have someone on call, with exactly their instants.

import type { Schedule, ShiftSource } from './model.js';
import { onCallAt, shiftsBetween } from './schedule.js';

export interface CalendarShift {
  /**
   * Stable while the shift is: it names the schedule, the user and the instant the
   * shift really starts, which for the first event may be before `fromMs` (the
   * event is clipped, the uid is not), so a feed whose range moves on updates that
   * event instead of replacing it.
   */
  readonly uid: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly summary: string;
  readonly description: string;
  readonly user: string;
  readonly source: ShiftSource;
}

export interface CalendarShiftOptions {
  /** Only this user's shifts (a personal feed); absent: everyone's. */
  readonly user?: string;
}

/** The on-call shifts of `schedule` in [fromMs, toMs) as calendar events, in time order. */
export function calendarShiftsBetween(
  schedule: Schedule,
  fromMs: number,
  toMs: number,
  options: CalendarShiftOptions = {},
): CalendarShift[] {
  const events: CalendarShift[] = [];
  for (const shift of shiftsBetween(schedule, fromMs, toMs)) {
    if (shift.user === null || (options.user !== undefined && shift.user !== options.user)) {
      continue;
    }
    const realStartMs =
      shift.startMs === fromMs ? (onCallAt(schedule, fromMs).sinceMs ?? fromMs) : shift.startMs;
    events.push({
      uid: `${schedule.name}/${shift.user}/${new Date(realStartMs).toISOString()}@headroom`,
      startMs: shift.startMs,
      endMs: shift.endMs,
      summary: `On call: ${shift.user} (${schedule.name})`,
      description: describeSource(shift.source),
      user: shift.user,
      source: shift.source,
    });
  }
  return events;
}

function describeSource(source: ShiftSource): string {
  switch (source.kind) {
    case 'layer':
      return `Layer ${source.layer}`;
    case 'override':
      return source.reason === undefined ? 'Override' : `Override: ${source.reason}`;
  }
}
