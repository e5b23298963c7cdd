// The OpenAPI 3.1 document, generated from the route definitions and their zod
// schemas: the same schemas that validate the requests. Schemas with a `.meta({ id })`
// become components and are referenced from the operations.
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { problemSchema } from '../schema/api.js';
import type { RouteDefinition } from './route.js';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const COMPONENT_PREFIX = '#/components/schemas/';

export function buildOpenApiDocument(
  routes: readonly RouteDefinition[],
  info: { readonly title: string; readonly version: string },
): Json {
  const schemas = new DocumentSchemas();
  const operations = routes.map((route) => {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operationId = operationIdOf(route.method, path);
    const name = operationId.charAt(0).toUpperCase() + operationId.slice(1);
    // Schemas are named before any is converted: conversion needs every name.
    const slot = (schema: z.ZodType | undefined, io: Io, role: string) =>
      schema === undefined ? undefined : schemas.slot(schema, io, `${name}${role}`);
    return {
      route,
      path,
      operationId,
      params: slot(route.params, 'input', 'Params'),
      query: slot(route.query, 'input', 'Query'),
      body: slot(route.body, 'input', 'Body'),
      response: slot(route.response, 'output', 'Response'),
      errorAnswers: (route.errorAnswers ?? []).map((answer) => ({
        ...answer,
        slot: schemas.slot(answer.schema, 'output', `${name}${String(answer.status)}`),
      })),
    };
  });
  const problem = schemas.slot(problemSchema, 'output', 'Problem');
  schemas.convert();

  const paths: Record<string, Record<string, Json>> = {};
  const operationIds = new Set<string>();
  for (const {
    route,
    path,
    operationId,
    params,
    query,
    body,
    response,
    errorAnswers,
  } of operations) {
    if (operationIds.has(operationId))
      throw new Error(`two routes have the operationId ${operationId}: rename one path`);
    operationIds.add(operationId);
    const operation: Json = { operationId, summary: route.summary, tags: [...route.tags] };

    const parameters = [
      ...parametersOf(params === undefined ? undefined : schemas.bodyOf(params), 'path'),
      ...parametersOf(query === undefined ? undefined : schemas.bodyOf(query), 'query'),
    ];
    // A path variable the params schema does not describe must still be declared.
    for (const [, variable] of path.matchAll(/\{([^}]+)\}/g)) {
      if (!parameters.some((p) => p.in === 'path' && p.name === variable))
        parameters.push({ name: variable, in: 'path', required: true, schema: { type: 'string' } });
    }
    for (const header of route.headers ?? []) {
      parameters.push({
        name: header.name,
        in: 'header',
        required: false,
        description: header.description,
        schema: { type: 'string' },
      });
    }
    if (parameters.length > 0) operation.parameters = parameters;

    if (route.rawBody !== undefined) {
      operation.requestBody = {
        required: true,
        description: route.rawBody.description,
        content: Object.fromEntries(
          route.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string' } }]),
        ),
      };
    } else if (body !== undefined) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemas.use(body) } },
      };
    }

    const status = route.status ?? 200;
    const responses: Json = {};
    const success: Json =
      response === undefined && route.responseContentType === undefined
        ? { description: STATUS_CODES[status] ?? 'Done' }
        : {
            description: STATUS_CODES[status] ?? 'Success',
            content: {
              [route.responseContentType ?? 'application/json']: {
                schema: response === undefined ? { type: 'string' } : schemas.use(response),
              },
            },
          };
    if (route.responseHeaders !== undefined) {
      success.headers = Object.fromEntries(
        route.responseHeaders.map((header) => [
          header.name,
          { description: header.description, schema: { type: 'string' } },
        ]),
      );
    }
    responses[String(status)] = success;
    for (const code of route.problems ?? []) {
      responses[String(code)] = {
        description: `${STATUS_CODES[code] ?? 'Error'}: problem details (RFC 9457)`,
        content: { 'application/problem+json': { schema: schemas.use(problem) } },
      };
    }
    for (const answer of errorAnswers) {
      responses[String(answer.status)] = {
        description: `${STATUS_CODES[answer.status] ?? 'Error'}: ${answer.description}`,
        content: { 'application/json': { schema: schemas.use(answer.slot) } },
      };
    }
    operation.responses = responses;
    // An explicit empty list: public, whatever a top-level default may say one day.
    operation.security =
      route.auth === 'token'
        ? [{ bearerAuth: [] }]
        : route.auth === 'ingest'
          ? [{ ingestKey: [] }]
          : route.auth === 'feed'
            ? [{ bearerAuth: [] }, { feedToken: [] }]
            : [];
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }

  const tags = [...new Set(routes.flatMap((route) => route.tags))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    tags,
    paths,
    components: {
      schemas: schemas.componentsReachableFrom(paths),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (hr_…), sent as `Authorization: Bearer <token>`',
        },
        ingestKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            "A service ingest key (hri_…), sent as `Authorization: Bearer <key>`: sends that service's events, nothing else",
        },
        feedToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description:
            'An API token as `?token=`, for calendar feeds only (calendar apps cannot send headers)',
        },
      },
    },
  };
}

/** A schema as one operation uses it: its component name and which side of it. */
interface Slot {
  readonly name: string;
  readonly io: Io;
}

/**
 * The JSON Schemas of one document, converted by zod in two registry passes (request
 * schemas as input, responses as output) so that every schema with an id is converted
 * once and referenced by `uri`. A schema whose input and output differ (defaults,
 * transforms) gets a second component, `<id>Input`, for the request side.
 */
class DocumentSchemas {
  /** Schemas without an id, per side, under a name drawn from their first use. */
  private readonly anonymous: Record<Io, Map<z.ZodType, string>> = {
    input: new Map(),
    output: new Map(),
  };
  /** Schemas with an id that operations use directly, per side. */
  private readonly usedIds: Record<Io, Set<string>> = { input: new Set(), output: new Set() };
  private readonly globalIds = new Map<string, z.ZodType>();
  private readonly inputVariants = new Set<string>();
  private converted: Record<Io, Record<string, Json>> | undefined;

  constructor() {
    // zod's registry conversion refers only to schemas the registry holds; one with an
    // id left out would land in a `__shared` document instead of the components.
    for (const [id, schema] of z.globalRegistry._idmap) {
      if (z.globalRegistry.get(schema)?.id === id) this.globalIds.set(id, schema as z.ZodType);
    }
  }

  slot(schema: z.ZodType, io: Io, fallbackName: string): Slot {
    const id = z.globalRegistry.get(schema)?.id;
    if (typeof id === 'string') {
      this.usedIds[io].add(id);
      return { name: id, io };
    }
    const known = this.anonymous[io].get(schema);
    if (known !== undefined) return { name: known, io };
    if (this.globalIds.has(fallbackName))
      throw new Error(`a schema id ${fallbackName} collides with a generated schema name`);
    this.anonymous[io].set(schema, fallbackName);
    return { name: fallbackName, io };
  }

  convert(): void {
    const output = this.convertSide('output');
    const input = this.convertSide('input');
    // A component named by its id describes the output side wherever the document uses
    // that side; the request side then needs `<id>Input` if it differs, or if it refers
    // to a schema that does. Ids only requests use keep their plain name.
    const usedAsOutput = closure(
      [...this.slotNames('output')].flatMap((name) =>
        this.globalIds.has(name) ? [name] : refsOf(output[name]),
      ),
      (id) => refsOf(output[id]),
    );
    const split = (id: string) =>
      usedAsOutput.has(id) &&
      (JSON.stringify(input[id]) !== JSON.stringify(output[id]) ||
        refsOf(input[id]).some((name) => this.inputVariants.has(name)));
    for (let grew = true; grew;) {
      grew = false;
      for (const id of this.globalIds.keys()) {
        if (!this.inputVariants.has(id) && split(id)) {
          this.inputVariants.add(id);
          grew = true;
        }
      }
    }
    for (const id of this.inputVariants) {
      if (this.globalIds.has(`${id}Input`))
        throw new Error(`schema ids ${id} and ${id}Input collide in the OpenAPI document`);
    }
    this.converted = {
      output,
      input: this.inputVariants.size === 0 ? input : this.convertSide('input'),
    };
  }

  /** The schema to place in an operation: a reference to a component, or inline. */
  use(slot: Slot): Json {
    if (this.globalIds.has(slot.name)) return { $ref: COMPONENT_PREFIX + this.componentName(slot) };
    return this.bodyOf(slot);
  }

  /** The converted schema itself, e.g. to list an object's properties as parameters. */
  bodyOf(slot: Slot): Json {
    const body = this.sides()[slot.io][slot.name];
    if (body === undefined) throw new Error(`schema ${slot.name} was not converted`);
    return body;
  }

  /** Only the components the document refers to, by name. */
  componentsReachableFrom(paths: unknown): Record<string, Json> {
    const pool = new Map<string, Json>();
    // Where both sides share a plain name their bodies are equal (else it was split),
    // except for ids no response uses: those must keep their input body, so input last.
    for (const io of ['output', 'input'] as const) {
      for (const [id, body] of Object.entries(this.sides()[io]))
        pool.set(this.componentName({ name: id, io }), body);
    }
    const reached = closure(refsOf(paths), (name) => {
      const body = pool.get(name);
      if (body === undefined) throw new Error(`the OpenAPI document refers to ${name}, unknown`);
      return refsOf(body);
    });
    return Object.fromEntries(
      [...reached].sort().map((name) => [name, pool.get(name) as Json] as const),
    );
  }

  private *slotNames(io: Io): Iterable<string> {
    yield* this.anonymous[io].values();
    yield* this.usedIds[io];
  }

  private componentName(slot: Slot): string {
    return slot.io === 'input' && this.inputVariants.has(slot.name)
      ? `${slot.name}Input`
      : slot.name;
  }

  private sides(): Record<Io, Record<string, Json>> {
    if (this.converted === undefined) throw new Error('convert() the schemas first');
    return this.converted;
  }

  private convertSide(io: Io): Record<string, Json> {
    const registry = z.registry<{ id: string }>();
    for (const [id, schema] of this.globalIds) registry.add(schema, { id });
    for (const [schema, name] of this.anonymous[io]) registry.add(schema, { id: name });
    const { schemas } = z.toJSONSchema(registry, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      uri: (id) => COMPONENT_PREFIX + this.componentName({ name: id, io }),
    });
    if ('__shared' in schemas) {
      throw new Error(
        'a recursive schema without an id cannot be placed in the OpenAPI document; give it .meta({ id })',
      );
    }
    return Object.fromEntries(
      Object.entries(schemas).map(([id, json]) => {
        // The document is the one schema resource: no per-schema dialect or identity.
        const body: Json = { ...json };
        delete body.$schema;
        delete body.$id;
        return [id, body];
      }),
    );
  }
}

function parametersOf(schema: Json | undefined, where: 'path' | 'query'): Json[] {
  if (schema === undefined) return [];
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = (schema.required ?? []) as string[];
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

/** `GET /api/v1/slos/{name}/status` -> `getSlosByNameStatus`: stable while the path is. */
function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((part) => part !== '' && part !== 'api' && part !== 'v1')
    .map((part) => (part.startsWith('{') ? `by-${part.slice(1, -1)}` : part))
    .flatMap((part) => part.split(/[-._]/))
    .filter((word) => word !== '');
  return [method.toLowerCase(), ...words]
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
}

/** The names reached from `start` by following `next`, `start` included. */
function closure(start: readonly string[], next: (name: string) => readonly string[]): Set<string> {
  const reached = new Set<string>();
  const queue = [...start];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (reached.has(name)) continue;
    reached.add(name);
    queue.push(...next(name));
  }
  return reached;
}

/** The component names of every `$ref` in a value. */
function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' && item.startsWith(COMPONENT_PREFIX)
      ? [item.slice(COMPONENT_PREFIX.length)]
      : refsOf(item),
  );
}
