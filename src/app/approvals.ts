// Approvals: audited exceptions to error-budget policies. A person gives one with a
// token bound to them (api_tokens.user_name); the approver is that user, with the
// roles they hold, and never the person who asked. What an approval lifts is decided
// at each gate check (core/policy/approvals.ts); this refuses, up front, approvals
// that could never count, with what to do instead.
import { randomBytes } from 'node:crypto';
import type { CompiledPolicy } from '../core/policy/compile.js';
import { INCIDENT_FREEZE_RULE, type Approval } from '../core/policy/model.js';
import { formatDuration } from '../core/time/duration.js';
import type { ApprovalRequest } from '../schema/policy.js';
import { recordChange } from './audit.js';
import { requireServiceExists } from './deploys.js';
import { forbidden, invalid, notFound, type FieldError } from './errors.js';
import type { ApprovalGrantRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { actorOf, mayEditTeam, requireReader, type Principal } from './principal.js';

/** Catalog reads may be this stale on an instance that did not take the write itself. */
const CATALOG_FRESHNESS_MS = 250;

export type ApprovalState = 'active' | 'expired' | 'revoked';

export function approvalState(approval: ApprovalGrantRecord, atMs: number): ApprovalState {
  if (approval.revokedAt !== null) return 'revoked';
  return approval.expiresAt > atMs ? 'active' : 'expired';
}

/** The engine's approval of a stored one, with the roles its approver holds now. */
export function approvalOf(
  record: ApprovalGrantRecord,
  approverRolesNow: readonly string[],
): Approval {
  return {
    id: record.id,
    service: record.service,
    approver: record.approver,
    approverRoles: approverRolesNow,
    requester: record.requester ?? undefined,
    reason: record.reason,
    grantedAtMs: record.grantedAt,
    expiresAtMs: record.expiresAt,
    scope: record.scope,
  };
}

export async function createApproval(
  { store, clock, catalog }: AppDependencies,
  principal: Principal,
  input: ApprovalRequest,
): Promise<ApprovalGrantRecord> {
  requireReader(principal);
  if (principal.kind !== 'token' || principal.user === null) {
    throw forbidden(
      'an approval is given by a person: use an API token bound to a user (POST /api/v1/tokens with "user"); this token belongs to no one',
    );
  }
  await catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const service = catalog.service(input.service);
  if (service === undefined) throw notFound(`service "${input.service}"`);
  const user = await store.getUser(principal.user);
  if (user === undefined) {
    throw forbidden(`this token's user "${principal.user}" no longer exists`);
  }
  if (input.requester === user.name) {
    throw forbidden(
      `${user.name} asked for this approval and cannot give it: an approval is never given by the one who asks for it; ask another holder of the approver role`,
    );
  }

  const policies = catalog.policies().index.forService(service);
  const approving = policies.filter((policy) => policy.approvalRoles.length > 0);
  if (approving.length === 0) {
    throw invalid(`no policy of service "${service.name}" takes approvals`, [
      {
        path: 'service',
        message:
          policies.length === 0
            ? `no error-budget policy applies to "${service.name}": nothing holds its deploys`
            : `the policies of "${service.name}" (${names(policies)}) have no requireApproval rules; only labels lift their rules`,
      },
    ]);
  }
  const mine = approving.filter((policy) =>
    policy.approvalRoles.some((role) => user.roles.includes(role)),
  );
  if (mine.length === 0) {
    const held = user.roles.length === 0 ? 'no role' : `role ${user.roles.join(', ')}`;
    throw forbidden(
      `${user.name} holds ${held}; the policies of "${service.name}" take approvals from ${approving
        .map((policy) => `${policy.name}: ${policy.approvalRoles.join(', ')}`)
        .join('; ')}`,
    );
  }

  const now = clock.now();
  const expiresAt = Date.parse(input.expiresAt);
  const errors: FieldError[] = [];
  const scopeErrors: FieldError[] = [];
  // The policies the approval is for: those holding a rule its scope names (all: every
  // policy the approver approves for, each of which has a rule approvals lift, or the
  // config would not load). Only their caps matter, and each of them must take it: the
  // gate judges an approval against the policy of the rule at hand.
  const named = new Set<CompiledPolicy>();
  if (input.scope === 'all') {
    for (const policy of mine) named.add(policy);
  } else {
    input.scope.forEach((reference, index) => {
      const target = scopeTarget(reference, mine, approving, user.roles);
      if (typeof target === 'string') {
        scopeErrors.push({ path: `scope[${index}]`, message: target });
      } else {
        for (const policy of target) named.add(policy);
      }
    });
  }
  const tooLong: CompiledPolicy[] = [];
  if (expiresAt <= now) {
    errors.push({ path: 'expiresAt', message: 'expiresAt must be in the future' });
  } else {
    const lengthMs = expiresAt - now;
    // With no scope entry standing, which caps apply waits on the scope's fix; the
    // expiry is wrong already if no policy of the approver's would take it.
    const judged =
      named.size > 0
        ? mine.filter((policy) => named.has(policy))
        : [mine.reduce((a, b) => (b.maxApprovalMs > a.maxApprovalMs ? b : a))];
    const fits = judged.filter((policy) => lengthMs <= policy.maxApprovalMs);
    const runs = formatDuration(Math.ceil(lengthMs / 60_000));
    for (const policy of judged) {
      if (lengthMs <= policy.maxApprovalMs) continue;
      tooLong.push(policy);
      const cap = formatDuration(policy.maxApprovalMs / 60_000);
      const instead =
        fits.length === 0
          ? ''
          : input.scope === 'all'
            ? `; without rules it is for every policy you approve for: give at most ${cap}, or name in scope only rules of ${names(fits)}`
            : `; give at most ${cap}, or leave ${policy.name}'s rules out of scope`;
      errors.push({
        path: 'expiresAt',
        message: `policy ${policy.name} allows approvals of at most ${cap}; this one would run ${runs}${instead}`,
      });
    }
  }
  errors.push(...scopeErrors);
  if (errors.length > 0) {
    // Refused even when other policies take it: an approval that lifts only part of what
    // it names would surprise its approver at the deploy, not here where it can be fixed.
    const partly = errors.length === tooLong.length && tooLong.length < named.size;
    throw invalid(
      partly
        ? `the approval would not count for ${names(tooLong)}`
        : 'the approval would never count',
      errors,
    );
  }

  const approval: ApprovalGrantRecord = {
    id: `apr_${randomBytes(8).toString('hex')}`,
    service: service.name,
    approver: user.name,
    approverRoles: user.roles,
    requester: input.requester ?? null,
    reason: input.reason,
    scope: input.scope,
    grantedAt: now,
    expiresAt,
    createdBy: actorOf(principal),
    revokedAt: null,
    revokedBy: null,
  };
  await store.transaction(async (tx) => {
    await tx.insertApproval(approval);
    await recordChange(tx, now, principal, {
      action: 'create',
      kind: 'Approval',
      name: approval.id,
      before: null,
      after: approval,
    });
  });
  // The gate reads approvals from the catalog: the next check here must see this one.
  await catalog.refresh();
  return approval;
}

export async function listApprovals(
  deps: AppDependencies,
  principal: Principal,
  query: { readonly service?: string | undefined; readonly state: 'active' | 'all'; limit: number },
): Promise<ApprovalGrantRecord[]> {
  requireReader(principal);
  const { store, clock } = deps;
  if (query.service !== undefined) await requireServiceExists(deps, query.service);
  const now = clock.now();
  return store.listApprovals({
    ...(query.service === undefined ? {} : { service: query.service }),
    ...(query.state === 'active' ? { notRevoked: true, expiringAfter: now } : {}),
    limit: query.limit,
  });
}

/** The approver, an admin, or an editor of the service's team may revoke. Revoking twice is a no-op. */
export async function revokeApproval(
  { store, clock, catalog }: AppDependencies,
  principal: Principal,
  id: string,
): Promise<void> {
  requireReader(principal);
  await store.transaction(async (tx) => {
    const before = await tx.getApproval(id);
    if (before === undefined) throw notFound(`approval "${id}"`);
    const team = catalog.service(before.service)?.team ?? null;
    const isApprover = principal.kind === 'token' && principal.user === before.approver;
    if (!isApprover && !mayEditTeam(principal, team)) {
      throw forbidden(
        `revoking approval ${id} needs the approver's own token (${before.approver}), an admin token, or an editor token of team ${team ?? '(none)'}`,
      );
    }
    if (before.revokedAt !== null) return;
    const now = clock.now();
    const by = actorOf(principal);
    await tx.revokeApproval(id, now, by);
    await recordChange(tx, now, principal, {
      action: 'delete',
      kind: 'Approval',
      name: id,
      before,
      after: { ...before, revokedAt: now, revokedBy: by },
    });
  });
  await catalog.refresh();
}

/** The rules of a policy an approval can lift, as policy/rule. */
function liftableRules(policy: CompiledPolicy): string[] {
  const rules = policy.rules
    .filter((rule) => rule.effect === 'requireApproval')
    .map((rule) => `${policy.name}/${rule.name}`);
  if (policy.incidentFreeze?.effect === 'requireApproval') {
    rules.push(`${policy.name}/${INCIDENT_FREEZE_RULE}`);
  }
  return rules;
}

/**
 * The approver's policies whose liftable rules a scope entry names (a bare rule name
 * can name one in several), or why it names none the approver may lift.
 */
function scopeTarget(
  reference: string,
  mine: readonly CompiledPolicy[],
  approving: readonly CompiledPolicy[],
  roles: readonly string[],
): CompiledPolicy[] | string {
  const [policyName, ruleName] = reference.includes('/')
    ? (reference.split('/') as [string, string])
    : [undefined, reference];
  const isNamed = (policy: CompiledPolicy) =>
    (policyName === undefined || policy.name === policyName) &&
    liftableRules(policy).includes(`${policy.name}/${ruleName}`);
  const targets = mine.filter(isNamed);
  if (targets.length > 0) return targets;
  const others = approving.filter(isNamed);
  if (others.length > 0) {
    const held = roles.length === 0 ? 'no role' : `role ${roles.join(', ')}`;
    return `you hold ${held}; ${others
      .map(
        (policy) => `policy ${policy.name} takes approvals from ${policy.approvalRoles.join(', ')}`,
      )
      .join('; ')}`;
  }
  return scopeProblem(reference, mine);
}

/** Why a scope entry names no rule approvals lift in the approver's policies. */
function scopeProblem(reference: string, policies: readonly CompiledPolicy[]): string {
  const [policyName, ruleName] = reference.includes('/')
    ? (reference.split('/') as [string, string])
    : [undefined, reference];
  const candidates = policies.filter(
    (policy) => policyName === undefined || policy.name === policyName,
  );
  const liftable = candidates.flatMap(liftableRules);
  // Nothing here lifts by approval, so a rule of that name is one that denies.
  const denies = candidates
    .flatMap((policy) =>
      [
        ...policy.rules.map((rule) => rule.name),
        ...(policy.incidentFreeze === undefined ? [] : [INCIDENT_FREEZE_RULE]),
      ]
        .filter((name) => name === ruleName)
        .map((name) => `${policy.name}/${name}`),
    )
    .at(0);
  const choices =
    liftable.length === 0
      ? 'none of them lifts by approval'
      : `rules you may lift: ${liftable.join(', ')}`;
  if (denies !== undefined) {
    return `rule ${denies} denies, and approvals do not lift deny rules (only its unlessLabels do); ${choices}`;
  }
  return `no rule ${JSON.stringify(reference)} in the policies you approve for (${names(policies)}); ${choices}`;
}

function names(policies: readonly CompiledPolicy[]): string {
  return policies.map((policy) => policy.name).join(', ');
}
