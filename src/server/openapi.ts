// The OpenAPI 3.1 document, generated from the route definitions and their zod
// schemas: the same schemas that validate the requests. Schemas with a `.meta({ id })`
// become components and are referenced from the operations.
import { z } from 'zod';
import { problemSchema } from '../schema/api.js';
import type { RouteDefinition } from './route.js';

type Json = Record<string, unknown>;

export function buildOpenApiDocument(
  routes: readonly RouteDefinition[],
  info: { readonly title: string; readonly version: string },
): Json {
  const components: Record<string, unknown> = {};
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): unknown => {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as Json;
    const { $defs, ...rest } = json as Json & { $defs?: Record<string, unknown> };
    delete rest.$schema;
    for (const [name, definition] of Object.entries($defs ?? {}))
      components[name] ??= rewriteRefs(definition);
    const id = (z.globalRegistry.get(schema) as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') {
      components[id] ??= rewriteRefs(rest);
      return { $ref: `#/components/schemas/${id}` };
    }
    return rewriteRefs(rest);
  };
  const problem = toSchema(problemSchema, 'output');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: Json = {
      operationId: operationIdOf(route.method, path),
      summary: route.summary,
      tags: [...route.tags],
    };
    const parameters = [
      ...parametersOf(route.params, 'path', toSchema),
      ...parametersOf(route.query, 'query', toSchema),
      ...(route.headers ?? []).map((header) => ({
        name: header.name,
        in: 'header',
        required: false,
        description: header.description,
        schema: { type: 'string' },
      })),
    ];
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.rawBody !== undefined) {
      operation.requestBody = {
        required: true,
        description: route.rawBody.description,
        content: Object.fromEntries(
          route.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string' } }]),
        ),
      };
    } else if (route.body !== undefined) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(route.body, 'input') } },
      };
    }
    const status = String(route.status ?? 200);
    const responses: Json = {};
    if (route.response === undefined && route.responseContentType === undefined) {
      responses[status] = { description: 'Done' };
    } else {
      const contentType = route.responseContentType ?? 'application/json';
      responses[status] = {
        description: 'Success',
        content: {
          [contentType]: {
            schema:
              route.response === undefined
                ? { type: 'string' }
                : toSchema(route.response, 'output'),
          },
        },
      };
    }
    for (const code of route.problems ?? []) {
      responses[String(code)] = {
        description: 'A problem (RFC 9457)',
        content: { 'application/problem+json': { schema: problem } },
      };
    }
    operation.responses = responses;
    if (route.auth === 'token') operation.security = [{ bearerAuth: [] }];
    if (route.auth === 'ingest') operation.security = [{ ingestKey: [] }];
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (hr_…)' },
        ingestKey: {
          type: 'http',
          scheme: 'bearer',
          description: "A service's ingest key (hri_…): sends events only",
        },
      },
    },
  };
}

function parametersOf(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
  toSchema: (schema: z.ZodType, io: 'input' | 'output') => unknown,
): Json[] {
  if (schema === undefined) return [];
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
  return Object.keys(json.properties ?? {}).map((name) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: shape[name] === undefined ? json.properties?.[name] : toSchema(shape[name], 'input'),
  }));
}

function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((part) => part !== '' && part !== 'api' && part !== 'v1')
    .map((part) => (part.startsWith('{') ? `by-${part.slice(1, -1)}` : part))
    .flatMap((part) => part.split(/[-._]/));
  return [method.toLowerCase(), ...words]
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
}

/** zod writes references to its local `$defs`; in the document they live in components. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  const result: Json = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] =
      key === '$ref' && typeof item === 'string'
        ? item.replace(/^#\/\$defs\//, '#/components/schemas/')
        : rewriteRefs(item);
  }
  return result;
}
