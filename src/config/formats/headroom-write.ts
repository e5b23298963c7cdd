// Model values back to headroom/v1 documents: what `headroom apply` sends and what
// the server stores and compares. The document is canonical (every default written
// out, optional fields left out, keys in schema order, labels sorted), so that two
// documents of one model value are deeply equal and a plan sees only real changes.
import { fractionFromPercent } from '../../core/slo/fraction.js';
import type {
  BurnRateAlertRule,
  DataSource,
  Fraction,
  PolicyResource,
  EscalationPolicyResource,
  ReliabilityModel,
  ScheduleResource,
  Service,
  Sli,
  SliSource,
  Slo,
  SloWindow,
} from '../../core/slo/model.js';
import { formatDuration } from '../../core/time/duration.js';
import {
  HEADROOM_API_VERSION,
  type DataSourceDocumentInput,
  type ServiceDocumentInput,
  type SloDocumentInput,
} from '../../schema/config.js';
import type { EscalationPolicyDocumentInput } from '../../schema/escalation.js';
import {
  incidentSettingsToDocument,
  type IncidentSettingsDocumentInput,
} from '../../schema/incident-settings.js';
import { runbookToDocument, type RunbookDocumentInput } from '../../schema/runbook.js';
import { heartbeatToDocument, type HeartbeatDocumentInput } from '../../schema/heartbeat.js';
import type { ScheduleDocumentInput } from '../../schema/schedule.js';
import type { ErrorBudgetPolicyDocumentInput } from '../../schema/policy.js';
import type { PolicyCondition } from '../../core/policy/model.js';
import { formatWeeklyTime } from '../../core/policy/weekly-window.js';
import { isoInstant } from '../../core/policy/zone-time.js';

const MINUTE_MS = 60_000;

type SloSpecInput = SloDocumentInput['spec'];
type PolicyRuleInput = NonNullable<ErrorBudgetPolicyDocumentInput['spec']['rules']>[number];

/**
 * The canonical document of a service. Throws when the service has no team (a
 * service only implied by a Sloth file): the team decides who may edit it, so it
 * is not guessed here; callers report it to the user before converting.
 */
export function serviceToDocument(service: Service): ServiceDocumentInput {
  if (service.team === undefined) {
    throw new Error(
      `service "${service.name}" has no team; a headroom/v1 Service needs one (declare the Service, or set labels.team in its Sloth file)`,
    );
  }
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'Service',
    metadata: { name: service.name, labels: sortedRecord(service.labels) },
    spec: {
      team: service.team,
      tier: service.tier,
      ...defined('description', service.description),
      ...defined('runbook', service.runbook),
      dependencies: service.dependencies.map(({ service: name, critical }) => ({
        service: name,
        critical,
      })),
    },
  };
}

/**
 * The canonical document of an SLO. Throws only for a value no config format can
 * produce: an objective or slice target that is not an exact decimal percentage
 * of at most 15 significant digits.
 */
export function sloToDocument(slo: Slo): SloDocumentInput {
  const budgeting: Pick<SloSpecInput, 'budgetingMethod' | 'timeSliceTarget'> =
    slo.budgeting.kind === 'timeslices'
      ? {
          budgetingMethod: 'timeslices',
          timeSliceTarget: percentOf(slo.budgeting.sliceTarget, 'timeSliceTarget', slo.name),
        }
      : { budgetingMethod: 'occurrences' };
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'SLO',
    metadata: { name: slo.name, labels: sortedRecord(slo.labels) },
    spec: {
      service: slo.service,
      ...defined('description', slo.description),
      sli: sliOf(slo.sli),
      objective: percentOf(slo.objective, 'objective', slo.name),
      window: windowOf(slo.window),
      ...budgeting,
      alerting: {
        enabled: slo.alerting.enabled,
        ...defined('rules', slo.alerting.rules?.map(ruleOf)),
      },
    },
  };
}

/** The canonical document of a data source: secrets stay references. */
export function dataSourceToDocument(dataSource: DataSource): DataSourceDocumentInput {
  const { tls } = dataSource;
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'DataSource',
    metadata: { name: dataSource.name, labels: sortedRecord(dataSource.labels) },
    spec: {
      type: dataSource.type,
      url: dataSource.url,
      default: dataSource.isDefault,
      timeoutSeconds: dataSource.timeoutMs / 1000,
      headers: sortedRecord(dataSource.headers),
      ...defined('bearerToken', dataSource.bearerToken),
      ...defined('basicAuth', dataSource.basicAuth),
      ...(tls.caFile === undefined && !tls.insecureSkipVerify
        ? {}
        : {
            tls: { ...defined('caFile', tls.caFile), insecureSkipVerify: tls.insecureSkipVerify },
          }),
      maxExpressionsPerQuery: dataSource.maxExpressionsPerQuery,
    },
  };
}

/** The canonical document of a schedule: what was written, shift lengths as durations. */
export function scheduleToDocument({ schedule, labels }: ScheduleResource): ScheduleDocumentInput {
  const { name, team, description, timeZone, layers, overrides } = schedule;
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'Schedule',
    metadata: { name, labels: sortedRecord(labels) },
    spec: {
      ...defined('team', team),
      ...defined('description', description),
      timeZone,
      layers: layers.map((layer) => ({
        name: layer.name,
        ...defined('timeZone', layer.timeZone),
        members: [...layer.members],
        start: layer.start,
        ...defined('end', layer.end),
        shiftLength: formatDuration(layer.shiftLength),
        ...defined(
          'restrictions',
          layer.restrictions?.map((restriction) => ({
            days: [...restriction.days],
            from: restriction.from,
            to: restriction.to,
          })),
        ),
      })),
      ...defined(
        'overrides',
        overrides?.map((override) => ({
          user: override.user,
          start: override.start,
          end: override.end,
          ...defined('reason', override.reason),
        })),
      ),
    },
  };
}

/** The canonical document of an error-budget policy: defaults and default names written out. */
export function policyToDocument({
  policy,
  description,
  labels,
}: PolicyResource): ErrorBudgetPolicyDocumentInput {
  const { appliesTo, freezes, incidentFreeze, approvals } = policy;
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'ErrorBudgetPolicy',
    metadata: { name: policy.name, labels: sortedRecord(labels) },
    spec: {
      ...defined('description', description),
      appliesTo: {
        all: appliesTo.all,
        services: [...appliesTo.services],
        teams: [...appliesTo.teams],
      },
      rules: policy.rules.map((rule) => ({
        name: rule.name,
        when: conditionOf(rule.when),
        effect: rule.effect,
        unlessLabels: [...rule.unlessLabels],
      })),
      freezes: {
        holidays: freezes.holidays.map((holiday) => ({
          name: holiday.name,
          country: holiday.country,
          ...defined('region', holiday.region),
          timeZone: holiday.timeZone,
          types: [...holiday.types],
        })),
        windows: freezes.windows.map((window) => ({
          name: window.name,
          from: formatWeeklyTime(window.from),
          to: formatWeeklyTime(window.to),
          timeZone: window.timeZone,
        })),
        adHoc: freezes.adHoc.map((freeze) => ({
          name: freeze.name,
          ...defined(
            'start',
            freeze.startMs === undefined ? undefined : isoInstant(freeze.startMs),
          ),
          end: isoInstant(freeze.endMs),
          reason: freeze.reason,
          ...defined('timeZone', freeze.timeZone),
        })),
      },
      ...defined(
        'incidentFreeze',
        incidentFreeze === undefined
          ? undefined
          : {
              dependencies: incidentFreeze.dependencies,
              effect: incidentFreeze.effect,
              unlessLabels: [...incidentFreeze.unlessLabels],
            },
      ),
      ...defined(
        'approvals',
        approvals === undefined
          ? undefined
          : {
              roles: [...approvals.roles],
              maxDuration: formatDuration(approvals.maxDurationMinutes),
            },
      ),
      onUnavailable: policy.onUnavailable,
    },
  };
}

/** A condition as people write it: the bare word when there is one. */
function conditionOf(condition: PolicyCondition): PolicyRuleInput['when'] {
  switch (condition.kind) {
    case 'budgetExhausted':
      return 'budgetExhausted';
    case 'budgetBelow':
      return { budgetBelow: condition.percent };
    case 'burnAlert':
      return { burnAlert: condition.severity };
    case 'freeze':
      return condition.freezes === 'all' ? 'freeze' : { freeze: [...condition.freezes] };
  }
}

/** Every resource of a model; throws like `serviceToDocument` for a service without a team. */
export function modelToDocuments(model: ReliabilityModel): {
  services: ServiceDocumentInput[];
  slos: SloDocumentInput[];
  dataSources: DataSourceDocumentInput[];
  schedules: ScheduleDocumentInput[];
  policies: ErrorBudgetPolicyDocumentInput[];
  escalationPolicies: EscalationPolicyDocumentInput[];
  runbooks: RunbookDocumentInput[];
  incidentSettings: IncidentSettingsDocumentInput[];
  heartbeats: HeartbeatDocumentInput[];
} {
  return {
    services: model.services.map(serviceToDocument),
    slos: model.slos.map(sloToDocument),
    dataSources: model.dataSources.map(dataSourceToDocument),
    schedules: model.schedules.map(scheduleToDocument),
    policies: model.policies.map(policyToDocument),
    escalationPolicies: model.escalationPolicies.map(escalationPolicyToDocument),
    runbooks: model.runbooks.map(runbookToDocument),
    incidentSettings: model.incidentSettings.map(incidentSettingsToDocument),
    heartbeats: model.heartbeats.map(heartbeatToDocument),
  };
}

/** The canonical document of an escalation policy: durations written as such, defaults filled in. */
export function escalationPolicyToDocument(
  resource: EscalationPolicyResource,
): EscalationPolicyDocumentInput {
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'EscalationPolicy',
    metadata: { name: resource.name, labels: sortedRecord(resource.labels) },
    spec: {
      ...defined('team', resource.team),
      services: [...resource.services],
      teams: [...resource.teams],
      levels: resource.policy.levels.map((level) => ({
        notify: level.targets.map((target) =>
          target.kind === 'user'
            ? { user: target.name }
            : target.kind === 'schedule'
              ? { schedule: target.name }
              : { team: target.name },
        ),
        timeout: formatDuration(level.timeoutMinutes),
      })),
      repeat: resource.policy.repeat,
      ...(resource.incidentResponseSchedule === undefined
        ? {}
        : { incidentResponse: { schedule: resource.incidentResponseSchedule } }),
      channels: resource.channels.map((channel) =>
        channel.kind === 'webhook'
          ? { webhook: { url: channel.url, ...defined('secret', channel.secret) } }
          : { slack: { url: channel.url } },
      ),
      ...(resource.lowUrgency.length === 0 ? {} : { lowUrgency: [...resource.lowUrgency] }),
    },
  };
}

function sliOf(sli: Sli): SloSpecInput['sli'] {
  const source = sourceOf(sli.source);
  const withSource = source === undefined ? {} : { source };
  if (sli.kind === 'ratio') return { ratio: { counts: sli.counts }, ...withSource };
  return {
    threshold: {
      operator: sli.operator,
      value: sli.threshold,
      ...defined('unit', sli.unit),
    },
    ...withSource,
  };
}

function sourceOf(source: SliSource): NonNullable<SloSpecInput['sli']['source']> | undefined {
  if (source.type === 'events') return undefined;
  if (source.type === 'heartbeat') {
    const { heartbeat, maxDurationMs } = source;
    return {
      heartbeat: {
        name: heartbeat,
        ...(maxDurationMs === undefined
          ? {}
          : { maxDuration: formatDuration(Math.round(maxDurationMs / MINUTE_MS)) }),
      },
    };
  }
  return {
    prometheus: {
      ...defined('dataSource', source.dataSource),
      ...defined('goodQuery', source.goodQuery),
      ...defined('badQuery', source.badQuery),
      ...defined('totalQuery', source.totalQuery),
      ...defined('errorRatioQuery', source.errorRatioQuery),
    },
  };
}

function windowOf(window: SloWindow): SloSpecInput['window'] {
  if (window.kind === 'rolling') return formatDuration(window.minutes);
  return { calendar: window.unit, timeZone: window.timeZone };
}

function ruleOf(rule: BurnRateAlertRule) {
  return {
    severity: rule.severity,
    longWindow: formatDuration(rule.longWindowMinutes),
    shortWindow: formatDuration(rule.shortWindowMinutes),
    factor: rule.factor,
  };
}

/**
 * The percentage a fraction denotes, as the number whose shortest decimal text is
 * that percentage exactly (999/1000 -> 99.9), checked to parse back to the same value.
 */
function percentOf(fraction: Fraction, field: string, slo: string): number {
  const text = exactPercentText(fraction);
  const percent = text === undefined ? undefined : Number(text);
  const back = percent === undefined ? undefined : fractionFromPercent(percent);
  if (percent === undefined || back === undefined || !sameValue(back, fraction)) {
    throw new Error(
      `SLO "${slo}": ${field} ${fraction.numerator}/${fraction.denominator} cannot be written as an exact percentage of at most 15 significant digits`,
    );
  }
  return percent;
}

/** 100 × n/d as exact decimal text, or undefined when it does not terminate. */
function exactPercentText({ numerator, denominator }: Fraction): string | undefined {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    return undefined;
  }
  let top = BigInt(numerator) * 100n;
  let bottom = BigInt(denominator);
  const divisor = gcd(top < 0n ? -top : top, bottom);
  top /= divisor;
  bottom /= divisor;
  // A decimal terminates exactly when the denominator has no prime factors but 2 and 5.
  let rest = bottom;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos += 1;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives += 1;
  }
  if (rest !== 1n) return undefined;
  const places = Math.max(twos, fives);
  const scaled = (top * 10n ** BigInt(places)) / bottom;
  const sign = scaled < 0n ? '-' : '';
  const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const decimals = digits.slice(digits.length - places);
  return places === 0 ? `${sign}${whole}` : `${sign}${whole}.${decimals}`;
}

function sameValue(a: Fraction, b: Fraction): boolean {
  return (
    BigInt(a.numerator) * BigInt(b.denominator) === BigInt(b.numerator) * BigInt(a.denominator)
  );
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** `{ key: value }`, or nothing when the value is undefined: optional fields are left out. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}
