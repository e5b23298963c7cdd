import { headroomJsonSchema } from './documents.js';
import { describe, expect, it } from 'vitest';
import { durationSchema, nameSchema, serviceDocumentSchema, sloSpecSchema } from './config.js';

function codesOf(result: {
  success: boolean;
  error?: { issues: readonly { code: string; params?: unknown }[] };
}): string[] {
  return (result.error?.issues ?? []).map((issue) => {
    const params = issue.params as { code?: string } | undefined;
    return params?.code ?? issue.code;
  });
}

const slo = {
  service: 'checkout',
  sli: { ratio: {} },
  objective: 99.9,
  window: '30d',
};

describe('nameSchema', () => {
  it.each(['checkout', 'payments-api', 'a', '9lives', 'x'.repeat(63)])('accepts %j', (name) => {
    expect(nameSchema.safeParse(name).success).toBe(true);
  });

  it.each([
    ['Checkout', 'is not a valid name'],
    ['payments_api', 'is not a valid name'],
    ['-api', 'is not a valid name'],
    ['api-', 'is not a valid name'],
    ['', 'is not a valid name'],
    ['x'.repeat(64), 'name is 64 characters long; names have at most 63 characters'],
  ])('rejects %j saying %s', (name, message) => {
    const result = nameSchema.safeParse(name);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toContain(message);
    expect(codesOf(result)).toEqual(['invalid_name']);
  });
});

describe('durationSchema', () => {
  it('converts a duration to whole minutes', () => {
    expect(durationSchema.parse('1h30m')).toBe(90);
  });

  it("rejects a bad duration with parseDuration's reason", () => {
    const result = durationSchema.safeParse('90s');
    expect(codesOf(result)).toEqual(['invalid_duration']);
    expect(result.error?.issues[0]?.message).toContain('durations are whole minutes in "90s"');
  });
});

describe('sloSpecSchema', () => {
  it('fills in the defaults', () => {
    expect(sloSpecSchema.parse(slo)).toEqual({
      service: 'checkout',
      sli: { ratio: { counts: 'good' } },
      objective: { numerator: 999, denominator: 1000 },
      window: 43_200,
      budgetingMethod: 'occurrences',
      alerting: { enabled: true },
    });
  });

  it('keeps objectives exact', () => {
    expect(sloSpecSchema.parse({ ...slo, objective: 99.95 }).objective).toEqual({
      numerator: 1999,
      denominator: 2000,
    });
  });

  it('reads a calendar window in UTC unless a zone is given', () => {
    expect(sloSpecSchema.parse({ ...slo, window: { calendar: 'week' } }).window).toEqual({
      calendar: 'week',
      timeZone: 'UTC',
    });
  });

  it.each([
    ['an objective of 100', { objective: 100 }, ['out_of_range']],
    ['an objective of 0', { objective: 0 }, ['out_of_range']],
    ['an objective above 100', { objective: 100.5 }, ['out_of_range']],
    [
      'an objective that is 100 as a double',
      { objective: Number('99.999999999999999') },
      ['out_of_range'],
    ],
    ['an objective too precise to be exact', { objective: 99.12345678901234 }, ['too_precise']],
    [
      'a time slice target above 100',
      { budgetingMethod: 'timeslices', timeSliceTarget: 101 },
      ['out_of_range'],
    ],
    ['timeslices without a target', { budgetingMethod: 'timeslices' }, ['missing_field']],
    ['a target without timeslices', { timeSliceTarget: 95 }, ['conflicting_fields']],
    ['an SLI with neither kind', { sli: {} }, ['missing_field']],
    [
      'an SLI with both kinds',
      { sli: { ratio: {}, threshold: { value: 1 } } },
      ['conflicting_fields'],
    ],
    [
      'an unknown time zone',
      { window: { calendar: 'month', timeZone: 'Mars/Olympus' } },
      ['invalid_time_zone'],
    ],
    ['an empty list of alert rules', { alerting: { rules: [] } }, ['too_small']],
    [
      'a short window not shorter than the long one',
      {
        alerting: {
          rules: [{ severity: 'page', longWindow: '1h', shortWindow: '1h', factor: 14.4 }],
        },
      },
      ['out_of_range'],
    ],
  ])('rejects %s', (_, change, codes) => {
    expect(codesOf(sloSpecSchema.safeParse({ ...slo, ...change }))).toEqual(codes);
  });

  it('accepts a time slice target of 100', () => {
    const spec = sloSpecSchema.parse({
      ...slo,
      budgetingMethod: 'timeslices',
      timeSliceTarget: 100,
    });
    expect(spec.timeSliceTarget).toEqual({ numerator: 1, denominator: 1 });
  });

  it('accepts "ratio:" with nothing after it as a ratio with defaults', () => {
    expect(sloSpecSchema.parse({ ...slo, sli: { ratio: null } }).sli).toEqual({ ratio: null });
  });

  it('reports every mistake of a spec in one pass', () => {
    const result = sloSpecSchema.safeParse({
      ...slo,
      objective: 100,
      window: '30s',
      budgetingMethod: 'timeslices',
      colour: 1,
    });
    // The window's union failure is unwrapped into its duration issue by the format adapter.
    expect(codesOf(result).sort()).toEqual([
      'invalid_union',
      'missing_field',
      'out_of_range',
      'unrecognized_keys',
    ]);
  });
});

describe('serviceDocumentSchema', () => {
  const service = {
    apiVersion: 'headroom/v1',
    kind: 'Service',
    metadata: { name: 'checkout' },
    spec: { team: 'payments' },
  };

  it('fills in the defaults', () => {
    expect(serviceDocumentSchema.parse(service)).toEqual({
      ...service,
      metadata: { name: 'checkout', labels: {} },
      spec: { team: 'payments', tier: 'standard', dependencies: [] },
    });
  });

  it.each([
    [
      'a runbook that is not an http(s) URL',
      { runbook: 'ftp://example.com/runbook' },
      ['invalid_url'],
    ],
    ['an empty team', { team: ' ' }, ['empty_value']],
    [
      'a dependency listed twice',
      { dependencies: [{ service: 'a' }, { service: 'a', critical: true }] },
      ['duplicate_dependency'],
    ],
  ])('rejects %s', (_, change, codes) => {
    expect(
      codesOf(
        serviceDocumentSchema.safeParse({ ...service, spec: { ...service.spec, ...change } }),
      ),
    ).toEqual(codes);
  });
});

describe('headroomJsonSchema', () => {
  it('describes every kind as written, and forbids unknown fields', () => {
    interface Kind {
      properties: { kind: { const: string } };
      additionalProperties: boolean;
    }
    const schema = headroomJsonSchema() as {
      oneOf: (Kind | { $ref: string })[];
      $defs?: Record<string, Kind>;
    };
    // Kinds with an id of their own (the API names them) are referenced, not inlined.
    const kinds = schema.oneOf.map((entry) =>
      '$ref' in entry ? schema.$defs?.[entry.$ref.replace('#/$defs/', '')] : entry,
    );
    expect(kinds.map((kind) => kind?.properties.kind.const)).toEqual([
      'Service',
      'SLO',
      'DataSource',
      'Schedule',
      'EscalationPolicy',
      'ErrorBudgetPolicy',
      'Runbook',
      'IncidentSettings',
      'Heartbeat',
    ]);
    expect(kinds.every((kind) => kind !== undefined && !kind.additionalProperties)).toBe(true);
  });

  it('describes durations and windows as the strings people write', () => {
    const text = JSON.stringify(headroomJsonSchema());
    expect(text).toContain('"window":{"anyOf":[{"pattern"');
  });
});
