// The API's bodies as the UI reads them. Types only: inferred from the server's zod
// schemas, so a field the server renames fails the UI's type check, and zod itself
// never reaches the browser.
import type { z } from 'zod';
import type {
  problemSchema,
  serviceResourceSchema,
  sloResourceSchema,
  teamSchema,
} from '../../schema/api.js';
import type {
  onCallSchema,
  overrideInputSchema,
  scheduleSummarySchema,
  shiftsSchema,
} from '../../schema/oncall-api.js';
import type {
  sloSeriesSchema,
  sloStatusSchema,
  sloStatusWithDeploysSchema,
} from '../../schema/status.js';
import type { heartbeatDetailSchema, heartbeatSchema } from '../../schema/heartbeats-api.js';
import type { pageEscalationSchema, pageSchema } from '../../schema/pages-api.js';
import type {
  approvalResourceSchema,
  changeFailureSchema,
  deploySchema,
  gateAnswerSchema,
  policyResourceSchema,
} from '../../schema/deploys.js';
import type { gatePreviewSchema, overviewSchema } from '../../schema/overview.js';
import type {
  actionItemInputSchema,
  actionItemSchema,
  budgetImpactSchema,
  declareIncidentSchema,
  incidentSchema,
  incidentSettingsViewSchema,
  postmortemSchema,
  runbookSchema,
  timelineEntrySchema,
  updateIncidentSchema,
} from '../../schema/incidents.js';

export type SloStatus = z.output<typeof sloStatusSchema>;
/** One SLO's own status read (`/slos/{name}/status`): with its latest deploys' budgets. */
export type SloStatusWithDeploys = z.output<typeof sloStatusWithDeploysSchema>;
export type SloSeries = z.output<typeof sloSeriesSchema>;
export type SloDeployMark = SloStatusWithDeploys['deploys']['latest'][number];
export type SeriesPoint = SloSeries['points'][number];
export type BurnWindow = keyof SloStatus['burnRates'];
export type AlertStatus = SloStatus['alerts'][number];
export type Problem = z.output<typeof problemSchema>;
export type Team = z.output<typeof teamSchema>;
/** Services travel as their stored headroom/v1 document (every default filled in). */
export type Service = z.output<typeof serviceResourceSchema>;
/** SLO documents as written (the objective as a percentage, the window as text). */
export type SloResource = z.input<typeof sloResourceSchema>;
export type Tier = Service['spec']['tier'];
export type ScheduleSummary = z.output<typeof scheduleSummarySchema>;
export type OnCall = z.output<typeof onCallSchema>;
export type OnCallTurn = OnCall['current'];
export type Shifts = z.output<typeof shiftsSchema>;
export type Shift = Shifts['shifts'][number];
export type OverrideInput = z.input<typeof overrideInputSchema>;
export type Incident = z.output<typeof incidentSchema>;
export type IncidentSettings = z.output<typeof incidentSettingsViewSchema>;
export type IncidentStatus = Incident['status'];
export type IncidentRole = Incident['roleHistory'][number]['role'];
export type TimelineEntry = z.output<typeof timelineEntrySchema>;
export type BudgetImpact = z.output<typeof budgetImpactSchema>;
export type SloImpact = BudgetImpact['slos'][number];
export type DeclareIncidentInput = z.input<typeof declareIncidentSchema>;
export type UpdateIncidentInput = z.input<typeof updateIncidentSchema>;
export type Runbook = z.output<typeof runbookSchema>;
export type Postmortem = z.output<typeof postmortemSchema>;
export type PostmortemStatus = Postmortem['status'];
export type BlamelessFinding = Postmortem['blamelessFindings'][number];
export type ActionItem = z.output<typeof actionItemSchema>;
export type ActionItemInput = z.input<typeof actionItemInputSchema>;
export type ActionItemPriority = ActionItem['priority'];
export type ActionItemStatus = ActionItem['status'];
export type Heartbeat = z.output<typeof heartbeatSchema>;
export type HeartbeatStatus = Heartbeat['status'];
export type HeartbeatDetail = z.output<typeof heartbeatDetailSchema>;
export type HeartbeatPing = HeartbeatDetail['pings'][number];
export type Deploy = z.output<typeof deploySchema>;
export type DeployBudget = Deploy['budget'][number];
export type GateDecision = z.output<typeof gateAnswerSchema>;
export type ApprovalResource = z.output<typeof approvalResourceSchema>;
export type ChangeFailure = z.output<typeof changeFailureSchema>;
/** The overview's one read: only what the screen shows. */
export type Overview = z.output<typeof overviewSchema>;
export type OverviewService = Overview['services'][number];
export type OverviewSlo = OverviewService['slos'][number];
export type OverviewGate = NonNullable<OverviewService['gate']>;
export type OverviewIncident = NonNullable<Overview['incidents']>[number];
export type OverviewOnCall = NonNullable<Overview['onCall']>[number];
export type OverviewHeartbeats = NonNullable<Overview['heartbeats']>;
export type FiringAlert = OverviewSlo['firing'][number];
export type GateReason = OverviewGate['reasons'][number];
export type GateState = OverviewGate['state'];
/** The gate asked without a deploy (GET /api/v1/deploys/gate). */
export type GatePreview = z.output<typeof gatePreviewSchema>;
/** Policies travel as the stored document, as written. */
export type PolicyResource = z.input<typeof policyResourceSchema>;

/** One page of /api/v1/pages, with its alerts and where its escalation stands. */
export type AlertPage = z.output<typeof pageSchema>;
export type PageEscalation = z.output<typeof pageEscalationSchema>;
export type PageStatus = AlertPage['status'];
export type PageSeverity = AlertPage['severity'];

/**
 * The reliability report as JSON (/api/v1/reports/reliability). Its response schema is
 * loose; this is core/reports/report.ts reportJson: every undefined number is null.
 */
export interface ReliabilityReport {
  readonly team: string;
  readonly period: {
    readonly fromMs: number;
    readonly toMs: number;
    readonly from: string;
    readonly to: string;
  };
  readonly zone: string;
  readonly generatedAt: number;
  readonly generatedAtLocal: string;
  readonly services: readonly ReportService[];
  readonly toil: ReportToil | null;
  readonly onCall: ReportOnCall | null;
}

export interface ReportSlo {
  readonly name: string;
  readonly objective: number;
  readonly sli: number | null;
  /** period: over the report's period; window: the SLO's window at its end (Prometheus). */
  readonly sliBasis: 'period' | 'window';
  readonly budgetRemaining: number | null;
  /** Share of the end window's budget the period's bad events spent. */
  readonly budgetSpent: number | null;
  readonly compliance: 'met' | 'missed' | 'no-data';
}

export interface ReportService {
  readonly service: string;
  readonly slos: readonly ReportSlo[];
  readonly burnAlerts: readonly { readonly severity: string; readonly count: number }[];
  readonly incidents: {
    readonly count: number;
    readonly open: number;
    readonly mttaMs: number | null;
    readonly mttrMs: number | null;
  };
  readonly postmortems: {
    readonly published: number;
    readonly inProgress: number;
    readonly missing: readonly string[];
    readonly overdueActionItems: readonly {
      readonly id: string;
      readonly incidentId: string;
      readonly title: string;
      readonly owner: string;
      readonly dueAt: number;
    }[];
  };
  readonly changes: {
    readonly deploys: number;
    readonly failedDeploys: number;
    /** Deploys recorded as failed: never went out, not in the rate. */
    readonly failedToDeploy: number;
    readonly gateDenials: number;
    readonly changeFailureRate: number | null;
  };
}

export interface ToilShare {
  readonly key: string;
  readonly minutes: number;
  readonly share: number;
}

export interface ReportToil {
  readonly toMs: number;
  readonly toilMinutes: number;
  readonly workingMinutes: number;
  /** Working time is counted up to here: now, while the period is not over. */
  readonly workingToMs: number;
  readonly share: number | null;
  readonly capPercent: number;
  /** Whose cap: the request's, the team's own, or the default. */
  readonly capSource: 'request' | 'team' | 'default';
  readonly overCap: boolean;
  readonly warning: string | null;
  readonly byCategory: readonly ToilShare[];
  readonly byService: readonly ToilShare[];
  readonly bySource: readonly ToilShare[];
  readonly people: readonly {
    readonly person: string;
    readonly toilMinutes: number;
    readonly workingMinutes: number | null;
    readonly share: number | null;
    readonly overCap: boolean;
  }[];
}

export interface ReportOnCall {
  readonly pagesReceived: number;
  readonly outOfHoursPages: number;
  readonly nightsInterrupted: number;
  readonly noisePages: number;
  readonly noiseShare: number | null;
  /** Page announcements to the team that were given up on: they woke no one. */
  readonly undeliveredNotifications: number;
  /** Pages opened for the team's services in the period, and those that reached none of its people. */
  readonly pagesOpened: number;
  readonly pagesReachingNoOne: number;
  readonly people: readonly {
    readonly person: string;
    readonly timeZone: string;
    readonly pagesReceived: number;
    readonly outOfHoursPages: number;
    readonly nightsInterrupted: number;
    readonly noisePages: number;
  }[];
}

/**
 * One entry of /api/v1/alerts/transitions (the route has no response schema yet; this
 * is server/routes/representations.ts alertTransitionView).
 */
export interface AlertTransition {
  readonly id: number;
  readonly slo: string;
  readonly service: string;
  readonly rule: string;
  readonly severity: string;
  readonly transition: 'started' | 'resolved';
  readonly at: string;
  readonly numbers: {
    readonly longWindow: string;
    readonly shortWindow: string;
    readonly factor: number;
    readonly longBurnRate: number | null;
    readonly shortBurnRate: number | null;
    readonly sli: number | null;
    readonly errorBudgetRemaining: number;
  };
}
