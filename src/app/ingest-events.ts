// Event ingest: a batch of per-minute counts, all stored or none, acknowledged only
// after commit. An Idempotency-Key makes a retried batch count once.
import { createHash } from 'node:crypto';
import { epochMinute } from '../core/slo/minute-series.js';
import type { IngestResponse } from '../schema/api.js';
import { EventLineReader } from '../schema/event-lines.js';
import { AppError, conflict, forbidden, invalid } from './errors.js';
import { idempotencyKeyOf } from './idempotency-key.js';
import type { EventCountsRecord, MinuteCounts } from './ports/records.js';
import type { AppDependencies, LiveSlo } from './ports/slo-catalog.js';
import type { Principal } from './principal.js';

export type EventBodyFormat = 'ndjson' | 'json-array';

export interface IngestRequest {
  readonly body: Buffer;
  readonly format: EventBodyFormat;
  readonly idempotencyKey: string | undefined;
}

/** Counts more than this far ahead of the server's clock are refused: clocks drift, not this much. */
export const MAX_FUTURE_MINUTES = 5;

export async function ingestEvents(
  { store, clock, catalog }: AppDependencies,
  principal: Principal,
  request: IngestRequest,
): Promise<IngestResponse> {
  if (principal.kind !== 'ingest') {
    throw forbidden("events are sent with the service's ingest key, not an API token");
  }
  const key = idempotencyKeyOf(request.idempotencyKey);
  const lines = request.format === 'json-array' ? arrayAsLines(request.body) : request.body;

  await catalog.refresh({ maxAgeMs: 1000 });
  let parsed = parseBatch(lines, slosOf(catalog.all(), principal.service), clock.now());
  if (parsed.unknownSlo) {
    // An SLO created a moment ago on another instance: look again before refusing.
    await catalog.refresh();
    parsed = parseBatch(lines, slosOf(catalog.all(), principal.service), clock.now());
  }
  if (parsed.errors.length > 0) {
    const where = request.format === 'json-array' ? 'items' : 'lines';
    throw invalid(
      `${parsed.errors.length} of ${parsed.lines} ${where} are not valid events of service "${principal.service}"; nothing of this batch was stored`,
      parsed.errors.map((error) => ({
        path: request.format === 'json-array' ? `[${error.line - 1}]` : `line ${error.line}`,
        message: error.reason,
      })),
    );
  }

  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const receivedAt = clock.now();
  const response: IngestResponse = {
    accepted: parsed.lines,
    replayed: false,
    batch: {
      lines: parsed.lines,
      slos: parsed.slos,
      minutes: parsed.minutes,
      receivedAt: new Date(receivedAt).toISOString(),
    },
  };
  const stored = await store.transaction(async (tx) => {
    await tx.lockIngest();
    if (key !== undefined) {
      const earlier = await tx.findIngestBatch(principal.service, key);
      if (earlier !== undefined) return replayOf(earlier.bodyHash, bodyHash, earlier.response);
      await tx.insertIngestBatch({
        service: principal.service,
        idempotencyKey: key,
        bodyHash,
        response,
        createdAt: receivedAt,
      });
    }
    await tx.insertEventCounts(parsed.records);
    return response;
  });
  // What was acknowledged is what the next read on this instance sees; reading it
  // back here would only slow the writer down.
  catalog.invalidate();
  return stored;
}

function replayOf(earlierHash: string, bodyHash: string, earlier: unknown): IngestResponse {
  if (earlierHash !== bodyHash) {
    throw conflict(
      'this Idempotency-Key was used for a different batch; use a new key for new events',
    );
  }
  const original = earlier as IngestResponse;
  return { ...original, accepted: 0, replayed: true };
}

interface ParsedBatch {
  readonly records: Omit<EventCountsRecord, 'id'>[];
  /** Distinct SLO minutes in the batch. */
  readonly minutes: number;
  readonly lines: number;
  readonly slos: number;
  readonly errors: readonly { readonly line: number; readonly reason: string }[];
  readonly unknownSlo: boolean;
}

function slosOf(all: readonly LiveSlo[], service: string): LiveSlo[] {
  return all.filter((entry) => entry.slo.service === service);
}

function parseBatch(body: Buffer, slos: readonly LiveSlo[], now: number): ParsedBatch {
  const lookup = new Map(slos.map((entry, index) => [entry.slo.name, index]));
  const latest = epochMinute(now) + MAX_FUTURE_MINUTES;
  // Per SLO, minute -> [good, total]: a batch holds few distinct minutes per SLO.
  const sums = slos.map(() => new Map<number, [number, number]>());
  // Lines that parse but cannot be taken: too far ahead, or for an SLO Headroom counts itself.
  const refused: { line: number; reason: string }[] = [];
  const reader = new EventLineReader(
    lookup,
    (slo, minute, good, total) => {
      const counted = slos[slo]?.slo.sli.source;
      if (counted?.type === 'heartbeat') {
        refused.push({
          line: reader.lineNumber,
          reason: `SLO "${slos[slo]?.slo.name ?? ''}" counts the runs of heartbeat "${counted.heartbeat}": Headroom writes its events from the pings; send pings to the heartbeat instead`,
        });
        return;
      }
      if (minute > latest) {
        refused.push({
          line: reader.lineNumber,
          reason: `"ts" is more than ${MAX_FUTURE_MINUTES} minutes ahead of the server's clock (${new Date(now).toISOString()})`,
        });
        return;
      }
      const perMinute = sums[slo];
      if (perMinute === undefined) return;
      const known = perMinute.get(minute);
      if (known === undefined) perMinute.set(minute, [good, total]);
      else {
        known[0] += good;
        known[1] += total;
      }
    },
    { keepBadLines: Number.POSITIVE_INFINITY },
  );
  reader.push(body);
  reader.end();
  const errors = [...reader.badLines, ...refused].sort((a, b) => a.line - b.line);
  const records: Omit<EventCountsRecord, 'id'>[] = [];
  let minutes = 0;
  sums.forEach((perMinute, index) => {
    const id = slos[index]?.id;
    if (id === undefined || perMinute.size === 0) return;
    const counts: MinuteCounts[] = [];
    for (const [minute, [good, total]] of perMinute) counts.push({ minute, good, total });
    records.push({ sloId: id, counts });
    minutes += counts.length;
  });
  return {
    records,
    minutes,
    lines: reader.eventLines - refused.length,
    slos: records.length,
    errors,
    unknownSlo: reader.badLines.some((bad) => bad.reason.startsWith('unknown SLO')),
  };
}

/** A JSON array of event objects, as NDJSON: one element per line, numbered from 1. */
function arrayAsLines(body: Buffer): Buffer {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw invalid(
      `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!Array.isArray(value)) {
    throw new AppError(
      'VALIDATION',
      'a JSON body must be an array of event objects; or send NDJSON with Content-Type: application/x-ndjson',
    );
  }
  return Buffer.from(value.map((item) => JSON.stringify(item)).join('\n'));
}
