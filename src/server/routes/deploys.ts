// The deploy gate: checks and their stored decisions, deploys and what they did to
// the budget, change failure, approvals, and the policies themselves.
import { z } from 'zod';
import { createApproval, listApprovals, revokeApproval } from '../../app/approvals.js';
import type { DecisionLog } from '../../app/decision-log.js';
import { checkDeploy, getDecision, listDecisions } from '../../app/deploy-gate.js';
import { changeFailure, getDeploy, listDeploys, recordDeploy } from '../../app/deploys.js';
import { notFound } from '../../app/errors.js';
import { IDEMPOTENCY_KEY_HEADER } from '../../app/idempotency-key.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { requireReader } from '../../app/principal.js';
import { nameParamsSchema } from '../../schema/api.js';
import {
  approvalResourceSchema,
  approvalsQuerySchema,
  changeFailureQuerySchema,
  changeFailureSchema,
  decisionsQuerySchema,
  deployInputSchema,
  deploySchema,
  deploysQuerySchema,
  gateAnswerSchema,
  policyResourceSchema,
} from '../../schema/deploys.js';
import {
  approvalRequestSchema,
  gateRequestSchema,
  type ErrorBudgetPolicyDocumentInput,
} from '../../schema/policy.js';
import type { ConfigResourceRecord, DeployDecisionRecord } from '../../app/ports/records.js';
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';
import { approvalView, configResourceView, decisionView, deployView } from './representations.js';

const POLICY_KIND = 'ErrorBudgetPolicy';

/** Stored policies are canonical documents: apply wrote them through the schema. */
const policyView = (record: ConfigResourceRecord) =>
  configResourceView(record) as ErrorBudgetPolicyDocumentInput & {
    status: { createdAt: string; updatedAt: string };
  };

export function deployRoutes(
  deps: AppDependencies,
  log: DecisionLog,
  /** Hears each decision answered, once it is kept (for /metrics). */
  answered: (decision: DeployDecisionRecord) => void = () => undefined,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/deploys/check',
      summary:
        'The deploy gate: may this deploy go out now? Every reason, what would lift it; the decision is kept',
      tags: ['deploys'],
      auth: 'token',
      body: gateRequestSchema,
      response: gateAnswerSchema,
      problems: [400, 401, 403, 404],
      handler: async ({ principal, body }) => {
        const decision = await checkDeploy(deps, log, principal, body);
        answered(decision);
        return decisionView(decision);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/deploys/decisions',
      summary: 'Gate decisions, newest first: who asked, the answer and why',
      tags: ['deploys'],
      auth: 'token',
      query: decisionsQuerySchema,
      response: z.array(gateAnswerSchema),
      problems: [400, 401, 403, 404],
      handler: async ({ principal, query }) =>
        (await listDecisions(deps, principal, query)).map(decisionView),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/deploys/decisions/:id',
      summary: 'One gate decision',
      tags: ['deploys'],
      auth: 'token',
      params: z.object({ id: z.string() }),
      response: gateAnswerSchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        decisionView(await getDecision(deps, principal, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/deploys',
      summary:
        "Record a deploy (started, finished, failed, rolled back) of a service (editors of the service's team)",
      tags: ['deploys'],
      auth: 'token',
      body: deployInputSchema,
      headers: [
        {
          name: IDEMPOTENCY_KEY_HEADER,
          description:
            'Names the deploy, per service: sent again, the request is answered with the deploy already recorded (and Idempotent-Replayed: true) instead of recording it twice; a key of a different deploy is a 409',
        },
      ],
      responseHeaders: [
        {
          name: 'Idempotent-Replayed',
          description: '`true` when the deploy was recorded by an earlier request with this key',
        },
      ],
      status: 201,
      response: deploySchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, body, request, reply }) => {
        const key = request.headers['idempotency-key'];
        const recorded = await recordDeploy(
          deps,
          principal,
          body,
          Array.isArray(key) ? key[0] : key,
        );
        if (recorded.replayed) void reply.header('idempotent-replayed', 'true');
        return deployView(recorded);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/deploys',
      summary:
        'Recorded deploys, newest first, each with the budget spent in the hour before and the hour after',
      tags: ['deploys'],
      auth: 'token',
      query: deploysQuerySchema,
      response: z.array(deploySchema),
      problems: [400, 401, 403, 404],
      handler: async ({ principal, query }) =>
        (
          await listDeploys(deps, principal, {
            service: query.service,
            status: query.status,
            fromMs: query.from,
            toMs: query.to,
            before: query.before,
            limit: query.limit,
          })
        ).map(deployView),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/deploys/:id',
      summary: 'One recorded deploy, with the budget spent in the hour before and the hour after',
      tags: ['deploys'],
      auth: 'token',
      params: z.object({ id: z.string() }),
      response: deploySchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        deployView(await getDeploy(deps, principal, params.id)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/services/:name/change-failure',
      summary:
        'Change failure (DORA): of the finished deploys, the share rolled back (a rolled_back record) or the latest deploy before a page-level burn alert or an incident within `within`; failed deploys never went out and are counted apart (failedToDeploy)',
      tags: ['deploys'],
      auth: 'token',
      params: nameParamsSchema,
      query: changeFailureQuerySchema,
      response: changeFailureSchema,
      problems: [400, ...READ_PROBLEMS],
      handler: ({ principal, params, query }) =>
        changeFailure(deps, principal, params.name, {
          fromMs: query.from,
          toMs: query.to,
          withinMinutes: query.within,
        }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/approvals',
      summary:
        "Approve an exception to a service's policies, as the token's user (a holder of an approver role)",
      tags: ['approvals'],
      auth: 'token',
      body: approvalRequestSchema,
      status: 201,
      response: approvalResourceSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, body }) =>
        approvalView(await createApproval(deps, principal, body), deps.clock.now()),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/approvals',
      summary: 'Approvals in force (state=all: also expired and revoked ones), newest first',
      tags: ['approvals'],
      auth: 'token',
      query: approvalsQuerySchema,
      response: z.array(approvalResourceSchema),
      problems: [400, 401, 403, 404],
      handler: async ({ principal, query }) => {
        const now = deps.clock.now();
        return (await listApprovals(deps, principal, query)).map((approval) =>
          approvalView(approval, now),
        );
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/approvals/:id',
      summary: "Revoke an approval (its approver, an admin, or an editor of the service's team)",
      tags: ['approvals'],
      auth: 'token',
      params: z.object({ id: z.string() }),
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await revokeApproval(deps, principal, params.id);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/policies',
      summary:
        'Error-budget policies as headroom/v1 documents (service=: those that apply to that service)',
      tags: ['policies'],
      auth: 'token',
      query: z.object({ service: z.string().optional() }),
      response: z.array(policyResourceSchema),
      problems: [400, ...READ_PROBLEMS],
      handler: async ({ principal, query }) => {
        requireReader(principal);
        const stored = await deps.store.listConfigResources(POLICY_KIND);
        if (query.service === undefined) return stored.map(policyView);
        await deps.catalog.refresh({ maxAgeMs: 250 });
        const service = deps.catalog.service(query.service);
        if (service === undefined) throw notFound(`service "${query.service}"`);
        const applying = new Set(
          deps.catalog
            .policies()
            .index.forService(service)
            .map((policy) => policy.name),
        );
        return stored.filter((record) => applying.has(record.name)).map(policyView);
      },
    }),
  ];
}
