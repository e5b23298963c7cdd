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
import type { sloSeriesSchema, sloStatusSchema } from '../../schema/status.js';
import type {
  actionItemInputSchema,
  actionItemSchema,
  budgetImpactSchema,
  declareIncidentSchema,
  incidentSchema,
  incidentSettingsViewSchema,
  postmortemSchema,
  timelineEntrySchema,
  updateIncidentSchema,
} from '../../schema/incidents.js';

export type SloStatus = z.output<typeof sloStatusSchema>;
export type SloSeries = z.output<typeof sloSeriesSchema>;
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
export type Postmortem = z.output<typeof postmortemSchema>;
export type PostmortemStatus = Postmortem['status'];
export type BlamelessFinding = Postmortem['blamelessFindings'][number];
export type ActionItem = z.output<typeof actionItemSchema>;
export type ActionItemInput = z.input<typeof actionItemInputSchema>;
export type ActionItemPriority = ActionItem['priority'];
export type ActionItemStatus = ActionItem['status'];

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
