// `headroom validate <paths...>`: checks config files offline, for editors and CI.
import { formatIssue, type ConfigIssue } from '../config/document.js';
import { loadConfig } from '../config/load.js';
import type { ErrorBudgetPolicy } from '../core/policy/model.js';
import type { Service, Slo } from '../core/slo/model.js';
import { ExitCode, type CliIo } from './io.js';

export interface ValidateOptions {
  readonly json: boolean;
}

/** The `--json` output. */
export interface ValidateReport {
  readonly valid: boolean;
  readonly issues: readonly ConfigIssue[];
  readonly services: readonly Service[];
  readonly slos: readonly Slo[];
  readonly policies: readonly ErrorBudgetPolicy[];
}

/** Exits 2 when any error is found; warnings alone do not fail. */
export async function runValidate(
  paths: string[],
  options: ValidateOptions,
  io: CliIo,
): Promise<number> {
  if (paths.length === 0) {
    io.stderr.write('headroom validate: give at least one config file or directory\n');
    return ExitCode.usage;
  }
  const { model, issues, files } = await loadConfig(paths, { cwd: io.cwd });
  for (const issue of issues) io.stderr.write(`${formatIssue(issue)}\n`);

  const errors = issues.filter((issue) => issue.severity === 'error').length;
  const warnings = issues.length - errors;
  const valid = errors === 0;
  if (options.json) {
    const report: ValidateReport = {
      valid,
      issues,
      services: model.services,
      slos: model.slos,
      policies: model.policies.map((resource) => resource.policy),
    };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (valid) {
    const notes = warnings > 0 ? `, ${count(warnings, 'warning')}` : '';
    // Policies are named only when there are some: most configs have none.
    const policies =
      model.policies.length === 0
        ? ''
        : `, ${count(model.policies.length, 'error-budget policy', 'error-budget policies')}`;
    io.stdout.write(
      `${count(model.services.length, 'service')}, ${count(model.slos.length, 'SLO')}${policies}: valid${notes}\n`,
    );
  } else {
    const notes = warnings > 0 ? `, ${count(warnings, 'warning')}` : '';
    io.stdout.write(`${count(errors, 'error')}${notes} in ${count(files.length, 'file')}\n`);
  }
  return valid ? ExitCode.ok : ExitCode.usage;
}

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
