// Event ingest: NDJSON or a JSON array, with a service's ingest key.
import { z } from 'zod';
import { IDEMPOTENCY_KEY_HEADER } from '../../app/idempotency-key.js';
import { ingestEvents } from '../../app/ingest-events.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { ingestResponseSchema } from '../../schema/api.js';
import { defineRoute, type RouteDefinition } from '../route.js';

export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

export function eventRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/events',
      summary:
        'Send per-minute counts: {"ts","slo","good"|"bad","total"} per line. Answers after commit; all lines are stored or none.',
      tags: ['events'],
      auth: 'ingest',
      rawBody: {
        contentTypes: [...NDJSON_TYPES, 'application/json'],
        description: 'NDJSON lines, or a JSON array of the same objects',
      },
      headers: [
        {
          name: IDEMPOTENCY_KEY_HEADER,
          description: 'Makes a retried batch count once; reusing a key for other events is a 409',
        },
      ],
      response: ingestResponseSchema,
      problems: [400, 401, 403, 409, 413, 415],
      handler: async ({ principal, request }) => {
        const contentType = (request.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim()
          .toLowerCase();
        const key = request.headers['idempotency-key'];
        return ingestEvents(deps, principal, {
          body: z.instanceof(Buffer).parse(request.body),
          format: contentType === 'application/json' ? 'json-array' : 'ndjson',
          idempotencyKey: Array.isArray(key) ? key[0] : key,
        });
      },
    }),
  ];
}
