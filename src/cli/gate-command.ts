// `headroom gate <service>`: what CI asks before a production deploy, and `headroom
// deploy record`, what it tells afterwards. The gate exits 0 when the deploy may go
// out, 1 when a policy holds it (with every reason, for a person), 2 for a usage
// error or a request the server refused, and 3 when the server cannot answer.
//
// Without the server nobody can read the policies, so the policy's `onUnavailable`
// cannot be read either: the pipeline says what it wants with --on-unavailable or
// HEADROOM_GATE_ON_UNAVAILABLE (set it to what the service's policies say; the
// decision JSON carries it), and the default is deny, as it is for policies. A deploy
// let out this way exits 0 but says so loudly.
import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import {
  deploySchema,
  DEPLOY_STATUSES,
  gateAnswerSchema,
  type DeployView,
  type GateAnswer,
} from '../schema/deploys.js';
import {
  ApiError,
  apiClientOptions,
  createApiClient,
  formatApiError,
  type ApiClient,
} from './api-client.js';
import { collect } from './option-parsers.js';
import { ExitCode, type CliIo } from './io.js';

export type Environment = Readonly<Record<string, string | undefined>>;
export type OnUnavailable = 'allow' | 'deny';

const ON_UNAVAILABLE_ENV = 'HEADROOM_GATE_ON_UNAVAILABLE';
/** CI should not wait long for an answer it can decide without. */
const DEFAULT_GATE_TIMEOUT_SECONDS = 10;

export interface GateOptions {
  readonly service: string;
  readonly version: string | undefined;
  readonly commit: string | undefined;
  readonly labels: readonly string[];
  readonly actor: string | undefined;
  readonly json: boolean;
  readonly url: string | undefined;
  readonly onUnavailable: OnUnavailable | undefined;
  readonly timeoutSeconds: number;
}

/** Who deploys, when not given: the CI systems' own variables, then the login. */
export function defaultActor(env: Environment): string | undefined {
  for (const name of ['HEADROOM_ACTOR', 'GITHUB_ACTOR', 'GITLAB_USER_LOGIN', 'USER']) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** The commit being deployed, when not given: GitHub Actions and GitLab CI set these. */
function defaultCommit(env: Environment): string | undefined {
  const value = (env.GITHUB_SHA ?? env.CI_COMMIT_SHA)?.trim();
  return value === '' ? undefined : value;
}

export async function runGate(
  options: GateOptions,
  io: CliIo,
  env: Environment = process.env,
): Promise<number> {
  const command = 'headroom gate';
  const actor = options.actor ?? defaultActor(env);
  if (actor === undefined) {
    io.stderr.write(
      `${command}: who deploys? pass --actor or set HEADROOM_ACTOR (GITHUB_ACTOR and GITLAB_USER_LOGIN are read too)\n`,
    );
    return ExitCode.usage;
  }
  const fromEnv = env[ON_UNAVAILABLE_ENV]?.trim();
  if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== 'allow' && fromEnv !== 'deny') {
    io.stderr.write(
      `${command}: ${ON_UNAVAILABLE_ENV}=${fromEnv} is neither allow nor deny; set it to what the service's policies say (onUnavailable)\n`,
    );
    return ExitCode.usage;
  }
  const onUnavailable: OnUnavailable =
    options.onUnavailable ?? (fromEnv === 'allow' || fromEnv === 'deny' ? fromEnv : 'deny');
  const source =
    options.onUnavailable !== undefined
      ? '--on-unavailable'
      : fromEnv === undefined || fromEnv === ''
        ? 'the default'
        : ON_UNAVAILABLE_ENV;

  let client: ApiClient;
  try {
    client = createApiClient({
      ...apiClientOptions({ url: options.url }, env),
      timeoutMs: options.timeoutSeconds * 1000,
    });
  } catch (error) {
    io.stderr.write(`${command}: ${formatApiError(error)}\n`);
    return ExitCode.usage;
  }
  const commit = options.commit ?? defaultCommit(env);
  let answer: GateAnswer;
  try {
    answer = await client.call(
      'POST',
      '/api/v1/deploys/check',
      {
        service: options.service,
        actor,
        labels: options.labels,
        ...(options.version === undefined ? {} : { version: options.version }),
        ...(commit === undefined ? {} : { commit }),
      },
      gateAnswerSchema,
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.exitCode !== ExitCode.unreachable) {
      io.stderr.write(`${command}: ${formatApiError(error)}\n`);
      return error.exitCode;
    }
    return decideWithoutServer(command, options, onUnavailable, source, error, io);
  }
  io.stdout.write(options.json ? `${JSON.stringify(answer, null, 2)}\n` : formatDecision(answer));
  return answer.allowed ? ExitCode.ok : ExitCode.no;
}

function decideWithoutServer(
  command: string,
  options: GateOptions,
  onUnavailable: OnUnavailable,
  source: string,
  error: ApiError,
  io: CliIo,
): number {
  const allowed = onUnavailable === 'allow';
  io.stderr.write(`${command}: ${formatApiError(error)}\n`);
  const banner = allowed
    ? `WARNING: the deploy gate did not answer; ${options.service} is ALLOWED WITHOUT A DECISION (onUnavailable: allow, from ${source}). No policy was checked and nothing was recorded.`
    : `The deploy gate did not answer; ${options.service} is DENIED without a decision (onUnavailable: deny, from ${source}). Retry when the server is back, or, if the service's policies allow it, set ${ON_UNAVAILABLE_ENV}=allow.`;
  io.stderr.write(`${banner}\n`);
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          service: options.service,
          allowed,
          decidedWithoutServer: true,
          onUnavailable,
          onUnavailableFrom: source,
          error: error.message,
        },
        null,
        2,
      )}\n`,
    );
  }
  return allowed ? ExitCode.ok : ExitCode.unreachable;
}

/** The decision for a person: the verdict, every reason in full, what would lift them. */
export function formatDecision(answer: GateAnswer): string {
  const what = answer.version === null ? answer.service : `${answer.service} ${answer.version}`;
  const policies = answer.policies.length === 0 ? 'no policy applies' : answer.policies.join(', ');
  const lines: string[] = [];
  if (answer.allowed) {
    lines.push(`ALLOWED: ${what} may be deployed now by ${answer.actor} (${policies}).`);
  } else {
    lines.push(`DENIED: ${what} may not be deployed now by ${answer.actor} (${policies}).`, '');
    answer.reasons.forEach((reason, index) => {
      lines.push(`  ${index + 1}. ${reason.message}`);
    });
  }
  if (answer.waived.length > 0) {
    lines.push('', 'Waived:');
    for (const reason of answer.waived) {
      const by =
        reason.waivedBy.kind === 'label'
          ? `label ${reason.waivedBy.label}`
          : `approval ${reason.waivedBy.approval} by ${reason.waivedBy.approver}`;
      lines.push(`  - [${reason.policy}/${reason.rule}] by ${by}`);
    }
  }
  if (answer.approvalsRefused.length > 0) {
    lines.push('', 'Approvals that do not count:');
    for (const refused of answer.approvalsRefused) {
      lines.push(`  - ${refused.id} by ${refused.approver}: ${refused.message}`);
    }
  }
  if (!answer.allowed) {
    const lift = answer.liftableBy;
    lines.push('');
    if (lift === null) {
      lines.push('No approval lifts this: only the labels named above, or the conditions ending.');
    } else {
      for (const approval of lift.approvals) {
        lines.push(
          `To lift it: an approval from a holder of role ${approval.roles.join(' or ')} (not ${lift.notBy}) for ${approval.rules.map((rule) => `${approval.policy}/${rule}`).join(', ')}:`,
          `  POST /api/v1/approvals {"service":"${answer.service}","scope":${JSON.stringify(approval.rules)},"reason":"…","expiresAt":"…"}`,
        );
      }
    }
  }
  lines.push('', `Decision ${answer.id} at ${answer.at}.`);
  return `${lines.join('\n')}\n`;
}

export interface DeployRecordOptions {
  readonly service: string;
  readonly status: (typeof DEPLOY_STATUSES)[number];
  readonly version: string | undefined;
  readonly commit: string | undefined;
  readonly labels: readonly string[];
  readonly actor: string | undefined;
  readonly at: string | undefined;
  readonly decision: string | undefined;
  readonly json: boolean;
  readonly url: string | undefined;
}

export async function runDeployRecord(
  options: DeployRecordOptions,
  io: CliIo,
  env: Environment = process.env,
): Promise<number> {
  const command = 'headroom deploy record';
  const actor = options.actor ?? defaultActor(env);
  if (actor === undefined) {
    io.stderr.write(`${command}: who deployed? pass --actor or set HEADROOM_ACTOR\n`);
    return ExitCode.usage;
  }
  let client: ApiClient;
  try {
    client = createApiClient(apiClientOptions({ url: options.url }, env));
  } catch (error) {
    io.stderr.write(`${command}: ${formatApiError(error)}\n`);
    return ExitCode.usage;
  }
  const commit = options.commit ?? defaultCommit(env);
  try {
    const deploy: DeployView = await client.call(
      'POST',
      '/api/v1/deploys',
      {
        service: options.service,
        status: options.status,
        actor,
        labels: options.labels,
        ...(options.version === undefined ? {} : { version: options.version }),
        ...(commit === undefined ? {} : { commit }),
        ...(options.at === undefined ? {} : { at: options.at }),
        ...(options.decision === undefined ? {} : { decision: options.decision }),
      },
      deploySchema,
    );
    const version = deploy.version === null ? '' : ` ${deploy.version}`;
    io.stdout.write(
      options.json
        ? `${JSON.stringify(deploy, null, 2)}\n`
        : `Recorded deploy ${deploy.id}: ${deploy.service}${version} ${deploy.status} at ${deploy.at}.\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    io.stderr.write(`${command}: ${formatApiError(error)}\n`);
    return error.exitCode;
  }
}

type Configure = (command: Command, usage: string) => Command;

/** Adds `gate` and `deploy record` to the program. */
export function addGateCommands(
  program: Command,
  configure: Configure,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  configure(program.command('gate'), 'headroom gate')
    .description('Ask the deploy gate whether a deploy of a service may go out now.')
    .argument('<service>', 'the service to deploy')
    .option('--version <version>', 'the version being deployed')
    .option('--label <label>', 'a label of the deploy, e.g. rollback (repeatable)', collect)
    .option('--commit <sha>', 'the commit being deployed (default: $GITHUB_SHA or $CI_COMMIT_SHA)')
    .option(
      '--actor <name>',
      'who deploys (default: $HEADROOM_ACTOR, $GITHUB_ACTOR, $GITLAB_USER_LOGIN, $USER)',
    )
    .option('--json', 'print the decision as JSON')
    .option('--url <url>', 'server URL (default: $HEADROOM_URL, else http://127.0.0.1:8420)')
    .addOption(
      new Option(
        '--on-unavailable <choice>',
        `what to do when the server cannot answer (default: $${ON_UNAVAILABLE_ENV}, else deny)`,
      ).choices(['allow', 'deny']),
    )
    .option(
      '--timeout <seconds>',
      'how long to wait for the server',
      positiveNumber,
      DEFAULT_GATE_TIMEOUT_SECONDS,
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 the deploy may go out, 1 a policy holds it (every reason is printed),
2 usage error or a request the server refused (unknown service, bad token),
3 the server cannot be reached and --on-unavailable is deny. With allow, an
unreachable server exits 0 with a warning. Reads HEADROOM_URL and HEADROOM_TOKEN
(any API token may ask). See docs/ci.md.

Examples:
  headroom gate checkout --version 1.4.0
  headroom gate checkout --label rollback --json
  HEADROOM_GATE_ON_UNAVAILABLE=allow headroom gate search`,
    )
    .action(async (service: string, options: RawGateOptions) => {
      setExitCode(
        await runGate(
          {
            service,
            version: options.version,
            commit: options.commit,
            labels: options.label ?? [],
            actor: options.actor,
            json: options.json === true,
            url: options.url,
            onUnavailable: options.onUnavailable,
            timeoutSeconds: options.timeout,
          },
          io,
        ),
      );
    });

  const deploy = configure(program.command('deploy'), 'headroom deploy').description(
    'Deploys as the server keeps them.',
  );
  configure(deploy.command('record'), 'headroom deploy record')
    .description('Record a deploy of a service: started, finished, failed or rolled back.')
    .argument('<service>', 'the service deployed')
    .addOption(
      new Option('--status <status>', 'what happened')
        .choices(DEPLOY_STATUSES)
        .makeOptionMandatory(),
    )
    .option('--version <version>', 'the version deployed')
    .option('--label <label>', 'a label of the deploy (repeatable)', collect)
    .option('--commit <sha>', 'the commit deployed (default: $GITHUB_SHA or $CI_COMMIT_SHA)')
    .option('--actor <name>', 'who deployed (default as for headroom gate)')
    .option('--at <instant>', 'when, ISO 8601 (default: now)')
    .option('--decision <id>', 'the gate decision it went out on (the id headroom gate printed)')
    .option('--json', 'print the recorded deploy as JSON')
    .option('--url <url>', 'server URL (default: $HEADROOM_URL, else http://127.0.0.1:8420)')
    .addHelpText(
      'after',
      `
Needs an editor token of the service's team (HEADROOM_TOKEN). Exits 0 when
recorded, 2 for a usage error or a refused request, 3 when the server cannot be
reached.

Examples:
  headroom deploy record checkout --status finished --version 1.4.0
  headroom deploy record checkout --status rolled_back --version 1.4.0 --label rollback`,
    )
    .action(async (service: string, options: RawDeployOptions) => {
      setExitCode(
        await runDeployRecord(
          {
            service,
            status: options.status,
            version: options.version,
            commit: options.commit,
            labels: options.label ?? [],
            actor: options.actor,
            at: options.at,
            decision: options.decision,
            json: options.json === true,
            url: options.url,
          },
          io,
        ),
      );
    });
}

interface RawGateOptions {
  readonly version?: string;
  readonly commit?: string;
  readonly label?: string[];
  readonly actor?: string;
  readonly json?: boolean;
  readonly url?: string;
  readonly onUnavailable?: OnUnavailable;
  readonly timeout: number;
}

interface RawDeployOptions {
  readonly status: (typeof DEPLOY_STATUSES)[number];
  readonly version?: string;
  readonly commit?: string;
  readonly label?: string[];
  readonly actor?: string;
  readonly at?: string;
  readonly decision?: string;
  readonly json?: boolean;
  readonly url?: string;
}

function positiveNumber(value: string): number {
  const parsed = z.coerce.number().positive().safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('expected a number of seconds above 0.');
  return parsed.data;
}
