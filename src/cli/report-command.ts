// `headroom toil log|delete|summary` and `headroom report`: toil against the cap and the
// reliability report from the terminal.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { resolveZone } from '../core/postmortem/markdown.js';
import { hours } from '../core/reports/toil.js';
import { DURATION_EXPECTED, parseDuration } from '../core/time/duration.js';
import {
  REPORT_FORMATS,
  toilEntrySchema,
  toilSummarySchema,
  type ToilSummaryView,
} from '../schema/reports.js';
import { formatColumns } from './columns.js';
import { withApiClient } from './api-client.js';
import { instantOption } from './option-parsers.js';
import { ExitCode, type CliIo, URL_HELP, type Configure, type Env } from './io.js';

export interface ToilLogOptions {
  readonly duration: string;
  readonly description: string;
  readonly service?: string | undefined;
  readonly category?: string | undefined;
  readonly team?: string | undefined;
  readonly person?: string | undefined;
  readonly at?: string | undefined;
}

export type ToilAction =
  | { readonly kind: 'log'; readonly options: ToilLogOptions }
  | { readonly kind: 'delete'; readonly id: string }
  | {
      readonly kind: 'summary';
      readonly team: string;
      readonly from?: string | undefined;
      readonly to?: string | undefined;
      readonly cap?: string | undefined;
    };

export async function runToil(
  action: ToilAction,
  common: { readonly url: string | undefined; readonly json: boolean },
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  const command = `headroom toil ${action.kind}`;
  if (action.kind === 'log') {
    const duration = parseDuration(action.options.duration);
    if (!duration.ok) {
      // Toil is logged a day at most at a time: the general grammar's 7d and 4w would mislead.
      const reason = duration.reason.replace(
        DURATION_EXPECTED,
        'give a duration such as 2h, 90m or 1h30m (at most 24h)',
      );
      io.stderr.write(`${command}: ${reason}\n`);
      return ExitCode.usage;
    }
    const { options } = action;
    return withApiClient(command, common.url, io, env, async (client) => {
      const entry = await client.call(
        'POST',
        '/api/v1/toil',
        {
          // As the person wrote it, so that the server's refusal names what they gave.
          duration: options.duration,
          description: options.description,
          ...(options.service === undefined ? {} : { service: options.service }),
          ...(options.category === undefined ? {} : { category: options.category }),
          ...(options.team === undefined ? {} : { team: options.team }),
          ...(options.person === undefined ? {} : { person: options.person }),
          ...(options.at === undefined ? {} : { at: options.at }),
        },
        toilEntrySchema,
        {
          duration: '<duration>',
          minutes: '<duration>',
          description: '<description>',
          service: '--service',
          category: '--category',
          team: '--team',
          person: '--person',
          at: '--at',
        },
      );
      io.stdout.write(
        common.json
          ? json(entry)
          : `Logged ${durationText(entry.minutes)} of ${entry.category} for ${entry.person} (team ${entry.team}${entry.service === null ? '' : `, service ${entry.service}`}) at ${entry.at} as ${entry.id}.\n`,
      );
      return ExitCode.ok;
    });
  }
  if (action.kind === 'delete') {
    const { id } = action;
    return withApiClient(command, common.url, io, env, async (client) => {
      await client.call('DELETE', `/api/v1/toil/${encodeURIComponent(id)}`, undefined, z.unknown());
      io.stdout.write(common.json ? json({ deleted: id }) : `Deleted ${id}.\n`);
      return ExitCode.ok;
    });
  }
  const query = new URLSearchParams();
  if (action.from !== undefined) query.set('from', instantOption(action.from, 'UTC'));
  if (action.to !== undefined) query.set('to', instantOption(action.to, 'UTC'));
  if (action.cap !== undefined) query.set('cap', action.cap);
  const suffix = query.size === 0 ? '' : `?${query.toString()}`;
  return withApiClient(command, common.url, io, env, async (client) => {
    const summary = await client.call(
      'GET',
      `/api/v1/teams/${encodeURIComponent(action.team)}/toil${suffix}`,
      undefined,
      toilSummarySchema,
    );
    io.stdout.write(common.json ? json(summary) : formatSummary(summary));
    // Over the cap is a "no": scripts and CI can stop on it.
    return summary.overCap ? ExitCode.no : ExitCode.ok;
  });
}

export interface ReportOptions {
  readonly team: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly format: (typeof REPORT_FORMATS)[number];
  readonly output?: string | undefined;
  readonly zone?: string | undefined;
  readonly cap?: string | undefined;
}

const ACCEPT = {
  json: 'application/json',
  markdown: 'text/markdown',
  html: 'text/html',
} as const;

export async function runReport(
  options: ReportOptions,
  common: { readonly url: string | undefined },
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  if (options.zone !== undefined && !resolveZone(options.zone).known) {
    io.stderr.write(
      `headroom report: --zone ${options.zone} is not an IANA time zone; give one such as Europe/Amsterdam or America/New_York, or leave it out for UTC\n`,
    );
    return ExitCode.usage;
  }
  const zone = options.zone ?? 'UTC';
  const query = new URLSearchParams({ team: options.team, format: options.format });
  if (options.from !== undefined) query.set('from', instantOption(options.from, zone));
  if (options.to !== undefined) query.set('to', instantOption(options.to, zone));
  if (options.zone !== undefined) query.set('zone', options.zone);
  if (options.cap !== undefined) query.set('cap', options.cap);
  return withApiClient('headroom report', common.url, io, env, async (client) => {
    let text = await client.text(
      `/api/v1/reports/reliability?${query.toString()}`,
      ACCEPT[options.format],
    );
    if (options.format === 'json') text = json(JSON.parse(text) as unknown);
    if (options.output === undefined) {
      io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    } else {
      const file = path.resolve(io.cwd, options.output);
      await writeFile(file, text);
      io.stderr.write(`Wrote the report of team ${options.team} to ${options.output}.\n`);
    }
    return ExitCode.ok;
  });
}

const CAP_LABEL: Readonly<Record<ToilSummaryView['capSource'], string>> = {
  request: 'cap',
  team: "team's cap",
  default: 'default cap',
};

export function formatSummary(summary: ToilSummaryView): string {
  const share = summary.share === null ? '—' : percent(summary.share);
  const lines = [
    `Team ${summary.team}, ${summary.from} to ${summary.to}`,
    `Toil: ${hours(summary.toilMinutes)} of ${hours(summary.workingMinutes)} working time, ${share} (${CAP_LABEL[summary.capSource]} ${summary.capPercent}%)${summary.overCap ? ': OVER THE CAP' : ''}`,
  ];
  if (summary.workingTo < summary.to) {
    lines.push(`The period is not over: working time is counted to ${summary.workingTo}.`);
  }
  if (summary.people.every((person) => person.workingMinutes === null)) {
    lines.push(
      `Team ${summary.team} has no members, so no working time to hold its toil against: add the team to its people's teams (PUT /api/v1/users/{name}, docs/server.md#teams-and-users).`,
    );
  }
  if (summary.warning !== null) lines.push(`Warning: ${summary.warning}`);
  const shares = (title: string, list: ToilSummaryView['byCategory']) => {
    if (list.length === 0) return;
    lines.push('', title);
    lines.push(
      formatColumns(
        list.map((item) => [`  ${item.key}`, hours(item.minutes), percent(item.share)]),
      ).trimEnd(),
    );
  };
  shares('By category', summary.byCategory);
  shares('By service', summary.byService);
  shares('By source', summary.bySource);
  if (summary.people.length > 0) {
    lines.push('', 'Per person');
    lines.push(
      formatColumns([
        ['  PERSON', 'TOIL', 'WORKING', 'SHARE', 'OVER CAP'],
        ...summary.people.map((person) => [
          `  ${person.person}`,
          hours(person.toilMinutes),
          person.workingMinutes === null ? '—' : hours(person.workingMinutes),
          person.share === null ? '—' : percent(person.share),
          person.workingMinutes === null ? '—' : person.overCap ? 'yes' : 'no',
        ]),
      ]).trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function addReportCommands(
  program: Command,
  configure: Configure,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const toil = program
    .command('toil')
    .description(
      'Toil: log it, delete a wrong entry, and see a team against its cap on working time.',
    );
  type Common = { json?: boolean; url?: string };
  const common = (command: Command) =>
    command.option('--json', 'print the API answer as JSON').option('--url <url>', URL_HELP);

  common(
    configure(toil.command('log'), 'headroom toil log')
      .description('Log toil you (or --person) did by hand.')
      .argument('<duration>', 'how long: 2h, 90m, 1h30m')
      .argument('<description>', 'what was done')
      .option('--service <name>', 'the service it was for')
      .option('--category <name>', 'manual-ops (default), interrupt, toil-automation-debt, …')
      .option('--team <name>', "the team it counts to (default: the person's only team)")
      .option('--person <user>', 'who did it (default: the token’s user)')
      .option('--at <instant>', 'when it was done (ISO 8601; default now)'),
  )
    .addHelpText(
      'after',
      `
Reads HEADROOM_TOKEN: the person's own token, an editor token of the team, or an admin
token; the person must be a user and a member of the team. Exits 0, 2 for a usage
error or a request the server refused, 3 when the server cannot be reached.

Examples:
  headroom toil log 1h30m "Rotated the TLS certificates by hand" --service checkout
  headroom toil log 45m "Cleared the stuck queue" --category interrupt --team payments`,
    )
    .action(
      async (
        duration: string,
        description: string,
        options: Common & {
          service?: string;
          category?: string;
          team?: string;
          person?: string;
          at?: string;
        },
      ) => {
        setExitCode(
          await runToil(
            {
              kind: 'log',
              options: {
                duration,
                description,
                service: options.service,
                category: options.category,
                team: options.team,
                person: options.person,
                at: options.at,
              },
            },
            { url: options.url, json: options.json === true },
            io,
          ),
        );
      },
    );

  common(
    configure(toil.command('delete'), 'headroom toil delete')
      .description('Delete a logged toil entry (to correct one, delete it and log it again).')
      .argument('<id>', 'the entry: toil_…, as `toil log` printed it or GET /api/v1/toil lists it'),
  )
    .addHelpText(
      'after',
      `
Reads HEADROOM_TOKEN: the person's own token, an editor token of the entry's team, or
an admin token. Exits 0, 2 for a usage error or a request the server refused (no such
entry, not allowed), 3 when the server cannot be reached.

Example:
  headroom toil delete toil_3f2a9c1e5b7d4a60`,
    )
    .action(async (id: string, options: Common) => {
      setExitCode(
        await runToil(
          { kind: 'delete', id },
          { url: options.url, json: options.json === true },
          io,
        ),
      );
    });

  common(
    configure(toil.command('summary'), 'headroom toil summary')
      .description("A team's toil (logged, pages, incidents) against its working time and the cap.")
      .requiredOption('--team <name>', 'the team')
      .option(
        '--from <instant>',
        'start of the period: an instant, or a date (its start, UTC) (default: 30 days before --to)',
      )
      .option('--to <instant>', 'end of the period, exclusive: an instant or a date (default: now)')
      .option(
        '--cap <percent>',
        "the cap on toil, in percent of working time (default: the team's own, else 50)",
      ),
  )
    .addHelpText(
      'after',
      `
Exits 0 when the team is within its cap, 1 when it is over, 2 for a usage error or
a request the server refused, 3 when the server cannot be reached.

Examples:
  headroom toil summary --team payments
  headroom toil summary --team payments --from 2026-10-01T00:00:00Z --cap 40 --json`,
    )
    .action(
      async (options: Common & { team: string; from?: string; to?: string; cap?: string }) => {
        setExitCode(
          await runToil(
            {
              kind: 'summary',
              team: options.team,
              from: options.from,
              to: options.to,
              cap: options.cap,
            },
            { url: options.url, json: options.json === true },
            io,
          ),
        );
      },
    );

  configure(program.command('report'), 'headroom report')
    .description(
      "A team's reliability report: SLOs, burn alerts, incidents, postmortems, changes, toil, on-call load.",
    )
    .requiredOption('--team <name>', 'the team')
    .option(
      '--from <instant>',
      'start of the period: an instant, or a date (its start in --zone) (default: 30 days before --to)',
    )
    .option('--to <instant>', 'end of the period, exclusive: an instant or a date (default: now)')
    .addOption(
      new Option('--format <format>', 'what to write')
        .choices([...REPORT_FORMATS])
        .default('markdown'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--zone <zone>', 'IANA zone the dates are shown in (default UTC)')
    .option(
      '--cap <percent>',
      "the cap on toil, in percent of working time (default: the team's own, else 50)",
    )
    .option('--url <url>', URL_HELP)
    .addHelpText(
      'after',
      `
Reads HEADROOM_TOKEN. Exits 0, 2 for a usage error or a request the server refused,
3 when the server cannot be reached.

Examples:
  headroom report --team payments
  headroom report --team payments --format html -o payments-weekly.html \\
    --from 2026-11-02T00:00:00Z --to 2026-11-09T00:00:00Z
  headroom report --team payments --zone Europe/Amsterdam --from 2026-11-02 --to 2026-11-09`,
    )
    .action(
      async (options: {
        team: string;
        from?: string;
        to?: string;
        format: (typeof REPORT_FORMATS)[number];
        output?: string;
        zone?: string;
        cap?: string;
        url?: string;
      }) => {
        setExitCode(
          await runReport(
            {
              team: options.team,
              from: options.from,
              to: options.to,
              format: options.format,
              output: options.output,
              zone: options.zone,
              cap: options.cap,
            },
            { url: options.url },
            io,
          ),
        );
      },
    );
}

/** An entry's duration as people type it (1h30m): the log echoes what was given. */
function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes - h * 60);
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h${m}m`;
}

function percent(fraction: number): string {
  return `${(Math.round(fraction * 1000) / 10).toFixed(1)}%`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
