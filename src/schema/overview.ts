// What the overview screen draws, in one answer (GET /api/v1/overview), and the deploy
// gate asked without a deploy (GET /api/v1/deploys/gate). The overview carries only
// the figures the screen shows: a thousand full SLO statuses are 1.3 MB, this a tenth.
import { z } from 'zod';
import { instantSchema } from './api.js';
import { TIERS } from './config.js';
import { incidentSchema } from './incidents.js';
import { heartbeatSchema } from './heartbeats-api.js';
import { deployDecisionSchema } from './policy.js';
import { burnAlertSchema, burnRateSchema } from './status.js';

/** `approval`: every reason left can be lifted by an approval; `denied`: some cannot. */
export const GATE_STATES = ['allowed', 'approval', 'denied'] as const;

const gateStateSchema = z.enum(GATE_STATES).meta({
  description:
    '`allowed`: nothing holds the deploy; `approval`: an approval (or a label) would let it out; `denied`: a rule no approval lifts holds it',
});

/** The gate's whole answer, as POST /deploys/check gives it, with the state it comes to. */
export const gatePreviewSchema = deployDecisionSchema
  .extend({ state: gateStateSchema })
  .meta({ id: 'GatePreview' });
export type GatePreviewView = z.input<typeof gatePreviewSchema>;

export const gatePreviewQuerySchema = z.object({
  /** One service; absent: every service. */
  service: z.string().optional(),
});

/** What the overview shows of the gate: enough to say why, and who could lift it. */
export const overviewGateSchema = gatePreviewSchema
  .pick({ state: true, policies: true, reasons: true, approvalsApplied: true, liftableBy: true })
  .meta({ id: 'OverviewGate' });

export const SLO_STATES = ['ok', 'burning', 'exhausted', 'unknown', 'no-data'] as const;
export type SloStateName = (typeof SLO_STATES)[number];

export const overviewSloSchema = z
  .object({
    name: z.string(),
    state: z.enum(SLO_STATES).meta({
      description:
        '`unknown`: its source could not be read; `no-data`: no events in its window, so nothing is measured (silence is not health: is the SLI being sent?); `exhausted`: no budget left; `burning`: a burn alert fires; else `ok`',
    }),
    remaining: z.number().meta({ description: 'Error budget left: 1 untouched, 0 spent' }),
    sli: z.number().min(0).max(1).nullable(),
    objective: z.number().gt(0).lt(1),
    burn1h: burnRateSchema,
    /** Only the burn-rate alerts firing now. */
    firing: z.array(burnAlertSchema).readonly(),
  })
  .meta({ id: 'OverviewSlo' });

export const overviewServiceSchema = z
  .object({
    name: z.string(),
    /** null: an SLO names a service that is not defined. */
    team: z.string().nullable(),
    tier: z.enum(TIERS).nullable(),
    /** null: the service is not defined, so no policy can be found for it. */
    gate: overviewGateSchema.nullable(),
    slos: z.array(overviewSloSchema).readonly(),
  })
  .meta({ id: 'OverviewService' });

export const overviewIncidentSchema = incidentSchema
  .pick({
    id: true,
    ref: true,
    title: true,
    severity: true,
    severityMeaning: true,
    status: true,
    services: true,
    startedAt: true,
  })
  .meta({ id: 'OverviewIncident' });

export const overviewOnCallSchema = z
  .object({
    schedule: z.string(),
    team: z.string().nullable(),
    timeZone: z.string(),
    user: z.string().nullable(),
    until: instantSchema.nullable(),
  })
  .meta({ id: 'OverviewOnCall' });

export const overviewHeartbeatSchema = heartbeatSchema
  .pick({ name: true, service: true, status: true, cause: true })
  .meta({ id: 'OverviewHeartbeat' });

const checkCount = z.number().int().min(0);

export const overviewHeartbeatsSchema = z
  .object({
    counts: z.object({
      new: checkCount,
      up: checkCount,
      late: checkCount,
      down: checkCount,
      paused: checkCount,
    }),
    attention: z.array(overviewHeartbeatSchema).readonly().meta({
      description:
        'The checks down, then those late, the most recent change of status first; at most 20 (counts gives how many there are)',
    }),
  })
  .meta({ id: 'OverviewHeartbeats' });

export const overviewSchema = z
  .object({
    at: instantSchema.meta({ description: 'When the SLOs were evaluated and the gate asked' }),
    /** Who the gate's answers deploy as: approvals for one person's deploys do not count. */
    gateActor: z.string(),
    services: z.array(overviewServiceSchema).readonly(),
    /** Not resolved yet, newest impact start first; null: the token may not read incidents. */
    incidents: z.array(overviewIncidentSchema).readonly().nullable(),
    /** Per schedule, in name order; null: the token may not read schedules. */
    onCall: z.array(overviewOnCallSchema).readonly().nullable(),
    /** The cron jobs' checks; null: the token may not read heartbeats. */
    heartbeats: overviewHeartbeatsSchema.nullable(),
  })
  .meta({ id: 'Overview' });
export type OverviewView = z.input<typeof overviewSchema>;
