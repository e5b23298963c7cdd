// `headroom approve <service>` and `headroom approvals list|revoke`: exceptions to
// error-budget policies from the terminal, given as the token's user (a holder of an
// approver role the policy names, never the requester alone).
import type { Command } from 'commander';
import { z } from 'zod';
import { parseDuration } from '../core/time/duration.js';
import { approvalResourceSchema } from '../schema/deploys.js';
import { formatColumns } from './columns.js';
import { withApiClient } from './api-client.js';
import { ExitCode, type CliIo, URL_HELP, type Configure, type Env } from './io.js';
import { collect } from './option-parsers.js';

type Approval = z.output<typeof approvalResourceSchema>;

export interface ApproveOptions {
  readonly service: string;
  readonly reason: string;
  /** A duration from now (2h, 30m) or an instant. */
  readonly expires: string;
  readonly rules: readonly string[];
  readonly requester: string | undefined;
}

export type ApprovalAction =
  | { readonly kind: 'approve'; readonly options: ApproveOptions }
  | { readonly kind: 'list'; readonly service: string | undefined; readonly all: boolean }
  | { readonly kind: 'revoke'; readonly id: string };

export async function runApprovals(
  action: ApprovalAction,
  common: { readonly url: string | undefined; readonly json: boolean },
  io: CliIo,
  env: Env = process.env,
  now: () => number = Date.now,
): Promise<number> {
  const command =
    action.kind === 'approve' ? 'headroom approve' : `headroom approvals ${action.kind}`;
  let expiresAt: string | undefined;
  if (action.kind === 'approve') {
    expiresAt = expiryOf(action.options.expires, now());
    if (expiresAt === undefined) {
      io.stderr.write(
        `${command}: --expires ${action.options.expires} is neither a duration (2h, 30m) nor an instant (ISO 8601)\n`,
      );
      return ExitCode.usage;
    }
  }
  return withApiClient(command, common.url, io, env, async (client) => {
    switch (action.kind) {
      case 'approve': {
        const { options } = action;
        const approval = await client.call(
          'POST',
          '/api/v1/approvals',
          {
            service: options.service,
            reason: options.reason,
            expiresAt,
            scope: options.rules.length === 0 ? 'all' : options.rules,
            ...(options.requester === undefined ? {} : { requester: options.requester }),
          },
          approvalResourceSchema,
          {
            expiresAt: '--expires',
            reason: '--reason',
            requester: '--requester',
            scope: '--rule',
          },
        );
        io.stdout.write(
          common.json
            ? `${JSON.stringify(approval, null, 2)}\n`
            : `Approved ${approval.id} for ${approval.service} by ${approval.approver} until ${approval.expiresAt}` +
                ` (${approval.scope === 'all' ? 'every rule' : approval.scope.join(', ')}${approval.requester === null ? '' : `; ${approval.requester}'s deploys`}).\n`,
        );
        return ExitCode.ok;
      }
      case 'list': {
        const query = new URLSearchParams({ state: action.all ? 'all' : 'active' });
        if (action.service !== undefined) query.set('service', action.service);
        const approvals = await client.call(
          'GET',
          `/api/v1/approvals?${query.toString()}`,
          undefined,
          z.array(approvalResourceSchema),
        );
        io.stdout.write(
          common.json ? `${JSON.stringify(approvals, null, 2)}\n` : formatApprovals(approvals),
        );
        return ExitCode.ok;
      }
      case 'revoke':
        await client.call(
          'DELETE',
          `/api/v1/approvals/${encodeURIComponent(action.id)}`,
          undefined,
          z.unknown(),
        );
        io.stdout.write(`Revoked ${action.id}.\n`);
        return ExitCode.ok;
    }
  });
}

function expiryOf(text: string, nowMs: number): string | undefined {
  const duration = parseDuration(text);
  if (duration.ok) return new Date(nowMs + duration.minutes * 60_000).toISOString();
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? undefined : new Date(instant).toISOString();
}

function formatApprovals(approvals: readonly Approval[]): string {
  if (approvals.length === 0) return 'No approvals.\n';
  return formatColumns([
    ['ID', 'SERVICE', 'STATE', 'APPROVER', 'EXPIRES', 'SCOPE', 'REASON'],
    ...approvals.map((approval) => [
      approval.id,
      approval.service,
      approval.state,
      approval.approver,
      approval.expiresAt,
      approval.scope === 'all' ? 'all' : approval.scope.join(','),
      approval.reason,
    ]),
  ]);
}

/** Adds `approve` and `approvals` to the program. */
export function addApprovalCommands(
  program: Command,
  configure: Configure,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  configure(program.command('approve'), 'headroom approve')
    .description("Approve an exception to a service's error-budget policies, as your token's user.")
    .argument('<service>', 'the service whose deploys the approval lets out')
    .requiredOption('--reason <text>', 'why the exception is safe (kept in the decision log)')
    .requiredOption('--expires <when>', 'a duration from now (2h) or an instant (ISO 8601)')
    .option(
      '--rule <rule>',
      'a rule it lifts, rule or policy/rule (repeatable; default: all)',
      collect,
    )
    .option('--requester <user>', "only this person's deploys (never your own)")
    .option('--json', 'print the approval as JSON')
    .option('--url <url>', URL_HELP)
    .addHelpText(
      'after',
      `
The token must belong to a user holding one of the policy's approver roles; an
approval never lets the approver's own deploys out. --expires must be within the
approvals.maxDuration of every policy whose rules it lifts (without --rule, every
policy you approve for), or the approval would not count there and is refused.
Exits 0, 2 for a refused or wrong request, 3 when the server cannot be reached.

Examples:
  headroom approve checkout --reason "coupon fix, reviewed by two" --expires 2h --rule budget-low
  headroom approvals list --service checkout`,
    )
    .action(
      async (
        service: string,
        options: {
          reason: string;
          expires: string;
          rule?: string[];
          requester?: string;
          json?: boolean;
          url?: string;
        },
      ) => {
        setExitCode(
          await runApprovals(
            {
              kind: 'approve',
              options: {
                service,
                reason: options.reason,
                expires: options.expires,
                rules: options.rule ?? [],
                requester: options.requester,
              },
            },
            { url: options.url, json: options.json === true },
            io,
          ),
        );
      },
    );
  const approvals = program.command('approvals').description('Approvals: list and revoke.');
  configure(approvals.command('list'), 'headroom approvals list')
    .description('Approvals in force (--all: also expired and revoked ones).')
    .option('-s, --service <name>', 'only this service')
    .option('--all', 'also expired and revoked approvals')
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', URL_HELP)
    .action(async (options: { service?: string; all?: boolean; json?: boolean; url?: string }) => {
      setExitCode(
        await runApprovals(
          { kind: 'list', service: options.service, all: options.all === true },
          { url: options.url, json: options.json === true },
          io,
        ),
      );
    });
  configure(approvals.command('revoke'), 'headroom approvals revoke')
    .description('Revoke an approval (its approver, an admin, or an editor of the service’s team).')
    .argument('<id>', 'the approval id')
    .option('--url <url>', URL_HELP)
    .action(async (id: string, options: { url?: string }) => {
      setExitCode(
        await runApprovals({ kind: 'revoke', id }, { url: options.url, json: false }, io),
      );
    });
}
