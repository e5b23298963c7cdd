// `headroom deploy list`, `headroom deploy show <id>`, `headroom deploy decisions` and
// `headroom deploy decision <id>`: what went out and what the gate said, read back from
// the terminal. A person
// asking "why was Friday's deploy held?" or "what did the last deploy cost the
// budget?" should not need curl and jq.
import { Option, type Command } from 'commander';
import { z } from 'zod';
import {
  DEPLOY_STATUSES,
  deploySchema,
  gateAnswerSchema,
  type DeployView,
  type GateAnswer,
} from '../schema/deploys.js';
import { formatColumns } from './columns.js';
import { formatBudgetChange, formatBurn } from './format-table.js';
import { instantOption } from './option-parsers.js';
import { formatDecision } from './decision-format.js';
import { withApiClient } from './api-client.js';
import { ExitCode, type CliIo, URL_HELP, type Configure, type Env } from './io.js';
import { wholeNumberUpTo } from './option-parsers.js';

const NO_VALUE = '—';
/** The API's page of decisions when no limit is given. */
const DEFAULT_DECISIONS_PAGE = 50;
/** The API's page of deploys when no limit is given. */
const DEFAULT_DEPLOYS_PAGE = 100;

export type DeployReadAction =
  | {
      readonly kind: 'list';
      readonly service?: string | undefined;
      readonly status?: (typeof DEPLOY_STATUSES)[number] | undefined;
      readonly from?: string | undefined;
      readonly to?: string | undefined;
      readonly before?: string | undefined;
      readonly limit?: number | undefined;
    }
  | { readonly kind: 'show'; readonly id: string }
  | {
      readonly kind: 'decisions';
      readonly service?: string | undefined;
      readonly before?: string | undefined;
      readonly limit?: number | undefined;
      readonly deniedOnly: boolean;
    }
  | { readonly kind: 'decision'; readonly id: string };

export async function runDeployRead(
  action: DeployReadAction,
  common: { readonly url: string | undefined; readonly json: boolean },
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  return withApiClient(`headroom deploy ${action.kind}`, common.url, io, env, async (client) => {
    const print = (value: unknown, text: () => string) => {
      io.stdout.write(common.json ? `${JSON.stringify(value, null, 2)}\n` : text());
      return ExitCode.ok;
    };
    switch (action.kind) {
      case 'list': {
        const query = queryOf({
          service: action.service,
          status: action.status,
          // A plain date is that day in UTC, as for toil and the report.
          from: action.from === undefined ? undefined : instantOption(action.from, 'UTC'),
          to: action.to === undefined ? undefined : instantOption(action.to, 'UTC'),
          before: action.before,
          limit: action.limit,
        });
        const deploys = await client.call(
          'GET',
          `/api/v1/deploys${query}`,
          undefined,
          z.array(deploySchema),
        );
        const pageFull = deploys.length === (action.limit ?? DEFAULT_DEPLOYS_PAGE);
        const last = pageFull ? deploys.at(-1) : undefined;
        return print(deploys, () =>
          formatDeploys(
            deploys,
            last === undefined
              ? undefined
              : nextPageCommand('headroom deploy list', last.id, [
                  ['--service', action.service],
                  ['--status', action.status],
                  ['--from', action.from],
                  ['--to', action.to],
                  ['--limit', action.limit],
                ]),
          ),
        );
      }
      case 'show': {
        const deploy = await client.call(
          'GET',
          `/api/v1/deploys/${encodeURIComponent(action.id)}`,
          undefined,
          deploySchema,
        );
        return print(deploy, () => formatDeploy(deploy));
      }
      case 'decisions': {
        const query = queryOf({
          service: action.service,
          before: action.before,
          limit: action.limit,
        });
        const all = await client.call(
          'GET',
          `/api/v1/deploys/decisions${query}`,
          undefined,
          z.array(gateAnswerSchema),
        );
        const decisions = action.deniedOnly ? all.filter((decision) => !decision.allowed) : all;
        const pageFull = all.length === (action.limit ?? DEFAULT_DECISIONS_PAGE);
        const last = pageFull ? all.at(-1) : undefined;
        return print(decisions, () =>
          formatDecisions(
            decisions,
            last === undefined
              ? undefined
              : nextPageCommand('headroom deploy decisions', last.id, [
                  ['--service', action.service],
                  ['--denied', action.deniedOnly],
                  ['--limit', action.limit],
                ]),
          ),
        );
      }
      case 'decision': {
        const decision = await client.call(
          'GET',
          `/api/v1/deploys/decisions/${encodeURIComponent(action.id)}`,
          undefined,
          gateAnswerSchema,
        );
        return print(decision, () => formatDecision(decision, 'then'));
      }
    }
  });
}

function queryOf(parameters: Readonly<Record<string, string | number | undefined>>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) query.set(name, String(value));
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The command that reads the next page: the one given, with every filter the person
 * gave (a page of another service's deploys would not be the next one), older than
 * `lastId`. The API pages by id: the last one of a full page is where the next begins.
 */
export function nextPageCommand(
  command: string,
  lastId: string,
  filters: readonly (readonly [string, string | number | boolean | undefined])[],
): string {
  const words = [command];
  for (const [flag, value] of filters) {
    if (value === undefined || value === false) continue;
    words.push(value === true ? flag : `${flag} ${shellWord(String(value))}`);
  }
  words.push(`--before ${lastId}`);
  return words.join(' ');
}

/** A value as one shell word, quoted only when it needs to be. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * One row per deploy, newest first; BUDGET is what each SLO of the service spent (or
 * regained) in the hour before the deploy and the hour after it (pending until that
 * hour is over). `olderOnes`: the command for the next page, after a full one.
 */
export function formatDeploys(deploys: readonly DeployView[], olderOnes?: string): string {
  if (deploys.length === 0) return 'No deploys recorded.\n';
  const rows = deploys.map((deploy) => [
    deploy.at,
    deploy.service,
    deploy.version ?? NO_VALUE,
    deploy.status,
    deploy.actor,
    deploy.decision === null
      ? NO_VALUE
      : deploy.againstDenial
        ? `${deploy.decision} (DENIED: went out against the gate)`
        : deploy.decision,
    deploy.budget.length === 0 ? NO_VALUE : deploy.budget.map(budgetAround).join('; '),
  ]);
  const table = formatColumns([
    ['AT', 'SERVICE', 'VERSION', 'STATUS', 'ACTOR', 'DECISION', 'BUDGET (HOUR BEFORE → AFTER)'],
    ...rows,
  ]);
  const more = olderOnes === undefined ? '' : `\nOlder ones: ${olderOnes}\n`;
  return `${table}${more}`;
}

function budgetAround(budget: DeployView['budget'][number]): string {
  const after = budget.after === null ? 'pending' : formatBudgetChange(budget.after.consumed, 2);
  return `${budget.slo} ${formatBudgetChange(budget.before.consumed, 2)} → ${after}`;
}

/**
 * One deploy for a person: what went out, who and when, the gate decision it names (and
 * how to read it), and per SLO what the hour before and the hour after did to the budget.
 */
export function formatDeploy(deploy: DeployView): string {
  const what = deploy.version === null ? deploy.service : `${deploy.service} ${deploy.version}`;
  const facts: [string, string][] = [
    ['service', deploy.service],
    ['version', deploy.version ?? NO_VALUE],
    ['commit', deploy.commit ?? NO_VALUE],
    ['status', deploy.status],
    ['labels', deploy.labels.length === 0 ? NO_VALUE : deploy.labels.join(', ')],
    ['at', deploy.at],
    ['actor', deploy.actor],
    ['recorded', `${deploy.recordedAt} by ${deploy.recordedBy}`],
    [
      'decision',
      deploy.decision === null
        ? 'none: recorded without a gate decision'
        : deploy.againstDenial
          ? `${deploy.decision} (DENIED: went out against the gate)`
          : deploy.decision,
    ],
  ];
  const width = Math.max(...facts.map(([name]) => name.length));
  const lines = [
    `Deploy ${deploy.id}: ${what} ${deploy.status} at ${deploy.at}.`,
    '',
    ...facts.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    '',
  ];
  if (deploy.budget.length === 0) {
    lines.push(`Budget around it: ${deploy.service} has no SLOs.`);
  } else {
    lines.push('Budget around it (1h burn rate at the end of each hour):');
    for (const budget of deploy.budget) {
      const before = `${formatBudgetChange(budget.before.consumed, 2)} (burn ${formatBurn(budget.before.burnRate)}) the hour before`;
      const after =
        budget.after === null
          ? 'the hour after is not over'
          : `${formatBudgetChange(budget.after.consumed, 2)} (burn ${formatBurn(budget.after.burnRate)}) the hour after`;
      lines.push(`  ${budget.slo}: ${before}, ${after}`);
    }
  }
  if (deploy.decision !== null) {
    lines.push('', `Its gate decision: headroom deploy decision ${deploy.decision}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One row per decision, newest first: the answer and the rules behind it. `olderOnes`:
 * the command for the next page, after a full one.
 */
export function formatDecisions(decisions: readonly GateAnswer[], olderOnes?: string): string {
  const rows = decisions.map((decision) => [
    decision.at,
    decision.id,
    decision.service,
    decision.version ?? NO_VALUE,
    decision.actor,
    decision.allowed ? 'allowed' : 'DENIED',
    decision.allowed
      ? waivedSummary(decision)
      : [...new Set(decision.reasons.map((reason) => `${reason.policy}/${reason.rule}`))].join(
          ', ',
        ),
  ]);
  const table =
    decisions.length === 0
      ? 'No decisions.\n'
      : formatColumns([['AT', 'ID', 'SERVICE', 'VERSION', 'ACTOR', 'ANSWER', 'RULES'], ...rows]);
  const more = olderOnes === undefined ? '' : `\nOlder ones: ${olderOnes}\n`;
  return `${table}${more}`;
}

function waivedSummary(decision: GateAnswer): string {
  if (decision.waived.length === 0) return NO_VALUE;
  return `waived: ${decision.waived
    .map((reason) => {
      const by =
        reason.waivedBy.kind === 'label'
          ? `label ${reason.waivedBy.label}`
          : `approval ${reason.waivedBy.approval}`;
      return `${reason.policy}/${reason.rule} by ${by}`;
    })
    .join(', ')}`;
}

function limitOption(maximum: number): Option {
  return new Option('--limit <n>', `at most this many (1 to ${String(maximum)})`).argParser(
    wholeNumberUpTo(maximum),
  );
}

/** Adds `list`, `show`, `decisions` and `decision` to `headroom deploy`. */
export function addDeployReadCommands(
  deploy: Command,
  configure: Configure,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  configure(deploy.command('list'), 'headroom deploy list')
    .description(
      'Recorded deploys, newest first, with the budget each SLO spent in the hour before and after.',
    )
    .option('-s, --service <name>', 'only this service')
    .addOption(new Option('--status <status>', 'only this status').choices(DEPLOY_STATUSES))
    .option('--from <when>', 'from this instant (ISO 8601) or day (2026-11-01, UTC)')
    .option('--to <when>', 'up to this instant or day (exclusive)')
    .option('--before <id>', 'older than this deploy (the last id of the previous page)')
    .addOption(limitOption(500))
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', URL_HELP)
    .addHelpText(
      'after',
      `
Exits 0, 2 for a refused or wrong request, 3 when the server cannot be reached.

Examples:
  headroom deploy list --service checkout --limit 10
  headroom deploy list --status rolled_back --from 2026-11-01T00:00:00Z
  headroom deploy show dep_0a1b2c3d4e5f6a7b`,
    )
    .action(
      async (options: {
        service?: string;
        status?: (typeof DEPLOY_STATUSES)[number];
        from?: string;
        to?: string;
        before?: string;
        limit?: number;
        json?: boolean;
        url?: string;
      }) => {
        setExitCode(
          await runDeployRead(
            {
              kind: 'list',
              service: options.service,
              status: options.status,
              from: options.from,
              to: options.to,
              before: options.before,
              limit: options.limit,
            },
            { url: options.url, json: options.json === true },
            io,
          ),
        );
      },
    );
  configure(deploy.command('show'), 'headroom deploy show')
    .description(
      'One deploy: what went out, who and when, its gate decision, and the budget each SLO spent or regained in the hour before and after.',
    )
    .argument('<id>', 'the deploy id (headroom deploy record and list print it)')
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', URL_HELP)
    .addHelpText(
      'after',
      `
Exits 0, 2 for an unknown deploy or a refused request, 3 when the server cannot be
reached.`,
    )
    .action(async (id: string, options: { json?: boolean; url?: string }) => {
      setExitCode(
        await runDeployRead(
          { kind: 'show', id },
          { url: options.url, json: options.json === true },
          io,
        ),
      );
    });
  configure(deploy.command('decisions'), 'headroom deploy decisions')
    .description('Gate decisions, newest first: who asked, the answer and the rules behind it.')
    .option('-s, --service <name>', 'only this service')
    .option('--denied', 'only the denials (of the page fetched)')
    .option('--before <id>', 'older than this decision (the last id of the previous page)')
    .addOption(limitOption(1000))
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', URL_HELP)
    .addHelpText(
      'after',
      `
Examples:
  headroom deploy decisions --service checkout --denied
  headroom deploy decision dec_01a1c4e675004a6b8c9d0e1f2a3b4c5d`,
    )
    .action(
      async (options: {
        service?: string;
        denied?: boolean;
        before?: string;
        limit?: number;
        json?: boolean;
        url?: string;
      }) => {
        setExitCode(
          await runDeployRead(
            {
              kind: 'decisions',
              service: options.service,
              before: options.before,
              limit: options.limit,
              deniedOnly: options.denied === true,
            },
            { url: options.url, json: options.json === true },
            io,
          ),
        );
      },
    );
  configure(deploy.command('decision'), 'headroom deploy decision')
    .description('One gate decision, every reason as the gate gave it.')
    .argument('<id>', 'the decision id (headroom gate prints it)')
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', URL_HELP)
    .action(async (id: string, options: { json?: boolean; url?: string }) => {
      setExitCode(
        await runDeployRead(
          { kind: 'decision', id },
          { url: options.url, json: options.json === true },
          io,
        ),
      );
    });
}
