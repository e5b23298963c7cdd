// Postmortem action items: the follow-ups an incident leaves behind, which are only
// worth writing down if someone notices when they slip. Priorities follow the usual
// four-level scale (documented on `ActionItemPriority`), and every check takes the
// instant as an argument so the same items give the same answer in tests and in jobs.

/**
 * How urgent an action item is. Four levels, P1 most urgent, each with the target
 * time to close it that teams are expected to aim for (`PRIORITY_TARGET_DAYS`):
 * - P1: prevents a recurrence of this incident; close within a week.
 * - P2: reduces the impact or time to mitigate a recurrence; within 30 days.
 * - P3: improves detection, tooling or process; within the quarter (90 days).
 * - P4: worth doing when there is room; no target.
 */
export const ACTION_ITEM_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type ActionItemPriority = (typeof ACTION_ITEM_PRIORITIES)[number];

/** Target days from creation to closure per priority; null: no target. */
export const PRIORITY_TARGET_DAYS: Readonly<Record<ActionItemPriority, number | null>> = {
  P1: 7,
  P2: 30,
  P3: 90,
  P4: null,
};

export const ACTION_ITEM_STATUSES = ['open', 'in-progress', 'done', 'wont-do'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export interface ActionItem {
  readonly id: string;
  readonly incidentId: string;
  readonly title: string;
  /** The person who drives the item to closure. */
  readonly owner: string;
  /** The team that keeps the item when its owner moves on; overdue reports group by it. */
  readonly team: string;
  readonly priority: ActionItemPriority;
  /** Epoch ms; no due date means the item is never overdue. */
  readonly dueAt?: number | undefined;
  readonly status: ActionItemStatus;
  readonly createdAt: number;
  /** Epoch ms at which the item became done or wont-do. */
  readonly closedAt?: number | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Closed items (done or wont-do) need no more work, so they never count as overdue. */
export function isClosed(item: Pick<ActionItem, 'status'>): boolean {
  return item.status === 'done' || item.status === 'wont-do';
}

/** Still open or in progress and due strictly before `atMs`. */
export function isOverdue(item: ActionItem, atMs: number): boolean {
  return !isClosed(item) && item.dueAt !== undefined && item.dueAt < atMs;
}

/** The due date a priority's target suggests for an item created at `createdAt`. */
export function suggestedDueAt(priority: ActionItemPriority, createdAt: number): number | null {
  const days = PRIORITY_TARGET_DAYS[priority];
  return days === null ? null : createdAt + days * DAY_MS;
}

export interface TeamOverdue {
  readonly team: string;
  /** Oldest due date first: the item that slipped longest leads. */
  readonly items: readonly ActionItem[];
}

/**
 * The overdue items at `atMs` per team, teams in name order and only those with an
 * overdue item; within a team by due date, then priority, then id, so reports are stable.
 */
export function overdueByTeam(items: readonly ActionItem[], atMs: number): readonly TeamOverdue[] {
  const byTeam = new Map<string, ActionItem[]>();
  for (const item of items) {
    if (!isOverdue(item, atMs)) continue;
    const list = byTeam.get(item.team);
    if (list === undefined) byTeam.set(item.team, [item]);
    else list.push(item);
  }
  return [...byTeam.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([team, list]) => ({ team, items: [...list].sort(compareByDue) }));
}

/** Items in the order a reader should work through them: priority, due date, id. */
export function compareActionItems(a: ActionItem, b: ActionItem): number {
  return (
    a.priority.localeCompare(b.priority, 'en') ||
    (a.dueAt ?? Number.POSITIVE_INFINITY) - (b.dueAt ?? Number.POSITIVE_INFINITY) ||
    compareText(a.id, b.id)
  );
}

function compareByDue(a: ActionItem, b: ActionItem): number {
  return (
    (a.dueAt ?? 0) - (b.dueAt ?? 0) ||
    a.priority.localeCompare(b.priority, 'en') ||
    compareText(a.id, b.id)
  );
}

// Code-unit order, not the locale's: the same items sort the same on every machine.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type ActionItemField = 'title' | 'owner' | 'team' | 'priority' | 'dueAt' | 'closedAt';

export interface ActionItemProblem {
  readonly field: ActionItemField;
  /** Stable code for the UI and API; the message is for people. */
  readonly code:
    | 'title-empty'
    | 'title-too-long'
    | 'owner-missing'
    | 'team-missing'
    | 'priority-unknown'
    | 'due-invalid'
    | 'due-before-creation'
    | 'closed-invalid'
    | 'closed-before-creation'
    | 'closed-while-open';
  readonly message: string;
}

/** Long enough for a sentence; longer titles belong in the item's description. */
export const MAX_ACTION_ITEM_TITLE = 200;

/**
 * The problems with an item a user can fix in the form, in field order; empty when the
 * item is fine. Identifiers and creation time are the app's to get right, so they are
 * not checked here.
 */
export function validateActionItem(item: ActionItem): readonly ActionItemProblem[] {
  const problems: ActionItemProblem[] = [];
  const title = item.title.trim();
  if (title === '')
    problems.push({
      field: 'title',
      code: 'title-empty',
      message: 'say what will be done, e.g. "Alert when the payment queue backs up"',
    });
  else if (title.length > MAX_ACTION_ITEM_TITLE)
    problems.push({
      field: 'title',
      code: 'title-too-long',
      message: `keep the title under ${MAX_ACTION_ITEM_TITLE} characters (it has ${title.length}); put details in the description`,
    });
  if (item.owner.trim() === '')
    problems.push({
      field: 'owner',
      code: 'owner-missing',
      message: 'an item without an owner is rarely done: name the person who will drive it',
    });
  if (item.team.trim() === '')
    problems.push({
      field: 'team',
      code: 'team-missing',
      message: 'name the team that keeps the item if its owner moves on',
    });
  if (!ACTION_ITEM_PRIORITIES.includes(item.priority))
    problems.push({
      field: 'priority',
      code: 'priority-unknown',
      message: `priority must be one of ${ACTION_ITEM_PRIORITIES.join(', ')}`,
    });
  if (item.dueAt !== undefined) {
    if (!Number.isFinite(item.dueAt))
      problems.push({ field: 'dueAt', code: 'due-invalid', message: 'the due date is not a date' });
    else if (item.dueAt < item.createdAt)
      problems.push({
        field: 'dueAt',
        code: 'due-before-creation',
        message: 'the due date is before the item was created; pick a date in the future',
      });
  }
  if (item.closedAt !== undefined) {
    if (!Number.isFinite(item.closedAt))
      problems.push({
        field: 'closedAt',
        code: 'closed-invalid',
        message: 'the closing date is not a date',
      });
    else if (item.closedAt < item.createdAt)
      problems.push({
        field: 'closedAt',
        code: 'closed-before-creation',
        message: 'the closing date is before the item was created',
      });
    if (!isClosed(item))
      problems.push({
        field: 'closedAt',
        code: 'closed-while-open',
        message: `the item is ${item.status} but has a closing date; mark it done or won't do, or clear the date`,
      });
  }
  return problems;
}
