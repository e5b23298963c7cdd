// Toil (logged, listed, summarised against the cap) and the reliability report.
import { z } from 'zod';
import { reliabilityReport } from '../../app/reports.js';
import { deleteToil, listToil, logToil, teamToilSummary } from '../../app/toil.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { renderReportHtml, renderReportMarkdown, reportJson } from '../../core/reports/report.js';
import type { ToilSummary } from '../../core/reports/toil.js';
import { nameParamsSchema } from '../../schema/api.js';
import {
  logToilSchema,
  reliabilityReportSchema,
  reportQuerySchema,
  toilEntrySchema,
  toilQuerySchema,
  toilSummaryQuerySchema,
  toilSummarySchema,
  type ToilSummaryView,
} from '../../schema/reports.js';
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';

const TAGS = ['reports'];

export function reportRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/toil',
      summary:
        "Log toil by hand for a user and one of their teams (default: the token's user and their only team); by that user's own token, an editor of the team, or an admin",
      tags: TAGS,
      auth: 'token',
      body: logToilSchema,
      status: 201,
      response: toilEntrySchema,
      problems: WRITE_PROBLEMS,
      handler: ({ principal, body }) =>
        logToil(deps, principal, {
          minutes: body.minutes ?? body.duration ?? 0,
          description: body.description,
          service: body.service,
          category: body.category,
          team: body.team,
          person: body.person,
          atMs: body.at === undefined ? undefined : Date.parse(body.at),
        }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/toil/:id',
      summary:
        "Delete a logged toil entry (to correct one, delete it and log it again): by the person's own token, an editor of the entry's team, or an admin",
      tags: TAGS,
      auth: 'token',
      params: z.object({ id: z.string().min(1) }),
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await deleteToil(deps, principal, params.id);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/toil',
      summary: 'Toil logged by hand, oldest first',
      tags: TAGS,
      auth: 'token',
      query: toilQuerySchema,
      response: z.array(toilEntrySchema),
      problems: [400, 401, 403],
      handler: ({ principal, query }) =>
        listToil(deps, principal, {
          team: query.team,
          person: query.person,
          fromMs: query.from,
          toMs: query.to,
          limit: query.limit,
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/teams/:name/toil',
      summary:
        "The team's toil in a period (default the last 30 days): logged, from acknowledged pages and from incidents, each counted to the team of the person who did it, against the cap on working time (the request's cap, else the team's own, else 50 %)",
      tags: TAGS,
      auth: 'token',
      params: nameParamsSchema,
      query: toilSummaryQuerySchema,
      response: toilSummarySchema,
      problems: [400, ...READ_PROBLEMS],
      handler: async ({ principal, params, query }) =>
        toilSummaryView(
          await teamToilSummary(deps, principal, params.name, {
            fromMs: query.from,
            toMs: query.to,
            capPercent: query.cap,
          }),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/reports/reliability',
      summary:
        'The reliability report of a team for a period (default the last 30 days): SLOs, burn alerts, incidents, postmortems, changes, toil and on-call load; format=markdown or html answers text/markdown or text/html',
      tags: TAGS,
      auth: 'token',
      query: reportQuerySchema,
      response: reliabilityReportSchema,
      problems: [400, ...READ_PROBLEMS],
      handler: async ({ principal, query, reply }) => {
        const report = await reliabilityReport(deps, principal, {
          team: query.team,
          fromMs: query.from,
          toMs: query.to,
          zone: query.zone,
          capPercent: query.cap,
        });
        switch (query.format) {
          case 'markdown':
            reply.type('text/markdown; charset=utf-8');
            return renderReportMarkdown(report) as never;
          case 'html':
            reply.type('text/html; charset=utf-8');
            return renderReportHtml(report) as never;
          case 'json':
            return reportJson(report) as unknown as z.input<typeof reliabilityReportSchema>;
        }
      },
    }),
  ];
}

export function toilSummaryView(summary: ToilSummary): ToilSummaryView {
  return {
    team: summary.team,
    from: new Date(summary.fromMs).toISOString(),
    to: new Date(summary.toMs).toISOString(),
    toilMinutes: summary.toilMinutes,
    workingMinutes: summary.workingMinutes,
    workingTo: new Date(summary.workingToMs).toISOString(),
    share: summary.share ?? null,
    capPercent: summary.capPercent,
    capSource: summary.capSource,
    overCap: summary.overCap,
    warning: summary.warning ?? null,
    byCategory: [...summary.byCategory],
    byService: [...summary.byService],
    bySource: [...summary.bySource],
    people: summary.people.map((person) => ({
      person: person.person,
      toilMinutes: person.toilMinutes,
      workingMinutes: person.workingMinutes ?? null,
      share: person.share ?? null,
      overCap: person.overCap,
    })),
  };
}
