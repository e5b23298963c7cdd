import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  nameParamsSchema,
  pageQuerySchema,
  statusQuerySchema,
  teamInputSchema,
  teamSchema,
} from '../schema/api.js';
import { sloSeriesSchema, sloStatusSchema } from '../schema/status.js';
import { buildOpenApiDocument } from './openapi.js';
import { defineRoute, type RouteDefinition } from './route.js';

const notCalled = () => Promise.reject(new Error('not called'));

// A schema whose input and output differ (a default), used on both sides, and one
// with a default used only in requests.
const widgetSchema = z
  .object({ name: z.string(), size: z.number().default(1) })
  .meta({ id: 'OpenApiTestWidget' });
const widgetOptionsSchema = z
  .object({ colour: z.string().default('blue') })
  .meta({ id: 'OpenApiTestWidgetOptions' });

const routes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/slos/:name/status',
    summary: 'status',
    tags: ['slos'],
    auth: 'token',
    params: nameParamsSchema,
    query: statusQuerySchema,
    response: sloStatusSchema,
    problems: [400, 404],
    handler: notCalled,
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/slos/:name/series',
    summary: 'series',
    tags: ['slos'],
    auth: 'token',
    params: nameParamsSchema,
    response: sloSeriesSchema,
    problems: [404],
    handler: notCalled,
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/teams',
    summary: 'create',
    tags: ['teams'],
    auth: 'token',
    body: teamInputSchema,
    status: 201,
    response: teamSchema,
    problems: [400],
    handler: notCalled,
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/teams/:name',
    summary: 'delete',
    tags: ['teams'],
    auth: 'token',
    status: 204,
    problems: [404],
    handler: notCalled,
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/audit',
    summary: 'audit',
    tags: ['audit'],
    auth: 'token',
    query: pageQuerySchema,
    response: z.array(z.object({ id: z.number() })),
    handler: notCalled,
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/v1/widgets/:name',
    summary: 'widgets',
    tags: ['widgets'],
    auth: 'token',
    body: z.object({ widget: widgetSchema, options: widgetOptionsSchema }),
    response: widgetSchema,
    handler: notCalled,
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/events',
    summary: 'ingest',
    tags: ['events'],
    auth: 'ingest',
    rawBody: { contentTypes: ['application/x-ndjson', 'application/json'], description: 'lines' },
    headers: [{ name: 'Idempotency-Key', description: 'once' }],
    responseHeaders: [{ name: 'Idempotent-Replayed', description: 'seen before' }],
    response: z.object({ accepted: z.number() }),
    handler: notCalled,
  }),
  defineRoute({
    method: 'GET',
    url: '/metrics',
    summary: 'metrics',
    tags: ['system'],
    auth: 'public',
    responseContentType: 'text/plain',
    handler: notCalled,
  }),
];

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { required: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<
    string,
    {
      description: string;
      content?: Record<string, { schema: unknown }>;
      headers?: Record<string, unknown>;
    }
  >;
  security?: unknown;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: object };
}

/** Every `$ref` in a value, anywhere. */
function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' ? [item] : refsOf(item),
  );
}

function operation(document: Document, path: string, method: string): Operation {
  const found = document.paths[path]?.[method];
  if (found === undefined) throw new Error(`no ${method} ${path}`);
  return found;
}

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument(routes, {
    title: 'Headroom API',
    version: '1.2.3',
  }) as unknown as Document;

  it('is OpenAPI 3.1 with the paths in its own syntax', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({ title: 'Headroom API', version: '1.2.3' });
    expect(Object.keys(document.paths)).toEqual([
      '/api/v1/slos/{name}/status',
      '/api/v1/slos/{name}/series',
      '/api/v1/teams',
      '/api/v1/teams/{name}',
      '/api/v1/audit',
      '/api/v1/widgets/{name}',
      '/api/v1/events',
      '/metrics',
    ]);
  });

  it('names operations from method and path, uniquely', () => {
    const ids = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => operation.operationId),
    );
    expect(ids).toEqual([
      'getSlosByNameStatus',
      'getSlosByNameSeries',
      'postTeams',
      'deleteTeamsByName',
      'getAudit',
      'putWidgetsByName',
      'postEvents',
      'getMetrics',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses two routes that would share an operation id', () => {
    const twice = [routes[2], routes[2]] as RouteDefinition[];
    expect(() => buildOpenApiDocument(twice, { title: 't', version: '1' })).toThrow(/postTeams/);
  });

  it('describes path and query parameters from the schemas', () => {
    const status = operation(document, '/api/v1/slos/{name}/status', 'get');
    expect(status.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['name', 'path', true],
      ['at', 'query', false],
    ]);
    expect(status.parameters?.[1]?.schema).toMatchObject({ type: 'string', format: 'date-time' });
    const audit = operation(document, '/api/v1/audit', 'get');
    // Defaults make a parameter optional: parameters are read as input.
    expect(audit.parameters?.map((p) => [p.name, p.required])).toEqual([
      ['limit', false],
      ['before', false],
    ]);
    // A path variable without a params schema is declared all the same.
    const remove = operation(document, '/api/v1/teams/{name}', 'delete');
    expect(remove.parameters).toEqual([
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
    ]);
  });

  it('describes bodies, headers and success responses', () => {
    const create = operation(document, '/api/v1/teams', 'post');
    expect(create.requestBody?.required).toBe(true);
    expect(create.requestBody?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      required: ['name'],
    });
    expect(create.responses['201']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Team',
    });

    const ingest = operation(document, '/api/v1/events', 'post');
    expect(ingest.requestBody?.content).toEqual({
      'application/x-ndjson': { schema: { type: 'string' } },
      'application/json': { schema: { type: 'string' } },
    });
    expect(ingest.parameters).toEqual([
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'once',
        schema: { type: 'string' },
      },
    ]);
    expect(ingest.responses['200']?.headers).toEqual({
      'Idempotent-Replayed': { description: 'seen before', schema: { type: 'string' } },
    });
    expect(create.responses['201']).not.toHaveProperty('headers');

    const remove = operation(document, '/api/v1/teams/{name}', 'delete');
    expect(Object.keys(remove.responses)).toEqual(['204', '404']);
    expect(remove.responses['204']).not.toHaveProperty('content');

    const metrics = operation(document, '/metrics', 'get');
    expect(metrics.responses['200']?.content).toEqual({
      'text/plain': { schema: { type: 'string' } },
    });
  });

  it('answers every listed problem with problem+json', () => {
    const status = operation(document, '/api/v1/slos/{name}/status', 'get');
    expect(Object.keys(status.responses)).toEqual(['200', '400', '404']);
    for (const code of ['400', '404']) {
      expect(status.responses[code]?.content).toEqual({
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
      });
    }
  });

  it('describes error answers in a wire format of their own with that format', () => {
    const eventSchema = z.object({ id: z.string() }).meta({ id: 'OpenApiTestEvent' });
    const refusalSchema = z
      .object({ status: z.literal('refused'), errors: z.array(z.string()) })
      .meta({ id: 'OpenApiTestRefusal' });
    const foreign = buildOpenApiDocument(
      [
        defineRoute({
          method: 'POST',
          url: '/v1/send',
          summary: 'a foreign API',
          tags: ['intake'],
          auth: 'public',
          body: eventSchema,
          status: 202,
          response: eventSchema,
          problems: [404],
          errorAnswers: [{ status: 400, schema: refusalSchema, description: 'not retried' }],
          handler: notCalled,
        }),
      ],
      { title: 't', version: '1' },
    ) as unknown as Document;
    const send = operation(foreign, '/v1/send', 'post');
    expect(Object.keys(send.responses)).toEqual(['202', '400', '404']);
    expect(send.responses['400']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/OpenApiTestRefusal' } },
    });
    expect(send.responses['404']?.content).toHaveProperty(['application/problem+json']);
    expect(foreign.components.schemas.OpenApiTestRefusal).toMatchObject({
      required: ['status', 'errors'],
    });
  });

  it('asks for the right credentials', () => {
    expect(operation(document, '/api/v1/teams', 'post').security).toEqual([{ bearerAuth: [] }]);
    expect(operation(document, '/api/v1/events', 'post').security).toEqual([{ ingestKey: [] }]);
    expect(operation(document, '/metrics', 'get').security).toEqual([]);
    expect(Object.keys(document.components.securitySchemes)).toEqual([
      'bearerAuth',
      'ingestKey',
      'feedToken',
    ]);
  });

  it('places schemas with an id in components, once, and references them', () => {
    const schemas = document.components.schemas;
    for (const ref of refsOf(document)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas).toHaveProperty(ref.replace('#/components/schemas/', ''));
    }
    expect(Object.keys(schemas)).toEqual([
      'BurnRates',
      'OpenApiTestWidget',
      'OpenApiTestWidgetInput',
      'OpenApiTestWidgetOptions',
      'Problem',
      'SloDeployMark',
      'SloSeries',
      'SloStatus',
      'Team',
    ]);
    // Nested schemas with an id are references too, not copies.
    expect(JSON.stringify(schemas.SloStatus)).toContain('"$ref":"#/components/schemas/BurnRates"');
    expect(JSON.stringify(schemas.SloSeries)).toContain('"$ref":"#/components/schemas/BurnRates"');
    for (const schema of Object.values(schemas)) {
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$id');
      expect(schema).not.toHaveProperty('id');
    }
  });

  it('splits a schema whose request and response sides differ', () => {
    const schemas = document.components.schemas;
    expect(schemas.OpenApiTestWidget?.required).toEqual(['name', 'size']);
    expect(schemas.OpenApiTestWidgetInput?.required).toEqual(['name']);
    // Used only in requests: one component, its input side, under its own id.
    expect(schemas.OpenApiTestWidgetOptions).not.toHaveProperty('required');
    const put = operation(document, '/api/v1/widgets/{name}', 'put');
    expect(refsOf(put.requestBody)).toEqual([
      '#/components/schemas/OpenApiTestWidgetInput',
      '#/components/schemas/OpenApiTestWidgetOptions',
    ]);
    expect(refsOf(put.responses)).toEqual(['#/components/schemas/OpenApiTestWidget']);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});
