// The weekly reliability report a manager reads: per service, did the SLOs hold and
// how much budget is left, what paged, what broke and how fast it was handled,
// whether the postmortems and their follow-ups were done, how safely changes went
// out; per team, the toil against its cap and what on-call cost each person.
//
// The report is data the app gathers; the renderers only lay it out. Markdown and
// HTML are both drawn from one view of the report (`reportView`), so the two never
// disagree on a number, and escaping happens once per output format at the very end.
// Output is a pure function of the report: services and SLOs are put in name order,
// numbers are formatted without locale, instants in the report's zone.
import { DateTime } from 'luxon';
import { isClosed, type ActionItem } from '../postmortem/action-items.js';
import {
  formatCount,
  formatElapsed,
  resolveZone,
  tableRow,
  trimNumber,
} from '../postmortem/markdown.js';
import type { TeamOnCallLoad } from './oncall-load.js';
import {
  compareText,
  hours,
  INCIDENT_TOIL_CAP_MS,
  PAGE_TOIL_CAP_MS,
  type ToilShare,
  type ToilSummary,
} from './toil.js';
import { WEEKDAYS, type Weekday } from '../oncall/local-time.js';
import {
  DEFAULT_SLEEP_HOURS,
  DEFAULT_WORKING_HOURS,
  type DailyHours,
  type PersonCalendar,
  type WorkingHours,
} from './working-time.js';

export interface ReportPeriod {
  /** Epoch ms, inclusive. */
  readonly fromMs: number;
  /** Epoch ms, exclusive. */
  readonly toMs: number;
}

/**
 * `period`: counted over the report's period (up to when the report was generated, if
 * that is earlier). `window`: the SLO's own window at the period's end, for SLIs read from Prometheus, whose minutes Headroom does not keep.
 */
export type SliBasis = 'period' | 'window';

export interface SloFigures {
  readonly name: string;
  /** Target fraction of good events, 0..1 (0.999 for 99.9%). */
  readonly objective: number;
  /** The SLI, 0..1, over what `sliBasis` says; undefined without data. */
  readonly sli: number | undefined;
  readonly sliBasis: SliBasis;
  /** Fraction of the error budget of the SLO's window at the period's end left: 1
   * untouched, 0 spent, below 0 overspent; undefined without data. */
  readonly budgetRemaining: number | undefined;
  /** Share of that budget the period's bad events spent (for a `window` basis: the
   * remaining budget at the start less that at the end); undefined without data. */
  readonly budgetSpent: number | undefined;
}

export type Compliance = 'met' | 'missed' | 'no-data';

/** Burn alerts fired in the period at one severity (page, ticket, …). */
export interface BurnAlertCount {
  readonly severity: string;
  readonly count: number;
}

/** A subset of incidents/durations.ts's ResponseMetrics: one of those fits here as it is. */
export interface IncidentFigures {
  readonly count: number;
  readonly open: number;
  readonly mttaMs: number | undefined;
  readonly mttrMs: number | undefined;
}

export interface OverdueActionItem {
  readonly id: string;
  readonly incidentId: string;
  readonly title: string;
  readonly owner: string;
  readonly dueAt: number;
}

export interface PostmortemFigures {
  readonly published: number;
  readonly inProgress: number;
  /** Incidents of the severities that require one (SEV1–SEV2) with no postmortem started. */
  readonly missing: readonly string[];
  readonly overdueActionItems: readonly OverdueActionItem[];
}

export interface ChangeFigures {
  /** Changes that went out: finished deploys (and rollbacks of deploys not recorded as finished). */
  readonly deploys: number;
  /** Change failures: rolled back, or the latest change before a page-level burn alert or an incident within the window. */
  readonly failedDeploys: number;
  /** Deploys recorded as failed: they never went out, so they are not in the rate. */
  readonly failedToDeploy: number;
  /** Deploys the gate refused in the period. */
  readonly gateDenials: number;
}

export interface ServiceReliability {
  readonly service: string;
  readonly slos: readonly SloFigures[];
  readonly burnAlerts: readonly BurnAlertCount[];
  readonly incidents: IncidentFigures;
  readonly postmortems: PostmortemFigures;
  readonly changes: ChangeFigures;
}

export interface ReliabilityReport {
  readonly team: string;
  readonly period: ReportPeriod;
  /** IANA zone the report's dates are shown in; an unknown zone is shown as UTC, and said so. */
  readonly zone: string;
  /** Epoch ms: when the data was read. */
  readonly generatedAt: number;
  readonly services: readonly ServiceReliability[];
  /** The incidents of all the team's services, each counted once however many it touched. */
  readonly incidents?: IncidentFigures | undefined;
  readonly toil?: ToilSummary | undefined;
  readonly onCall?: TeamOnCallLoad | undefined;
  /** The team's people on their own clocks, as toil and on-call load read them. */
  readonly people?: readonly PersonCalendar[] | undefined;
  /** How long after a change an alert or incident is blamed on it; default 60. */
  readonly changeFailureWithinMinutes?: number | undefined;
}

export const DEFAULT_CHANGE_FAILURE_WITHIN_MINUTES = 60;

/** What the report's figures mean, as the report states them (JSON: `definitions`). */
export interface ReportDefinitions {
  readonly workingHours: string;
  readonly night: string;
  readonly compliance: string;
  readonly mtta: string;
  readonly mttr: string;
  readonly changeFailure: string;
  readonly toil: string;
  readonly pages: string;
  readonly noise: string;
}

const DEFINITION_TITLES: Readonly<Record<keyof ReportDefinitions, string>> = {
  workingHours: 'Working hours',
  night: 'Night',
  compliance: 'Compliance',
  mtta: 'MTTA',
  mttr: 'MTTR',
  changeFailure: 'Change failure',
  toil: 'Toil',
  pages: 'Pages (on-call load)',
  noise: 'Noise',
};

export function reportDefinitions(report: ReliabilityReport): ReportDefinitions {
  const people = report.people ?? [];
  const ownWork = people.flatMap((person) => {
    const text = formatWorkingHours(person.workingHours);
    return text === formatWorkingHours(DEFAULT_WORKING_HOURS) ? [] : [`${person.name} ${text}`];
  });
  const ownSleep = people.flatMap((person) => {
    const text = formatDailyHours(person.sleepHours ?? DEFAULT_SLEEP_HOURS);
    return text === formatDailyHours(DEFAULT_SLEEP_HOURS) ? [] : [`${person.name} ${text}`];
  });
  const within = report.changeFailureWithinMinutes ?? DEFAULT_CHANGE_FAILURE_WITHIN_MINUTES;
  const capHours = (ms: number) => `${trimNumber(ms / 3_600_000, 2)} h`;
  const until = `up to the earlier of the period's end and when the report was generated`;
  return {
    workingHours:
      ownWork.length === 0
        ? `${formatWorkingHours(DEFAULT_WORKING_HOURS)} in each person's own time zone (daylight saving included), ${until}.`
        : `Each person's working hours (default ${formatWorkingHours(DEFAULT_WORKING_HOURS)}; ${ownWork.join('; ')}) in their own time zone (daylight saving included), ${until}.`,
    night:
      ownSleep.length === 0
        ? `${formatDailyHours(DEFAULT_SLEEP_HOURS)} in the person's own time zone, named by the date it began.`
        : `Each person's sleep hours (default ${formatDailyHours(DEFAULT_SLEEP_HOURS)}; ${ownSleep.join('; ')}) in their own time zone, named by the date it began.`,
    compliance:
      'Met when the SLI over the period reaches the objective (equal is met); no data without events. A period that has not ended is measured up to when the report was generated.',
    mtta: 'Mean time from the impact start (the start a person gave, else the earlier of the declaration and the first linked page) to the first acknowledgement of a linked page or the declaration, whichever came first; over the incidents that began in the period.',
    mttr: 'Mean time from the impact start to the resolution, over the resolved incidents that began in the period.',
    changeFailure: `A change (a deploy that went out) failed when it was rolled back, or when it is the latest change before a page-level burn alert or an incident that started within ${formatElapsed(within * 60_000)} after it. The rate is failed changes over changes; deploys that failed to go out are counted apart.`,
    toil: `Logged by hand, plus the acknowledger's time on each page (acknowledgement to resolution, at most ${capHours(PAGE_TOIL_CAP_MS)} a page) and each person's time in an incident (the declarer from the declaration, role holders while they held a role, to the resolution; at most ${capHours(INCIDENT_TOIL_CAP_MS)} a person an incident). A person's overlapping minutes count once. Over the cap means more than the cap's share of working time.`,
    pages:
      'E-mails that announced a page to a person (first notification, escalation, repeat) and were delivered, counted when delivered; not "resolved" e-mails, not undelivered ones. Out of hours: a notification outside the person\'s working hours. Pages opened: pages on the team\'s services opened in the period, whoever they notified; reaching none of its people: those that notified no one of the team.',
    noise: 'A page that neither an SLO burn-rate alert nor a critical alert justified.',
  };
}

/** Mon–Fri 09:00–17:00; Sun–Thu 10:00–18:00; Mon, Wed 08:00–12:00. */
export function formatWorkingHours(hours: WorkingHours): string {
  return `${formatDays(hours.days)} ${formatDailyHours(hours)}`;
}

function formatDailyHours(hours: DailyHours): string {
  return `${hours.start}–${hours.end}`;
}

/**
 * Days in week order, a run of three or more as first–last (a run may wrap past
 * Sunday: Sun–Thu); every day is "every day".
 */
function formatDays(days: readonly Weekday[]): string {
  const present = WEEKDAYS.map((day) => days.includes(day));
  const name = (index: number) => {
    const day = WEEKDAYS[index] ?? '';
    return `${day.charAt(0).toUpperCase()}${day.slice(1)}`;
  };
  const count = present.filter(Boolean).length;
  if (count === WEEKDAYS.length) return 'every day';
  const starts = present.flatMap((here, index) =>
    here && present[(index + WEEKDAYS.length - 1) % WEEKDAYS.length] !== true ? [index] : [],
  );
  const [start] = starts;
  if (starts.length === 1 && start !== undefined && count >= 3) {
    return `${name(start)}–${name((start + count - 1) % WEEKDAYS.length)}`;
  }
  return present.flatMap((here, index) => (here ? [name(index)] : [])).join(', ');
}

/** Met when the SLI reached the objective over the period (equal is met). */
export function sloCompliance(slo: Pick<SloFigures, 'objective' | 'sli'>): Compliance {
  if (slo.sli === undefined) return 'no-data';
  return slo.sli >= slo.objective ? 'met' : 'missed';
}

/** Failed deploys over deploys; undefined without deploys. */
export function changeFailureRate(changes: ChangeFigures): number | undefined {
  return changes.deploys === 0 ? undefined : changes.failedDeploys / changes.deploys;
}

export type PostmortemState = 'published' | 'in-progress' | 'none';

export interface IncidentPostmortem {
  readonly id: string;
  readonly severity: string;
  readonly postmortem: PostmortemState;
}

export const POSTMORTEM_REQUIRED_SEVERITIES: readonly string[] = ['SEV1', 'SEV2'];

/**
 * Postmortem figures of a service's incidents in the period: published and in
 * progress over all of them, missing over those of `requiredSeverities` only (a SEV4
 * without a write-up is not a gap), and the action items overdue at `atMs` (the period's
 * end, or now while it is not over): open then, though they may have been closed since.
 */
export function postmortemFigures(
  incidents: readonly IncidentPostmortem[],
  actionItems: readonly ActionItem[],
  atMs: number,
  requiredSeverities: readonly string[] = POSTMORTEM_REQUIRED_SEVERITIES,
): PostmortemFigures {
  const required = new Set(requiredSeverities);
  return {
    published: incidents.filter((i) => i.postmortem === 'published').length,
    inProgress: incidents.filter((i) => i.postmortem === 'in-progress').length,
    missing: incidents
      .filter((i) => i.postmortem === 'none' && required.has(i.severity))
      .map((i) => i.id)
      .sort(compareText),
    overdueActionItems: actionItems
      .filter((item) => overdueAt(item, atMs))
      .map((item) => ({
        id: item.id,
        incidentId: item.incidentId,
        title: item.title,
        owner: item.owner,
        dueAt: item.dueAt ?? atMs,
      }))
      .sort((a, b) => a.dueAt - b.dueAt || compareText(a.id, b.id)),
  };
}

/** Past due and still open at `atMs`: created by then and not closed by then. */
function overdueAt(item: ActionItem, atMs: number): boolean {
  if (item.dueAt === undefined || item.dueAt >= atMs || item.createdAt > atMs) return false;
  if (!isClosed(item)) return true;
  return item.closedAt !== undefined && item.closedAt > atMs;
}

/** The instant overdue action items are judged at: the period's end, or now before it. */
export function overdueAsOf(report: Pick<ReliabilityReport, 'period' | 'generatedAt'>): number {
  return Math.min(report.period.toMs, report.generatedAt);
}

// ---------------------------------------------------------------------------------
// The view both renderers draw: plain text only, escaped by each renderer.

type Tone = 'ok' | 'warn' | 'bad';

interface Bar {
  readonly label: string;
  /** On the chart's scale, 0..max; values outside are clamped when drawn. */
  readonly value: number;
  readonly text: string;
  readonly tone: Tone;
}

interface BarChart {
  readonly title: string;
  readonly max: number;
  readonly bars: readonly Bar[];
  readonly marker?: { readonly value: number; readonly label: string } | undefined;
}

type Block =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'warning'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'heading'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      /** Which columns hold numbers (right-aligned). */
      readonly numeric: readonly boolean[];
      readonly rows: readonly (readonly string[])[];
    }
  | { readonly kind: 'chart'; readonly chart: BarChart };

interface SectionView {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
}

interface ReportView {
  readonly title: string;
  readonly meta: readonly string[];
  readonly sections: readonly SectionView[];
}

const NONE = '—';

function ordered(report: ReliabilityReport): ReliabilityReport {
  return {
    ...report,
    services: [...report.services]
      .sort((a, b) => compareText(a.service, b.service))
      .map((service) => ({
        ...service,
        slos: [...service.slos].sort((a, b) => compareText(a.name, b.name)),
        burnAlerts: [...service.burnAlerts].sort((a, b) => compareText(a.severity, b.severity)),
      })),
  };
}

function reportView(input: ReliabilityReport): ReportView {
  const report = ordered(input);
  const { zone, known } = resolveZone(report.zone);
  const meta = [
    `Team: ${report.team}`,
    `Period: ${localMinute(report.period.fromMs, zone)} to ${localMinute(report.period.toMs, zone)} (${zone}, end exclusive)`,
    `Generated: ${localMinute(report.generatedAt, zone)} (${zone})`,
  ];
  if (!known) meta.push(`The zone ${report.zone} is unknown; times are shown in UTC.`);
  return {
    title: `Reliability report: ${report.team}`,
    meta,
    sections: [
      summarySection(report),
      sloSection(report),
      burnAlertSection(report),
      incidentSection(report),
      postmortemSection(report, zone),
      changeSection(report),
      toilSection(report, zone),
      onCallSection(report),
      definitionsSection(report),
    ],
  };
}

function summarySection(report: ReliabilityReport): SectionView {
  const slos = report.services.flatMap((s) => s.slos);
  const met = slos.filter((slo) => sloCompliance(slo) === 'met').length;
  const missed = slos.filter((slo) => sloCompliance(slo) === 'missed').length;
  const alerts = new Map<string, number>();
  for (const service of report.services) {
    for (const a of service.burnAlerts)
      alerts.set(a.severity, (alerts.get(a.severity) ?? 0) + a.count);
  }
  const alertTotal = [...alerts.values()].reduce((t, n) => t + n, 0);
  const alertParts = [...alerts]
    .sort(([a], [b]) => compareText(a, b))
    .map(([severity, count]) => `${severity} ${formatCount(count)}`);
  const total = (pick: (s: ServiceReliability) => number) =>
    report.services.reduce((t, s) => t + pick(s), 0);
  const deploys = total((s) => s.changes.deploys);
  const failed = total((s) => s.changes.failedDeploys);
  const failedToDeploy = total((s) => s.changes.failedToDeploy);
  const items = [
    `SLOs met: ${formatCount(met)} of ${formatCount(slos.length)} (${formatCount(missed)} missed, ${formatCount(slos.length - met - missed)} without data)`,
    `Burn alerts: ${formatCount(alertTotal)}${alertParts.length > 0 ? ` (${alertParts.join(', ')})` : ''}`,
    incidentSummary(report),
    `Postmortems missing (SEV1–SEV2): ${formatCount(new Set(report.services.flatMap((s) => s.postmortems.missing)).size)}; overdue action items: ${formatCount(total((s) => s.postmortems.overdueActionItems.length))}`,
    `Deploys: ${formatCount(deploys)}; change-failure rate ${deploys === 0 ? NONE : percent(failed / deploys, 1)}; failed to deploy ${formatCount(failedToDeploy)}; gate denials ${formatCount(total((s) => s.changes.gateDenials))}`,
  ];
  const toil = report.toil;
  if (toil !== undefined) {
    items.push(
      `Toil: ${toil.share === undefined ? NONE : percent(toil.share, 1)} of working time (${capText(toil)})${toil.overCap ? ', over the cap' : ''}`,
    );
  }
  const load = report.onCall;
  if (load !== undefined) {
    items.push(
      `Pages: ${formatCount(load.pagesReceived)}; out of hours ${formatCount(load.outOfHoursPages)}; nights interrupted ${formatCount(load.nightsInterrupted)}; noise ${formatCount(load.noisePages)}${load.noiseShare === undefined ? '' : ` (${percent(load.noiseShare, 1)})`}; opened for the team's services ${formatCount(load.pagesOpened)}, reaching none of its people ${formatCount(load.pagesReachingNoOne)}`,
    );
  }
  const blocks: Block[] = [{ kind: 'list', items }];
  if (toil?.warning !== undefined) blocks.push({ kind: 'warning', text: toil.warning });
  return { id: 'summary', title: 'Summary', blocks };
}

function incidentSummary(report: ReliabilityReport): string {
  const incidents = report.incidents;
  if (incidents === undefined) {
    // A report without the team's figures: per service, an incident on two services twice.
    const total = (pick: (s: ServiceReliability) => number) =>
      report.services.reduce((t, s) => t + pick(s), 0);
    return `Incidents on the services: ${formatCount(total((s) => s.incidents.count))} (${formatCount(total((s) => s.incidents.open))} open)`;
  }
  return `Incidents: ${formatCount(incidents.count)} (${formatCount(incidents.open)} open); MTTA ${optional(incidents.mttaMs, formatElapsed)}; MTTR ${optional(incidents.mttrMs, formatElapsed)}`;
}

function sloSection(report: ReliabilityReport): SectionView {
  const rows = report.services.flatMap((service) =>
    service.slos.map((slo) => [
      service.service,
      slo.name,
      percent(slo.objective, 3),
      slo.sli === undefined
        ? NONE
        : `${percent(slo.sli, 3)}${slo.sliBasis === 'window' ? ' (window)' : ''}`,
      COMPLIANCE_TEXT[sloCompliance(slo)],
      slo.budgetRemaining === undefined ? NONE : percent(slo.budgetRemaining, 1),
      optional(slo.budgetSpent, (v) => percent(v, 1)),
    ]),
  );
  if (rows.length === 0) {
    return {
      id: 'slos',
      title: 'Service level objectives',
      blocks: [{ kind: 'text', text: 'No SLOs.' }],
    };
  }
  const bars = report.services.flatMap((service) =>
    service.slos.map((slo): Bar => {
      const remaining = slo.budgetRemaining;
      return {
        label: `${service.service} / ${slo.name}`,
        value: Math.max(0, remaining ?? 0),
        text:
          remaining === undefined
            ? 'no data'
            : remaining < 0
              ? `${percent(remaining, 1)} (overspent)`
              : percent(remaining, 1),
        tone: remaining === undefined || remaining <= 0 ? 'bad' : remaining < 0.25 ? 'warn' : 'ok',
      };
    }),
  );
  return {
    id: 'slos',
    title: 'Service level objectives',
    blocks: [
      {
        kind: 'table',
        header: [
          'Service',
          'SLO',
          'Objective',
          'SLI over the period',
          'Compliance',
          'Budget left at the end',
          'Budget spent in the period',
        ],
        numeric: [false, false, true, true, false, true, true],
        rows,
      },
      ...(report.services.some((service) => service.slos.some((slo) => slo.sliBasis === 'window'))
        ? [
            {
              kind: 'text' as const,
              text: "SLIs marked (window) are read from Prometheus: they cover the SLO's own window at the period's end, not the period.",
            },
          ]
        : []),
      { kind: 'chart', chart: { title: 'Error budget remaining per SLO', max: 1, bars } },
    ],
  };
}

function burnAlertSection(report: ReliabilityReport): SectionView {
  const rows = report.services.flatMap((service) =>
    service.burnAlerts.map((a) => [service.service, a.severity, formatCount(a.count)]),
  );
  return {
    id: 'burn-alerts',
    title: 'Burn alerts',
    blocks:
      rows.length === 0
        ? [{ kind: 'text', text: 'No burn alerts.' }]
        : [
            {
              kind: 'table',
              header: ['Service', 'Severity', 'Alerts'],
              numeric: [false, false, true],
              rows,
            },
          ],
  };
}

function incidentSection(report: ReliabilityReport): SectionView {
  const rows = report.services.map((service) => [
    service.service,
    formatCount(service.incidents.count),
    formatCount(service.incidents.open),
    optional(service.incidents.mttaMs, formatElapsed),
    optional(service.incidents.mttrMs, formatElapsed),
  ]);
  return {
    id: 'incidents',
    title: 'Incidents',
    blocks:
      rows.length === 0
        ? [{ kind: 'text', text: 'No services.' }]
        : [
            {
              kind: 'table',
              header: ['Service', 'Incidents', 'Open', 'MTTA', 'MTTR'],
              numeric: [false, true, true, true, true],
              rows,
            },
          ],
  };
}

function postmortemSection(report: ReliabilityReport, zone: string): SectionView {
  const asOf = overdueAsOf(report);
  const blocks: Block[] = [];
  if (report.services.length > 0) {
    blocks.push({
      kind: 'table',
      header: ['Service', 'Published', 'In progress', 'Missing (SEV1–SEV2)'],
      numeric: [false, true, true, true],
      rows: report.services.map((s) => [
        s.service,
        formatCount(s.postmortems.published),
        formatCount(s.postmortems.inProgress),
        formatCount(s.postmortems.missing.length),
      ]),
    });
  }
  const missing = report.services
    .filter((s) => s.postmortems.missing.length > 0)
    .map((s) => `${s.service}: ${s.postmortems.missing.join(', ')}`);
  if (missing.length > 0) {
    blocks.push({ kind: 'heading', text: 'Missing postmortems' }, { kind: 'list', items: missing });
  }
  const overdue = report.services.flatMap((s) =>
    s.postmortems.overdueActionItems.map((item) => [
      s.service,
      item.title,
      item.incidentId,
      item.owner,
      localDate(item.dueAt, zone),
      formatElapsed(Math.max(0, asOf - item.dueAt)),
    ]),
  );
  blocks.push({
    kind: 'heading',
    text: `Overdue action items ${report.generatedAt < report.period.toMs ? 'now' : "at the period's end"} (${localMinute(asOf, zone)})`,
  });
  blocks.push(
    overdue.length === 0
      ? { kind: 'text', text: 'No overdue action items.' }
      : {
          kind: 'table',
          header: ['Service', 'Action item', 'Incident', 'Owner', 'Due', 'Overdue by'],
          numeric: [false, false, false, false, false, true],
          rows: overdue,
        },
  );
  return { id: 'postmortems', title: 'Postmortems', blocks };
}

function changeSection(report: ReliabilityReport): SectionView {
  const rows = report.services.map((s) => [
    s.service,
    formatCount(s.changes.deploys),
    formatCount(s.changes.failedDeploys),
    optional(changeFailureRate(s.changes), (v) => percent(v, 1)),
    formatCount(s.changes.failedToDeploy),
    formatCount(s.changes.gateDenials),
  ]);
  return {
    id: 'changes',
    title: 'Changes',
    blocks:
      rows.length === 0
        ? [{ kind: 'text', text: 'No services.' }]
        : [
            {
              kind: 'table',
              header: [
                'Service',
                'Deploys',
                'Change failures',
                'Change-failure rate',
                'Failed to deploy',
                'Gate denials',
              ],
              numeric: [false, true, true, true, true, true],
              rows,
            },
          ],
  };
}

/** "the team's cap of 40%", "a cap of 30% (asked for)", "the default cap of 50%". */
function capText(toil: Pick<ToilSummary, 'capPercent' | 'capSource'>): string {
  const percentText = `${trimNumber(toil.capPercent, 2)}%`;
  switch (toil.capSource) {
    case 'team':
      return `the team's cap of ${percentText}`;
    case 'request':
      return `a cap of ${percentText} (asked for)`;
    case 'default':
      return `the default cap of ${percentText}`;
  }
}

function toilSection(report: ReliabilityReport, zone: string): SectionView {
  const toil = report.toil;
  if (toil === undefined) {
    return { id: 'toil', title: 'Toil', blocks: [{ kind: 'text', text: 'No toil data.' }] };
  }
  const cap = toil.capPercent / 100;
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `Toil: ${hours(toil.toilMinutes)} of ${hours(toil.workingMinutes)} working time, ${toil.share === undefined ? NONE : percent(toil.share, 1)} against ${capText(toil)}.`,
    },
  ];
  if (toil.people.every((person) => person.workingMinutes === undefined)) {
    blocks.push({
      kind: 'text',
      text: `Team ${toil.team} has no members, so there is no working time to hold its toil against.`,
    });
  } else if (toil.workingToMs < toil.toMs) {
    blocks.push({
      kind: 'text',
      text: `The period is not over: working time is counted to ${localMinute(toil.workingToMs, zone)}.`,
    });
  }
  if (toil.warning !== undefined) blocks.push({ kind: 'warning', text: toil.warning });
  const tone = (share: number | undefined, over: boolean): Tone =>
    over ? 'bad' : share !== undefined && share > cap * 0.8 ? 'warn' : 'ok';
  const bars: Bar[] = [
    {
      label: `Team ${toil.team}`,
      value: toil.share ?? 0,
      text: toil.share === undefined ? NONE : percent(toil.share, 1),
      tone: tone(toil.share, toil.overCap),
    },
    ...toil.people.map((p): Bar => ({
      label: p.person,
      value: p.share ?? 0,
      text: p.share === undefined ? NONE : percent(p.share, 1),
      tone: tone(p.share, p.overCap),
    })),
  ];
  blocks.push({
    kind: 'chart',
    chart: {
      title: 'Toil share of working time against the cap',
      max: Math.max(1, cap, ...bars.map((b) => b.value)),
      bars,
      marker: { value: cap, label: `cap ${trimNumber(toil.capPercent, 2)}%` },
    },
  });
  const shareTable = (title: string, header: string, shares: readonly ToilShare[]): Block[] =>
    shares.length === 0
      ? []
      : [
          { kind: 'heading', text: title },
          {
            kind: 'table',
            header: [header, 'Toil', 'Share of toil'],
            numeric: [false, true, true],
            rows: shares.map((s) => [s.key, hours(s.minutes), percent(s.share, 1)]),
          },
        ];
  blocks.push(
    ...shareTable('Top categories', 'Category', toil.byCategory),
    ...shareTable('Top services', 'Service', toil.byService),
    ...shareTable('By source', 'Source', toil.bySource),
  );
  if (toil.people.length > 0) {
    blocks.push(
      { kind: 'heading', text: 'Per person' },
      {
        kind: 'table',
        header: ['Person', 'Toil', 'Working time', 'Share', 'Over cap'],
        numeric: [false, true, true, true, false],
        rows: toil.people.map((p) => [
          p.person,
          hours(p.toilMinutes),
          optional(p.workingMinutes, hours),
          optional(p.share, (v) => percent(v, 1)),
          p.workingMinutes === undefined ? NONE : p.overCap ? 'yes' : 'no',
        ]),
      },
    );
  }
  return { id: 'toil', title: 'Toil', blocks };
}

function onCallSection(report: ReliabilityReport): SectionView {
  const load = report.onCall;
  if (load === undefined) {
    return {
      id: 'on-call',
      title: 'On-call load',
      blocks: [{ kind: 'text', text: 'No on-call data.' }],
    };
  }
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `${counted(load.pagesReceived, 'page', 'pages')}; ${formatCount(load.outOfHoursPages)} out of hours; ${counted(load.nightsInterrupted, 'night', 'nights')} interrupted; ${formatCount(load.noisePages)} not justified by an SLO burn or a critical alert${load.noiseShare === undefined ? '' : ` (${percent(load.noiseShare, 1)})`}.`,
    },
  ];
  blocks.push({
    kind: 'text',
    text: `${counted(load.pagesOpened, 'page was', 'pages were')} opened for the team's services in the period.`,
  });
  if (load.pagesReachingNoOne > 0) {
    blocks.push({
      kind: 'warning',
      text: `${counted(load.pagesReachingNoOne, 'page', 'pages')} of the team's reached none of its people (no address, nobody of the team on the rota, or escalated to others): the figures here do not count them.`,
    });
    blocks.push({ kind: 'list', items: [load.reachingNoOnePageIds.join(', ')] });
  }
  if (load.undeliveredNotifications > 0) {
    blocks.push({
      kind: 'warning',
      text: `${counted(load.undeliveredNotifications, 'page notification', 'page notifications')} to the team never arrived (given up on after retries): check the addresses and the mail relay.`,
    });
  }
  if (load.people.length > 0) {
    blocks.push({
      kind: 'table',
      header: ['Person', 'Zone', 'Pages', 'Out of hours', 'Nights interrupted', 'Noise'],
      numeric: [false, false, true, true, true, true],
      rows: load.people.map((p) => [
        p.person,
        p.timeZone,
        formatCount(p.pagesReceived),
        formatCount(p.outOfHoursPages),
        formatCount(p.nightsInterrupted),
        formatCount(p.noisePages),
      ]),
    });
  }
  if (load.people.length > 0) {
    const bars = load.people.flatMap((p): Bar[] => [
      {
        label: `${p.person}: pages`,
        value: p.pagesReceived,
        text: formatCount(p.pagesReceived),
        tone: 'ok',
      },
      {
        label: `${p.person}: out of hours`,
        value: p.outOfHoursPages,
        text: formatCount(p.outOfHoursPages),
        tone: 'warn',
      },
      {
        label: `${p.person}: nights`,
        value: p.nightsInterrupted,
        text: formatCount(p.nightsInterrupted),
        tone: 'bad',
      },
    ]);
    blocks.push({
      kind: 'chart',
      chart: {
        title: 'Pages, out of hours and nights interrupted per person',
        max: Math.max(1, ...bars.map((bar) => bar.value)),
        bars,
      },
    });
  }
  if (load.noisePageIds.length > 0) {
    blocks.push(
      { kind: 'heading', text: 'Noise pages' },
      { kind: 'list', items: [load.noisePageIds.join(', ')] },
    );
  }
  return { id: 'on-call', title: 'On-call load', blocks };
}

function definitionsSection(report: ReliabilityReport): SectionView {
  const definitions = reportDefinitions(report);
  return {
    id: 'definitions',
    title: 'Definitions',
    blocks: [
      {
        kind: 'list',
        items: (Object.keys(DEFINITION_TITLES) as (keyof ReportDefinitions)[]).map(
          (key) => `${DEFINITION_TITLES[key]}: ${definitions[key]}`,
        ),
      },
    ],
  };
}

const COMPLIANCE_TEXT: Readonly<Record<Compliance, string>> = {
  met: 'Met',
  missed: 'Missed',
  'no-data': 'No data',
};

// ---------------------------------------------------------------------------------
// Formatting: no locale, no clock.

/** A fraction as a percentage with at most `decimals` decimals: 0.999 → 99.9%. */
export function percent(fraction: number, decimals: number): string {
  if (!Number.isFinite(fraction)) return NONE;
  const text = trimNumber(fraction * 100, decimals);
  return `${text === '-0' ? '0' : text}%`;
}

function counted(value: number, one: string, many: string): string {
  return `${formatCount(value)} ${value === 1 ? one : many}`;
}

function optional<T>(value: T | undefined, format: (value: T) => string): string {
  return value === undefined ? NONE : format(value);
}

function localMinute(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ');
}

function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
}

// ---------------------------------------------------------------------------------
// Markdown.

/**
 * Text inline in Markdown: `&`, `<`, `>` as entities (no raw HTML gets through), the
 * emphasis, code and link characters backslash-escaped, line breaks as spaces.
 */
function markdownText(text: string): string {
  return text
    .replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ')
    .replace(/[\\`*_[\]]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function markdownCell(text: string): string {
  const cell = markdownText(text.trim()).replace(/\|/g, '\\|');
  return cell === '' ? NONE : cell;
}

/** The report as GitHub-flavoured Markdown. */
export function renderReportMarkdown(report: ReliabilityReport): string {
  const view = reportView(report);
  const lines: string[] = [`# ${markdownText(view.title)}`, ''];
  for (const line of view.meta) lines.push(`- ${markdownText(line)}`);
  for (const section of view.sections) {
    lines.push('', `## ${markdownText(section.title)}`);
    for (const block of section.blocks) {
      switch (block.kind) {
        case 'text':
          lines.push('', markdownText(block.text));
          break;
        case 'warning':
          lines.push('', `> **Warning:** ${markdownText(block.text)}`);
          break;
        case 'heading':
          lines.push('', `### ${markdownText(block.text)}`);
          break;
        case 'list':
          lines.push('', ...block.items.map((item) => `- ${markdownText(item)}`));
          break;
        case 'table':
          lines.push(
            '',
            tableRow(block.header.map(markdownCell)),
            tableRow(block.numeric.map((numeric) => (numeric ? '---:' : '---'))),
            ...block.rows.map((row) => tableRow(row.map(markdownCell))),
          );
          break;
        case 'chart':
          // The tables beside a chart carry the same numbers; Markdown has no drawing.
          break;
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------
// HTML.

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --head: #f6f8fa;
  --track: #eff2f5; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --head: #151b23;
    --track: #262c36; --ok: #3fb950; --warn: #d29922; --bad: #f85149;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.6em; margin: 0 0 8px; }
h2 { font-size: 1.25em; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
.meta { color: var(--muted); margin: 0; padding: 0; list-style: none; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
.table-scroll { overflow-x: auto; }
th, td { border-bottom: 1px solid var(--border); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
/* A figure stays on one line; its column's heading may wrap, or the table outgrows the page. */
th.num { white-space: normal; }
.warning { border-left: 4px solid var(--bad); background: var(--head); padding: 8px 12px; margin: 8px 0; }
figure { margin: 8px 0 16px; }
figcaption { color: var(--muted); font-size: 0.9em; }
svg { max-width: 100%; height: auto; }
svg text { fill: var(--fg); font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg .track { fill: var(--track); }
svg .ok { fill: var(--ok); }
svg .warn { fill: var(--warn); }
svg .bad { fill: var(--bad); }
svg .marker { stroke: var(--bad); stroke-width: 2; stroke-dasharray: 4 3; }
@media print { body { background: #fff; color: #000; } }
`;

// Room for a 32-grapheme label on the left and "-100.0% (overspent)" on the right at
// 12px, about 7px a character at most.
const CHART = { width: 760, label: 250, bar: 340, row: 26, top: 8 } as const;

/** Fixed decimals for SVG geometry: the same text on every run. */
function coordinate(value: number): string {
  return trimNumber(value, 1);
}

// Graphemes, so a cut never splits an emoji or an accent from its letter; a fixed
// locale keeps the cut the same on every machine.
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** At most `length` graphemes, the last an ellipsis when cut: chart labels have a fixed width. */
function truncate(text: string, length: number): string {
  const graphemes = Array.from(GRAPHEMES.segment(text), (part) => part.segment);
  return graphemes.length <= length ? text : `${graphemes.slice(0, length - 1).join('')}…`;
}

function renderChart(chart: BarChart): string {
  const max = chart.max > 0 ? chart.max : 1;
  const scale = (value: number) => (Math.min(Math.max(value, 0), max) / max) * CHART.bar;
  const markerSpace = chart.marker === undefined ? 0 : 18;
  const height = CHART.top + markerSpace + chart.bars.length * CHART.row + 4;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" role="img" aria-label="${escapeHtml(chart.title)}">`,
    `<title>${escapeHtml(chart.title)}</title>`,
  ];
  chart.bars.forEach((bar, index) => {
    const y = CHART.top + markerSpace + index * CHART.row;
    parts.push(
      `<g><title>${escapeHtml(`${bar.label}: ${bar.text}`)}</title>`,
      `<text x="${CHART.label - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(truncate(bar.label, 32))}</text>`,
      `<rect class="track" x="${CHART.label}" y="${y + 4}" width="${CHART.bar}" height="16" rx="2"/>`,
      `<rect class="${bar.tone}" x="${CHART.label}" y="${y + 4}" width="${coordinate(scale(bar.value))}" height="16" rx="2"/>`,
      `<text x="${CHART.label + CHART.bar + 8}" y="${y + 16}">${escapeHtml(bar.text)}</text></g>`,
    );
  });
  if (chart.marker !== undefined) {
    const x = coordinate(CHART.label + scale(chart.marker.value));
    const bottom = height - 2;
    parts.push(
      `<line class="marker" x1="${x}" y1="${CHART.top + 12}" x2="${x}" y2="${bottom}"/>`,
      `<text x="${x}" y="${CHART.top + 8}" text-anchor="middle">${escapeHtml(chart.marker.label)}</text>`,
    );
  }
  parts.push('</svg>');
  return `<figure>${parts.join('')}<figcaption>${escapeHtml(chart.title)}</figcaption></figure>`;
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'text':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'warning':
      return `<p class="warning" role="alert"><strong>Warning:</strong> ${escapeHtml(block.text)}</p>`;
    case 'heading':
      return `<h3>${escapeHtml(block.text)}</h3>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'table': {
      const cls = (index: number) => (block.numeric[index] === true ? ' class="num"' : '');
      const head = block.header.map((h, i) => `<th scope="col"${cls(i)}>${escapeHtml(h)}</th>`);
      const rows = block.rows.map(
        (row) =>
          `<tr>${row.map((cell, i) => `<td${cls(i)}>${escapeHtml(cell === '' ? NONE : cell)}</td>`).join('')}</tr>`,
      );
      return `<div class="table-scroll"><table><thead><tr>${head.join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
    }
    case 'chart':
      return renderChart(block.chart);
  }
}

/**
 * The report as one self-contained HTML document: inline CSS that follows the
 * reader's light or dark preference, inline SVG charts, no script and nothing fetched.
 */
export function renderReportHtml(report: ReliabilityReport): string {
  const view = reportView(report);
  const body: string[] = [
    `<h1>${escapeHtml(view.title)}</h1>`,
    `<ul class="meta">${view.meta.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
  ];
  for (const section of view.sections) {
    body.push(
      `<section id="${section.id}">`,
      `<h2>${escapeHtml(section.title)}</h2>`,
      ...section.blocks.map(renderBlock),
      '</section>',
    );
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(view.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------
// JSON.

/** What survives JSON: undefined becomes null, optional fields are always present. */
export type JsonSafe<T> = T extends string | number | boolean | null
  ? T
  : T extends undefined
    ? null
    : T extends readonly (infer U)[]
      ? readonly JsonSafe<U>[]
      : { readonly [K in keyof T]-?: JsonSafe<T[K]> };

export interface SloJson extends JsonSafe<SloFigures> {
  readonly compliance: Compliance;
}

export interface ServiceJson extends JsonSafe<Omit<ServiceReliability, 'slos' | 'changes'>> {
  readonly slos: readonly SloJson[];
  readonly changes: JsonSafe<ChangeFigures> & { readonly changeFailureRate: number | null };
}

export interface ReliabilityReportJson extends JsonSafe<
  Omit<ReliabilityReport, 'services' | 'period'>
> {
  readonly period: ReportPeriod & { readonly from: string; readonly to: string };
  /** generatedAt as ISO 8601 in the report's zone. */
  readonly generatedAtLocal: string;
  readonly definitions: ReportDefinitions;
  readonly services: readonly ServiceJson[];
}

/**
 * The report as a plain JSON-safe object: the derived figures (compliance, budget
 * spent, change-failure rate) included, instants kept as epoch ms with ISO 8601
 * text beside the period and generation time, undefined as null, non-finite numbers
 * as null (JSON has none), services and SLOs in name order.
 */
export function reportJson(input: ReliabilityReport): ReliabilityReportJson {
  const report = ordered(input);
  const { zone } = resolveZone(report.zone);
  const iso = (ms: number) => DateTime.fromMillis(ms, { zone }).toISO() ?? '';
  const { services, period, ...rest } = report;
  const json: ReliabilityReportJson = {
    ...jsonSafe({ ...rest, incidents: rest.incidents, toil: rest.toil, onCall: rest.onCall }),
    period: {
      fromMs: period.fromMs,
      toMs: period.toMs,
      from: iso(period.fromMs),
      to: iso(period.toMs),
    },
    generatedAtLocal: iso(report.generatedAt),
    definitions: reportDefinitions(report),
    services: services.map((service): ServiceJson => ({
      ...jsonSafe(service),
      slos: service.slos.map((slo): SloJson => ({
        ...jsonSafe(slo),
        compliance: sloCompliance(slo),
      })),
      changes: {
        ...jsonSafe(service.changes),
        changeFailureRate: finiteOrNull(changeFailureRate(service.changes)),
      },
    })),
  };
  return json;
}

function finiteOrNull(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value + 0;
}

function jsonSafe<T>(value: T): JsonSafe<T> {
  return convert(value) as JsonSafe<T>;
}

function convert(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  // -0 would read back as 0: say 0 to begin with.
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(convert);
  if (typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) result[key] = convert(field);
    return result;
  }
  return null;
}
