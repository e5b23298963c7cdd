// Incidents, their timeline and budget impact, response figures, postmortems, action
// items and runbooks.
import { z } from 'zod';
import {
  budgetImpact,
  incidentTimeline,
  incidentWindow,
  timelineFacts,
} from '../../app/incident-facts.js';
import {
  declareIncident,
  getIncident,
  incidentMetrics,
  listIncidents,
  loadIncident,
  severitiesOf,
  updateIncident,
} from '../../app/incidents.js';
import { requireReader } from '../../app/principal.js';
import {
  addActionItem,
  actionItemOf,
  changeActionItem,
  createPostmortemDraft,
  editPostmortem,
  getPostmortem,
  listActionItems,
  reviewPostmortem,
  runbookDraft,
  type PostmortemView,
} from '../../app/postmortems.js';
import type { ActionItemRecord } from '../../app/ports/records.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { listRunbooks } from '../../app/runbooks.js';
import { isOverdue } from '../../core/postmortem/action-items.js';
import { incidentTimes } from '../../core/incidents/durations.js';
import {
  actionItemChangeSchema,
  actionItemInputSchema,
  actionItemSchema,
  actionItemsQuerySchema,
  budgetImpactSchema,
  declareIncidentSchema,
  incidentIdParamsSchema,
  incidentMetricsQuerySchema,
  incidentMetricsSchema,
  incidentSchema,
  incidentSettingsViewSchema,
  incidentsQuerySchema,
  postmortemEditSchema,
  postmortemReviewSchema,
  postmortemSchema,
  resolveIncidentSchema,
  runbookDraftSchema,
  runbookSchema,
  runbooksQuerySchema,
  timelineEntrySchema,
  updateIncidentSchema,
} from '../../schema/incidents.js';
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';

const TAGS = ['incidents'];

export function incidentRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/incidents',
      summary:
        "Declare an incident (any token but a viewer's); pages the incident-response rotation when the incident calls for it",
      tags: TAGS,
      auth: 'token',
      body: declareIncidentSchema,
      status: 201,
      response: incidentSchema,
      problems: WRITE_PROBLEMS,
      handler: ({ principal, body }) => declareIncident(deps, principal, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/incidents',
      summary: 'Incidents, newest impact start first',
      tags: TAGS,
      auth: 'token',
      query: incidentsQuerySchema,
      response: z.array(incidentSchema),
      problems: [400, 401, 403],
      handler: ({ principal, query }) =>
        listIncidents(deps, principal, {
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.service === undefined ? {} : { service: query.service }),
          ...(query.severity === undefined ? {} : { severity: query.severity }),
          ...(query.from === undefined ? {} : { fromMs: query.from }),
          ...(query.to === undefined ? {} : { toMs: query.to }),
          limit: query.limit,
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/incidents/:id',
      summary: 'One incident: status, roles, times to acknowledge, mitigate and resolve',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      response: incidentSchema,
      problems: READ_PROBLEMS,
      handler: ({ principal, params }) => getIncident(deps, principal, params.id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/incidents/:id',
      summary:
        'Update an incident: status and status updates, severity, roles (hand-overs are kept), services, notes, pages, corrected times',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      body: updateIncidentSchema,
      response: incidentSchema,
      problems: WRITE_PROBLEMS,
      handler: ({ principal, params, body }) => updateIncident(deps, principal, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/incidents/:id/resolve',
      summary: 'Resolve an incident, with a closing status update',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      body: resolveIncidentSchema,
      response: incidentSchema,
      problems: WRITE_PROBLEMS,
      handler: ({ principal, params, body }) =>
        updateIncident(deps, principal, params.id, {
          status: 'resolved',
          ...(body.message === undefined ? {} : { message: body.message }),
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/incidents/:id/timeline',
      summary:
        'The timeline: what people wrote, and the pages, alerts, deploys and burn alerts of its services from an hour before the start',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      response: z.array(timelineEntrySchema),
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) => {
        await deps.catalog.refresh({ maxAgeMs: 250 });
        const { incident, events, pages } = await loadIncident(deps, principal, params.id);
        const window = incidentWindow(deps, incident, incidentTimes(incident, pages).startedAt);
        const facts = await timelineFacts(deps, incident, pages, window);
        return incidentTimeline(events, facts).map((entry) => ({
          at: new Date(entry.at).toISOString(),
          source: entry.source,
          kind: entry.kind,
          text: entry.text,
          actor: entry.actor ?? null,
          ref: entry.ref ?? null,
        }));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/incidents/:id/budget-impact',
      summary:
        'For every SLO of the impacted services, the error budget consumed from the impact start to the resolution (or now)',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      response: budgetImpactSchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) => {
        await deps.catalog.refresh({ maxAgeMs: 250 });
        const { incident, pages } = await loadIncident(deps, principal, params.id);
        const window = incidentWindow(deps, incident, incidentTimes(incident, pages).startedAt);
        return {
          from: new Date(window.fromMs).toISOString(),
          to: new Date(window.toMs).toISOString(),
          complete: window.complete,
          slos: await budgetImpact(deps, incident.services, window),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/incident-settings',
      summary: 'The severity scale incidents are declared with, and the incident-response schedule',
      tags: TAGS,
      auth: 'token',
      response: incidentSettingsViewSchema,
      problems: [401, 403],
      handler: async ({ principal }) => {
        requireReader(principal);
        await deps.catalog.refresh({ maxAgeMs: 250 });
        const settings = deps.catalog.incidentSettings();
        return {
          severities: severitiesOf(deps).map((level) => ({ ...level })),
          configured: settings?.severities !== undefined,
          incidentResponseSchedule: settings?.incidentResponseSchedule ?? null,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/incident-metrics',
      summary:
        'MTTA, MTTM and MTTR (means and medians) per service or team, over incidents that began in the period (default: 90 days)',
      tags: TAGS,
      auth: 'token',
      query: incidentMetricsQuerySchema,
      response: incidentMetricsSchema,
      problems: [400, 401, 403],
      handler: ({ principal, query }) =>
        incidentMetrics(deps, principal, { fromMs: query.from, toMs: query.to, by: query.by }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/incidents/:id/postmortem',
      summary:
        'Draft the postmortem: the blameless template with everything Headroom knows filled in, the rest marked [to write]',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      status: 201,
      response: postmortemSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) =>
        postmortemView(await createPostmortemDraft(deps, principal, params.id)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/incidents/:id/postmortem',
      summary:
        'The postmortem, with the sections still to write and sentences that blame a person rather than a system',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      response: postmortemSchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        postmortemView(await getPostmortem(deps, principal, params.id)),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/incidents/:id/postmortem',
      summary: 'Save an edit of the postmortem (409 when someone saved since the revision edited)',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      body: postmortemEditSchema,
      response: postmortemSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) =>
        postmortemView(await editPostmortem(deps, principal, params.id, body)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/incidents/:id/postmortem/review',
      summary:
        'Move the postmortem through review: draft, in-review, published (published needs every section written)',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      body: postmortemReviewSchema,
      response: postmortemSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) =>
        postmortemView(await reviewPostmortem(deps, principal, params.id, body.status)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/incidents/:id/postmortem/runbook',
      summary:
        "A Runbook document drafted from the postmortem's resolution steps, to review and apply",
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      response: runbookDraftSchema,
      problems: [400, 401, 403, 404],
      handler: ({ principal, params }) => runbookDraft(deps, principal, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/incidents/:id/action-items',
      summary: 'Add an action item: owner, team, priority, due date',
      tags: TAGS,
      auth: 'token',
      params: incidentIdParamsSchema,
      body: actionItemInputSchema,
      status: 201,
      response: actionItemSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) =>
        actionItemView(deps, await addActionItem(deps, principal, params.id, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/action-items',
      summary: 'Action items by due date; `overdue=true` for those past due and not closed',
      tags: TAGS,
      auth: 'token',
      query: actionItemsQuerySchema,
      response: z.array(actionItemSchema),
      problems: [400, 401, 403],
      handler: async ({ principal, query }) =>
        (await listActionItems(deps, principal, query)).map((item) => actionItemView(deps, item)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/action-items/:id',
      summary: 'Change an action item: status (open, in-progress, done, wont-do), owner, due date',
      tags: TAGS,
      auth: 'token',
      params: z.object({ id: z.string() }),
      body: actionItemChangeSchema,
      response: actionItemSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) =>
        actionItemView(deps, await changeActionItem(deps, principal, params.id, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/runbooks',
      summary: 'Runbooks; for a service or an alert name, the ones its pages and incidents show',
      tags: TAGS,
      auth: 'token',
      query: runbooksQuerySchema,
      response: z.array(runbookSchema),
      problems: [400, 401, 403],
      handler: async ({ principal, query }) =>
        (await listRunbooks(deps, principal, query)).map((runbook) => ({
          name: runbook.name,
          title: runbook.title,
          service: runbook.service ?? null,
          alerts: [...runbook.alerts],
          team: runbook.team ?? null,
          markdown: runbook.markdown,
        })),
    }),
  ];
}

function postmortemView({ record, unwrittenSections, findings }: PostmortemView) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    incident: record.incidentId,
    status: record.status,
    markdown: record.markdown,
    revision: record.revision,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    updatedBy: record.updatedBy,
    publishedAt: record.publishedAt === null ? null : iso(record.publishedAt),
    unwrittenSections: [...unwrittenSections],
    blamelessFindings: findings.map((finding) => ({
      line: finding.line,
      column: finding.column,
      sentence: finding.sentence,
      phrase: finding.phrase,
      reason: finding.reason,
      suggestion: finding.suggestion,
    })),
  };
}

function actionItemView(deps: AppDependencies, record: ActionItemRecord) {
  const iso = (ms: number) => new Date(ms).toISOString();
  const item = actionItemOf(record);
  return {
    id: record.id,
    incident: record.incidentId,
    title: record.title,
    owner: record.owner,
    team: record.team,
    priority: item.priority,
    dueAt: record.dueAt === null ? null : iso(record.dueAt),
    status: item.status,
    overdue: isOverdue(item, deps.clock.now()),
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    closedAt: record.closedAt === null ? null : iso(record.closedAt),
  };
}
