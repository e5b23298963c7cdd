// What normalization reads of each wire format. The zod schemas in
// schema/alert-intake.ts validate the bytes and are checked against these shapes at
// compile time; the core cannot import them (it sits below schema/), so it names only
// the fields it needs, and the schemas may hold more.

export type LabelSet = Readonly<Record<string, string>>;

/** One alert of an Alertmanager webhook message (version "4"). */
export interface AlertmanagerAlertInput {
  readonly status: 'firing' | 'resolved';
  readonly labels: LabelSet;
  readonly annotations?: LabelSet | undefined;
  /** RFC 3339. */
  readonly startsAt: string;
  /** RFC 3339; Go's zero time while firing. */
  readonly endsAt?: string | undefined;
  readonly generatorURL?: string | undefined;
  readonly fingerprint?: string | undefined;
}

export interface AlertmanagerMessageInput {
  readonly status: 'firing' | 'resolved';
  readonly groupKey?: string | undefined;
  readonly truncatedAlerts?: number | undefined;
  readonly alerts: readonly AlertmanagerAlertInput[];
}

export interface LinkInput {
  readonly href: string;
  readonly text?: string | undefined;
}

/** `payload` of a PagerDuty event: all of it required for a trigger, none for the others. */
export interface PagerDutyPayloadInput {
  readonly summary?: string | undefined;
  readonly source?: string | undefined;
  readonly severity?: string | undefined;
  readonly timestamp?: string | undefined;
  readonly component?: string | undefined;
  readonly group?: string | undefined;
  readonly class?: string | undefined;
  readonly custom_details?: unknown;
}

/** A PagerDuty Events API v2 alert event (`POST /v2/enqueue`). */
export interface PagerDutyEventInput {
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key?: string | undefined;
  readonly payload?: PagerDutyPayloadInput | undefined;
  readonly links?: readonly LinkInput[] | undefined;
  readonly client?: string | undefined;
  readonly client_url?: string | undefined;
}

/** Headroom's own plain JSON webhook. */
export interface WebhookAlertInput {
  readonly title?: string | undefined;
  readonly summary?: string | undefined;
  /** Absent: firing. */
  readonly status?: 'firing' | 'resolved' | undefined;
  readonly dedupKey?: string | undefined;
  readonly service?: string | undefined;
  readonly severity?: string | undefined;
  readonly labels?: LabelSet | undefined;
  readonly annotations?: LabelSet | undefined;
  readonly runbook?: string | undefined;
  readonly links?: readonly LinkInput[] | undefined;
  readonly startsAt?: string | undefined;
  readonly endsAt?: string | undefined;
}
