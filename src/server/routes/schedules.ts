// On-call schedules: who is on call, shifts, overrides, and iCalendar feeds.
import ical from 'ical-generator';
import { z } from 'zod';
import {
  addOverride,
  calendarEntries,
  getSchedule,
  listSchedules,
  listShifts,
  whoIsOnCall,
  type OnCallTurn,
} from '../../app/oncall.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import type { CalendarShift } from '../../core/oncall/calendar-feed.js';
import type { ScheduleShift } from '../../core/oncall/model.js';
import type { ScheduleResource } from '../../core/slo/model.js';
import { scheduleToDocument } from '../../config/formats/headroom-write.js';
import { nameParamsSchema, statusQuerySchema } from '../../schema/api.js';
import {
  feedQuerySchema,
  onCallSchema,
  overrideInputSchema,
  scheduleSummarySchema,
  shiftsQuerySchema,
  shiftsSchema,
} from '../../schema/oncall-api.js';
import { isoOf, isoOrNull } from '../../store/codec.js';
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';

export function scheduleRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/schedules',
      summary: 'List on-call schedules',
      tags: ['on-call'],
      auth: 'token',
      response: z.array(scheduleSummarySchema),
      problems: [401, 403],
      handler: async ({ principal }) => (await listSchedules(deps, principal)).map(scheduleView),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/schedules/:name',
      summary: 'One on-call schedule',
      tags: ['on-call'],
      auth: 'token',
      params: nameParamsSchema,
      response: scheduleSummarySchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        scheduleView(await getSchedule(deps, principal, params.name)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/schedules/:name/oncall',
      summary: 'Who is on call at an instant (default now), until when, and who is next',
      tags: ['on-call'],
      auth: 'token',
      params: nameParamsSchema,
      query: statusQuerySchema,
      response: onCallSchema,
      problems: [400, ...READ_PROBLEMS],
      handler: async ({ principal, params, query }) => {
        const answer = await whoIsOnCall(deps, principal, params.name, query.at);
        return {
          schedule: answer.schedule,
          timeZone: answer.timeZone,
          at: isoOf(answer.atMs),
          current: turnView(answer.current),
          next: answer.next === null ? null : turnView(answer.next),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/schedules/:name/shifts',
      summary: 'Shifts between two instants (default: the next 14 days), final and per layer',
      tags: ['on-call'],
      auth: 'token',
      params: nameParamsSchema,
      query: shiftsQuerySchema,
      response: shiftsSchema,
      problems: [400, ...READ_PROBLEMS],
      handler: async ({ principal, params, query }) => {
        const answer = await listShifts(deps, principal, params.name, {
          fromMs: query.from,
          toMs: query.to,
        });
        return {
          schedule: params.name,
          from: isoOf(answer.fromMs),
          to: isoOf(answer.toMs),
          shifts: answer.shifts.map(shiftView),
          layers: answer.layers.map((layer) => ({
            layer: layer.layer,
            timeZone: layer.timeZone,
            shifts: layer.shifts.map((shift) => ({
              user: shift.user,
              start: isoOf(shift.startMs),
              end: isoOf(shift.endMs),
            })),
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/schedules/:name/overrides',
      summary: 'Add an override (someone covers a shift); audited like an apply',
      tags: ['on-call'],
      auth: 'token',
      params: nameParamsSchema,
      body: overrideInputSchema,
      status: 201,
      response: scheduleSummarySchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) =>
        scheduleView(
          await addOverride(deps, principal, params.name, {
            user: body.user,
            start: body.start,
            end: body.end,
            reason: body.reason,
          }),
        ),
    }),
    feedRoute(
      deps,
      '/api/v1/schedules/:name/calendar.ics',
      "iCalendar feed of a schedule's shifts (30 days back, 180 ahead)",
      (name) => ({ schedule: name }),
    ),
    feedRoute(
      deps,
      '/api/v1/users/:name/oncall.ics',
      "iCalendar feed of one person's shifts across every schedule",
      (name) => ({ user: name }),
    ),
  ];
}

/** A calendar feed: a token in the header or in `?token=`, an iCalendar body. */
function feedRoute(
  deps: AppDependencies,
  url: string,
  summary: string,
  of: (name: string) => Parameters<typeof calendarEntries>[2],
): RouteDefinition {
  return defineRoute({
    method: 'GET',
    url,
    summary,
    tags: ['on-call'],
    auth: 'feed',
    params: nameParamsSchema,
    query: feedQuerySchema,
    response: z.string(),
    responseContentType: 'text/calendar; charset=utf-8',
    problems: READ_PROBLEMS,
    handler: async ({ principal, params }) =>
      calendarText(await calendarEntries(deps, principal, of(params.name))),
  });
}

function scheduleView({ schedule, labels }: ScheduleResource) {
  return {
    name: schedule.name,
    team: schedule.team ?? null,
    description: schedule.description ?? null,
    timeZone: schedule.timeZone,
    layers: schedule.layers.map((layer) => layer.name),
    document: scheduleToDocument({ schedule, labels }),
  };
}

function turnView(turn: OnCallTurn) {
  return {
    user: turn.user,
    source: sourceView(turn.source),
    since: isoOrNull(turn.sinceMs),
    until: isoOrNull(turn.untilMs),
  };
}

function shiftView(shift: ScheduleShift) {
  return {
    user: shift.user,
    source: sourceView(shift.source),
    start: isoOf(shift.startMs),
    end: isoOf(shift.endMs),
  };
}

function sourceView(source: ScheduleShift['source']) {
  if (source === null) return null;
  return source.kind === 'layer'
    ? { kind: 'layer' as const, index: source.index, layer: source.layer }
    : { kind: 'override' as const, index: source.index, reason: source.reason ?? null };
}

/**
 * Instants in UTC: every calendar app places them right, whatever its own zone.
 * DTSTAMP is when the feed was written (RFC 5545), not the shift's start.
 */
function calendarText(feed: {
  name: string;
  entries: CalendarShift[];
  generatedAt: number;
}): string {
  const calendar = ical({ name: `On call: ${feed.name}`, prodId: '//Headroom//On-call//EN' });
  for (const entry of feed.entries) {
    calendar.createEvent({
      id: entry.uid,
      start: new Date(entry.startMs),
      end: new Date(entry.endMs),
      stamp: new Date(feed.generatedAt),
      summary: entry.summary,
      description: entry.description,
    });
  }
  return calendar.toString();
}
