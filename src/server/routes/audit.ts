// The audit log.
import { z } from 'zod';
import { listAudit } from '../../app/audit.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { auditEntrySchema, pageQuerySchema } from '../../schema/api.js';
import { defineRoute, type RouteDefinition } from '../route.js';
import { auditView } from './representations.js';

export function auditRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      summary: 'Every change: who, when, what, before and after; newest first',
      tags: ['audit'],
      auth: 'token',
      query: pageQuerySchema,
      response: z.array(auditEntrySchema),
      problems: [400, 401, 403],
      handler: async ({ principal, query }) =>
        (await listAudit(deps, principal, { before: query.before, limit: query.limit })).map(
          auditView,
        ),
    }),
  ];
}
