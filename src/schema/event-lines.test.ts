import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysFromCivil,
  EventLineReader,
  isBlankLine,
  parseEventLine,
  parseTimestamp,
  type BadLine,
} from '../schema/event-lines.js';

const slos = new Map([
  ['checkout-availability', 0],
  ['payments-api-uptime', 1],
]);

const minuteOf = (iso: string): number => Date.parse(iso) / 60_000;

describe('parseEventLine', () => {
  const accepted: [string, string, { slo: number; minute: number; good: number; total: number }][] =
    [
      [
        'the canonical shape',
        '{"ts":"2026-11-01T10:00:00Z","slo":"checkout-availability","good":12,"total":13}',
        { slo: 0, minute: minuteOf('2026-11-01T10:00:00Z'), good: 12, total: 13 },
      ],
      [
        'bad instead of good',
        '{"ts":"2026-11-01T10:00:00Z","slo":"payments-api-uptime","bad":1,"total":13}',
        { slo: 1, minute: minuteOf('2026-11-01T10:00:00Z'), good: 12, total: 13 },
      ],
      [
        'seconds within the minute',
        '{"ts":"2026-11-01T10:00:59Z","slo":"checkout-availability","good":0,"total":0}',
        { slo: 0, minute: minuteOf('2026-11-01T10:00:00Z'), good: 0, total: 0 },
      ],
      [
        'fractional seconds',
        '{"ts":"2026-11-01T10:07:59.999999Z","slo":"checkout-availability","good":1,"total":1}',
        { slo: 0, minute: minuteOf('2026-11-01T10:07:00Z'), good: 1, total: 1 },
      ],
      [
        'a positive offset',
        '{"ts":"2026-11-01T11:30:00+01:00","slo":"checkout-availability","good":1,"total":2}',
        { slo: 0, minute: minuteOf('2026-11-01T10:30:00Z'), good: 1, total: 2 },
      ],
      [
        'a negative offset crossing midnight',
        '{"ts":"2026-10-31T23:15:00-05:30","slo":"checkout-availability","good":1,"total":2}',
        { slo: 0, minute: minuteOf('2026-11-01T04:45:00Z'), good: 1, total: 2 },
      ],
      [
        'lower-case t and z',
        '{"ts":"2026-11-01t10:00:00z","slo":"checkout-availability","good":1,"total":2}',
        { slo: 0, minute: minuteOf('2026-11-01T10:00:00Z'), good: 1, total: 2 },
      ],
      [
        'a leap second, in the minute it ends',
        '{"ts":"2016-12-31T23:59:60Z","slo":"checkout-availability","good":1,"total":1}',
        { slo: 0, minute: minuteOf('2016-12-31T23:59:00Z'), good: 1, total: 1 },
      ],
      [
        'another key order and spaces',
        ' { "total": 5, "good": 5, "slo": "checkout-availability", "ts": "2026-11-01T10:00:00Z" } ',
        { slo: 0, minute: minuteOf('2026-11-01T10:00:00Z'), good: 5, total: 5 },
      ],
      [
        'escaped characters in the name',
        '{"ts":"2026-11-01T10:00:00Z","slo":"checkout\\u002davailability","good":1,"total":1}',
        { slo: 0, minute: minuteOf('2026-11-01T10:00:00Z'), good: 1, total: 1 },
      ],
      [
        'integers written as 1.0 or 1e3',
        '{"ts":"2026-11-01T10:00:00Z","slo":"checkout-availability","good":1.0,"total":1e3}',
        { slo: 0, minute: minuteOf('2026-11-01T10:00:00Z'), good: 1, total: 1000 },
      ],
      [
        'the largest safe integer',
        '{"ts":"2026-11-01T10:00:00Z","slo":"checkout-availability","good":9007199254740991,"total":9007199254740991}',
        {
          slo: 0,
          minute: minuteOf('2026-11-01T10:00:00Z'),
          good: Number.MAX_SAFE_INTEGER,
          total: Number.MAX_SAFE_INTEGER,
        },
      ],
      [
        'a leap day',
        '{"ts":"2028-02-29T00:00:00Z","slo":"checkout-availability","good":1,"total":1}',
        { slo: 0, minute: minuteOf('2028-02-29T00:00:00Z'), good: 1, total: 1 },
      ],
      [
        'a year before 100, not read as 19xx',
        '{"ts":"0099-01-01T00:00:00Z","slo":"checkout-availability","good":1,"total":1}',
        { slo: 0, minute: utcMinuteOfYearStart(99), good: 1, total: 1 },
      ],
    ];

  it('accepts names beyond ASCII, as written or escaped', () => {
    const lookup = new Map([['café-availability', 3]]);
    const expected = {
      ok: true,
      event: { slo: 3, minute: minuteOf('2026-11-01T10:00:00Z'), good: 1, total: 2 },
    };
    expect(
      parseEventLine(
        '{"ts":"2026-11-01T10:00:00Z","slo":"café-availability","good":1,"total":2}',
        lookup,
      ),
    ).toEqual(expected);
    expect(
      parseEventLine(
        '{"ts":"2026-11-01T10:00:00Z","slo":"caf\\u00e9-availability","good":1,"total":2}',
        lookup,
      ),
    ).toEqual(expected);
  });

  it.each(accepted)('accepts %s', (_name, line, expected) => {
    expect(parseEventLine(line, slos)).toEqual({ ok: true, event: expected });
  });

  const ts = '"ts":"2026-11-01T10:00:00Z"';
  const slo = '"slo":"checkout-availability"';
  const rejected: [string, string, string | RegExp][] = [
    ['bad JSON', '{"ts":', 'not valid JSON (expected one JSON object per line)'],
    ['a trailing comma', `{${ts},${slo},"good":1,"total":1,}`, /^not valid JSON/],
    ['an array', '[1,2]', 'expected a JSON object, got an array'],
    ['a number', '42', 'expected a JSON object, got 42'],
    ['null', 'null', 'expected a JSON object, got null'],
    [
      'extra nesting',
      `{"event":{${ts},${slo},"good":1,"total":1}}`,
      'unknown field "event" (expected ts, slo, good or bad, total)',
    ],
    ['an unknown field', `{${ts},${slo},"good":1,"total":1,"x":0}`, /^unknown field "x"/],
    ['no ts', `{${slo},"good":1,"total":1}`, 'missing "ts"'],
    [
      'a numeric ts',
      `{"ts":1762000000,${slo},"good":1,"total":1}`,
      '"ts" must be a string, got 1762000000',
    ],
    [
      'a ts without a zone',
      `{"ts":"2026-11-01T10:00:00",${slo},"good":1,"total":1}`,
      /^"ts" is not an RFC 3339 timestamp with a time zone, .*: "2026-11-01T10:00:00"$/,
    ],
    ['a date only', `{"ts":"2026-11-01",${slo},"good":1,"total":1}`, /^"ts" is not an RFC 3339/],
    [
      'a space for T',
      `{"ts":"2026-11-01 10:00:00Z",${slo},"good":1,"total":1}`,
      /^"ts" is not an RFC 3339/,
    ],
    [
      'an offset without colon',
      `{"ts":"2026-11-01T10:00:00+0100",${slo},"good":1,"total":1}`,
      /^"ts" is not an RFC 3339/,
    ],
    [
      'a dot without digits',
      `{"ts":"2026-11-01T10:00:00.Z",${slo},"good":1,"total":1}`,
      /^"ts" is not an RFC 3339/,
    ],
    [
      'seconds omitted',
      `{"ts":"2026-11-01T10:00Z",${slo},"good":1,"total":1}`,
      /^"ts" is not an RFC 3339/,
    ],
    [
      '30 February',
      `{"ts":"2026-02-30T10:00:00Z",${slo},"good":1,"total":1}`,
      '"ts" has a date that does not exist: "2026-02-30T10:00:00Z"',
    ],
    [
      '29 February of a common year',
      `{"ts":"2100-02-29T10:00:00Z",${slo},"good":1,"total":1}`,
      /^"ts" has a date that does not exist/,
    ],
    [
      'month 13',
      `{"ts":"2026-13-01T10:00:00Z",${slo},"good":1,"total":1}`,
      /^"ts" has a date that does not exist/,
    ],
    [
      'day 0',
      `{"ts":"2026-01-00T10:00:00Z",${slo},"good":1,"total":1}`,
      /^"ts" has a date that does not exist/,
    ],
    [
      'hour 24',
      `{"ts":"2026-11-01T24:00:00Z",${slo},"good":1,"total":1}`,
      '"ts" has a time of day that does not exist: "2026-11-01T24:00:00Z"',
    ],
    [
      'second 61',
      `{"ts":"2026-11-01T10:00:61Z",${slo},"good":1,"total":1}`,
      /^"ts" has a time of day/,
    ],
    [
      'offset hour 24',
      `{"ts":"2026-11-01T10:00:00+24:00",${slo},"good":1,"total":1}`,
      '"ts" has an offset that does not exist: "2026-11-01T10:00:00+24:00"',
    ],
    ['no slo', `{${ts},"good":1,"total":1}`, 'missing "slo"'],
    ['a numeric slo', `{${ts},"slo":7,"good":1,"total":1}`, '"slo" must be a string, got 7'],
    [
      'an unknown SLO',
      `{${ts},"slo":"checkout","good":1,"total":1}`,
      'unknown SLO "checkout": no SLO of that name in the config',
    ],
    [
      'both good and bad',
      `{${ts},${slo},"good":1,"bad":0,"total":1}`,
      'give either "good" or "bad", not both',
    ],
    ['neither good nor bad', `{${ts},${slo},"total":1}`, 'missing "good" (or "bad")'],
    [
      'a negative count',
      `{${ts},${slo},"good":-1,"total":1}`,
      '"good" must be a non-negative integer, got -1',
    ],
    [
      'a fractional count',
      `{${ts},${slo},"bad":0.5,"total":1}`,
      '"bad" must be a non-negative integer, got 0.5',
    ],
    [
      'a count as a string',
      `{${ts},${slo},"good":"1","total":1}`,
      '"good" must be a non-negative integer, got "1"',
    ],
    [
      'a null count',
      `{${ts},${slo},"good":null,"total":1}`,
      '"good" must be a non-negative integer, got null',
    ],
    [
      'a count beyond 2^53',
      `{${ts},${slo},"good":1,"total":9007199254740993}`,
      '"total" must be a non-negative integer, got 9007199254740992',
    ],
    [
      'a nested count',
      `{${ts},${slo},"good":{"n":1},"total":1}`,
      '"good" must be a non-negative integer, got {"n":1}',
    ],
    ['no total', `{${ts},${slo},"good":1}`, 'missing "total"'],
    ['a leading zero', `{${ts},${slo},"good":01,"total":1}`, /^not valid JSON/],
    [
      'good above total',
      `{${ts},${slo},"good":14,"total":13}`,
      '"good" (14) is greater than "total" (13)',
    ],
    [
      'bad above total',
      `{${ts},${slo},"bad":14,"total":13}`,
      '"bad" (14) is greater than "total" (13)',
    ],
    [
      'a long value, shortened',
      `{"ts":"${'x'.repeat(100)}",${slo},"good":1,"total":1}`,
      `"ts" is not an RFC 3339 timestamp with a time zone, such as 2026-11-01T10:00:00Z or 2026-11-01T11:00:00+01:00: "${'x'.repeat(36)}...`,
    ],
  ];

  it.each(rejected)('rejects %s with its reason', (_name, line, reason) => {
    const result = parseEventLine(line, slos);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      if (typeof reason === 'string') expect(result.reason).toBe(reason);
      else expect(result.reason).toMatch(reason);
    }
  });

  it('round-trips any valid event written in the canonical shape', () => {
    const names = [...slos.keys()];
    fc.assert(
      fc.property(
        fc.integer({
          min: daysFromCivil(0, 1, 1) * 1440,
          max: daysFromCivil(9999, 12, 31) * 1440 + 1439,
        }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom(...names),
        fc.boolean(),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (minute, second, millis, name, useBad, a, b) => {
          const [count, total] = a <= b ? [a, b] : [b, a];
          const iso = isoOfMinute(minute, second, millis);
          const line = JSON.stringify({
            ts: iso,
            slo: name,
            [useBad ? 'bad' : 'good']: count,
            total,
          });
          const expected = {
            ok: true,
            event: { slo: slos.get(name), minute, good: useBad ? total - count : count, total },
          };
          expect(parseEventLine(line, slos)).toEqual(expected);
          // A leading space takes the general path: both paths must agree.
          expect(parseEventLine(` ${line}`, slos)).toEqual(expected);
        },
      ),
    );
  });

  it('reads any offset to the same minute as Date.parse', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2200-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (date, offset) => {
          const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 23);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const zone = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
          const text = `${local}${zone}`;
          expect(parseTimestamp(text)).toEqual({ ok: true, ms: date.getTime() });
          expect(Date.parse(text)).toBe(date.getTime());
        },
      ),
    );
  });
});

describe('parseTimestamp', () => {
  it('truncates fractions beyond the millisecond', () => {
    expect(parseTimestamp('2026-11-01T10:00:00.1239Z')).toEqual({
      ok: true,
      ms: Date.parse('2026-11-01T10:00:00.123Z'),
    });
  });

  it('reads -00:00 as UTC', () => {
    expect(parseTimestamp('2026-11-01T10:00:00-00:00')).toEqual({
      ok: true,
      ms: Date.parse('2026-11-01T10:00:00Z'),
    });
  });
});

describe('isBlankLine', () => {
  it.each([[''], [' '], ['\t \r'], ['\r']])('treats %j as blank', (line) => {
    expect(isBlankLine(line)).toBe(true);
  });

  it.each([['{}'], [' x'], ['\r{']])('treats %j as not blank', (line) => {
    expect(isBlankLine(line)).toBe(false);
  });
});

describe('EventLineReader', () => {
  const good = (minute: string, n: number): string =>
    `{"ts":"${minute}","slo":"checkout-availability","good":${n},"total":${n}}`;

  function readAll(
    chunks: (string | Buffer)[],
    options: ConstructorParameters<typeof EventLineReader>[2] = {},
  ): { events: number[][]; reader: EventLineReader } {
    const events: number[][] = [];
    const reader = new EventLineReader(
      slos,
      (sloIndex, minute, goodCount, total) => events.push([sloIndex, minute, goodCount, total]),
      options,
    );
    for (const chunk of chunks) reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    reader.end();
    return { events, reader };
  }

  it('reads lines split anywhere across chunks, with or without a final line break', () => {
    const text = [
      good('2026-11-01T10:00:00Z', 1),
      '',
      good('2026-11-01T10:01:00Z', 2),
      '   ',
      good('2026-11-01T10:02:00+00:00', 3),
    ].join('\n');
    const expected = readAll([text]).events;
    expect(expected).toHaveLength(3);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 8 }),
        fc.boolean(),
        (cuts, finalBreak) => {
          const full = finalBreak ? `${text}\n` : text;
          const sorted = [...cuts].sort((a, b) => a - b);
          const bytes = Buffer.from(full);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const cut of [...sorted, bytes.length]) {
            chunks.push(bytes.subarray(from, cut));
            from = cut;
          }
          const { events, reader } = readAll(chunks);
          expect(events).toEqual(expected);
          expect(reader.eventLines).toBe(3);
          expect(reader.badLineCount).toBe(0);
        },
      ),
    );
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const line = '{"ts":"2026-11-01T10:00:00Z","slo":"checkout-availabilité","good":1,"total":1}\n';
    const bytes = Buffer.from(line);
    const split = bytes.indexOf(0xc3) + 1;
    const { reader } = readAll([bytes.subarray(0, split), bytes.subarray(split)]);
    expect(reader.badLines).toEqual([
      { line: 1, reason: 'unknown SLO "checkout-availabilité": no SLO of that name in the config' },
    ]);
  });

  it('numbers bad lines counting blank lines and accepts CRLF and a byte order mark', () => {
    const { events, reader } = readAll([
      `\uFEFF${good('2026-11-01T10:00:00Z', 1)}\r\n\r\nnope\r\n${good('2026-11-01T10:05:00Z', 1)}\r\n{}\r\n`,
    ]);
    expect(events).toHaveLength(2);
    expect(reader.badLines).toEqual<BadLine[]>([
      { line: 3, reason: 'not valid JSON (expected one JSON object per line)' },
      { line: 5, reason: 'missing "ts"' },
    ]);
    expect(reader.eventLines).toBe(4);
    expect(reader.lineNumber).toBe(5);
    expect(reader.maxMinute).toBe(minuteOf('2026-11-01T10:05:00Z'));
  });

  it('counts every bad line but keeps only the first ones', () => {
    const { reader } = readAll(['x\n'.repeat(25)], { keepBadLines: 10 });
    expect(reader.badLineCount).toBe(25);
    expect(reader.badLines.map((bad) => bad.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('stops at the first bad line when asked to', () => {
    const { events, reader } = readAll(
      [`${good('2026-11-01T10:00:00Z', 1)}\nx\n${good('2026-11-01T10:01:00Z', 1)}\n`, 'y\n'],
      { stopAtFirstBadLine: true },
    );
    expect(events).toHaveLength(1);
    expect(reader.stopped).toBe(true);
    expect(reader.badLineCount).toBe(1);
    expect(reader.badLines).toEqual([
      { line: 2, reason: 'not valid JSON (expected one JSON object per line)' },
    ]);
  });

  it('rejects a line longer than the limit without holding it in memory, then reads on', () => {
    const { events, reader } = readAll(
      ['x'.repeat(50), 'x'.repeat(50), 'x'.repeat(50), `\n${good('2026-11-01T10:00:00Z', 1)}\n`],
      { maxLineBytes: 120 },
    );
    expect(reader.badLines).toEqual([
      { line: 1, reason: 'line is longer than 120 bytes; is this an NDJSON file?' },
    ]);
    expect(events).toEqual([[0, minuteOf('2026-11-01T10:00:00Z'), 1, 1]]);
    expect(reader.lineNumber).toBe(2);
  });

  it('reports no latest minute when no line is valid', () => {
    const { reader } = readAll(['\n\n']);
    expect(reader.maxMinute).toBe(Number.NEGATIVE_INFINITY);
    expect(reader.eventLines).toBe(0);
  });
});

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isoOfMinute(minute: number, second: number, millis: number): string {
  // Built by hand: toISOString writes years before 1000 and after 9999 its own way.
  const ms = minute * 60_000 + second * 1000 + millis;
  const d = new Date(ms);
  const text = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return millis % 3 === 0 ? `${text}Z` : `${text}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

function utcMinuteOfYearStart(year: number): number {
  // setUTCFullYear, unlike Date.UTC, takes years below 100 literally.
  const date = new Date(0);
  date.setUTCFullYear(year, 0, 1);
  return date.getTime() / 60_000;
}
