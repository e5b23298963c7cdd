import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acknowledgePage,
  DEFAULT_GROUPING_WINDOW_MS,
  groupBatch,
  groupInto,
  resolvePage,
  type GroupingOptions,
  type GroupResult,
  type Page,
} from './grouping.js';
import { alertIdentity, type AlertAction, type IncomingAlert } from './incoming-alert.js';
import { normalizeAlertmanagerMessage } from './normalize.js';

const T0 = Date.UTC(2026, 10, 22, 4, 0);
const MINUTE = 60_000;
const OPTIONS: GroupingOptions = { windowMs: DEFAULT_GROUPING_WINDOW_MS };

function alert(
  dedupKey: string,
  fields: Partial<Omit<IncomingAlert, 'dedupKey'>> = {},
): IncomingAlert {
  return {
    source: 'webhook',
    integration: 'hook',
    dedupKey,
    senderGroup: undefined,
    action: 'trigger',
    summary: `${dedupKey} is broken`,
    severity: 'error',
    service: 'checkout',
    labels: {},
    annotations: {},
    runbookUrl: undefined,
    startsAt: T0,
    endsAt: undefined,
    links: [],
    ...fields,
  };
}

/** Feeds alerts in order, each at its instant; returns every result. */
function run(
  steps: readonly (readonly [IncomingAlert, number])[],
  options: GroupingOptions = OPTIONS,
  start: readonly Page[] = [],
): { results: GroupResult[]; pages: readonly Page[] } {
  let pages = start;
  const results: GroupResult[] = [];
  for (const [incoming, atMs] of steps) {
    const result = groupInto(pages, incoming, atMs, options);
    results.push(result);
    pages = result.openPages;
  }
  return { results, pages };
}

describe('opening and grouping pages', () => {
  it('opens a page for the first alert, with the alert on it', () => {
    const { results, pages } = run([[alert('cpu', { severity: 'warning' }), T0]]);
    const [opened] = results;
    expect(opened?.decision).toBe('opened');
    expect(pages).toHaveLength(1);
    expect(opened?.page).toMatchObject({
      status: 'triggered',
      openedAt: T0,
      summary: 'cpu is broken',
      severity: 'warning',
      services: ['checkout'],
    });
    expect(opened?.page?.alerts).toHaveLength(1);
    expect(opened?.alert).toMatchObject({
      id: `${opened?.page?.id ?? ''}.1`,
      key: alertIdentity(alert('cpu')),
      status: 'triggered',
      triggerCount: 1,
      firstSeenAt: T0,
    });
  });

  it('folds another alert of the same service within the window into the page', () => {
    const { results, pages } = run([
      [alert('cpu'), T0],
      [alert('latency', { severity: 'warning' }), T0 + 4 * MINUTE],
      [alert('errors', { severity: 'error' }), T0 + 4 * MINUTE + 1],
    ]);
    expect(results.map((r) => r.decision)).toEqual(['opened', 'attached', 'attached']);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.alerts.map((a) => a.dedupKey)).toEqual(['cpu', 'latency', 'errors']);
    expect(pages[0]?.severity).toBe('error');
    expect(results[1]?.alert?.id).toBe(`${pages[0]?.id ?? ''}.2`);
  });

  it('opens a page of its own for an alert more severe than the open page of its service', () => {
    // The reviewer's case: an info webhook alert of search, then a PagerDuty critical.
    const { results, pages } = run(
      [
        [alert('cert-expiry', { service: 'search', severity: 'info' }), T0],
        [
          alert('search-down', { source: 'pagerduty', service: 'search', severity: 'critical' }),
          T0 + MINUTE,
        ],
        [alert('db-slow', { service: 'search-db', severity: 'critical' }), T0 + 2 * MINUTE],
      ],
      { ...OPTIONS, relatedServices: (service) => (service === 'search-db' ? ['search'] : []) },
    );
    expect(results.map((r) => r.decision)).toEqual(['opened', 'opened', 'attached']);
    expect(pages.map((page) => [page.summary, page.severity])).toEqual([
      ['cert-expiry is broken', 'info'],
      ['search-down is broken', 'critical'],
    ]);
    expect(pages[1]?.alerts.map((a) => a.dedupKey)).toEqual(['search-down', 'db-slow']);
  });

  it("keeps one Alertmanager group on one page whichever channel arrives first, though PagerDuty's says error", () => {
    const pagerDuty = alert('group-hash', {
      source: 'pagerduty',
      integration: 'am-pd',
      alertmanagerGroup: 'group-hash',
      severity: 'error',
    });
    const webhook = (fingerprint: string) =>
      alert(fingerprint, {
        source: 'alertmanager',
        integration: 'am',
        senderGroup: '{}:{alertname="HighErrorRate"}',
        alertmanagerGroup: 'group-hash',
        severity: 'critical',
      });
    const later = T0 + DEFAULT_GROUPING_WINDOW_MS + MINUTE;
    for (const steps of [
      [
        [pagerDuty, T0],
        [webhook('host-0'), T0 + 1],
        [webhook('host-1'), later],
      ],
      [
        [webhook('host-0'), T0],
        [pagerDuty, T0 + 1],
        [webhook('host-1'), later],
      ],
    ] as const) {
      const { results, pages } = run(steps);
      expect(results.map((r) => r.decision)).toEqual(['opened', 'attached', 'attached']);
      expect(pages).toHaveLength(1);
      expect(pages[0]?.severity).toBe('critical');
    }
    // A critical alert of the service from elsewhere still gets its own page.
    const { pages } = run([
      [pagerDuty, T0],
      [alert('db-down', { severity: 'critical' }), T0 + 1],
    ]);
    expect(pages).toHaveLength(2);
  });

  it('opens a new page once the window since the page opened has passed', () => {
    const { results, pages } = run([
      [alert('cpu'), T0],
      [alert('latency'), T0 + 3 * MINUTE],
      [alert('errors'), T0 + DEFAULT_GROUPING_WINDOW_MS],
    ]);
    expect(results.map((r) => r.decision)).toEqual(['opened', 'attached', 'opened']);
    expect(pages).toHaveLength(2);
  });

  it('keeps other services apart, unless the caller says they are related', () => {
    const steps = [
      [alert('cpu'), T0],
      [alert('db-down', { service: 'payments-db' }), T0 + MINUTE],
    ] as const;
    expect(run(steps).results.map((r) => r.decision)).toEqual(['opened', 'opened']);
    const related = run(steps, {
      ...OPTIONS,
      relatedServices: (service) => (service === 'payments-db' ? ['checkout'] : []),
    });
    expect(related.results.map((r) => r.decision)).toEqual(['opened', 'attached']);
    expect(related.pages[0]?.services).toEqual(['checkout', 'payments-db']);
  });

  it('gives alerts that name no service a page each', () => {
    const { results } = run([
      [alert('a', { service: undefined }), T0],
      [alert('b', { service: undefined }), T0 + 1],
    ]);
    expect(results.map((r) => r.decision)).toEqual(['opened', 'opened']);
    expect(results[0]?.page?.services).toEqual([]);
  });

  it("respects the sender's group before the service: Alertmanager's group_by decides", () => {
    const group = '{}:{alertname="HighErrorRate"}';
    const { results, pages } = run([
      [alert('a', { source: 'alertmanager', senderGroup: group, service: 'checkout' }), T0],
      [alert('b', { service: 'payments' }), T0 + 1],
      [alert('c', { source: 'alertmanager', senderGroup: group, service: 'payments' }), T0 + 2],
    ]);
    expect(results.map((r) => r.decision)).toEqual(['opened', 'opened', 'attached']);
    expect(results[2]?.page?.id).toBe(pages[0]?.id);
    expect(pages[0]?.services).toEqual(['checkout', 'payments']);
  });

  it("keeps a sender's group on its page for as long as the page is open, whatever its age", () => {
    const group = '{}:{alertname="RecoDown"}';
    const am = (dedupKey: string, severity: IncomingAlert['severity'] = 'error') =>
      alert(dedupKey, { source: 'alertmanager', senderGroup: group, service: 'reco', severity });
    const { results, pages } = run([
      [am('a'), T0],
      [am('b'), T0],
      [am('c'), T0 + DEFAULT_GROUPING_WINDOW_MS + MINUTE],
      [am('d', 'critical'), T0 + 3 * 60 * MINUTE],
      [alert('other', { service: 'reco' }), T0 + 3 * 60 * MINUTE],
    ]);
    expect(results.map((r) => r.decision)).toEqual([
      'opened',
      'attached',
      'attached',
      'attached',
      'opened',
    ]);
    expect(pages[0]?.alerts.map((a) => a.dedupKey)).toEqual(['a', 'b', 'c', 'd']);
    // The group's own alert raises the page: it does not calm down while open.
    expect(pages[0]?.severity).toBe('critical');
  });

  it('joins the latest matching page when several are open', () => {
    const { results, pages } = run(
      [
        [alert('a', { service: 'api' }), T0],
        [alert('b', { service: 'db' }), T0 + MINUTE],
        [alert('c', { service: 'edge' }), T0 + 2 * MINUTE],
      ],
      { ...OPTIONS, relatedServices: (service) => (service === 'edge' ? ['api', 'db'] : []) },
    );
    expect(results.map((r) => r.decision)).toEqual(['opened', 'opened', 'attached']);
    expect(results[2]?.page?.id).toBe(results[1]?.page?.id);
    expect(pages[1]?.services).toEqual(['db', 'edge']);
  });

  it('gives a new page an id both instances agree on, or the one the caller makes', () => {
    const first = groupInto([], alert('cpu'), T0, OPTIONS).page?.id;
    expect(groupInto([], alert('cpu'), T0, OPTIONS).page?.id).toBe(first);
    expect(groupInto([], alert('cpu'), T0 + 1, OPTIONS).page?.id).not.toBe(first);
    const custom = groupInto([], alert('cpu'), T0, { ...OPTIONS, newPageId: () => 'page-42' });
    expect(custom.page?.id).toBe('page-42');
    expect(custom.alert?.id).toBe('page-42.1');
  });
});

describe('dedup', () => {
  it('counts a repeated trigger of an open alert and takes its new fields, without a new page', () => {
    const { results, pages } = run([
      [alert('cpu', { summary: 'CPU 91%' }), T0],
      [alert('cpu', { summary: 'CPU 97%', severity: 'critical' }), T0 + 10 * MINUTE],
    ]);
    expect(results.map((r) => r.decision)).toEqual(['opened', 'repeated']);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.alerts).toHaveLength(1);
    expect(pages[0]?.alerts[0]).toMatchObject({
      summary: 'CPU 97%',
      severity: 'critical',
      triggerCount: 2,
      firstSeenAt: T0,
      lastSeenAt: T0 + 10 * MINUTE,
    });
    expect(pages[0]?.summary).toBe('CPU 91%');
    expect(pages[0]?.severity).toBe('critical');
  });

  it('opens a new alert for a trigger after its resolve', () => {
    const { results, pages } = run([
      [alert('cpu'), T0],
      [alert('latency'), T0 + MINUTE],
      [alert('cpu', { action: 'resolve' }), T0 + 2 * MINUTE],
      [alert('cpu'), T0 + 3 * MINUTE],
    ]);
    expect(results.map((r) => r.decision)).toEqual(['opened', 'attached', 'resolved', 'attached']);
    expect(pages[0]?.alerts.map((a) => [a.dedupKey, a.status])).toEqual([
      ['cpu', 'resolved'],
      ['latency', 'triggered'],
      ['cpu', 'triggered'],
    ]);
  });

  it('opens a new page for a trigger after its page resolved', () => {
    const { results } = run([
      [alert('cpu'), T0],
      [alert('cpu', { action: 'resolve' }), T0 + MINUTE],
      [alert('cpu'), T0 + 2 * MINUTE],
    ]);
    expect(results.map((r) => r.decision)).toEqual(['opened', 'resolved', 'opened']);
    expect(results[2]?.page?.id).not.toBe(results[0]?.page?.id);
  });

  it('scopes dedup keys to the integration, as PagerDuty scopes them to the routing key', () => {
    const { results, pages } = run([
      [alert('disk', { integration: 'kuma' }), T0],
      [alert('disk', { integration: 'nagios' }), T0 + 1],
    ]);
    expect(results.map((r) => r.decision)).toEqual(['opened', 'attached']);
    expect(pages[0]?.alerts).toHaveLength(2);
  });
});

describe('acknowledge and resolve from the source', () => {
  it('acknowledges the page once every open alert on it is acknowledged', () => {
    const { results, pages } = run([
      [alert('a'), T0],
      [alert('b'), T0 + 1],
      [alert('a', { action: 'acknowledge' }), T0 + 2],
      [alert('a', { action: 'acknowledge' }), T0 + 3],
      [alert('b', { action: 'acknowledge' }), T0 + 4],
    ]);
    expect(results.map((r) => [r.decision, r.pageAcknowledged])).toEqual([
      ['opened', false],
      ['attached', false],
      ['acknowledged', false],
      ['acknowledged', false],
      ['acknowledged', true],
    ]);
    expect(pages[0]).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: T0 + 4,
      acknowledgedBy: 'hook',
    });
  });

  it('keeps an acknowledged alert acknowledged when it triggers again', () => {
    const { pages } = run([
      [alert('a'), T0],
      [alert('a', { action: 'acknowledge' }), T0 + 1],
      [alert('a'), T0 + 2],
    ]);
    expect(pages[0]?.alerts[0]).toMatchObject({ status: 'acknowledged', triggerCount: 2 });
    expect(pages[0]?.status).toBe('acknowledged');
  });

  it('lets an acknowledged page take new alerts without re-escalating', () => {
    const { results, pages } = run([
      [alert('a'), T0],
      [alert('a', { action: 'acknowledge' }), T0 + 1],
      [alert('b'), T0 + 2],
    ]);
    expect(results[2]).toMatchObject({ decision: 'attached', pageAcknowledged: false });
    expect(pages[0]?.status).toBe('acknowledged');
  });

  it('resolves the page when its last open alert resolves, and lets it go', () => {
    const { results, pages } = run([
      [alert('a'), T0],
      [alert('b'), T0 + 1],
      [alert('a', { action: 'resolve', endsAt: T0 + 5 }), T0 + 10],
      [alert('b', { action: 'resolve' }), T0 + 20],
    ]);
    expect(results.map((r) => [r.decision, r.pageResolved])).toEqual([
      ['opened', false],
      ['attached', false],
      ['resolved', false],
      ['resolved', true],
    ]);
    expect(pages).toEqual([]);
    expect(results[3]?.page).toMatchObject({ status: 'resolved', resolvedAt: T0 + 20 });
    expect(results[3]?.page?.alerts.map((a) => [a.endsAt, a.resolvedAt])).toEqual([
      [T0 + 5, T0 + 10],
      [T0 + 20, T0 + 20],
    ]);
  });

  it('acknowledges the page when what stays open is acknowledged and the rest resolves', () => {
    const { results } = run([
      [alert('a'), T0],
      [alert('b'), T0 + 1],
      [alert('a', { action: 'acknowledge' }), T0 + 2],
      [alert('b', { action: 'resolve' }), T0 + 3],
    ]);
    expect(results[3]).toMatchObject({
      decision: 'resolved',
      pageAcknowledged: true,
      pageResolved: false,
    });
  });

  it('drops an acknowledge or resolve for no open alert, as PagerDuty does', () => {
    const { results, pages } = run([
      [alert('a', { action: 'resolve' }), T0],
      [alert('a', { action: 'acknowledge' }), T0 + 1],
      [alert('a'), T0 + 2],
      [alert('a', { action: 'resolve' }), T0 + 3],
      [alert('a', { action: 'resolve' }), T0 + 4],
    ]);
    expect(results.map((r) => r.decision)).toEqual([
      'dropped',
      'dropped',
      'opened',
      'resolved',
      'dropped',
    ]);
    expect(results[0]?.page).toBeUndefined();
    expect(pages).toEqual([]);
  });
});

describe('people acting on pages', () => {
  it('acknowledges a page and its open alerts; again changes nothing', () => {
    const { pages } = run([
      [alert('a'), T0],
      [alert('b'), T0 + 1],
    ]);
    const id = pages[0]?.id ?? '';
    const first = acknowledgePage(pages, id, 'alice', T0 + 2);
    expect(first.changed).toBe(true);
    expect(first.page).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });
    expect(first.page?.alerts.map((a) => a.status)).toEqual(['acknowledged', 'acknowledged']);
    const again = acknowledgePage(first.openPages, id, 'bob', T0 + 3);
    expect([again.changed, again.page?.acknowledgedBy]).toEqual([false, 'alice']);
    expect(acknowledgePage(pages, 'nope', 'alice', T0).changed).toBe(false);
  });

  it('resolves a page and all its alerts; the next trigger opens a new page', () => {
    const { pages } = run([[alert('a'), T0]]);
    const resolved = resolvePage(pages, pages[0]?.id ?? '', T0 + MINUTE);
    expect(resolved.openPages).toEqual([]);
    expect(resolved.page?.alerts[0]).toMatchObject({ status: 'resolved', endsAt: T0 + MINUTE });
    expect(groupInto(resolved.openPages, alert('a'), T0 + 2 * MINUTE, OPTIONS).decision).toBe(
      'opened',
    );
    expect(resolvePage(resolved.openPages, pages[0]?.id ?? '', T0).changed).toBe(false);
  });
});

describe('Alertmanager messages as batches', () => {
  const group = '{}:{alertname="HighErrorRate", service="checkout"}';
  const amAlert = (n: number, status: 'firing' | 'resolved') => ({
    status,
    labels: { alertname: 'HighErrorRate', service: 'checkout', instance: `host-${n}` },
    startsAt: '2026-11-22T04:00:00Z',
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-22T04:20:00Z',
    fingerprint: `fp-${n}`,
  });
  const message = (status: 'firing' | 'resolved', alerts: ReturnType<typeof amAlert>[]) =>
    normalizeAlertmanagerMessage(
      { status, groupKey: group, alerts },
      { receivedAt: T0, integration: 'am' },
    );

  it('follows the partial resolve the research captured to one page, resolved once', () => {
    // 4 alerts fire; a firing post carries 2 resolved + 2 firing; then all 4 as resolved.
    let pages: readonly Page[] = [];
    const decisions: string[][] = [];
    const posts = [
      message(
        'firing',
        [0, 1, 2, 3].map((n) => amAlert(n, 'firing')),
      ),
      message('firing', [
        amAlert(0, 'resolved'),
        amAlert(1, 'resolved'),
        amAlert(2, 'firing'),
        amAlert(3, 'firing'),
      ]),
      message(
        'resolved',
        [0, 1, 2, 3].map((n) => amAlert(n, 'resolved')),
      ),
    ];
    let resolvedPages = 0;
    for (const [index, post] of posts.entries()) {
      const batch = groupBatch(pages, post, T0 + index * MINUTE, OPTIONS);
      decisions.push(batch.results.map((r) => r.decision));
      resolvedPages += batch.results.filter((r) => r.pageResolved).length;
      pages = batch.openPages;
    }
    expect(decisions).toEqual([
      ['opened', 'attached', 'attached', 'attached'],
      ['resolved', 'resolved', 'repeated', 'repeated'],
      ['dropped', 'dropped', 'resolved', 'resolved'],
    ]);
    expect(resolvedPages).toBe(1);
    expect(pages).toEqual([]);
  });

  it('resolves alerts a resolved group message does not list (cut by max_alerts)', () => {
    const fired = groupBatch(
      [],
      message(
        'firing',
        [0, 1, 2].map((n) => amAlert(n, 'firing')),
      ),
      T0,
      OPTIONS,
    );
    const resolved = groupBatch(
      fired.openPages,
      message('resolved', [amAlert(0, 'resolved')]),
      T0 + MINUTE,
      OPTIONS,
    );
    expect(resolved.results.map((r) => [r.decision, r.alert?.dedupKey])).toEqual([
      ['resolved', 'fp-0'],
      ['resolved', 'fp-1'],
      ['resolved', 'fp-2'],
    ]);
    expect(resolved.results.at(-1)?.pageResolved).toBe(true);
    expect(resolved.openPages).toEqual([]);
  });

  it("leaves other integrations' alerts of a same-named group alone", () => {
    const other = normalizeAlertmanagerMessage(
      { status: 'firing', groupKey: group, alerts: [amAlert(9, 'firing')] },
      { receivedAt: T0, integration: 'other-am' },
    );
    const fired = groupBatch([], other, T0, OPTIONS);
    const resolved = groupBatch(fired.openPages, message('resolved', []), T0 + 1, OPTIONS);
    expect(resolved.results).toEqual([]);
    expect(resolved.openPages).toEqual(fired.openPages);
  });
});

// ---------------------------------------------------------------------------
// Properties

const eventArbitrary = fc.record({
  fingerprint: fc.integer({ min: 0, max: 5 }),
  action: fc.constantFrom<AlertAction>('trigger', 'trigger', 'resolve', 'acknowledge'),
  service: fc.constantFrom('checkout', 'payments', undefined),
  gap: fc.integer({ min: 0, max: 4 * MINUTE }),
});

describe('grouping laws', () => {
  it('keeps at most one open alert per fingerprint, opens no page for an open alert, and matches a set model', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { maxLength: 60 }), (events) => {
        let pages: readonly Page[] = [];
        let now = T0;
        const open = new Set<string>();
        const seenPageIds = new Set<string>();
        for (const event of events) {
          now += event.gap;
          const incoming = alert(`fp-${event.fingerprint}`, {
            action: event.action,
            service: event.service,
          });
          const key = alertIdentity(incoming);
          const result = groupInto(pages, incoming, now, OPTIONS);
          pages = result.openPages;

          // A page is opened, or an alert attached, only for a fingerprint with no open alert.
          if (result.decision === 'opened' || result.decision === 'attached') {
            expect(open.has(key)).toBe(false);
          }
          if (result.decision === 'opened') {
            expect(seenPageIds.has(result.page?.id ?? '')).toBe(false);
            seenPageIds.add(result.page?.id ?? '');
          }
          if (event.action === 'trigger') {
            const expected = open.has(key) ? ['repeated'] : ['opened', 'attached'];
            expect(expected).toContain(result.decision);
            open.add(key);
          } else {
            expect(result.decision === 'dropped').toBe(!open.has(key));
            if (event.action === 'resolve') open.delete(key);
          }

          // Each fingerprint has at most one open alert, and exactly the model's are open.
          const openKeys = pages.flatMap((page) =>
            page.alerts.filter((a) => a.status !== 'resolved').map((a) => a.key),
          );
          expect(new Set(openKeys).size).toBe(openKeys.length);
          expect(new Set(openKeys)).toEqual(open);

          // Open pages are open: not resolved, with something still open on them.
          for (const page of pages) {
            expect(page.status).not.toBe('resolved');
            expect(page.alerts.some((a) => a.status !== 'resolved')).toBe(true);
          }
        }
      }),
    );
  });

  it('gives a page the most severe severity its alerts ever had, never attaches a more severe alert, and services without repeats', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.integer({ min: 0, max: 3 }),
            severity: fc.constantFrom(
              'critical' as const,
              'error' as const,
              'warning' as const,
              'info' as const,
            ),
            service: fc.constantFrom('a', 'b'),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (events) => {
          const related: GroupingOptions = { ...OPTIONS, relatedServices: () => ['a', 'b'] };
          const order = ['critical', 'error', 'warning', 'info'];
          const rank = (severity: string) => order.indexOf(severity);
          let pages: readonly Page[] = [];
          const severitiesByPage = new Map<string, string[]>();
          for (const [i, e] of events.entries()) {
            const result = groupInto(
              pages,
              alert(`k${e.key}`, { severity: e.severity, service: e.service }),
              T0 + i,
              related,
            );
            const before = pages.find((page) => page.id === result.page?.id);
            if (result.decision === 'attached') {
              expect(rank(e.severity)).toBeGreaterThanOrEqual(rank(before?.severity ?? ''));
            }
            const id = result.page?.id ?? '';
            severitiesByPage.set(id, [...(severitiesByPage.get(id) ?? []), e.severity]);
            pages = result.openPages;
          }
          for (const page of pages) {
            const severities = severitiesByPage.get(page.id) ?? [];
            expect(page.severity).toBe(order.find((s) => severities.includes(s)));
            expect(new Set(page.services).size).toBe(page.services.length);
          }
        },
      ),
    );
  });
});
