// The `headroom` command line. Parsing only: each command's work is in its own file.
// Nothing here calls process.exit; main returns the exit code, so that the CLI runs
// in-process in tests and the bin script decides how to leave.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { EvalFormat } from './eval-command.js';
import { collect } from './option-parsers.js';
import { ExitCode, URL_HELP, type CliIo, type Configure } from './io.js';

type AddCommands = (
  program: Command,
  configure: Configure,
  io: CliIo,
  setExitCode: (code: number) => void,
) => void;

/**
 * The commands defined in modules of their own, by the top-level names each adds, in
 * the order help lists them. Only the module of the command asked for is loaded (the
 * whole set for help or a name none has): `headroom gate` in a CI job should not
 * spend a second loading the server, the config loader and every other command.
 */
const COMMAND_MODULES: readonly {
  readonly names: readonly string[];
  readonly load: () => Promise<AddCommands>;
}[] = [
  {
    names: ['gate', 'deploy'],
    load: async () => (await import('./gate-command.js')).addGateCommands,
  },
  {
    names: ['incident', 'postmortem'],
    load: async () => (await import('./incident-command.js')).addIncidentCommands,
  },
  {
    names: ['toil', 'report'],
    load: async () => (await import('./report-command.js')).addReportCommands,
  },
  {
    names: ['user', 'team'],
    load: async () => (await import('./directory-command.js')).addDirectoryCommands,
  },
  {
    names: ['heartbeat', 'run'],
    load: async () => (await import('./heartbeat-command.js')).addHeartbeatCommands,
  },
  {
    names: ['approve', 'approvals'],
    load: async () => (await import('./approve-command.js')).addApprovalCommands,
  },
];

/**
 * The command modules `argv` needs: the one owning its first word; none for a command
 * defined here or for --version; all of them otherwise (help, a misspelt command), so
 * that help lists every command and a typo gets its suggestion. A name missing from
 * the lists only costs time: every module is loaded, and the command is found.
 */
function commandModulesFor(argv: readonly string[]): typeof COMMAND_MODULES {
  const first = argv[0];
  if (first === undefined) return COMMAND_MODULES;
  const owner = COMMAND_MODULES.find((module) => module.names.includes(first));
  if (owner !== undefined) return [owner];
  return [...INLINE_COMMANDS, '-V', '--version'].includes(first) ? [] : COMMAND_MODULES;
}

/** The commands defined below, whose work is loaded when they run. */
const INLINE_COMMANDS: readonly string[] = [
  'eval',
  'validate',
  'generate',
  'serve',
  'page',
  'oncall',
  'apply',
  'diff',
];

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const addCommands = await Promise.all(commandModulesFor(argv).map((module) => module.load()));
  const program = buildProgram(io, addCommands, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with 0; every other parse error is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    throw error;
  }
  return exitCode;
}

function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stderrIsTerminal: isatty(2),
    cwd: process.cwd(),
  };
}

function buildProgram(
  io: CliIo,
  addCommands: readonly AddCommands[],
  setExitCode: (code: number) => void,
): Command {
  const program = new Command('headroom');
  const configure = (command: Command, usage: string): Command =>
    command
      .exitOverride()
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
      })
      .showSuggestionAfterError(true)
      .showHelpAfterError(`(run ${usage} --help for usage)`);

  configure(program, 'headroom')
    .description(
      'Headroom: SLOs and error budgets with consequences: burn alerts, the deploy gate, paging and on-call, incidents and postmortems, cron-job heartbeats, toil and reports.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    // Root options only before a command: `headroom gate checkout --version 1.4.0` is
    // the deploy's version, not a request for headroom's.
    .enablePositionalOptions()
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .addHelpText(
      'after',
      `
Examples:
  headroom validate examples/config
  headroom eval --config examples/config --events examples/events.ndjson --format table
  headroom serve                                  # then, with HEADROOM_URL and HEADROOM_TOKEN:
  headroom diff -f examples/config && headroom apply -f examples/config

Exit codes: 0 ok, 1 the answer is no, 2 usage or input error, 3 server unreachable.`,
    );

  configure(program.command('eval'), 'headroom eval')
    .description(
      'Evaluate SLOs from a config and per-minute counts in NDJSON: SLI, error budget, burn rates, alerts.',
    )
    .requiredOption('-c, --config <path>', 'config file or directory (repeatable)', collect)
    .requiredOption('-e, --events <file>', 'NDJSON file of per-minute counts, or - for stdin')
    .option(
      '--at <time>',
      'evaluate at this RFC 3339 time (default: the end of the latest event minute)',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['json', 'table'])
        .default('json'),
    )
    .option('--strict', 'stop at the first bad event line instead of skipping it')
    .option('--slo <name>', 'evaluate only this SLO (repeatable)', collect)
    .addHelpText(
      'after',
      `
Each events line holds the counts of one minute of one SLO:
  {"ts":"2026-11-01T10:00:00Z","slo":"checkout-availability","good":12,"total":13}
"bad" may stand in for "good". ts is RFC 3339 with a zone; the counts go to the
minute that contains it. Bad lines are skipped with a warning (or fatal with --strict).

Examples:
  headroom eval -c examples/config -e examples/events.ndjson
  headroom eval -c examples/config -e examples/events.ndjson --format table
  headroom eval -c slos/ -c services.yaml -e - --at 2026-11-01T00:00:00Z < counts.ndjson
  headroom eval -c examples/config -e examples/events.ndjson --slo checkout-availability --strict

Output: a JSON array with one status per SLO (--format json), or a table for people.`,
    )
    .action(async (options: RawEvalOptions) => {
      const { runEval } = await import('./eval-command.js');
      setExitCode(
        await runEval(
          {
            config: options.config,
            events: options.events,
            at: options.at,
            format: options.format,
            strict: options.strict === true,
            slo: options.slo ?? [],
          },
          io,
        ),
      );
    });

  configure(program.command('validate'), 'headroom validate')
    .description('Check config files and directories offline: schema, names, references.')
    .argument('<paths...>', 'config files or directories')
    .option('--json', 'print the model and the issues as JSON')
    .addHelpText(
      'after',
      `
Issues are printed as file:line:column: severity: field: message [code].
Exits 0 when valid (warnings allowed), 2 on any error.

Examples:
  headroom validate examples/config
  headroom validate slos/ services.yaml --json`,
    )
    .action(async (paths: string[], options: { json?: boolean }) => {
      const { runValidate } = await import('./validate-command.js');
      setExitCode(await runValidate(paths, { json: options.json === true }, io));
    });

  const generate = configure(program.command('generate'), 'headroom generate').description(
    'Generate files for other tools from the config.',
  );
  configure(generate.command('prometheus'), 'headroom generate prometheus')
    .description(
      'Prometheus recording and alerting rules (Sloth-compatible names) for SLOs read from Prometheus.',
    )
    .requiredOption('-f, --file <paths...>', 'config files or directories (repeatable)')
    .option('-o, --output <file>', 'write the rules here instead of standard output')
    .addHelpText(
      'after',
      `
Writes, per SLO: slo:sli_error:ratio_rate<window> for every alert window and the SLO
window, slo:objective:ratio, slo:error_budget:ratio, slo:current_burn_rate:ratio,
slo:period_burn_rate:ratio, slo:period_error_budget_remaining:ratio, sloth_slo_info,
and the page and ticket multiwindow burn-rate alerts, labelled like Sloth's rules.
SLOs fed by pushed events are skipped with the reason. Check with promtool check rules.

Examples:
  headroom generate prometheus -f slos/ -o /etc/prometheus/rules/slos.yml`,
    )
    .action(async (options: { file: string[]; output?: string }) => {
      const { runGeneratePrometheus } = await import('./generate-command.js');
      setExitCode(await runGeneratePrometheus({ files: options.file, output: options.output }, io));
    });

  configure(program.command('serve'), 'headroom serve')
    .description(
      'Run the Headroom server: the API and web UI, event and alert intake, metrics, the evaluator and paging.',
    )
    .option(
      '--listen <host:port>',
      'address to listen on; port 0 picks a free one',
      '127.0.0.1:8420',
    )
    .option(
      '--data-dir <dir>',
      'SQLite database directory (unless DATABASE_URL is set)',
      'headroom-data',
    )
    .option('--log-level <level>', 'log level: fatal, error, warn, info, debug, trace', 'info')
    .addHelpText(
      'after',
      `
Environment:
  DATABASE_URL               postgres://… to use PostgreSQL instead of SQLite
  HEADROOM_BOOTSTRAP_TOKEN   the first admin token of an empty database (else one is
                             generated and printed once)

Stops on SIGTERM or SIGINT after the requests in flight. See docs/server.md.

Examples:
  headroom serve
  DATABASE_URL=postgres://headroom@db/headroom headroom serve --listen 0.0.0.0:8420`,
    )
    .action(async (options: { listen: string; dataDir: string; logLevel: string }) => {
      const { runServe } = await import('./serve-command.js');
      setExitCode(
        await runServe(
          {
            listen: options.listen,
            dataDir: options.dataDir,
            logLevel: options.logLevel,
            version: packageVersion(),
          },
          io,
          process.env,
        ),
      );
    });

  const page = program
    .command('page')
    .description('Pages: list the open ones, show, acknowledge or resolve one.');
  configure(page.command('list'), 'headroom page list')
    .description('List pages (default: the open ones).')
    .option('--status <status>', 'open | triggered | acknowledged | resolved', 'open')
    .option('--service <service>', 'only pages that name this service')
    .option('--team <team>', "only pages that name one of this team's services")
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', URL_HELP)
    .action(
      async (options: {
        status: string;
        service?: string;
        team?: string;
        json?: boolean;
        url?: string;
      }) => {
        const { runPage } = await import('./page-command.js');
        setExitCode(
          await runPage(
            {
              kind: 'list',
              status: options.status,
              service: options.service,
              team: options.team,
              json: options.json === true,
            },
            options.url,
            io,
          ),
        );
      },
    );
  configure(page.command('show'), 'headroom page show')
    .description(
      'Show one page: its alerts, where its escalation stands (who was told, who is next and when), runbooks, and whom it could not reach.',
    )
    .argument('<id>', 'the page id (headroom page list)')
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', URL_HELP)
    .action(async (id: string, options: { json?: boolean; url?: string }) => {
      const { runPage } = await import('./page-command.js');
      setExitCode(
        await runPage({ kind: 'show', id, json: options.json === true }, options.url, io),
      );
    });
  for (const [name, kind] of [
    ['ack', 'acknowledge'],
    ['resolve', 'resolve'],
  ] as const) {
    configure(page.command(name), `headroom page ${name}`)
      .description(
        kind === 'acknowledge' ? 'Acknowledge a page: escalation stops.' : 'Resolve a page.',
      )
      .argument('<id>', 'the page id (headroom page list)')
      .option('--json', 'print the page as JSON')
      .option('--url <url>', URL_HELP)
      .addHelpText(
        'after',
        `
Reads HEADROOM_TOKEN (an editor or admin token: viewers may not act on pages).
Exits 0, 2 for a usage error or an unknown page, 3 when the server cannot be reached.`,
      )
      .action(async (id: string, options: { json?: boolean; url?: string }) => {
        const { runPage } = await import('./page-command.js');
        setExitCode(await runPage({ kind, id, json: options.json === true }, options.url, io));
      });
  }

  configure(program.command('oncall'), 'headroom oncall')
    .description('Who is on call now and next, for one schedule or every schedule.')
    .argument('[schedule]', 'a schedule name (default: every schedule)')
    .option('--at <instant>', 'ask about another instant (ISO 8601)')
    .option('--json', 'print the API answers as JSON')
    .option('--url <url>', URL_HELP)
    .addHelpText(
      'after',
      `
Hand-offs are shown on each schedule's clock (its timeZone), as the rotation is
written; --json gives the API's UTC instants. Reads HEADROOM_TOKEN. Exits 0, 2 for a
usage error or an unknown schedule, 3 when the server cannot be reached.

Examples:
  headroom oncall
  headroom oncall payments-primary --at 2026-12-24T20:00:00Z`,
    )
    .action(
      async (
        schedule: string | undefined,
        options: { at?: string; json?: boolean; url?: string },
      ) => {
        const { runOnCall } = await import('./oncall-command.js');
        setExitCode(
          await runOnCall(
            { schedule, at: options.at, url: options.url, json: options.json === true },
            io,
          ),
        );
      },
    );

  for (const add of addCommands) add(program, configure, io, setExitCode);

  configure(program.command('apply'), 'headroom apply')
    .description(
      'Bring the server to the config: create and change what it declares (with --prune, delete).',
    )
    .requiredOption('-f, --file <paths...>', 'config files or directories (repeatable)')
    .option('--prune', 'delete what the config no longer holds, in your teams')
    .option('--url <url>', URL_HELP)
    .addHelpText(
      'after',
      `
The config is read like headroom validate; any error stops it before a request.
Other formats (OpenSLO, Sloth) are sent as headroom/v1 documents. The token is
read from HEADROOM_TOKEN. Exits 0 when applied, 2 for config errors or a refused
request, 3 when the server cannot be reached.

Examples:
  headroom apply -f examples/config
  HEADROOM_URL=https://headroom.example.com headroom apply -f slos/ --prune`,
    )
    .action(async (options: RawApplyOptions) => {
      const { runApply } = await import('./apply-command.js');
      setExitCode(
        await runApply(
          { files: options.file, prune: options.prune === true, url: options.url },
          io,
        ),
      );
    });

  configure(program.command('diff'), 'headroom diff')
    .description('Show what headroom apply would change on the server, without changing it.')
    .requiredOption('-f, --file <paths...>', 'config files or directories (repeatable)')
    .option('--prune', 'include the deletes headroom apply --prune would make')
    .option('--url <url>', URL_HELP)
    .option('--exit-code', 'exit 1 when there are changes')
    .addHelpText(
      'after',
      `
Prints + for creates, ~ for changes (with each changed field, before -> after)
and - for deletes. Exits 0 (with --exit-code: 0 no changes, 1 changes), 2 for
config errors or a refused request, 3 when the server cannot be reached.

Examples:
  headroom diff -f examples/config
  headroom diff -f slos/ --prune --exit-code`,
    )
    .action(async (options: RawApplyOptions & { exitCode?: boolean }) => {
      const { runDiff } = await import('./diff-command.js');
      setExitCode(
        await runDiff(
          {
            files: options.file,
            prune: options.prune === true,
            url: options.url,
            exitCode: options.exitCode === true,
          },
          io,
        ),
      );
    });

  return program;
}

interface RawApplyOptions {
  readonly file: string[];
  readonly prune: boolean | undefined;
  readonly url: string | undefined;
}

interface RawEvalOptions {
  readonly config: string[];
  readonly events: string;
  readonly at: string | undefined;
  readonly format: EvalFormat;
  readonly strict: boolean | undefined;
  readonly slo: string[] | undefined;
}

/** The version from package.json, found from this file in the sources and in dist/. */
function packageVersion(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const text = readFileSync(path.join(directory, 'package.json'), 'utf8');
      const manifest = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (manifest.name === 'headroom' && typeof manifest.version === 'string') {
        return manifest.version;
      }
    } catch {
      // Not here; look in the parent.
    }
    const parent = path.dirname(directory);
    if (parent === directory) return 'unknown';
    directory = parent;
  }
}
