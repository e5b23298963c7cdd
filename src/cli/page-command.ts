// `headroom page list|show|ack|resolve`: pages from the terminal, for whoever is on call.
import { z } from 'zod';
import {
  ApiError,
  apiClientOptions,
  createApiClient,
  formatApiError,
  type ApiClient,
} from './api-client.js';
import { formatColumns } from './columns.js';
import { ExitCode, type CliIo } from './io.js';
import { pageEscalationSchema, pageSchema, type PageView } from '../schema/pages-api.js';
import { visibleControls } from './heartbeat-format.js';

type PageEscalation = z.infer<typeof pageEscalationSchema>;

export type PageAction =
  | {
      readonly kind: 'list';
      readonly status: string;
      readonly service?: string | undefined;
      readonly team?: string | undefined;
      readonly json: boolean;
    }
  | {
      readonly kind: 'show' | 'acknowledge' | 'resolve';
      readonly id: string;
      readonly json: boolean;
    };

export async function runPage(
  action: PageAction,
  url: string | undefined,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let client: ApiClient;
  try {
    client = createApiClient(apiClientOptions({ url }, env));
  } catch (error) {
    io.stderr.write(`headroom page: ${formatApiError(error)}\n`);
    return ExitCode.usage;
  }
  try {
    if (action.kind === 'list') {
      const query = new URLSearchParams({ status: action.status });
      if (action.service !== undefined) query.set('service', action.service);
      if (action.team !== undefined) query.set('team', action.team);
      const pages = await client.call(
        'GET',
        `/api/v1/pages?${query.toString()}`,
        undefined,
        z.array(pageSchema),
      );
      io.stdout.write(action.json ? `${JSON.stringify(pages, null, 2)}\n` : formatPages(pages));
      return ExitCode.ok;
    }
    if (action.kind === 'show') {
      const page = await client.call(
        'GET',
        `/api/v1/pages/${encodeURIComponent(action.id)}`,
        undefined,
        pageSchema,
      );
      io.stdout.write(action.json ? `${JSON.stringify(page, null, 2)}\n` : formatPage(page));
      return ExitCode.ok;
    }
    const page = await client.call(
      'POST',
      `/api/v1/pages/${encodeURIComponent(action.id)}/${action.kind}`,
      undefined,
      pageSchema,
    );
    io.stdout.write(
      action.json ? `${JSON.stringify(page, null, 2)}\n` : `${page.id}: ${page.status}\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    io.stderr.write(`headroom page: ${formatApiError(error)}\n`);
    return error.exitCode;
  }
}

export function formatPages(pages: readonly PageView[]): string {
  if (pages.length === 0) return 'No pages.\n';
  const rows = [
    ['ID', 'STATUS', 'SEVERITY', 'URGENCY', 'SERVICES', 'OPENED', 'ALERTS', 'SUMMARY'],
    ...pages.map((page) => [
      page.id,
      statusOf(page),
      page.severity,
      page.escalation?.urgency ?? '—',
      page.services.join(',') || '—',
      page.openedAt,
      String(page.alerts.length),
      page.summary,
    ]),
  ];
  // A page that reached no one is the one to look at first: said under the table, in full.
  const warnings = pages.flatMap((page) =>
    page.warnings.map((warning) => `${page.id}: ${warning.reason}\n`),
  );
  return `${formatColumns(rows)}${warnings.length === 0 ? '' : `\nWarnings:\n${warnings.join('')}`}`;
}

/** One page: what the list shows, each alert, the runbooks and the warnings. */
export function formatPage(page: PageView): string {
  const lines = [
    `Page ${page.id}: ${page.summary}`,
    `Status:   ${statusOf(page)}`,
    `Severity: ${page.severity}`,
    `Services: ${page.services.join(', ') || '—'}`,
    `Opened:   ${page.openedAt}`,
    ...escalationLines(page.escalation),
    '',
    `Alerts (${String(page.alerts.length)}):`,
    ...page.alerts.flatMap((alert) => {
      const service = alert.service === null ? '' : ` (${alert.service})`;
      return [`  - [${alert.status}] ${alert.summary}${service}`, ...checkLines(alert)];
    }),
  ];
  if (page.runbooks.length > 0) {
    lines.push(
      '',
      'Runbooks:',
      ...page.runbooks.map((runbook) => `  - ${runbook.title} (${runbook.name})`),
    );
  }
  if (page.warnings.length > 0) {
    lines.push(
      '',
      'Warnings:',
      ...page.warnings.map((warning) => `  - ${warning.at}: ${warning.reason}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A heartbeat check's alert: the command that shows the check, and the end of the failed
 * run's output, its control characters made visible (anyone with the ping URL wrote it).
 */
function checkLines(alert: PageView['alerts'][number]): string[] {
  const check = alert.labels.heartbeat;
  if (alert.source !== 'heartbeat' || check === undefined) return [];
  const log = alert.annotations.log?.trimEnd();
  return [
    `    check: headroom heartbeat show ${check}`,
    ...(log === undefined || log === ''
      ? []
      : [
          '    The end of its output:',
          ...visibleControls(log)
            .split('\n')
            .map((line) => `      ${line}`),
        ]),
  ];
}

/** Where the escalation stands and what happens next if nobody acts. */
function escalationLines(escalation: PageEscalation | null): string[] {
  if (escalation === null) return ['Escalation: none (no escalation policy covers the page)'];
  const of = (count: number) => (count > 1 ? ` of ${String(count)}` : '');
  const notified =
    escalation.notified === null
      ? 'nobody yet'
      : `level ${String(escalation.notified.level)}${of(escalation.levels)}` +
        (escalation.rounds > 1
          ? `, round ${String(escalation.notified.round)}${of(escalation.rounds)}`
          : '') +
        (escalation.paged.length === 0 ? '' : ` (${escalation.paged.join(', ')})`);
  return [
    `Escalation: ${escalation.policy}, ${escalation.urgency} urgency`,
    `  Notified: ${notified}`,
    ...escalation.held.map(
      (notice) => `  Held:     ${notice.person}'s e-mail until ${notice.until} (working hours)`,
    ),
    `  Next:     ${nextStep(escalation)}`,
  ];
}

function nextStep(escalation: PageEscalation): string {
  if (escalation.next !== null) {
    const round = escalation.next.round > 1 ? ` (round ${String(escalation.next.round)})` : '';
    return `level ${String(escalation.next.level)}${round} at ${escalation.next.at}, unless acknowledged`;
  }
  if (escalation.exhaustsAt !== null) {
    return `nobody: the escalation runs out at ${escalation.exhaustsAt}, unless acknowledged`;
  }
  if (escalation.status === 'exhausted') {
    return `nobody: the escalation ran out at ${escalation.exhaustedAt ?? '?'} with nobody acknowledging`;
  }
  if (escalation.status === 'escalating' && escalation.urgency === 'low') {
    return 'nobody: low urgency, level 1 is told once and it does not escalate';
  }
  return `nobody (${escalation.status})`;
}

/** Who acknowledged, said as such: `resolved (emil)` read as if emil had resolved it. */
function statusOf(page: PageView): string {
  if (page.acknowledgedBy === null) return page.status;
  if (page.status === 'acknowledged') return `acknowledged by ${page.acknowledgedBy}`;
  return `acknowledged by ${page.acknowledgedBy}, ${page.status}`;
}
