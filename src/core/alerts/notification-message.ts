// What a notification says: the same facts for every channel (summary, services,
// severity, the SLO numbers of a burn alert, the runbook, acknowledge and resolve
// links), rendered per channel by `render*`.
import type { Page } from './grouping.js';

export interface NotificationMessage {
  readonly pageId: string;
  readonly title: string;
  readonly summary: string;
  readonly severity: string;
  readonly services: readonly string[];
  /** Escalation level (1-based) and run through the levels. */
  readonly level: number;
  readonly attempt: number;
  readonly runbookUrl: string | null;
  /** A burn-rate alert's numbers, as the evaluator recorded them. */
  readonly slo: Readonly<Record<string, string>> | null;
  /** Null on a resolved notice: there is nothing left to act on. */
  readonly links: {
    readonly page: string;
    readonly acknowledge: string;
    readonly resolve: string;
  } | null;
  readonly alerts: number;
  /** Set on the notice that tells the people paged that the page resolved. */
  readonly resolved?: { readonly at: string; readonly by: string } | undefined;
}

export function messageFor(
  page: Page,
  step: { readonly level: number; readonly attempt: number },
  links: NonNullable<NotificationMessage['links']>,
): NotificationMessage {
  const burn = page.alerts.find((alert) => alert.source === 'burn-rate');
  const services = page.services.length === 0 ? 'no service' : page.services.join(', ');
  return {
    pageId: page.id,
    title: `[${page.severity.toUpperCase()}] ${page.summary} (${services})`,
    summary: page.summary,
    severity: page.severity,
    services: [...page.services],
    level: step.level,
    attempt: step.attempt,
    runbookUrl: page.alerts.find((alert) => alert.runbookUrl !== undefined)?.runbookUrl ?? null,
    slo: burn === undefined ? null : { ...burn.labels, ...burn.annotations },
    links,
    alerts: page.alerts.length,
  };
}

/** What the people who were paged hear when the page resolves: no one needs to act. */
export function resolvedMessageFor(page: Page, by: string, atMs: number): NotificationMessage {
  const services = page.services.length === 0 ? 'no service' : page.services.join(', ');
  return {
    ...messageFor(page, { level: 0, attempt: 0 }, { page: '', acknowledge: '', resolve: '' }),
    title: `[RESOLVED] ${page.summary} (${services})`,
    links: null,
    resolved: { at: new Date(atMs).toISOString(), by },
  };
}

export function renderText(message: NotificationMessage): string {
  if (message.resolved !== undefined) {
    return `${[
      message.title,
      '',
      `Resolved at ${message.resolved.at} by ${message.resolved.by}.`,
      `Services: ${message.services.join(', ') || '—'}`,
    ].join('\n')}\n`;
  }
  const lines = [
    message.title,
    '',
    `Services: ${message.services.join(', ') || '—'}`,
    `Severity: ${message.severity}; escalation level ${String(message.level)}, round ${String(message.attempt)}`,
    `Alerts on this page: ${String(message.alerts)}`,
  ];
  if (message.slo !== null) {
    lines.push(
      '',
      'SLO:',
      ...Object.entries(message.slo).map(([key, value]) => `  ${key}: ${value}`),
    );
  }
  if (message.runbookUrl !== null) lines.push('', `Runbook: ${message.runbookUrl}`);
  if (message.links !== null) {
    lines.push(
      '',
      `Acknowledge: ${message.links.acknowledge}`,
      `Resolve: ${message.links.resolve}`,
      `Page: ${message.links.page}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A Slack incoming-webhook message: plain text plus blocks with the links as buttons. */
export function renderSlack(message: NotificationMessage): unknown {
  const fields = [
    `*Services:* ${message.services.join(', ') || '—'}`,
    `*Severity:* ${message.severity}`,
    ...(message.runbookUrl === null ? [] : [`*Runbook:* <${message.runbookUrl}|open>`]),
  ];
  if (message.links === null) {
    const when =
      message.resolved === undefined
        ? ''
        : `\nResolved at ${message.resolved.at} by ${message.resolved.by}.`;
    return {
      text: message.title,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${message.title}*${when}` } }],
    };
  }
  return {
    text: message.title,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${message.title}*\n${fields.join('\n')}` },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Acknowledge' },
            url: message.links.acknowledge,
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Resolve' },
            url: message.links.resolve,
          },
        ],
      },
    ],
  };
}
