// Mounting route definitions on Fastify: authenticate, validate with the route's zod
// schemas, call the handler, answer with its status. Errors go to the problem handler.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { authenticateIngestKey, authenticateToken } from '../app/authenticate.js';
import { invalid } from '../app/errors.js';
import type { AppDependencies } from '../app/ports/slo-catalog.js';
import type { Principal } from '../app/principal.js';
import type { RouteDefinition } from './route.js';

export function mountRoutes(
  app: FastifyInstance,
  routes: readonly RouteDefinition[],
  deps: AppDependencies,
): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      // Fastify logs each request at info: for such a route, info shows errors only.
      ...(route.requestLog === 'debug' && app.log.level === 'info' ? { logLevel: 'warn' } : {}),
      handler: async (request, reply) => {
        const principal = await principalOf(route, request, deps);
        const input = {
          params: parseWith(route.params, request.params, 'path'),
          query: parseWith(route.query, request.query, 'query'),
          body:
            route.rawBody === undefined && route.bodyValidation !== 'handler'
              ? parseWith(route.body, request.body, 'body')
              : request.body,
          principal,
          request,
          reply,
        };
        const result: unknown = await route.handler(input);
        // A handler that answers in a foreign wire format (PagerDuty's errors) sent it already.
        if (reply.sent) return reply;
        // A handler may choose another success status (a PUT that created: 201).
        if (reply.statusCode === 200) reply.status(route.status ?? 200);
        if (route.response === undefined && route.responseContentType === undefined)
          return reply.send();
        if (route.responseContentType !== undefined) reply.type(route.responseContentType);
        return reply.send(result);
      },
    });
  }
}

async function principalOf(
  route: RouteDefinition,
  request: FastifyRequest,
  deps: AppDependencies,
): Promise<Principal> {
  switch (route.auth) {
    case 'public':
      return { kind: 'system' };
    case 'token':
      return authenticateToken(deps, bearerOf(request));
    case 'ingest':
      return authenticateIngestKey(deps, bearerOf(request));
    case 'feed':
      return authenticateToken(deps, bearerOf(request) ?? queryToken(request));
  }
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function queryToken(request: FastifyRequest): string | undefined {
  const { token } = request.query as { token?: unknown };
  return typeof token === 'string' && token !== '' ? token : undefined;
}

function parseWith(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (schema === undefined) return undefined;
  const parsed = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  throw invalid(
    `the request ${where} is not valid`,
    parsed.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}
