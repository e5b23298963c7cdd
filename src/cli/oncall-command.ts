// `headroom oncall [schedule]`: who is on call now (or --at), until when, and who is
// next; every schedule when none is named. Hand-offs are shown on the schedule's own
// clock, as the web UI shows them: that is the clock the rotation is written in and the
// one its people live by (a 09:00 Monday hand-off stays 09:00 across DST).
import { z } from 'zod';
import { onCallSchema, scheduleSummarySchema } from '../schema/oncall-api.js';
import {
  ApiError,
  apiClientOptions,
  createApiClient,
  formatApiError,
  type ApiClient,
} from './api-client.js';
import { formatColumns } from './columns.js';
import { ExitCode, type CliIo } from './io.js';
import { wallClock } from './wall-clock.js';

export interface OnCallOptions {
  readonly schedule: string | undefined;
  readonly at: string | undefined;
  readonly url: string | undefined;
  readonly json: boolean;
}

type OnCall = z.infer<typeof onCallSchema>;

export async function runOnCall(
  options: OnCallOptions,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  if (options.at !== undefined && Number.isNaN(Date.parse(options.at))) {
    io.stderr.write(
      `headroom oncall: --at ${options.at} is not an instant; use ISO 8601 such as 2026-11-02T09:00:00Z\n`,
    );
    return ExitCode.usage;
  }
  let client: ApiClient;
  try {
    client = createApiClient(apiClientOptions({ url: options.url }, env));
  } catch (error) {
    io.stderr.write(`headroom oncall: ${formatApiError(error)}\n`);
    return ExitCode.usage;
  }
  try {
    const names =
      options.schedule !== undefined
        ? [options.schedule]
        : (
            await client.call('GET', '/api/v1/schedules', undefined, z.array(scheduleSummarySchema))
          ).map((schedule) => schedule.name);
    const at = options.at === undefined ? '' : `?at=${encodeURIComponent(options.at)}`;
    const answers: OnCall[] = [];
    for (const name of names) {
      answers.push(
        await client.call(
          'GET',
          `/api/v1/schedules/${encodeURIComponent(name)}/oncall${at}`,
          undefined,
          onCallSchema,
        ),
      );
    }
    io.stdout.write(options.json ? `${JSON.stringify(answers, null, 2)}\n` : formatOnCall(answers));
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    io.stderr.write(`headroom oncall: ${formatApiError(error)}\n`);
    return error.exitCode;
  }
}

/** One line per schedule: who now and until when, who next and from when, on its clock. */
export function formatOnCall(answers: readonly OnCall[]): string {
  if (answers.length === 0) {
    return 'No schedules yet: apply a Schedule document (see docs/config.md#schedule).\n';
  }
  const rows = [
    ['SCHEDULE', 'ON CALL', 'UNTIL', 'NEXT', 'FROM', 'TIME ZONE'],
    ...answers.map((answer) => {
      const zone = answer.timeZone;
      const local = (iso: string | null | undefined) =>
        iso === null || iso === undefined ? '—' : wallClock(iso, zone);
      return [
        answer.schedule,
        answer.current.user ?? '(nobody)',
        local(answer.current.until),
        answer.next?.user ?? '—',
        local(answer.next?.since),
        zone,
      ];
    }),
  ];
  return formatColumns(rows);
}
