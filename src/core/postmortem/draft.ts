// The first draft of a blameless postmortem, written from what the platform already
// knows about an incident (times, SLO impact, deploys, pages, timeline) so that people
// spend their time on what only they can write: the trigger, the root causes, what
// went well and poorly, and the action items. The sections follow the Google SRE book's
// template as PagerDuty's postmortem guide adapts it. Everything left to people carries
// the `TO_WRITE` marker, and the app refuses to publish while `unwrittenSections` finds one.
import { compareActionItems, type ActionItem, type ActionItemStatus } from './action-items.js';
import {
  documentLines,
  formatCount,
  formatDate,
  formatElapsed,
  formatInstant,
  oneLine,
  proseBlock,
  resolveZone,
  sectionsAt,
  table,
  trimNumber,
} from './markdown.js';

/**
 * What marks text people still have to write. Visible when rendered (bold, in square
 * brackets) so a reader of the draft sees the gaps, and always followed on the same line
 * by a hint of what to write. Its core, `[to write]`, is what `unwrittenSections` looks
 * for, case-insensitively, so removing the bold does not count as writing the section.
 */
export const TO_WRITE = '**[to write]**';

const MARKER = /\[to write\]/i;

/** The marker with its hint: `**[to write]** What set the incident off?` */
export function toWrite(hint: string): string {
  return `${TO_WRITE} ${hint}`;
}

/** How `unwrittenSections` names the block between the title and the first `##` heading. */
export const PREAMBLE_SECTION = 'Metadata';

/** Deploys this long before the start are what the draft calls "shortly before". */
export const DEFAULT_DEPLOY_LOOKBACK_MS = 24 * 60 * 60 * 1000;

export interface IncidentRole {
  /** As shown to people: "Incident commander", "Communications lead". */
  readonly role: string;
  readonly person: string;
}

export interface PostmortemIncident {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  /** What the severity means in this organisation, e.g. "Major customer impact". */
  readonly severityMeaning?: string | undefined;
  /** The incident's status when the draft is written (resolved, mitigated, …). */
  readonly status: string;
  readonly services: readonly string[];
  readonly teams: readonly string[];
  readonly summary?: string | undefined;
  readonly roles: readonly IncidentRole[];
  readonly declaredBy: string;
  /** Epoch ms at which the impact began. */
  readonly startedAt: number;
  readonly detectedAt: number;
  readonly acknowledgedAt?: number | undefined;
  readonly mitigatedAt?: number | undefined;
  readonly resolvedAt?: number | undefined;
  /** As the incident recorded them; when absent the draft derives them (see `impactSection`). */
  readonly timeToAcknowledgeMs?: number | undefined;
  readonly timeToMitigateMs?: number | undefined;
  readonly timeToResolveMs?: number | undefined;
}

export interface PostmortemTimelineEntry {
  readonly at: number;
  /**
   * Where the entry came from: free text, but `status` (status updates) and `mitigation`
   * entries always become resolution steps; others do when their text reads like an
   * action taken (rolled back, restarted, failed over, …).
   */
  readonly source: string;
  readonly text: string;
  readonly actor?: string | undefined;
}

export interface SloImpact {
  readonly slo: string;
  readonly service: string;
  /** 99.9 for a 99.9 % objective. */
  readonly objectivePercent: number;
  readonly badEvents: number;
  readonly totalEvents: number;
  /** Share of the SLO window's error budget consumed during the incident (0.25 = 25 %). */
  readonly budgetConsumedFraction: number;
  /** Share of the budget left when the incident ended; null or absent when unknown. */
  readonly remainingFractionAtEnd?: number | null | undefined;
}

export interface ContributingDeploy {
  readonly service: string;
  readonly version?: string | undefined;
  readonly commit?: string | undefined;
  readonly at: number;
  readonly status: string;
  readonly actor?: string | undefined;
  readonly rollback: boolean;
}

export interface PostmortemPage {
  readonly id: string;
  readonly summary: string;
  readonly openedAt: number;
  readonly acknowledgedAt?: number | undefined;
  readonly acknowledgedBy?: string | undefined;
  readonly firstAlert?: { readonly name: string; readonly source: string } | undefined;
}

export interface PostmortemFacts {
  readonly incident: PostmortemIncident;
  readonly timeline: readonly PostmortemTimelineEntry[];
  readonly sloImpacts: readonly SloImpact[];
  /** Deploys to the impacted services shortly before the start (and rollbacks during it). */
  readonly contributingDeploys: readonly ContributingDeploy[];
  readonly pages: readonly PostmortemPage[];
  /** Notes responders wrote during the incident, shown under the timeline. */
  readonly notes?: readonly string[] | undefined;
  /** Action items that already exist for the incident. */
  readonly actionItems?: readonly ActionItem[] | undefined;
  /** IANA zone every instant is shown in; UTC by default or when unknown. */
  readonly timeZone?: string | undefined;
  /** How far back `contributingDeploys` looked, for the "none within …" sentence. */
  readonly deployLookbackMs?: number | undefined;
  readonly generatedAt: number;
}

/** The `##` sections of a draft, in order. */
export const POSTMORTEM_SECTIONS = [
  'Summary',
  'Impact',
  'SLOs and error budget',
  'Timeline',
  'Contributing deploys',
  'Detection',
  'Response',
  'Trigger',
  'Root causes',
  'What went well',
  'What went poorly',
  'Where we got lucky',
  'Action items',
  'Lessons learned',
] as const;

export const RESOLUTION_STEPS_HEADING = 'Resolution steps';
/** The label of the Detection line the runbook draft reads its "When to use" from. */
export const FIRST_SIGNAL_LABEL = 'First signal:';

/** The postmortem draft as Markdown; the same facts always give the same text. */
export function draftPostmortem(facts: PostmortemFacts): string {
  const { zone, known } = resolveZone(facts.timeZone);
  const ctx: Context = { facts, zone, at: (ms) => formatInstant(ms, zone) };
  const zoneNote = known
    ? `Times are in ${zone}.`
    : `Times are in UTC (the time zone "${facts.timeZone ?? ''}" is unknown).`;
  const blocks: string[][] = [
    header(ctx),
    section('Summary', summarySection(ctx)),
    section('Impact', [zoneNote, '', ...impactSection(ctx)]),
    section('SLOs and error budget', sloSection(ctx)),
    section('Timeline', timelineSection(ctx)),
    section('Contributing deploys', deploysSection(ctx)),
    section('Detection', detectionSection(ctx)),
    section('Response', responseSection(ctx)),
    section('Trigger', [
      toWrite(
        'What set the incident off: a change, a traffic pattern, a dependency? The contributing deploys above are a place to start.',
      ),
    ]),
    section('Root causes', [
      toWrite(
        'Why could the trigger have this impact? Keep asking why until you reach conditions the team can change; there is usually more than one.',
      ),
    ]),
    section('What went well', [
      toWrite('What helped: alerts, dashboards, runbooks, tools, how the response was organised.'),
    ]),
    section('What went poorly', [
      toWrite('Where did systems, tools or processes make detection or response harder?'),
    ]),
    section('Where we got lucky', [
      toWrite('What limited the impact by chance rather than by design?'),
    ]),
    section('Action items', actionItemsSection(ctx)),
    section('Lessons learned', [
      toWrite('What does the team know now that it did not know before?'),
    ]),
  ];
  return `${blocks.map((block) => block.join('\n')).join('\n\n')}\n`;
}

/**
 * The `##` headings whose body still holds the `TO_WRITE` marker, in document order;
 * marker text in fenced code does not count. A marker before the first `##` heading
 * (the metadata block) is reported as `PREAMBLE_SECTION`.
 */
export function unwrittenSections(markdown: string): string[] {
  const found: string[] = [];
  let seenSection = false;
  for (const { heading, body } of sectionsAt(documentLines(markdown), 2)) {
    const name = heading ?? (seenSection ? titleOf(body) : PREAMBLE_SECTION) ?? PREAMBLE_SECTION;
    if (heading !== null) seenSection = true;
    if (body.some((line) => !line.code && MARKER.test(line.text)) && !found.includes(name))
      found.push(name);
  }
  return found;
}

// After the `##` sections began, a block without one starts at a `#` heading: its name.
function titleOf(body: readonly { text: string }[]): string | null {
  const first = body[0]?.text ?? '';
  const match = /^ {0,3}#[ \t]+(.*?)[ \t#]*$/.exec(first);
  return match?.[1] ?? null;
}

interface Context {
  readonly facts: PostmortemFacts;
  readonly zone: string;
  readonly at: (ms: number) => string;
}

function section(heading: string, body: readonly string[]): string[] {
  return [`## ${heading}`, '', ...body];
}

function header({ facts, zone, at }: Context): string[] {
  const { incident } = facts;
  const severity =
    incident.severityMeaning === undefined || incident.severityMeaning.trim() === ''
      ? incident.severity
      : `${incident.severity} (${oneLine(incident.severityMeaning)})`;
  return [
    `# Postmortem: ${oneLine(incident.id)} — ${oneLine(incident.title)}`,
    '',
    '- **Postmortem status:** Draft',
    `- **Incident:** ${oneLine(incident.id)}, severity ${oneLine(severity)}, ${oneLine(incident.status)}`,
    `- **Date:** ${formatDate(incident.startedAt, zone)}`,
    `- **Authors:** ${toWrite('who wrote this postmortem.')}`,
    `- **Services:** ${list(incident.services)}`,
    `- **Teams:** ${list(incident.teams)}`,
    `- **Draft generated:** ${at(facts.generatedAt)}, from the incident record`,
  ];
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'none recorded' : items.map(oneLine).join(', ');
}

function summarySection({ facts }: Context): string[] {
  const summary = facts.incident.summary?.trim() ?? '';
  if (summary !== '') return [proseBlock(summary)];
  return [
    toWrite('In two or three sentences: what happened, who was affected, and how it was resolved.'),
  ];
}

/**
 * The moments of the incident and the durations between them. Recorded durations win;
 * otherwise time to acknowledge runs from detection, and time to mitigate and to resolve
 * run from the start, as the impact does.
 */
function impactSection({ facts, at }: Context): string[] {
  const { incident } = facts;
  const start = incident.startedAt;
  const moment = (label: string, ms: number | undefined, pending: string): string[] =>
    ms === undefined
      ? [label, pending, '—']
      : [label, at(ms), ms === start ? '—' : formatElapsed(ms - start)];
  const rows = [
    moment('Started', start, '—'),
    moment('Detected', incident.detectedAt, '—'),
    moment('Acknowledged', incident.acknowledgedAt, 'not acknowledged'),
    moment('Mitigated', incident.mitigatedAt, 'not mitigated yet'),
    moment('Resolved', incident.resolvedAt, 'not resolved yet'),
  ];
  const since = (from: number, to: number | undefined): number | undefined =>
    to === undefined ? undefined : to - from;
  const duration = (ms: number | undefined, pending: string): string =>
    ms === undefined ? pending : formatElapsed(ms);
  const end = incident.mitigatedAt ?? incident.resolvedAt;
  const impact =
    end === undefined
      ? `ongoing when this draft was generated (${formatElapsed(facts.generatedAt - start)} so far)`
      : `${formatElapsed(end - start)} (start to ${incident.mitigatedAt === undefined ? 'resolution' : 'mitigation'})`;
  return [
    ...table(['Moment', 'Time', 'Since start'], rows),
    '',
    `- **Time to detect:** ${formatElapsed(incident.detectedAt - start)}`,
    `- **Time to acknowledge:** ${duration(incident.timeToAcknowledgeMs ?? since(incident.detectedAt, incident.acknowledgedAt), 'not acknowledged')}`,
    `- **Time to mitigate:** ${duration(incident.timeToMitigateMs ?? since(start, incident.mitigatedAt), 'not mitigated yet')}`,
    `- **Time to resolve:** ${duration(incident.timeToResolveMs ?? since(start, incident.resolvedAt), 'not resolved yet')}`,
    `- **Duration of impact:** ${impact}`,
    '',
    toWrite(
      'What users saw and how many were affected: which requests, regions or customers, and any data or money involved.',
    ),
  ];
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}

function sloSection({ facts }: Context): string[] {
  if (facts.sloImpacts.length === 0)
    return ['No SLO of the impacted services recorded bad events during the incident.'];
  // Most budget consumed first: the SLO readers care about most leads.
  const impacts = [...facts.sloImpacts].sort(
    (a, b) =>
      b.budgetConsumedFraction - a.budgetConsumedFraction ||
      compareText(a.service, b.service) ||
      compareText(a.slo, b.slo),
  );
  const lines: string[] = [];
  for (const impact of impacts) {
    const share =
      impact.totalEvents > 0
        ? ` (${percent(impact.badEvents / impact.totalEvents)} of events)`
        : '';
    const remaining =
      impact.remainingFractionAtEnd === undefined || impact.remainingFractionAtEnd === null
        ? 'unknown'
        : impact.remainingFractionAtEnd < 0
          ? `${percent(impact.remainingFractionAtEnd)} (exhausted)`
          : percent(impact.remainingFractionAtEnd);
    if (lines.length > 0) lines.push('');
    lines.push(
      `### ${oneLine(impact.slo)} (${oneLine(impact.service)})`,
      '',
      ...table(
        ['Measure', 'Value'],
        [
          ['Objective', `${trimNumber(impact.objectivePercent, 4)} %`],
          [
            'Bad events',
            `${formatCount(impact.badEvents)} of ${formatCount(impact.totalEvents)}${share}`,
          ],
          ['Error budget consumed', percent(impact.budgetConsumedFraction)],
          ['Error budget remaining at the end', remaining],
        ],
      ),
    );
  }
  return lines;
}

// Stable by time: entries at the same instant keep the order they were recorded in.
function sortedTimeline(facts: PostmortemFacts): PostmortemTimelineEntry[] {
  return [...facts.timeline].sort((a, b) => a.at - b.at);
}

function withActor(text: string, actor: string | undefined): string {
  return actor === undefined || actor.trim() === '' ? text : `${text} — ${actor.trim()}`;
}

function timelineSection({ facts, at }: Context): string[] {
  const entries = sortedTimeline(facts);
  const lines =
    entries.length === 0
      ? [toWrite('What happened, when: nothing was recorded during the incident.')]
      : table(
          ['Time', 'Source', 'What happened'],
          entries.map((entry) => [at(entry.at), entry.source, withActor(entry.text, entry.actor)]),
        );
  const notes = (facts.notes ?? []).map((note) => note.trim()).filter((note) => note !== '');
  if (notes.length > 0)
    lines.push('', '### Notes from the response', '', ...notes.map((note) => `- ${oneLine(note)}`));
  return lines;
}

function deploysSection({ facts, at }: Context): string[] {
  const lookback = facts.deployLookbackMs ?? DEFAULT_DEPLOY_LOOKBACK_MS;
  const start = facts.incident.startedAt;
  if (facts.contributingDeploys.length === 0)
    return [
      `No deploys to the impacted services within ${formatElapsed(lookback)} before the start.`,
    ];
  const deploys = [...facts.contributingDeploys].sort(
    (a, b) => a.at - b.at || compareText(a.service, b.service),
  );
  return [
    `Deploys to the impacted services in the ${formatElapsed(lookback)} before the start:`,
    '',
    ...table(
      ['Time', 'Relative to start', 'Service', 'Version', 'Commit', 'Status', 'By', 'Rollback'],
      deploys.map((deploy) => [
        at(deploy.at),
        relative(deploy.at - start),
        deploy.service,
        deploy.version ?? '',
        deploy.commit ?? '',
        deploy.status,
        deploy.actor ?? '',
        deploy.rollback ? 'yes' : 'no',
      ]),
    ),
  ];
}

function relative(ms: number): string {
  if (ms === 0) return 'at the start';
  return ms < 0 ? `${formatElapsed(-ms)} before` : `${formatElapsed(ms)} after`;
}

function detectionSection({ facts, at }: Context): string[] {
  const { incident } = facts;
  const pages = [...facts.pages].sort((a, b) => a.openedAt - b.openedAt || compareText(a.id, b.id));
  const detect = `Detected at ${at(incident.detectedAt)}, ${formatElapsed(incident.detectedAt - incident.startedAt)} after the start.`;
  const first = pages[0];
  if (first === undefined)
    return [
      `**${FIRST_SIGNAL_LABEL}** no page was opened; ${oneLine(incident.declaredBy)} declared the incident.`,
      '',
      detect,
      '',
      toWrite('How was the problem noticed, and what alert would have caught it sooner?'),
    ];
  const alert =
    first.firstAlert === undefined
      ? ''
      : `, from the alert \`${oneLine(first.firstAlert.name).replace(/`/g, "'")}\` (${oneLine(first.firstAlert.source)})`;
  return [
    `**${FIRST_SIGNAL_LABEL}** page ${oneLine(first.id)} "${oneLine(first.summary)}" opened at ${at(first.openedAt)}${alert}.`,
    '',
    detect,
    '',
    ...table(
      ['Page', 'Summary', 'Opened', 'Acknowledged', 'By', 'First alert'],
      pages.map((page) => [
        page.id,
        page.summary,
        at(page.openedAt),
        page.acknowledgedAt === undefined
          ? 'not acknowledged'
          : `${at(page.acknowledgedAt)} (after ${formatElapsed(page.acknowledgedAt - page.openedAt)})`,
        page.acknowledgedBy ?? '',
        page.firstAlert === undefined ? '' : `${page.firstAlert.name} (${page.firstAlert.source})`,
      ]),
    ),
  ];
}

function responders(facts: PostmortemFacts): string[] {
  const seen = new Set<string>();
  const add = (person: string | undefined): void => {
    const name = person?.trim() ?? '';
    if (name !== '') seen.add(name);
  };
  add(facts.incident.declaredBy);
  for (const role of facts.incident.roles) add(role.person);
  for (const page of [...facts.pages].sort((a, b) => a.openedAt - b.openedAt))
    add(page.acknowledgedBy);
  for (const entry of sortedTimeline(facts)) add(entry.actor);
  return [...seen];
}

const MITIGATION_SOURCES = new Set(['status', 'mitigation']);
const MITIGATION_TEXT =
  /\b(?:roll(?:s|ed|ing)?[ -]?back|rollback|revert(?:s|ed|ing)?|mitigat\w*|fail(?:s|ed|ing)?[ -]?over|failover|restart(?:s|ed|ing)?|reboot(?:s|ed|ing)?|scal(?:e|es|ed|ing) (?:up|out|down|back)|disabl(?:e|es|ed|ing)|turn(?:s|ed)? off|drain(?:s|ed|ing)?|flush(?:es|ed|ing)?|purg(?:e|es|ed|ing)|hotfix\w*|redeploy\w*|throttl\w*|rate[- ]limit\w*|block(?:s|ed|ing)?|pause[ds]?|killed)\b/i;

/** The timeline's actions and status updates since the start, then rollbacks not already in it. */
function resolutionSteps({ facts, at }: Context): string[] {
  const start = facts.incident.startedAt;
  const entries = sortedTimeline(facts).filter(
    (entry) =>
      entry.at >= start &&
      (MITIGATION_SOURCES.has(entry.source.trim().toLowerCase()) ||
        MITIGATION_TEXT.test(entry.text)),
  );
  const steps = entries.map((entry) => ({ at: entry.at, text: entry.text, actor: entry.actor }));
  for (const deploy of facts.contributingDeploys) {
    if (!deploy.rollback || steps.some((step) => step.at === deploy.at)) continue;
    const to = deploy.version === undefined ? '' : ` to ${deploy.version}`;
    steps.push({
      at: deploy.at,
      text: `Rolled back ${deploy.service}${to} (${deploy.status})`,
      actor: deploy.actor,
    });
  }
  steps.sort((a, b) => a.at - b.at);
  return steps.map((step) => {
    const by =
      step.actor === undefined || step.actor.trim() === '' ? '' : `, by ${oneLine(step.actor)}`;
    return `${oneLine(step.text)} _(at ${at(step.at)}${by})_`;
  });
}

function responseSection(ctx: Context): string[] {
  const { facts } = ctx;
  const { incident } = facts;
  const roles =
    incident.roles.length === 0
      ? ['- **Roles:** none assigned']
      : [
          '- **Roles:**',
          ...incident.roles.map((role) => `  - ${oneLine(role.role)}: ${oneLine(role.person)}`),
        ];
  const tta =
    incident.timeToAcknowledgeMs ??
    (incident.acknowledgedAt === undefined
      ? undefined
      : incident.acknowledgedAt - incident.detectedAt);
  const steps = resolutionSteps(ctx);
  return [
    `- **Declared by:** ${oneLine(incident.declaredBy)}`,
    ...roles,
    `- **Responders:** ${list(responders(facts))}`,
    `- **Time to acknowledge:** ${tta === undefined ? 'not acknowledged' : formatElapsed(tta)}`,
    '',
    `### ${RESOLUTION_STEPS_HEADING}`,
    '',
    ...[
      ...steps,
      toWrite(
        'Complete the steps that mitigated and resolved the incident, in order, with what each one did; they become the runbook draft.',
      ),
    ].map((step, index) => `${index + 1}. ${step}`),
  ];
}

const STATUS_TEXT: Readonly<Record<ActionItemStatus, string>> = {
  open: 'open',
  'in-progress': 'in progress',
  done: 'done',
  'wont-do': "won't do",
};

function actionItemsSection({ facts, zone }: Context): string[] {
  const header = ['Action', 'Owner', 'Priority', 'Due', 'Status'];
  const items = [...(facts.actionItems ?? [])].sort(compareActionItems);
  if (items.length === 0)
    return table(header, [
      [
        toWrite(
          'What will make this less likely or less severe: one row per action, with an owner.',
        ),
        '',
        '',
        '',
        '',
      ],
    ]);
  return table(
    header,
    items.map((item) => [
      item.title,
      item.owner,
      item.priority,
      item.dueAt === undefined ? '' : formatDate(item.dueAt, zone),
      STATUS_TEXT[item.status],
    ]),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
