// What `headroom gate` decides from the config files when the server does not answer
// (gate-command.ts). Loaded only then: reading and compiling config is most of what
// the CLI would otherwise load at every start.
import { loadConfig } from '../config/load.js';
import { compilePolicy, PolicyIndex } from '../core/policy/compile.js';
import { onUnavailableFor } from '../core/policy/decide.js';
import type { OnUnavailable } from './gate-command.js';
import type { CliIo } from './io.js';

export interface Fallback {
  readonly onUnavailable: OnUnavailable;
  /** Where it was read, for the person reading the log. */
  readonly source: string;
  /**
   * How to make it allow, said after a denial: what decided, not a setting that the
   * ones above it would override anyway.
   */
  readonly toChange: string;
}

/**
 * onUnavailable as the service's policies in the config files say: deny if any of
 * them says deny. Config with errors holds the deploy (it cannot say what the
 * policies are). A service the files do not define, or one no policy there applies
 * to, leaves the choice to `fallback`: with no policy the files say nothing, and
 * reading that as "allow" would let the deploy out against the variable and the
 * default alike.
 */
export async function fromConfig(
  paths: readonly string[],
  serviceName: string,
  fallback: Fallback,
  io: CliIo,
): Promise<Fallback> {
  const where = paths.join(', ');
  const { model, issues } = await loadConfig(paths);
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0];
    io.stderr.write(
      `headroom gate: --config ${where} has ${errors.length} error(s) (first: ${first?.file}:${first?.line}:${first?.column}: ${first?.message}); run headroom validate ${paths.join(' ')}\n`,
    );
    return {
      onUnavailable: 'deny',
      source: `--config ${where}, which does not validate`,
      toChange: `fix the config (headroom validate ${paths.join(' ')})`,
    };
  }
  const service = model.services.find((candidate) => candidate.name === serviceName);
  if (service === undefined) {
    io.stderr.write(
      `headroom gate: --config ${where} does not define service ${serviceName}; onUnavailable comes from ${fallback.source}\n`,
    );
    return fallback;
  }
  const index = new PolicyIndex(model.policies.map((resource) => compilePolicy(resource.policy)));
  const policies = index.forService(service);
  if (policies.length === 0) {
    io.stderr.write(
      `headroom gate: no policy in --config ${where} applies to ${serviceName}; onUnavailable comes from ${fallback.source}\n`,
    );
    return fallback;
  }
  const denying = policies.filter((policy) => policy.onUnavailable === 'deny');
  return {
    onUnavailable: onUnavailableFor(policies),
    source: `the policies in ${where}: ${policies.map((policy) => policy.name).join(', ')}`,
    // --on-unavailable is the one setting above the files; the variable is below them.
    toChange: `set onUnavailable: allow in ${denying.length === 1 ? 'policy' : 'policies'} ${denying.map((policy) => policy.name).join(', ')} in ${where} (or pass --on-unavailable allow)`,
  };
}
