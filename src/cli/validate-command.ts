// `headroom validate <paths...>`: checks config files offline, for editors and CI.
import { formatIssue, type ConfigIssue } from '../config/document.js';
import { loadConfig } from '../config/load.js';
import type { ErrorBudgetPolicy } from '../core/policy/model.js';
import type { ReliabilityModel, Service, Slo } from '../core/slo/model.js';
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
    io.stdout.write(`${contents(model).join(', ')}: valid${notes}\n`);
  } else {
    const notes = warnings > 0 ? `, ${count(warnings, 'warning')}` : '';
    io.stdout.write(`${count(errors, 'error')}${notes} in ${count(files.length, 'file')}\n`);
  }
  return valid ? ExitCode.ok : ExitCode.usage;
}

/**
 * What the config holds, so that its author sees every kind was read: services and
 * SLOs always, every other kind when there is some.
 */
function contents(model: ReliabilityModel): string[] {
  const others: [number, string, string][] = [
    [model.dataSources.length, 'data source', 'data sources'],
    [model.policies.length, 'error-budget policy', 'error-budget policies'],
    [model.schedules.length, 'schedule', 'schedules'],
    [model.escalationPolicies.length, 'escalation policy', 'escalation policies'],
    [model.heartbeats.length, 'heartbeat', 'heartbeats'],
    [model.runbooks.length, 'runbook', 'runbooks'],
    [model.incidentSettings.length, 'incident settings', 'incident settings'],
  ];
  return [
    count(model.services.length, 'service'),
    count(model.slos.length, 'SLO'),
    ...others.filter(([n]) => n > 0).map(([n, noun, plural]) => count(n, noun, plural)),
  ];
}

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
