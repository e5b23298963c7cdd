// The HTTP server: Fastify with problem+json errors, metrics, the API routes and the
// OpenAPI document generated from the same route definitions.
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DecisionLog } from '../app/decision-log.js';
import { readsElsewhere, type AppDependencies } from '../app/ports/slo-catalog.js';
import { evaluateSlo } from '../core/slo/evaluate.js';
import type { SloStatus } from '../core/slo/status.js';
import { isMigrated } from '../store/migrate.js';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import { createMetrics, registerMetricsHooks } from './metrics.js';
import { mountRoutes } from './mount.js';
import { buildOpenApiDocument } from './openapi.js';
import { describeBytes, problemFor, registerProblemHandling, sendProblem } from './problem.js';
import { defineRoute, type RouteDefinition } from './route.js';
import { auditRoutes } from './routes/audit.js';
import { deployRoutes } from './routes/deploys.js';
import { incidentRoutes } from './routes/incidents.js';
import { reportRoutes } from './routes/reports.js';
import { heartbeatRoutes, pingRoutes } from './routes/heartbeats.js';
import { HeartbeatPings, PING_BODY_LIMIT_BYTES } from '../app/heartbeats.js';
import { directoryRoutes } from './routes/directory.js';
import { eventRoutes, NDJSON_TYPES } from './routes/events.js';
import { overviewRoutes } from './routes/overview.js';
import { resourceRoutes } from './routes/resources.js';
import { pagingRoutes } from './routes/paging.js';
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

/** Larger ping bodies are refused (413); the first 10,000 bytes of each are kept. */
const PING_BODY_ACCEPTED_BYTES = 1024 * 1024;

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
          ? { level: 'info' }
          : {
              level: options.logger.level,
              ...(options.logger.stream === undefined ? {} : { stream: options.logger.stream }),
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
    ...deployRoutes(deps, decisions),
    ...scheduleRoutes(deps),
    ...pagingRoutes(deps),
    ...incidentRoutes(deps),
    ...reportRoutes(deps),
    ...heartbeatRoutes(deps, options.publicUrl),
    ...auditRoutes(deps),
  ];
  const ingestRoutes = eventRoutes(deps);
  const pings = new HeartbeatPings(deps);
  app.addHook('onClose', () => pings.flush());
  const pingEndpoints = pingRoutes(pings);
  const openApi = buildOpenApiDocument(
    [...systemRoutes(), ...apiRoutes, ...ingestRoutes, ...pingEndpoints],
    {
      title: 'Headroom API',
      version: options.version,
    },
  );

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
  // Pings come from curl, wget and shell scripts with any content type (or none): the
  // body is bytes, kept as the run's log.
  await app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: PING_BODY_ACCEPTED_BYTES },
      (_request, body, done) => {
        done(null, body);
      },
    );
    // Ping endpoints answer plain text, like healthchecks, also when the body is too big.
    scope.setErrorHandler((error, _request, reply) => {
      if ((error as { code?: unknown }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
      return reply
        .status(413)
        .type('text/plain; charset=utf-8')
        .send(
          `the body is larger than ${describeBytes(PING_BODY_ACCEPTED_BYTES)}; a ping keeps only the first ${PING_BODY_LIMIT_BYTES.toLocaleString('en')} bytes as the run log, so send the end of the output (e.g. tail -c ${String(PING_BODY_LIMIT_BYTES)})`,
        );
    });
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
        : 'the database is not reachable';
      return sendProblem(reply, problemFor('UNAVAILABLE', detail, request.url));
    }
    return { status: 'ready' };
  });
  app.get('/metrics', async (_request, reply) => {
    await deps.catalog.refresh({ maxAgeMs: 1000 });
    return reply.type(metrics.contentType).send(await metrics.render());
  });
  app.get('/api/v1/openapi.json', () => Promise.resolve(openApi));
  await registerWebUi(app, options.webRoot ?? defaultWebRoot());
  return app;
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
