// Toil and the reliability report through the API, with an injected clock: one week in
// which a burn alert pages anna at 03:00 her time, she acknowledges it and declares an
// incident, bob takes command, deploys go out (one followed by the page), the gate
// refuses one, and bob logs two hours of manual toil. Every number of the report is
// computed here by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { runEvaluationCycle } from '../../src/jobs/evaluation-cycle.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Monday to Monday. */
const FROM = Date.parse('2026-11-09T00:00:00Z');
const TO = Date.parse('2026-11-16T00:00:00Z');
/** Wednesday 02:00 UTC: 03:00 in Amsterdam, 21:00 the evening before in New York. */
const T0 = Date.parse('2026-11-11T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const PERIOD = `from=${iso(FROM)}&to=${iso(TO)}`;

describe.each(TEST_DATABASES)('toil and the reliability report on $name', (kind) => {
  let headroom: TestHeadroom;
  let ingestKey = '';
  let annaToken = '';
  let viewerToken = '';
  let pageId = '';
  let incidentRef = '';

  const at = (ms: number) => {
    headroom.clock.set(ms);
  };
  const minuteLine = (ms: number, good: number, total: number) =>
    JSON.stringify({ ts: iso(ms), slo: 'checkout-availability', good, total });
  const minutes = (from: number, to: number, bad: number) =>
    Array.from({ length: (to - from) / MINUTE }, (_, index) =>
      minuteLine(from + index * MINUTE, 1000 - bad, 1000),
    );
  const ingest = async (lines: string[]) => {
    const reply = await headroom.call('POST', '/api/v1/events', {
      token: ingestKey,
      raw: { content: lines.join('\n'), contentType: 'application/x-ndjson' },
    });
    expect(reply.status, reply.text).toBe(200);
  };
  const ok = async (
    method: string,
    route: string,
    body?: unknown,
    token?: string,
  ): Promise<unknown> => {
    const reply = await headroom.call(method, route, {
      ...(body === undefined ? {} : { body }),
      ...(token === undefined ? {} : { token }),
    });
    expect(reply.status, `${method} ${route}: ${reply.text}`).toBeLessThan(300);
    return reply.body;
  };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: iso(T0 - 40 * MINUTE) });
    await ok('POST', '/api/v1/apply', {
      documents: [
        {
          apiVersion: 'headroom/v1',
          kind: 'Service',
          metadata: { name: 'checkout' },
          spec: { team: 'payments' },
        },
        {
          apiVersion: 'headroom/v1',
          kind: 'SLO',
          metadata: { name: 'checkout-availability' },
          spec: { service: 'checkout', sli: { ratio: null }, objective: 99.9, window: '30d' },
        },
        {
          apiVersion: 'headroom/v1',
          kind: 'Schedule',
          metadata: { name: 'payments-primary' },
          spec: {
            team: 'payments',
            timeZone: 'Europe/Amsterdam',
            layers: [
              { name: 'main', members: ['anna'], start: '2026-10-05T09:00', shiftLength: '1w' },
            ],
          },
        },
        {
          apiVersion: 'headroom/v1',
          kind: 'EscalationPolicy',
          metadata: { name: 'payments' },
          spec: {
            team: 'payments',
            services: ['checkout'],
            levels: [{ notify: [{ schedule: 'payments-primary' }], timeout: '5m' }],
          },
        },
        {
          apiVersion: 'headroom/v1',
          kind: 'ErrorBudgetPolicy',
          metadata: { name: 'no-deploys-while-paging' },
          spec: {
            appliesTo: { teams: ['payments'] },
            rules: [
              {
                name: 'paging',
                when: { burnAlert: 'page' },
                effect: 'deny',
                unlessLabels: ['rollback'],
              },
            ],
          },
        },
      ],
    });
    await ok('POST', '/api/v1/users', {
      name: 'anna',
      email: 'anna@example.com',
      timeZone: 'Europe/Amsterdam',
      teams: ['payments'],
    });
    await ok('POST', '/api/v1/users', {
      name: 'bob',
      email: 'bob@example.com',
      timeZone: 'America/New_York',
      teams: ['payments'],
    });
    await ok('POST', '/api/v1/users', { name: 'nomad', email: 'nomad@example.com' });
    annaToken = (
      (await ok('POST', '/api/v1/tokens', {
        name: 'anna',
        role: 'editor',
        teams: ['payments'],
        user: 'anna',
      })) as { token: string }
    ).token;
    viewerToken = (
      (await ok('POST', '/api/v1/tokens', { name: 'viewer', role: 'viewer' })) as { token: string }
    ).token;
    ingestKey = (
      (await ok('POST', '/api/v1/services/checkout/ingest-keys', { name: 'test' })) as {
        key: string;
      }
    ).key;
    // Ten million good requests ten days before; 2.4.0 goes out 35 minutes before the page.
    await ingest([minuteLine(T0 - 10 * DAY, 10_000_000, 10_000_000)]);
    await ok('POST', '/api/v1/deploys', {
      service: 'checkout',
      status: 'finished',
      version: '2.4.0',
      actor: 'dave',
      at: iso(T0 - 35 * MINUTE),
    });

    // 10 % of requests fail for 30 minutes: the burn alert pages at T0 and anna is notified.
    at(T0);
    await ingest(minutes(T0 - 30 * MINUTE, T0, 100));
    const { deps } = headroom.server;
    await deps.store.tryAcquireLease('evaluator', 'test', T0, 60_000);
    expect(await runEvaluationCycle(deps, 'test', T0)).toMatchObject({ ran: true });
    await headroom.server.runPaging();
    const pages = (await ok('GET', '/api/v1/pages?status=open')) as { id: string }[];
    expect(pages).toHaveLength(1);
    pageId = pages[0]?.id ?? '';
    // No mail relay here: the e-mail to anna is marked delivered at T0, as a relay would.
    for (const notification of await deps.store.listNotifications(pageId)) {
      if (notification.channel !== 'email') continue;
      await deps.store.recordDelivery(
        notification.id,
        { at: T0, ok: true, detail: '250' },
        { status: 'sent', nextAttemptAt: T0 },
      );
    }

    // The gate refuses a deploy while the page burns, and lets the rollback through.
    at(T0 + 1 * MINUTE);
    const denied = (await ok('POST', '/api/v1/deploys/check', {
      service: 'checkout',
      actor: 'dave',
    })) as { id: string; allowed: boolean };
    expect(denied.allowed).toBe(false);
    const allowed = (await ok('POST', '/api/v1/deploys/check', {
      service: 'checkout',
      actor: 'dave',
      labels: ['rollback'],
    })) as { id: string; allowed: boolean };
    expect(allowed.allowed).toBe(true);
    // Reading a decision writes the queued ones first.
    await ok('GET', `/api/v1/deploys/decisions/${denied.id}`);

    at(T0 + 4 * MINUTE);
    await ok('POST', `/api/v1/pages/${pageId}/acknowledge`, undefined, annaToken);
    at(T0 + 10 * MINUTE);
    const incident = (await ok(
      'POST',
      '/api/v1/incidents',
      { title: 'Checkout failing', severity: 'SEV2', services: ['checkout'], pages: [pageId] },
      annaToken,
    )) as { ref: string };
    incidentRef = incident.ref;
    at(T0 + 20 * MINUTE);
    await ok('PATCH', `/api/v1/incidents/${incidentRef}`, { roles: { commander: 'bob' } });
    at(T0 + 64 * MINUTE);
    await ok('POST', `/api/v1/pages/${pageId}/resolve`, undefined, annaToken);
    at(T0 + 100 * MINUTE);
    await ingest(minutes(T0, T0 + 100 * MINUTE, 0));
    await ok('POST', `/api/v1/incidents/${incidentRef}/resolve`, { message: 'Stable' });

    // A quiet deploy two days later, and bob's two hours of manual work on Thursday.
    at(T0 + 2 * DAY);
    await ok('POST', '/api/v1/deploys', {
      service: 'checkout',
      status: 'finished',
      version: '2.4.1',
      actor: 'dave',
    });
    await ok('POST', '/api/v1/toil', {
      duration: '2h',
      description: 'Re-ran the failed payouts by hand',
      person: 'bob',
      service: 'checkout',
      category: 'Manual ops',
      at: iso(T0 + 1 * DAY),
    });
    at(TO + 12 * 60 * MINUTE);
  });

  afterAll(async () => {
    await headroom.close();
  });

  // Each person works Mon–Fri 09:00–17:00 on their own clock: 5 × 8 h in the week.
  const WORKING = 2 * 5 * 8 * 60;
  // anna: the page from T0+4 to T0+64, the incident from her declaration (T0+10) to its
  // resolution (T0+100); the overlap counts once, for the incident: 6 + 90 minutes.
  const ANNA = 6 + 90;
  // bob: commander from T0+20 to T0+100, and two hours logged.
  const BOB = 80 + 120;
  const TOIL = ANNA + BOB;

  it('logs toil for the person’s only team, and refuses what it cannot place', async () => {
    const listed = (await ok('GET', '/api/v1/toil?team=payments')) as {
      person: string;
      team: string;
      category: string;
      minutes: number;
      createdBy: string;
    }[];
    expect(listed).toEqual([
      expect.objectContaining({
        person: 'bob',
        team: 'payments',
        category: 'manual-ops',
        minutes: 120,
      }),
    ]);
    const refused = async (body: unknown, token?: string) =>
      headroom.call('POST', '/api/v1/toil', {
        body,
        ...(token === undefined ? {} : { token }),
      });
    expect((await refused({ minutes: 5, description: 'x' }, viewerToken)).status).toBe(403);
    const noTeam = await refused({ minutes: 5, description: 'x', person: 'nomad' });
    expect(noTeam.status).toBe(400);
    expect(noTeam.text).toContain('give the team');
    expect(
      (await refused({ minutes: 5, description: 'x', person: 'bob', service: 'nope' })).status,
    ).toBe(400);
    expect((await refused({ description: 'x', person: 'bob' })).status).toBe(400);
    // anna's own token logs for anna.
    at(TO + 12 * 60 * MINUTE);
    const own = (await ok(
      'POST',
      '/api/v1/toil',
      { minutes: 15, description: 'after the period' },
      annaToken,
    )) as { person: string; team: string };
    expect(own).toMatchObject({ person: 'anna', team: 'payments' });
    expect((await headroom.call('GET', `/api/v1/teams/nope/toil?${PERIOD}`)).status).toBe(404);
  });

  it('sums the team’s toil against its working time and the cap', async () => {
    const summary = (await ok('GET', `/api/v1/teams/payments/toil?${PERIOD}`)) as {
      toilMinutes: number;
      workingMinutes: number;
      share: number;
      overCap: boolean;
      capPercent: number;
      bySource: { key: string; minutes: number }[];
      byCategory: { key: string; minutes: number }[];
      people: { person: string; toilMinutes: number; workingMinutes: number }[];
    };
    expect(summary.toilMinutes).toBeCloseTo(TOIL, 9);
    expect(summary.workingMinutes).toBe(WORKING);
    expect(summary.share).toBeCloseTo(TOIL / WORKING, 12);
    expect(summary).toMatchObject({ capPercent: 50, overCap: false });
    expect(summary.bySource.map((s) => [s.key, Math.round(s.minutes)])).toEqual([
      ['incident', 170],
      ['manual', 120],
      ['page', 6],
    ]);
    expect(summary.byCategory.map((s) => s.key)).toEqual([
      'incident-response',
      'manual-ops',
      'interrupt',
    ]);
    expect(
      summary.people.map((p) => [p.person, Math.round(p.toilMinutes), p.workingMinutes]),
    ).toEqual([
      ['anna', ANNA, WORKING / 2],
      ['bob', BOB, WORKING / 2],
    ]);
    // 296 of 4,800 minutes is 6.2 %: over a cap of 5 %.
    const capped = (await ok('GET', `/api/v1/teams/payments/toil?${PERIOD}&cap=5`)) as {
      overCap: boolean;
      warning: string | null;
    };
    expect(capped.overCap).toBe(true);
    expect(capped.warning).toContain('over the 5% cap');
  });

  it('counts working time only up to now while the period is not over', async () => {
    // Wednesday 12:00Z of the week, asking for two weeks.
    const now = Date.parse('2026-11-11T12:00:00Z');
    at(now);
    try {
      const summary = (await ok(
        'GET',
        `/api/v1/teams/payments/toil?from=${iso(FROM)}&to=${iso(TO + 7 * DAY)}`,
      )) as { workingMinutes: number; workingTo: string; toilMinutes: number; share: number };
      // anna (Amsterdam, UTC+1: 08:00–16:00Z): Monday, Tuesday and Wednesday 08:00–12:00Z.
      const anna = 8 * 60 + 8 * 60 + 4 * 60;
      // bob (New York, UTC−5: 14:00–22:00Z): Monday and Tuesday; Wednesday not begun.
      const bob = 8 * 60 + 8 * 60;
      expect(summary.workingMinutes).toBe(anna + bob);
      expect(summary.workingTo).toBe(iso(now));
      expect(summary.share).toBeCloseTo(summary.toilMinutes / (anna + bob), 12);
      const report = await headroom.call(
        'GET',
        `/api/v1/reports/reliability?team=payments&from=${iso(FROM)}&to=${iso(TO + 7 * DAY)}&format=markdown`,
      );
      expect(report.text).toContain(
        'The period is not over: working time is counted to 2026-11-11 12:00 +00:00.',
      );
    } finally {
      at(TO + 12 * 60 * MINUTE);
    }
  });

  it('measures the SLOs of a period that has not ended up to now, not at its end', async () => {
    type Slos = { services: { slos: { sli: number; budgetRemaining: number }[] }[] };
    const now = TO + 12 * 60 * MINUTE;
    const sloOf = async (to: number) =>
      (
        (await ok(
          'GET',
          `/api/v1/reports/reliability?team=payments&from=${iso(FROM)}&to=${iso(to)}&format=json`,
        )) as Slos
      ).services[0]?.slos[0];
    const toNow = await sloOf(now);
    // At the period's end, 25 days ahead, the 30-day window would no longer hold the ten
    // million good requests of ten days before T0, and the budget would read as spent.
    const toLater = await sloOf(now + 25 * DAY);
    const inWindow = 10_000_000 + 130 * 1000;
    expect(toNow?.budgetRemaining).toBeCloseTo((inWindow * 0.001 - 3000) / (inWindow * 0.001), 9);
    expect(toLater).toEqual(toNow);
  });

  it('reports the period’s numbers, each as computed here', async () => {
    const report = (await ok(
      'GET',
      `/api/v1/reports/reliability?team=payments&${PERIOD}&format=json`,
    )) as {
      team: string;
      period: { fromMs: number; toMs: number };
      services: {
        service: string;
        slos: {
          name: string;
          sli: number;
          sliBasis: string;
          budgetRemaining: number;
          budgetSpent: number;
          compliance: string;
        }[];
        burnAlerts: { severity: string; count: number }[];
        incidents: { count: number; open: number; mttaMs: number; mttrMs: number };
        postmortems: { missing: string[]; published: number };
        changes: {
          deploys: number;
          failedDeploys: number;
          failedToDeploy: number;
          gateDenials: number;
          changeFailureRate: number;
        };
      }[];
      incidents: { count: number; open: number; mttaMs: number; mttrMs: number };
      toil: { toilMinutes: number; share: number; overCap: boolean };
      onCall: {
        pagesReceived: number;
        outOfHoursPages: number;
        nightsInterrupted: number;
        noisePages: number;
        people: { person: string; pagesReceived: number; nights: string[] }[];
      };
    };
    expect(report.team).toBe('payments');
    expect(report.period).toMatchObject({ fromMs: FROM, toMs: TO });
    const [checkout] = report.services;
    expect(checkout?.service).toBe('checkout');

    // In the period, 130 minutes of 1,000 requests, 30 of them with 100 failures: the
    // SLI is over those 130,000 requests, not the window's. The window at the end
    // also holds the ten million good requests of ten days before the period.
    const inPeriod = 130 * 1000;
    const inWindow = 10_000_000 + inPeriod;
    const slo = checkout?.slos[0];
    expect(slo?.name).toBe('checkout-availability');
    expect(slo?.sliBasis).toBe('period');
    expect(slo?.sli).toBeCloseTo(1 - 3000 / inPeriod, 12);
    expect(slo?.compliance).toBe('missed');
    expect(slo?.budgetRemaining).toBeCloseTo((inWindow * 0.001 - 3000) / (inWindow * 0.001), 9);
    expect(slo?.budgetSpent).toBeCloseTo(3000 / (inWindow * 0.001), 9);

    // The burn alerts the one evaluation cycle started, by severity.
    const started = await headroom.server.deps.store.listAlertTransitions({
      service: 'checkout',
      transition: 'started',
      fromMs: FROM,
      toMs: TO,
      limit: 100,
    });
    const bySeverity = new Map<string, number>();
    for (const t of started) bySeverity.set(t.severity, (bySeverity.get(t.severity) ?? 0) + 1);
    expect(bySeverity.get('page')).toBeGreaterThan(0);
    expect(
      Object.fromEntries((checkout?.burnAlerts ?? []).map((a) => [a.severity, a.count])),
    ).toEqual(Object.fromEntries(bySeverity));

    // Impact began when the page opened (T0), anna acknowledged it 4 minutes later, and
    // the incident resolved at T0 + 100 minutes.
    expect(checkout?.incidents).toEqual({
      count: 1,
      open: 0,
      mttaMs: 4 * MINUTE,
      mttrMs: 100 * MINUTE,
    });
    // The team's only service: the team's figures are the same.
    expect(report.incidents).toEqual(checkout?.incidents);
    // A SEV2 without a postmortem is missing one.
    expect(checkout?.postmortems).toMatchObject({ published: 0, missing: [incidentRef] });
    // 2.4.0 was followed by the page within the hour; 2.4.1 by nothing.
    expect(checkout?.changes).toEqual({
      deploys: 2,
      failedDeploys: 1,
      failedToDeploy: 0,
      gateDenials: 1,
      changeFailureRate: 0.5,
    });

    expect(report.toil.toilMinutes).toBeCloseTo(TOIL, 9);
    expect(report.toil.share).toBeCloseTo(TOIL / WORKING, 12);
    expect(report.toil.overCap).toBe(false);

    // anna was notified at 03:00 in Amsterdam: out of hours, the night of the 10th.
    expect(report.onCall).toMatchObject({
      pagesReceived: 1,
      outOfHoursPages: 1,
      nightsInterrupted: 1,
      noisePages: 0,
    });
    expect(report.onCall.people.map((p) => [p.person, p.pagesReceived, p.nights])).toEqual([
      ['anna', 1, ['2026-11-10']],
      ['bob', 0, []],
    ]);
  });

  it('logs toil only for a member of the team, by them, its editors or an admin, and deletes it under the same rule', async () => {
    const token = async (body: unknown) =>
      ((await ok('POST', '/api/v1/tokens', body)) as { token: string }).token;
    // bob's own token edits only search; an editor of search is not bob.
    await ok('POST', '/api/v1/teams', { name: 'search' });
    const bobToken = await token({ name: 'bob', role: 'editor', teams: ['search'], user: 'bob' });
    const searchEditor = await token({ name: 'search-lead', role: 'editor', teams: ['search'] });
    const post = (body: unknown, as?: string) =>
      headroom.call('POST', '/api/v1/toil', { body, ...(as === undefined ? {} : { token: as }) });
    const problem = (reply: { body: unknown }) =>
      reply.body as { detail: string; errors?: { path: string; message: string }[] };

    const ghost = await post({ minutes: 5, description: 'x', person: 'ghost', team: 'payments' });
    expect(ghost.status).toBe(400);
    expect(problem(ghost).errors?.[0]).toMatchObject({ path: 'person' });
    expect(problem(ghost).errors?.[0]?.message).toContain('no user "ghost"');

    const outsider = await post({
      minutes: 5,
      description: 'x',
      person: 'nomad',
      team: 'payments',
    });
    expect(outsider.status).toBe(400);
    expect(problem(outsider).errors?.[0]).toMatchObject({ path: 'team' });
    expect(problem(outsider).errors?.[0]?.message).toContain('not a member of team payments');

    const otherTeam = await post({ minutes: 5, description: 'x', person: 'bob' }, searchEditor);
    expect(otherTeam.status).toBe(403);
    expect(problem(otherTeam).detail).toContain('editor token of team payments');
    expect((await post({ minutes: 5, description: 'x', person: 'anna' }, bobToken)).status).toBe(
      403,
    );

    // bob logs for himself; anna, an editor of payments, logs for bob.
    const own = (await ok(
      'POST',
      '/api/v1/toil',
      { minutes: 5, description: 'own' },
      bobToken,
    )) as {
      id: string;
      person: string;
    };
    expect(own.person).toBe('bob');
    const annas = (await ok(
      'POST',
      '/api/v1/toil',
      { minutes: 7, description: 'for bob', person: 'bob' },
      annaToken,
    )) as { id: string };

    const remove = (id: string, as?: string) =>
      headroom.call('DELETE', `/api/v1/toil/${id}`, as === undefined ? {} : { token: as });
    expect((await remove(own.id, searchEditor)).status).toBe(403);
    expect((await remove(own.id, viewerToken)).status).toBe(403);
    expect((await remove(own.id, bobToken)).status).toBe(204);
    expect((await remove(own.id, bobToken)).status).toBe(404);
    expect((await remove(annas.id, annaToken)).status).toBe(204);
    const left = (await ok('GET', '/api/v1/toil?person=bob')) as { id: string }[];
    expect(left.map((entry) => entry.id)).not.toContain(own.id);
    expect(left.map((entry) => entry.id)).not.toContain(annas.id);

    const audit = (await ok('GET', '/api/v1/audit?limit=100')) as {
      action: string;
      kind: string;
      name: string;
    }[];
    const toilChanges = audit
      .filter((entry) => entry.kind === 'ToilEntry' && [own.id, annas.id].includes(entry.name))
      .map((entry) => `${entry.action} ${entry.name}`)
      .sort();
    expect(toilChanges).toEqual(
      [`create ${own.id}`, `delete ${own.id}`, `create ${annas.id}`, `delete ${annas.id}`].sort(),
    );
  });

  it('answers Markdown and HTML as such', async () => {
    const markdown = await headroom.call(
      'GET',
      `/api/v1/reports/reliability?team=payments&${PERIOD}&format=markdown`,
    );
    expect(markdown.status, markdown.text).toBe(200);
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(markdown.text).toContain('Reliability report: payments');
    expect(markdown.text).toContain('checkout-availability');
    const html = await headroom.call(
      'GET',
      `/api/v1/reports/reliability?team=payments&${PERIOD}&format=html`,
    );
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    const mars = await headroom.call(
      'GET',
      `/api/v1/reports/reliability?team=payments&${PERIOD}&zone=Mars/Base`,
    );
    expect(mars.status).toBe(400);
    expect(mars.headers.get('content-type')).toMatch(/problem\+json/);
    expect((mars.body as { errors: { path: string; message: string }[] }).errors[0]).toMatchObject({
      path: 'zone',
    });
    const unknown = await headroom.call('GET', `/api/v1/reports/reliability?team=nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('holds toil against the team’s own cap unless the request gives one', async () => {
    type Summary = { capPercent: number; capSource: string; overCap: boolean; warning: string };
    const summary = async (query = '') =>
      (await ok('GET', `/api/v1/teams/payments/toil?${PERIOD}${query}`)) as Summary;
    expect(await summary()).toMatchObject({ capPercent: 50, capSource: 'default' });
    // 296 of 4,800 minutes is 6.2 %: over the team's 5 %, within an asked-for 10 %.
    const team = (await ok('PUT', '/api/v1/teams/payments', { toilCapPercent: 5 })) as {
      toilCapPercent: number;
    };
    expect(team.toilCapPercent).toBe(5);
    try {
      expect(await summary()).toMatchObject({ capPercent: 5, capSource: 'team', overCap: true });
      expect((await summary()).warning).toContain('over the 5% cap');
      expect(await summary('&cap=10')).toMatchObject({
        capPercent: 10,
        capSource: 'request',
        overCap: false,
      });
      const report = (await ok(
        'GET',
        `/api/v1/reports/reliability?team=payments&${PERIOD}&format=json`,
      )) as { toil: Summary };
      expect(report.toil).toMatchObject({ capPercent: 5, capSource: 'team', overCap: true });
      const markdown = await headroom.call(
        'GET',
        `/api/v1/reports/reliability?team=payments&${PERIOD}&format=markdown`,
      );
      expect(markdown.text).toContain("against the team's cap of 5%.");
      const refused = await headroom.call('PUT', '/api/v1/teams/payments', {
        body: { toilCapPercent: 101 },
      });
      expect(refused.status).toBe(400);
      expect((refused.body as { errors: { path: string }[] }).errors[0]?.path).toBe(
        'body.toilCapPercent',
      );
    } finally {
      await ok('PUT', '/api/v1/teams/payments', {});
    }
    expect(await summary()).toMatchObject({ capPercent: 50, capSource: 'default' });
  });

  it('counts a page acknowledged by someone of another team to their own team, under the page’s service', async () => {
    // alice of identity acknowledges a checkout (payments) page on Thursday for 45 minutes.
    await ok('POST', '/api/v1/teams', { name: 'identity' });
    await ok('POST', '/api/v1/users', { name: 'alice', timeZone: 'UTC', teams: ['identity'] });
    const acknowledgedAt = T0 + 1 * DAY;
    await headroom.server.deps.store.putPage({
      id: 'p-alice',
      status: 'resolved',
      openedAt: acknowledgedAt - 5 * MINUTE,
      summary: 'checkout latency',
      severity: 'warning',
      services: ['checkout'],
      alerts: [],
      acknowledgedAt,
      acknowledgedBy: 'alice',
      resolvedAt: acknowledgedAt + 45 * MINUTE,
      updatedAt: acknowledgedAt + 45 * MINUTE,
    });
    type Summary = {
      toilMinutes: number;
      byService: { key: string; minutes: number }[];
      people: { person: string; toilMinutes: number; workingMinutes: number }[];
    };
    const identity = (await ok('GET', `/api/v1/teams/identity/toil?${PERIOD}`)) as Summary;
    expect(identity.toilMinutes).toBe(45);
    expect(identity.byService).toEqual([{ key: 'checkout', minutes: 45, share: 1 }]);
    expect(identity.people).toEqual([
      expect.objectContaining({ person: 'alice', toilMinutes: 45, workingMinutes: 5 * 8 * 60 }),
    ]);
    // payments' toil is what it was: alice's time is not held against its people's hours.
    const payments = (await ok('GET', `/api/v1/teams/payments/toil?${PERIOD}`)) as Summary;
    expect(payments.toilMinutes).toBeCloseTo(TOIL, 9);
    expect(payments.people.map((p) => p.person)).toEqual(['anna', 'bob']);
  });
});
