// The overview screen's one read, and the deploy gate asked without a deploy.
import { z } from 'zod';
import { previewGate, previewGates, type GatePreview } from '../../app/gate-preview.js';
import { readOverview, sloStateOf, type Overview } from '../../app/overview.js';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { listServices } from '../../app/resources.js';
import type { SloStatus } from '../../core/slo/status.js';
import {
  gatePreviewQuerySchema,
  gatePreviewSchema,
  overviewSchema,
  type GatePreviewView,
  type OverviewView,
} from '../../schema/overview.js';
import { isoOf, isoOrNull } from '../../store/codec.js';
import { defineRoute, READ_PROBLEMS, type RouteDefinition } from '../route.js';
import { causeView } from './heartbeats.js';

export function overviewRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/overview',
      summary:
        "What the overview shows, in one answer: each service's SLOs (budget left, state, SLI, 1h burn, firing alerts) and deploy gate, open incidents, who is on call, and the heartbeat checks down or late",
      tags: ['slos'],
      auth: 'token',
      response: overviewSchema,
      problems: [401, 403],
      handler: async ({ principal }) => overviewView(await readOverview(deps, principal)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/deploys/gate',
      summary:
        'Would a deploy without labels go out now? The gate asked for every service (or one), as a deployer who is no approver; nothing is recorded',
      tags: ['deploys'],
      auth: 'token',
      query: gatePreviewQuerySchema,
      response: z.array(gatePreviewSchema),
      problems: [400, ...READ_PROBLEMS],
      handler: async ({ principal, query }) => {
        if (query.service !== undefined) {
          return [gatePreviewView(await previewGate(deps, principal, query.service))];
        }
        const services = await listServices(deps, principal);
        const previews = await previewGates(
          deps,
          principal,
          services.map((service) => service.name),
        );
        return previews.map(gatePreviewView);
      },
    }),
  ];
}

const gatePreviewView = ({ state, decision }: GatePreview): GatePreviewView => ({
  ...decision,
  state,
});

function overviewView(overview: Overview): OverviewView {
  return {
    at: isoOf(overview.atMs),
    gateActor: overview.gateActor,
    services: overview.services.map((service) => ({
      name: service.name,
      team: service.team,
      tier: service.tier,
      gate:
        service.gate === undefined
          ? null
          : {
              state: service.gate.state,
              policies: service.gate.decision.policies,
              reasons: service.gate.decision.reasons,
              approvalsApplied: service.gate.decision.approvalsApplied,
              liftableBy: service.gate.decision.liftableBy,
            },
      slos: service.slos.map(sloView),
    })),
    incidents:
      overview.incidents?.map((incident) => ({
        id: incident.id,
        ref: incident.ref,
        title: incident.title,
        severity: incident.severity,
        severityMeaning: incident.severityMeaning,
        status: incident.status,
        services: incident.services,
        startedAt: incident.startedAt,
      })) ?? null,
    onCall:
      overview.onCall?.map((turn) => ({
        schedule: turn.schedule,
        team: turn.team,
        timeZone: turn.timeZone,
        user: turn.user,
        until: isoOrNull(turn.untilMs),
      })) ?? null,
    heartbeats:
      overview.heartbeats === null
        ? null
        : {
            counts: overview.heartbeats.counts,
            attention: overview.heartbeats.attention.map((view) => ({
              name: view.resource.name,
              service: view.resource.service,
              status: view.state.status,
              cause: causeView(view.state),
            })),
          },
  };
}

function sloView(status: SloStatus): OverviewView['services'][number]['slos'][number] {
  const firing = [];
  for (const alert of status.alerts) {
    if (!alert.firing) continue;
    firing.push({
      severity: alert.severity,
      longWindow: alert.longWindow,
      shortWindow: alert.shortWindow,
      factor: alert.factor,
      longBurnRate: alert.longBurnRate,
      shortBurnRate: alert.shortBurnRate,
    });
  }
  return {
    name: status.slo,
    state: sloStateOf(status),
    remaining: status.errorBudget.remaining,
    sli: status.sli,
    objective: status.objective,
    burn1h: status.burnRates['1h'],
    firing,
  };
}
