// Heartbeat checks for cron jobs, with healthchecks.io semantics: the job pings when
// it starts and when it ends, and silence past the schedule plus grace is the alarm.
// Everything here is plain data so that definitions come from config and state is
// stored as JSON; instants are epoch milliseconds.

/** When a job is expected. `period` is relative to the last ping (healthchecks'
 * "simple" kind); `cron` is a 5-field expression read in an IANA zone. */
export type HeartbeatSchedule =
  | { readonly kind: 'period'; readonly periodMs: number }
  | { readonly kind: 'cron'; readonly expression: string; readonly timeZone: string };

export interface HeartbeatDefinition {
  readonly name: string;
  readonly schedule: HeartbeatSchedule;
  readonly graceMs: number;
  /** A run opened with /start that has not ended this long after it started takes
   * the check down. Unset: graceMs, which is exactly healthchecks' rule. */
  readonly maxRunMs?: number;
  /** Runs that succeed sooner than this after their /start are flagged too fast. */
  readonly minRunMs?: number;
  /** healthchecks' `manual_resume`: a paused check ignores pings until resumed. */
  readonly manualResume?: boolean;
}

export type PingKind = 'start' | 'success' | 'fail' | 'log';

export interface HeartbeatPing {
  readonly at: number;
  readonly kind: PingKind;
  /** `/<0-255>`: 0 is a success, anything else a failure, whatever `kind` says. */
  readonly exitStatus?: number;
  /** healthchecks' `rid`: pairs a completion with the start of the same run. */
  readonly runId?: string;
  readonly logBytes?: number;
}

export type HeartbeatStatus = 'new' | 'up' | 'late' | 'down' | 'paused';

/** healthchecks does not relate a start and a completion further apart than this. */
export const RUN_PAIRING_WINDOW_MS = 72 * 60 * 60 * 1000;

/** Open runs kept per check; the oldest is forgotten past this, so that a job that
 * sends /start and never ends cannot grow its state without bound. */
export const MAX_OPEN_RUNS = 32;

export function isExitStatus(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 255;
}

/** The ping an exit status stands for (`/0` succeeded, `/1`..`/255` failed). */
export function exitStatusPing(at: number, exitStatus: number, runId?: string): HeartbeatPing {
  const kind = exitStatus === 0 ? 'success' : 'fail';
  return runId === undefined ? { at, kind, exitStatus } : { at, kind, exitStatus, runId };
}

/** What a ping does: an exit status overrides the kind of a completion. */
export function effectiveKind(ping: HeartbeatPing): PingKind {
  if (ping.kind === 'start' || ping.kind === 'log' || ping.exitStatus === undefined) {
    return ping.kind;
  }
  return ping.exitStatus === 0 ? 'success' : 'fail';
}

/**
 * A run that succeeded sooner than minRunMs after its start: suspiciously fast (a
 * backup that found nothing to copy). A failure is flagged as one, however fast.
 */
export function ranTooFast(
  minRunMs: number | undefined,
  kind: PingKind,
  durationMs: number | null | undefined,
): boolean {
  return (
    kind === 'success' && minRunMs !== undefined && durationMs != null && durationMs < minRunMs
  );
}
