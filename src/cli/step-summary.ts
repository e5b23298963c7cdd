// GitHub Actions shows the Markdown a step appends to the file $GITHUB_STEP_SUMMARY
// names on the run's summary page. The gate writes its answer there, so that whoever
// opens a held run reads why, and the command that would lift it, without digging
// through the job's log.
import { appendFile } from 'node:fs/promises';
import type { CliIo } from './io.js';

export interface GateSummary {
  readonly service: string;
  readonly version: string | undefined;
  /** ALLOWED, DENIED, or what was decided without the server. */
  readonly verdict: string;
  /** The answer as printed for a person. */
  readonly text: string;
  /** The service's page in the web UI, when the server is known. */
  readonly link: string | undefined;
}

/** Appends the summary when running under GitHub Actions; a file that cannot be written is only warned about. */
export async function writeStepSummary(
  summary: GateSummary,
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<void> {
  const file = env.GITHUB_STEP_SUMMARY?.trim();
  if (file === undefined || file === '') return;
  const what =
    summary.version === undefined ? summary.service : `${summary.service} ${summary.version}`;
  const lines = [
    `### Deploy gate: ${inline(what)}: ${summary.verdict}`,
    '',
    fenced(summary.text.trimEnd()),
    '',
    ...(summary.link === undefined
      ? []
      : [`[${inline(summary.service)} in Headroom](${summary.link})`, '']),
  ];
  try {
    await appendFile(file, `${lines.join('\n')}\n`);
  } catch (error) {
    io.stderr.write(
      `headroom gate: could not write the step summary to ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}

/** Text shown as is: Markdown's characters in a version or a name are escaped. */
function inline(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (character) => `\\${character}`);
}

/** A code block its own text cannot close: the fence is longer than any run of backticks in it. */
function fenced(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}
