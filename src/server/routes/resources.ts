// Services, SLOs, their ingest keys, status and series; config apply.
import { z } from 'zod';
import { applyConfig } from '../../app/apply-config.js';
import { createIngestKey, listIngestKeys, revokeIngestKey } from '../../app/ingest-keys.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import {
  deleteService,
  deleteSlo,
  getService,
  getSlo,
  listServices,
  listSlos,
  putResource,
  type ResourceKindName,
} from '../../app/resources.js';
import { deployMarksOfSlo } from '../../app/deploys.js';
import { getSloSeries, getSloStatus, listSloStatuses } from '../../app/slo-status.js';
import { requireReader } from '../../app/principal.js';
import {
  applyRequestSchema,
  applyResponseSchema,
  createdIngestKeySchema,
  ingestKeyInputSchema,
  ingestKeySchema,
  nameParamsSchema,
  seriesQuerySchema,
  serviceResourceSchema,
  sloResourceSchema,
  statusListQuerySchema,
  statusQuerySchema,
} from '../../schema/api.js';
import { serviceDocumentSchema, sloDocumentSchema } from '../../schema/config.js';
import {
  sloSeriesSchema,
  sloStatusSchema,
  sloStatusWithDeploysSchema,
} from '../../schema/status.js';
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';
import {
  alertTransitionView,
  ingestKeyView,
  resourceView,
  sloDeployMarkView,
} from './representations.js';
import { formatDuration } from '../../core/time/duration.js';

/** Deploys whose budget impact a status reads (newest first), and a series (latest). */
const STATUS_DEPLOY_IMPACTS = 5;
const SERIES_DEPLOY_IMPACTS = 20;

export function resourceRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    ...documentRoutes(deps, 'Service', 'services', serviceDocumentSchema, serviceResourceSchema),
    ...documentRoutes(deps, 'SLO', 'slos', sloDocumentSchema, sloResourceSchema),
    defineRoute({
      method: 'GET',
      url: '/api/v1/slos/:name/status',
      summary:
        'The status of an SLO: SLI, error budget, burn rates and alerts (the JSON of headroom eval)',
      tags: ['slos'],
      auth: 'token',
      params: nameParamsSchema,
      query: statusQuerySchema,
      response: sloStatusWithDeploysSchema,
      problems: [400, ...READ_PROBLEMS],
      handler: async ({ principal, params, query }) => {
        const status = await getSloStatus(deps, principal, params.name, query.at);
        const marks = await deployMarksOfSlo(
          deps,
          principal,
          params.name,
          { fromMs: Date.parse(status.window.start), toMs: Date.parse(status.window.end) - 1 },
          STATUS_DEPLOY_IMPACTS,
        );
        return {
          ...status,
          deploys: {
            inWindow: marks.length,
            latest: marks.slice(-STATUS_DEPLOY_IMPACTS).reverse().map(sloDeployMarkView),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/slos/:name/series',
      summary: 'SLI, remaining budget and burn rates over time, for charts',
      tags: ['slos'],
      auth: 'token',
      params: nameParamsSchema,
      query: seriesQuerySchema,
      response: sloSeriesSchema,
      problems: [400, ...READ_PROBLEMS],
      handler: async ({ principal, params, query }) => {
        const series = await getSloSeries(deps, principal, params.name, {
          fromMs: query.from,
          toMs: query.to,
          stepMinutes: query.step,
        });
        const marks = await deployMarksOfSlo(
          deps,
          principal,
          params.name,
          { fromMs: Date.parse(series.from), toMs: Date.parse(series.to) },
          SERIES_DEPLOY_IMPACTS,
        );
        return {
          slo: series.slo,
          from: series.from,
          to: series.to,
          step: formatDuration(series.stepMinutes),
          points: series.points,
          deploys: marks.map(sloDeployMarkView),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/status',
      summary: "The status of every SLO, or of one service's",
      tags: ['slos'],
      auth: 'token',
      query: statusListQuerySchema,
      response: z.array(sloStatusSchema).readonly(),
      problems: [400, 401, 403, 404],
      handler: ({ principal, query }) => listSloStatuses(deps, principal, query.at, query.service),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/alerts/transitions',
      summary: 'Burn-rate alerts that started firing or resolved, newest first',
      tags: ['slos'],
      auth: 'token',
      query: z.object({
        slo: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: z.array(z.unknown()),
      problems: [400, 401, 403],
      handler: async ({ principal, query }) => {
        requireReader(principal);
        const transitions = await deps.store.listAlertTransitions(
          query.slo === undefined ? { limit: query.limit } : { slo: query.slo, limit: query.limit },
        );
        return transitions.map(alertTransitionView);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/services/:name/ingest-keys',
      summary: "List a service's ingest keys",
      tags: ['services'],
      auth: 'token',
      params: nameParamsSchema,
      response: z.array(ingestKeySchema),
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        (await listIngestKeys(deps, principal, params.name)).map(ingestKeyView),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/services/:name/ingest-keys',
      summary: 'Create an ingest key for sending events; the answer is the only time it is shown',
      tags: ['services'],
      auth: 'token',
      params: nameParamsSchema,
      body: ingestKeyInputSchema,
      status: 201,
      response: createdIngestKeySchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) => {
        const { key, secret } = await createIngestKey(deps, principal, params.name, body.name);
        return { ...ingestKeyView(key), key: secret };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/services/:name/ingest-keys/:id',
      summary: 'Revoke an ingest key',
      tags: ['services'],
      auth: 'token',
      params: z.object({ name: z.string(), id: z.string() }),
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await revokeIngestKey(deps, principal, params.name, params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/apply',
      summary:
        'Bring services and SLOs to the given headroom/v1 documents (dryRun: plan only; prune: delete what is not given)',
      tags: ['config'],
      auth: 'token',
      // Documented with the document schemas; the documents themselves are read by the
      // config adapter, which reports every issue of every document with its path.
      body: applyRequestSchema.extend({
        documents: z.array(z.union([serviceDocumentSchema, sloDocumentSchema])),
      }),
      bodyValidation: 'handler',
      response: applyResponseSchema,
      problems: [400, 401, 403],
      handler: ({ principal, body }) => {
        const request = applyRequestSchema.parse(body);
        return applyConfig(deps, principal, request.documents, {
          prune: request.prune,
          dryRun: request.dryRun,
        });
      },
    }),
  ];
}

function documentRoutes(
  deps: AppDependencies,
  kind: ResourceKindName,
  plural: 'services' | 'slos',
  document: z.ZodType,
  schema: z.ZodType,
): RouteDefinition[] {
  const list = kind === 'Service' ? listServices : listSlos;
  const get = kind === 'Service' ? getService : getSlo;
  const remove = kind === 'Service' ? deleteService : deleteSlo;
  const base = `/api/v1/${plural}`;
  return [
    defineRoute({
      method: 'GET',
      url: base,
      summary: `List ${plural} as headroom/v1 documents`,
      tags: [plural],
      auth: 'token',
      response: z.array(schema),
      problems: READ_PROBLEMS,
      handler: async ({ principal }) => (await list(deps, principal)).map(resourceView),
    }),
    defineRoute({
      method: 'POST',
      url: base,
      summary: `Create a ${kind} from its headroom/v1 document`,
      tags: [plural],
      auth: 'token',
      body: document,
      bodyValidation: 'handler',
      status: 201,
      response: schema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, body }) => {
        await putResource(deps, principal, kind, body, { mode: 'create', name: undefined });
        const name = (body as { metadata: { name: string } }).metadata.name;
        return resourceView(await get(deps, principal, name));
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${base}/:name`,
      summary: `Get a ${kind}`,
      tags: [plural],
      auth: 'token',
      params: nameParamsSchema,
      response: schema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        resourceView(await get(deps, principal, params.name)),
    }),
    defineRoute({
      method: 'PUT',
      url: `${base}/:name`,
      summary: `Create or replace a ${kind}; an unchanged document changes nothing`,
      tags: [plural],
      auth: 'token',
      params: nameParamsSchema,
      body: document,
      bodyValidation: 'handler',
      response: schema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body, reply }) => {
        const { created } = await putResource(deps, principal, kind, body, {
          mode: 'replace',
          name: params.name,
        });
        const view = resourceView(await get(deps, principal, params.name));
        // The route's status is 200; a PUT that created answers 201.
        if (created) void reply.status(201);
        return view;
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${base}/:name`,
      summary: `Delete a ${kind}`,
      tags: [plural],
      auth: 'token',
      params: nameParamsSchema,
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await remove(deps, principal, params.name);
      },
    }),
  ];
}
