import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { pageEscalationSchema, pageSchema } from '../schema/pages-api.js';
import { formatPage, formatPages } from './page-command.js';

type PageView = z.infer<typeof pageSchema>;
type PageEscalation = z.infer<typeof pageEscalationSchema>;

const base: PageView = {
  id: '7a740fbf07d4ddf7',
  status: 'triggered',
  summary: 'Search slow on host-0',
  severity: 'critical',
  services: ['search'],
  openedAt: '2026-11-02T10:00:00.000Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  updatedAt: '2026-11-02T10:00:00.000Z',
  alerts: [],
  escalation: null,
  warnings: [],
  runbooks: [],
};

const escalation: PageEscalation = {
  policy: 'search',
  urgency: 'high',
  status: 'escalating',
  levels: 2,
  rounds: 2,
  notified: { level: 1, round: 1 },
  next: { level: 2, round: 1, at: '2026-11-02T10:05:00.000Z' },
  exhaustsAt: null,
  exhaustedAt: null,
  paged: ['ada'],
  held: [],
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
    const page = { ...base, warnings: [{ at: '2026-11-02T10:00:00.000Z', reason }] };
    expect(formatPages([page])).toContain(`Warnings:\n7a740fbf07d4ddf7: ${reason}\n`);
    expect(formatPage(page)).toContain(`Warnings:\n  - 2026-11-02T10:00:00.000Z: ${reason}\n`);
    expect(formatPage(page)).toContain('Escalation: none (no escalation policy covers the page)\n');
  });

  it('show who was notified and who is next, and when', () => {
    expect(formatPage({ ...base, escalation })).toContain(
      [
        'Escalation: search, high urgency',
        '  Notified: level 1 of 2, round 1 of 2 (ada)',
        '  Next:     level 2 at 2026-11-02T10:05:00.000Z, unless acknowledged',
      ].join('\n'),
    );
    const lastLevel = {
      ...escalation,
      notified: { level: 2, round: 2 },
      next: null,
      exhaustsAt: '2026-11-02T10:30:00.000Z',
    };
    expect(formatPage({ ...base, escalation: lastLevel })).toContain(
      '  Next:     nobody: the escalation runs out at 2026-11-02T10:30:00.000Z, unless acknowledged',
    );
  });

  it('say a low-urgency page does not escalate, in the list and in full', () => {
    const low: PageEscalation = {
      ...escalation,
      urgency: 'low',
      levels: 1,
      rounds: 1,
      next: null,
      held: [{ person: 'ada', until: '2026-11-02T08:00:00.000Z' }],
    };
    const page = { ...base, severity: 'warning' as const, escalation: low };
    expect(formatPages([page]).split('\n')[1]).toMatch(/triggered\s+warning\s+low\s+search/);
    expect(formatPage(page)).toContain(
      [
        'Escalation: search, low urgency',
        '  Notified: level 1 (ada)',
        "  Held:     ada's e-mail until 2026-11-02T08:00:00.000Z (working hours)",
        '  Next:     nobody: low urgency, level 1 is told once and it does not escalate',
      ].join('\n'),
    );
  });

  it("name a failed cron job's check and the end of its output, escapes made visible", () => {
    const alert: PageView['alerts'][number] = {
      id: '7a740fbf07d4ddf7.1',
      source: 'heartbeat',
      dedupKey: 'heartbeat:settlement',
      status: 'triggered',
      summary: 'settlement: the job is down (a run failed, exit status 4)',
      severity: 'critical',
      service: 'search',
      labels: { heartbeat: 'settlement', service: 'search' },
      annotations: { reason: 'a run failed', log: 'retrying\nacquirer \u001b[2Jtimed out\n' },
      runbookUrl: null,
      links: [],
      triggerCount: 1,
      startsAt: '2026-11-02T10:00:00.000Z',
      firstSeenAt: '2026-11-02T10:00:00.000Z',
      lastSeenAt: '2026-11-02T10:00:00.000Z',
      resolvedAt: null,
    };
    expect(formatPage({ ...base, alerts: [alert] })).toContain(
      [
        'Alerts (1):',
        '  - [triggered] settlement: the job is down (a run failed, exit status 4) (search)',
        '    check: headroom heartbeat show settlement',
        '    The end of its output:',
        '      retrying',
        '      acquirer \\u001b[2Jtimed out',
        '',
      ].join('\n'),
    );
  });
});
