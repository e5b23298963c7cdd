// Toil: the manual, interrupt-driven work that scales with the service and leaves
// nothing behind. Teams log it, pages and incidents add it on their own, and it is
// held against a cap on working time (50% by default, "at least half of their time on
// automation"), the way an SLO holds errors against a budget.
//
// Page and incident time is one person's wall-clock time, so it is counted once per
// person: when someone acknowledged a page and was in an incident over the same
// minutes, those minutes are one stretch of toil, not two. `countOnce` merges the
// intervals per person and gives each minute to one entry: an incident before a page
// (the page is usually how the incident started, and the incident names the work),
// then the earlier start, then the smaller id. Manual entries are a person's own
// account with no interval, so they are kept as written.
import { MINUTE_MS } from '../oncall/local-time.js';
import { formatCount } from '../postmortem/markdown.js';
import { workingMinutes, type PersonCalendar } from './working-time.js';

export type ToilSource = 'manual' | 'page' | 'incident';

export interface ToilEntry {
  readonly id: string;
  readonly team: string;
  readonly person: string;
  readonly service?: string | undefined;
  /** Free text (manual-ops, interrupt, toil-automation-debt, …); summaries normalise it. */
  readonly category: string;
  /** May be fractional for derived entries: they are measured to the millisecond. */
  readonly minutes: number;
  /** Epoch ms. For page and incident entries the start of [at, at + minutes). */
  readonly at: number;
  readonly description: string;
  readonly source: ToilSource;
}

const HOUR_MS = 60 * MINUTE_MS;

/** How long one acknowledged page counts at most: a page left open over a weekend is not 60 hours of work. */
export const PAGE_TOIL_CAP_MS = 12 * HOUR_MS;
/**
 * How long one person's part in one incident counts at most, for the same reason: an
 * incident resolved on Monday, or forgotten open, is not days of one person's work,
 * and uncapped it can make toil more than all of working time.
 */
export const INCIDENT_TOIL_CAP_MS = 12 * HOUR_MS;

export const PAGE_TOIL_CATEGORY = 'interrupt';
export const INCIDENT_TOIL_CATEGORY = 'incident-response';
/** The service key for toil logged without a service. */
export const NO_SERVICE = '(none)';

/** Lowercase, blanks and underscores as single hyphens: "Manual ops" and "manual_ops" are manual-ops. */
export function normaliseCategory(category: string): string {
  const normal = category
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return normal === '' ? 'uncategorised' : normal;
}

/** What toil needs of a page. */
export interface PageForToil {
  readonly id: string;
  readonly services: readonly string[];
  readonly team: string;
  readonly acknowledgedAt?: number | undefined;
  readonly acknowledgedBy?: string | undefined;
  readonly resolvedAt?: number | undefined;
}

export interface DerivedToilOptions {
  /** Epoch ms: open pages and incidents count up to here, and nothing counts after it. */
  readonly untilMs: number;
  /**
   * Each person's teams: their time counts to one of them (`teamOfWork`). A person
   * not in it (a machine, a deleted user) counts to the team that owns the work.
   */
  readonly teamsOfPerson?: ReadonlyMap<string, readonly string[]> | undefined;
  /** Most one page, or one person in one incident, counts; default PAGE_TOIL_CAP_MS and INCIDENT_TOIL_CAP_MS. */
  readonly capMs?: number | undefined;
  readonly category?: string | undefined;
}

/**
 * The team a person's page or incident time counts to. Toil is held against the
 * working time of the team's members, so time counts to a team the person is in:
 * one of `owningTeams` (the teams of the work's services, in their order) when they
 * are in it, else their only team, else the first of their teams in name order. A
 * person in no team leaves it with the first owning team: no one's working time
 * holds it then, but the owners still see the interruption.
 */
export function teamOfWork(
  personTeams: readonly string[],
  owningTeams: readonly string[],
): string | undefined {
  const owning = owningTeams.find((team) => personTeams.includes(team));
  if (owning !== undefined) return owning;
  return [...personTeams].sort(compareText)[0] ?? owningTeams[0];
}

/**
 * One entry per acknowledged page: the acknowledger's time from acknowledgement to
 * resolution, or to `untilMs` while open, capped at `capMs`. Unacknowledged pages
 * cost no one's time here (they cost sleep: see oncall-load.ts). The service is the
 * page's first, whichever team the time counts to (`teamOfWork`, `page.team` owning).
 */
export function toilFromPages(
  pages: readonly PageForToil[],
  options: DerivedToilOptions,
): ToilEntry[] {
  const cap = options.capMs ?? PAGE_TOIL_CAP_MS;
  const entries: ToilEntry[] = [];
  for (const page of pages) {
    const start = page.acknowledgedAt;
    const person = page.acknowledgedBy;
    if (start === undefined || person === undefined || person === '') continue;
    const end = Math.min(page.resolvedAt ?? options.untilMs, options.untilMs, start + cap);
    if (end <= start) continue;
    const team = teamOfWork(options.teamsOfPerson?.get(person) ?? [], [page.team]) ?? page.team;
    entries.push({
      id: `page:${page.id}:${person}`,
      team,
      person,
      service: page.services[0],
      category: options.category ?? PAGE_TOIL_CATEGORY,
      minutes: (end - start) / MINUTE_MS,
      at: start,
      description: `Page ${page.id}${page.resolvedAt === undefined ? ' (still open)' : ''}`,
      source: 'page',
    });
  }
  return entries;
}

/** A person in an incident; without joinedAt/leftAt, for the whole incident. */
export interface IncidentParticipant {
  readonly person: string;
  /** Incident commander, communications, ops, …: shown in the description. */
  readonly role?: string | undefined;
  /** The team the person's time counts to; default `teamOfWork` with the incident's teams owning. */
  readonly team?: string | undefined;
  readonly joinedAt?: number | undefined;
  readonly leftAt?: number | undefined;
}

export interface IncidentForToil {
  readonly id: string;
  readonly teams: readonly string[];
  readonly services?: readonly string[] | undefined;
  readonly people: readonly IncidentParticipant[];
  readonly startedAt: number;
  readonly resolvedAt?: number | undefined;
}

/**
 * Each involved person's time in each incident: from the later of the start and
 * joining to the earlier of resolution (or `untilMs`) and leaving, at most `capMs` in
 * all for the person in that incident (the earliest stretches kept). A person listed
 * more than once (two roles, or leaving and coming back) gets their stretches merged
 * within the incident, one entry per stretch. A person with no team and an incident
 * with none is left out: the toil would belong to no one's cap.
 */
export function toilFromIncidents(
  incidents: readonly IncidentForToil[],
  options: DerivedToilOptions,
): ToilEntry[] {
  const cap = options.capMs ?? INCIDENT_TOIL_CAP_MS;
  const entries: ToilEntry[] = [];
  for (const incident of incidents) {
    const incidentEnd = Math.min(incident.resolvedAt ?? options.untilMs, options.untilMs);
    const byPerson = new Map<string, { team: string; roles: Set<string>; spans: Span[] }>();
    for (const participant of incident.people) {
      const team =
        participant.team ??
        teamOfWork(options.teamsOfPerson?.get(participant.person) ?? [], incident.teams);
      if (team === undefined || participant.person === '') continue;
      const start = Math.max(incident.startedAt, participant.joinedAt ?? incident.startedAt);
      const end = Math.min(incidentEnd, participant.leftAt ?? incidentEnd);
      if (end <= start) continue;
      let person = byPerson.get(participant.person);
      if (person === undefined) {
        person = { team, roles: new Set(), spans: [] };
        byPerson.set(participant.person, person);
      }
      if (participant.role !== undefined && participant.role !== '') {
        person.roles.add(participant.role);
      }
      person.spans.push({ start, end });
    }
    for (const [name, person] of [...byPerson].sort(([a], [b]) => compareText(a, b))) {
      const spans = capSpans(mergeSpans(person.spans), cap);
      const roles = [...person.roles].sort(compareText);
      spans.forEach((span, index) => {
        entries.push({
          id: `incident:${incident.id}:${name}${spans.length > 1 ? `:${index + 1}` : ''}`,
          team: person.team,
          person: name,
          service: incident.services?.[0],
          category: options.category ?? INCIDENT_TOIL_CATEGORY,
          minutes: (span.end - span.start) / MINUTE_MS,
          at: span.start,
          description: `Incident ${incident.id}${roles.length > 0 ? ` (${roles.join(', ')})` : ''}`,
          source: 'incident',
        });
      });
    }
  }
  return entries;
}

/** A half-open interval of epoch ms, [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The union of half-open spans, sorted, touching spans joined. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ start: span.start, end: span.end });
  }
  return merged;
}

/** The earliest `capMs` of sorted, disjoint spans. */
function capSpans(spans: readonly Span[], capMs: number): Span[] {
  const kept: Span[] = [];
  let left = capMs;
  for (const span of spans) {
    if (left <= 0) break;
    const end = Math.min(span.end, span.start + left);
    kept.push({ start: span.start, end });
    left -= end - span.start;
  }
  return kept;
}

/** [at, at + minutes) of a page or incident entry. */
export function entrySpan(entry: ToilEntry): Span {
  return { start: entry.at, end: entry.at + Math.round(entry.minutes * MINUTE_MS) };
}

const isTimed = (entry: ToilEntry): boolean => entry.source !== 'manual';

/**
 * Page and incident entries with each person's overlapping minutes counted once (see
 * the top of the file for who keeps a shared minute). An entry that keeps all its
 * minutes comes back unchanged; one that loses some comes back as the pieces it kept,
 * ids suffixed #1, #2, …. Manual entries pass through. Idempotent; ordered by time,
 * then id.
 */
export function countOnce(entries: readonly ToilEntry[]): ToilEntry[] {
  const result: ToilEntry[] = entries.filter((entry) => !isTimed(entry));
  const byPerson = new Map<string, ToilEntry[]>();
  for (const entry of entries.filter(isTimed)) {
    const list = byPerson.get(entry.person);
    if (list === undefined) byPerson.set(entry.person, [entry]);
    else list.push(entry);
  }
  for (const list of byPerson.values()) result.push(...countPersonOnce(list));
  return result.sort((a, b) => a.at - b.at || compareText(a.id, b.id));
}

function countPersonOnce(entries: readonly ToilEntry[]): ToilEntry[] {
  const ranked = [...entries].sort(
    (a, b) =>
      (a.source === 'incident' ? 0 : 1) - (b.source === 'incident' ? 0 : 1) ||
      a.at - b.at ||
      compareText(a.id, b.id),
  );
  const spans = ranked.map(entrySpan);
  const bounds = [...new Set(spans.flatMap((span) => [span.start, span.end]))].sort(
    (a, b) => a - b,
  );
  const kept = ranked.map((): { start: number; end: number }[] => []);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i] ?? 0;
    const end = bounds[i + 1] ?? 0;
    const owner = spans.findIndex((span) => span.start <= start && span.end >= end);
    if (owner < 0) continue;
    const pieces = kept[owner] ?? [];
    const last = pieces[pieces.length - 1];
    if (last !== undefined && last.end === start) last.end = end;
    else pieces.push({ start, end });
  }
  return ranked.flatMap((entry, index) => {
    const pieces = kept[index] ?? [];
    const span = spans[index];
    const only = pieces[0];
    if (
      pieces.length === 1 &&
      only !== undefined &&
      span !== undefined &&
      only.start === span.start &&
      only.end === span.end
    ) {
      return [entry];
    }
    return pieces.map((piece, n) => ({
      ...entry,
      id: `${entry.id}#${n + 1}`,
      at: piece.start,
      minutes: (piece.end - piece.start) / MINUTE_MS,
    }));
  });
}

/**
 * Whose working time toil is held against. `flat`: each listed person works
 * `minutesPerPerson` in the period. `calendar`: each person's working hours in their
 * own zone over the period, DST included.
 */
export type WorkingTime =
  | {
      readonly kind: 'flat';
      readonly people: readonly string[];
      readonly minutesPerPerson: number;
    }
  | { readonly kind: 'calendar'; readonly people: readonly PersonCalendar[] };

export interface ToilSummaryOptions {
  readonly team: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly working: WorkingTime;
  /**
   * Epoch ms: calendar working time counts up to here at most (now, so a period not
   * over is not held against hours nobody has worked yet); default toMs.
   */
  readonly workingUntilMs?: number | undefined;
  /** Percent of working time toil may take; default 50. */
  readonly capPercent?: number | undefined;
  /** Where capPercent came from (`toilCap`); default 'request' when given, else 'default'. */
  readonly capSource?: ToilCapSource | undefined;
  /** How many categories and services to list; default 5. */
  readonly top?: number | undefined;
}

export const DEFAULT_TOIL_CAP_PERCENT = 50;

/** Who set the cap a summary holds toil against: the request, the team, or no one. */
export type ToilCapSource = 'request' | 'team' | 'default';

/** A request's cap overrides the team's own, which overrides the default 50 %. */
export function toilCap(
  requested: number | undefined,
  teams: number | null | undefined,
): { readonly percent: number; readonly source: ToilCapSource } {
  if (requested !== undefined) return { percent: requested, source: 'request' };
  if (teams !== null && teams !== undefined) return { percent: teams, source: 'team' };
  return { percent: DEFAULT_TOIL_CAP_PERCENT, source: 'default' };
}

/** A slice of the team's toil: a category, a service or a source. */
export interface ToilShare {
  readonly key: string;
  readonly minutes: number;
  /** Of the team's toil minutes, 0..1. */
  readonly share: number;
}

export interface PersonToil {
  readonly person: string;
  readonly toilMinutes: number;
  /** Undefined for someone who logged toil for the team but is not in its working time. */
  readonly workingMinutes: number | undefined;
  /** Of their working minutes, 0..; undefined without working minutes. */
  readonly share: number | undefined;
  /**
   * False for someone outside the team's working time: no cap of the team's holds their
   * time (the team's own figure does), and a commander's few seconds in an incident
   * should not read as "over the cap" beside the team's people.
   */
  readonly overCap: boolean;
}

export interface ToilSummary {
  readonly team: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly toilMinutes: number;
  readonly workingMinutes: number;
  /** Epoch ms: working time is counted in [fromMs, workingToMs); before toMs while the period is not over. */
  readonly workingToMs: number;
  /** toilMinutes / workingMinutes; undefined when the period has no working time. */
  readonly share: number | undefined;
  readonly capPercent: number;
  readonly capSource: ToilCapSource;
  /** Over the cap; also when toil was logged in a period without working time. */
  readonly overCap: boolean;
  readonly warning: string | undefined;
  /** Largest first, then by key; at most `top`. */
  readonly byCategory: readonly ToilShare[];
  readonly byService: readonly ToilShare[];
  /** manual, page, incident: those with toil, largest first. */
  readonly bySource: readonly ToilShare[];
  /** Everyone in the working time and everyone who logged toil, by name. */
  readonly people: readonly PersonToil[];
}

/**
 * The team's toil in [fromMs, toMs) against its working time. Page and incident time
 * is counted once per person (`countOnce`) and clipped to the period, so a night-long
 * incident across the boundary splits between two reports; a manual entry counts
 * whole in the period its `at` falls in. The merge runs over every team's entries
 * before this team's are picked: a person's minute is counted once, for the team of
 * the entry that keeps it. Over the cap means strictly more than
 * `capPercent` of working time, compared exactly (no rounding at the edge).
 */
export function toilSummary(
  entries: readonly ToilEntry[],
  options: ToilSummaryOptions,
): ToilSummary {
  const { team, fromMs, toMs } = options;
  const cap = options.capPercent ?? DEFAULT_TOIL_CAP_PERCENT;
  const top = options.top ?? 5;
  const counted: { entry: ToilEntry; minutes: number }[] = [];
  for (const entry of countOnce(entries)) {
    if (entry.team !== team) continue;
    const minutes = minutesInPeriod(entry, fromMs, toMs);
    if (minutes > 0) counted.push({ entry, minutes });
  }

  const workingToMs = Math.max(fromMs, Math.min(toMs, options.workingUntilMs ?? toMs));
  const working = new Map<string, number>();
  if (options.working.kind === 'flat') {
    for (const person of options.working.people) {
      working.set(person, Math.max(0, options.working.minutesPerPerson));
    }
  } else {
    for (const person of options.working.people) {
      if (!working.has(person.name)) {
        working.set(person.name, workingMinutes(person, fromMs, workingToMs));
      }
    }
  }
  const workingTotal = sum([...working.values()]);
  const toilTotal = sum(counted.map((c) => c.minutes));

  const toilByPerson = totals(counted, (c) => c.entry.person);
  const names = [...new Set([...working.keys(), ...toilByPerson.keys()])].sort(compareText);
  const people = names.map((person): PersonToil => {
    const toilMinutes = toilByPerson.get(person) ?? 0;
    const personWorking = working.get(person);
    return {
      person,
      toilMinutes,
      workingMinutes: personWorking,
      share:
        personWorking === undefined || personWorking === 0
          ? undefined
          : toilMinutes / personWorking,
      overCap: personWorking !== undefined && overCap(toilMinutes, personWorking, cap),
    };
  });

  const share = workingTotal === 0 ? undefined : toilTotal / workingTotal;
  const byCategory = shares(
    totals(counted, (c) => normaliseCategory(c.entry.category)),
    toilTotal,
  );
  const over = overCap(toilTotal, workingTotal, cap);
  return {
    team,
    fromMs,
    toMs,
    toilMinutes: toilTotal,
    workingMinutes: workingTotal,
    workingToMs,
    share,
    capPercent: cap,
    capSource: options.capSource ?? (options.capPercent === undefined ? 'default' : 'request'),
    overCap: over,
    warning: over ? capWarning(team, toilTotal, workingTotal, cap, byCategory[0]) : undefined,
    byCategory: byCategory.slice(0, top),
    byService: shares(
      totals(counted, (c) => c.entry.service ?? NO_SERVICE),
      toilTotal,
    ).slice(0, top),
    bySource: shares(
      totals(counted, (c) => c.entry.source),
      toilTotal,
    ),
    people,
  };
}

function minutesInPeriod(entry: ToilEntry, fromMs: number, toMs: number): number {
  if (!isTimed(entry))
    return entry.at >= fromMs && entry.at < toMs ? Math.max(0, entry.minutes) : 0;
  const span = entrySpan(entry);
  return Math.max(0, Math.min(span.end, toMs) - Math.max(span.start, fromMs)) / MINUTE_MS;
}

function overCap(toil: number, working: number, capPercent: number): boolean {
  if (working <= 0) return toil > 0;
  return toil * 100 > capPercent * working;
}

function capWarning(
  team: string,
  toil: number,
  working: number,
  cap: number,
  topCategory: ToilShare | undefined,
): string {
  const largest =
    topCategory === undefined
      ? ''
      : `; the largest category is ${topCategory.key} (${percent(topCategory.share)})`;
  if (working <= 0) {
    return `Team ${team} logged ${hours(toil)} of toil in a period without working time${largest}.`;
  }
  return `Toil took ${percent(toil / working)} of working time for team ${team} (${hours(toil)} of ${hours(working)}), over the ${cap}% cap${largest}.`;
}

function percent(fraction: number): string {
  return `${(Math.round(fraction * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;
}

/**
 * Toil and working time as every view prints them (report, CLI, warnings; the web UI
 * the same way): hours with one decimal and thousands separators, 1,234.5 h. Some
 * toil that rounds to none reads "< 0.1 h": "0 h of toil, over the cap" would not add up.
 */
export function hours(minutes: number): string {
  if (!Number.isFinite(minutes)) return '—';
  const tenths = Math.round(minutes / 6);
  if (tenths === 0 && minutes > 0) return '< 0.1 h';
  const whole = Math.trunc(tenths / 10);
  const rest = Math.abs(tenths % 10);
  const sign = tenths < 0 && whole === 0 ? '-' : '';
  return `${sign}${formatCount(whole)}${rest === 0 ? '' : `.${String(rest)}`} h`;
}

function totals<T extends { readonly minutes: number }>(
  items: readonly T[],
  key: (item: T) => string,
): Map<string, number> {
  const result = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    result.set(k, (result.get(k) ?? 0) + item.minutes);
  }
  return result;
}

function shares(byKey: ReadonlyMap<string, number>, total: number): ToilShare[] {
  return [...byKey]
    .map(([key, minutes]) => ({ key, minutes, share: total === 0 ? 0 : minutes / total }))
    .sort((a, b) => b.minutes - a.minutes || compareText(a.key, b.key));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
