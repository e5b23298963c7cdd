// `headroom page list|ack|resolve`: pages from the terminal, for whoever is on call.
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
});
type PageView = z.infer<typeof pageSchema>;

export type PageAction =
  | { readonly kind: 'list'; readonly status: string; readonly json: boolean }
  | { readonly kind: 'acknowledge' | 'resolve'; readonly id: string; readonly json: boolean };

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
      page.acknowledgedBy === null ? page.status : `${page.status} (${page.acknowledgedBy})`,
      page.severity,
      page.services.join(',') || '—',
      page.openedAt,
      String(page.alerts.length),
      page.summary,
    ]),
  ];
  return formatColumns(rows);
}
