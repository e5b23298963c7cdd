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

const pageSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  summary: z.string(),
  severity: z.string(),
  services: z.array(z.string()),
  openedAt: z.string(),
  acknowledgedBy: z.string().nullable(),
  alerts: z.array(z.unknown()),
  /** Whom the page could not reach, and why; absent from servers before warnings. */
  warnings: z.array(z.object({ at: z.string(), reason: z.string() })).default([]),
});
type PageView = z.infer<typeof pageSchema>;

const alertViewSchema = z.looseObject({
  status: z.string(),
  summary: z.string(),
  service: z.string().nullable(),
});

const runbookViewSchema = z.looseObject({ name: z.string(), title: z.string() });

export type PageAction =
  | { readonly kind: 'list'; readonly status: string; readonly json: boolean }
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
      const pages = await client.call(
        'GET',
        `/api/v1/pages?status=${encodeURIComponent(action.status)}`,
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
    ['ID', 'STATUS', 'SEVERITY', 'SERVICES', 'OPENED', 'ALERTS', 'SUMMARY'],
    ...pages.map((page) => [
      page.id,
      statusOf(page),
      page.severity,
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
    '',
    `Alerts (${String(page.alerts.length)}):`,
    ...page.alerts.map((alert) => {
      const parsed = alertViewSchema.safeParse(alert);
      if (!parsed.success) return '  - (unreadable)';
      const service = parsed.data.service === null ? '' : ` (${parsed.data.service})`;
      return `  - [${parsed.data.status}] ${parsed.data.summary}${service}`;
    }),
  ];
  const runbooks = z.array(runbookViewSchema).safeParse(page.runbooks);
  if (runbooks.success && runbooks.data.length > 0) {
    lines.push(
      '',
      'Runbooks:',
      ...runbooks.data.map((runbook) => `  - ${runbook.title} (${runbook.name})`),
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

/** Who acknowledged, said as such: `resolved (emil)` read as if emil had resolved it. */
function statusOf(page: PageView): string {
  if (page.acknowledgedBy === null) return page.status;
  if (page.status === 'acknowledged') return `acknowledged by ${page.acknowledgedBy}`;
  return `acknowledged by ${page.acknowledgedBy}, ${page.status}`;
}
