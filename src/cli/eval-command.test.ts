import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SloStatus } from '../core/slo/status.js';
import { runEval, type EvalOptions } from './eval-command.js';
import { captureIo } from './captured-io.js';
import { main } from './main.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = 'examples/config';
/** In config order: the files of examples/config/slos/ are read by name. */
const ALL_SLOS = [
  'recommendations-availability',
  'checkout-availability',
  'checkout-latency',
  'payments-api-availability',
  'payments-api-uptime',
];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'headroom-eval-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fakeIo = captureIo;

/** Writes an events file into the temp dir; returns its path relative to the repo root. */
async function eventsFile(name: string, lines: readonly string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, lines.map((line) => `${line}\n`).join(''));
  return path.relative(root, file);
}

function line(ts: string, slo: string, good: number, total: number): string {
  return JSON.stringify({ ts, slo, good, total });
}

async function run(args: string[], options: Parameters<typeof fakeIo>[0] = {}) {
  const captured = fakeIo(options);
  const code = await main(args, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function statusesOf(stdout: string): SloStatus[] {
  return JSON.parse(stdout) as SloStatus[];
}

describe('headroom eval', () => {
  it('prints one status per SLO in config order, evaluated at the end of the latest minute', async () => {
    const events = await eventsFile('basic.ndjson', [
      line('2026-10-31T23:57:00Z', 'checkout-availability', 999, 1000),
      line('2026-10-31T23:58:10Z', 'checkout-availability', 998, 1000),
      line('2026-10-31T23:59:59.999Z', 'checkout-availability', 1000, 1000),
    ]);
    const result = await run(['eval', '--config', CONFIG, '--events', events]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const statuses = statusesOf(result.stdout);
    expect(statuses.map((status) => status.slo)).toEqual(ALL_SLOS);
    const [, checkout, latency] = statuses;
    expect(checkout?.at).toBe('2026-11-01T00:00:00.000Z');
    expect(checkout?.events).toEqual({ good: 2997, bad: 3, total: 3000 });
    expect(checkout?.sli).toBe(0.999);
    expect(latency?.sli).toBeNull();
    // Pretty-printed with two spaces, one newline at the end.
    expect(result.stdout).toBe(`${JSON.stringify(statuses, null, 2)}\n`);
  });

  it('reads bad counts as well as good ones', async () => {
    const events = await eventsFile('bad-counts.ndjson', [
      '{"ts":"2026-10-31T10:00:00Z","slo":"payments-api-availability","bad":3,"total":1000}',
      '{"ts":"2026-10-31T10:01:00+01:00","slo":"payments-api-availability","good":1000,"total":1000}',
    ]);
    const result = await run([
      'eval',
      '-c',
      CONFIG,
      '-e',
      events,
      '--slo',
      'payments-api-availability',
    ]);
    expect(result.code).toBe(0);
    const [status] = statusesOf(result.stdout);
    expect(status?.events).toEqual({ good: 1997, bad: 3, total: 2000 });
    expect(status?.at).toBe('2026-10-31T10:01:00.000Z');
  });

  it('evaluates only the SLOs named with --slo, in config order', async () => {
    const events = await eventsFile('some.ndjson', [
      line('2026-10-31T10:00:00Z', 'checkout-latency', 10, 10),
    ]);
    const result = await run([
      'eval',
      '-c',
      CONFIG,
      '-e',
      events,
      '--slo',
      'recommendations-availability',
      '--slo',
      'checkout-latency',
    ]);
    expect(result.code).toBe(0);
    expect(statusesOf(result.stdout).map((status) => status.slo)).toEqual([
      'recommendations-availability',
      'checkout-latency',
    ]);
  });

  it('rejects an --slo that is not in the config, suggesting the nearest name', async () => {
    const events = await eventsFile('one.ndjson', [
      line('2026-10-31T10:00:00Z', 'checkout-latency', 10, 10),
    ]);
    const result = await run(['eval', '-c', CONFIG, '-e', events, '--slo', 'checkout-latncy']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: --slo "checkout-latncy" is not an SLO in the config; did you mean "checkout-latency"?\n',
    });
  });

  it('evaluates at --at, counting only the minutes before it', async () => {
    const events = await eventsFile('at.ndjson', [
      line('2026-10-31T09:59:00Z', 'checkout-availability', 90, 100),
      line('2026-10-31T10:00:00Z', 'checkout-availability', 100, 100),
      line('2026-10-31T10:01:00Z', 'checkout-availability', 0, 100),
    ]);
    const result = await run([
      'eval',
      '-c',
      CONFIG,
      '-e',
      events,
      '--at',
      '2026-10-31T11:00:30+01:00',
      '--slo',
      'checkout-availability',
    ]);
    expect(result.code).toBe(0);
    const [status] = statusesOf(result.stdout);
    expect(status?.at).toBe('2026-10-31T10:00:30.000Z');
    // The minute that contains --at counts in full, the next one does not.
    expect(status?.events).toEqual({ good: 190, bad: 10, total: 200 });
  });

  it('ignores events far outside every window, with the same result as without them', async () => {
    const recent = [
      line('2026-10-31T10:00:00Z', 'checkout-availability', 90, 100),
      line('2026-10-31T10:01:00Z', 'checkout-availability', 100, 100),
    ];
    const plain = await eventsFile('recent.ndjson', recent);
    const withAncient = await eventsFile('ancient.ndjson', [
      line('0001-01-01T00:00:00Z', 'checkout-availability', 0, 100),
      ...recent,
      line('1990-01-01T00:00:00Z', 'checkout-availability', 0, 100),
    ]);
    const expected = await run(['eval', '-c', CONFIG, '-e', plain]);
    const result = await run(['eval', '-c', CONFIG, '-e', withAncient]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(expected.stdout);
  });

  it('keeps exactly the events that can count, in any order, however long the history', async () => {
    const endMs = Date.UTC(2026, 10, 1);
    const all: { minute: number; text: string }[] = [];
    let seed = 7;
    const random = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    // 200 days of events every 37 minutes, for an occurrence and a timeslice SLO.
    for (let minute = endMs / 60_000 - 200 * 1440; minute < endMs / 60_000; minute += 37) {
      for (const slo of ['checkout-availability', 'payments-api-uptime']) {
        const total = 1 + Math.floor(random() * 60);
        const good = total - (random() < 0.2 ? Math.ceil(random() * total) : 0);
        all.push({ minute, text: line(new Date(minute * 60_000).toISOString(), slo, good, total) });
      }
    }
    // Mostly in order, with a tenth of the lines moved far away.
    const shuffled = all.map((event) => ({
      ...event,
      key: event.minute + (random() < 0.1 ? (random() - 0.5) * 400 * 1440 : 0),
    }));
    shuffled.sort((a, b) => a.key - b.key);
    const recentFrom = endMs / 60_000 - 32 * 1440;
    const everything = await eventsFile(
      'history.ndjson',
      shuffled.map((event) => event.text),
    );
    const recentOnly = await eventsFile(
      'history-recent.ndjson',
      all.filter((event) => event.minute >= recentFrom).map((event) => event.text),
    );
    const args = [
      '--slo',
      'checkout-availability',
      '--slo',
      'payments-api-uptime',
      '--at',
      '2026-11-01T00:00:00Z',
    ];
    const expected = await run(['eval', '-c', CONFIG, '-e', recentOnly, ...args]);
    expect(expected.code).toBe(0);
    expect((await run(['eval', '-c', CONFIG, '-e', everything, ...args])).stdout).toBe(
      expected.stdout,
    );
    // Without --at, the evaluation time is found at the end; the result is the same.
    const noAt = args.slice(0, 4);
    expect((await run(['eval', '-c', CONFIG, '-e', everything, ...noAt])).stdout).toBe(
      (await run(['eval', '-c', CONFIG, '-e', recentOnly, ...noAt])).stdout,
    );
  });

  it('skips bad lines with one warning that names each line and why', async () => {
    const events = await eventsFile('events.ndjson', [
      line('2026-10-31T10:00:00Z', 'checkout-availability', 10, 10),
      '{"ts":"2026-10-31T10:00:00Z","slo":"checkout-availability","good":11,"total":10}',
      '',
      'not json',
      line('2026-10-31T10:01:00Z', 'nope', 1, 1),
      line('2026-10-31T10:02:00Z', 'checkout-availability', 10, 10),
    ]);
    const result = await run([
      'eval',
      '-c',
      CONFIG,
      '-e',
      events,
      '--slo',
      'checkout-availability',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [
        'warning: skipped 3 of 5 event lines',
        `${events}:2: "good" (11) is greater than "total" (10)`,
        `${events}:4: not valid JSON (expected one JSON object per line)`,
        `${events}:5: unknown SLO "nope": no SLO of that name in the config`,
        '',
      ].join('\n'),
    );
    const [status] = statusesOf(result.stdout);
    expect(status?.events?.total).toBe(20);
  });

  it('shows the first ten bad lines and counts the rest', async () => {
    const events = await eventsFile('many-bad.ndjson', [
      line('2026-10-31T10:00:00Z', 'checkout-availability', 10, 10),
      ...Array.from({ length: 13 }, () => '{}'),
    ]);
    const result = await run(['eval', '-c', CONFIG, '-e', events]);
    expect(result.code).toBe(0);
    const warning = result.stderr.split('\n');
    expect(warning[0]).toBe('warning: skipped 13 of 14 event lines');
    expect(warning.slice(1, 11)).toEqual(
      Array.from({ length: 10 }, (_, index) => `${events}:${index + 2}: missing "ts"`),
    );
    expect(warning.slice(11)).toEqual(['… and 3 more', '']);
  });

  it('stops at the first bad line with --strict, prints it and exits 2', async () => {
    const events = await eventsFile('strict.ndjson', [
      line('2026-10-31T10:00:00Z', 'checkout-availability', 10, 10),
      '{"ts":"2026-10-31T10:00:00","slo":"checkout-availability","good":1,"total":1}',
      '{}',
    ]);
    const result = await run(['eval', '-c', CONFIG, '-e', events, '--strict']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `${events}:2: "ts" is not an RFC 3339 timestamp with a time zone, such as 2026-11-01T10:00:00Z or 2026-11-01T11:00:00+01:00: "2026-10-31T10:00:00"`,
        'error: stopped at the first bad event line (--strict); nothing evaluated',
        '',
      ].join('\n'),
    );
  });

  it('reads events from stdin with -', async () => {
    const result = await run(['eval', '-c', CONFIG, '-e', '-', '--slo', 'checkout-latency'], {
      stdin: `${line('2026-10-31T10:00:00Z', 'checkout-latency', 99, 100)}\nbroken\n`,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'warning: skipped 1 of 2 event lines\nstdin:2: not valid JSON (expected one JSON object per line)\n',
    );
    expect(statusesOf(result.stdout)[0]?.events?.total).toBe(100);
  });

  it('refuses to guess a time when there are no events and no --at', async () => {
    const events = await eventsFile('empty.ndjson', ['', '  ']);
    const result = await run(['eval', '-c', CONFIG, '-e', events]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: no events and no --at: give --at <time> to evaluate ${events} at a time of your choosing\n`,
    );
  });

  it('evaluates an empty file at --at, with no SLI where there is no traffic', async () => {
    const events = await eventsFile('empty-at.ndjson', []);
    const result = await run(['eval', '-c', CONFIG, '-e', events, '--at', '2026-11-01T00:00:00Z']);
    expect(result.code).toBe(0);
    const statuses = statusesOf(result.stdout);
    expect(statuses).toHaveLength(5);
    expect(statuses.every((status) => status.sli === null)).toBe(true);
  });

  it('rejects an --at that is not RFC 3339', async () => {
    const result = await run(['eval', '-c', CONFIG, '-e', 'x.ndjson', '--at', 'yesterday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --at is not an RFC 3339 timestamp with a time zone/);
  });

  it('names an events file it cannot read', async () => {
    const missing = await run(['eval', '-c', CONFIG, '-e', 'no/such/events.ndjson']);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: cannot read events from no/such/events.ndjson: no such file\n',
    });
    const directory = await run(['eval', '-c', CONFIG, '-e', 'examples']);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toBe(
      'error: --events examples is a directory; give an NDJSON file or - for stdin\n',
    );
  });

  it('prints config errors and exits 2 without reading events', async () => {
    const config = path.join(dir, 'broken.yaml');
    await writeFile(config, 'apiVersion: headroom/v1\nkind: SLO\nmetadata: {}\n');
    const result = await run(['eval', '-c', path.relative(root, config), '-e', '-']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^error: the config has \d+ errors?; nothing evaluated$/);
    expect(lines[0]).toMatch(/broken\.yaml:\d+:\d+: error: /);
  });

  it('prints a table for people with --format table', async () => {
    const events = await eventsFile('table.ndjson', [
      line('2026-10-31T23:59:00Z', 'checkout-availability', 999, 1000),
    ]);
    const result = await run(['eval', '-c', CONFIG, '-e', events, '--format', 'table']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+SLO\s+SERVICE\s+OBJECTIVE\s+SLI\s+BUDGET LEFT\s+BURN 1H/);
    expect(lines[2]).toMatch(/^\s+checkout-availability\s+checkout\s+99\.9%\s+99\.900%/);
    expect(lines).toHaveLength(5 + 1 + 3);
    expect(result.stdout).toContain('evaluated at 2026-11-01T00:00:00.000Z');
  });

  it('takes several --config paths', async () => {
    const events = await eventsFile('multi.ndjson', [
      line('2026-10-31T23:59:00Z', 'checkout-availability', 999, 1000),
    ]);
    const result = await run([
      'eval',
      '--config',
      'examples/config/services.yaml',
      '--config',
      'examples/config/slos',
      '--events',
      events,
    ]);
    expect(result.code).toBe(0);
    expect(statusesOf(result.stdout)).toHaveLength(5);
  });
});

describe('runEval progress', () => {
  const options: EvalOptions = {
    config: [CONFIG],
    events: '',
    at: undefined,
    format: 'json',
    strict: false,
    slo: [],
  };

  async function withProgress(terminal: boolean) {
    const lines = Array.from({ length: 2000 }, (_, index) =>
      line(
        new Date(Date.UTC(2026, 9, 30) + index * 60_000).toISOString(),
        'checkout-latency',
        9,
        9,
      ),
    );
    const events = await eventsFile(`progress-${terminal}.ndjson`, lines);
    const captured = fakeIo({ terminal });
    let clock = 0;
    const code = await runEval({ ...options, events }, captured.io, {
      progressMinBytes: 0,
      progressIntervalMs: 250,
      chunkBytes: 16 * 1024,
      now: () => (clock += 100),
    });
    return { code, stderr: captured.stderr(), events };
  }

  it('shows bytes read and lines per second on a terminal, then clears the line', async () => {
    const { code, stderr, events } = await withProgress(true);
    expect(code).toBe(0);
    const updates = stderr.split('\r\x1b[K').filter((part) => part !== '');
    expect(updates.length).toBeGreaterThan(1);
    expect(updates[0]).toMatch(
      new RegExp(`^reading ${events}: \\d+% of 0 MB, [\\d.]+[kM]? lines/s$`),
    );
    // Throttled: the fake clock ticks 100 ms a chunk and the interval is 250 ms.
    expect(updates.length).toBeLessThan(12);
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it('writes nothing extra when stderr is not a terminal', async () => {
    const { code, stderr } = await withProgress(false);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
