// `headroom gate <service>`: what CI asks before a production deploy, and `headroom
// deploy record`, what it tells afterwards. The gate exits 0 when the deploy may go
// out, 1 when a policy holds it (with every reason, for a person), 2 for a usage
// error or a request the server refused, and 3 when the server cannot answer.
//
// Without the server the policies must come from elsewhere. What decides, first to
// last: --on-unavailable; else the `onUnavailable` of the service's policies in
// --config (the repository CI checks out holds them), when a policy there applies to
// it; else HEADROOM_GATE_ON_UNAVAILABLE; else deny, as it is for policies. A deploy
// let out this way exits 0 but says so loudly.
import { randomUUID } from 'node:crypto';
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
  isTransientApiError,
  MAX_RETRIES,
  retrying,
  type ApiClient,
} from './api-client.js';
import { parseRunTime } from '../core/time/duration.js';
import { formatDecision } from './decision-format.js';
import { waitForAllowed, type GateWait } from './gate-wait.js';
import { writeStepSummary } from './step-summary.js';
import { addDeployReadCommands } from './deploy-command.js';
import { collect, wholeNumberUpTo } from './option-parsers.js';
import { ExitCode, URL_HELP, type CliIo, type Configure } from './io.js';
import type { Fallback } from './gate-offline.js';

export type Environment = Readonly<Record<string, string | undefined>>;
export type OnUnavailable = 'allow' | 'deny';

const ON_UNAVAILABLE_ENV = 'HEADROOM_GATE_ON_UNAVAILABLE';
const RETRIES_ENV = 'HEADROOM_GATE_RETRIES';
/**
 * Asked again after a refused connection or a proxy's 502, 503 or 504, after 1 s and
 * 2 s: a Headroom restarting (a deploy of it, a rolling restart behind a proxy) then
 * answers, where onUnavailable would have held or waved through every deploy of those
 * seconds.
 */
const DEFAULT_GATE_RETRIES = 2;
/** Each ask while waiting is a decision kept: twice a minute says enough. */
const DEFAULT_WAIT_INTERVAL_SECONDS = 30;
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
  /** Config files or directories holding the service's policies, read only when the server is down. */
  readonly config: readonly string[];
  readonly timeoutSeconds: number;
  /** Attempts after the first when the server could not answer for now (default: $HEADROOM_GATE_RETRIES, else 2). */
  readonly retries?: number | undefined;
  /** A held deploy asks again until allowed, for at most this long. */
  readonly wait?: GateWait | undefined;
}

/** Where the actor comes from when --actor is not given: ours, the CI systems', the login. */
const ACTOR_VARIABLES = ['HEADROOM_ACTOR', 'GITHUB_ACTOR', 'GITLAB_USER_LOGIN', 'USER'] as const;
const NAME_THE_ACTOR =
  'pass --actor or set HEADROOM_ACTOR (GITHUB_ACTOR, GITLAB_USER_LOGIN and USER are read too)';

/** Who deploys, when not given: the CI systems' own variables, then the login. */
export function defaultActor(env: Environment): string | undefined {
  for (const name of ACTOR_VARIABLES) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/**
 * Who deploys: --actor without surrounding blanks (" carol " is carol, as approvals
 * compare names), else the environment's. A blank --actor names nobody.
 */
function actorOf(given: string | undefined, env: Environment): string | undefined {
  if (given === undefined) return defaultActor(env);
  const actor = given.trim();
  return actor === '' ? undefined : actor;
}

/** $HEADROOM_GATE_RETRIES, or the default when unset or blank; undefined when it is no count. */
function retriesOf(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return DEFAULT_GATE_RETRIES;
  const count = Number(text);
  return /^\d+$/.test(text) && count <= MAX_RETRIES ? count : undefined;
}

/** The server was named (--url, HEADROOM_URL), rather than left to the local default. */
function serverUrlSet(url: string | undefined, env: Environment): boolean {
  return url !== undefined || (env.HEADROOM_URL ?? '').trim() !== '';
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
  const actor = actorOf(options.actor, env);
  if (actor === undefined) {
    io.stderr.write(`${command}: who deploys? ${NAME_THE_ACTOR}\n`);
    return ExitCode.usage;
  }
  const fromEnv = env[ON_UNAVAILABLE_ENV]?.trim();
  if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== 'allow' && fromEnv !== 'deny') {
    io.stderr.write(
      `${command}: ${ON_UNAVAILABLE_ENV}=${fromEnv} is neither allow nor deny; set it to what the service's policies say (onUnavailable)\n`,
    );
    return ExitCode.usage;
  }
  const retries = options.retries ?? retriesOf(env[RETRIES_ENV]);
  if (retries === undefined) {
    io.stderr.write(
      `${command}: ${RETRIES_ENV}=${env[RETRIES_ENV] ?? ''} is not a whole number from 0 to ${String(MAX_RETRIES)}\n`,
    );
    return ExitCode.usage;
  }
  const fallback: Fallback =
    options.onUnavailable !== undefined
      ? {
          onUnavailable: options.onUnavailable,
          source: '--on-unavailable',
          toChange: 'pass --on-unavailable allow',
        }
      : fromEnv === 'allow' || fromEnv === 'deny'
        ? {
            onUnavailable: fromEnv,
            source: ON_UNAVAILABLE_ENV,
            toChange: `set ${ON_UNAVAILABLE_ENV}=allow (or pass --on-unavailable allow)`,
          }
        : {
            onUnavailable: 'deny',
            source: 'the default',
            toChange: `set ${ON_UNAVAILABLE_ENV}=allow (or pass --on-unavailable allow)`,
          };

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
  // A server that is not set at all (the default URL) is a mistake to say at once.
  const urlSet = serverUrlSet(options.url, env);
  // What the gate tells a person once it asked, for the step summary as well.
  const told: string[] = [];
  const telling: CliIo = {
    ...io,
    stdout: {
      write: (text: string) => {
        if (!options.json) told.push(text);
        return io.stdout.write(text);
      },
    },
    stderr: {
      write: (text: string) => {
        told.push(text);
        return io.stderr.write(text);
      },
    },
  };
  const finish = async (code: number, verdict: string): Promise<number> => {
    await writeStepSummary(
      {
        service: options.service,
        version: options.version,
        verdict,
        text: told.join(''),
        // The service's page: its deploys, and the gate as it stands.
        link: urlSet
          ? `${client.url}/services/${encodeURIComponent(options.service)}#deploys-title`
          : undefined,
      },
      env,
      io,
    );
    return code;
  };
  const ask = () =>
    retrying(
      () =>
        client.call(
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
          optionsOfFields(
            { actor: '--actor', labels: '--label', version: '--version', commit: '--commit' },
            options.labels,
          ),
        ),
      urlSet ? retries : 0,
      isTransientApiError,
      (error, waitMs) => {
        telling.stderr.write(
          `${command}: ${formatApiError(error)}; asking again in ${String(waitMs / 1000)} s\n`,
        );
      },
    );
  let answer: GateAnswer;
  try {
    answer = await ask();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    telling.stderr.write(`${command}: ${formatApiError(error)}\n`);
    if (error.failure === 'refused') return finish(error.exitCode, 'NOT ALLOWED');
    // onUnavailable is for a gate that is down, not for one that was never set up or
    // is hidden behind something else: those would let every deploy out unchecked.
    if (error.failure === 'notUnderstood') {
      telling.stderr.write(
        `The answer is not a gate decision, so ${options.service} is NOT ALLOWED. Check --url or HEADROOM_URL (${client.url}).\n`,
      );
      return finish(ExitCode.usage, 'NOT ALLOWED');
    }
    if (!urlSet) {
      telling.stderr.write(
        `HEADROOM_URL is not set and no server answers at the default ${client.url}, so ${options.service} is NOT ALLOWED: set HEADROOM_URL (or --url) to the Headroom server. onUnavailable applies only to a server that is set and down.\n`,
      );
      return finish(ExitCode.usage, 'NOT ALLOWED');
    }
    let chosen = fallback;
    if (options.onUnavailable === undefined && options.config.length > 0) {
      const { fromConfig } = await import('./gate-offline.js');
      chosen = await fromConfig(options.config, options.service, fallback, telling);
    }
    const code = decideWithoutServer(options, chosen, telling, error.message);
    return finish(
      code,
      code === ExitCode.ok ? 'ALLOWED WITHOUT A DECISION' : 'DENIED WITHOUT A DECISION',
    );
  }
  const show = (shown: GateAnswer) => {
    const decision = formatDecision(shown);
    if (options.json) told.push(decision);
    telling.stdout.write(options.json ? `${JSON.stringify(shown, null, 2)}\n` : decision);
  };
  if (!answer.allowed && options.wait !== undefined) {
    // JSON is one document, the last decision; text shows each that says something new.
    if (!options.json) show(answer);
    answer = await waitForAllowed(answer, ask, options.wait, telling, (next) => {
      if (!options.json) show(next);
    });
    if (options.json) show(answer);
  } else {
    show(answer);
  }
  return finish(answer.allowed ? ExitCode.ok : ExitCode.no, answer.allowed ? 'ALLOWED' : 'DENIED');
}

/**
 * The request's fields as the person typed them. The server names a field its checks
 * refuse by name (`decision`), and one that fails the request's schema by its place
 * in the body (`body.labels.0`): both are given, each label by its index, so that
 * `--label ROLLBACK` is named rather than `body.labels.0`.
 */
function optionsOfFields(
  options: Readonly<Record<string, string>>,
  labels: readonly string[],
): Record<string, string> {
  const named: Record<string, string> = {};
  for (const [field, option] of Object.entries(options)) {
    named[field] = option;
    named[`body.${field}`] = option;
  }
  labels.forEach((label, index) => {
    named[`body.labels.${String(index)}`] = `--label ${label}`;
  });
  return named;
}

function decideWithoutServer(
  options: GateOptions,
  { onUnavailable, source, toChange }: Fallback,
  io: CliIo,
  error: string,
): number {
  const allowed = onUnavailable === 'allow';
  const banner = allowed
    ? `WARNING: the deploy gate did not answer; ${options.service} is ALLOWED WITHOUT A DECISION (onUnavailable: allow, from ${source}). No policy was checked and nothing was recorded.`
    : `The deploy gate did not answer; ${options.service} is DENIED without a decision (onUnavailable: deny, from ${source}). Retry when the server is back, or, if the service's policies allow it, ${toChange}.`;
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
          error,
        },
        null,
        2,
      )}\n`,
    );
  }
  return allowed ? ExitCode.ok : ExitCode.unreachable;
}

/** `headroom deploy record`: a deploy as CI tells it, after it went out (or failed). */
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
  /** Attempts after the first when no answer came (default 2). */
  readonly retries?: number | undefined;
  /** Names this deploy to the server (default: a new one per run). */
  readonly idempotencyKey?: string | undefined;
}

/**
 * A deploy record is sent again when its answer was lost, whatever the failure: its
 * Idempotency-Key lets the server answer with the deploy the first attempt stored.
 */
const DEFAULT_RECORD_RETRIES = 2;

export async function runDeployRecord(
  options: DeployRecordOptions,
  io: CliIo,
  env: Environment = process.env,
): Promise<number> {
  const command = 'headroom deploy record';
  const actor = actorOf(options.actor, env);
  if (actor === undefined) {
    io.stderr.write(`${command}: who deployed? ${NAME_THE_ACTOR}\n`);
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
  const idempotencyKey = options.idempotencyKey ?? randomUUID();
  const urlSet = serverUrlSet(options.url, env);
  try {
    const deploy: DeployView = await retrying(
      () =>
        client.call(
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
          optionsOfFields(
            {
              status: '--status',
              actor: '--actor',
              labels: '--label',
              version: '--version',
              commit: '--commit',
              at: '--at',
              decision: '--decision',
            },
            options.labels,
          ),
          { 'idempotency-key': idempotencyKey },
        ),
      urlSet ? (options.retries ?? DEFAULT_RECORD_RETRIES) : 0,
      (error) => error instanceof ApiError && error.failure === 'unavailable',
      (error, waitMs) => {
        io.stderr.write(
          `${command}: ${formatApiError(error)}; sending it again in ${String(waitMs / 1000)} s (Idempotency-Key ${idempotencyKey})\n`,
        );
      },
    );
    const version = deploy.version === null ? '' : ` ${deploy.version}`;
    if (deploy.againstDenial) {
      io.stderr.write(
        `${command}: gate decision ${deploy.decision ?? ''} denied this deploy; it is recorded as having gone out against the gate.\n`,
      );
    }
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
    .option('--url <url>', URL_HELP)
    .addOption(
      new Option(
        '--on-unavailable <choice>',
        `what to do when the server cannot answer (default: what the service's policies in --config say, else $${ON_UNAVAILABLE_ENV}, else deny)`,
      ).choices(['allow', 'deny']),
    )
    .option(
      '--config <file|dir>',
      "config holding the service's policies: their onUnavailable decides when the server cannot answer (repeatable)",
      collect,
    )
    .option(
      '--timeout <seconds>',
      'how long to wait for the server',
      positiveNumber,
      DEFAULT_GATE_TIMEOUT_SECONDS,
    )
    .option(
      '--retries <n>',
      `times to ask again, after 1 s, 2 s…, when the connection is refused or a proxy answers 502, 503 or 504 (default: $${RETRIES_ENV}, else ${String(DEFAULT_GATE_RETRIES)})`,
      wholeNumberUpTo(MAX_RETRIES, 0),
    )
    .option(
      '--wait <duration>',
      'when held, ask again until allowed for at most this long (90s, 30m, 1h): an approval given meanwhile, a freeze or an alert ending lets the deploy out',
      runTimeOption,
    )
    .addOption(
      new Option('--wait-interval <duration>', 'how long between two asks while waiting')
        .argParser(runTimeOption)
        .default(DEFAULT_WAIT_INTERVAL_SECONDS, `${String(DEFAULT_WAIT_INTERVAL_SECONDS)}s`),
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 the deploy may go out, 1 a policy holds it (every reason is printed),
2 usage error, a request the server refused (unknown service, bad token), HEADROOM_URL
unset, or an answer that is not a gate decision, 3 the server cannot be reached (or
fails) and onUnavailable is deny. With allow, such a server exits 0 with a warning.
A refused connection or a proxy's 502, 503 or 504 is asked again first (--retries).
With --wait, a held deploy is asked about again every --wait-interval (each ask is a
decision kept) until it is allowed, exit 0, or the wait is over, exit 1; a freeze no
approval lifts that lasts past the wait is not waited for.
onUnavailable comes from, first to last: --on-unavailable; the policies in --config
that apply to the service (deny if one says deny); HEADROOM_GATE_ON_UNAVAILABLE; deny.
Files that define no such policy say nothing. Reads HEADROOM_URL and HEADROOM_TOKEN
(any API token may ask). See docs/ci.md.

Examples:
  headroom gate checkout --version 1.4.0
  headroom gate checkout --label rollback --json
  headroom gate checkout --config headroom/    # the policies decide if the server is down
  headroom gate ledger --wait 30m              # an approver may approve meanwhile
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
            config: options.config ?? [],
            timeoutSeconds: options.timeout,
            retries: options.retries,
            wait:
              options.wait === undefined
                ? undefined
                : { seconds: options.wait, intervalSeconds: options.waitInterval },
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
    .option(
      '--label <label>',
      'a label of the deploy (repeatable; default: the labels --decision was gated with)',
      collect,
    )
    .option('--commit <sha>', 'the commit deployed (default: $GITHUB_SHA or $CI_COMMIT_SHA)')
    .option('--actor <name>', 'who deployed (default as for headroom gate)')
    .option('--at <instant>', 'when, ISO 8601 (default: now)')
    .option('--decision <id>', 'the gate decision it went out on (the id headroom gate printed)')
    .option('--json', 'print the recorded deploy as JSON')
    .option('--url <url>', URL_HELP)
    .option(
      '--retries <n>',
      `times to send it again, after 1 s, 2 s…, when no answer came or the server failed (default: ${String(DEFAULT_RECORD_RETRIES)})`,
      wholeNumberUpTo(MAX_RETRIES, 0),
    )
    .option(
      '--idempotency-key <key>',
      'names this deploy to the server, so that sending it again records it once (default: a new key per run)',
    )
    .addHelpText(
      'after',
      `
Needs an editor token of the service's team (HEADROOM_TOKEN). Exits 0 when
recorded, 2 for a usage error or a refused request, 3 when the server cannot be
reached. A request that got no answer is sent again with the same Idempotency-Key
(--retries): the server records the deploy once, and answers with it.

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
            retries: options.retries,
            idempotencyKey: options.idempotencyKey,
          },
          io,
        ),
      );
    });
  addDeployReadCommands(deploy, configure, io, setExitCode);
}

interface RawGateOptions {
  readonly version?: string;
  readonly commit?: string;
  readonly label?: string[];
  readonly actor?: string;
  readonly json?: boolean;
  readonly url?: string;
  readonly onUnavailable?: OnUnavailable;
  readonly config?: string[];
  readonly timeout: number;
  readonly retries?: number;
  readonly wait?: number;
  readonly waitInterval: number;
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
  readonly retries?: number;
  readonly idempotencyKey?: string;
}

function runTimeOption(value: string): number {
  const parsed = parseRunTime(value, 'wait');
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.reason}.`);
  if (parsed.seconds === 0) throw new InvalidArgumentError('expected a duration above 0.');
  return parsed.seconds;
}

function positiveNumber(value: string): number {
  const parsed = z.coerce.number().positive().safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('expected a number of seconds above 0.');
  return parsed.data;
}
