// What the database keeps: counts as long as some SLO's window or alert can reach
// them, idempotency records for a week, heartbeat pings for 90 days. Run by the lease
// holder, now and then.
import type { AppDependencies } from '../app/ports/slo-catalog.js';
import { lookbackMinutes } from '../core/slo/lookback.js';
import { epochMinute } from '../core/slo/minute-series.js';

const DAY_MINUTES = 24 * 60;
/** Kept at least this long whatever the SLOs are: room to change a window and look back. */
export const MIN_COUNT_RETENTION_MINUTES = 100 * DAY_MINUTES;
/** A client retrying a batch with its Idempotency-Key within this is answered as before. */
export const IDEMPOTENCY_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** Heartbeat pings (and their run logs) are history for people: a quarter of it. */
export const PING_RETENTION_MS = 90 * 24 * 60 * 60_000;

export async function applyRetention({ store, clock, catalog }: AppDependencies): Promise<{
  eventRecords: number;
  ingestBatches: number;
  heartbeatPings: number;
}> {
  const now = clock.now();
  const keepMinutes = Math.max(
    MIN_COUNT_RETENTION_MINUTES,
    ...catalog.all().map((entry) => lookbackMinutes(entry.slo)),
  );
  return {
    eventRecords: await store.deleteEventCountsBefore(epochMinute(now) - keepMinutes),
    ingestBatches: await store.deleteIngestBatchesBefore(now - IDEMPOTENCY_RETENTION_MS),
    heartbeatPings: await store.deleteHeartbeatPingsBefore(now - PING_RETENTION_MS),
  };
}
