// A realistic incident's facts for the postmortem tests: a deploy, a page, a rollback.
import type { PostmortemFacts } from './draft.js';

export const T0 = Date.UTC(2026, 2, 10, 13, 0); // 14:00 in Europe/Paris
export const MINUTE = 60_000;

export function facts(overrides: Partial<PostmortemFacts> = {}): PostmortemFacts {
  return {
    incident: {
      id: 'INC-42',
      title: 'Checkout errors after deploy',
      severity: 'SEV2',
      severityMeaning: 'Major customer impact',
      status: 'resolved',
      services: ['checkout', 'payments'],
      teams: ['payments-team'],
      summary: 'Checkout returned errors for 72 minutes after a deploy of v1.2.3.',
      roles: [
        { role: 'Incident commander', person: 'Alice Martin' },
        { role: 'Communications lead', person: 'bob' },
      ],
      declaredBy: 'carol',
      startedAt: T0,
      detectedAt: T0 + 4 * MINUTE,
      acknowledgedAt: T0 + 6 * MINUTE,
      mitigatedAt: T0 + 72 * MINUTE,
      resolvedAt: T0 + 3 * 60 * MINUTE + 5 * MINUTE,
    },
    timeline: [
      {
        at: T0 + 20 * MINUTE,
        source: 'deploy',
        text: 'Rolled back checkout to v1.2.2',
        actor: 'Alice Martin',
      },
      { at: T0 + 4 * MINUTE, source: 'page', text: 'Page P-1 opened: High error rate | checkout' },
      { at: T0 + 6 * MINUTE, source: 'page', text: 'Page P-1 acknowledged', actor: 'bob' },
      {
        at: T0 + 72 * MINUTE,
        source: 'status',
        text: 'Status changed to mitigated',
        actor: 'Alice Martin',
      },
      { at: T0 + 30 * MINUTE, source: 'note', text: 'Error rate dropping\nstill elevated on EU' },
    ],
    sloImpacts: [
      {
        slo: 'checkout-availability',
        service: 'checkout',
        objectivePercent: 99.9,
        badEvents: 12_345,
        totalEvents: 1_000_000,
        budgetConsumedFraction: 0.123456,
        remainingFractionAtEnd: 0.4,
      },
      {
        slo: 'payments-latency',
        service: 'payments',
        objectivePercent: 99.5,
        badEvents: 10,
        totalEvents: 2000,
        budgetConsumedFraction: 0.5,
        remainingFractionAtEnd: null,
      },
    ],
    contributingDeploys: [
      {
        service: 'checkout',
        version: 'v1.2.3',
        commit: 'abc1234',
        at: T0 - 35 * MINUTE,
        status: 'succeeded',
        actor: 'dave',
        rollback: false,
      },
    ],
    pages: [
      {
        id: 'P-1',
        summary: 'High error rate on checkout',
        openedAt: T0 + 4 * MINUTE,
        acknowledgedAt: T0 + 6 * MINUTE,
        acknowledgedBy: 'bob',
        firstAlert: { name: 'CheckoutErrorBudgetBurn', source: 'burn-rate' },
      },
    ],
    notes: ['EU customers reported failures on social media'],
    timeZone: 'Europe/Paris',
    generatedAt: T0 + 24 * 60 * MINUTE,
    ...overrides,
  };
}
