// What the gate answers: every reason that holds a deploy (which rule, which SLO
// and its numbers, which freeze and until when, which incident), what was waived
// and by what, which approvals counted and which did not, and who could lift the
// rest. schema/policy.ts publishes the same shape as the API's DeployDecision.
import type { CompiledPolicy } from './compile.js';
import type { FreezeKind } from './freezes.js';
import type {
  ConditionKind,
  DeployRequest,
  FiringAlert,
  GateFacts,
  GateService,
  OnUnavailable,
  PolicyEffect,
  SloWindowFacts,
} from './model.js';

/** `budgetUnknown`: a budget or burn-alert rule met an SLO whose SLI could not be read. */
export type ReasonKind = ConditionKind | 'incident' | 'budgetUnknown';

export interface ReasonSlo {
  readonly name: string;
  /** Fraction of the budget left: 1 untouched, 0 spent, negative overspent. */
  readonly remaining: number;
  readonly exhausted: boolean;
  /** The objective as a fraction: 99.9 % is 0.999. */
  readonly objective: number;
  /** Good / total over the window; null without events (or unknown). */
  readonly sli: number | null;
  readonly window: SloWindowFacts;
  /** budgetBelow: the percentage the rule names. */
  readonly thresholdPercent: number | null;
}

export interface ReasonFreeze {
  readonly kind: FreezeKind;
  readonly name: string;
  /** When the freeze began holding deploys; null for an ad-hoc freeze without a start. */
  readonly since: string | null;
  /**
   * When deploys are no longer held (exclusive): the freeze's end, or later where
   * another freeze the rule names begins as it ends or overlaps it (looked for up to
   * 14 days past its end).
   */
  readonly until: string;
  /** When this freeze itself ends; absent in decisions stored before it was given. */
  readonly endsAt?: string | undefined;
  /** The zone of a holiday calendar or weekly window; null for ad-hoc freezes. */
  readonly timeZone: string | null;
  /** The holidays, the weekly window (Fri 16:00 to Mon 08:00) or the ad-hoc reason. */
  readonly detail: string;
  /** Holiday freezes: the days of the run, in order. */
  readonly holidays: readonly { readonly date: string; readonly names: readonly string[] }[] | null;
}

export interface ReasonIncident {
  readonly id: string;
  readonly title: string | null;
  /** The service the incident is open on: this one or a dependency. */
  readonly service: string;
  readonly viaDependency: boolean;
}

/** Who may lift a reason by approving, and for how long. The deploying actor never may. */
export interface ApprovalLift {
  readonly roles: readonly string[];
  readonly notBy: string;
  /**
   * The longest an approval may run, grant to expiry, and still count (the policy's
   * approvals.maxDuration). Optional because decisions stored before it was given lack it.
   */
  readonly maxDurationSeconds?: number | undefined;
}

export interface GateReason {
  readonly policy: string;
  readonly rule: string;
  readonly kind: ReasonKind;
  readonly effect: PolicyEffect;
  /** One paragraph for a person: what matched, until when, and what would lift it. */
  readonly message: string;
  readonly slo: ReasonSlo | null;
  readonly alert: FiringAlert | null;
  readonly freeze: ReasonFreeze | null;
  readonly incident: ReasonIncident | null;
  /** Any of these labels on the deploy waives the reason. */
  readonly unlessLabels: readonly string[];
  /** null: no approval lifts it (a deny rule). */
  readonly liftableBy: ApprovalLift | null;
}

export type Waiver =
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'approval'; readonly approval: string; readonly approver: string };

export interface WaivedReason extends GateReason {
  readonly waivedBy: Waiver;
}

export interface AppliedApproval {
  readonly id: string;
  readonly approver: string;
  readonly reason: string;
  readonly expiresAt: string;
  /** The rules it lifted, as `policy/rule`. */
  readonly rules: readonly string[];
}

export const APPROVAL_REFUSALS = [
  'approverIsRequester',
  'otherRequester',
  'roleNotAllowed',
  'notYetValid',
  'expired',
  'tooLong',
  'notApprovable',
] as const;
export type ApprovalRefusal = (typeof APPROVAL_REFUSALS)[number];

/** An approval that names a matched rule but does not count for it, and why. */
export interface RefusedApproval {
  readonly id: string;
  readonly approver: string;
  readonly refusal: ApprovalRefusal;
  readonly message: string;
  readonly rules: readonly string[];
}

/**
 * The approvals that would let the deploy out: one per policy, from a holder of one of
 * its roles. The `maxDurationSeconds` fields are optional because decisions stored
 * before they were given lack them.
 */
export interface DecisionLift {
  readonly approvals: readonly {
    readonly policy: string;
    readonly rules: readonly string[];
    readonly roles: readonly string[];
    /** The longest an approval under this policy may run and still count. */
    readonly maxDurationSeconds?: number | undefined;
  }[];
  readonly notBy: string;
  /**
   * The longest an approval may run and count under every policy above: the deploy goes
   * out only while all of them hold, and one approval may lift rules of several.
   */
  readonly maxDurationSeconds?: number | undefined;
}

export interface DeployDecision {
  readonly service: string;
  readonly actor: string;
  readonly at: string;
  readonly allowed: boolean;
  /** The policies that applied, by name. */
  readonly policies: readonly string[];
  /** What holds the deploy; empty when allowed. */
  readonly reasons: readonly GateReason[];
  /** What matched but was waived by a label or lifted by an approval. */
  readonly waived: readonly WaivedReason[];
  readonly approvalsApplied: readonly AppliedApproval[];
  readonly approvalsRefused: readonly RefusedApproval[];
  /** null when allowed, or when some reason cannot be lifted by approval. */
  readonly liftableBy: DecisionLift | null;
  /** What the CLI does when the server cannot answer, for these policies. */
  readonly onUnavailable: OnUnavailable;
}

export interface GateInput {
  readonly request: DeployRequest;
  readonly service: GateService;
  /** The policies that apply to the service (PolicyIndex.forService). */
  readonly policies: readonly CompiledPolicy[];
  readonly facts: GateFacts;
}

/** The matched rule of one policy, with its reasons, before approvals are looked at. */
export interface RuleMatch {
  readonly policy: CompiledPolicy;
  readonly rule: string;
  readonly effect: PolicyEffect;
  readonly unlessLabels: readonly string[];
  readonly reasons: GateReason[];
}
