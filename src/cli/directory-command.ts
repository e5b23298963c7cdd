// `headroom user hours` and `headroom team cap`: the two settings of people and teams
// that toil and on-call load read, set from the terminal. Each reads the user or team,
// changes only what was asked, and puts it back (PUT replaces the whole resource).
import { InvalidArgumentError, type Command } from 'commander';
import { WEEKDAYS, type Weekday } from '../core/oncall/local-time.js';
import { formatWorkingHours } from '../core/reports/report.js';
import {
  DEFAULT_SLEEP_HOURS,
  DEFAULT_WORKING_HOURS,
  type DailyHours,
  type WorkingHours,
} from '../core/reports/working-time.js';
import { teamSchema, userSchema, type Team, type User } from '../schema/api.js';
import { withApiClient } from './api-client.js';
import { ExitCode, type CliIo, URL_HELP, type Configure, type Env } from './io.js';

/**
 * `sun-thu`, `mon,wed,fri`, `fri-mon` (a range may wrap past Sunday), `mon-wed,sat`:
 * the days in week order.
 */
export function parseDays(text: string): Weekday[] {
  const days = new Set<Weekday>();
  const dayOf = (name: string): number => {
    const index = WEEKDAYS.indexOf(name.trim().toLowerCase() as Weekday);
    if (index < 0) {
      throw new InvalidArgumentError(
        `${JSON.stringify(name.trim())} is not a day; use mon, tue, wed, thu, fri, sat or sun, a range such as sun-thu, or a list such as mon,wed,fri.`,
      );
    }
    return index;
  };
  for (const part of text.split(',')) {
    const [first = '', last, ...rest] = part.split('-');
    if (rest.length > 0) throw new InvalidArgumentError(`${JSON.stringify(part)} is not a range.`);
    const from = dayOf(first);
    const to = last === undefined ? from : dayOf(last);
    for (let index = from; ; index = (index + 1) % WEEKDAYS.length) {
      const day = WEEKDAYS[index];
      if (day !== undefined) days.add(day);
      if (index === to) break;
    }
  }
  return WEEKDAYS.filter((day) => days.has(day));
}

/** `10:00-18:00` (or with an en dash); the server checks the times themselves. */
export function parseSpan(text: string): DailyHours {
  const match = /^\s*(\S+?)\s*[-–]\s*(\S+)\s*$/.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new InvalidArgumentError('expected start-end, e.g. 10:00-18:00 or 22:00-06:00.');
  }
  return { start: match[1], end: match[2] };
}

export interface UserHoursOptions {
  readonly days?: readonly Weekday[] | undefined;
  readonly work?: DailyHours | undefined;
  readonly sleep?: DailyHours | undefined;
  /** Back to the defaults first (then the other options apply). */
  readonly reset: boolean;
}

/** Shows a user's hours, or changes those asked (the rest of the user stays as it is). */
export async function runUserHours(
  name: string,
  options: UserHoursOptions,
  common: { readonly url: string | undefined; readonly json: boolean },
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  const command = 'headroom user hours';
  const changes =
    options.reset ||
    options.days !== undefined ||
    options.work !== undefined ||
    options.sleep !== undefined;
  return withApiClient(command, common.url, io, env, async (client) => {
    const path = `/api/v1/users/${encodeURIComponent(name)}`;
    let user = await client.call('GET', path, undefined, userSchema);
    if (changes) {
      const current = options.reset ? null : user.workingHours;
      const workingHours =
        options.days === undefined && options.work === undefined
          ? current
          : {
              ...(current ?? DEFAULT_WORKING_HOURS),
              ...options.work,
              ...(options.days === undefined ? {} : { days: options.days }),
            };
      const sleepHours = options.sleep ?? (options.reset ? null : user.sleepHours);
      user = await client.call('PUT', path, userBody(user, workingHours, sleepHours), userSchema, {
        'workingHours.days': '--days',
        'workingHours.start': '--work',
        'workingHours.end': '--work',
        workingHours: '--work',
        'sleepHours.start': '--sleep',
        'sleepHours.end': '--sleep',
        sleepHours: '--sleep',
      });
    }
    io.stdout.write(
      common.json ? `${JSON.stringify(user, null, 2)}\n` : `${describeHours(user)}\n`,
    );
    return ExitCode.ok;
  });
}

/** The PUT body of `user` with new hours: every other field as it was. */
function userBody(
  user: User,
  workingHours: WorkingHours | null,
  sleepHours: DailyHours | null,
): Record<string, unknown> {
  return {
    ...(user.displayName === null ? {} : { displayName: user.displayName }),
    ...(user.email === null ? {} : { email: user.email }),
    timeZone: user.timeZone,
    teams: user.teams,
    roles: user.roles,
    ...(workingHours === null ? {} : { workingHours }),
    ...(sleepHours === null ? {} : { sleepHours }),
  };
}

function describeHours(user: User): string {
  const working =
    user.workingHours === null
      ? `${formatWorkingHours(DEFAULT_WORKING_HOURS)} (default)`
      : formatWorkingHours(user.workingHours);
  const sleep =
    user.sleepHours === null
      ? `${DEFAULT_SLEEP_HOURS.start}–${DEFAULT_SLEEP_HOURS.end} (default)`
      : `${user.sleepHours.start}–${user.sleepHours.end}`;
  return `${user.name} (${user.timeZone}): works ${working}; sleeps ${sleep}`;
}

/** Shows a team's toil cap, or sets it (`default` clears it: 50 %). */
export async function runTeamCap(
  name: string,
  percent: number | 'default' | undefined,
  common: { readonly url: string | undefined; readonly json: boolean },
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  return withApiClient('headroom team cap', common.url, io, env, async (client) => {
    const path = `/api/v1/teams/${encodeURIComponent(name)}`;
    let team = await client.call('GET', path, undefined, teamSchema);
    if (percent !== undefined) {
      team = await client.call(
        'PUT',
        path,
        {
          ...(team.displayName === null ? {} : { displayName: team.displayName }),
          ...(percent === 'default' ? {} : { toilCapPercent: percent }),
        },
        teamSchema,
        { toilCapPercent: '<percent>' },
      );
    }
    io.stdout.write(common.json ? `${JSON.stringify(team, null, 2)}\n` : `${describeCap(team)}\n`);
    return ExitCode.ok;
  });
}

function describeCap(team: Team): string {
  return team.toilCapPercent === null
    ? `Team ${team.name}: toil cap 50% (the default)`
    : `Team ${team.name}: toil cap ${String(team.toilCapPercent)}% (the team's own)`;
}

/** A percentage from 0 to 100, or `default`; the server checks the range too. */
function capArgument(text: string): number | 'default' {
  if (text === 'default') return 'default';
  const value = Number(text.replace(/%$/, ''));
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new InvalidArgumentError('expected a percentage from 0 to 100, or default.');
  }
  return value;
}

export function addDirectoryCommands(
  program: Command,
  configure: Configure,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  type Common = { json?: boolean; url?: string };
  const common = (command: Command) =>
    command.option('--json', 'print the API answer as JSON').option('--url <url>', URL_HELP);

  const user = program.command('user').description("Users: each person's own hours.");
  common(
    configure(user.command('hours'), 'headroom user hours')
      .description(
        "Show a person's working and sleep hours, or set them (on their own clock): toil's share of working time, out-of-hours pages and nights interrupted read them.",
      )
      .argument('<name>', 'the user')
      .option('--days <days>', 'the days they work: sun-thu, mon,wed,fri, …', parseDays)
      .option(
        '--work <start-end>',
        'their working hours each of those days, e.g. 10:00-18:00',
        parseSpan,
      )
      .option('--sleep <start-end>', 'their sleep hours, e.g. 23:00-07:00', parseSpan)
      .option(
        '--default',
        'back to Mon–Fri 09:00–17:00 and 22:00–07:00 (before the options above)',
      ),
  )
    .addHelpText(
      'after',
      `
Options not given keep their value; working hours not set before start from Mon–Fri
09:00–17:00. Changing needs an admin token (HEADROOM_TOKEN). Exits 0, 2 for a usage
error or a request the server refused (it names the field), 3 when the server cannot
be reached.

Examples:
  headroom user hours dana
  headroom user hours dana --days sun-thu --work 10:00-18:00
  headroom user hours eve --sleep 08:00-16:00
  headroom user hours dana --default`,
    )
    .action(
      async (
        name: string,
        options: Common & {
          days?: Weekday[];
          work?: DailyHours;
          sleep?: DailyHours;
          default?: boolean;
        },
      ) => {
        setExitCode(
          await runUserHours(
            name,
            {
              days: options.days,
              work: options.work,
              sleep: options.sleep,
              reset: options.default === true,
            },
            { url: options.url, json: options.json === true },
            io,
          ),
        );
      },
    );

  const team = program.command('team').description("Teams: the team's own toil cap.");
  common(
    configure(team.command('cap'), 'headroom team cap')
      .description(
        "Show a team's toil cap, or set it: toil summaries and reports hold the team's toil against it unless asked with --cap.",
      )
      .argument('<name>', 'the team')
      .argument('[percent]', 'percent of working time, 0 to 100; default for 50 %', capArgument),
  )
    .addHelpText(
      'after',
      `
Setting needs an admin token (HEADROOM_TOKEN). Exits 0, 2 for a usage error or a
request the server refused, 3 when the server cannot be reached.

Examples:
  headroom team cap payments
  headroom team cap payments 40
  headroom team cap payments default`,
    )
    .action(async (name: string, percent: number | 'default' | undefined, options: Common) => {
      setExitCode(
        await runTeamCap(name, percent, { url: options.url, json: options.json === true }, io),
      );
    });
}
