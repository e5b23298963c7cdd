// What being on call costs each person: how often the phone rang, how often outside
// working hours, how many nights it woke them, and how many of those pages nothing
// justified ("everyone being on-call is expensive"; "people on-call during the
// night"). Load is felt when a person is notified, not when the page opened, so
// everything here is keyed on notification instants, read on the person's own clock.
import { isWorkingTime, sleepNightOf, type PersonCalendar } from './working-time.js';
import { compareText } from './toil.js';

export interface PageNotification {
  readonly person: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Why a page was worth waking someone: an SLO burning budget, or an alert marked critical. */
export interface PageJustification {
  readonly sloBurn: boolean;
  readonly critical: boolean;
}

export interface LoadPage {
  readonly id: string;
  readonly openedAt: number;
  readonly services: readonly string[];
  readonly severity: string;
  /**
   * Every delivered notification announcing the page to a person, escalations and
   * repeats included, at its delivery; not the message that it resolved.
   */
  readonly notifiedPeople: readonly PageNotification[];
  /**
   * Announcements that were given up on (bounced until out of attempts): they woke no
   * one, so they count only as undelivered, at the instant they were queued.
   */
  readonly undelivered?: readonly PageNotification[] | undefined;
  readonly justification: PageJustification;
  /** The team the page was opened for: pagesOpened counts the load's team's. */
  readonly team?: string | undefined;
}

/** A person on the rota; the same clock toil uses (sleepHours default 22:00–07:00). */
export type OnCallPerson = PersonCalendar;

export interface OnCallLoadOptions {
  readonly team: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface SeverityCount {
  readonly severity: string;
  readonly pages: number;
}

export interface PersonLoad {
  readonly person: string;
  readonly timeZone: string;
  /** Distinct pages that notified the person in the period. */
  readonly pagesReceived: number;
  /** Of those, pages with a notification outside the person's working hours. */
  readonly outOfHoursPages: number;
  /** Distinct local nights (by the date the night began) with a notification in sleep hours. */
  readonly nightsInterrupted: number;
  /** Those nights, yyyy-MM-dd, in order. */
  readonly nights: readonly string[];
  /** Of the pages received, those neither an SLO burn nor a critical alert justified. */
  readonly noisePages: number;
  /** Pages received per severity, by severity name. */
  readonly bySeverity: readonly SeverityCount[];
}

export interface TeamOnCallLoad {
  readonly team: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** Distinct pages that notified at least one person of the team. */
  readonly pagesReceived: number;
  /** Distinct pages out of hours for at least one person notified. */
  readonly outOfHoursPages: number;
  /** Person-nights: two people woken on one night are two nights interrupted. */
  readonly nightsInterrupted: number;
  /** Distinct noise pages among those received. */
  readonly noisePages: number;
  /** noisePages / pagesReceived; undefined without pages. */
  readonly noiseShare: number | undefined;
  readonly noisePageIds: readonly string[];
  /** Announcements to the team's people in the period that never reached them. */
  readonly undeliveredNotifications: number;
  /** Pages opened for the team in the period, whoever they notified. */
  readonly pagesOpened: number;
  /**
   * Of those, pages that notified none of the team's people (no address, no one on
   * the rota, escalation to another team): load the figures above cannot show.
   */
  readonly pagesReachingNoOne: number;
  /** Their ids, so that someone can look at each. */
  readonly reachingNoOnePageIds: readonly string[];
  /** Everyone given, by name, also those with no pages (a quiet week is worth showing). */
  readonly people: readonly PersonLoad[];
}

/** A page no SLO burn alert and no critical alert justified. */
export function isNoise(page: Pick<LoadPage, 'justification'>): boolean {
  return !page.justification.sloBurn && !page.justification.critical;
}

/**
 * The on-call load of `people` (the team) from pages' notifications in [fromMs, toMs).
 * A page counts once per person however often it re-notified them; it is out of
 * hours when any of its notifications to them was, and every notification during
 * sleep marks its night. Notifications of people not given are not the team's load.
 * A person listed twice counts once, as first listed.
 */
export function onCallLoad(
  pages: readonly LoadPage[],
  people: readonly OnCallPerson[],
  options: OnCallLoadOptions,
): TeamOnCallLoad {
  const { fromMs, toMs } = options;
  const roster = new Map<string, OnCallPerson>();
  for (const person of people) if (!roster.has(person.name)) roster.set(person.name, person);

  interface Tally {
    readonly pages: Set<string>;
    readonly outOfHours: Set<string>;
    readonly nights: Set<string>;
    readonly noise: Set<string>;
    readonly severity: Map<string, Set<string>>;
  }
  const tallies = new Map<string, Tally>();
  for (const name of roster.keys()) {
    tallies.set(name, {
      pages: new Set(),
      outOfHours: new Set(),
      nights: new Set(),
      noise: new Set(),
      severity: new Map(),
    });
  }
  const teamPages = new Set<string>();
  const teamOutOfHours = new Set<string>();
  const teamNoise = new Set<string>();
  let undelivered = 0;
  let opened = 0;
  const reachingNoOne: string[] = [];

  for (const page of pages) {
    if (page.team === options.team && page.openedAt >= fromMs && page.openedAt < toMs) {
      opened += 1;
      if (!page.notifiedPeople.some((notification) => roster.has(notification.person))) {
        reachingNoOne.push(page.id);
      }
    }
    for (const notification of page.undelivered ?? []) {
      if (notification.at < fromMs || notification.at >= toMs) continue;
      if (roster.has(notification.person)) undelivered += 1;
    }
    const noise = isNoise(page);
    for (const notification of page.notifiedPeople) {
      if (notification.at < fromMs || notification.at >= toMs) continue;
      const person = roster.get(notification.person);
      const tally = tallies.get(notification.person);
      if (person === undefined || tally === undefined) continue;
      tally.pages.add(page.id);
      teamPages.add(page.id);
      const severity = tally.severity.get(page.severity);
      if (severity === undefined) tally.severity.set(page.severity, new Set([page.id]));
      else severity.add(page.id);
      if (noise) {
        tally.noise.add(page.id);
        teamNoise.add(page.id);
      }
      if (!isWorkingTime(person, notification.at)) {
        tally.outOfHours.add(page.id);
        teamOutOfHours.add(page.id);
      }
      const night = sleepNightOf(person, notification.at);
      if (night !== undefined) tally.nights.add(night);
    }
  }

  const loads = [...roster.values()]
    .map((person): PersonLoad => {
      const tally = tallies.get(person.name);
      const nights = [...(tally?.nights ?? [])].sort(compareText);
      return {
        person: person.name,
        timeZone: person.timeZone,
        pagesReceived: tally?.pages.size ?? 0,
        outOfHoursPages: tally?.outOfHours.size ?? 0,
        nightsInterrupted: nights.length,
        nights,
        noisePages: tally?.noise.size ?? 0,
        bySeverity: [...(tally?.severity ?? [])]
          .map(([severity, ids]) => ({ severity, pages: ids.size }))
          .sort((a, b) => compareText(a.severity, b.severity)),
      };
    })
    .sort((a, b) => compareText(a.person, b.person));

  return {
    team: options.team,
    fromMs,
    toMs,
    pagesReceived: teamPages.size,
    outOfHoursPages: teamOutOfHours.size,
    nightsInterrupted: loads.reduce((total, load) => total + load.nightsInterrupted, 0),
    noisePages: teamNoise.size,
    noiseShare: teamPages.size === 0 ? undefined : teamNoise.size / teamPages.size,
    noisePageIds: [...teamNoise].sort(compareText),
    undeliveredNotifications: undelivered,
    pagesOpened: opened,
    pagesReachingNoOne: reachingNoOne.length,
    reachingNoOnePageIds: reachingNoOne.sort(compareText),
    people: loads,
  };
}
