// `headroom heartbeat show`: one check as its owner reads it at a terminal: why it is
// in its state, its ping URL (to paste into a crontab), what is expected next, and its
// recent runs with the line of their output that says most.
import type { z } from 'zod';
import { formatRunTime } from '../core/time/duration.js';
import type { heartbeatDetailSchema, heartbeatPingSchema } from '../schema/heartbeats-api.js';
import type { PageView } from '../schema/pages-api.js';
import { formatColumns } from './columns.js';
import { wallClock } from './wall-clock.js';

type HeartbeatDetail = z.infer<typeof heartbeatDetailSchema>;
type HeartbeatPing = z.infer<typeof heartbeatPingSchema>;

/** A log line longer than this is cut: the table must stay readable in a terminal. */
const LOG_LINE_CHARS = 72;

export function formatHeartbeatDetail(
  check: HeartbeatDetail,
  pingsShown: number,
  /** The open pages carrying the check's unresolved alert. */
  openPages: readonly Pick<PageView, 'id' | 'status' | 'openedAt' | 'summary'>[] = [],
): string {
  const lines = [`${check.name}: ${statusLine(check)}`];
  if (check.description !== null) lines.push(check.description);
  lines.push('');
  const facts: [string, string][] = [
    ['Service', check.team === null ? check.service : `${check.service} (team ${check.team})`],
    ['Schedule', scheduleLine(check)],
    // A secret: the server shows it only to those who may change the check.
    ['Ping URL', check.pingUrl ?? "shown to the editors of the check's team and admins"],
    ['Last ping', lastPingLine(check)],
    ['Expected', expectedLine(check)],
  ];
  if (check.runningSince !== null) facts.push(['Running', `since ${check.runningSince}`]);
  if (check.recentRuns.runs > 0) facts.push(['Runs', recentRunsLine(check.recentRuns)]);
  if (check.slos.length > 0) facts.push(['SLOs', check.slos.join(', ')]);
  for (const page of openPages)
    facts.push([
      'Page',
      `${page.id} ${page.status}, opened ${page.openedAt}: ${page.summary} (headroom page ${page.status === 'triggered' ? 'ack' : 'show'} ${page.id})`,
    ]);
  lines.push(formatColumns(facts).trimEnd(), '');

  const shown = check.pings.slice(0, pingsShown);
  if (check.pings.length === 0) lines.push('No pings yet.');
  else {
    lines.push(
      shown.length < check.pings.length
        ? `The ${shown.length} newest of the last ${check.pings.length} pings (--pings ${check.pings.length} lists them all):`
        : `The last ${shown.length === 1 ? 'ping' : `${shown.length} pings`}, newest first:`,
    );
    lines.push(
      formatColumns([
        ['AT', 'KIND', 'EXIT', 'TOOK', 'RUN', 'LOG'],
        ...shown.map((ping) => [
          ping.at,
          ping.kind,
          ping.exitStatus === null ? '' : String(ping.exitStatus),
          tookText(ping),
          ping.runId === null ? '' : ping.runId.slice(0, 8),
          logLine(ping),
        ]),
      ]).trimEnd(),
    );
    if (shown.some((ping) => ping.body !== null))
      lines.push('', 'LOG is the last line of what the ping sent; --json prints it whole.');
    // The kept start of a longer log ends mid-run: its last line is not the run's.
    if (shown.some((ping) => ping.bodyTruncated))
      lines.push(
        `${CUT_MARK} marks a log longer than the first ${PING_LOG_BYTES_KEPT} bytes kept: its line is the last one kept, not the last one sent.`,
      );
  }
  return `${lines.join('\n')}\n`;
}

function statusLine(check: HeartbeatDetail): string {
  if (check.cause !== null)
    return `${check.status} since ${check.cause.since}: ${check.cause.text}`;
  return check.status === 'new' ? 'new, waiting for its first ping' : check.status;
}

/**
 * "18 of the last 20 succeeded (since …); run time median 4m12s, longest 9m; 2 overran":
 * the runs among the pings the server sent.
 */
function recentRunsLine(runs: HeartbeatDetail['recentRuns']): string {
  const outcome =
    runs.runs === 1
      ? `the last run ${runs.failed === 1 ? 'failed' : 'succeeded'}`
      : `${String(runs.runs - runs.failed)} of the last ${String(runs.runs)} succeeded`;
  const parts = [`${outcome}${runs.since === null ? '' : ` (since ${runs.since})`}`];
  if (runs.medianSeconds !== null && runs.longestSeconds !== null)
    parts.push(
      `run time median ${formatRunTime(Math.round(runs.medianSeconds))}, longest ${formatRunTime(Math.round(runs.longestSeconds))}`,
    );
  const flagged = [
    ...(runs.overran > 0 ? [`${String(runs.overran)} overran`] : []),
    ...(runs.tooFast > 0 ? [`${String(runs.tooFast)} too fast`] : []),
  ];
  if (flagged.length > 0) parts.push(flagged.join(', '));
  return parts.join('; ');
}

function scheduleLine(check: HeartbeatDetail): string {
  const parts = [
    check.schedule,
    `grace ${formatRunTime(check.graceSeconds)}`,
    `max run time ${formatRunTime(check.maxRunSeconds)}`,
  ];
  if (check.minRunSeconds !== null)
    parts.push(`min run time ${formatRunTime(check.minRunSeconds)}`);
  return parts.join(', ');
}

function lastPingLine(check: HeartbeatDetail): string {
  if (check.lastPingAt === null) return '—';
  const more = [
    check.lastSuccessAt === null ? 'no success yet' : `last success ${check.lastSuccessAt}`,
  ];
  if (check.lastFailureAt !== null) more.push(`last failure ${check.lastFailureAt}`);
  return `${check.lastPingAt} (${more.join(', ')})`;
}

function expectedLine(check: HeartbeatDetail): string {
  if (check.expectedAt === null) {
    if (check.status === 'paused') return 'nothing while paused';
    if (check.status === 'new') return 'nothing until the first ping';
    return 'nothing: the next successful run brings it up';
  }
  const by = `a run by ${check.expectedAt}${onCronClock(check, check.expectedAt, true)}`;
  return check.downAt === null
    ? by
    : `${by}; down at ${check.downAt}${onCronClock(check, check.downAt, false)} without one`;
}

/**
 * ` (Sat 02:30 Europe/Amsterdam)`: a cron check's instant on the clock its expression is
 * written for, so that `30 2 * * *` reads as 02:30; nothing for UTC and periods.
 */
function onCronClock(check: HeartbeatDetail, iso: string, nameZone: boolean): string {
  const zone = check.timeZone;
  if (zone === null || zone === 'UTC') return '';
  return ` (${wallClock(iso, zone, false)}${nameZone ? ` ${zone}` : ''})`;
}

function tookText(ping: HeartbeatPing): string {
  if (ping.durationSeconds === null) return '';
  const took = formatRunTime(Math.round(ping.durationSeconds));
  if (ping.tooFast) return `${took} (too fast)`;
  if (ping.overran) return `${took} (overran)`;
  return took;
}

/** Before the LOG of a ping whose body was cut. */
const CUT_MARK = '[cut]';
const PING_LOG_BYTES_KEPT = '10,000';

function logLine(ping: HeartbeatPing): string {
  const last = ping.body
    ?.split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
  if (last === undefined) return '';
  const line = visibleControls(last);
  const shown = ping.bodyTruncated ? `${CUT_MARK} ${line}` : line;
  return shown.length > LOG_LINE_CHARS ? `${shown.slice(0, LOG_LINE_CHARS - 1)}…` : shown;
}

/**
 * C0 and C1 control characters but newline and tab, and DEL: a ping body is whatever
 * anyone with the URL sent, and printed raw its ESC sequences would recolour, retitle
 * or rewrite the reader's terminal (a CR hides what came before it on the line).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const escaped = (character: string) =>
  `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text from a ping for a terminal: each control character as its visible `\u001b` escape. */
export function visibleControls(text: string): string {
  return text.replace(CONTROL_CHARACTERS, escaped);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 characters but leaves DEL and the C1
 * range (U+0080 to U+009F, where CSI is U+009B) raw; written as `\u009b` they read the
 * same to a JSON parser and do nothing to the terminal.
 */
export function terminalJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, escaped)}\n`;
}
