// What a notification says: the same facts for every channel (summary, services,
// severity, the page's alerts with their descriptions and source links, the SLO numbers
// of a burn alert, the runbooks, acknowledge and resolve links and commands), rendered
// per channel by `render*`. Whoever is woken at night acts on the notification alone:
// it must carry what the page API would show them.
import type { Page, PageAlert } from './grouping.js';

/** Alerts listed one by one; the rest are counted ("and 3 more"). */
export const MAX_ALERTS_LISTED = 10;
/** A runbook's Markdown is cut here in a notification: the page has all of it. */
const MAX_RUNBOOK_LINES = 40;
const MAX_RUNBOOK_CHARACTERS = 4000;
const MAX_DESCRIPTION_CHARACTERS = 300;
/** A failed run's output in a notification: its end, which says why it failed. */
const MAX_OUTPUT_CHARACTERS = 1000;
/** The same in Slack, whose section text is limited to 3,000 characters. */
const SLACK_OUTPUT_CHARACTERS = 500;

/** A runbook as a notification names it: a link, the Markdown of a Runbook document, or both. */
export interface RunbookReference {
  readonly title: string;
  readonly url: string | null;
  readonly markdown: string | null;
}

export interface AlertLine {
  readonly summary: string;
  readonly status: string;
  readonly service: string | null;
  /** The alert's description (or summary) annotation, when it says more than its summary. */
  readonly description: string | null;
  /** Where the alert came from (Alertmanager's generatorURL: "Source") and other links it carried. */
  readonly links: readonly { readonly href: string; readonly text: string }[];
  /**
   * The end of a failed run's output (a heartbeat check's page), its last lines kept;
   * absent on messages queued before it was carried.
   */
  readonly output?: string | null;
}

export interface NotificationMessage {
  readonly pageId: string;
  readonly title: string;
  readonly summary: string;
  readonly severity: string;
  readonly services: readonly string[];
  /** Escalation level (1-based) and run through the levels. */
  readonly level: number;
  readonly attempt: number;
  /** The first runbook link, for receivers that read one. */
  readonly runbookUrl: string | null;
  /** Absent on messages an earlier version queued (as are the commands and alert lines). */
  readonly runbooks?: readonly RunbookReference[];
  /** A burn-rate alert's numbers, as the evaluator recorded them. */
  readonly slo: Readonly<Record<string, string>> | null;
  /** Null on a resolved notice: there is nothing left to act on. */
  readonly links: {
    readonly page: string;
    /** Empty on an acknowledged notice: only resolving is left. */
    readonly acknowledge: string;
    readonly resolve: string;
  } | null;
  /** The same actions from a terminal; null once there is nothing left to act on. */
  readonly commands?: { readonly acknowledge: string; readonly resolve: string } | null;
  readonly alerts: number;
  /** The first `MAX_ALERTS_LISTED` alerts of the page; `alertsNotListed` counts the rest. */
  readonly alertLines?: readonly AlertLine[];
  readonly alertsNotListed?: number;
  /** Set on the notice that tells channels someone took the page. */
  readonly acknowledged?: { readonly at: string; readonly by: string } | undefined;
  /** Set on the notice that tells the people paged that the page resolved. */
  readonly resolved?: { readonly at: string; readonly by: string } | undefined;
  /** A low-urgency page: this notice does not escalate (the policy's `lowUrgency`). */
  readonly lowUrgency?: boolean | undefined;
  /** Set on the notice that tells channels the escalation ran out unacknowledged. */
  readonly exhausted?:
    { readonly at: string; readonly policy: string; readonly rounds: number } | undefined;
}

export function messageFor(
  page: Page,
  step: { readonly level: number; readonly attempt: number },
  links: NonNullable<NotificationMessage['links']>,
  runbooks: readonly RunbookReference[] = [],
): NotificationMessage {
  const burn = page.alerts.find((alert) => alert.source === 'burn-rate');
  const services = page.services.length === 0 ? 'no service' : page.services.join(', ');
  const listed = page.alerts.slice(0, MAX_ALERTS_LISTED);
  return {
    pageId: page.id,
    title: `[${page.severity.toUpperCase()}] ${page.summary} (${services})`,
    summary: page.summary,
    severity: page.severity,
    services: [...page.services],
    level: step.level,
    attempt: step.attempt,
    runbookUrl: runbooks.find((runbook) => runbook.url !== null)?.url ?? null,
    runbooks: runbooks.map((runbook) => ({
      ...runbook,
      markdown: runbook.markdown === null ? null : shortened(runbook.markdown),
    })),
    slo: burn === undefined ? null : { ...burn.labels, ...burn.annotations },
    links,
    commands: {
      acknowledge: `headroom page ack ${page.id}`,
      resolve: `headroom page resolve ${page.id}`,
    },
    alerts: page.alerts.length,
    alertLines: listed.map(alertLine),
    alertsNotListed: page.alerts.length - listed.length,
  };
}

/** Alert runbook links first (the sender knows the alert best), each URL once. */
export function runbookLinks(page: Page): RunbookReference[] {
  const urls = [
    ...new Set(
      page.alerts.flatMap((alert) => (alert.runbookUrl === undefined ? [] : [alert.runbookUrl])),
    ),
  ];
  return urls.map((url) => ({ title: 'Runbook', url, markdown: null }));
}

/**
 * What channels hear when someone takes the page: the Slack message with live
 * Acknowledge buttons is otherwise the last word. Resolving is still to be done.
 */
export function acknowledgedMessageFor(
  page: Page,
  by: string,
  atMs: number,
  links: NotificationMessage['links'],
): NotificationMessage {
  return {
    ...noticeFor(page, 'ACKNOWLEDGED'),
    links: links === null ? null : { ...links, acknowledge: '' },
    commands: { acknowledge: '', resolve: `headroom page resolve ${page.id}` },
    acknowledged: { at: new Date(atMs).toISOString(), by },
  };
}

/**
 * What channels hear when the escalation runs out and nobody took the page: nobody
 * else will be paged, so the channel is the last place someone may see it. The
 * links stay live: anyone in the channel can still take it.
 */
export function exhaustedMessageFor(
  page: Page,
  exhausted: { readonly atMs: number; readonly policy: string; readonly rounds: number },
  links: NotificationMessage['links'],
): NotificationMessage {
  return {
    ...noticeFor(page, 'UNACKNOWLEDGED'),
    links,
    exhausted: {
      at: new Date(exhausted.atMs).toISOString(),
      policy: exhausted.policy,
      rounds: exhausted.rounds,
    },
  };
}

/** What the people who were paged hear when the page resolves: no one needs to act. */
export function resolvedMessageFor(page: Page, by: string, atMs: number): NotificationMessage {
  return {
    ...noticeFor(page, 'RESOLVED'),
    links: null,
    commands: null,
    resolved: { at: new Date(atMs).toISOString(), by },
  };
}

/** A notice about the page rather than an escalation step (level 0), titled by what happened. */
function noticeFor(page: Page, what: string): NotificationMessage {
  const services = page.services.length === 0 ? 'no service' : page.services.join(', ');
  return {
    ...messageFor(page, { level: 0, attempt: 0 }, { page: '', acknowledge: '', resolve: '' }),
    title: `[${what}] ${page.summary} (${services})`,
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
  const lines = [message.title, ''];
  if (message.acknowledged !== undefined) {
    lines.push(`Acknowledged at ${message.acknowledged.at} by ${message.acknowledged.by}.`, '');
  }
  if (message.exhausted !== undefined) lines.push(exhaustedLine(message.exhausted), '');
  if (message.lowUrgency === true) lines.push(lowUrgencyLine(message), '');
  lines.push(
    `Services: ${message.services.join(', ') || '—'}`,
    message.level === 0
      ? `Severity: ${message.severity}`
      : `Severity: ${message.severity}; escalation level ${String(message.level)}, round ${String(message.attempt)}`,
    `Alerts on this page: ${String(message.alerts)}`,
  );
  for (const alert of alertLinesOf(message)) {
    const service = alert.service === null ? '' : ` (${alert.service})`;
    lines.push(`  - [${alert.status}] ${alert.summary}${service}`);
    if (alert.description !== null) lines.push(`    ${alert.description}`);
    for (const link of alert.links) lines.push(`    ${link.text}: ${link.href}`);
    const output = alert.output ?? null;
    if (output !== null)
      lines.push(
        '    The end of its output:',
        ...output.split('\n').map((line) => `      ${line}`.trimEnd()),
      );
  }
  if ((message.alertsNotListed ?? 0) > 0) {
    lines.push(`  … and ${String(message.alertsNotListed)} more`);
  }
  if (message.slo !== null) {
    lines.push(
      '',
      'SLO:',
      ...Object.entries(message.slo).map(([key, value]) => `  ${key}: ${value}`),
    );
  }
  for (const runbook of runbooksOf(message)) {
    lines.push('', runbook.url === null ? `Runbook: ${runbook.title}` : `Runbook: ${runbook.url}`);
    if (runbook.markdown !== null) {
      lines.push(...runbook.markdown.split('\n').map((line) => `  ${line}`.trimEnd()));
    }
  }
  if (message.links !== null) {
    lines.push('');
    if (message.links.acknowledge !== '') lines.push(`Acknowledge: ${message.links.acknowledge}`);
    lines.push(`Resolve: ${message.links.resolve}`, `Page: ${message.links.page}`);
  }
  if (message.commands !== null && message.commands !== undefined) {
    lines.push(
      '',
      `From a terminal: ${[message.commands.acknowledge, message.commands.resolve].filter((command) => command !== '').join(' or ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A Slack incoming-webhook message: plain text plus blocks with the links as buttons. */
export function renderSlack(message: NotificationMessage): unknown {
  if (message.links === null || message.resolved !== undefined) {
    const when =
      message.resolved === undefined
        ? ''
        : `\nResolved at ${message.resolved.at} by ${message.resolved.by}.`;
    return {
      text: slackText(message.title),
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `*${slackText(message.title)}*${slackText(when)}` },
        },
      ],
    };
  }
  const alerts = alertLinesOf(message).map((alert) => {
    const source = alert.links.map((link) => ` ${slackLink(link.href, link.text)}`).join('');
    const description = alert.description === null ? '' : `\n    ${slackText(alert.description)}`;
    const output = alert.output ?? null;
    return `• [${alert.status}] ${slackText(alert.summary)}${source}${description}${output === null ? '' : `\n${codeBlock(output)}`}`;
  });
  if ((message.alertsNotListed ?? 0) > 0) {
    alerts.push(`… and ${String(message.alertsNotListed)} more`);
  }
  const fields = [
    ...(message.acknowledged === undefined
      ? []
      : [`Acknowledged at ${message.acknowledged.at} by ${slackText(message.acknowledged.by)}.`]),
    ...(message.exhausted === undefined ? [] : [slackText(exhaustedLine(message.exhausted))]),
    ...(message.lowUrgency === true ? [slackText(lowUrgencyLine(message))] : []),
    `*Services:* ${slackText(message.services.join(', ') || '—')}`,
    `*Severity:* ${slackText(message.severity)}`,
    ...runbooksOf(message).map((runbook) =>
      runbook.url === null
        ? `*Runbook:* ${slackText(runbook.title)}${quoted(runbook.markdown)}`
        : `*Runbook:* ${slackLink(runbook.url, runbook.title === 'Runbook' ? 'open' : runbook.title)}`,
    ),
    ...(alerts.length === 0 ? [] : [`*Alerts (${String(message.alerts)}):*`, ...alerts]),
  ];
  const buttons = [
    ...(message.links.acknowledge === ''
      ? []
      : [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Acknowledge' },
            url: message.links.acknowledge,
          },
        ]),
    {
      type: 'button',
      text: { type: 'plain_text', text: 'Resolve' },
      url: message.links.resolve,
    },
  ];
  return {
    text: slackText(message.title),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${slackText(message.title)}*\n${fields.join('\n')}` },
      },
      { type: 'actions', elements: buttons },
    ],
  };
}

function lowUrgencyLine(message: NotificationMessage): string {
  return `Low urgency (severity ${message.severity}): this page does not escalate; nobody else will be paged unless a more severe alert joins it.`;
}

function exhaustedLine(exhausted: NonNullable<NotificationMessage['exhausted']>): string {
  const rounds = exhausted.rounds === 1 ? '' : ` in ${String(exhausted.rounds)} rounds`;
  return `Nobody acknowledged after every level of escalation policy ${exhausted.policy}${rounds}; escalation stopped at ${exhausted.at} and nobody else will be paged. Acknowledge to take it.`;
}

/** Messages queued before runbooks were listed carry only `runbookUrl`. */
function runbooksOf(message: NotificationMessage): readonly RunbookReference[] {
  if (message.runbooks !== undefined) return message.runbooks;
  return message.runbookUrl === null
    ? []
    : [{ title: 'Runbook', url: message.runbookUrl, markdown: null }];
}

/** Messages queued before alerts were listed have none. */
function alertLinesOf(message: NotificationMessage): readonly AlertLine[] {
  return message.alertLines ?? [];
}

function alertLine(alert: PageAlert): AlertLine {
  const detail = alert.annotations.description ?? alert.annotations.summary;
  return {
    summary: alert.summary,
    status: alert.status,
    service: alert.service ?? null,
    // Bounded: ten long descriptions would not fit a Slack message.
    description:
      detail === undefined || detail === alert.summary
        ? null
        : detail.length > MAX_DESCRIPTION_CHARACTERS
          ? `${detail.slice(0, MAX_DESCRIPTION_CHARACTERS)}…`
          : detail,
    links: alert.links.map((link) => ({ href: link.href, text: link.text ?? 'Link' })),
    output: alert.source === 'heartbeat' ? outputEnd(alert.annotations.log) : null,
  };
}

/** The last MAX_OUTPUT_CHARACTERS of a run's output, from a line's start where one falls. */
function outputEnd(log: string | undefined): string | null {
  if (log === undefined || log.trim() === '') return null;
  const text = log.trimEnd();
  if (text.length <= MAX_OUTPUT_CHARACTERS) return text;
  const end = text.slice(-MAX_OUTPUT_CHARACTERS);
  const lineStart = end.indexOf('\n');
  return `…${lineStart < 0 ? end : end.slice(lineStart)}`;
}

/**
 * A run's output as a Slack code block: its last lines within SLACK_OUTPUT_CHARACTERS (a
 * section's text is limited to 3,000), with Slack's control characters escaped so that
 * what a job printed cannot mention a channel or close the block.
 */
function codeBlock(output: string): string {
  const end =
    output.length <= SLACK_OUTPUT_CHARACTERS
      ? output
      : `…${output.slice(-SLACK_OUTPUT_CHARACTERS)}`;
  return `\`\`\`${slackText(end).replaceAll('```', "'''")}\`\`\``;
}

/**
 * Text from outside (an alert's summary, a service or person's name, a runbook) as
 * Slack's mrkdwn shows it: `&`, `<` and `>` escaped, as Slack asks, so that none of it
 * can mention `<!channel>` or a user, or become a link of its own.
 */
function slackText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** `<url|text>`: the text escaped, and the URL's `|`, `<` and `>` percent-encoded so none ends it. */
function slackLink(href: string, text: string): string {
  const url = href.replaceAll('|', '%7C').replaceAll('>', '%3E').replaceAll('<', '%3C');
  return `<${url}|${slackText(text)}>`;
}

/** A runbook's first lines in a Slack section (its text is limited to 3,000 characters). */
function quoted(markdown: string | null): string {
  if (markdown === null) return '';
  const head = markdown.split('\n').slice(0, 8).join('\n').slice(0, 600);
  return `\n${head
    .split('\n')
    .map((line) => `> ${slackText(line)}`)
    .join('\n')}`;
}

function shortened(markdown: string): string {
  const lines = markdown.trimEnd().split('\n');
  let text = lines.slice(0, MAX_RUNBOOK_LINES).join('\n');
  if (text.length > MAX_RUNBOOK_CHARACTERS) text = text.slice(0, MAX_RUNBOOK_CHARACTERS);
  return text.length < markdown.trimEnd().length
    ? `${text}\n… (the page has the whole runbook)`
    : text;
}
