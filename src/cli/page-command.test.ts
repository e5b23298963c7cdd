import { describe, expect, it } from 'vitest';
import { formatPage, formatPages } from './page-command.js';

const base = {
  id: '7a740fbf07d4ddf7',
  summary: 'Search slow on host-0',
  severity: 'critical',
  services: ['search'],
  openedAt: '2026-11-02T10:00:00.000Z',
  alerts: [],
  warnings: [],
};

describe('headroom page list and show', () => {
  it('say who acknowledged a resolved page as the acknowledger, not the resolver', () => {
    const text = formatPages([
      { ...base, status: 'resolved', acknowledgedBy: 'emil' },
      { ...base, id: 'b2', status: 'acknowledged', acknowledgedBy: 'ada' },
    ]);
    expect(text).toContain('acknowledged by emil, resolved');
    expect(text).toContain('acknowledged by ada');
    expect(text).not.toContain('resolved (emil)');
  });

  it('show the warnings of pages that reached no one', () => {
    const reason = 'reached no one: no escalation policy covers service search';
    const page = {
      ...base,
      status: 'triggered',
      acknowledgedBy: null,
      warnings: [{ at: '2026-11-02T10:00:00.000Z', reason }],
    };
    expect(formatPages([page])).toContain(`Warnings:\n7a740fbf07d4ddf7: ${reason}\n`);
    expect(formatPage(page)).toContain(`Warnings:\n  - 2026-11-02T10:00:00.000Z: ${reason}\n`);
  });
});
