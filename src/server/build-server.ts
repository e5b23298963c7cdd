// The HTTP server: Fastify with problem+json errors, metrics, the API routes and the
// OpenAPI document generated from the same route definitions.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DecisionLog } from '../app/decision-log.js';
import { invalid } from '../app/errors.js';
import { readsElsewhere, type AppDependencies } from '../app/ports/slo-catalog.js';
import { evaluateSlo } from '../core/slo/evaluate.js';
import type { SloStatus } from '../core/slo/status.js';
import { isMigrated } from '../store/migrate.js';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import { createMetrics, registerMetricsHooks } from './metrics.js';
import { mountRoutes } from './mount.js';
import { buildOpenApiDocument } from './openapi.js';
import { problemFor, registerProblemHandling, sendProblem } from './problem.js';
import { defineRoute, type RouteDefinition } from './route.js';
import { auditRoutes } from './routes/audit.js';
import { deployRoutes } from './routes/deploys.js';
import { incidentRoutes } from './routes/incidents.js';
import { reportRoutes } from './routes/reports.js';
import { heartbeatRoutes, pingRoutes, preparePingScope } from './routes/heartbeats.js';
import { heartbeatViews, HeartbeatPings } from '../app/heartbeats.js';
import { directoryRoutes } from './routes/directory.js';
import { eventRoutes, NDJSON_TYPES } from './routes/events.js';
import { overviewRoutes } from './routes/overview.js';
import { resourceRoutes } from './routes/resources.js';
import { alertIntakeRoutes, pagerDutyErrorHandler, pagingRoutes } from './routes/paging.js';
import { scheduleRoutes } from './routes/schedules.js';
import { defaultWebRoot, registerWebUi } from './web-ui.js';

export interface ServerOptions {
  readonly deps: AppDependencies;
  readonly db: Kysely<DatabaseSchema>;
  readonly version: string;
  /** Largest request body; larger event batches get a 413 naming it. */
  readonly bodyLimitBytes: number;
  readonly logger: boolean | LoggerOptions;
  /** Where people and jobs reach the server (HEADROOM_PUBLIC_URL); absent: the request's host. */
  readonly publicUrl?: string | undefined;
  /** Set when the server stops: answers then close their connection, so that it can stop. */
  readonly lifecycle?: { closing: boolean };
  /** The built web UI (default: this package's dist/web); absent, `/` says how to build it. */
  readonly webRoot?: string;
}

export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
/** SLOs a /metrics scrape evaluates before it lets other work run. */
const METRICS_SLICE = 50;

/** pino's level; `stream` (where the lines go: stdout by default) lets a test read them. */
export interface LoggerOptions {
  readonly level: string;
  readonly stream?: { write(line: string): void };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { deps } = options;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : options.logger === true
          ? { level: 'info', serializers: { req: requestForLog } }
          : {
              level: options.logger.level,
              ...(options.logger.stream === undefined ? {} : { stream: options.logger.stream }),
              serializers: { req: requestForLog },
            },
    bodyLimit: options.bodyLimitBytes,
    // Clients send JSON; a 64 KiB header or a slow body is not a client of ours.
    requestTimeout: 60_000,
    // On close: idle keep-alive connections are closed at once, busy ones finish first.
    forceCloseConnections: 'idle',
  });
  registerProblemHandling(app, options.bodyLimitBytes);
  const { lifecycle } = options;
  if (lifecycle !== undefined) {
    // A request in flight when the server stops keeps its connection busy past the
    // moment idle ones are closed; closing it after the answer lets the stop finish.
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (lifecycle.closing) void reply.header('connection', 'close');
      done(null, payload);
    });
  }
  const metrics = createMetrics({
    sloGauges: async () => {
      const at = deps.clock.now();
      const statuses: SloStatus[] = [];
      for (const [index, entry] of deps.catalog.all().entries()) {
        // A thousand SLOs take a hundred milliseconds and more: evaluated in slices, a
        // scrape does not hold up the gate checks and pings that arrive meanwhile.
        if (index > 0 && index % METRICS_SLICE === 0) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        // SLIs read from Prometheus show their last read: a scrape must not query it.
        const status = readsElsewhere(entry)
          ? deps.sliReader.cached(entry)
          : evaluateSlo(entry.slo, entry.series, at);
        if (status !== undefined) statuses.push(status);
      }
      return statuses;
    },
    heartbeatGauges: async () =>
      (await heartbeatViews(deps)).map((view) => ({
        name: view.resource.name,
        service: view.resource.service,
        status: view.state.status,
        running: view.runningSince !== null,
        lastPingAt: view.state.lastPingAt,
      })),
  });
  registerMetricsHooks(app, metrics);

  // The confirm buttons of notification links post plain HTML forms.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  // Event bodies are read as bytes: the event parser works on them directly.
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  const decisions = new DecisionLog(deps.store, (error, pending) => {
    app.log.error({ err: error, pending }, 'writing gate decisions failed; their checks failed');
  });
  // A stop writes the decisions still queued before the database closes.
  app.addHook('onClose', () => decisions.flush());
  const apiRoutes = [
    ...directoryRoutes(deps),
    ...resourceRoutes(deps),
    ...overviewRoutes(deps),
    ...deployRoutes(deps, decisions, (decision) => {
      metrics.countGateDecision(decision.service, decision.allowed);
    }),
    ...scheduleRoutes(deps),
    ...pagingRoutes(deps),
    ...incidentRoutes(deps),
    ...reportRoutes(deps),
    ...heartbeatRoutes(deps, options.publicUrl),
    ...auditRoutes(deps),
  ];
  const ingestRoutes = eventRoutes(deps);
  const intakeRoutes = alertIntakeRoutes(deps);
  const pings = new HeartbeatPings(deps);
  app.addHook('onClose', () => pings.flush());
  const pingEndpoints = pingRoutes(pings);
  // Built when first asked for: it took a tenth of a second of every start, for a
  // document most servers are never asked for.
  let openApi: ReturnType<typeof buildOpenApiDocument> | undefined;
  const openApiDocument = () =>
    (openApi ??= buildOpenApiDocument(
      [
        ...systemRoutes(),
        ...apiRoutes,
        ...intakeRoutes.keyInPath,
        ...intakeRoutes.pagerDuty,
        ...ingestRoutes,
        ...pingEndpoints,
      ],
      {
        title: 'Headroom API',
        version: options.version,
      },
    ));

  mountRoutes(app, apiRoutes, deps);
  // JSON event arrays are bytes too; only inside this scope, so other routes parse JSON.
  await app.register((scope, _options, done) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer' },
      (_request, body, done) => {
        done(null, body);
      },
    );
    mountRoutes(scope, ingestRoutes, deps);
    done();
  });
  // Alerts: read as JSON whatever the Content-Type (see readEveryBodyAsJson).
  await app.register((scope, _options, done) => {
    readEveryBodyAsJson(scope);
    mountRoutes(scope, intakeRoutes.keyInPath, deps);
    done();
  });
  await app.register((scope, _options, done) => {
    readEveryBodyAsJson(scope);
    // PagerDuty's clients understand PagerDuty's answers, errors included.
    scope.setErrorHandler(pagerDutyErrorHandler(options.bodyLimitBytes));
    mountRoutes(scope, intakeRoutes.pagerDuty, deps);
    done();
  });
  // Pings take bodies of any type and size, and answer browsers too: routes/heartbeats.ts.
  await app.register((scope, _options, done) => {
    preparePingScope(scope);
    mountRoutes(scope, pingEndpoints, deps);
    done();
  });

  app.get('/healthz', () => Promise.resolve({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    const reachable = await deps.store.ping();
    const migrated = reachable && (await isMigrated(options.db).catch(() => false));
    if (!reachable || !migrated) {
      const detail = reachable
        ? 'the database migrations have not run'
        : 'the database is not reachable, or takes no writes any more (the log says why)';
      return sendProblem(reply, problemFor('UNAVAILABLE', detail, request.url));
    }
    return { status: 'ready' };
  });
  app.get('/metrics', async (_request, reply) => {
    await deps.catalog.refresh({ maxAgeMs: 1000 });
    return reply.type(metrics.contentType).send(await metrics.render());
  });
  app.get('/api/v1/openapi.json', () => Promise.resolve(openApiDocument()));
  await registerWebUi(app, options.webRoot ?? defaultWebRoot());
  return app;
}

/**
 * A request as its log line shows it: Fastify's own fields, with the credentials that
 * some callers can only put in a URL replaced. Whoever reads the logs must not be able
 * to page people with an integration's key, read a calendar feed with its token, or
 * acknowledge a page as someone with a signed link.
 */
function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: urlForLog(request.url),
    host: request.host,
    remoteAddress: request.ip,
    ...(request.socket.remotePort === undefined ? {} : { remotePort: request.socket.remotePort }),
  };
}

/** The key in an intake URL: Alertmanager and webhook senders cannot send headers. */
const INTAKE_KEY_IN_PATH = /^(\/api\/v1\/intake\/[^/?#]+\/)[^/?#]+/;
/** A calendar feed's `?token=` (calendar apps cannot send headers), a signed link's `?sig=`. */
const SECRET_IN_QUERY = /([?&](?:token|sig)=)[^&#]*/gi;

function urlForLog(url: string): string {
  return url.replace(INTAKE_KEY_IN_PATH, '$1[redacted]').replace(SECRET_IN_QUERY, '$1[redacted]');
}

/**
 * Alert senders always send JSON but do not always say so: curl -d sends
 * application/x-www-form-urlencoded, scripts send text/plain. Read as a form, such a
 * body fails validation field by field, naming fields the sender did send; read as JSON
 * whatever its type, it works, and a body that is not JSON is told just that.
 */
function readEveryBodyAsJson(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    void parseJson(request, text, (error: Error | null, value?: unknown) => {
      if (error === null) done(null, value);
      else done(notJson(request.headers['content-type'], text));
    });
  });
}

function notJson(contentType: string | undefined, body: string): Error {
  if (body.trim() === '') return invalid('the body is empty; send the alert as JSON');
  if (contentType === undefined || /[/+]json\b/i.test(contentType)) {
    return invalid('the body is not valid JSON');
  }
  // 415 with our detail: the problem handler keeps a client error's status and message.
  return Object.assign(
    new Error(
      `the body must be JSON; this one is ${contentType} and not JSON (with curl: -H 'Content-Type: application/json')`,
    ),
    { statusCode: 415 },
  );
}

/** The routes Fastify serves directly, described for the OpenAPI document. */
function systemRoutes(): RouteDefinition[] {
  const describe = (
    url: string,
    summary: string,
    response: z.ZodType | undefined,
    contentType?: string,
  ) =>
    defineRoute({
      method: 'GET',
      url,
      summary,
      tags: ['system'],
      auth: 'public',
      response,
      ...(contentType === undefined ? {} : { responseContentType: contentType }),
      problems: url === '/readyz' ? [503] : [],
      handler: () => Promise.resolve(undefined),
    });
  return [
    describe('/healthz', 'The process is alive', z.object({ status: z.literal('ok') })),
    describe(
      '/readyz',
      'The database is reachable and migrated',
      z.object({ status: z.literal('ready') }),
    ),
    describe('/metrics', 'Prometheus metrics', undefined, 'text/plain'),
    describe('/api/v1/openapi.json', 'This document', z.record(z.string(), z.unknown())),
  ];
}
