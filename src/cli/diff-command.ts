// `headroom diff`: what `headroom apply` would change, without changing it (the
// server plans in a dry run, with the same rules and the same token). With
// --exit-code it answers "does the server differ from the config?" for CI.
import { formatPlan, sendConfig, type ApplyOptions, type Environment } from './apply-command.js';
import { ExitCode, type CliIo } from './io.js';

export interface DiffOptions extends ApplyOptions {
  /** Exit 1 when there are changes, like `git diff --exit-code`. */
  readonly exitCode: boolean;
}

export async function runDiff(
  options: DiffOptions,
  io: CliIo,
  env: Environment = process.env,
): Promise<number> {
  const sent = await sendConfig('headroom diff', options, true, io, env);
  if (typeof sent === 'number') return sent;
  io.stdout.write(formatPlan(sent, 'plan'));
  return options.exitCode && sent.changes.length > 0 ? ExitCode.no : ExitCode.ok;
}
