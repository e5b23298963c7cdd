import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isOverdue,
  overdueByTeam,
  suggestedDueAt,
  validateActionItem,
  type ActionItem,
  type ActionItemStatus,
} from './action-items.js';

const T0 = Date.UTC(2026, 2, 10);
const DAY = 24 * 60 * 60 * 1000;

function item(id: string, fields: Partial<ActionItem> = {}): ActionItem {
  return {
    id,
    incidentId: 'INC-42',
    title: `Do ${id}`,
    owner: 'alice',
    team: 'payments',
    priority: 'P2',
    status: 'open',
    createdAt: T0,
    ...fields,
  };
}

describe('isOverdue', () => {
  it('is true only for open or in-progress items due strictly before the instant', () => {
    const due = T0 + 7 * DAY;
    expect(isOverdue(item('a', { dueAt: due }), due + 1)).toBe(true);
    expect(isOverdue(item('a', { dueAt: due, status: 'in-progress' }), due + 1)).toBe(true);
    expect(isOverdue(item('a', { dueAt: due }), due)).toBe(false);
    expect(isOverdue(item('a', { dueAt: due, status: 'done' }), due + DAY)).toBe(false);
    expect(isOverdue(item('a', { dueAt: due, status: 'wont-do' }), due + DAY)).toBe(false);
    expect(isOverdue(item('a'), T0 + 1000 * DAY)).toBe(false);
  });

  it('never turns back once overdue while the item stays open (law)', () => {
    const statuses: ActionItemStatus[] = ['open', 'in-progress', 'done', 'wont-do'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 * DAY }),
        fc.integer({ min: 0, max: 1000 * DAY }),
        fc.nat(DAY * 10),
        fc.constantFrom(...statuses),
        (due, at, later, status) => {
          const it = item('a', { dueAt: T0 + due, status });
          if (isOverdue(it, T0 + at)) expect(isOverdue(it, T0 + at + later)).toBe(true);
        },
      ),
    );
  });
});

describe('overdueByTeam', () => {
  it('groups overdue items per team, teams by name, oldest due first', () => {
    const at = T0 + 30 * DAY;
    const items = [
      item('late-2', { team: 'search', dueAt: T0 + 10 * DAY }),
      item('late-1', { team: 'search', dueAt: T0 + 5 * DAY }),
      item('done', { team: 'search', dueAt: T0 + DAY, status: 'done', closedAt: T0 + DAY }),
      item('future', { team: 'search', dueAt: at + DAY }),
      item('pay', { team: 'payments', dueAt: T0 + 20 * DAY, priority: 'P1' }),
      item('no-due', { team: 'infra' }),
    ];
    expect(
      overdueByTeam(items, at).map(({ team, items }) => [team, items.map((i) => i.id)]),
    ).toEqual([
      ['payments', ['pay']],
      ['search', ['late-1', 'late-2']],
    ]);
    expect(overdueByTeam(items, T0)).toEqual([]);
  });

  it('holds exactly the overdue items (law)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            team: fc.constantFrom('a', 'b', 'c'),
            due: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
            status: fc.constantFrom<ActionItemStatus>('open', 'in-progress', 'done', 'wont-do'),
          }),
        ),
        fc.integer({ min: 0, max: 100 }),
        (rows, at) => {
          const items = rows.map((row, index) =>
            item(String(index), { team: row.team, dueAt: row.due, status: row.status }),
          );
          const grouped = overdueByTeam(items, at);
          const flat = grouped.flatMap((group) => group.items);
          expect(new Set(flat)).toEqual(new Set(items.filter((i) => isOverdue(i, at))));
          for (const group of grouped) {
            expect(group.items.every((i) => i.team === group.team)).toBe(true);
            const dues = group.items.map((i) => i.dueAt ?? 0);
            expect(dues).toEqual([...dues].sort((x, y) => x - y));
          }
        },
      ),
    );
  });
});

describe('validateActionItem', () => {
  it('accepts a complete item', () => {
    expect(validateActionItem(item('a', { dueAt: T0 + DAY }))).toEqual([]);
    expect(validateActionItem(item('a', { status: 'done', closedAt: T0 + DAY }))).toEqual([]);
  });

  it('reports the problems a user can fix, in field order', () => {
    const problems = validateActionItem(
      item('a', { title: '  ', owner: '', team: ' ', dueAt: T0 - DAY, closedAt: T0 - 1 }),
    );
    expect(problems.map((p) => p.code)).toEqual([
      'title-empty',
      'owner-missing',
      'team-missing',
      'due-before-creation',
      'closed-before-creation',
      'closed-while-open',
    ]);
    expect(problems.every((p) => p.message.length > 0)).toBe(true);
  });

  it('reports an overlong title and a date that is not a date', () => {
    expect(
      validateActionItem(item('a', { title: 'x'.repeat(201), dueAt: Number.NaN })).map(
        (p) => p.code,
      ),
    ).toEqual(['title-too-long', 'due-invalid']);
  });
});

describe('suggestedDueAt', () => {
  it('follows the priority targets', () => {
    expect(suggestedDueAt('P1', T0)).toBe(T0 + 7 * DAY);
    expect(suggestedDueAt('P3', T0)).toBe(T0 + 90 * DAY);
    expect(suggestedDueAt('P4', T0)).toBeNull();
  });
});
