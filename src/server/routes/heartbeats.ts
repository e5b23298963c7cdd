// Heartbeats: the healthchecks-style ping URLs cron jobs call, and the API to read
// checks, pause and resume them, rotate a check's ping URL, and make teams' ping keys.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  changeHeartbeat,
  createPingKey,
  listPingKeys,
  revokePingKey,
  rotateHeartbeatToken,
  getHeartbeat,
  listHeartbeats,
  PING_BODY_LIMIT_BYTES,
  runIdOf,
  signalOf,
  transitionText,
  type HeartbeatPings,
  type HeartbeatView,
  type PingInput,
} from '../../app/heartbeats.js';
import { AppError } from '../../app/errors.js';
import type { HeartbeatPingRecord } from '../../app/ports/records.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { nameParamsSchema } from '../../schema/api.js';
import {
  heartbeatDetailSchema,
  heartbeatSchema,
  heartbeatsQuerySchema,
  pingKeyListedSchema,
  pingKeySchema,
} from '../../schema/heartbeats-api.js';
import { maxRunMsOf } from '../../core/heartbeats/compile.js';
import { formatDuration } from '../../core/time/duration.js';
import type { HeartbeatResource } from '../../core/slo/model.js';
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';

const TAGS = ['heartbeats'];
/** A check's token is a UUID; anything else in the first segment is a team's ping key. */
const TOKEN_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PING_HELP =
  'GET, POST or HEAD. The last segment: none (success), start, fail, log, or an exit status 0-255. ' +
  '`?rid=` pairs a start with its end. A POST body (its first 10,000 bytes) is kept as the run log. ' +
  'Answers 200 "OK", 400 with the reason for a malformed signal or rid, or 404 "not found" for an unknown check';

export function pingRoutes(pings: HeartbeatPings): RouteDefinition[] {
  const handler = async ({
    request,
    reply,
  }: {
    request: FastifyRequest;
    reply: import('fastify').FastifyReply;
  }) => {
    const read = pingInput(request);
    if (!read.ok) {
      reply.status(400);
      return read.problem;
    }
    const outcome = await pings.receive(read.input);
    reply.status(outcome === 'ok' ? 200 : 404);
    return outcome === 'ok' ? 'OK' : 'not found';
  };
  const urls = [
    ['/ping/:check', 'Ping a check by its token: the run succeeded'],
    [
      '/ping/:check/:signal',
      "Ping a check by its token with a signal, or by a team's ping key and the check's name",
    ],
    ['/ping/:key/:check/:signal', "Ping a check by a team's ping key and its name, with a signal"],
  ] as const;
  return urls.flatMap(([url, summary]) =>
    (['GET', 'POST'] as const).map((method) =>
      defineRoute({
        method,
        url,
        summary: `${summary}. ${PING_HELP}`,
        tags: TAGS,
        auth: 'public',
        requestLog: 'debug',
        ...(method === 'POST'
          ? {
              rawBody: {
                contentTypes: ['*/*'],
                description: 'the run log (first 10,000 bytes kept)',
              },
            }
          : {}),
        response: z.string(),
        responseContentType: 'text/plain',
        problems: [],
        handler,
      }),
    ),
  );
}

export function heartbeatRoutes(
  deps: AppDependencies,
  publicUrl: string | undefined,
): RouteDefinition[] {
  const baseUrl = (request: FastifyRequest) =>
    publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/heartbeats',
      summary: 'Heartbeat checks with their state and ping URLs',
      tags: TAGS,
      auth: 'token',
      query: heartbeatsQuerySchema,
      response: z.array(heartbeatSchema),
      problems: [400, 401, 403],
      handler: async ({ principal, query, request }) =>
        (await listHeartbeats(deps, principal, query)).map((view) =>
          heartbeatView(view, baseUrl(request)),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/heartbeats/:name',
      summary: 'One heartbeat check, with its last 100 pings',
      tags: TAGS,
      auth: 'token',
      params: nameParamsSchema,
      response: heartbeatDetailSchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params, request }) => {
        const { view, pings } = await getHeartbeat(deps, principal, params.name);
        const slos = deps.catalog
          .slosOf(view.resource.service)
          .filter(({ slo }) => {
            const { source } = slo.sli;
            return source.type === 'heartbeat' && source.heartbeat === view.resource.name;
          })
          .map(({ slo }) => slo.name);
        return {
          ...heartbeatView(view, baseUrl(request)),
          slos,
          pings: pings.map((ping) => pingView(ping, view.resource)),
        };
      },
    }),
    ...(['pause', 'resume'] as const).map((action) =>
      defineRoute({
        method: 'POST',
        url: `/api/v1/heartbeats/:name/${action}`,
        summary:
          action === 'pause'
            ? 'Pause a check: it neither goes late nor pages until resumed (or, without manualResume, pinged)'
            : 'Resume a check: it waits for the next ping, as a new one does',
        tags: TAGS,
        auth: 'token',
        params: nameParamsSchema,
        response: heartbeatSchema,
        problems: WRITE_PROBLEMS,
        handler: async ({ principal, params, request }) =>
          heartbeatView(
            await changeHeartbeat(deps, principal, params.name, action),
            baseUrl(request),
          ),
      }),
    ),
    defineRoute({
      method: 'POST',
      url: '/api/v1/heartbeats/:name/rotate-token',
      summary:
        "Give a check a new ping URL (the old one leaked): the old URL answers 404 at once, on every instance, with no grace period; the check's state, runs and pings stay. Answers the check with its new pingUrl",
      tags: TAGS,
      auth: 'token',
      params: nameParamsSchema,
      response: heartbeatSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, request }) =>
        heartbeatView(await rotateHeartbeatToken(deps, principal, params.name), baseUrl(request)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/teams/:name/ping-keys',
      summary:
        "Create a team's ping key for slug URLs (/ping/<key>/<check name>); the key is shown once",
      tags: TAGS,
      auth: 'token',
      params: nameParamsSchema,
      status: 201,
      response: pingKeySchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        const { key, secret } = await createPingKey(deps, principal, params.name);
        return {
          id: key.id,
          team: key.team,
          createdAt: new Date(key.createdAt).toISOString(),
          key: secret,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/teams/:name/ping-keys',
      summary: "A team's ping keys, revoked ones included; never their secrets",
      tags: TAGS,
      auth: 'token',
      params: nameParamsSchema,
      response: z.array(pingKeyListedSchema),
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        (await listPingKeys(deps, principal, params.name)).map((key) => ({
          id: key.id,
          team: key.team,
          createdAt: new Date(key.createdAt).toISOString(),
          revokedAt: key.revokedAt === null ? null : new Date(key.revokedAt).toISOString(),
        })),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/teams/:name/ping-keys/:id',
      summary: "Revoke a team's ping key (a leaked one): its slug URLs answer 404 within a second",
      tags: TAGS,
      auth: 'token',
      params: z.object({ name: z.string(), id: z.string() }),
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await revokePingKey(deps, principal, params.name, params.id);
      },
    }),
  ];
}

type PingRead =
  | { readonly ok: true; readonly input: PingInput }
  | { readonly ok: false; readonly problem: string };

function pingInput(request: FastifyRequest): PingRead {
  const params = request.params as { check?: string; signal?: string; key?: string };
  const query = request.query as { rid?: unknown };
  const first = params.key ?? params.check ?? '';
  let target: PingInput['target'];
  let signal: PingInput['signal'] | undefined;
  if (params.key !== undefined) {
    target = { kind: 'slug', pingKey: params.key, slug: params.check ?? '' };
    signal = signalOf(params.signal);
  } else if (TOKEN_PATTERN.test(first)) {
    target = { kind: 'token', token: first.toLowerCase() };
    signal = signalOf(params.signal);
  } else {
    // /ping/<key>/<check>: a slug URL without a signal.
    target = { kind: 'slug', pingKey: first, slug: params.signal ?? '' };
    signal = 'success';
  }
  if (signal === undefined) {
    return {
      ok: false,
      problem: `"${params.signal ?? ''}" is not a signal: end the URL with nothing (success), /start, /fail, /log or an exit status 0-255`,
    };
  }
  let runId: string | undefined;
  try {
    runId = runIdOf(query.rid);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, problem: `${error.message} (use a UUID)` };
  }
  return {
    ok: true,
    input: {
      target,
      signal,
      runId,
      body: bodyText(request.body),
      remote: request.ip,
      userAgent: request.headers['user-agent'],
    },
  };
}

/** The run log: the body's first bytes, as text. */
function bodyText(body: unknown): string | undefined {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  return body.subarray(0, PING_BODY_LIMIT_BYTES).toString('utf8');
}

function heartbeatView(view: HeartbeatView, base: string) {
  const { resource, record, state } = view;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const schedule = resource.definition.schedule;
  return {
    name: resource.name,
    service: resource.service,
    team: view.team ?? null,
    description: resource.description ?? null,
    schedule:
      schedule.kind === 'cron'
        ? `cron ${schedule.expression} (${schedule.timeZone})`
        : `every ${formatDuration(Math.round(schedule.periodMs / 60_000))}`,
    timeZone: schedule.kind === 'cron' ? schedule.timeZone : null,
    graceSeconds: resource.definition.graceMs / 1000,
    maxRunSeconds: maxRunMsOf(resource.definition) / 1000,
    minRunSeconds:
      resource.definition.minRunMs === undefined ? null : resource.definition.minRunMs / 1000,
    status: state.status,
    cause:
      state.cause === undefined
        ? null
        : {
            since: new Date(state.cause.since).toISOString(),
            reason: state.cause.reason,
            text: transitionText(state.cause.reason),
          },
    pingUrl: `${base}/ping/${record.token}`,
    lastPingAt: iso(state.lastPingAt),
    lastSuccessAt: iso(state.lastSuccessAt),
    lastFailureAt: iso(state.lastFailureAt),
    expectedAt: iso(state.expectedAt),
    downAt: iso(state.downAt),
    runningSince: iso(view.runningSince),
  };
}

function pingView(ping: HeartbeatPingRecord, resource: HeartbeatResource) {
  const { minRunMs } = resource.definition;
  const maxRunMs = maxRunMsOf(resource.definition);
  return {
    at: new Date(ping.at).toISOString(),
    kind: ping.kind as 'start' | 'success' | 'fail' | 'log',
    exitStatus: ping.exitStatus,
    runId: ping.runId,
    durationSeconds: ping.durationMs === null ? null : ping.durationMs / 1000,
    tooFast: minRunMs !== undefined && ping.durationMs !== null && ping.durationMs < minRunMs,
    overran: ping.durationMs !== null && ping.durationMs > maxRunMs,
    body: ping.body,
    remote: ping.remote,
    userAgent: ping.userAgent,
  };
}
