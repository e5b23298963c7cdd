import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a64, labelFingerprint } from './hash.js';
import {
  GO_ZERO_TIME_MS,
  alertIdentity,
  isHttpUrl,
  moreSevere,
  parseInstant,
  severityFromText,
} from './incoming-alert.js';

describe('FNV-1a 64', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('hashes the UTF-8 bytes, so non-ASCII text is stable across platforms', () => {
    expect(fnv1a64('é')).toBe(fnv1a64('\u00e9'));
    expect(fnv1a64('é')).not.toBe(fnv1a64('e\u0301'));
    expect(fnv1a64('🚨')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('label fingerprints', () => {
  it("equal Prometheus' LabelSet.Fingerprint (prometheus/common model/signature_test.go)", () => {
    expect(labelFingerprint({})).toBe('cbf29ce484222325');
    // 5799056148416392346 in Prometheus' test, printed as Alertmanager prints it (%016x).
    expect(labelFingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe(
      5799056148416392346n.toString(16).padStart(16, '0'),
    );
  });

  it('does not depend on the order labels arrive in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (labels) => {
        const reversed = Object.fromEntries(Object.entries(labels).reverse());
        expect(labelFingerprint(reversed)).toBe(labelFingerprint(labels));
      }),
    );
  });

  it('tells apart label sets that only differ in where a name ends and a value begins', () => {
    expect(labelFingerprint({ ab: 'c' })).not.toBe(labelFingerprint({ a: 'bc' }));
    expect(labelFingerprint({ a: 'b', c: '' })).not.toBe(labelFingerprint({ a: 'b' }));
  });
});

describe('instants on the wire', () => {
  it('reads RFC 3339 as Alertmanager writes it, to the millisecond', () => {
    expect(parseInstant('2026-11-22T04:30:33.062Z')).toBe(Date.UTC(2026, 10, 22, 4, 30, 33, 62));
    expect(parseInstant('2026-11-22T04:30:33.062123456Z')).toBe(
      Date.UTC(2026, 10, 22, 4, 30, 33, 62),
    );
    expect(parseInstant('2026-11-22T05:30:33+01:00')).toBe(Date.UTC(2026, 10, 22, 4, 30, 33));
  });

  it("reads PagerDuty's own example offset without a colon", () => {
    expect(parseInstant('2015-07-17T08:42:58.315+0000')).toBe(
      Date.UTC(2015, 6, 17, 8, 42, 58, 315),
    );
  });

  it("reads Go's zero time, which Alertmanager sends as the end of a firing alert", () => {
    expect(GO_ZERO_TIME_MS).toBe(-62135596800000);
    expect(parseInstant('0001-01-01T00:00:00Z')).toBe(GO_ZERO_TIME_MS);
  });

  it('refuses instants without a zone and dates that do not exist', () => {
    for (const text of [
      '2026-11-22T04:30:33',
      '2026-11-22',
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-22T24:00:00Z',
      '2026-11-22T04:30:33+24:00',
      'yesterday',
      '',
    ]) {
      expect(parseInstant(text), text).toBeUndefined();
    }
  });

  it('agrees with Date for every millisecond instant it is given in UTC', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          expect(parseInstant(date.toISOString())).toBe(date.getTime());
        },
      ),
    );
  });
});

describe('severity words', () => {
  it('maps the words monitoring tools use onto the four levels', () => {
    expect(severityFromText('critical')).toBe('critical');
    expect(severityFromText(' Page ')).toBe('critical');
    expect(severityFromText('P1')).toBe('critical');
    expect(severityFromText('SEV2')).toBe('error');
    expect(severityFromText('warn')).toBe('warning');
    expect(severityFromText('ticket')).toBe('warning');
    expect(severityFromText('informational')).toBe('info');
  });

  it('knows no severity for other words, nor for names of Object.prototype', () => {
    expect(severityFromText('critcal')).toBeUndefined();
    expect(severityFromText('toString')).toBeUndefined();
    expect(severityFromText('__proto__')).toBeUndefined();
  });

  it('orders levels most severe first', () => {
    expect(moreSevere('warning', 'critical')).toBe('critical');
    expect(moreSevere('error', 'info')).toBe('error');
    expect(moreSevere('info', 'info')).toBe('info');
  });
});

describe('alert identity', () => {
  it('scopes the dedup key to its source and integration', () => {
    const a = alertIdentity({ source: 'pagerduty', integration: 'kuma', dedupKey: 'disk' });
    expect(alertIdentity({ source: 'pagerduty', integration: 'kuma', dedupKey: 'disk' })).toBe(a);
    expect(alertIdentity({ source: 'pagerduty', integration: 'other', dedupKey: 'disk' })).not.toBe(
      a,
    );
    expect(alertIdentity({ source: 'webhook', integration: 'kuma', dedupKey: 'disk' })).not.toBe(a);
  });
});

describe('links', () => {
  it('keeps http(s) only, so no javascript: URL ever becomes a link', () => {
    expect(isHttpUrl('https://runbooks.example.com/x')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1/demo/alert/0')).toBe(true);
    expect(isHttpUrl('javascript:alert(1)')).toBe(false);
    expect(isHttpUrl('')).toBe(false);
    expect(isHttpUrl('see the wiki')).toBe(false);
  });
});
