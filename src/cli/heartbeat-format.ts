// `headroom heartbeat show`: one check as its owner reads it at a terminal: why it is
// in its state, its ping URL (to paste into a crontab), what is expected next, and its
// recent runs with the line of their output that says most.
import type { z } from 'zod';
import { formatRunTime } from '../core/time/duration.js';
import type { heartbeatDetailSchema, heartbeatPingSchema } from '../schema/heartbeats-api.js';
import { formatColumns } from './columns.js';
import { wallClock } from './wall-clock.js';

type HeartbeatDetail = z.infer<typeof heartbeatDetailSchema>;
type HeartbeatPing = z.infer<typeof heartbeatPingSchema>;

/** A log line longer than this is cut: the table must stay readable in a terminal. */
const LOG_LINE_CHARS = 72;

export function formatHeartbeatDetail(check: HeartbeatDetail, pingsShown: number): string {
  const lines = [`${check.name}: ${statusLine(check)}`];
  if (check.description !== null) lines.push(check.description);
  lines.push('');
  const facts: [string, string][] = [
    ['Service', check.team === null ? check.service : `${check.service} (team ${check.team})`],
    ['Schedule', scheduleLine(check)],
    ['Ping URL', check.pingUrl],
    ['Last ping', lastPingLine(check)],
    ['Expected', expectedLine(check)],
  ];
  if (check.runningSince !== null) facts.push(['Running', `since ${check.runningSince}`]);
  if (check.slos.length > 0) facts.push(['SLOs', check.slos.join(', ')]);
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
          logLine(ping.body),
        ]),
      ]).trimEnd(),
    );
    if (shown.some((ping) => ping.body !== null))
      lines.push('', 'LOG is the last line of what the ping sent; --json prints it whole.');
  }
  return `${lines.join('\n')}\n`;
}

function statusLine(check: HeartbeatDetail): string {
  if (check.cause !== null)
    return `${check.status} since ${check.cause.since}: ${check.cause.text}`;
  return check.status === 'new' ? 'new, waiting for its first ping' : check.status;
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

function logLine(body: string | null): string {
  const last = body
    ?.split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
  if (last === undefined) return '';
  return last.length > LOG_LINE_CHARS ? `${last.slice(0, LOG_LINE_CHARS - 1)}…` : last;
}
