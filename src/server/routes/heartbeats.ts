// Heartbeats: the healthchecks-style ping URLs cron jobs call, and the API to read
// checks, pause and resume them, rotate a check's ping URL, and make teams' ping keys.
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
  pingOfRecord,
  runIdOf,
  signalOf,
  transitionText,
  type HeartbeatPings,
  type HeartbeatView,
  type PingInput,
} from '../../app/heartbeats.js';
import { effectiveKind, ranTooFast } from '../../core/heartbeats/model.js';
import { recentRuns, type EndedPing, type RecentRuns } from '../../core/heartbeats/recent-runs.js';
import type { HeartbeatState } from '../../core/heartbeats/state.js';
import { AppError } from '../../app/errors.js';
import { mayEditTeam, type Principal } from '../../app/principal.js';
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
import { isoOf, isoOrNull as iso } from '../../store/codec.js';
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';

const TAGS = ['heartbeats'];
/** A check's token is a UUID; anything else in the first segment is a team's ping key. */
const TOKEN_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PING_HELP =
  'GET, POST or HEAD. The last segment: none (success), start, fail, log, or an exit status 0-255. ' +
  '`?rid=` pairs a start with its end. A POST body of any size is taken; its first 10,000 bytes are kept as the run log ' +
  '(a longer one is marked bodyTruncated). Answers carry Access-Control-Allow-Origin: * and Ping-Body-Limit: 10000: ' +
  '200 "OK", 400 with the reason for a malformed signal or rid, or 404 "not found" for an unknown check';

/**
 * The scope the ping URLs are mounted in. Pings come from curl, wget and shell scripts
 * with any content type (or none): the body is bytes, kept as the run's log. Its answers
 * may be read by a page in any browser (healthchecks' `Access-Control-Allow-Origin: *`),
 * so that browser-side jobs can ping.
 */
export function preparePingScope(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, payload, done) => {
    readPingBody(payload).then(
      (body) => {
        done(null, body);
      },
      (error: unknown) => {
        done(error as Error, undefined);
      },
    );
  });
  scope.addHook('onSend', (_request, reply, payload, done) => {
    void reply.headers(PING_ANSWER_HEADERS);
    done(null, payload);
  });
}

/**
 * What every ping answer says besides its status. `Ping-Body-Limit` is healthchecks'
 * header for the log kept of a body: clients such as runitor read it from their start
 * ping's answer and send only that much of the end of a job's output, which is where
 * its errors are, so that the start kept here is all of what they send. A page may read
 * it too.
 */
const PING_ANSWER_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Ping-Body-Limit',
  'ping-body-limit': String(PING_BODY_LIMIT_BYTES),
} as const;

/** A ping's body as read: its first bytes, and how many it had in all. */
export interface PingBody {
  readonly head: Buffer;
  readonly bytes: number;
}

/**
 * Reads a ping's body keeping only the first PING_BODY_LIMIT_BYTES; the rest is read
 * and dropped. A body of any size is accepted, as healthchecks does: refusing it would
 * lose the ping (a failed run's exit status) for the sake of its log, and memory stays
 * bounded whatever is sent. The server's request timeout bounds how long it may take.
 */
export function readPingBody(payload: Readable): Promise<PingBody> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let bytes = 0;
    payload.on('data', (chunk: Buffer | string) => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += data.length;
      if (keptBytes >= PING_BODY_LIMIT_BYTES) return;
      // A copy: the chunk may be a view over the socket's shared read buffer.
      const part = Buffer.from(data.subarray(0, PING_BODY_LIMIT_BYTES - keptBytes));
      kept.push(part);
      keptBytes += part.length;
    });
    payload.on('end', () => {
      resolve({ head: Buffer.concat(kept, keptBytes), bytes });
    });
    payload.on('error', reject);
    // A client that hangs up mid-body ends the stream without 'end' (settled already otherwise).
    payload.on('close', () => {
      reject(new Error('the ping body ended early: the client closed the connection'));
    });
  });
}

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
                description: 'the run log, of any size (its first 10,000 bytes kept)',
              },
            }
          : {}),
        response: z.string(),
        responseContentType: 'text/plain',
        responseHeaders: [
          {
            name: 'Ping-Body-Limit',
            description:
              'How many bytes of a body are kept as the run log; clients such as runitor send only that much of the end of the output',
          },
        ],
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
      problems: [400, 401, 403, 404],
      handler: async ({ principal, query, request }) =>
        (await listHeartbeats(deps, principal, query)).map((view) =>
          heartbeatView(view, baseUrl(request), principal),
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
          ...heartbeatView(view, baseUrl(request), principal),
          slos,
          recentRuns: recentRunsView(
            recentRuns(pings.map((ping) => runFacts(ping, view.resource))),
          ),
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
            principal,
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
        heartbeatView(
          await rotateHeartbeatToken(deps, principal, params.name),
          baseUrl(request),
          principal,
        ),
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
  const body = bodyOf(request.body);
  return {
    ok: true,
    input: {
      target,
      signal,
      runId,
      body: body?.text,
      bodyBytes: body?.bytes,
      remote: request.ip,
      userAgent: request.headers['user-agent'],
    },
  };
}

/** The run log: the body's first bytes as text (readPingBody kept no more), and its size sent. */
function bodyOf(body: unknown): { text: string; bytes: number } | undefined {
  if (!isPingBody(body) || body.bytes === 0) return undefined;
  return { text: body.head.toString('utf8'), bytes: body.bytes };
}

function isPingBody(body: unknown): body is PingBody {
  return typeof body === 'object' && body !== null && Buffer.isBuffer((body as PingBody).head);
}

/**
 * A check as the API shows it. Its ping URL holds the token, a write credential: anyone
 * with it can report runs, so it goes only to whoever may change the check (an editor of
 * its service's team, an admin), as rotating it does.
 */
function heartbeatView(view: HeartbeatView, base: string, principal: Principal) {
  const { resource, record, state } = view;
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
    cause: causeView(state),
    ...(mayEditTeam(principal, view.team ?? null)
      ? { pingUrl: `${base}/ping/${record.token}` }
      : {}),
    lastPingAt: iso(state.lastPingAt),
    lastSuccessAt: iso(state.lastSuccessAt),
    lastFailureAt: iso(state.lastFailureAt),
    expectedAt: iso(state.expectedAt),
    downAt: iso(state.downAt),
    runningSince: iso(view.runningSince),
  };
}

/** Why a check is in its status, and since when, in the API's words. */
export function causeView({ cause }: HeartbeatState) {
  return cause === undefined
    ? null
    : { since: isoOf(cause.since), reason: cause.reason, text: transitionText(cause.reason) };
}

/** A ping as a run's end: its effective kind, and whether the run was too fast or overran. */
function runFacts(ping: HeartbeatPingRecord, resource: HeartbeatResource): EndedPing {
  const kind = effectiveKind(pingOfRecord(ping));
  return {
    at: ping.at,
    kind,
    durationMs: ping.durationMs,
    tooFast: ranTooFast(resource.definition.minRunMs, kind, ping.durationMs),
    overran: ping.durationMs !== null && ping.durationMs > maxRunMsOf(resource.definition),
  };
}

function recentRunsView(runs: RecentRuns) {
  const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
  return {
    runs: runs.runs,
    failed: runs.failed,
    tooFast: runs.tooFast,
    overran: runs.overran,
    since: iso(runs.sinceMs),
    medianSeconds: seconds(runs.medianMs),
    longestSeconds: seconds(runs.longestMs),
  };
}

function pingView(ping: HeartbeatPingRecord, resource: HeartbeatResource) {
  const { tooFast, overran } = runFacts(ping, resource);
  return {
    at: new Date(ping.at).toISOString(),
    kind: ping.kind as 'start' | 'success' | 'fail' | 'log',
    exitStatus: ping.exitStatus,
    runId: ping.runId,
    durationSeconds: ping.durationMs === null ? null : ping.durationMs / 1000,
    tooFast,
    overran,
    body: ping.body,
    bodyBytes: ping.bodyBytes,
    bodyTruncated: ping.bodyBytes !== null && ping.bodyBytes > PING_BODY_LIMIT_BYTES,
    remote: ping.remote,
    userAgent: ping.userAgent,
  };
}
