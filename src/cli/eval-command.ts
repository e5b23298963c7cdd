// `headroom eval`: evaluates SLOs from a config and an NDJSON file of per-minute counts,
// offline. The same numbers the server shows, for CI, notebooks and "what if" questions.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { formatIssue } from '../config/document.js';
import { loadConfig } from '../config/load.js';
import { closest } from '../config/zod-issues.js';
import { evaluateSlo } from '../core/slo/evaluate.js';
import { copySince, lookbackMinutes } from '../core/slo/lookback.js';
import { createSeries, type MinuteSeries } from '../core/slo/minute-series.js';
import type { Slo } from '../core/slo/model.js';
import type { SloStatus } from '../core/slo/status.js';
import { EventLineReader, parseTimestamp, type BadLine } from '../schema/event-lines.js';
import { formatStatusTable } from './format-table.js';
import { ExitCode, type CliIo } from './io.js';

export type EvalFormat = 'json' | 'table';

export interface EvalOptions {
  readonly config: readonly string[];
  /** A file, or `-` for standard input. */
  readonly events: string;
  /** RFC 3339; default: the end of the latest event's minute. */
  readonly at: string | undefined;
  readonly format: EvalFormat;
  readonly strict: boolean;
  /** Only these SLOs; empty = all, in config order. */
  readonly slo: readonly string[];
}

/** Knobs for tests and the benchmark; the defaults are what people get. */
export interface EvalTuning {
  /** Files at least this large show progress on a terminal. */
  readonly progressMinBytes: number;
  readonly progressIntervalMs: number;
  readonly chunkBytes: number;
  readonly now: () => number;
}

const DEFAULT_TUNING: EvalTuning = {
  progressMinBytes: 50 * 1024 * 1024,
  progressIntervalMs: 250,
  chunkBytes: 1 << 20,
  now: () => performance.now(),
};

/** How many bad lines are shown with their reasons; the rest are counted. */
const SHOWN_BAD_LINES = 10;

const MINUTE_MS = 60_000;

export async function runEval(
  options: EvalOptions,
  io: CliIo,
  tuning: Partial<EvalTuning> = {},
): Promise<number> {
  const knobs = { ...DEFAULT_TUNING, ...tuning };
  const fail = (message: string): number => {
    io.stderr.write(`error: ${message}\n`);
    return ExitCode.usage;
  };

  let atMs: number | undefined;
  if (options.at !== undefined) {
    const parsed = parseTimestamp(options.at);
    if (!parsed.ok) return fail(`--at ${parsed.reason}`);
    atMs = parsed.ms;
  }

  const { model, issues } = await loadConfig(options.config, { cwd: io.cwd });
  for (const issue of issues) io.stderr.write(`${formatIssue(issue)}\n`);
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  if (errors > 0) {
    return fail(`the config has ${errors} error${errors === 1 ? '' : 's'}; nothing evaluated`);
  }

  const names = model.slos.map((slo) => slo.name);
  const lookup = new Map(names.map((name, index) => [name, index]));
  for (const name of options.slo) {
    if (!lookup.has(name)) {
      const suggestion = closest(name, names);
      const hint =
        suggestion === undefined
          ? `the config has: ${names.join(', ')}`
          : `did you mean "${suggestion}"?`;
      return fail(`--slo "${name}" is not an SLO in the config; ${hint}`);
    }
  }
  const wanted = new Set(options.slo);
  const selected = model.slos.filter((slo) => wanted.size === 0 || wanted.has(slo.name));
  const series: (RecentSeries | undefined)[] = model.slos.map((slo) =>
    wanted.size === 0 || wanted.has(slo.name) ? new RecentSeries(slo) : undefined,
  );

  const source = options.events === '-' ? 'stdin' : options.events;
  const fixedEnd = atMs === undefined ? undefined : Math.ceil(atMs / MINUTE_MS);
  const reader = new EventLineReader(
    lookup,
    (slo, minute, good, total) => {
      // Without --at the evaluation minute is not known until the end, but it is never
      // before the latest minute read so far.
      series[slo]?.add(minute, good, total, fixedEnd ?? reader.maxMinute + 1);
    },
    { keepBadLines: SHOWN_BAD_LINES, stopAtFirstBadLine: options.strict },
  );

  const input = await openEvents(options.events, io, knobs.chunkBytes);
  if (!input.ok) return fail(input.message);
  const progress = new Progress(io, source, input.size, knobs);
  try {
    for await (const chunk of input.stream as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      reader.push(bytes);
      if (reader.stopped) break;
      progress.update(bytes.length, reader.lineNumber);
    }
    reader.end();
  } catch (error) {
    return fail(`cannot read events from ${source}: ${describeError(error)}`);
  } finally {
    progress.clear();
    if (input.stream !== io.stdin) input.stream.destroy();
  }

  if (options.strict && reader.badLineCount > 0) {
    writeBadLines(io, source, reader.badLines, reader.badLineCount);
    return fail(`stopped at the first bad event line (--strict); nothing evaluated`);
  }
  if (reader.badLineCount > 0) {
    io.stderr.write(
      `warning: skipped ${reader.badLineCount} of ${reader.eventLines} event lines\n`,
    );
    writeBadLines(io, source, reader.badLines, reader.badLineCount);
  }

  if (atMs === undefined) {
    if (reader.maxMinute === Number.NEGATIVE_INFINITY) {
      return fail(
        `no events and no --at: give --at <time> to evaluate ${source} at a time of your choosing`,
      );
    }
    atMs = (reader.maxMinute + 1) * MINUTE_MS;
  }

  const evaluatedAt = atMs;
  const statuses: SloStatus[] = [];
  for (const slo of selected) {
    const recent = series[lookup.get(slo.name) ?? -1];
    if (recent !== undefined) statuses.push(evaluateSlo(slo, recent.series, evaluatedAt));
  }
  io.stdout.write(
    options.format === 'table'
      ? formatStatusTable(statuses)
      : `${JSON.stringify(statuses, null, 2)}\n`,
  );
  return ExitCode.ok;
}

/**
 * The series of one SLO, holding only what can still count at the evaluation time.
 *
 * The store keeps every minute from its first event to its last, so a file whose
 * timestamps lie years apart (a stray 1970 or 0001 from a zero value) would cost
 * gigabytes. Events at or after the evaluation minute's end, or before every window,
 * are dropped. And when the evaluation end moves so far on that most of what the series
 * holds can no longer count, the minutes that still can are copied into a fresh series:
 * rare, O(window) each time, and exact, since the store reads back per-minute counts.
 */
class RecentSeries {
  series: MinuteSeries;
  private readonly lookback: number;
  /** First and last minute added: at most `lookback` apart beyond the end's reach. */
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly slo: Slo) {
    this.series = createSeries(slo);
    this.lookback = lookbackMinutes(slo);
  }

  /** Adds the counts of `minute` unless they cannot count for an evaluation ending at `end`. */
  add(minute: number, good: number, total: number, end: number): void {
    const from = end - this.lookback;
    if (minute >= end || minute < from) return;
    if (from - this.first > this.lookback) this.dropBefore(from);
    this.series.add(minute, good, total);
    if (minute < this.first) this.first = minute;
    if (minute > this.last) this.last = minute;
  }

  private dropBefore(from: number): void {
    this.series = copySince(this.slo, this.series, from);
    const extent = this.series.extent();
    this.first = extent?.first ?? Number.POSITIVE_INFINITY;
    this.last = extent?.last ?? Number.NEGATIVE_INFINITY;
  }
}

function writeBadLines(io: CliIo, source: string, shown: readonly BadLine[], count: number): void {
  for (const bad of shown) io.stderr.write(`${source}:${bad.line}: ${bad.reason}\n`);
  if (count > shown.length) io.stderr.write(`… and ${count - shown.length} more\n`);
}

type OpenedEvents =
  | { readonly ok: true; readonly stream: Readable; readonly size: number | undefined }
  | { readonly ok: false; readonly message: string };

async function openEvents(file: string, io: CliIo, chunkBytes: number): Promise<OpenedEvents> {
  if (file === '-') return { ok: true, stream: io.stdin, size: undefined };
  const fullPath = path.resolve(io.cwd, file);
  try {
    const info = await stat(fullPath);
    if (info.isDirectory()) {
      return {
        ok: false,
        message: `--events ${file} is a directory; give an NDJSON file or - for stdin`,
      };
    }
    return {
      ok: true,
      stream: createReadStream(fullPath, { highWaterMark: chunkBytes }),
      size: info.size,
    };
  } catch (error) {
    return { ok: false, message: `cannot read events from ${file}: ${describeError(error)}` };
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

/** A one-line progress report on a terminal for big files: bytes read and lines per second. */
class Progress {
  private readonly enabled: boolean;
  private readonly startedMs: number;
  private lastShownMs: number;
  private bytesRead = 0;
  private shown = false;

  constructor(
    private readonly io: CliIo,
    private readonly source: string,
    private readonly size: number | undefined,
    private readonly tuning: EvalTuning,
  ) {
    this.enabled = io.stderrIsTerminal && size !== undefined && size >= tuning.progressMinBytes;
    this.startedMs = tuning.now();
    this.lastShownMs = this.startedMs;
  }

  update(chunkBytes: number, lines: number): void {
    if (!this.enabled || this.size === undefined) return;
    this.bytesRead += chunkBytes;
    const now = this.tuning.now();
    if (now - this.lastShownMs < this.tuning.progressIntervalMs) return;
    this.lastShownMs = now;
    const percent = this.size === 0 ? 100 : Math.min(100, (this.bytesRead / this.size) * 100);
    const seconds = Math.max(now - this.startedMs, 1) / 1000;
    const rate = lines / seconds;
    this.io.stderr.write(
      `\r\x1b[Kreading ${this.source}: ${percent.toFixed(0)}% of ${megabytes(this.size)}, ${formatRate(rate)} lines/s`,
    );
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.io.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(0)}k`;
  return perSecond.toFixed(0);
}
