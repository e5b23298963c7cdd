import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nameParamsSchema, statusQuerySchema, teamInputSchema, teamSchema } from '../schema/api.js';
import { sloStatusSchema } from '../schema/status.js';
import { buildOpenApiDocument } from './openapi.js';
import { defineRoute } from './route.js';

const routes = [
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
    handler: () => Promise.reject(new Error('not called')),
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
    handler: () => Promise.reject(new Error('not called')),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/events',
    summary: 'ingest',
    tags: ['events'],
    auth: 'ingest',
    rawBody: { contentTypes: ['application/x-ndjson'], description: 'lines' },
    headers: [{ name: 'Idempotency-Key', description: 'once' }],
    response: z.object({ accepted: z.number() }),
    handler: () => Promise.reject(new Error('not called')),
  }),
];

/** Every `$ref` in the document, anywhere. */
function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' ? [item] : refsOf(item),
  );
}

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument(routes, { title: 'Headroom API', version: '1.2.3' }) as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          parameters?: { name: string; in: string; required: boolean }[];
          requestBody?: { content: Record<string, unknown> };
          responses: Record<string, unknown>;
          security?: unknown;
        }
      >
    >;
    components: { schemas: Record<string, unknown> };
  };

  it('is OpenAPI 3.1 with the paths in its own syntax', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual([
      '/api/v1/slos/{name}/status',
      '/api/v1/teams',
      '/api/v1/events',
    ]);
  });

  it('describes parameters, bodies, responses and problems', () => {
    const status = document.paths['/api/v1/slos/{name}/status']?.get;
    expect(status?.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['name', 'path', true],
      ['at', 'query', false],
    ]);
    expect(Object.keys(status?.responses ?? {})).toEqual(['200', '400', '404']);
    expect(JSON.stringify(status?.responses['404'])).toContain('application/problem+json');
    const create = document.paths['/api/v1/teams']?.post;
    expect(Object.keys(create?.responses ?? {})).toEqual(['201', '400']);
    expect(Object.keys(create?.requestBody?.content ?? {})).toEqual(['application/json']);
    const ingest = document.paths['/api/v1/events']?.post;
    expect(Object.keys(ingest?.requestBody?.content ?? {})).toEqual(['application/x-ndjson']);
    expect(ingest?.parameters?.[0]).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
    expect(ingest?.security).toEqual([{ ingestKey: [] }]);
  });

  it('references components that exist, with unique operation ids', () => {
    for (const ref of refsOf(document)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas).toHaveProperty(ref.replace('#/components/schemas/', ''));
    }
    expect(document.components.schemas).toHaveProperty('SloStatus');
    expect(document.components.schemas).toHaveProperty('Problem');
    const ids = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => operation.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
