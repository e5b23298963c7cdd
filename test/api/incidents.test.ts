// One incident from burn alert to published postmortem, through the API, with an
// injected clock: the burn alert pages, the page is acknowledged, an incident is
// declared from it (and the incident-response rotation is paged), roles change hands,
// a rollback is recorded, the incident resolves, and the postmortem's draft carries
// the timeline, durations and budget numbers computed here by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { runEvaluationCycle } from '../../src/jobs/evaluation-cycle.js';
import { startTestHeadroom, type TestHeadroom } from '../support/headroom.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The errors start at T0 − 30 min; the burn alert pages at T0. */
const T0 = Date.parse('2026-11-10T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Incident {
  id: number;
  ref: string;
  status: string;
  startedAt: string;
  acknowledgedAt: string;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  timeToAcknowledgeSeconds: number;
  timeToMitigateSeconds: number | null;
  timeToResolveSeconds: number | null;
  roles: Record<string, { person: string } | null>;
  roleHistory: { role: string; from: string | null; to: string | null }[];
  incidentResponse: { reasons: string[]; schedule: string | null; page: string | null };
  runbooks: { name: string }[];
  revision: number;
}

describe.each(TEST_DATABASES)('an incident from burn alert to postmortem on $name', (kind) => {
  let headroom: TestHeadroom;
  let ingestKey = '';
  let pageId = '';
  let incident: Incident;

  const minuteLine = (at: number, good: number, total: number) =>
    JSON.stringify({ ts: iso(at), slo: 'checkout-availability', good, total });
  const ingest = async (lines: string[]) => {
    const reply = await headroom.call('POST', '/api/v1/events', {
      token: ingestKey,
      raw: { content: lines.join('\n'), contentType: 'application/x-ndjson' },
    });
    expect(reply.status, reply.text).toBe(200);
  };
  /** Minutes [from, to) of 1,000 requests each, `bad` of them failed. */
  const minutes = (from: number, to: number, bad: number) =>
    Array.from({ length: (to - from) / MINUTE }, (_, index) =>
      minuteLine(from + index * MINUTE, 1000 - bad, 1000),
    );
  const at = (ms: number) => {
    headroom.clock.set(ms);
  };

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind, { now: iso(T0 - 40 * MINUTE) });
    const applied = await headroom.call('POST', '/api/v1/apply', {
      body: {
        documents: [
          {
            apiVersion: 'headroom/v1',
            kind: 'Service',
            metadata: { name: 'checkout' },
            spec: { team: 'payments', tier: 'critical' },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'SLO',
            metadata: { name: 'checkout-availability' },
            spec: { service: 'checkout', sli: { ratio: null }, objective: 99.9, window: '30d' },
          },
          schedule('payments-primary', 'anna'),
          schedule('incident-response', 'ivy'),
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
            metadata: { name: 'checkout-incidents' },
            spec: {
              appliesTo: { services: ['checkout'] },
              incidentFreeze: { unlessLabels: ['rollback'] },
            },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'IncidentSettings',
            metadata: { name: 'incidents' },
            spec: { incidentResponse: { schedule: 'incident-response' } },
          },
          {
            apiVersion: 'headroom/v1',
            kind: 'Runbook',
            metadata: { name: 'checkout-errors' },
            spec: {
              title: 'Checkout is failing requests',
              service: 'checkout',
              markdown: '## Steps\n1. Roll back the last deploy.\n',
            },
          },
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    for (const name of ['anna', 'bob', 'carol', 'ivy']) {
      const user = await headroom.call('POST', '/api/v1/users', {
        body: { name, email: `${name}@example.com`, teams: ['payments'] },
      });
      expect(user.status).toBe(201);
    }
    const key = await headroom.call('POST', '/api/v1/services/checkout/ingest-keys', {
      body: { name: 'test' },
    });
    ingestKey = (key.body as { key: string }).key;
    // Ten days ago, ten million good requests (in one minute, for brevity).
    await ingest([minuteLine(T0 - 10 * DAY, 10_000_000, 10_000_000)]);
    // Version 2.4.0 goes out 35 minutes before the page.
    const deploy = await headroom.call('POST', '/api/v1/deploys', {
      body: {
        service: 'checkout',
        status: 'finished',
        version: '2.4.0',
        actor: 'dave',
        at: iso(T0 - 35 * MINUTE),
      },
    });
    expect(deploy.status, deploy.text).toBe(201);
  });

  afterAll(async () => {
    await headroom.close();
  });

  it('pages from the burn alert, and the page is acknowledged', async () => {
    // 10 % of requests fail from T0 − 30 min: a burn rate of 100 over the last hour.
    at(T0);
    await ingest(minutes(T0 - 30 * MINUTE, T0, 100));
    const { deps } = headroom.server;
    await deps.store.tryAcquireLease('evaluator', 'test', T0, 60_000);
    expect(await runEvaluationCycle(deps, 'test', T0)).toMatchObject({ ran: true });
    const pages = (await headroom.call('GET', '/api/v1/pages?status=open')).body as {
      id: string;
      services: string[];
      runbooks: { name: string }[];
    }[];
    expect(pages.map((page) => page.services)).toEqual([['checkout']]);
    // The page shows the runbook of its service.
    expect(pages[0]?.runbooks.map((runbook) => runbook.name)).toEqual(['checkout-errors']);
    pageId = pages[0]?.id ?? '';

    at(T0 + 4 * MINUTE);
    const acknowledged = await headroom.call('POST', `/api/v1/pages/${pageId}/acknowledge`);
    expect(acknowledged.status, acknowledged.text).toBe(200);
  });

  it('declares an incident from the page, and pages the incident-response rotation', async () => {
    at(T0 + 6 * MINUTE);
    const declared = await headroom.call('POST', '/api/v1/incidents', {
      body: {
        title: 'Checkout failing 10 % of payments',
        severity: 'SEV2',
        services: ['checkout'],
        pages: [pageId],
        commander: 'anna',
      },
    });
    expect(declared.status, declared.text).toBe(201);
    incident = declared.body as Incident;
    expect(incident).toMatchObject({
      ref: `INC-${String(incident.id)}`,
      status: 'investigating',
      // Impact began when the page opened, as far as anyone knows yet.
      startedAt: iso(T0),
      acknowledgedAt: iso(T0 + 4 * MINUTE),
      timeToAcknowledgeSeconds: 240,
      roles: { commander: { person: 'anna' } },
      runbooks: [{ name: 'checkout-errors' }],
    });
    expect(incident.incidentResponse).toEqual({
      reasons: ['critical-service', 'severity'],
      schedule: 'incident-response',
      page: `incident-${String(incident.id)}-response`,
    });

    // The rotation's on-call person is notified like for any page.
    await headroom.server.runPaging();
    const notifications = (
      await headroom.call(
        'GET',
        `/api/v1/pages/${incident.incidentResponse.page ?? ''}/notifications`,
      )
    ).body as { destination: string }[];
    expect(notifications.map((notification) => notification.destination)).toContain(
      'ivy@example.com',
    );
    // A second update does not page the rotation again.
    const raised = await headroom.call('PATCH', `/api/v1/incidents/${incident.ref}`, {
      body: { severity: 'SEV1' },
    });
    expect(raised.status, raised.text).toBe(200);
    const open = (await headroom.call('GET', '/api/v1/pages?status=open')).body as { id: string }[];
    expect(open.filter((page) => page.id.startsWith('incident-'))).toHaveLength(1);
  });

  it('holds deploys of the service while the incident is open, except rollbacks', async () => {
    const gate = async (labels: string[]) =>
      (
        await headroom.call('POST', '/api/v1/deploys/check', {
          body: { service: 'checkout', version: '2.4.1', actor: 'ci', labels },
        })
      ).body as { allowed: boolean; reasons: { rule: string; message: string }[] };
    const held = await gate([]);
    expect(held.allowed).toBe(false);
    expect(held.reasons.map((reason) => reason.message).join(' ')).toContain(incident.ref);
    expect((await gate(['rollback'])).allowed).toBe(true);
  });

  it('hands roles over and keeps who held them', async () => {
    at(T0 + 8 * MINUTE);
    const handed = await headroom.call('PATCH', `/api/v1/incidents/${String(incident.id)}`, {
      body: {
        roles: { commander: 'bob', scribe: 'carol' },
        startedAt: iso(T0 - 30 * MINUTE),
        note: 'errors started with 2.4.0; rolling back',
      },
    });
    expect(handed.status, handed.text).toBe(200);
    incident = handed.body as Incident;
    expect(incident.roles.commander?.person).toBe('bob');
    expect(incident.roles.scribe?.person).toBe('carol');
    expect(incident.roleHistory).toEqual([
      expect.objectContaining({ role: 'commander', from: null, to: 'anna' }),
      expect.objectContaining({ role: 'commander', from: 'anna', to: 'bob' }),
      expect.objectContaining({ role: 'scribe', from: null, to: 'carol' }),
    ]);
    // The corrected impact start moves every duration.
    expect(incident.startedAt).toBe(iso(T0 - 30 * MINUTE));
    expect(incident.timeToAcknowledgeSeconds).toBe(34 * 60);

    // An update based on an old revision is refused, not merged blindly.
    const stale = await headroom.call('PATCH', `/api/v1/incidents/${String(incident.id)}`, {
      body: { note: 'late', revision: incident.revision - 1 },
    });
    expect(stale.status).toBe(409);
  });

  it('records the rollback, mitigates and resolves', async () => {
    at(T0 + 10 * MINUTE);
    const rollback = await headroom.call('POST', '/api/v1/deploys', {
      body: {
        service: 'checkout',
        status: 'rolled_back',
        version: '2.3.9',
        labels: ['rollback'],
        actor: 'bob',
      },
    });
    expect(rollback.status, rollback.text).toBe(201);
    // Errors went on until the rollback, then stopped.
    at(T0 + 12 * MINUTE);
    await ingest([
      ...minutes(T0, T0 + 10 * MINUTE, 100),
      ...minutes(T0 + 10 * MINUTE, T0 + 12 * MINUTE, 0),
    ]);
    const mitigated = await headroom.call('PATCH', `/api/v1/incidents/${String(incident.id)}`, {
      body: { status: 'monitoring', message: 'Rolled back to 2.3.9; error rate back to normal' },
    });
    expect(mitigated.status, mitigated.text).toBe(200);

    at(T0 + 40 * MINUTE);
    await ingest(minutes(T0 + 12 * MINUTE, T0 + 40 * MINUTE, 0));
    const resolved = await headroom.call(
      'POST',
      `/api/v1/incidents/${String(incident.id)}/resolve`,
      {
        body: { message: 'Stable for 30 minutes' },
      },
    );
    expect(resolved.status, resolved.text).toBe(200);
    incident = resolved.body as Incident;
    expect(incident).toMatchObject({
      status: 'resolved',
      mitigatedAt: iso(T0 + 12 * MINUTE),
      resolvedAt: iso(T0 + 40 * MINUTE),
      timeToAcknowledgeSeconds: 34 * 60,
      timeToMitigateSeconds: 42 * 60,
      timeToResolveSeconds: 70 * 60,
    });
    // Resolved: deploys may go out again.
    const gate = (
      await headroom.call('POST', '/api/v1/deploys/check', {
        body: { service: 'checkout', version: '2.4.1', actor: 'ci' },
      })
    ).body as { allowed: boolean };
    expect(gate.allowed).toBe(true);
    // Resolving the incident resolves its call to the rotation.
    const responsePage = await headroom.call(
      'GET',
      `/api/v1/pages/${incident.incidentResponse.page ?? ''}`,
    );
    expect((responsePage.body as { status: string }).status).toBe('resolved');
  });

  it('tells the budget the incident consumed, exactly', async () => {
    const impact = (
      await headroom.call('GET', `/api/v1/incidents/${String(incident.id)}/budget-impact`)
    ).body as { complete: boolean; slos: Record<string, unknown>[] };
    // From T0 − 30 min to T0 + 40 min: 70 minutes of 1,000 requests, 40 of them with
    // 100 failures. The 30-day window at the end holds 10,070,000 requests: a budget
    // of 10,070 failures, of which the incident spent 4,000.
    expect(impact.complete).toBe(true);
    const burnRate = impact.slos[0]?.burnRate;
    expect(burnRate).toBeCloseTo(4_000 / 70_000 / 0.001, 9);
    expect(impact.slos).toEqual([
      {
        slo: 'checkout-availability',
        service: 'checkout',
        objectivePercent: 99.9,
        method: 'exact',
        events: { good: 66_000, bad: 4_000, total: 70_000 },
        budgetConsumed: 4_000 / 10_070,
        burnRate,
        remainingAtEnd: (10_070 - 4_000) / 10_070,
      },
    ]);
  });

  it('builds the timeline from everything Headroom saw', async () => {
    const timeline = (
      await headroom.call('GET', `/api/v1/incidents/${String(incident.id)}/timeline`)
    ).body as { at: string; source: string; kind: string; text: string }[];
    const kinds = timeline.map((entry) => `${entry.at} ${entry.source}/${entry.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        `${iso(T0 - 35 * MINUTE)} deploy/deploy-finished`,
        `${iso(T0)} burn-alert/burn-alert-started`,
        `${iso(T0)} page/page-opened`,
        `${iso(T0 + 4 * MINUTE)} page/page-acknowledged`,
        `${iso(T0 + 10 * MINUTE)} deploy/deploy-rolled-back`,
        `${iso(T0 + 40 * MINUTE)} incident/resolved`,
      ]),
    );
    const instants = timeline.map((entry) => Date.parse(entry.at));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    expect(timeline.map((entry) => entry.text)).toContain(
      `bob took over as incident commander from anna (assigned by bootstrap admin)`,
    );
  });

  it('drafts the postmortem with the numbers filled in and the rest marked', async () => {
    const drafted = await headroom.call(
      'POST',
      `/api/v1/incidents/${String(incident.id)}/postmortem`,
    );
    expect(drafted.status, drafted.text).toBe(201);
    const postmortem = drafted.body as {
      markdown: string;
      status: string;
      revision: number;
      unwrittenSections: string[];
    };
    const { markdown } = postmortem;
    expect(postmortem.status).toBe('draft');
    expect(markdown).toContain(incident.ref);
    // Durations from the impact start, in words.
    expect(markdown).toContain('34 min');
    expect(markdown).toContain('42 min');
    expect(markdown).toContain('1 h 10 min');
    // The budget: 4,000 of 10,070 failures is 39.72 % of it.
    expect(markdown).toContain('39.72 %');
    expect(markdown).toContain('4,000');
    // The contributing deploy, and the rollback among the resolution steps.
    expect(markdown).toContain('2.4.0');
    expect(markdown).toMatch(/### Resolution steps[\s\S]*2\.3\.9/);
    expect(postmortem.unwrittenSections).toEqual(
      expect.arrayContaining(['Trigger', 'Root causes', 'Lessons learned']),
    );
    // A second draft would overwrite people's work: refused.
    const again = await headroom.call(
      'POST',
      `/api/v1/incidents/${String(incident.id)}/postmortem`,
    );
    expect(again.status).toBe(409);
  });

  it('points at blame, and publishes only after review with every section written', async () => {
    const route = `/api/v1/incidents/${String(incident.id)}/postmortem`;
    let current = (await headroom.call('GET', route)).body as {
      markdown: string;
      revision: number;
    };
    const written = current.markdown
      .replace(/\*\*\[to write\]\*\*[^\n]*/g, 'Written by the team.')
      .concat('\nbob forgot to check the dashboard.\n');
    const saved = await headroom.call('PUT', route, {
      body: { markdown: written, revision: current.revision },
    });
    expect(saved.status, saved.text).toBe(200);
    const view = saved.body as {
      revision: number;
      unwrittenSections: string[];
      blamelessFindings: { phrase: string }[];
    };
    expect(view.unwrittenSections).toEqual([]);
    expect(view.blamelessFindings.map((finding) => finding.phrase.toLowerCase())).toContain(
      'bob forgot',
    );
    // Saving over someone else's save is refused.
    const stale = await headroom.call('PUT', route, {
      body: { markdown: written, revision: current.revision },
    });
    expect(stale.status).toBe(409);

    const skipped = await headroom.call('POST', `${route}/review`, {
      body: { status: 'published' },
    });
    expect(skipped.status).toBe(409);
    expect(
      (await headroom.call('POST', `${route}/review`, { body: { status: 'in-review' } })).status,
    ).toBe(200);
    const published = await headroom.call('POST', `${route}/review`, {
      body: { status: 'published' },
    });
    expect(published.status, published.text).toBe(200);
    current = published.body as { markdown: string; revision: number };
    // The document says what the record is: no "Draft" on a published postmortem.
    expect(current.markdown).toContain('- **Postmortem status:** Published\n');
    expect((await headroom.call('GET', route)).body).toMatchObject({
      status: 'published',
      markdown: current.markdown,
    });
    const late = await headroom.call('PUT', route, {
      body: { markdown: `${current.markdown}\nmore`, revision: current.revision },
    });
    expect(late.status).toBe(409);
  });

  it('drafts a runbook from the resolution steps', async () => {
    const draft = await headroom.call(
      'GET',
      `/api/v1/incidents/${String(incident.id)}/postmortem/runbook`,
    );
    expect(draft.status, draft.text).toBe(200);
    const { document, yaml } = draft.body as {
      document: { kind: string; spec: { service: string; markdown: string } };
      yaml: string;
    };
    expect(document.kind).toBe('Runbook');
    expect(document.spec.service).toBe('checkout');
    expect(document.spec.markdown).toContain('2.3.9');
    expect(yaml).toContain('kind: Runbook');
  });

  it('tracks action items after publication, overdue per team', async () => {
    const added = await headroom.call(
      'POST',
      `/api/v1/incidents/${String(incident.id)}/action-items`,
      {
        body: {
          title: 'Canary checkout deploys on 5 % of traffic',
          owner: 'bob',
          priority: 'P1',
          dueAt: iso(T0 + DAY),
        },
      },
    );
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({ team: 'payments', status: 'open', overdue: false });
    at(T0 + 3 * DAY);
    const overdue = (await headroom.call('GET', '/api/v1/action-items?team=payments&overdue=true'))
      .body as { id: string; overdue: boolean }[];
    expect(overdue).toEqual([
      expect.objectContaining({ id: (added.body as { id: string }).id, overdue: true }),
    ]);
    const done = await headroom.call(
      'PATCH',
      `/api/v1/action-items/${(added.body as { id: string }).id}`,
      {
        body: { status: 'done' },
      },
    );
    expect(done.body).toMatchObject({
      status: 'done',
      overdue: false,
      closedAt: iso(T0 + 3 * DAY),
    });
  });

  it('gives MTTA and MTTR per team, and counts the deploy as a change failure', async () => {
    const metrics = (
      await headroom.call(
        'GET',
        `/api/v1/incident-metrics?by=team&from=${iso(T0 - DAY)}&to=${iso(T0 + DAY)}`,
      )
    ).body as { groups: Record<string, unknown>[] };
    expect(metrics.groups).toEqual([
      expect.objectContaining({
        key: 'payments',
        incidents: 1,
        open: 0,
        mttaSeconds: 34 * 60,
        mttmSeconds: 42 * 60,
        mttrSeconds: 70 * 60,
      }),
    ]);
    const changeFailure = (
      await headroom.call(
        'GET',
        `/api/v1/services/checkout/change-failure?from=${iso(T0 - DAY)}&to=${iso(T0 + DAY)}&within=1h`,
      )
    ).body as { deploys: number; failed: number };
    expect(changeFailure).toMatchObject({ deploys: 1, failed: 1 });
  });
});

function schedule(name: string, member: string) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'Schedule',
    metadata: { name },
    spec: {
      team: 'payments',
      timeZone: 'Europe/Amsterdam',
      layers: [{ name: 'main', members: [member], start: '2026-10-05T09:00', shiftLength: '1w' }],
    },
  };
}
