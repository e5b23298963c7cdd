// The reasons the gate gives, and their words: one paragraph a person can act on
// (what matched, until when, what would lift it), with the numbers beside it for
// machines.
import type { ActiveFreeze, HeldUntil } from './freezes.js';
import type {
  ApprovalLift,
  GateReason,
  ReasonFreeze,
  ReasonIncident,
  ReasonKind,
  ReasonSlo,
  RuleMatch,
  Waiver,
  WaivedReason,
} from './decision.js';
import type { CompiledPolicy } from './compile.js';
import type { FiringAlert, PolicyEffect, SloFacts } from './model.js';
import { objectivePercent, sliPercent } from '../slo/percentages.js';
import { formatWeeklyTime } from './weekly-window.js';
import { formatLocal, isoInstant } from './zone-time.js';

export function sloNumbers(slo: SloFacts, thresholdPercent: number | null): ReasonSlo {
  return {
    name: slo.name,
    remaining: slo.remaining,
    exhausted: slo.exhausted || slo.remaining <= 0,
    objective: slo.objective,
    sli: slo.sli,
    window: slo.window,
    thresholdPercent,
  };
}

/**
 * "SLI 99.871% over 30d against an objective of 99.9%": what the budget's percentage
 * is made of, so that nobody has to open the SLO to see how far off it is.
 */
export function sliAgainstObjective(slo: SloFacts): string {
  const window =
    slo.window.type === 'rolling'
      ? `over ${slo.window.length}`
      : `so far this ${slo.window.length}`;
  const objective = `an objective of ${objectivePercent(slo.objective)}`;
  return slo.sli === null
    ? `no events ${window}, against ${objective}`
    : `SLI ${sliPercent(slo.sli)} ${window} against ${objective}`;
}

export interface ReasonContext {
  readonly policy: CompiledPolicy;
  readonly rule: string;
  readonly effect: PolicyEffect;
  readonly unlessLabels: readonly string[];
  readonly actor: string;
  /** What every reason of the rule says after its own text; built with the first reason. */
  words?: RuleWords;
}

interface RuleWords {
  readonly prefix: string;
  readonly consequence: string;
  readonly liftableBy: ApprovalLift | null;
}

interface ReasonDetail {
  /** A sentence for a person, capitalized, without the final stop. */
  readonly text: string;
  readonly slo?: ReasonSlo;
  readonly alert?: FiringAlert;
  readonly freeze?: ReasonFreeze;
  readonly incident?: ReasonIncident;
}

// Reasons are built field by field rather than spread: a spread of a dozen fields
// costs more than the rest of a decision.
export function ruleMatch(context: ReasonContext, reasons: GateReason[]): RuleMatch {
  return {
    policy: context.policy,
    rule: context.rule,
    effect: context.effect,
    unlessLabels: context.unlessLabels,
    reasons,
  };
}

export function withMessage(reason: GateReason, message: string): GateReason {
  return {
    policy: reason.policy,
    rule: reason.rule,
    kind: reason.kind,
    effect: reason.effect,
    message,
    slo: reason.slo,
    alert: reason.alert,
    freeze: reason.freeze,
    incident: reason.incident,
    unlessLabels: reason.unlessLabels,
    liftableBy: reason.liftableBy,
  };
}

export function waive(reason: GateReason, waivedBy: Waiver): WaivedReason {
  return {
    policy: reason.policy,
    rule: reason.rule,
    kind: reason.kind,
    effect: reason.effect,
    message: reason.message,
    slo: reason.slo,
    alert: reason.alert,
    freeze: reason.freeze,
    incident: reason.incident,
    unlessLabels: reason.unlessLabels,
    liftableBy: reason.liftableBy,
    waivedBy,
  };
}

function ruleWords(context: ReasonContext): RuleWords {
  const { policy, rule, effect, unlessLabels, actor } = context;
  const liftableBy =
    effect === 'requireApproval'
      ? {
          roles: policy.approvalRoles,
          notBy: actor,
          maxDurationSeconds: policy.maxApprovalMs / 1000,
        }
      : null;
  const labels = unlessLabels.length === 0 ? '' : `, or label the deploy ${orList(unlessLabels)}`;
  const consequence =
    liftableBy === null
      ? unlessLabels.length === 0
        ? 'Deploys are denied; no approval lifts this rule.'
        : `Deploys are denied unless labelled ${orList(unlessLabels)}; no approval lifts this rule.`
      : `Needs an approval from a holder of role ${orList(liftableBy.roles)} other than ${actor}${labels}.`;
  return { prefix: `[${policy.name}/${rule}] `, consequence, liftableBy };
}

export function reason(context: ReasonContext, kind: ReasonKind, detail: ReasonDetail): GateReason {
  context.words ??= ruleWords(context);
  const { prefix, consequence, liftableBy } = context.words;
  return {
    policy: context.policy.name,
    rule: context.rule,
    kind,
    effect: context.effect,
    message: `${prefix}${detail.text}. ${consequence}`,
    slo: detail.slo ?? null,
    alert: detail.alert ?? null,
    freeze: detail.freeze ?? null,
    incident: detail.incident ?? null,
    unlessLabels: context.unlessLabels,
    liftableBy,
  };
}

interface DescribedFreeze {
  readonly freeze: ReasonFreeze;
  readonly text: string;
}

// A compiled freeze hands out the same ActiveFreeze for as long as it holds (and
// heldUntil the same answer for it), and formatting local times costs more than the
// rest of a decision: describe it once.
const descriptions = new WeakMap<HeldUntil, DescribedFreeze>();

/**
 * The freeze's reason. Its `until` is when deploys are no longer held (`held`: later
 * than the freeze's own end, `endsAt`, where another freeze takes over), since that
 * is what a person waits for; the text gives both.
 */
export function describeFreeze(freeze: ActiveFreeze, held: HeldUntil): DescribedFreeze {
  let described = descriptions.get(held);
  if (described === undefined) {
    const own = describeFreezeNow(freeze);
    described =
      held.untilMs === freeze.endMs
        ? own
        : {
            freeze: { ...own.freeze, until: isoInstant(held.untilMs) },
            text: `${own.text}, and ${held.followedBy.length === 1 ? 'freeze' : 'freezes'} ${held.followedBy.join(', ')} ${held.followedBy.length === 1 ? 'follows' : 'follow'} without a gap: deploys are held until ${held.complete ? '' : 'at least '}${atInZone(held.untilMs, own.freeze.timeZone)}`,
          };
    descriptions.set(held, described);
  }
  return described;
}

/** "Tue 2027-03-30 00:00 Europe/Amsterdam (2027-03-29T22:00:00.000Z)", or the instant alone. */
function atInZone(ms: number, timeZone: string | null): string {
  return timeZone === null ? isoInstant(ms) : `${formatLocal(ms, timeZone)} (${isoInstant(ms)})`;
}

function describeFreezeNow(freeze: ActiveFreeze): DescribedFreeze {
  const until = isoInstant(freeze.endMs);
  const endsAt = until;
  switch (freeze.kind) {
    case 'holiday': {
      const { spec, run, day } = freeze;
      const place = spec.region === undefined ? spec.country : `${spec.country}-${spec.region}`;
      const kind =
        spec.types.length === 1 && spec.types[0] === 'public' ? 'Public holiday' : 'Holiday';
      const describe = (d: { date: string; names: readonly string[] }) =>
        `${d.names.join(' and ')} (${d.date})`;
      const later = run.days.filter((other) => other.date > day.date);
      const detail =
        describe(day) +
        (later.length === 0 ? '' : `, followed by ${later.map(describe).join(', ')}`);
      return {
        freeze: {
          kind: 'holiday',
          name: freeze.name,
          since: isoInstant(freeze.startMs),
          until,
          endsAt,
          timeZone: spec.timeZone,
          detail,
          holidays: run.days.map(({ date, names }) => ({ date, names })),
        },
        text: `${kind} in ${place}: ${detail}; freeze ${freeze.name} holds deploys until ${formatLocal(freeze.endMs, spec.timeZone)} (${until})`,
      };
    }
    case 'window': {
      const { spec } = freeze;
      const detail = `${formatWeeklyTime(spec.from)} to ${formatWeeklyTime(spec.to)} ${spec.timeZone}`;
      return {
        freeze: {
          kind: 'window',
          name: freeze.name,
          since: isoInstant(freeze.startMs),
          until,
          endsAt,
          timeZone: spec.timeZone,
          detail,
          holidays: null,
        },
        text: `Weekly freeze ${freeze.name} (${detail}) holds deploys until ${formatLocal(freeze.endMs, spec.timeZone)} (${until})`,
      };
    }
    case 'adHoc':
      return {
        freeze: {
          kind: 'adHoc',
          name: freeze.name,
          since: freeze.startMs === undefined ? null : isoInstant(freeze.startMs),
          until,
          endsAt,
          timeZone: freeze.spec.timeZone ?? null,
          detail: freeze.spec.reason,
          holidays: null,
        },
        text: `Freeze ${freeze.name} (${freeze.spec.reason}) holds deploys until ${
          freeze.spec.timeZone === undefined
            ? until
            : `${formatLocal(freeze.endMs, freeze.spec.timeZone)} (${until})`
        }`,
      };
  }
}

export function alertNumbers(alert: FiringAlert): string {
  const rate = (value: number | null) => (value === null ? 'n/a' : formatNumber(value));
  return `burn rate ${rate(alert.longBurnRate)} over ${alert.longWindow} and ${rate(alert.shortBurnRate)} over ${alert.shortWindow}, above ${formatNumber(alert.factor)}`;
}

/** 0.123456 -> "12.35%": two decimals are what a person reads; the exact figure is in `slo`. */
export function percent(fraction: number): string {
  return `${formatNumber(fraction * 100)}%`;
}

function formatNumber(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}
