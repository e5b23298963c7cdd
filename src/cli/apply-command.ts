// `headroom apply`: brings the server to the config files, and prints what changed
// the way `terraform plan` does. `headroom diff` is the same request as a dry run;
// both share `sendConfig` and `formatPlan` from here.
import { formatIssue } from '../config/document.js';
import { modelToDocuments } from '../config/formats/headroom-write.js';
import { loadConfig } from '../config/load.js';
import { valueAtField } from '../config/plan.js';
import { applyResponseSchema, type ApplyResponse, type Change } from '../schema/api.js';
import { apiClientOptions, ApiError, createApiClient, formatApiError } from './api-client.js';
import { ExitCode, type CliIo } from './io.js';

export interface ApplyOptions {
  /** Config files and directories, read exactly like `headroom validate`. */
  readonly files: readonly string[];
  /** Delete services and SLOs the config no longer holds (within the token's teams). */
  readonly prune: boolean;
  /** Server URL; default HEADROOM_URL, then the local default. */
  readonly url: string | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export async function runApply(
  options: ApplyOptions,
  io: CliIo,
  env: Environment = process.env,
): Promise<number> {
  const sent = await sendConfig('headroom apply', options, false, io, env);
  if (typeof sent === 'number') return sent;
  io.stdout.write(formatPlan(sent, 'applied'));
  return ExitCode.ok;
}

/**
 * Loads the config, converts it to headroom/v1 documents and posts them to
 * `/api/v1/apply`. Returns the server's answer, or the exit code after printing
 * why there is none: 2 for the config or a refused request, 3 for the server.
 */
export async function sendConfig(
  command: string,
  options: ApplyOptions,
  dryRun: boolean,
  io: CliIo,
  env: Environment,
): Promise<ApplyResponse | number> {
  if (options.files.length === 0) {
    io.stderr.write(`${command}: give at least one config file or directory with -f\n`);
    return ExitCode.usage;
  }
  const { model, issues, files } = await loadConfig(options.files, { cwd: io.cwd });
  for (const issue of issues) io.stderr.write(`${formatIssue(issue)}\n`);
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  if (errors > 0) {
    io.stderr.write(
      `${command}: ${count(errors, 'error')} in ${count(files.length, 'file')}; nothing was sent\n`,
    );
    return ExitCode.usage;
  }
  // Only a Sloth file can leave a service without a team; the server needs one to
  // know who may edit it, so this is the config's mistake, told before any request.
  const teamless = model.services.filter((service) => service.team === undefined);
  for (const service of teamless) {
    io.stderr.write(
      `${command}: service "${service.name}" has no team; declare it in a headroom/v1 Service document, or set labels.team in its Sloth file\n`,
    );
  }
  if (teamless.length > 0) return ExitCode.usage;

  let documents: ReturnType<typeof modelToDocuments>;
  let client: ReturnType<typeof createApiClient>;
  try {
    documents = modelToDocuments(model);
    client = createApiClient(apiClientOptions({ url: options.url }, env));
  } catch (error) {
    io.stderr.write(`${command}: ${formatApiError(error)}\n`);
    return ExitCode.usage;
  }
  try {
    return await client.call(
      'POST',
      '/api/v1/apply',
      {
        documents: [
          ...documents.dataSources,
          ...documents.schedules,
          ...documents.escalationPolicies,
          ...documents.services,
          ...documents.slos,
          ...documents.policies,
          ...documents.runbooks,
          ...documents.incidentSettings,
          ...documents.heartbeats,
        ],
        prune: options.prune,
        dryRun,
      },
      applyResponseSchema,
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    io.stderr.write(`${command}: ${formatApiError(error)}\n`);
    return error.exitCode;
  }
}

const MARKS: Record<Change['action'], string> = { create: '+', update: '~', delete: '-' };

/**
 * The changes, one line each with the changed fields of an update indented below,
 * then a summary: `Plan: …` for a dry run, `Applied: …` for a real one.
 */
export function formatPlan(response: ApplyResponse, mode: 'plan' | 'applied'): string {
  const { changes } = response;
  if (changes.length === 0) return 'No changes: the server matches the config.\n';
  const lines: string[] = [];
  for (const change of changes) {
    const owner = change.kind === 'Team' ? '' : ` (${teamText(change.team)})`;
    lines.push(`${MARKS[change.action]} ${change.kind} ${change.name}${owner}`);
    if (change.action !== 'update') continue;
    for (const field of change.fields) {
      const before = render(valueAtField(change.before, field));
      const after = render(valueAtField(change.after, field));
      lines.push(`    ${field}: ${before} -> ${after}`);
    }
  }
  const tally = (action: Change['action']) =>
    changes.filter((change) => change.action === action).length;
  const [creates, updates, deletes] = [tally('create'), tally('update'), tally('delete')];
  const summary =
    mode === 'plan'
      ? `Plan: ${creates} to create, ${updates} to change, ${deletes} to delete.`
      : `Applied: ${creates} created, ${updates} changed, ${deletes} deleted.`;
  return `${lines.join('\n')}\n\n${summary}\n`;
}

function teamText(team: string | null): string {
  return team === null ? 'no team' : `team ${team}`;
}

/** A value as JSON; a field only one side has shows as (none) on the other. */
function render(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
