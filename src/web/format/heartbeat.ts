// What a heartbeat check's run in progress means for it, told from the API's instants
// alone (no clock): a run that has passed its maxRunTime is why the check is late.
import type { Heartbeat } from '../api/types.js';
import { formatSeconds } from './incident.js';
import { formatInstant } from './time.js';

type RunFacts = Pick<Heartbeat, 'status' | 'cause' | 'runningSince' | 'downAt' | 'maxRunSeconds'>;

/**
 * "down since 2026-11-20 09:10 UTC: a run failed". A check that has not changed status
 * since an upgrade to a server that keeps the cause has none: its status alone, then.
 */
export function statusText(heartbeat: Pick<Heartbeat, 'status' | 'cause'>): string {
  const { status, cause } = heartbeat;
  if (cause !== null) return `${status} since ${formatInstant(cause.since)}: ${cause.text}`;
  return status === 'new' ? 'new: waiting for its first run' : status;
}

/**
 * "running since 2026-12-03 16:36 UTC", or, when that run is what made the check late
 * (it goes down a grace after the run's start plus maxRunTime), "a run since … has passed
 * its max run time of 2m: down at … unless it ends"; null when nothing runs.
 */
export function runNote(heartbeat: RunFacts): string | null {
  if (heartbeat.runningSince === null) return null;
  const since = formatInstant(heartbeat.runningSince);
  const overran = heartbeat.status === 'late' && heartbeat.cause?.reason === 'run-late';
  if (!overran) return `running since ${since}`;
  return `a run since ${since} has passed its max run time of ${formatSeconds(heartbeat.maxRunSeconds)}: down at ${formatInstant(heartbeat.downAt ?? '')} unless it ends`;
}
