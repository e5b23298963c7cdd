// The heartbeats API: checks with their state and ping URLs, recent pings, pause and
// resume, and teams' ping keys.
import { z } from 'zod';
import { TRANSITION_REASONS } from '../core/heartbeats/state.js';
import { instantSchema } from './api.js';

export const HEARTBEAT_STATUSES = ['new', 'up', 'late', 'down', 'paused'] as const;

export const heartbeatSchema = z
  .object({
    name: z.string(),
    service: z.string(),
    team: z.string().nullable(),
    description: z.string().nullable(),
    schedule: z.string().meta({ examples: ['cron 30 2 * * * (Europe/Amsterdam)', 'every 1h'] }),
    timeZone: z.string().nullable().meta({
      description: "A cron check's zone, whose clock its schedule follows; null for a period",
    }),
    graceSeconds: z.number(),
    maxRunSeconds: z.number().meta({
      description:
        'A run started with /start and not ended this long after makes the check late (maxRunTime; default: the grace)',
    }),
    minRunSeconds: z.number().nullable().meta({
      description: 'Runs succeeding sooner are flagged tooFast (minRunTime); null: none set',
    }),
    status: z.enum(HEARTBEAT_STATUSES),
    pingUrl: z.string().optional().meta({
      description:
        "The check's own ping URL. Its token is a secret (whoever has it can ping), so it is given only to those who may change the check: an editor of its service's team, or an admin; absent for everyone else",
    }),
    lastPingAt: instantSchema.nullable(),
    lastSuccessAt: instantSchema.nullable(),
    lastFailureAt: instantSchema.nullable(),
    /** When the next run is due; null when nothing is expected (new, paused, down after a failure). */
    expectedAt: instantSchema.nullable(),
    /** When the check goes down if no run arrives. */
    downAt: instantSchema.nullable(),
    runningSince: instantSchema.nullable(),
    cause: z
      .object({
        since: instantSchema,
        reason: z.enum(TRANSITION_REASONS),
        text: z.string().meta({ examples: ['no run within the grace period'] }),
      })
      .nullable()
      .meta({
        description:
          'Why the check is in its status, and since when: the change that put it there (a failed run, no run in time, a run past its limits, a pause…); null while new, and for a check that has not changed status since the server began keeping it',
      }),
  })
  .meta({ id: 'Heartbeat' });

export const heartbeatPingSchema = z
  .object({
    at: instantSchema,
    kind: z.enum(['start', 'success', 'fail', 'log']),
    exitStatus: z.number().int().nullable(),
    runId: z.string().nullable(),
    durationSeconds: z.number().nullable(),
    tooFast: z.boolean().meta({
      description:
        "The run succeeded sooner than the check's minRunTime after its start: suspiciously fast (a failure is not flagged, however fast)",
    }),
    overran: z.boolean().meta({
      description: "The run took longer than the check's maxRunTime: the check went late meanwhile",
    }),
    /** The first 10,000 bytes of the request body. */
    body: z.string().nullable(),
    bodyBytes: z.number().int().nullable().meta({
      description:
        'The size of the body the ping sent, in bytes; null without a body (and for pings stored before it was kept)',
    }),
    bodyTruncated: z.boolean().meta({
      description:
        'The body was longer than the 10,000 bytes kept: `body` is its start, and its last line is not the last line sent',
    }),
    remote: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .meta({ id: 'HeartbeatPing' });

const runSeconds = z.number().nullable();

export const recentRunsSchema = z
  .object({
    runs: z.number().int().meta({
      description:
        'Runs ended (a success or a failure, an exit status counting as one) among `pings`',
    }),
    failed: z.number().int(),
    tooFast: z.number().int(),
    overran: z.number().int(),
    since: instantSchema.nullable().meta({ description: "The oldest of these runs' end" }),
    medianSeconds: runSeconds.meta({
      description: 'The median run time of those runs a /start opened; null without any',
    }),
    longestSeconds: runSeconds,
  })
  .meta({ id: 'HeartbeatRecentRuns' });

export const heartbeatDetailSchema = heartbeatSchema
  .extend({
    /** SLOs whose SLI is this check's runs (sli.source.heartbeat). */
    slos: z.array(z.string()),
    /** What the runs among `pings` come to. */
    recentRuns: recentRunsSchema,
    pings: z.array(heartbeatPingSchema),
  })
  .meta({ id: 'HeartbeatDetail' });

export const heartbeatsQuerySchema = z.object({
  service: z.string().optional(),
  status: z.enum(HEARTBEAT_STATUSES).optional(),
});

export const pingKeySchema = z
  .object({
    id: z.string(),
    team: z.string(),
    createdAt: instantSchema,
    /** Shown once: slug URLs are /ping/<key>/<heartbeat name>. */
    key: z.string(),
  })
  .meta({ id: 'PingKey' });

/** A ping key as listed: never its secret. */
export const pingKeyListedSchema = z
  .object({
    id: z.string(),
    team: z.string(),
    createdAt: instantSchema,
    /** Since then its slug URLs answer 404. */
    revokedAt: instantSchema.nullable(),
  })
  .meta({ id: 'PingKeyListed' });
