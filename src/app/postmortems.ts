// Postmortems and their action items. The first draft is written from what Headroom
// knows (times, timeline, budget impact, deploys, pages); people write the rest, the
// review publishes it, and the action items are tracked after publication.
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { incidentTimes } from '../core/incidents/durations.js';
import { INCIDENT_ROLE_LABELS, INCIDENT_ROLES, severityLevel } from '../core/incidents/model.js';
import {
  isOverdue,
  validateActionItem,
  type ActionItem,
  type ActionItemPriority,
  type ActionItemStatus,
} from '../core/postmortem/action-items.js';
import { checkBlamelessLanguage } from '../core/postmortem/blameless.js';
import {
  DEFAULT_DEPLOY_LOOKBACK_MS,
  draftPostmortem,
  unwrittenSections,
  type PostmortemFacts,
} from '../core/postmortem/draft.js';
import { reviewTransition, withReviewStatus } from '../core/postmortem/review.js';
import { runbookFromPostmortem } from '../core/postmortem/runbook.js';
import type { RunbookDocumentInput } from '../schema/runbook.js';
import { runbookToDocument } from '../schema/runbook.js';
import { conflict, invalid, notFound } from './errors.js';
import {
  budgetImpact,
  deploysBefore,
  incidentTimeline,
  incidentWindow,
  timelineFacts,
} from './incident-facts.js';
import { incidentRef, loadIncident, severitiesOf, teamsOf } from './incidents.js';
import type { ActionItemRecord, PostmortemRecord, PostmortemStatus } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import { personOf, requireReader, requireResponder, type Principal } from './principal.js';

const CATALOG_FRESHNESS_MS = 250;

export interface PostmortemView {
  readonly record: PostmortemRecord;
  readonly unwrittenSections: readonly string[];
  readonly findings: ReturnType<typeof checkBlamelessLanguage>;
}

/** Writes the first draft; refused when the incident has one already (edit that one). */
export async function createPostmortemDraft(
  deps: AppDependencies,
  principal: Principal,
  id: number,
): Promise<PostmortemView> {
  requireResponder(principal, 'draft a postmortem');
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  if ((await deps.store.getPostmortem(id)) !== undefined) {
    throw conflict(
      `${incidentRef(id)} has a postmortem already; read it with GET and edit it with PUT`,
    );
  }
  const markdown = await draftMarkdown(deps, principal, id);
  const now = deps.clock.now();
  const record: PostmortemRecord = {
    incidentId: id,
    status: 'draft',
    markdown,
    createdAt: now,
    updatedAt: now,
    updatedBy: personOf(principal),
    publishedAt: null,
    revision: 1,
  };
  if (!(await deps.store.putPostmortem(record, undefined))) {
    throw conflict(`${incidentRef(id)} got a postmortem meanwhile; read it with GET`);
  }
  return viewOf(deps, record);
}

/** The draft as it would be written now, stored or not (`headroom postmortem draft`). */
export async function draftMarkdown(
  deps: AppDependencies,
  principal: Principal,
  id: number,
): Promise<string> {
  return draftPostmortem(await postmortemFacts(deps, principal, id));
}

export async function getPostmortem(
  deps: AppDependencies,
  principal: Principal,
  id: number,
): Promise<PostmortemView> {
  requireReader(principal);
  return viewOf(deps, await mustGetPostmortem(deps, id));
}

export async function editPostmortem(
  deps: AppDependencies,
  principal: Principal,
  id: number,
  edit: { readonly markdown: string; readonly revision: number },
): Promise<PostmortemView> {
  requireResponder(principal, 'edit a postmortem');
  const before = await mustGetPostmortem(deps, id);
  if (before.status === 'published') {
    throw conflict(
      'the postmortem is published and can no longer change; add corrections as an addendum or a follow-up postmortem',
    );
  }
  return save(deps, before, edit.revision, {
    // An edit of a copy taken before a review step must not bring its old status back.
    markdown: withReviewStatus(edit.markdown, before.status),
    updatedBy: personOf(principal),
  });
}

export async function reviewPostmortem(
  deps: AppDependencies,
  principal: Principal,
  id: number,
  status: PostmortemStatus,
): Promise<PostmortemView> {
  requireResponder(principal, 'move a postmortem through review');
  const before = await mustGetPostmortem(deps, id);
  const transition = reviewTransition(before.status, status, before.markdown);
  if (!transition.ok) {
    const { problem } = transition;
    if (problem.code === 'unwritten-sections') {
      throw invalid(
        problem.message,
        problem.sections.map((section) => ({
          path: 'markdown',
          message: `"${section}" is not written yet`,
        })),
      );
    }
    throw conflict(problem.message);
  }
  const now = deps.clock.now();
  return save(deps, before, before.revision, {
    status: transition.state,
    markdown: withReviewStatus(before.markdown, transition.state),
    updatedBy: personOf(principal),
    ...(transition.state === 'published' ? { publishedAt: now } : {}),
  });
}

/** A Runbook document from the postmortem's resolution steps, to review and apply. */
export async function runbookDraft(
  deps: AppDependencies,
  principal: Principal,
  id: number,
): Promise<{ document: RunbookDocumentInput; yaml: string }> {
  requireReader(principal);
  const postmortem = await mustGetPostmortem(deps, id);
  const { incident, pages } = await loadIncident(deps, principal, id);
  const service = incident.services[0] ?? '';
  const alerts = [
    ...new Set(
      pages.flatMap((page) =>
        page.alerts.flatMap((alert) => alert.labels.alertname ?? alert.labels.slo ?? []),
      ),
    ),
  ];
  const title = `${incident.title}: what to do`;
  const draft = runbookFromPostmortem(postmortem.markdown, { service, title, alerts });
  if (!draft.ok) throw invalid(draft.message, [{ path: 'markdown', message: draft.message }]);
  const name = `${service}-${incidentRef(id).toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
  const document = runbookToDocument({
    name,
    title,
    service: service === '' ? undefined : service,
    alerts,
    team: undefined,
    markdown: draft.markdown,
    labels: { 'headroom.dev/from-postmortem': incidentRef(id) },
  });
  return { document, yaml: stringify(document, { lineWidth: 0 }) };
}

// ---------------------------------------------------------------------------
// Action items

export interface ActionItemInput {
  readonly title: string;
  readonly owner: string;
  readonly team?: string | undefined;
  readonly priority: ActionItemPriority;
  readonly dueAt?: string | undefined;
}

export async function addActionItem(
  deps: AppDependencies,
  principal: Principal,
  incidentId: number,
  input: ActionItemInput,
): Promise<ActionItemRecord> {
  requireResponder(principal, 'add an action item');
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const { incident } = await loadIncident(deps, principal, incidentId);
  const team = input.team ?? teamsOf(deps, incident.services)[0];
  if (team === undefined) {
    throw invalid('the action item needs a team', [
      {
        path: 'team',
        message: "name the team that keeps the item; the incident's services have none",
      },
    ]);
  }
  const now = deps.clock.now();
  const record: ActionItemRecord = {
    id: `ai_${randomBytes(6).toString('hex')}`,
    incidentId,
    title: input.title,
    owner: input.owner,
    team,
    priority: input.priority,
    dueAt: input.dueAt === undefined ? null : Date.parse(input.dueAt),
    status: 'open',
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  requireValid(record);
  await deps.store.putActionItem(record);
  return record;
}

export async function changeActionItem(
  deps: AppDependencies,
  principal: Principal,
  id: string,
  change: {
    readonly title?: string | undefined;
    readonly owner?: string | undefined;
    readonly team?: string | undefined;
    readonly priority?: ActionItemPriority | undefined;
    readonly dueAt?: string | null | undefined;
    readonly status?: ActionItemStatus | undefined;
  },
): Promise<ActionItemRecord> {
  requireResponder(principal, 'change an action item');
  const before = await deps.store.getActionItem(id);
  if (before === undefined) throw notFound(`action item "${id}"`);
  const now = deps.clock.now();
  const status = change.status ?? (before.status as ActionItemStatus);
  const closing = status === 'done' || status === 'wont-do';
  const after: ActionItemRecord = {
    ...before,
    ...(change.title === undefined ? {} : { title: change.title }),
    ...(change.owner === undefined ? {} : { owner: change.owner }),
    ...(change.team === undefined ? {} : { team: change.team }),
    ...(change.priority === undefined ? {} : { priority: change.priority }),
    ...(change.dueAt === undefined
      ? {}
      : { dueAt: change.dueAt === null ? null : Date.parse(change.dueAt) }),
    status,
    closedAt: closing ? (before.closedAt ?? now) : null,
    updatedAt: now,
  };
  requireValid(after);
  await deps.store.putActionItem(after);
  return after;
}

export async function listActionItems(
  deps: AppDependencies,
  principal: Principal,
  query: {
    readonly team?: string | undefined;
    readonly owner?: string | undefined;
    readonly incident?: number | undefined;
    readonly status?: string | undefined;
    readonly overdue?: boolean | undefined;
    readonly limit: number;
  },
): Promise<ActionItemRecord[]> {
  requireReader(principal);
  const items = await deps.store.listActionItems({
    ...(query.team === undefined ? {} : { team: query.team }),
    ...(query.owner === undefined ? {} : { owner: query.owner }),
    ...(query.incident === undefined ? {} : { incidentId: query.incident }),
    ...(query.overdue === true
      ? { status: 'open' }
      : query.status === undefined
        ? {}
        : { status: query.status }),
    limit: query.limit,
  });
  const now = deps.clock.now();
  return query.overdue === true
    ? items.filter((item) => isOverdue(actionItemOf(item), now))
    : items;
}

export function actionItemOf(record: ActionItemRecord): ActionItem {
  return {
    id: record.id,
    incidentId: incidentRef(record.incidentId),
    title: record.title,
    owner: record.owner,
    team: record.team,
    priority: record.priority as ActionItemPriority,
    dueAt: record.dueAt ?? undefined,
    status: record.status as ActionItemStatus,
    createdAt: record.createdAt,
    closedAt: record.closedAt ?? undefined,
  };
}

// ---------------------------------------------------------------------------

async function postmortemFacts(
  deps: AppDependencies,
  principal: Principal,
  id: number,
): Promise<PostmortemFacts> {
  await deps.catalog.refresh({ maxAgeMs: CATALOG_FRESHNESS_MS });
  const { incident, events, pages } = await loadIncident(deps, principal, id);
  const times = incidentTimes(incident, pages);
  const window = incidentWindow(deps, incident, times.startedAt);
  const facts = await timelineFacts(deps, incident, pages, window);
  const timeline = incidentTimeline(events, facts);
  const [impacts, deploys, items] = await Promise.all([
    budgetImpact(deps, incident.services, window),
    deploysBefore(deps, incident.services, times.startedAt, DEFAULT_DEPLOY_LOOKBACK_MS),
    deps.store.listActionItems({ incidentId: id, limit: 1000 }),
  ]);
  const rollbacksDuring = facts.deploys.filter(
    (deploy) =>
      deploy.at > times.startedAt &&
      (deploy.status === 'rolled_back' || deploy.labels.includes('rollback')),
  );
  return {
    incident: {
      id: incidentRef(id),
      title: incident.title,
      severity: incident.severity,
      severityMeaning: severityLevel(severitiesOf(deps), incident.severity)?.meaning,
      status: incident.status,
      services: incident.services,
      teams: teamsOf(deps, incident.services),
      summary: incident.summary,
      roles: INCIDENT_ROLES.flatMap((role) => {
        const held = incident.roles[role];
        return held === undefined
          ? []
          : [{ role: capitalized(INCIDENT_ROLE_LABELS[role]), person: held.person }];
      }),
      declaredBy: incident.declaredBy,
      startedAt: times.startedAt,
      detectedAt: times.detectedAt,
      acknowledgedAt: times.acknowledgedAt,
      mitigatedAt: times.mitigatedAt,
      resolvedAt: times.resolvedAt,
      timeToAcknowledgeMs: times.timeToAcknowledgeMs,
      timeToMitigateMs: times.timeToMitigateMs,
      timeToResolveMs: times.timeToResolveMs,
    },
    timeline: timeline.map((entry) => ({
      at: entry.at,
      // Status changes are what responders did: the draft lists them as resolution steps.
      source:
        entry.source === 'incident' && ['status-changed', 'resolved'].includes(entry.kind)
          ? 'status'
          : entry.source,
      text: entry.text,
      actor: entry.actor,
    })),
    sloImpacts: impacts.flatMap((impact) =>
      impact.budgetConsumed === null
        ? []
        : [
            {
              slo: impact.slo,
              service: impact.service,
              objectivePercent: impact.objectivePercent,
              badEvents: impact.events?.bad ?? 0,
              totalEvents: impact.events?.total ?? 0,
              budgetConsumedFraction: impact.budgetConsumed,
              remainingFractionAtEnd: impact.remainingAtEnd,
            },
          ],
    ),
    contributingDeploys: [
      ...deploys.map((deploy) => ({
        service: deploy.service,
        version: deploy.version ?? undefined,
        commit: deploy.commit ?? undefined,
        at: deploy.at,
        status: deploy.status,
        actor: deploy.actor,
        rollback: deploy.status === 'rolled_back' || deploy.labels.includes('rollback'),
      })),
      ...rollbacksDuring.map((deploy) => ({
        service: deploy.service,
        version: deploy.version,
        commit: deploy.commit,
        at: deploy.at,
        status: deploy.status,
        actor: deploy.actor,
        rollback: true,
      })),
    ],
    pages: facts.pages.map((page) => ({
      id: page.id,
      summary: page.summary,
      openedAt: page.openedAt,
      acknowledgedAt: page.acknowledgedAt,
      acknowledgedBy: page.acknowledgedBy,
      firstAlert:
        page.alerts[0] === undefined
          ? undefined
          : { name: page.alerts[0].summary, source: page.alerts[0].source },
    })),
    notes: events.flatMap((event) => (event.type === 'note' ? [`${event.by}: ${event.text}`] : [])),
    actionItems: items.map(actionItemOf),
    timeZone: 'UTC',
    deployLookbackMs: DEFAULT_DEPLOY_LOOKBACK_MS,
    generatedAt: deps.clock.now(),
  };
}

async function save(
  deps: AppDependencies,
  before: PostmortemRecord,
  expectedRevision: number,
  change: Partial<Pick<PostmortemRecord, 'markdown' | 'status' | 'publishedAt' | 'updatedBy'>>,
): Promise<PostmortemView> {
  const after: PostmortemRecord = {
    ...before,
    ...change,
    updatedAt: deps.clock.now(),
    revision: expectedRevision + 1,
  };
  if (
    expectedRevision !== before.revision ||
    !(await deps.store.putPostmortem(after, expectedRevision))
  ) {
    throw conflict(
      `the postmortem of ${incidentRef(before.incidentId)} changed meanwhile (it is past revision ${expectedRevision}); read it again and merge your edit`,
    );
  }
  return viewOf(deps, after);
}

async function mustGetPostmortem(deps: AppDependencies, id: number): Promise<PostmortemRecord> {
  const postmortem = await deps.store.getPostmortem(id);
  if (postmortem === undefined) {
    if ((await deps.store.getIncident(id)) === undefined)
      throw notFound(`incident ${incidentRef(id)}`);
    throw notFound(`a postmortem of ${incidentRef(id)} (draft one first)`);
  }
  return postmortem;
}

/** People the blameless check looks for: every user, and whoever the incident names. */
async function viewOf(deps: AppDependencies, record: PostmortemRecord): Promise<PostmortemView> {
  const users = await deps.store.listUsers();
  const people = [
    ...new Set([
      ...users.flatMap((user) => [
        user.name,
        ...(user.displayName === null ? [] : [user.displayName]),
      ]),
      record.updatedBy,
    ]),
  ];
  return {
    record,
    unwrittenSections: unwrittenSections(record.markdown),
    findings: checkBlamelessLanguage(record.markdown, people),
  };
}

function requireValid(record: ActionItemRecord): void {
  const problems = validateActionItem(actionItemOf(record));
  if (problems.length > 0) {
    throw invalid(
      'the action item is not valid',
      problems.map((problem) => ({ path: problem.field, message: problem.message })),
    );
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
