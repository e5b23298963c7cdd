import { describe, expect, it } from 'vitest';
import type { IncidentEvent } from './model.js';
import { buildTimeline, type TimelineFacts } from './timeline.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0);
const MINUTE = 60_000;
const at = (minutes: number) => T0 + minutes * MINUTE;

const EVENTS: readonly IncidentEvent[] = [
  {
    type: 'declared',
    at: at(0),
    by: 'alice',
    title: 'Checkout errors',
    severity: 'SEV2',
    services: ['checkout'],
    pageIds: ['page-1'],
    commander: 'alice',
  },
  { type: 'role', at: at(2), by: 'bob', role: 'commander', person: 'bob' },
  { type: 'severity', at: at(3), by: 'bob', severity: 'SEV1' },
  { type: 'status', at: at(4), by: 'bob', status: 'identified', message: 'bad deploy 1.4.2' },
  { type: 'services', at: at(5), by: 'bob', added: ['payments'], removed: [] },
  { type: 'status', at: at(8), by: 'bob', status: 'monitoring', message: 'rolled back' },
  { type: 'update', at: at(9), by: 'carol', message: 'error rate back to normal' },
  { type: 'status', at: at(20), by: 'bob', status: 'resolved' },
];

const FACTS: TimelineFacts = {
  deploys: [
    {
      id: 'd-1',
      service: 'checkout',
      version: '1.4.2',
      status: 'finished',
      at: at(-10),
      actor: 'dave',
      labels: [],
    },
    {
      id: 'd-2',
      service: 'checkout',
      version: '1.4.1',
      status: 'started',
      at: at(6),
      actor: 'bob',
      labels: ['rollback'],
    },
  ],
  burnAlerts: [
    {
      slo: 'checkout-availability',
      service: 'checkout',
      severity: 'page',
      event: 'started',
      at: at(-4),
      burnRate: 14.42,
    },
    {
      slo: 'checkout-availability',
      service: 'checkout',
      severity: 'page',
      event: 'resolved',
      at: at(15),
    },
  ],
  pages: [
    {
      id: 'page-1',
      summary: 'High error rate on checkout',
      services: ['checkout'],
      openedAt: at(-3),
      acknowledgedAt: at(-1),
      acknowledgedBy: 'alice',
      resolvedAt: at(16),
      alerts: [{ summary: 'CheckoutErrorRate', source: 'alertmanager', startsAt: at(-5) }],
    },
  ],
};

describe('buildTimeline', () => {
  it('interleaves facts and the incident by instant, each one readable line', () => {
    const lines = buildTimeline(EVENTS, FACTS).map(
      (entry) => `${(entry.at - T0) / MINUTE} ${entry.source}/${entry.kind}: ${entry.text}`,
    );
    expect(lines).toEqual([
      '-10 deploy/deploy-finished: Deploy of checkout 1.4.2 finished by dave',
      '-5 alert/alert-started: Alert started: CheckoutErrorRate (alertmanager)',
      '-4 burn-alert/burn-alert-started: Burn-rate page alert started for SLO checkout-availability of checkout, burning the error budget 14.4× as fast as allowed',
      '-3 page/page-opened: Page opened on checkout: High error rate on checkout',
      '-1 page/page-acknowledged: Page acknowledged by alice (High error rate on checkout)',
      '0 incident/declared: alice declared SEV2 "Checkout errors" on checkout; alice is incident commander',
      '2 incident/role-handed-over: bob took over as incident commander from alice',
      '3 incident/severity-changed: bob changed the severity from SEV2 to SEV1',
      '4 incident/status-changed: bob changed the status to identified: bad deploy 1.4.2',
      '5 incident/services-changed: bob added payments (impacted: checkout, payments)',
      '6 deploy/rollback-started: Rollback of checkout to 1.4.1 started by bob',
      '8 incident/status-changed: bob changed the status to monitoring: rolled back',
      '9 incident/update: carol posted an update (monitoring): error rate back to normal',
      '15 burn-alert/burn-alert-resolved: Burn-rate page alert resolved for SLO checkout-availability of checkout',
      '16 page/page-resolved: Page resolved (High error rate on checkout)',
      '20 incident/resolved: bob resolved the incident',
    ]);
  });

  it('gives actors and refs', () => {
    const entries = buildTimeline(EVENTS, FACTS);
    expect(entries.find((e) => e.kind === 'page-acknowledged')).toMatchObject({
      actor: 'alice',
      ref: 'page-1',
    });
    expect(entries.find((e) => e.kind === 'rollback-started')).toMatchObject({
      actor: 'bob',
      ref: 'd-2',
    });
    expect(entries.find((e) => e.kind === 'burn-alert-started')?.ref).toBe('checkout-availability');
    expect(entries.find((e) => e.kind === 'severity-changed')?.actor).toBe('bob');
  });

  it('puts facts before the incident at the same millisecond, in causal order', () => {
    const entries = buildTimeline([EVENTS[0] as IncidentEvent], {
      pages: [
        {
          id: 'p',
          summary: 's',
          services: [],
          openedAt: at(0),
          alerts: [{ summary: 'A', source: 'webhook' }],
        },
      ],
      burnAlerts: [
        { slo: 'x', service: 'checkout', severity: 'ticket', event: 'started', at: at(0) },
      ],
      deploys: [{ id: 'd', service: 'checkout', status: 'failed', at: at(0), labels: [] }],
    });
    expect(entries.map((e) => e.kind)).toEqual([
      'deploy-failed',
      'burn-alert-started',
      'alert-started',
      'page-opened',
      'declared',
    ]);
    expect(entries.find((e) => e.kind === 'page-opened')?.text).toBe('Page opened: s');
    expect(entries.find((e) => e.kind === 'deploy-failed')?.text).toBe('Deploy of checkout failed');
  });

  it('keeps the order of the incident events even when a clock stepped back', () => {
    const events: IncidentEvent[] = [
      EVENTS[0] as IncidentEvent,
      { type: 'note', at: at(5), by: 'a', text: 'first' },
      { type: 'note', at: at(5) - 1, by: 'a', text: 'second' },
    ];
    const entries = buildTimeline(events, {
      pages: [],
      burnAlerts: [],
      deploys: [
        {
          id: 'd',
          service: 'c',
          commit: 'abcdef123456',
          status: 'rolled_back',
          at: at(5),
          labels: [],
        },
      ],
    });
    expect(entries.map((e) => e.text)).toEqual([
      'alice declared SEV2 "Checkout errors" on checkout; alice is incident commander',
      'Deploy of c abcdef1 rolled back',
      'a noted: first',
      'a noted: second',
    ]);
    expect(entries[3]?.at).toBe(at(5) - 1);
  });

  it('reads every kind of incident event', () => {
    const events: IncidentEvent[] = [
      {
        type: 'declared',
        at: at(0),
        by: 'alice',
        title: 'Slow search',
        severity: 'SEV3',
        services: ['search', 'index'],
        summary: 'p99 above 2 s',
        pageIds: [],
        startedAt: at(-30),
      },
      { type: 'role', at: at(1), by: 'alice', role: 'scribe', person: 'alice' },
      { type: 'role', at: at(2), by: 'bob', role: 'communications', person: 'carol' },
      { type: 'role', at: at(3), by: 'bob', role: 'scribe', person: undefined },
      { type: 'role', at: at(3), by: 'carol', role: 'communications', person: undefined },
      { type: 'title', at: at(4), by: 'bob', title: 'Slow search and indexing' },
      { type: 'services', at: at(5), by: 'bob', added: ['api'], removed: ['index'] },
      { type: 'services', at: at(5), by: 'bob', added: [], removed: ['api'] },
      { type: 'page-linked', at: at(6), by: 'bob', pageId: 'p-9' },
      { type: 'page-linked', at: at(6), by: 'bob', pageId: 'p-unknown' },
      { type: 'note', at: at(7), by: 'bob', text: 'GC pauses' },
      { type: 'status', at: at(8), by: 'bob', status: 'investigating', message: 'still looking' },
      { type: 'times', at: at(9), by: 'bob', startedAt: at(-45) },
      { type: 'times', at: at(9), by: 'bob', startedAt: at(-45), mitigatedAt: at(8) + 500 },
      { type: 'status', at: at(10), by: 'bob', status: 'resolved', message: 'fixed' },
      { type: 'status', at: at(11), by: 'bob', status: 'identified', message: 'back' },
    ];
    const facts: TimelineFacts = {
      pages: [
        {
          id: 'p-9',
          summary: 'Search latency',
          services: ['search'],
          openedAt: at(-20),
          alerts: [],
        },
      ],
      burnAlerts: [],
      deploys: [],
    };
    const texts = buildTimeline(events, facts)
      .filter((e) => e.source === 'incident')
      .map((e) => `${e.kind}: ${e.text}`);
    expect(texts).toEqual([
      'declared: alice declared SEV3 "Slow search" on search, index: p99 above 2 s; impact since 2026-11-22T02:30:00Z',
      'role-assigned: alice is now scribe',
      'role-assigned: carol is now communications lead (assigned by bob)',
      'role-released: alice stepped down as scribe (released by bob)',
      'role-released: carol stepped down as communications lead',
      'title-changed: bob renamed the incident to "Slow search and indexing" (was "Slow search")',
      'services-changed: bob added api and removed index (impacted: search, api)',
      'services-changed: bob removed api (impacted: search)',
      'page-linked: bob linked page p-9 (Search latency)',
      'page-linked: bob linked page p-unknown',
      'note: bob noted: GC pauses',
      'update: bob posted an update (investigating): still looking',
      'times-corrected: bob corrected the impact start to 2026-11-22T02:15:00Z',
      'times-corrected: bob corrected the impact start to 2026-11-22T02:15:00Z and the mitigation to 2026-11-22T03:08:00.500Z',
      'resolved: bob resolved the incident: fixed',
      'reopened: bob reopened the incident (identified): back',
    ]);
  });
});
