// The one shape every alert takes inside Headroom, whichever wire format brought it:
// grouping, dedup and escalation read only this.

/**
 * `incident`: Headroom paging the incident-response rotation for an incident;
 * `heartbeat`: a cron job's check that went down.
 */
export const ALERT_SOURCES = [
  'alertmanager',
  'pagerduty',
  'webhook',
  'burn-rate',
  'incident',
  'heartbeat',
] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

export const ALERT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** PagerDuty's four levels (PD-CEF), most severe first; every format maps onto them. */
export const ALERT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface AlertLink {
  readonly href: string;
  readonly text: string | undefined;
}

export interface IncomingAlert {
  readonly source: AlertSource;
  /**
   * The integration (ingest endpoint or key) it came in through. Dedup keys are scoped
   * to it, as PagerDuty scopes them to the routing key: two senders that both say
   * `dedup_key: "disk"` mean two different alerts.
   */
  readonly integration: string | undefined;
  readonly dedupKey: string;
  /** The sender's own group (Alertmanager's `groupKey`), when it has one. */
  readonly senderGroup: string | undefined;
  /**
   * The Alertmanager group it came from, whichever of Alertmanager's channels carried
   * it: the SHA-256 of the group key, which Alertmanager sends as the `dedup_key` of
   * its PagerDuty events. One group sent both ways is one problem.
   */
  readonly alertmanagerGroup?: string | undefined;
  readonly action: AlertAction;
  readonly summary: string;
  readonly severity: AlertSeverity;
  /** The service it names, as sent; whether such a service exists is for the caller. */
  readonly service: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly runbookUrl: string | undefined;
  /** Epoch ms: when the sender says the problem started (or, lacking that, arrival). */
  readonly startsAt: number;
  /** Epoch ms: when it ended; only for a resolve. */
  readonly endsAt: number | undefined;
  readonly links: readonly AlertLink[];
}

/** The alerts of one message, and whether the sender's whole group resolved. */
export interface AlertBatch {
  readonly alerts: readonly IncomingAlert[];
  /**
   * Set when the message says its whole group resolved: every alert of that group is
   * resolved, also those the message does not list (cut by `max_alerts`, or delivered
   * as resolved earlier). Alertmanager's group status is the truth, not the alerts of
   * the last post (see research/alertmanager-observed.md, "Partial resolve").
   */
  readonly resolvedGroup: SenderGroupRef | undefined;
}

export interface SenderGroupRef {
  readonly source: AlertSource;
  readonly integration: string | undefined;
  readonly senderGroup: string;
}

/** Which open alert an incoming one refers to: source, integration and dedup key. */
export function alertIdentity(
  alert: Pick<IncomingAlert, 'source' | 'integration' | 'dedupKey'>,
): string {
  return `${alert.source}\u0000${alert.integration ?? ''}\u0000${alert.dedupKey}`;
}

// Severity words seen in the wild (Prometheus rule labels, syslog levels, P1–P5,
// SEV1–SEV5, Sloth and Headroom's page/ticket), mapped onto the four levels.
const SEVERITY_WORDS: Readonly<Record<string, AlertSeverity>> = {
  critical: 'critical',
  crit: 'critical',
  page: 'critical',
  emergency: 'critical',
  emerg: 'critical',
  alert: 'critical',
  fatal: 'critical',
  disaster: 'critical',
  p1: 'critical',
  sev1: 'critical',
  error: 'error',
  err: 'error',
  high: 'error',
  major: 'error',
  p2: 'error',
  sev2: 'error',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  minor: 'warning',
  ticket: 'warning',
  p3: 'warning',
  sev3: 'warning',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  low: 'info',
  debug: 'info',
  none: 'info',
  p4: 'info',
  p5: 'info',
  sev4: 'info',
  sev5: 'info',
};

/** The level a severity word means (case and surrounding blanks ignored); undefined if unknown. */
export function severityFromText(text: string): AlertSeverity | undefined {
  const word = text.trim().toLowerCase();
  return Object.hasOwn(SEVERITY_WORDS, word) ? SEVERITY_WORDS[word] : undefined;
}

/** The severity words `severityFromText` knows, for error messages. */
export function knownSeverityWords(): readonly string[] {
  return Object.keys(SEVERITY_WORDS);
}

export function moreSevere(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return ALERT_SEVERITIES.indexOf(a) <= ALERT_SEVERITIES.indexOf(b) ? a : b;
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/**
 * An ISO 8601 / RFC 3339 date-time with a zone as epoch ms (fractions beyond the
 * millisecond dropped). Wider than RFC 3339 because PagerDuty's own examples write
 * `+0000`; a zone is required, since an instant without one means a different time on
 * every server. Undefined when the text is not such an instant.
 */
export function parseInstant(text: string): number | undefined {
  const match = INSTANT.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offset = 0;
  if (zulu === undefined) {
    const [oh, om] = [Number(offsetHours), Number(offsetMinutes ?? '0')];
    if (oh > 23 || om > 59) return undefined;
    offset = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // A leap second is the last millisecond of its minute.
  const millis =
    second === 60 ? 59_999 : second * 1000 + Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  return (daysFromCivil(year, month, day) * 1440 + hour * 60 + minute - offset) * 60_000 + millis;
}

/**
 * Go's zero time, `0001-01-01T00:00:00Z`: what Alertmanager writes as the `endsAt` of a
 * firing alert. It means "not ended", not a date.
 */
export const GO_ZERO_TIME_MS = parseInstant('0001-01-01T00:00:00Z') ?? 0;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Only http(s) links are kept: anything else (javascript:, data:) must never become a link in the UI. */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}
