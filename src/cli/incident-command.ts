// `headroom incident declare|update|resolve|list|show` and `headroom postmortem
// draft|show|edit|check|review|runbook`: incidents and their postmortems from the terminal.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { INCIDENT_ROLES, INCIDENT_STATUSES } from '../core/incidents/model.js';
import { checkBlamelessLanguage } from '../core/postmortem/blameless.js';
import { unwrittenSections } from '../core/postmortem/draft.js';
import {
  incidentSchema,
  postmortemSchema,
  POSTMORTEM_REVIEW_STATUSES,
  runbookDraftSchema,
  timelineEntrySchema,
} from '../schema/incidents.js';
import { ApiError, withApiClient } from './api-client.js';
import { formatColumns } from './columns.js';
import { ExitCode, type CliIo, URL_HELP, type Configure, type Env } from './io.js';
import { collect, positiveInteger } from './option-parsers.js';

type IncidentView = z.output<typeof incidentSchema>;
type Postmortem = z.output<typeof postmortemSchema>;

const EXIT_HELP = `
Reads HEADROOM_TOKEN (declaring and changing need an editor or admin token).
Exits 0, 2 for a usage error or a request the server refused, 3 when the server
cannot be reached.`;

export interface DeclareOptions {
  readonly title: string;
  readonly services: readonly string[];
  readonly severity: string;
  readonly summary?: string | undefined;
  readonly pages: readonly string[];
  readonly startedAt?: string | undefined;
  readonly commander?: string | undefined;
}

export interface UpdateOptions {
  readonly status?: string | undefined;
  readonly message?: string | undefined;
  readonly severity?: string | undefined;
  readonly title?: string | undefined;
  /** `role=person`, or `role=` to release the role. */
  readonly roles: readonly string[];
  readonly addServices: readonly string[];
  readonly removeServices: readonly string[];
  readonly note?: string | undefined;
  readonly pages: readonly string[];
  readonly startedAt?: string | undefined;
  readonly mitigatedAt?: string | undefined;
}

export type IncidentAction =
  | { readonly kind: 'declare'; readonly options: DeclareOptions }
  | { readonly kind: 'update'; readonly id: string; readonly options: UpdateOptions }
  | { readonly kind: 'resolve'; readonly id: string; readonly message: string | undefined }
  | {
      readonly kind: 'list';
      readonly status: string;
      readonly service: string | undefined;
      readonly limit: number;
    }
  | { readonly kind: 'show'; readonly id: string };

export async function runIncident(
  action: IncidentAction,
  common: { readonly url: string | undefined; readonly json: boolean },
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  const command = `headroom incident ${action.kind}`;
  const body = action.kind === 'update' ? updateBody(action.options) : undefined;
  if (body instanceof Error) {
    io.stderr.write(`${command}: ${body.message}\n`);
    return ExitCode.usage;
  }
  const print = (incident: IncidentView, verb: string): number => {
    io.stdout.write(common.json ? json(incident) : `${verb}\n${formatIncident(incident)}`);
    return ExitCode.ok;
  };
  return withApiClient(command, common.url, io, env, async (client) => {
    switch (action.kind) {
      case 'declare': {
        const { options } = action;
        const incident = await client.call(
          'POST',
          '/api/v1/incidents',
          {
            title: options.title,
            severity: options.severity,
            services: options.services,
            pages: options.pages,
            ...(options.summary === undefined ? {} : { summary: options.summary }),
            ...(options.startedAt === undefined ? {} : { startedAt: options.startedAt }),
            ...(options.commander === undefined ? {} : { commander: options.commander }),
          },
          incidentSchema,
          {
            title: '<title>',
            severity: '--severity',
            services: '--service',
            pages: '--page',
            summary: '--summary',
            startedAt: '--started-at',
            commander: '--commander',
          },
        );
        return print(incident, `Declared ${incident.ref}.`);
      }
      case 'update':
        return print(
          await client.call('PATCH', incidentPath(action.id), body, incidentSchema, {
            status: '--status',
            message: '--message',
            severity: '--severity',
            title: '--title',
            roles: '--role',
            addServices: '--add-service',
            removeServices: '--remove-service',
            note: '--note',
            linkPages: '--page',
            startedAt: '--started-at',
            mitigatedAt: '--mitigated-at',
          }),
          `Updated ${refOf(action.id)}.`,
        );
      case 'resolve':
        return print(
          await client.call(
            'POST',
            `${incidentPath(action.id)}/resolve`,
            action.message === undefined ? {} : { message: action.message },
            incidentSchema,
            { message: '--message' },
          ),
          `Resolved ${refOf(action.id)}.`,
        );
      case 'list': {
        const query = new URLSearchParams({ limit: String(action.limit) });
        if (action.status !== 'all') query.set('status', action.status);
        if (action.service !== undefined) query.set('service', action.service);
        const incidents = await client.call(
          'GET',
          `/api/v1/incidents?${query.toString()}`,
          undefined,
          z.array(incidentSchema),
        );
        io.stdout.write(common.json ? json(incidents) : formatIncidents(incidents));
        return ExitCode.ok;
      }
      case 'show': {
        const incident = await client.call(
          'GET',
          incidentPath(action.id),
          undefined,
          incidentSchema,
        );
        const timeline = await client.call(
          'GET',
          `${incidentPath(action.id)}/timeline`,
          undefined,
          z.array(timelineEntrySchema),
        );
        io.stdout.write(
          common.json
            ? json({ ...incident, timeline })
            : `${formatIncident(incident)}\nTimeline\n${formatColumns(
                timeline.map((entry) => [`  ${entry.at}`, entry.source, entry.text]),
              )}`,
        );
        return ExitCode.ok;
      }
    }
  });
}

export type PostmortemAction =
  | { readonly kind: 'draft'; readonly id: string; readonly output: string | undefined }
  | { readonly kind: 'show'; readonly id: string; readonly output: string | undefined }
  | { readonly kind: 'edit'; readonly id: string; readonly file: string }
  | {
      readonly kind: 'check';
      readonly id: string | undefined;
      readonly file: string | undefined;
      readonly people: readonly string[];
    }
  | { readonly kind: 'review'; readonly id: string; readonly status: string }
  | { readonly kind: 'runbook'; readonly id: string; readonly output: string | undefined };

export async function runPostmortem(
  action: PostmortemAction,
  common: { readonly url: string | undefined; readonly json: boolean },
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  const command = `headroom postmortem ${action.kind}`;
  if (action.kind === 'check' && action.file !== undefined) {
    // A file is checked here, without a server: the names to look for come from --person.
    let markdown: string;
    try {
      markdown = await readFile(path.resolve(io.cwd, action.file), 'utf8');
    } catch (error) {
      io.stderr.write(`${command}: cannot read ${action.file}: ${(error as Error).message}\n`);
      return ExitCode.usage;
    }
    return reportCheck(
      io,
      common.json,
      action.file,
      unwrittenSections(markdown),
      checkBlamelessLanguage(markdown, action.people),
    );
  }
  const save = async (text: string, output: string | undefined) => {
    if (output === undefined) io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    else {
      await writeFile(path.resolve(io.cwd, output), text);
      io.stderr.write(`${command}: wrote ${output}\n`);
    }
  };
  return withApiClient(command, common.url, io, env, async (client) => {
    const route = (id: string) => `${incidentPath(id)}/postmortem`;
    switch (action.kind) {
      case 'draft': {
        let postmortem: Postmortem;
        try {
          postmortem = await client.call('POST', route(action.id), undefined, postmortemSchema);
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 409) throw error;
          io.stderr.write(`${command}: ${refOf(action.id)} has a postmortem already; here it is\n`);
          postmortem = await client.call('GET', route(action.id), undefined, postmortemSchema);
        }
        if (common.json) io.stdout.write(json(postmortem));
        else await save(postmortem.markdown, action.output);
        return ExitCode.ok;
      }
      case 'show': {
        const postmortem = await client.call('GET', route(action.id), undefined, postmortemSchema);
        if (common.json) io.stdout.write(json(postmortem));
        else await save(postmortem.markdown, action.output);
        return ExitCode.ok;
      }
      case 'edit': {
        let markdown: string;
        try {
          markdown = await readFile(path.resolve(io.cwd, action.file), 'utf8');
        } catch (error) {
          io.stderr.write(`${command}: cannot read ${action.file}: ${(error as Error).message}\n`);
          return ExitCode.usage;
        }
        const current = await client.call('GET', route(action.id), undefined, postmortemSchema);
        const saved = await client.call(
          'PUT',
          route(action.id),
          { markdown, revision: current.revision },
          postmortemSchema,
        );
        if (common.json) io.stdout.write(json(saved));
        else {
          io.stdout.write(
            `Saved the postmortem of ${refOf(action.id)} (revision ${String(saved.revision)}).\n`,
          );
          reportCheck(io, false, action.file, saved.unwrittenSections, saved.blamelessFindings);
        }
        return ExitCode.ok;
      }
      case 'check': {
        const postmortem = await client.call(
          'GET',
          route(action.id ?? ''),
          undefined,
          postmortemSchema,
        );
        return reportCheck(
          io,
          common.json,
          refOf(action.id ?? ''),
          postmortem.unwrittenSections,
          postmortem.blamelessFindings,
        );
      }
      case 'review': {
        const postmortem = await client.call(
          'POST',
          `${route(action.id)}/review`,
          { status: action.status },
          postmortemSchema,
        );
        io.stdout.write(
          common.json
            ? json(postmortem)
            : `The postmortem of ${refOf(action.id)} is ${postmortem.status}.\n`,
        );
        return ExitCode.ok;
      }
      case 'runbook': {
        const draft = await client.call(
          'GET',
          `${route(action.id)}/runbook`,
          undefined,
          runbookDraftSchema,
        );
        if (common.json) io.stdout.write(json(draft.document));
        else await save(draft.yaml, action.output);
        return ExitCode.ok;
      }
    }
  });
}

/** Adds `incident` and `postmortem` to the program. */
export function addIncidentCommands(
  program: Command,
  configure: Configure,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const incident = program
    .command('incident')
    .description('Incidents: declare, update, resolve, list, show.');
  const common = (command: Command) =>
    command.option('--json', 'print the API answer as JSON').option('--url <url>', URL_HELP);
  type Common = { json?: boolean; url?: string };
  const run = (action: IncidentAction, options: Common) =>
    runIncident(action, { url: options.url, json: options.json === true }, io);

  common(
    configure(incident.command('declare'), 'headroom incident declare')
      .description(
        'Declare an incident; pages the incident-response rotation when it calls for it.',
      )
      .argument('<title>', 'what is wrong, in a few words')
      // commander's help does not mark required options: the descriptions say it.
      .requiredOption('-s, --service <name>', 'required: an impacted service (repeatable)', collect)
      .requiredOption('--severity <name>', 'required: SEV1 to SEV4, or your IncidentSettings scale')
      .option('--summary <text>', 'what is known so far')
      .option('--page <id>', 'a page this incident is declared from (repeatable)', collect)
      .option('--started-at <instant>', 'when the impact began, if before now (ISO 8601)')
      .option('--commander <user>', 'the incident commander (default: you)'),
  )
    .addHelpText(
      'after',
      `${EXIT_HELP}

Examples:
  headroom incident declare "Checkout failing payments" -s checkout --severity SEV2
  headroom incident declare "Search slow" -s search -s ads --severity SEV3 --page 7a740fbf07d4ddf7`,
    )
    .action(
      async (
        title: string,
        options: Common & {
          service: string[];
          severity: string;
          summary?: string;
          page?: string[];
          startedAt?: string;
          commander?: string;
        },
      ) => {
        setExitCode(
          await run(
            {
              kind: 'declare',
              options: {
                title,
                services: options.service,
                severity: options.severity,
                summary: options.summary,
                pages: options.page ?? [],
                startedAt: options.startedAt,
                commander: options.commander,
              },
            },
            options,
          ),
        );
      },
    );

  common(
    configure(incident.command('update'), 'headroom incident update')
      .description('Post a status update, change status, severity, roles, services; add a note.')
      .argument('<id>', 'the incident, e.g. 42 or INC-42')
      .addOption(new Option('--status <status>', 'the new status').choices([...INCIDENT_STATUSES]))
      .option('-m, --message <text>', 'a status update for stakeholders')
      .option('--severity <name>', 'a new severity')
      .option('--title <text>', 'a better title')
      .option(
        '--role <role=person>',
        `hand a role over (${INCIDENT_ROLES.join(', ')}); "role=" releases it (repeatable)`,
        collect,
      )
      .option('--add-service <name>', 'another impacted service (repeatable)', collect)
      .option('--remove-service <name>', 'a service that turned out not to be impacted', collect)
      .option('--note <text>', 'a note for the timeline')
      .option('--page <id>', 'link a page (repeatable)', collect)
      .option('--started-at <instant>', 'correct when the impact began')
      .option('--mitigated-at <instant>', 'correct when it was mitigated'),
  )
    .addHelpText(
      'after',
      `${EXIT_HELP}

Examples:
  headroom incident update 42 --status identified -m "Bad config in 2.4.0; rolling back"
  headroom incident update INC-42 --role commander=bob --role scribe=carol`,
    )
    .action(
      async (
        id: string,
        options: Common & {
          status?: string;
          message?: string;
          severity?: string;
          title?: string;
          role?: string[];
          addService?: string[];
          removeService?: string[];
          note?: string;
          page?: string[];
          startedAt?: string;
          mitigatedAt?: string;
        },
      ) => {
        setExitCode(
          await run(
            {
              kind: 'update',
              id,
              options: {
                status: options.status,
                message: options.message,
                severity: options.severity,
                title: options.title,
                roles: options.role ?? [],
                addServices: options.addService ?? [],
                removeServices: options.removeService ?? [],
                note: options.note,
                pages: options.page ?? [],
                startedAt: options.startedAt,
                mitigatedAt: options.mitigatedAt,
              },
            },
            options,
          ),
        );
      },
    );

  common(
    configure(incident.command('resolve'), 'headroom incident resolve')
      .description('Resolve an incident.')
      .argument('<id>', 'the incident, e.g. 42 or INC-42')
      .option('-m, --message <text>', 'the closing status update'),
  )
    .addHelpText('after', EXIT_HELP)
    .action(async (id: string, options: Common & { message?: string }) => {
      setExitCode(await run({ kind: 'resolve', id, message: options.message }, options));
    });

  common(
    configure(incident.command('list'), 'headroom incident list')
      .description('List incidents, newest first (default: the open ones).')
      .addOption(
        new Option('--status <status>', 'which ones')
          .choices(['open', 'all', ...INCIDENT_STATUSES])
          .default('open'),
      )
      .option('-s, --service <name>', 'only incidents on this service')
      .option('--limit <n>', 'at most this many', positiveInteger, 50),
  )
    .addHelpText('after', EXIT_HELP)
    .action(async (options: Common & { status: string; service?: string; limit: number }) => {
      setExitCode(
        await run(
          { kind: 'list', status: options.status, service: options.service, limit: options.limit },
          options,
        ),
      );
    });

  common(
    configure(incident.command('show'), 'headroom incident show')
      .description('One incident: status, roles, durations, and its timeline.')
      .argument('<id>', 'the incident, e.g. 42 or INC-42'),
  )
    .addHelpText('after', EXIT_HELP)
    .action(async (id: string, options: Common) => {
      setExitCode(await run({ kind: 'show', id }, options));
    });

  const postmortem = program
    .command('postmortem')
    .description('Blameless postmortems: draft, show, edit, check, review, runbook.');
  const runPm = (action: PostmortemAction, options: Common) =>
    runPostmortem(action, { url: options.url, json: options.json === true }, io);

  common(
    configure(postmortem.command('draft'), 'headroom postmortem draft')
      .description(
        'Draft the postmortem of an incident from what Headroom knows; the rest is marked [to write].',
      )
      .argument('<incident>', 'the incident, e.g. 42 or INC-42')
      .option('-o, --output <file>', 'write the Markdown to this file (default: stdout)'),
  )
    .addHelpText(
      'after',
      `${EXIT_HELP}

Edit the file, then save it with: headroom postmortem edit 42 --file INC-42.md`,
    )
    .action(async (id: string, options: Common & { output?: string }) => {
      setExitCode(await runPm({ kind: 'draft', id, output: options.output }, options));
    });

  common(
    configure(postmortem.command('show'), 'headroom postmortem show')
      .description('Print the postmortem as it is saved.')
      .argument('<incident>', 'the incident, e.g. 42 or INC-42')
      .option('-o, --output <file>', 'write the Markdown to this file (default: stdout)'),
  )
    .addHelpText('after', EXIT_HELP)
    .action(async (id: string, options: Common & { output?: string }) => {
      setExitCode(await runPm({ kind: 'show', id, output: options.output }, options));
    });

  common(
    configure(postmortem.command('edit'), 'headroom postmortem edit')
      .description('Save an edited postmortem from a file.')
      .argument('<incident>', 'the incident, e.g. 42 or INC-42')
      .requiredOption('-f, --file <file>', 'the Markdown to save'),
  )
    .addHelpText('after', EXIT_HELP)
    .action(async (id: string, options: Common & { file: string }) => {
      setExitCode(await runPm({ kind: 'edit', id, file: options.file }, options));
    });

  common(
    configure(postmortem.command('check'), 'headroom postmortem check')
      .description(
        'Point at sections still to write and at sentences that blame a person rather than a system.',
      )
      .argument('[incident]', 'the incident whose saved postmortem to check')
      .option('-f, --file <file>', 'check a Markdown file instead, without a server')
      .option('--person <name>', 'with --file: a name to look for (repeatable)', collect),
  )
    .addHelpText(
      'after',
      `
Exits 0 when nothing was found, 1 when something was (every finding is printed with
its line and column), 2 for a usage error, 3 when the server cannot be reached.`,
    )
    .action(
      async (id: string | undefined, options: Common & { file?: string; person?: string[] }) => {
        if ((id === undefined) === (options.file === undefined)) {
          io.stderr.write('headroom postmortem check: name an incident or give --file, not both\n');
          setExitCode(ExitCode.usage);
          return;
        }
        setExitCode(
          await runPm(
            { kind: 'check', id, file: options.file, people: options.person ?? [] },
            options,
          ),
        );
      },
    );

  common(
    configure(postmortem.command('review'), 'headroom postmortem review')
      .description('Move the postmortem to draft, in-review or published.')
      .argument('<incident>', 'the incident, e.g. 42 or INC-42')
      .addOption(
        new Option('--status <status>', 'the review state')
          .choices([...POSTMORTEM_REVIEW_STATUSES])
          .makeOptionMandatory(),
      ),
  )
    .addHelpText('after', EXIT_HELP)
    .action(async (id: string, options: Common & { status: string }) => {
      setExitCode(await runPm({ kind: 'review', id, status: options.status }, options));
    });

  common(
    configure(postmortem.command('runbook'), 'headroom postmortem runbook')
      .description("Draft a Runbook document from the postmortem's resolution steps.")
      .argument('<incident>', 'the incident, e.g. 42 or INC-42')
      .option('-o, --output <file>', 'write the YAML to this file (default: stdout)'),
  )
    .addHelpText('after', `${EXIT_HELP}\n\nReview it, then: headroom apply -f <file>`)
    .action(async (id: string, options: Common & { output?: string }) => {
      setExitCode(await runPm({ kind: 'runbook', id, output: options.output }, options));
    });
}

// ---------------------------------------------------------------------------

function updateBody(options: UpdateOptions): Record<string, unknown> | Error {
  const roles: Record<string, string | null> = {};
  for (const assignment of options.roles) {
    const [role = '', ...rest] = assignment.split('=');
    if (!(INCIDENT_ROLES as readonly string[]).includes(role) || rest.length === 0) {
      return new Error(
        `--role ${assignment}: expected role=person with a role of ${INCIDENT_ROLES.join(', ')} ("role=" releases it)`,
      );
    }
    const person = rest.join('=').trim();
    roles[role] = person === '' ? null : person;
  }
  return {
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.message === undefined ? {} : { message: options.message }),
    ...(options.severity === undefined ? {} : { severity: options.severity }),
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(Object.keys(roles).length === 0 ? {} : { roles }),
    ...(options.addServices.length === 0 ? {} : { addServices: options.addServices }),
    ...(options.removeServices.length === 0 ? {} : { removeServices: options.removeServices }),
    ...(options.note === undefined ? {} : { note: options.note }),
    ...(options.pages.length === 0 ? {} : { linkPages: options.pages }),
    ...(options.startedAt === undefined ? {} : { startedAt: options.startedAt }),
    ...(options.mitigatedAt === undefined ? {} : { mitigatedAt: options.mitigatedAt }),
  };
}

export function formatIncident(incident: IncidentView): string {
  const roles = INCIDENT_ROLES.flatMap((role) => {
    const holder = incident.roles[role];
    return holder === null ? [] : [`${role}=${holder.person}`];
  });
  const duration = (seconds: number | null) => (seconds === null ? '—' : humanDuration(seconds));
  const lines = [
    `${incident.ref} ${incident.severity} ${incident.status}: ${incident.title}`,
    `  services    ${incident.services.join(', ')}${incident.teams.length > 0 ? ` (${incident.teams.join(', ')})` : ''}`,
    `  roles       ${roles.join(', ') || 'none'}`,
    `  started     ${incident.startedAt}`,
    `  acknowledged after ${humanDuration(incident.timeToAcknowledgeSeconds)}, mitigated after ${duration(incident.timeToMitigateSeconds)}, resolved after ${duration(incident.timeToResolveSeconds)}`,
  ];
  if (incident.incidentResponse.page !== null) {
    lines.push(
      `  incident response: ${incident.incidentResponse.schedule ?? ''} paged (${incident.incidentResponse.reasons.join(', ')})`,
    );
  } else if (incident.incidentResponse.reasons.length > 0) {
    lines.push(
      `  incident response needed (${incident.incidentResponse.reasons.join(', ')}) but no schedule is configured (IncidentSettings spec.incidentResponse)`,
    );
  }
  if (incident.runbooks.length > 0) {
    lines.push(`  runbooks    ${incident.runbooks.map((runbook) => runbook.name).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatIncidents(incidents: readonly IncidentView[]): string {
  if (incidents.length === 0) return 'No incidents.\n';
  return formatColumns([
    ['ID', 'SEVERITY', 'STATUS', 'STARTED', 'SERVICES', 'COMMANDER', 'TITLE'],
    ...incidents.map((incident) => [
      incident.ref,
      incident.severity,
      incident.status,
      incident.startedAt,
      incident.services.join(','),
      incident.roles.commander?.person ?? '—',
      incident.title,
    ]),
  ]);
}

function reportCheck(
  io: CliIo,
  asJson: boolean,
  where: string,
  unwritten: readonly string[],
  findings: readonly {
    readonly line: number;
    readonly column: number;
    readonly sentence: string;
    readonly reason: string;
    readonly suggestion: string;
  }[],
): number {
  if (asJson) io.stdout.write(json({ unwrittenSections: unwritten, blamelessFindings: findings }));
  else {
    for (const section of unwritten)
      io.stdout.write(`${where}: section "${section}" is still to write\n`);
    for (const finding of findings) {
      io.stdout.write(
        `${where}:${String(finding.line)}:${String(finding.column)}: ${finding.reason}\n  ${finding.sentence}\n  ${finding.suggestion}\n`,
      );
    }
    if (unwritten.length === 0 && findings.length === 0)
      io.stdout.write(`${where}: nothing to point at\n`);
  }
  return unwritten.length === 0 && findings.length === 0 ? ExitCode.ok : ExitCode.no;
}

function humanDuration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${String(minutes)} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0
    ? `${String(hours)} h`
    : `${String(hours)} h ${String(minutes % 60)} min`;
}

function incidentPath(id: string): string {
  return `/api/v1/incidents/${encodeURIComponent(id)}`;
}

function refOf(id: string): string {
  return /^\d+$/.test(id) ? `INC-${id}` : id.toUpperCase();
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
