// Error-budget policies and the deploy gate: the headroom/v1 `ErrorBudgetPolicy`
// document (config files, the API and the CLI read the same schema), approvals,
// the gate's request and its decision. As in config.ts, the schemas convert the
// scalar fields (weekly times, instants, durations) so that a mistake is reported
// at its own line, and cross-field mistakes (a rule naming a freeze that does not
// exist) at the field that makes them.
import { z } from 'zod';
import {
  HOLIDAY_TYPES,
  INCIDENT_FREEZE_RULE,
  type Approval,
  type ErrorBudgetPolicy,
  type PolicyCondition,
  type WeeklyTime,
} from '../core/policy/model.js';
import {
  APPROVAL_REFUSALS,
  type DeployDecision,
  type ReasonKind,
} from '../core/policy/decision.js';
import { holidayCountries, holidayRegions, holidayTimeZones } from '../core/policy/holidays.js';
import {
  formatWeeklyTime,
  parseWeeklyTime,
  windowLengthMinutes,
} from '../core/policy/weekly-window.js';
import { isValidTimeZone } from '../core/time/calendar.js';
import { instantSchema } from './api.js';
import { burnAlertSchema } from './status.js';
import { addCodedIssue } from './coded-issue.js';
import {
  ALERT_SEVERITIES,
  durationSchema,
  HEADROOM_API_VERSION,
  metadataSchema,
  nameSchema,
} from './config.js';

// As in config.ts: checks of a mapping run even when one of its fields failed, so
// that one pass reports every mistake; they read the fields defensively.
const whenMapping = {
  when: (payload: { value: unknown }) =>
    typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
};

function nonEmptyString(what: string): z.ZodString {
  return z.string().superRefine((text, ctx) => {
    if (text.trim() === '') addCodedIssue(ctx, 'empty_value', `${what} must not be empty`);
  });
}

/** Fields of a mapping that failed its own checks read as unknown here. */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

export const POLICY_EFFECTS = ['deny', 'requireApproval'] as const;
export const ON_UNAVAILABLE = ['allow', 'deny'] as const;
export const INCIDENT_DEPENDENCIES = ['critical', 'all', 'none'] as const;

const effectSchema = z.enum(POLICY_EFFECTS, {
  error:
    'effect must be deny (only the unlessLabels lift it) or requireApproval (an approval from one of approvals.roles lifts it)',
});

/** Labels a deploy carries (`headroom gate --label rollback`), compared exactly. */
const labelListSchema = z.array(nameSchema).meta({ examples: [['reliability', 'rollback']] });

const timeZoneSchema = z
  .string()
  .superRefine((zone, ctx) => {
    if (!isValidTimeZone(zone)) {
      addCodedIssue(
        ctx,
        'invalid_time_zone',
        `unknown time zone ${JSON.stringify(zone)}; expected an IANA zone name such as Europe/Amsterdam or UTC`,
      );
    }
  })
  .meta({ examples: ['Europe/Amsterdam', 'America/New_York'] });

/** An instant with its offset, as epoch milliseconds. */
const instantMsSchema = z
  .string()
  .transform((text, ctx) => {
    const ms = Date.parse(text);
    if (!instantSchema.safeParse(text).success || Number.isNaN(ms)) {
      addCodedIssue(
        ctx,
        'invalid_instant',
        `cannot read ${JSON.stringify(text)} as an instant; write it with its offset, e.g. 2026-11-27T00:00:00+01:00 or 2026-11-26T23:00:00Z`,
      );
      return z.NEVER;
    }
    return ms;
  })
  .meta({ format: 'date-time', examples: ['2026-11-27T00:00:00+01:00'] });

// ---------------------------------------------------------------------------
// Which services a policy applies to

export const appliesToSchema = z
  .strictObject({
    /** Every service. */
    all: z.boolean().optional(),
    services: z.array(nonEmptyString('service name')).optional(),
    /** Services owned by these teams. */
    teams: z.array(nonEmptyString('team name')).optional(),
  })
  .superRefine((scope, ctx) => {
    const all = field(scope, 'all') === true;
    const listed = ['services', 'teams'].filter((key) => {
      const list = field(scope, key);
      return Array.isArray(list) && list.length > 0;
    });
    if (all && listed.length > 0) {
      addCodedIssue(
        ctx,
        'conflicting_fields',
        'all: true applies the policy to every service; remove services and teams, or all',
        [listed[0] ?? 'all'],
      );
    } else if (!all && listed.length === 0) {
      addCodedIssue(
        ctx,
        'missing_field',
        'appliesTo needs services: [...], teams: [...] or all: true',
      );
    }
  }, whenMapping)
  .transform((scope) => ({
    all: scope.all === true,
    services: scope.services ?? [],
    teams: scope.teams ?? [],
  }));

// ---------------------------------------------------------------------------
// Rules

const CONDITION_KEYS = ['budgetExhausted', 'budgetBelow', 'burnAlert', 'freeze'] as const;
const CONDITION_HELP =
  'a condition is one of budgetExhausted, freeze, { budgetBelow: 25 }, { burnAlert: page }, { freeze: [weekend] }';

const budgetBelowSchema = z
  .number()
  .superRefine((percent, ctx) => {
    if (!(percent > 0 && percent <= 100)) {
      addCodedIssue(
        ctx,
        'out_of_range',
        `budgetBelow ${percent} is out of range; use the percentage of budget left above 0 and at most 100, e.g. 25`,
      );
    }
  })
  .meta({ exclusiveMinimum: 0, maximum: 100, examples: [25] });

const conditionMappingSchema = z
  .strictObject({
    budgetExhausted: z.literal(true).optional(),
    budgetBelow: budgetBelowSchema.optional(),
    burnAlert: z.enum(ALERT_SEVERITIES).optional(),
    /** true: any of the policy's freezes; a list: the freezes named. */
    freeze: z.union([z.literal(true), z.array(nameSchema).min(1)]).optional(),
  })
  .superRefine((condition, ctx) => {
    const given = CONDITION_KEYS.filter((key) => field(condition, key) !== undefined);
    if (given.length !== 1) {
      addCodedIssue(
        ctx,
        given.length === 0 ? 'missing_field' : 'conflicting_fields',
        `${CONDITION_HELP}; got ${given.length === 0 ? 'none' : given.join(' and ')}. Use one rule per condition`,
      );
    }
  }, whenMapping)
  .transform((condition): PolicyCondition => {
    if (condition.budgetBelow !== undefined) {
      return { kind: 'budgetBelow', percent: condition.budgetBelow };
    }
    if (condition.burnAlert !== undefined) {
      return { kind: 'burnAlert', severity: condition.burnAlert };
    }
    if (condition.freeze !== undefined) {
      return { kind: 'freeze', freezes: condition.freeze === true ? 'all' : condition.freeze };
    }
    return { kind: 'budgetExhausted' };
  });

/** `when: budgetExhausted`, `when: freeze`, or a mapping with one condition. */
export const conditionSchema = z.union(
  [
    // A string, not an enum: a mapping then fails this branch on its type, which
    // is how config/zod-issues.ts knows to report the mapping branch's own issues.
    z
      .string()
      .transform((text, ctx): PolicyCondition => {
        if (text === 'budgetExhausted') return { kind: 'budgetExhausted' };
        if (text === 'freeze') return { kind: 'freeze', freezes: 'all' };
        addCodedIssue(ctx, 'invalid_condition', `${CONDITION_HELP}; got ${JSON.stringify(text)}`);
        return z.NEVER;
      })
      .meta({ enum: ['budgetExhausted', 'freeze'] }),
    conditionMappingSchema,
  ],
  { error: CONDITION_HELP },
);

export const ruleSchema = z.strictObject({
  /** How reasons, approvals and the audit log name the rule. */
  name: nameSchema,
  when: conditionSchema,
  effect: effectSchema,
  /** A deploy with any of these labels is exempt, e.g. [reliability, rollback]. */
  unlessLabels: labelListSchema.default([]),
});

// ---------------------------------------------------------------------------
// Freezes

export const holidayFreezeSchema = z
  .strictObject({
    /** Default: holidays-<country>[-<region>], e.g. holidays-nl. */
    name: nameSchema.optional(),
    /** ISO 3166-1 alpha-2 code: NL, US, DE. */
    country: z.string().meta({ examples: ['NL', 'US'] }),
    /** ISO 3166-2 subdivision: BY (Bavaria), NY (New York). */
    region: z.string().optional(),
    /** Where the holidays' days begin; default: the country's (or region's) only zone. */
    timeZone: timeZoneSchema.optional(),
    types: z.array(z.enum(HOLIDAY_TYPES)).min(1).default(['public']),
  })
  .superRefine((spec, ctx) => {
    const country = field(spec, 'country');
    const region = field(spec, 'region');
    if (typeof country !== 'string') return;
    const code = country.toUpperCase();
    if (holidayCountries()[code] === undefined) {
      addCodedIssue(
        ctx,
        'unknown_country',
        `unknown country ${JSON.stringify(country)} for holidays; use an ISO 3166-1 alpha-2 code such as NL, US or DE`,
        ['country'],
      );
      return;
    }
    let regionCode: string | undefined;
    if (typeof region === 'string') {
      regionCode = region.toUpperCase();
      const regions = holidayRegions(code);
      if (regions?.[regionCode] === undefined) {
        const known =
          regions === undefined
            ? `${code} has no regions with holidays of their own; remove region`
            : `known regions of ${code}: ${Object.keys(regions).join(', ')}`;
        addCodedIssue(ctx, 'unknown_region', `unknown region ${JSON.stringify(region)}; ${known}`, [
          'region',
        ]);
        return;
      }
    } else if (region !== undefined) {
      return;
    }
    if (field(spec, 'timeZone') === undefined) {
      const zones = holidayTimeZones(code, regionCode);
      if (zones.length !== 1) {
        const place = regionCode === undefined ? code : `${code}-${regionCode}`;
        addCodedIssue(
          ctx,
          'missing_field',
          `${place} spans several time zones (${zones.slice(0, 4).join(', ')}${zones.length > 4 ? ', …' : ''}); set timeZone to the one whose days the freeze follows`,
          ['timeZone'],
        );
      }
    }
  }, whenMapping)
  .transform((spec) => {
    const country = spec.country.toUpperCase();
    const region = spec.region?.toUpperCase();
    const place = region === undefined ? country : `${country}-${region}`;
    return {
      name: spec.name ?? `holidays-${place.toLowerCase()}`,
      country,
      region,
      timeZone: spec.timeZone ?? holidayTimeZones(country, region)[0] ?? 'UTC',
      types: spec.types,
    };
  });

/** `Fri 16:00`: a day of the week and a 24-hour time, on the window's wall clock. */
export const weeklyTimeSchema = z
  .string()
  .transform((text, ctx): WeeklyTime => {
    const parsed = parseWeeklyTime(text);
    if (parsed.ok) return parsed.time;
    addCodedIssue(ctx, 'invalid_weekly_time', parsed.reason);
    return z.NEVER;
  })
  .meta({
    pattern: '^[A-Za-z]+\\s+\\d{1,2}:\\d{2}$',
    examples: ['Fri 16:00', 'Monday 08:00'],
  });

export const windowFreezeSchema = z
  .strictObject({
    /** Default: the window itself, e.g. fri-1600-to-mon-0800. */
    name: nameSchema.optional(),
    from: weeklyTimeSchema,
    /** Before `from` in the week: the window wraps over the weekend, e.g. Fri 16:00 to Mon 08:00. */
    to: weeklyTimeSchema,
    timeZone: timeZoneSchema,
  })
  .superRefine((window, ctx) => {
    const from = field(window, 'from') as WeeklyTime | undefined;
    const to = field(window, 'to') as WeeklyTime | undefined;
    if (typeof from === 'object' && typeof to === 'object' && windowLengthMinutes(from, to) === 0) {
      addCodedIssue(
        ctx,
        'empty_window',
        `from and to are both ${formatWeeklyTime(from)}; a window needs two different moments of the week`,
        ['to'],
      );
    }
  }, whenMapping)
  .transform((window) => ({
    name: window.name ?? defaultWindowName(window.from, window.to),
    from: window.from,
    to: window.to,
    timeZone: window.timeZone,
  }));

function defaultWindowName(from: WeeklyTime, to: WeeklyTime): string {
  const part = (time: WeeklyTime) => formatWeeklyTime(time).replace(/[ :]/g, '').toLowerCase();
  // "Fri 16:00" -> "fri1600" -> "fri-1600"
  const dashed = (time: WeeklyTime) => part(time).replace(/^([a-z]+)/, '$1-');
  return `${dashed(from)}-to-${dashed(to)}`;
}

export const adHocFreezeSchema = z
  .strictObject({
    name: nameSchema,
    /** Default: in force from now on (until the end). */
    start: instantMsSchema.optional(),
    end: instantMsSchema,
    /** Told to everyone whose deploy it holds. */
    reason: nonEmptyString('reason'),
    /** The gate tells the end on this zone's clock too; default UTC only. */
    timeZone: timeZoneSchema.optional(),
  })
  .superRefine((freeze, ctx) => {
    const start = field(freeze, 'start');
    const end = field(freeze, 'end');
    if (typeof start === 'number' && typeof end === 'number' && end <= start) {
      addCodedIssue(ctx, 'out_of_range', 'end must be after start', ['end']);
    }
  }, whenMapping)
  .transform((freeze) => ({
    name: freeze.name,
    startMs: freeze.start,
    endMs: freeze.end,
    reason: freeze.reason,
    timeZone: freeze.timeZone,
  }));

export const freezesSchema = z
  .strictObject({
    holidays: z.array(holidayFreezeSchema).default([]),
    windows: z.array(windowFreezeSchema).default([]),
    adHoc: z.array(adHocFreezeSchema).default([]),
  })
  .superRefine((freezes, ctx) => {
    const seen = new Set<string>();
    for (const kind of ['holidays', 'windows', 'adHoc'] as const) {
      const list = field(freezes, kind);
      if (!Array.isArray(list)) continue;
      list.forEach((freeze: unknown, index) => {
        const name = field(freeze, 'name');
        if (typeof name !== 'string') return;
        if (seen.has(name)) {
          addCodedIssue(
            ctx,
            'duplicate_name',
            `two freezes are named "${name}"; give one a name of its own`,
            [kind, index, 'name'],
          );
        }
        seen.add(name);
      });
    }
  }, whenMapping);

export const incidentFreezeSchema = z.strictObject({
  /** Incidents on which dependencies hold deploys too, besides the service's own. */
  dependencies: z.enum(INCIDENT_DEPENDENCIES).default('critical'),
  effect: effectSchema.default('deny'),
  // A rollback is how most incidents end: holding it would keep the incident open.
  // Set [] to hold rollbacks too.
  unlessLabels: labelListSchema.default(['rollback']),
});

export const approvalSettingsSchema = z
  .strictObject({
    /** Holders of any of these roles may approve. */
    roles: z.array(nameSchema).min(1, { error: 'roles must name at least one role' }),
    /** Longest an approval may last from grant to expiry. */
    maxDuration: durationSchema.prefault('24h'),
  })
  .transform((approvals) => ({
    roles: approvals.roles,
    maxDurationMinutes: approvals.maxDuration,
  }));

// ---------------------------------------------------------------------------
// The policy

export const errorBudgetPolicySpecSchema = z
  .strictObject({
    description: z.string().optional(),
    appliesTo: appliesToSchema,
    rules: z.array(ruleSchema).default([]),
    freezes: freezesSchema.prefault({}),
    incidentFreeze: incidentFreezeSchema.optional(),
    approvals: approvalSettingsSchema.optional(),
    /**
     * What `headroom gate` does when the server cannot answer. Default deny: a gate
     * that opens whenever it is unreachable enforces nothing, and is unreachable
     * most often in the middle of an incident, when a deploy is riskiest.
     */
    onUnavailable: z.enum(ON_UNAVAILABLE).default('deny'),
  })
  .superRefine(checkPolicy, whenMapping);

function checkPolicy(spec: unknown, ctx: z.RefinementCtx): void {
  const rules = field(spec, 'rules');
  const ruleList: unknown[] = Array.isArray(rules) ? rules : [];
  const freezes = field(spec, 'freezes');
  // A freeze that failed its own checks has no default name yet: it still counts as
  // defined, but rule references are then checked only against the names known.
  const freezeNames = new Set<string>();
  let freezeCount = 0;
  for (const kind of ['holidays', 'windows', 'adHoc']) {
    const list = field(freezes, kind);
    if (!Array.isArray(list)) continue;
    for (const freeze of list as unknown[]) {
      freezeCount++;
      const name = field(freeze, 'name');
      if (typeof name === 'string') freezeNames.add(name);
    }
  }
  const allFreezesNamed = freezeNames.size === freezeCount;
  const incidentFreeze = field(spec, 'incidentFreeze');
  const approvals = field(spec, 'approvals');

  const ruleNames = new Set<string>();
  let freezeRules = 0;
  let approvalRules = field(incidentFreeze, 'effect') === 'requireApproval' ? 1 : 0;
  ruleList.forEach((rule, index) => {
    const name = field(rule, 'name');
    if (name === INCIDENT_FREEZE_RULE) {
      addCodedIssue(
        ctx,
        'reserved_name',
        `the rule name "${INCIDENT_FREEZE_RULE}" is reserved for incidentFreeze; choose another`,
        ['rules', index, 'name'],
      );
    } else if (typeof name === 'string') {
      if (ruleNames.has(name)) {
        addCodedIssue(
          ctx,
          'duplicate_name',
          `two rules are named "${name}"; approvals name rules, so each needs a name of its own`,
          ['rules', index, 'name'],
        );
      }
      ruleNames.add(name);
    }
    const effect = field(rule, 'effect');
    if (effect === 'requireApproval') {
      approvalRules++;
      if (approvals === undefined) {
        addCodedIssue(
          ctx,
          'missing_field',
          'effect requireApproval needs approvals: { roles: [...] } in the policy: who may approve',
          ['rules', index, 'effect'],
        );
      }
    }
    const when = field(rule, 'when') as PolicyCondition | undefined;
    if (when?.kind !== 'freeze') return;
    freezeRules++;
    if (freezeCount === 0) {
      addCodedIssue(
        ctx,
        'missing_field',
        'this rule acts on freezes, but the policy defines none; add freezes: { holidays, windows or adHoc }',
        ['rules', index, 'when'],
      );
    } else if (when.freezes !== 'all' && allFreezesNamed) {
      const unknown = when.freezes.filter((freeze) => !freezeNames.has(freeze));
      if (unknown.length > 0) {
        addCodedIssue(
          ctx,
          'unknown_freeze',
          `no freeze is named ${unknown.map((freeze) => JSON.stringify(freeze)).join(', ')}; the policy's freezes are ${[...freezeNames].join(', ')}`,
          ['rules', index, 'when', 'freeze'],
        );
      }
    }
  });

  if (freezeCount > 0 && freezeRules === 0) {
    addCodedIssue(
      ctx,
      'unused_field',
      'freezes hold deploys only through a rule; add one such as { name: frozen, when: freeze, effect: deny, unlessLabels: [rollback] }',
      ['freezes'],
    );
  }
  if (approvals !== undefined && approvalRules === 0) {
    addCodedIssue(
      ctx,
      'unused_field',
      'approvals lift only rules with effect requireApproval, and this policy has none; deny rules are lifted by their unlessLabels alone',
      ['approvals'],
    );
  }
  if (Array.isArray(rules) && ruleList.length === 0 && incidentFreeze === undefined) {
    addCodedIssue(
      ctx,
      'missing_field',
      'a policy needs at least one rule (or an incidentFreeze); otherwise it holds nothing',
      ['rules'],
    );
  }
}

export const ERROR_BUDGET_POLICY_KIND = 'ErrorBudgetPolicy';

export const errorBudgetPolicyDocumentSchema = z
  .strictObject({
    apiVersion: z.literal(HEADROOM_API_VERSION),
    kind: z.literal(ERROR_BUDGET_POLICY_KIND),
    metadata: metadataSchema,
    spec: errorBudgetPolicySpecSchema,
  })
  .meta({ id: 'ErrorBudgetPolicyDocument' });

/** A validated document: weekly times parsed, instants in ms, durations in minutes, defaults filled in. */
export type ErrorBudgetPolicyDocument = z.output<typeof errorBudgetPolicyDocumentSchema>;
/** The document as written in YAML. */
export type ErrorBudgetPolicyDocumentInput = z.input<typeof errorBudgetPolicyDocumentSchema>;
export type ErrorBudgetPolicySpec = z.output<typeof errorBudgetPolicySpecSchema>;

/** The engine's policy of a validated document. */
export function policyFromDocument(document: ErrorBudgetPolicyDocument): ErrorBudgetPolicy {
  const { spec } = document;
  return {
    name: document.metadata.name,
    appliesTo: spec.appliesTo,
    rules: spec.rules,
    freezes: {
      holidays: spec.freezes.holidays,
      windows: spec.freezes.windows,
      adHoc: spec.freezes.adHoc,
    },
    incidentFreeze: spec.incidentFreeze,
    approvals: spec.approvals,
    onUnavailable: spec.onUnavailable,
  };
}

// ---------------------------------------------------------------------------
// Approvals (exceptions)

const RULE_REFERENCE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `budget-low` (that rule in any policy of the service) or `payments-default/budget-low`. */
export const ruleReferenceSchema = z
  .string()
  .superRefine((reference, ctx) => {
    if (!RULE_REFERENCE.test(reference)) {
      addCodedIssue(
        ctx,
        'invalid_name',
        `${JSON.stringify(reference)} does not name a rule; write rule or policy/rule, e.g. budget-low or payments-default/budget-low`,
      );
    }
  })
  .meta({ pattern: RULE_REFERENCE.source });

/** Which rules an approval lifts: `all` (every requireApproval rule) or a list. */
export const approvalScopeSchema = z.union([
  z.literal('all'),
  z.array(ruleReferenceSchema).min(1, { error: 'scope lists at least one rule, or is all' }),
]);

/** What a person sends to approve; the approver and their roles come from their credential. */
export const approvalRequestSchema = z
  .strictObject({
    service: nonEmptyString('service'),
    /** Whose deploys it is for; absent: anyone's but the approver's. */
    requester: nonEmptyString('requester').optional(),
    reason: nonEmptyString('reason'),
    expiresAt: instantSchema,
    scope: approvalScopeSchema,
  })
  .meta({ id: 'ApprovalRequest' });
export type ApprovalRequest = z.output<typeof approvalRequestSchema>;

/** An approval as stored and as the API answers it. */
export const approvalSchema = z
  .object({
    id: z.string(),
    service: z.string(),
    approver: z.string(),
    /** The roles the approver held when approving. */
    approverRoles: z.array(z.string()).readonly(),
    requester: z.string().nullable(),
    reason: z.string(),
    grantedAt: instantSchema,
    expiresAt: instantSchema,
    scope: approvalScopeSchema,
  })
  .meta({ id: 'Approval' });
export type ApprovalRecord = z.output<typeof approvalSchema>;

/** The engine's approval of a record. */
export function approvalFromRecord(record: ApprovalRecord): Approval {
  return {
    id: record.id,
    service: record.service,
    approver: record.approver,
    approverRoles: record.approverRoles,
    requester: record.requester ?? undefined,
    reason: record.reason,
    grantedAtMs: Date.parse(record.grantedAt),
    expiresAtMs: Date.parse(record.expiresAt),
    scope: record.scope,
  };
}

// ---------------------------------------------------------------------------
// The gate

/** `headroom gate <service>`: what CI asks before a production deploy. */
export const gateRequestSchema = z
  .strictObject({
    service: nonEmptyString('service'),
    version: z.string().optional(),
    commit: z.string().optional(),
    labels: labelListSchema.default([]),
    /**
     * Who deploys: the person (or bot) behind the pipeline. Never their own approver.
     * Kept without surrounding blanks, as approvals compare it.
     */
    actor: nonEmptyString('actor').trim(),
  })
  .meta({ id: 'GateRequest' });
export type GateRequest = z.output<typeof gateRequestSchema>;

export const REASON_KINDS = [
  'budgetExhausted',
  'budgetBelow',
  'burnAlert',
  'freeze',
  'incident',
  'budgetUnknown',
] as const satisfies readonly ReasonKind[];

// Optional: decisions stored before the cap was given lack it, and clients read those too.
const approvalCapSchema = z.number().positive().optional().meta({
  description:
    "The longest an approval may run, grant to expiry, and still count: the policy's approvals.maxDuration",
});

const gateReasonShape = {
  policy: z.string(),
  rule: z.string(),
  kind: z.enum(REASON_KINDS),
  effect: z.enum(POLICY_EFFECTS),
  message: z
    .string()
    .meta({ description: 'For a person: what matched, until when, what lifts it' }),
  slo: z
    .object({
      name: z.string(),
      remaining: z.number().meta({ description: '1 untouched, 0 spent, negative overspent' }),
      exhausted: z.boolean(),
      objective: z.number().meta({ description: 'The objective as a fraction: 99.9 % is 0.999' }),
      sli: z
        .number()
        .nullable()
        .meta({ description: 'Good / total over the window; null without events' }),
      window: z.object({
        type: z.enum(['rolling', 'calendar']),
        length: z.string().meta({
          description: '`30d` for rolling windows; `week`, `month` or `quarter` for calendar ones',
        }),
      }),
      thresholdPercent: z.number().nullable(),
    })
    .nullable(),
  alert: burnAlertSchema.nullable(),
  freeze: z
    .object({
      kind: z.enum(['holiday', 'window', 'adHoc']),
      name: z.string(),
      since: instantSchema.nullable(),
      until: instantSchema.meta({
        description:
          "When deploys are no longer held: the freeze's end, or later where another freeze of the rule begins as it ends or overlaps it (looked for up to 14 days past its end)",
      }),
      // Optional: decisions stored before it was given lack it, and clients read those too.
      endsAt: instantSchema.optional().meta({ description: 'When this freeze itself ends' }),
      timeZone: z.string().nullable(),
      detail: z.string(),
      holidays: z
        .array(z.object({ date: z.iso.date(), names: z.array(z.string()).readonly() }))
        .readonly()
        .nullable(),
    })
    .nullable(),
  incident: z
    .object({
      id: z.string(),
      title: z.string().nullable(),
      service: z.string(),
      viaDependency: z.boolean(),
    })
    .nullable(),
  unlessLabels: z.array(z.string()).readonly(),
  liftableBy: z
    .object({
      roles: z.array(z.string()).readonly(),
      notBy: z.string().meta({ description: 'The deploying actor, who cannot approve' }),
      maxDurationSeconds: approvalCapSchema,
    })
    .nullable()
    .meta({ description: 'Who may lift the reason by approving; null: no approval lifts it' }),
};

export const gateReasonSchema = z.object(gateReasonShape).meta({ id: 'GateReason' });

export const deployDecisionSchema = z
  .object({
    service: z.string(),
    actor: z.string(),
    at: instantSchema,
    allowed: z.boolean(),
    policies: z.array(z.string()).readonly(),
    reasons: z.array(gateReasonSchema).readonly(),
    waived: z
      .array(
        z.object({
          ...gateReasonShape,
          waivedBy: z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('label'), label: z.string() }),
            z.object({ kind: z.literal('approval'), approval: z.string(), approver: z.string() }),
          ]),
        }),
      )
      .readonly(),
    approvalsApplied: z
      .array(
        z.object({
          id: z.string(),
          approver: z.string(),
          reason: z.string(),
          expiresAt: instantSchema,
          rules: z.array(z.string()).readonly(),
        }),
      )
      .readonly(),
    approvalsRefused: z
      .array(
        z.object({
          id: z.string(),
          approver: z.string(),
          refusal: z.enum(APPROVAL_REFUSALS),
          message: z.string(),
          rules: z.array(z.string()).readonly(),
        }),
      )
      .readonly(),
    liftableBy: z
      .object({
        approvals: z
          .array(
            z.object({
              policy: z.string(),
              rules: z.array(z.string()).readonly(),
              roles: z.array(z.string()).readonly(),
              maxDurationSeconds: approvalCapSchema,
            }),
          )
          .readonly(),
        notBy: z.string(),
        maxDurationSeconds: approvalCapSchema.meta({
          description:
            'The longest one approval may run and count under every policy above (the smallest of their caps); absent in decisions stored before it was given',
        }),
      })
      .nullable(),
    onUnavailable: z.enum(ON_UNAVAILABLE),
  })
  .meta({ id: 'DeployDecision' });

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameShape<A, B> =
  MutuallyAssignable<A, B> extends true ? MutuallyAssignable<keyof A, keyof B> : false;

/** Fails to compile when the decision schema and the engine's type drift apart. */
export const DEPLOY_DECISION_SCHEMA_MATCHES_ENGINE: SameShape<
  z.infer<typeof deployDecisionSchema>,
  DeployDecision
> = true;
