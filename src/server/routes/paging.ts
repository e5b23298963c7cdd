// Alerts in (Alertmanager webhooks, the PagerDuty Events API v2, a plain webhook), the
// integrations that send them, and the pages they become.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AlertIntake,
  changePage,
  changePageByLink,
  createIntegration,
  getPage,
  integrationForKey,
  listIntegrations,
  listPages,
  revokeIntegration,
  type IncomingBody,
  type Received,
} from '../../app/alert-intake.js';
import { INTEGRATION_KINDS, type AlertIntegrationRecord } from '../../app/ports/records.js';
import { heldNotices, pageWarnings, type HeldNotice, type PageWarning } from '../../app/paging.js';
import { runbooksFor } from '../../app/runbooks.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { invalid } from '../../app/errors.js';
import type { EscalationState } from '../../core/alerts/escalation.js';
import { escalationProgress } from '../../core/alerts/escalation-progress.js';
import type { Page } from '../../core/alerts/grouping.js';
import {
  alertmanagerWebhookSchema,
  pagerDutyAccepted,
  pagerDutyAcceptedSchema,
  pagerDutyEventSchema,
  pagerDutyInvalidEvent,
  pagerDutyInvalidEventSchema,
  pagerDutyServerErrorSchema,
  webhookAlertSchema,
  type PagerDutyInvalidEvent,
  type PagerDutyServerError,
} from '../../schema/alert-intake.js';
import { pageEscalationSchema, pageSchema } from '../../schema/pages-api.js';
import { isoOf, isoOrNull } from '../../store/codec.js';
import { problemOf } from '../problem.js';
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';

const integrationInputSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(INTEGRATION_KINDS),
  service: z.string().optional(),
});

const integrationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(INTEGRATION_KINDS),
  service: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

const receivedSchema = z.object({
  alerts: z.number().int(),
  pages: z.array(z.object({ id: z.string(), decision: z.string() })),
});

const keyParamsSchema = z.object({ key: z.string() });
const idParamsSchema = z.object({ id: z.string() });

export function pagingRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/integrations',
      summary:
        'Create an alert integration: a secret key (shown once) that Alertmanager, PagerDuty senders or webhooks page with',
      tags: ['alerts'],
      auth: 'token',
      body: integrationInputSchema,
      status: 201,
      response: z.object({
        integration: integrationSchema,
        key: z.string(),
        urls: z.record(z.string(), z.string()),
      }),
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, body, request }) => {
        const { integration, key } = await createIntegration(deps, principal, {
          name: body.name,
          kind: body.kind,
          ...(body.service === undefined ? {} : { service: body.service }),
        });
        const base = `${request.protocol}://${request.host}`;
        return {
          integration: integrationView(integration),
          key,
          urls: urlsOf(base, integration, key),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/integrations',
      summary: 'List alert integrations (never their keys)',
      tags: ['alerts'],
      auth: 'token',
      response: z.array(integrationSchema),
      problems: [401, 403],
      handler: async ({ principal }) =>
        (await listIntegrations(deps, principal)).map(integrationView),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/integrations/:id',
      summary: 'Revoke an alert integration: its key stops working at once',
      tags: ['alerts'],
      auth: 'token',
      params: idParamsSchema,
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await revokeIntegration(deps, principal, params.id);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/pages',
      summary:
        "Pages, newest first: open ones, or by status; those naming a service, or any of a team's services; or those where a heartbeat check's alert is open (heartbeat=)",
      tags: ['alerts'],
      auth: 'token',
      query: z.object({
        status: z.enum(['open', 'triggered', 'acknowledged', 'resolved']).optional(),
        service: z.string().min(1).optional(),
        team: z.string().min(1).optional(),
        heartbeat: z.string().min(1).optional().meta({
          description:
            "The open pages where this check's alert is not resolved yet (the check is down); service and team do not apply then",
        }),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: z.array(pageSchema),
      problems: [400, 401, 403, 404],
      handler: async ({ principal, query }) => {
        const pages = await listPages(deps, principal, query);
        return pageViews(deps, pages);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/pages/:id/notifications',
      summary: "A page's notifications with their delivery log (every attempt, its answer)",
      tags: ['alerts'],
      auth: 'token',
      params: idParamsSchema,
      response: z.array(z.unknown()),
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) => {
        await getPage(deps, principal, params.id);
        return (await deps.store.listNotifications(params.id)).map((notification) => ({
          key: notification.key,
          channel: notification.channel,
          // Webhook destinations hold how to find their secret, never the secret.
          destination:
            notification.channel === 'webhook'
              ? (JSON.parse(notification.destination) as { url: string }).url
              : notification.destination,
          status: notification.status,
          attempts: notification.attempts,
          createdAt: isoOf(notification.createdAt),
          sentAt: isoOrNull(notification.sentAt),
          nextAttemptAt:
            notification.status === 'pending' ? isoOf(notification.nextAttemptAt) : null,
          log: notification.log.map((attempt) => ({ ...attempt, at: isoOf(attempt.at) })),
        }));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/pages/:id',
      summary: 'One page with its alerts',
      tags: ['alerts'],
      auth: 'token',
      params: idParamsSchema,
      response: pageSchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        viewOf(deps, await getPage(deps, principal, params.id)),
    }),
    ...(['acknowledge', 'resolve'] as const).flatMap((action) => [
      defineRoute({
        method: 'GET',
        url: `/act/pages/:id/${action}`,
        summary: `The ${action} link of a notification: a page asking to confirm (mail scanners open links; only the button acts)`,
        tags: ['alerts'],
        auth: 'public',
        params: idParamsSchema,
        query: linkQuerySchema,
        response: z.string(),
        responseContentType: 'text/html; charset=utf-8',
        handler: ({ params, query }) =>
          Promise.resolve(confirmPage(params.id, action, query.user, query.sig)),
      }),
      defineRoute({
        method: 'POST',
        url: `/act/pages/:id/${action}`,
        summary: `${action} a page through a notification's signed link`,
        tags: ['alerts'],
        auth: 'public',
        params: idParamsSchema,
        query: linkQuerySchema,
        response: z.string(),
        responseContentType: 'text/html; charset=utf-8',
        problems: [403, 404],
        handler: async ({ params, query }) => {
          const page = await changePageByLink(deps, params.id, action, query.user, query.sig);
          return htmlPage(
            `Page ${page.status}`,
            `<p>${escapeHtml(page.summary)} is now <strong>${page.status}</strong>.</p>`,
          );
        },
      }),
    ]),
    ...(['acknowledge', 'resolve'] as const).map((action) =>
      defineRoute({
        method: 'POST',
        url: `/api/v1/pages/:id/${action}`,
        summary:
          action === 'acknowledge'
            ? 'Acknowledge a page: escalation stops'
            : 'Resolve a page and its alerts',
        tags: ['alerts'],
        auth: 'token',
        params: idParamsSchema,
        response: pageSchema,
        problems: WRITE_PROBLEMS,
        handler: async ({ principal, params }) =>
          viewOf(deps, await changePage(deps, principal, params.id, action)),
      }),
    ),
  ];
}

/**
 * The URLs alerts come in by, mounted apart from the other routes: they read every
 * body as JSON whatever its Content-Type says, and the PagerDuty URL answers its
 * errors in PagerDuty's shape (see build-server.ts).
 */
export interface AlertIntakeRoutes {
  /** Alertmanager's and the plain webhook's, the key in the path. */
  readonly keyInPath: RouteDefinition[];
  /** The PagerDuty Events API v2. */
  readonly pagerDuty: RouteDefinition[];
}

export const PAGERDUTY_ENQUEUE_URL = '/v2/enqueue';

export function alertIntakeRoutes(deps: AppDependencies): AlertIntakeRoutes {
  // One batcher for every intake URL: bodies arriving together share a commit.
  const intake = new AlertIntake(deps);
  return {
    keyInPath: [
      intakeRoute(
        deps,
        intake,
        'alertmanager',
        alertmanagerWebhookSchema,
        "Alertmanager's webhook (payload version 4): point a webhook_configs url here. 2xx once stored; 5xx asks for a retry",
      ),
      intakeRoute(
        deps,
        intake,
        'webhook',
        webhookAlertSchema,
        'A plain JSON alert from anything else',
      ),
    ],
    pagerDuty: [
      defineRoute({
        method: 'POST',
        url: PAGERDUTY_ENQUEUE_URL,
        summary:
          "The PagerDuty Events API v2: anything that pages PagerDuty pages Headroom with this URL and an integration key as routing_key (Alertmanager's pagerduty_configs: url)",
        tags: ['alerts'],
        auth: 'public',
        body: pagerDutyEventSchema,
        bodyValidation: 'handler',
        status: 202,
        response: pagerDutyAcceptedSchema,
        errorAnswers: [
          {
            status: 400,
            schema: pagerDutyInvalidEventSchema,
            description:
              'PagerDuty\'s "invalid event", one line per problem in `errors`; not retried',
          },
          {
            status: 500,
            schema: pagerDutyServerErrorSchema,
            description: "PagerDuty's shape; retry",
          },
          {
            status: 503,
            schema: pagerDutyServerErrorSchema,
            description: "PagerDuty's shape; retry",
          },
        ],
        handler: async ({ body, reply }) => {
          const parsed = pagerDutyEventSchema.safeParse(body);
          if (!parsed.success) {
            // PagerDuty's own answer, so that senders log what they understand.
            return reply.status(400).send(pagerDutyInvalidEvent(parsed.error)) as never;
          }
          const routingKey = parsed.data.routing_key;
          let integration: AlertIntegrationRecord;
          try {
            integration = await integrationForKey(deps, routingKey, 'pagerduty');
          } catch {
            return reply
              .status(400)
              .send(
                pagerDutyInvalidEventOf(['routing_key: unknown or revoked integration key']),
              ) as never;
          }
          const received = await intake.receive(integration, {
            kind: 'pagerduty',
            body: parsed.data,
          });
          return pagerDutyAccepted(received.dedupKeys[0] ?? '');
        },
      }),
    ],
  };
}

/**
 * Every error of the PagerDuty URL in PagerDuty's shape, with the status a problem
 * would have had: PagerDuty's clients log `errors`, and Alertmanager reads only the
 * status (a 4xx is not retried, a 5xx is).
 */
export function pagerDutyErrorHandler(bodyLimitBytes: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const limit = request.routeOptions.bodyLimit as number | undefined;
    const problem = problemOf(error, request.url, limit ?? bodyLimitBytes);
    if (problem.status >= 500) {
      request.log.error({ err: error }, 'request failed');
      const answer: PagerDutyServerError = { status: 'error', message: problem.detail };
      return reply.status(problem.status).send(answer);
    }
    const fields = (problem.errors ?? []).map((field) => `${field.path}: ${field.message}`);
    return reply.status(problem.status).send(pagerDutyInvalidEventOf([problem.detail, ...fields]));
  };
}

function pagerDutyInvalidEventOf(errors: readonly string[]): PagerDutyInvalidEvent {
  return { status: 'invalid event', message: 'Event object is invalid', errors: [...errors] };
}

/** An intake URL with the key in its path, for senders that cannot send headers. */
function intakeRoute<K extends 'alertmanager' | 'webhook'>(
  deps: AppDependencies,
  intake: AlertIntake,
  kind: K,
  schema: K extends 'alertmanager' ? typeof alertmanagerWebhookSchema : typeof webhookAlertSchema,
  summary: string,
): RouteDefinition {
  return defineRoute({
    method: 'POST',
    url: `/api/v1/intake/${kind}/:key`,
    summary,
    tags: ['alerts'],
    auth: 'public',
    params: keyParamsSchema,
    body: schema,
    bodyValidation: 'handler',
    response: receivedSchema,
    problems: [400, 401, 403, 500, 503],
    handler: async ({ params, body }) => {
      const integration = await integrationForKey(deps, params.key, kind);
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw invalidBody(parsed.error);
      return receivedView(
        await intake.receive(integration, { kind, body: parsed.data } as IncomingBody),
      );
    },
  });
}

const linkQuerySchema = z.object({
  user: z.string().min(1),
  sig: z.string().regex(/^[0-9a-f]{64}$/),
});

function confirmPage(id: string, action: string, user: string, sig: string): string {
  const target = `/act/pages/${encodeURIComponent(id)}/${action}?user=${encodeURIComponent(user)}&sig=${sig}`;
  return htmlPage(
    `${action} page ${id}`,
    `<form method="post" action="${escapeHtml(target)}"><p>${escapeHtml(user)}: ${action} page ${escapeHtml(id)}?</p><button type="submit">${action === 'acknowledge' ? 'Acknowledge' : 'Resolve'}</button></form>`,
  );
}

function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} · Headroom</title></head><body>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${String(char.charCodeAt(0))};`);
}

function invalidBody(error: z.ZodError) {
  return invalid(
    'the alert body is not valid',
    error.issues.map((issue) => ({
      path: ['body', ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

function receivedView(received: Received) {
  const pages = new Map<string, string>();
  for (const result of received.results) {
    // A page opened by this body says so, whatever its later alerts did to it.
    if (result.page !== undefined && pages.get(result.page.id) !== 'opened') {
      pages.set(result.page.id, result.decision);
    }
  }
  return {
    alerts: received.dedupKeys.length,
    pages: [...pages].map(([id, decision]) => ({ id, decision })),
  };
}

function integrationView(integration: AlertIntegrationRecord) {
  return {
    id: integration.id,
    name: integration.name,
    kind: integration.kind,
    service: integration.service,
    createdAt: isoOf(integration.createdAt),
    revokedAt: isoOrNull(integration.revokedAt),
  };
}

function urlsOf(
  base: string,
  integration: AlertIntegrationRecord,
  key: string,
): Record<string, string> {
  switch (integration.kind) {
    case 'alertmanager':
      return { webhook_configs: `${base}/api/v1/intake/alertmanager/${key}` };
    case 'webhook':
      return { webhook: `${base}/api/v1/intake/webhook/${key}` };
    case 'pagerduty':
      return { pagerduty_url: `${base}/v2/enqueue`, routing_key: key };
  }
}

async function viewOf(deps: AppDependencies, page: Page) {
  const [view] = await pageViews(deps, [page]);
  if (view === undefined) throw new Error(`page ${page.id} has no view`);
  return view;
}

/** Pages as the API shows them: the same few reads for one page or a hundred. */
async function pageViews(deps: AppDependencies, pages: readonly Page[]) {
  const ids = pages.map((page) => page.id);
  const [warnings, escalations, held] = await Promise.all([
    pageWarnings(deps.store, ids),
    deps.store.listEscalations(ids),
    heldNotices(deps.store, ids, deps.clock.now()),
  ]);
  const escalationOf = new Map(
    escalations.map((stored) => [stored.pageId, stored.state as EscalationState]),
  );
  return pages.map((page) => {
    const escalation = escalationOf.get(page.id);
    return pageView(
      deps,
      page,
      warnings.get(page.id) ?? [],
      escalation === undefined ? null : escalationView(escalation, held.get(page.id) ?? []),
    );
  });
}

/**
 * A page as the API shows it, with where its escalation stands, the runbooks for its
 * services and alerts, and whom it could not reach (`warnings`: no policy, nobody on
 * call, escalation exhausted).
 */
function pageView(
  deps: AppDependencies,
  page: Page,
  warnings: readonly PageWarning[],
  escalation: z.input<typeof pageEscalationSchema> | null,
): z.input<typeof pageSchema> {
  const alertNames = page.alerts.flatMap(
    (alert) => alert.labels.alertname ?? alert.labels.slo ?? [],
  );
  return {
    id: page.id,
    status: page.status,
    summary: page.summary,
    severity: page.severity,
    services: [...page.services],
    openedAt: isoOf(page.openedAt),
    acknowledgedAt: isoOrNull(page.acknowledgedAt ?? null),
    acknowledgedBy: page.acknowledgedBy ?? null,
    resolvedAt: isoOrNull(page.resolvedAt ?? null),
    updatedAt: isoOf(page.updatedAt),
    alerts: page.alerts.map((alert) => ({
      id: alert.id,
      source: alert.source,
      dedupKey: alert.dedupKey,
      status: alert.status,
      summary: alert.summary,
      severity: alert.severity,
      service: alert.service ?? null,
      labels: alert.labels,
      annotations: alert.annotations,
      runbookUrl: alert.runbookUrl ?? null,
      links: [...alert.links],
      triggerCount: alert.triggerCount,
      startsAt: isoOf(alert.startsAt),
      firstSeenAt: isoOf(alert.firstSeenAt),
      lastSeenAt: isoOf(alert.lastSeenAt),
      resolvedAt: isoOrNull(alert.resolvedAt ?? null),
    })),
    escalation,
    warnings: warnings.map((warning) => ({ at: isoOf(warning.at), reason: warning.reason })),
    runbooks: runbooksFor(deps, { services: page.services, alerts: alertNames }).map((runbook) => ({
      name: runbook.name,
      title: runbook.title,
      markdown: runbook.markdown,
    })),
  };
}

function escalationView(
  state: EscalationState,
  held: readonly HeldNotice[],
): z.input<typeof pageEscalationSchema> {
  const progress = escalationProgress(state);
  return {
    ...progress,
    notified: progress.notified ?? null,
    next: progress.next === undefined ? null : { ...progress.next, at: isoOf(progress.next.at) },
    exhaustsAt: isoOrNull(progress.exhaustsAt ?? null),
    exhaustedAt: isoOrNull(progress.exhaustedAt ?? null),
    paged: [...progress.paged],
    held: held.map((notice) => ({ person: notice.person, until: isoOf(notice.until) })),
  };
}
