// Each wire format -> IncomingAlert. The caller validated the body with the schemas
// of schema/alert-intake.ts; what is left here are the choices: which field names the
// service, which key deduplicates, what a missing severity means.
import type { AlertTransition } from '../slo/alert-transitions.js';
import { fnv1a64, labelFingerprint } from './hash.js';
import {
  GO_ZERO_TIME_MS,
  isHttpUrl,
  parseInstant,
  severityFromText,
  type AlertLink,
  type AlertSeverity,
  type AlertBatch,
  type IncomingAlert,
} from './incoming-alert.js';
import type {
  AlertmanagerAlertInput,
  AlertmanagerMessageInput,
  LabelSet,
  LinkInput,
  PagerDutyEventInput,
  WebhookAlertInput,
} from './wire.js';

/** The `client` Alertmanager names itself in its PagerDuty events. */
const ALERTMANAGER_CLIENT = 'Alertmanager';

export const DEFAULT_SERVICE_LABELS: readonly string[] = ['service'];

/**
 * PagerDuty's own default for Alertmanager, and high urgency there: an alert that
 * reached the pager without saying how bad it is should rather page than sleep.
 */
export const DEFAULT_SEVERITY: AlertSeverity = 'error';

/** PagerDuty's limit on `payload.summary`, in characters (code points). */
export const SUMMARY_MAX_LENGTH = 1024;

export interface NormalizeOptions {
  /** Epoch ms the body arrived: the start of alerts that carry no time of their own. */
  readonly receivedAt: number;
  /** The integration it came in through; scopes dedup keys. */
  readonly integration?: string | undefined;
  /** The service the integration belongs to, if it is bound to one. */
  readonly service?: string | undefined;
  /** Label names that name the service, first present wins. Default: `service`. */
  readonly serviceLabels?: readonly string[] | undefined;
  /** For alerts that give no severity or one `severityFromText` does not know. */
  readonly defaultSeverity?: AlertSeverity | undefined;
  /**
   * SHA-256 of a text as lowercase hex, as Alertmanager hashes a group key into the
   * `dedup_key` of its PagerDuty events; without it, webhook alerts are not linked to
   * those events (see IncomingAlert.alertmanagerGroup).
   */
  readonly sha256Hex?: ((text: string) => string) | undefined;
}

// ---------------------------------------------------------------------------
// Alertmanager webhook (version 4)

/**
 * One IncomingAlert per alert of the message. The dedup key is Alertmanager's
 * fingerprint (a hash of the label set, stable from firing to resolved), or the same
 * hash computed here when a sender that imitates Alertmanager leaves it out. Labels
 * win over the integration's service: one Alertmanager receiver usually serves many.
 */
export function normalizeAlertmanagerMessage(
  message: AlertmanagerMessageInput,
  options: NormalizeOptions,
): AlertBatch {
  const groupResolved = message.status === 'resolved';
  const alerts = message.alerts.map((alert) =>
    alertmanagerAlert(alert, message, groupResolved, options),
  );
  const resolvedGroup =
    groupResolved && message.groupKey !== undefined
      ? {
          source: 'alertmanager' as const,
          integration: options.integration,
          senderGroup: message.groupKey,
        }
      : undefined;
  return { alerts, resolvedGroup };
}

function alertmanagerAlert(
  alert: AlertmanagerAlertInput,
  message: AlertmanagerMessageInput,
  groupResolved: boolean,
  options: NormalizeOptions,
): IncomingAlert {
  const labels = alert.labels;
  const annotations = alert.annotations ?? {};
  const fingerprint = alert.fingerprint ?? '';
  const dedupKey = fingerprint !== '' ? fingerprint : labelFingerprint(labels);
  const resolved = groupResolved || alert.status === 'resolved';
  const startsAt = parseInstant(alert.startsAt) ?? options.receivedAt;
  const links: AlertLink[] = [];
  if (alert.generatorURL !== undefined && isHttpUrl(alert.generatorURL)) {
    links.push({ href: alert.generatorURL, text: 'Source' });
  }
  return {
    source: 'alertmanager',
    integration: options.integration,
    dedupKey,
    senderGroup: message.groupKey,
    alertmanagerGroup:
      message.groupKey === undefined ? undefined : options.sha256Hex?.(message.groupKey),
    action: resolved ? 'resolve' : 'trigger',
    summary: summaryOf(
      [annotations.summary, annotations.description, labels.alertname],
      `Alertmanager alert ${dedupKey}`,
    ),
    severity: severityOf(labels.severity, options),
    service: serviceFromLabels(labels, options) ?? options.service,
    labels,
    annotations,
    runbookUrl: runbookFrom(annotations),
    startsAt,
    endsAt: resolved ? (endOf(alert.endsAt) ?? options.receivedAt) : undefined,
    links,
  };
}

/** Go's zero time (and anything unreadable) is "not ended". */
function endOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseInstant(text);
  return ms === undefined || ms <= GO_ZERO_TIME_MS ? undefined : ms;
}

// ---------------------------------------------------------------------------
// PagerDuty Events API v2

/**
 * PagerDuty semantics: a trigger without `dedup_key` is a new alert every time, so its
 * key is generated from the body and the arrival instant (the caller returns it in the
 * 202 answer). A service label in `custom_details` comes first, as a `service` label
 * does in the other formats: one Alertmanager's `pagerduty_configs` (one routing key)
 * serves many services, and its `details` can name each. Then the integration's
 * service; `component` and `source` only when the integration names none, since they
 * name a part of a machine or the machine ("mysql", "db1"), rarely a service; `source`
 * not when it merely names the sending tool (Alertmanager sends
 * `source: "Alertmanager"`, `client: "Alertmanager"`).
 */
export function normalizePagerDutyEvent(
  event: PagerDutyEventInput,
  options: NormalizeOptions,
): IncomingAlert {
  const payload = event.payload ?? {};
  const dedupKey =
    event.dedup_key ?? fnv1a64(`${options.receivedAt}\u0000${JSON.stringify(event)}`);
  const details = detailsAsAnnotations(payload.custom_details);
  const labels = definedOnly({
    source: payload.source,
    component: payload.component,
    group: payload.group,
    class: payload.class,
  });
  const links = (event.links ?? []).flatMap(linkOf);
  if (event.client_url !== undefined && isHttpUrl(event.client_url)) {
    links.push({ href: event.client_url, text: event.client });
  }
  const source =
    payload.source !== undefined && payload.source !== event.client ? payload.source : undefined;
  const timestamp = payload.timestamp === undefined ? undefined : parseInstant(payload.timestamp);
  return {
    source: 'pagerduty',
    integration: options.integration,
    dedupKey,
    senderGroup: undefined,
    alertmanagerGroup:
      event.client === ALERTMANAGER_CLIENT && event.dedup_key !== undefined
        ? event.dedup_key
        : undefined,
    action: event.event_action,
    summary: summaryOf([payload.summary], dedupKey),
    severity: severityOf(payload.severity, options),
    service:
      serviceFromLabels(details, options) ??
      options.service ??
      nonBlank(payload.component) ??
      nonBlank(source),
    labels,
    annotations: details,
    runbookUrl:
      links.find((link) => link.text !== undefined && /runbook/i.test(link.text))?.href ??
      runbookFrom(details),
    startsAt: timestamp ?? options.receivedAt,
    endsAt: event.event_action === 'resolve' ? options.receivedAt : undefined,
    links,
  };
}

/** Custom details as strings: strings stay, other values are written as JSON. */
function detailsAsAnnotations(details: unknown): Record<string, string> {
  if (details === undefined || details === null) return {};
  if (typeof details !== 'object' || Array.isArray(details)) {
    return { details: typeof details === 'string' ? details : JSON.stringify(details) };
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(details)) {
    if (value === undefined) continue;
    out[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Headroom's plain webhook

/**
 * Without a `dedupKey`, the key is the fingerprint of the labels (the title when there
 * are none) plus the service, so that a resolve sent with the same fields finds the
 * trigger it ends.
 */
export function normalizeWebhookAlert(
  body: WebhookAlertInput,
  options: NormalizeOptions,
): IncomingAlert {
  const labels = body.labels ?? {};
  const annotations = body.annotations ?? {};
  const service = nonBlank(body.service) ?? serviceFromLabels(labels, options) ?? options.service;
  const title = body.title ?? body.summary;
  const identity: Record<string, string> =
    Object.keys(labels).length > 0 ? { ...labels } : { alertname: title ?? '' };
  if (service !== undefined && identity.service === undefined) identity.service = service;
  const dedupKey = body.dedupKey ?? labelFingerprint(identity);
  const resolved = body.status === 'resolved';
  const runbook = body.runbook ?? runbookFrom(annotations);
  return {
    source: 'webhook',
    integration: options.integration,
    dedupKey,
    senderGroup: undefined,
    action: resolved ? 'resolve' : 'trigger',
    summary: summaryOf([body.title, body.summary], dedupKey),
    severity: severityOf(body.severity ?? labels.severity, options),
    service,
    labels,
    annotations,
    runbookUrl: runbook !== undefined && isHttpUrl(runbook) ? runbook : undefined,
    startsAt:
      (body.startsAt === undefined ? undefined : parseInstant(body.startsAt)) ?? options.receivedAt,
    endsAt: resolved ? (endOf(body.endsAt) ?? options.receivedAt) : undefined,
    links: (body.links ?? []).flatMap(linkOf),
  };
}

// ---------------------------------------------------------------------------
// Headroom's own burn-rate alerts

/**
 * A number as an annotation carries it: still a number to a webhook's reader, but
 * without the float noise (`20.800106326422117`) people would read on the page and in
 * the notification. An SLI keeps six digits so that 99.995 % stays apart from 99.99 %.
 */
function figure(value: number, significantDigits: number): string {
  return String(Number(value.toPrecision(significantDigits)));
}

/**
 * A started or resolved burn-rate rule of the evaluator as an alert. Severity `page`
 * is critical and `ticket` a warning (Sloth's and the Workbook's two kinds).
 */
export function normalizeBurnRateTransition(transition: AlertTransition): IncomingAlert {
  const { numbers } = transition;
  const started = transition.transition === 'started';
  const rate = (value: number | null): string =>
    value === null ? 'no data' : `${Number(value.toPrecision(3))}×`;
  const annotations = definedOnly({
    long_window: numbers.longWindow,
    short_window: numbers.shortWindow,
    factor: String(numbers.factor),
    long_burn_rate: numbers.longBurnRate === null ? undefined : figure(numbers.longBurnRate, 4),
    short_burn_rate: numbers.shortBurnRate === null ? undefined : figure(numbers.shortBurnRate, 4),
    sli: numbers.sli === null ? undefined : figure(numbers.sli, 6),
    error_budget_remaining: figure(numbers.errorBudgetRemaining, 4),
  });
  return {
    source: 'burn-rate',
    integration: undefined,
    dedupKey: `${transition.sloId}/${transition.rule}`,
    senderGroup: undefined,
    action: started ? 'trigger' : 'resolve',
    summary: summaryOf(
      [
        `${transition.slo}: error budget burning ${rate(numbers.longBurnRate)} over ${numbers.longWindow} ` +
          `and ${rate(numbers.shortBurnRate)} over ${numbers.shortWindow} (threshold ${numbers.factor}×)`,
      ],
      transition.rule,
    ),
    severity:
      transition.severity === 'page'
        ? 'critical'
        : transition.severity === 'ticket'
          ? 'warning'
          : (severityFromText(transition.severity) ?? DEFAULT_SEVERITY),
    service: transition.service,
    labels: {
      slo: transition.slo,
      service: transition.service,
      severity: transition.severity,
      rule: transition.rule,
    },
    annotations,
    runbookUrl: undefined,
    startsAt: transition.at,
    endsAt: started ? undefined : transition.at,
    links: [],
  };
}

/** A cron job's check went down (trigger) or came back up (resolve). */
export interface HeartbeatAlertInput {
  readonly heartbeat: string;
  readonly service: string;
  readonly action: 'trigger' | 'resolve';
  /** Why it went down: late, failed, a run that overran; for the summary. */
  readonly reason: string;
  readonly at: number;
  /** The failed run's exit status, when it sent one. */
  readonly exitStatus?: number | undefined;
  /** The last lines of the failed run's log: what the responder reads first. */
  readonly logTail?: string | undefined;
}

/** The dedup key of a heartbeat check's alert: one open alert per check. */
export function heartbeatDedupKey(check: string): string {
  return `heartbeat:${check}`;
}

export function normalizeHeartbeatAlert(input: HeartbeatAlertInput): IncomingAlert {
  const triggered = input.action === 'trigger';
  return {
    source: 'heartbeat',
    integration: undefined,
    dedupKey: heartbeatDedupKey(input.heartbeat),
    senderGroup: undefined,
    action: input.action,
    summary: truncate(
      triggered
        ? `${input.heartbeat}: the job is down (${input.reason}${input.exitStatus === undefined ? '' : `, exit status ${String(input.exitStatus)}`})`
        : `${input.heartbeat}: the job is up again`,
      SUMMARY_MAX_LENGTH,
    ),
    severity: 'critical',
    service: input.service,
    labels: { heartbeat: input.heartbeat, service: input.service },
    annotations: {
      reason: input.reason,
      ...(input.exitStatus === undefined ? {} : { exitStatus: String(input.exitStatus) }),
      ...(input.logTail === undefined || input.logTail === '' ? {} : { log: input.logTail }),
    },
    runbookUrl: undefined,
    startsAt: input.at,
    endsAt: triggered ? undefined : input.at,
    links: [],
  };
}

// ---------------------------------------------------------------------------
// Shared choices

function summaryOf(candidates: readonly (string | undefined)[], fallback: string): string {
  const text = candidates
    .map((candidate) => candidate?.trim())
    .find((c) => c !== undefined && c !== '');
  return truncate(text ?? fallback, SUMMARY_MAX_LENGTH);
}

/** Cuts to `max` code points, never inside a surrogate pair. */
function truncate(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

function severityOf(text: string | undefined, options: NormalizeOptions): AlertSeverity {
  return (
    (text === undefined ? undefined : severityFromText(text)) ??
    options.defaultSeverity ??
    DEFAULT_SEVERITY
  );
}

function serviceFromLabels(labels: LabelSet, options: NormalizeOptions): string | undefined {
  for (const name of options.serviceLabels ?? DEFAULT_SERVICE_LABELS) {
    const value = nonBlank(labels[name]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `runbook_url` is the Prometheus convention; `runbook` is common too. */
function runbookFrom(annotations: LabelSet): string | undefined {
  return [annotations.runbook_url, annotations.runbook]
    .find((text) => text !== undefined && isHttpUrl(text.trim()))
    ?.trim();
}

function linkOf(link: LinkInput): AlertLink[] {
  return isHttpUrl(link.href) ? [{ href: link.href, text: link.text }] : [];
}

function nonBlank(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function definedOnly(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) if (value !== undefined) out[name] = value;
  return out;
}
