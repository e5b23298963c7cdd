import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HeartbeatStateWrite } from '../app/ports/records.js';
import type { Store } from '../app/ports/store.js';
import type { OpenDatabase } from './database.js';
import { EVENT_COUNT_DELETE_CHUNK } from './event-repository.js';
import { PING_DELETE_CHUNK } from './heartbeat-repository.js';
import { kyselyStore } from './kysely-store.js';
import { isMigrated, migrateToLatest, SchemaTooNewError } from './migrate.js';
import {
  openTestStore,
  pingRecord,
  stateWrite,
  TEST_DATABASES,
  type TestStore,
} from './test-databases.js';
import { up as addPageServices } from './migrations/0014-page-services.js';
import { down as unchainPings, up as chainPings } from './migrations/0018-heartbeat-ping-chains.js';
import type { Page } from '../core/alerts/grouping.js';
import { alertKey, serviceKey } from '../core/alerts/page-keys.js';

const pageRecord = (id: string, openedAt: number, services: string[]): Page => ({
  id,
  status: 'triggered',
  openedAt,
  summary: id,
  severity: 'critical',
  services,
  alerts: [],
  acknowledgedAt: undefined,
  acknowledgedBy: undefined,
  resolvedAt: undefined,
  updatedAt: openedAt,
});

describe.each(TEST_DATABASES)('the store on $name', (kind) => {
  let testStore: TestStore;
  let database: OpenDatabase;
  let store: Store;

  beforeEach(async () => {
    testStore = await openTestStore(kind);
    ({ database, store } = testStore);
  });

  afterEach(async () => {
    await testStore.close();
  });

  it('migrates once and knows it is migrated', async () => {
    expect(await isMigrated(database.db)).toBe(true);
    expect((await migrateToLatest(database.db)).applied).toEqual([]);
  });

  it('refuses a database migrated by a newer Headroom', async () => {
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00Z')`.execute(
      database.db,
    );
    await expect(migrateToLatest(database.db)).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(migrateToLatest(database.db)).rejects.toThrow(
      /newer Headroom.*9999-from-the-future/,
    );
  });

  it('keeps users with their team memberships', async () => {
    await store.putTeam({
      name: 'payments',
      displayName: 'Payments',
      toilCapPercent: 40,
      createdAt: 1,
      updatedAt: 1,
    });
    await store.putTeam({
      name: 'search',
      displayName: null,
      toilCapPercent: null,
      createdAt: 1,
      updatedAt: 1,
    });
    const user = {
      name: 'ada',
      displayName: 'Ada',
      email: 'ada@example.com',
      timeZone: 'Europe/Amsterdam',
      teams: ['payments', 'search'],
      roles: ['sre-lead'],
      workingHours: null,
      sleepHours: null,
      createdAt: 5,
      updatedAt: 5,
    };
    await store.putUser(user);
    expect(await store.getUser('ada')).toEqual(user);
    await store.putUser({ ...user, teams: ['search'], updatedAt: 6 });
    expect((await store.listUsers()).map((u) => u.teams)).toEqual([['search']]);
    // Own hours are kept as given, and cleared again (null: the defaults).
    const hours = {
      workingHours: {
        days: ['sun', 'mon', 'tue', 'wed', 'thu'] as const,
        start: '10:00',
        end: '18:00',
      },
      sleepHours: { start: '23:30', end: '06:30' },
    };
    await store.putUser({ ...user, ...hours, teams: ['search'], updatedAt: 7 });
    expect(await store.getUser('ada')).toMatchObject(hours);
    expect((await store.listUsers())[0]).toMatchObject(hours);
    await store.putUser({ ...user, teams: ['search'], updatedAt: 8 });
    expect(await store.getUser('ada')).toMatchObject({ workingHours: null, sleepHours: null });
    // A team's own toil cap, fractional, and none.
    expect((await store.getTeam('payments'))?.toilCapPercent).toBe(40);
    await store.putTeam({
      name: 'payments',
      displayName: 'Payments',
      toilCapPercent: 37.5,
      createdAt: 1,
      updatedAt: 2,
    });
    expect((await store.listTeams()).map((t) => [t.name, t.toilCapPercent])).toEqual([
      ['payments', 37.5],
      ['search', null],
    ]);
    await store.deleteTeam('search');
    expect((await store.getUser('ada'))?.teams).toEqual([]);
  });

  it('finds tokens by the hash of their secret only', async () => {
    const token = {
      id: 'abc123',
      name: 'ci',
      role: 'editor' as const,
      teams: ['payments'],
      user: null,
      createdAt: 10,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    };
    await store.insertToken(token, 'hash-1');
    expect(await store.findTokenByHash('hash-1')).toEqual(token);
    expect(await store.findTokenByHash('hash-2')).toBeUndefined();
    await store.revokeToken('abc123', 20);
    expect((await store.getToken('abc123'))?.revokedAt).toBe(20);
    expect(await store.countTokens()).toBe(1);
  });

  it('stores SLO documents and deletes their counts with them', async () => {
    const id = await store.insertSlo({
      name: 'checkout-availability',
      service: 'checkout',
      document: { kind: 'SLO', spec: { objective: 99.9 } },
      createdAt: 1,
      updatedAt: 1,
    });
    await store.insertEventCounts([
      {
        sloId: id,
        counts: [
          { minute: 101, good: 1, total: 2 },
          { minute: 100, good: 9, total: 10 },
        ],
      },
      { sloId: id, counts: [{ minute: 100, good: 5, total: 5 }] },
    ]);
    expect(await store.sumEventCounts(id, 0, await store.lastEventId())).toEqual([
      { minute: 100, good: 14, total: 15 },
      { minute: 101, good: 1, total: 2 },
    ]);
    expect(await store.sumEventCounts(id, 101, await store.lastEventId())).toEqual([
      { minute: 101, good: 1, total: 2 },
    ]);
    expect((await store.getSlo('checkout-availability'))?.document).toEqual({
      kind: 'SLO',
      spec: { objective: 99.9 },
    });
    await store.deleteSlo(id);
    expect(await store.readEventCountsAfter(0, 10)).toEqual([]);
    expect(await store.listSlos()).toEqual([]);
  });

  it('keeps config resources of other kinds by kind and name, replacing on put', async () => {
    const resource = (url: string, at: number) => ({
      kind: 'DataSource',
      name: 'main',
      team: null,
      document: { spec: { url } },
      createdAt: at,
      updatedAt: at,
    });
    await store.putConfigResource(resource('http://a:9090', 1));
    await store.putConfigResource(resource('http://b:9090', 2));
    await store.putConfigResource({ ...resource('x', 3), kind: 'Schedule', team: 'payments' });
    expect(await store.listConfigResources('DataSource')).toEqual([
      { ...resource('http://b:9090', 2), createdAt: 1 },
    ]);
    expect((await store.listConfigResources()).map((record) => record.kind)).toEqual([
      'DataSource',
      'Schedule',
    ]);
    await store.deleteConfigResource('DataSource', 'main');
    expect(await store.listConfigResources('DataSource')).toEqual([]);
  });

  it('hands out event records in id order, after a given id, counts intact', async () => {
    const records = Array.from({ length: 2500 }, (_, index) => ({
      sloId: 1 + (index % 3),
      counts: [
        { minute: 29_000_000 + index, good: index, total: index + 1 },
        { minute: 29_000_000 + index + 7, good: 0, total: 2 ** 40 },
      ],
    }));
    await store.insertEventCounts(records);
    const first = await store.readEventCountsAfter(0, 2000);
    expect(first).toHaveLength(2000);
    const rest = await store.readEventCountsAfter(first.at(-1)?.id ?? 0, 2000);
    expect(rest).toHaveLength(500);
    expect([...first, ...rest].map(({ sloId, counts }) => ({ sloId, counts }))).toEqual(records);
    expect(await store.lastEventId()).toBe(rest.at(-1)?.id);
  });

  it('deletes old event counts a chunk at a time until none is left, and keeps the rest', async () => {
    const old = Array.from({ length: 2 * EVENT_COUNT_DELETE_CHUNK + 100 }, (_, index) => ({
      sloId: 1 + (index % 3),
      counts: [{ minute: 1_000 + index, good: 1, total: 1 }],
    }));
    await store.insertEventCounts([
      ...old,
      { sloId: 2, counts: [{ minute: 900_000, good: 3, total: 4 }] },
    ]);
    expect(await store.deleteEventCountsBefore(500_000)).toBe(old.length);
    expect((await store.readEventCountsAfter(0, 10)).map((record) => record.counts)).toEqual([
      [{ minute: 900_000, good: 3, total: 4 }],
    ]);
    expect(await store.deleteEventCountsBefore(500_000)).toBe(0);
  });

  it('deletes counts no window reaches and old idempotency records', async () => {
    await store.insertEventCounts([
      {
        sloId: 1,
        counts: [
          { minute: 100, good: 1, total: 1 },
          { minute: 200, good: 1, total: 1 },
        ],
      },
      { sloId: 1, counts: [{ minute: 150, good: 1, total: 1 }] },
    ]);
    expect(await store.deleteEventCountsBefore(199)).toBe(1);
    expect((await store.readEventCountsAfter(0, 10)).map((record) => record.counts.length)).toEqual(
      [2],
    );
    await store.insertIngestBatch({
      service: 's',
      idempotencyKey: 'old',
      bodyHash: 'h',
      response: {},
      createdAt: 10,
    });
    await store.insertIngestBatch({
      service: 's',
      idempotencyKey: 'new',
      bodyHash: 'h',
      response: {},
      createdAt: 20,
    });
    expect(await store.deleteIngestBatchesBefore(15)).toBe(1);
    expect(await store.findIngestBatch('s', 'old')).toBeUndefined();
    expect(await store.findIngestBatch('s', 'new')).toBeDefined();
  });

  it('keeps one batch per idempotency key', async () => {
    const batch = {
      service: 'checkout',
      idempotencyKey: 'k1',
      bodyHash: 'h',
      response: { accepted: 3 },
      createdAt: 1,
    };
    expect(await store.insertIngestBatch(batch)).toBe(true);
    expect(await store.insertIngestBatch({ ...batch, bodyHash: 'other' })).toBe(false);
    expect(await store.findIngestBatch('checkout', 'k1')).toEqual(batch);
    expect(await store.insertIngestBatch({ ...batch, service: 'search' })).toBe(true);
  });

  it('gives a lease to one holder until it expires', async () => {
    expect(await store.tryAcquireLease('evaluator', 'a', 1000, 100)).toBe(true);
    expect(await store.tryAcquireLease('evaluator', 'b', 1050, 100)).toBe(false);
    expect(await store.tryAcquireLease('evaluator', 'a', 1090, 100)).toBe(true);
    expect(await store.holdsLease('evaluator', 'a', 1150)).toBe(true);
    expect(await store.tryAcquireLease('evaluator', 'b', 1150, 100)).toBe(false);
    expect(await store.tryAcquireLease('evaluator', 'b', 1190, 100)).toBe(true);
    expect(await store.holdsLease('evaluator', 'a', 1190)).toBe(false);
    await store.releaseLease('evaluator', 'b');
    expect(await store.tryAcquireLease('evaluator', 'a', 1191, 100)).toBe(true);
  });

  it('lets exactly one of many contenders take a free lease', async () => {
    const holders = Array.from({ length: 8 }, (_, index) => `holder-${index}`);
    const won = await Promise.all(
      holders.map((holder) => store.tryAcquireLease('race', holder, 5000, 1000)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('records each evaluation cycle once', async () => {
    const cycle = { at: 60_000, holder: 'a', slos: 3, transitions: 1, finishedAt: 60_100 };
    expect(await store.insertEvaluationCycle(cycle)).toBe(true);
    expect(await store.insertEvaluationCycle({ ...cycle, holder: 'b' })).toBe(false);
    expect(await store.listEvaluationCycles(10)).toEqual([cycle]);
  });

  it('rolls a transaction back as a whole', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.putTeam({
          name: 'payments',
          displayName: null,
          toilCapPercent: null,
          createdAt: 1,
          updatedAt: 1,
        });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await store.listTeams()).toEqual([]);
  });

  it('keeps approvals, lists the ones in force, and revokes once', async () => {
    const approval = {
      id: 'apr-1',
      service: 'checkout',
      approver: 'bob',
      approverRoles: ['sre-lead'],
      requester: 'alice',
      reason: 'hotfix',
      scope: ['budget-low', 'payments/paging'],
      grantedAt: 1_000,
      expiresAt: 5_000,
      createdBy: 'token:abc (bob)',
      revokedAt: null,
      revokedBy: null,
    };
    await store.insertApproval(approval);
    await store.insertApproval({
      ...approval,
      id: 'apr-2',
      scope: 'all',
      requester: null,
      grantedAt: 2_000,
      expiresAt: 3_000,
    });
    await store.insertApproval({ ...approval, id: 'apr-3', service: 'search' });
    expect(await store.getApproval('apr-1')).toEqual(approval);
    const forCheckout = await store.listApprovals({ service: 'checkout', limit: 10 });
    expect(forCheckout.map((each) => [each.id, each.scope])).toEqual([
      ['apr-2', 'all'],
      ['apr-1', ['budget-low', 'payments/paging']],
    ]);
    expect(
      (await store.listApprovals({ service: 'checkout', expiringAfter: 3_000, limit: 10 })).map(
        (each) => each.id,
      ),
    ).toEqual(['apr-1']);
    await store.revokeApproval('apr-1', 4_000, 'token:def (carol)');
    await store.revokeApproval('apr-1', 4_500, 'token:xyz (dave)');
    expect(await store.getApproval('apr-1')).toMatchObject({
      revokedAt: 4_000,
      revokedBy: 'token:def (carol)',
    });
    expect(
      (await store.listApprovals({ service: 'checkout', notRevoked: true, limit: 10 })).map(
        (each) => each.id,
      ),
    ).toEqual(['apr-2']);
  });

  it('keeps gate decisions in batches, newest first, paged by id', async () => {
    const decision = (index: number) => ({
      id: `dec-${index}`,
      at: 1_000 + index,
      service: index % 2 === 0 ? 'checkout' : 'search',
      actor: 'alice',
      requestedBy: 'token:ci (ci)',
      allowed: index % 3 !== 0,
      version: index === 0 ? null : `v${index}`,
      commit: null,
      labels: index === 1 ? ['rollback'] : [],
      decision: { allowed: index % 3 !== 0, reasons: [] } as never,
    });
    await store.insertDeployDecisions([0, 1, 2, 3, 4, 5].map(decision));
    await store.insertDeployDecisions([]);
    const checkout = await store.listDeployDecisions({ service: 'checkout', limit: 2 });
    expect(checkout.map((each) => each.id)).toEqual(['dec-4', 'dec-2']);
    expect(checkout[0]).toEqual(decision(4));
    const next = await store.listDeployDecisions({
      service: 'checkout',
      before: 'dec-2',
      limit: 5,
    });
    expect(next.map((each) => each.id)).toEqual(['dec-0']);
    expect(await store.getDeployDecision('dec-1')).toEqual(decision(1));
    expect(await store.getDeployDecision('nope')).toBeUndefined();
  });

  it('keeps deploys and lists them by service and time, newest first', async () => {
    const deploy = (id: string, at: number, status: 'started' | 'finished') => ({
      id,
      service: 'checkout',
      status,
      version: '1.2.3',
      commit: 'abc123',
      labels: ['reliability'],
      actor: 'alice',
      at,
      decisionId: null,
      decisionAllowed: null,
      recordedBy: 'token:ci (ci)',
      recordedAt: at + 1,
    });
    await store.insertDeploy(deploy('d1', 1_000, 'started'));
    await store.insertDeploy(deploy('d2', 2_000, 'finished'));
    await store.insertDeploy({ ...deploy('d3', 3_000, 'finished'), service: 'search' });
    expect(await store.listDeploys({ service: 'checkout', limit: 10 })).toEqual([
      deploy('d2', 2_000, 'finished'),
      deploy('d1', 1_000, 'started'),
    ]);
    expect(
      (await store.listDeploys({ fromMs: 1_500, toMs: 3_000, limit: 10 })).map((each) => each.id),
    ).toEqual(['d2']);
    expect(
      (await store.listDeploys({ status: 'finished', limit: 10 })).map((each) => each.id),
    ).toEqual(['d3', 'd2']);
    expect(await store.getDeploy('d1')).toEqual(deploy('d1', 1_000, 'started'));
    expect(await store.getDeploy('nope')).toBeUndefined();
  });

  it('stores one deploy per service and Idempotency-Key, and answers the first for the key again', async () => {
    const deploy = (id: string, service = 'checkout') => ({
      id,
      service,
      status: 'started' as const,
      version: '2.0.0',
      commit: null,
      labels: [],
      actor: 'alice',
      at: 1_000,
      decisionId: null,
      decisionAllowed: null,
      recordedBy: 'token:ci (ci)',
      recordedAt: 1_000,
    });
    expect(await store.insertDeploy(deploy('k1'), 'run-7')).toEqual(deploy('k1'));
    // Sent again (or twice at once): nothing more is stored, the first is answered.
    expect(await store.insertDeploy(deploy('k2'), 'run-7')).toEqual(deploy('k1'));
    const [one, two] = await Promise.all([
      store.insertDeploy(deploy('k3'), 'run-8'),
      store.insertDeploy(deploy('k4'), 'run-8'),
    ]);
    expect(two.id).toBe(one.id);
    // The key is the service's: another service's deploy with it is its own.
    expect(await store.insertDeploy(deploy('k5', 'search'), 'run-7')).toEqual(
      deploy('k5', 'search'),
    );
    // Without a key, every deploy is stored.
    expect(await store.insertDeploy(deploy('k6'))).toEqual(deploy('k6'));
    expect(await store.insertDeploy(deploy('k7'))).toEqual(deploy('k7'));
    expect((await store.listDeploys({ limit: 10 })).map((each) => each.id).sort()).toEqual(
      ['k1', 'k5', 'k6', 'k7', one.id].sort(),
    );
  });

  it('pages deploys by the id of the last one seen, in the order of the list', async () => {
    const deploy = (id: string, at: number) => ({
      id,
      service: 'checkout',
      status: 'finished' as const,
      version: null,
      commit: null,
      labels: [],
      actor: 'alice',
      at,
      decisionId: null,
      decisionAllowed: null,
      recordedBy: 'token:ci (ci)',
      recordedAt: 5_000,
    });
    // Three recorded for one instant: only the order of recording tells them apart.
    for (const [id, at] of [
      ['a', 1_000],
      ['b', 2_000],
      ['c', 2_000],
      ['d', 2_000],
      ['e', 3_000],
    ] as const) {
      await store.insertDeploy(deploy(id, at));
    }
    await store.insertDeploy({ ...deploy('other', 1_500), service: 'search' });
    const ids = async (options: { before?: string; service?: string; limit: number }) =>
      (await store.listDeploys(options)).map((each) => each.id);
    expect(await ids({ service: 'checkout', limit: 2 })).toEqual(['e', 'd']);
    expect(await ids({ service: 'checkout', before: 'd', limit: 2 })).toEqual(['c', 'b']);
    expect(await ids({ service: 'checkout', before: 'b', limit: 2 })).toEqual(['a']);
    expect(await ids({ before: 'b', limit: 10 })).toEqual(['other', 'a']);
    expect(await ids({ before: 'nope', limit: 10 })).toEqual([]);
  });

  it("reads each deploy with its gate decision's answer: one that went out against a denial says so", async () => {
    const decision = (id: string, allowed: boolean) => ({
      id,
      at: 500,
      service: 'checkout',
      actor: 'alice',
      requestedBy: 'token:ci (ci)',
      allowed,
      version: null,
      commit: null,
      labels: [],
      decision: { allowed, reasons: [] } as never,
    });
    await store.insertDeployDecisions([decision('dec-yes', true), decision('dec-no', false)]);
    const deploy = (id: string, decisionId: string | null) => ({
      id,
      service: 'checkout',
      status: 'finished' as const,
      version: null,
      commit: null,
      labels: [],
      actor: 'alice',
      at: 1_000,
      decisionId,
      // Written as anything: the answer is read from the decision, never stored twice.
      decisionAllowed: null,
      recordedBy: 'token:ci (ci)',
      recordedAt: 1_001,
    });
    await store.insertDeploy(deploy('d-yes', 'dec-yes'));
    await store.insertDeploy(deploy('d-no', 'dec-no'));
    await store.insertDeploy(deploy('d-none', null));
    const read = await store.listDeploys({ service: 'checkout', limit: 10 });
    expect(Object.fromEntries(read.map((each) => [each.id, each.decisionAllowed]))).toEqual({
      'd-yes': true,
      'd-no': false,
      'd-none': null,
    });
  });

  it('appends incident events with compare-and-set and finds incidents by service and status', async () => {
    const incident = (services: string[], status: string, startedAt: number) => ({
      title: 'Checkout errors',
      severity: 'SEV2',
      status,
      declaredAt: startedAt + 60_000,
      startedAt,
      resolvedAt: status === 'resolved' ? startedAt + 3_600_000 : null,
      updatedAt: startedAt + 60_000,
      revision: 1,
      services,
      document: { title: 'Checkout errors' },
    });
    const declared = { at: 60_000, kind: 'declared', actor: 'alice', body: { kind: 'declared' } };
    const first = await store.insertIncident(
      incident(['checkout', 'payments'], 'investigating', 0),
      declared,
    );
    const second = await store.insertIncident(incident(['search'], 'resolved', 1_000), declared);
    expect(second).toBeGreaterThan(first);

    const stored = await store.getIncident(first);
    expect(stored).toMatchObject({ id: first, services: ['checkout', 'payments'], revision: 1 });
    const note = {
      at: 120_000,
      kind: 'note',
      actor: 'bob',
      body: { kind: 'note', text: 'rolling back' },
    };
    const next = { ...incident(['checkout'], 'identified', 0), id: first, revision: 2 };
    expect(await store.appendIncidentEvents(next, 1, [note])).toBe(true);
    // A writer that read revision 1 too loses instead of overwriting.
    expect(await store.appendIncidentEvents({ ...next, status: 'monitoring' }, 1, [note])).toBe(
      false,
    );
    expect((await store.getIncident(first))?.status).toBe('identified');
    expect((await store.listIncidentEvents(first)).map((event) => [event.seq, event.kind])).toEqual(
      [
        [0, 'declared'],
        [1, 'note'],
      ],
    );

    expect(
      (await store.listIncidents({ service: 'checkout', limit: 10 })).map((i) => i.id),
    ).toEqual([first]);
    expect(
      (await store.listIncidents({ service: 'payments', limit: 10 })).map((i) => i.id),
    ).toEqual([]);
    expect((await store.listIncidents({ status: 'open', limit: 10 })).map((i) => i.id)).toEqual([
      first,
    ]);
    expect((await store.listIncidents({ limit: 10 })).map((i) => i.id)).toEqual([second, first]);
    expect((await store.listIncidents({ fromMs: 500, limit: 10 })).map((i) => i.id)).toEqual([
      second,
    ]);
  });

  it('keeps one postmortem per incident, edited with compare-and-set, and action items by due date', async () => {
    const postmortem = {
      incidentId: 7,
      status: 'draft' as const,
      markdown: '# INC-7',
      createdAt: 1,
      updatedAt: 1,
      updatedBy: 'alice',
      publishedAt: null,
      revision: 1,
    };
    expect(await store.putPostmortem(postmortem, undefined)).toBe(true);
    expect(await store.putPostmortem(postmortem, undefined)).toBe(false);
    expect(await store.putPostmortem({ ...postmortem, markdown: '# edited', revision: 2 }, 1)).toBe(
      true,
    );
    expect(await store.putPostmortem({ ...postmortem, markdown: '# stale', revision: 2 }, 1)).toBe(
      false,
    );
    expect((await store.getPostmortem(7))?.markdown).toBe('# edited');

    const item = (id: string, dueAt: number | null, status = 'open') => ({
      id,
      incidentId: 7,
      title: `fix ${id}`,
      owner: 'bob',
      team: 'payments',
      priority: 'P2',
      dueAt,
      status,
      createdAt: 1,
      updatedAt: 1,
      closedAt: null,
    });
    await store.putActionItem(item('a', null));
    await store.putActionItem(item('b', 5_000));
    await store.putActionItem(item('c', 2_000, 'done'));
    await store.putActionItem({ ...item('a', null), owner: 'carol' });
    expect((await store.listActionItems({ team: 'payments', limit: 10 })).map((i) => i.id)).toEqual(
      ['c', 'b', 'a'],
    );
    expect((await store.listActionItems({ status: 'open', limit: 10 })).map((i) => i.id)).toEqual([
      'b',
      'a',
    ]);
    expect((await store.getActionItem('a'))?.owner).toBe('carol');
  });

  it('keeps heartbeat pings newest first and deletes the old ones', async () => {
    await store.ensureHeartbeats([{ name: 'backup', token: 'token-1' }], 0);
    const ping = (at: number, kind: string) => pingRecord('backup', at, kind);
    await store.insertHeartbeatPings([
      ping(1_000, 'start'),
      ping(2_000, 'success'),
      ping(3_000, 'start'),
    ]);
    expect((await store.listHeartbeatPings('backup', 10)).map((each) => each.at)).toEqual([
      3_000, 2_000, 1_000,
    ]);
    expect(await store.deleteHeartbeatPingsBefore(2_500)).toBe(2);
    expect((await store.listHeartbeatPings('backup', 10)).map((each) => each.kind)).toEqual([
      'start',
    ]);
    expect((await store.findHeartbeatByToken('token-1'))?.name).toBe('backup');
  });

  it('finds pages by the services they name, and fills that in for pages stored before', async () => {
    await store.putPage(pageRecord('p1', 1_000, ['checkout', 'ledger']));
    await store.putPage(pageRecord('p2', 2_000, ['ledger']));
    await store.putPage(pageRecord('p3', 3_000, ['search']));
    const ids = async (services: string[]) =>
      (await store.listPages({ services, limit: 10 })).map((page) => page.id);
    expect(await ids(['ledger'])).toEqual(['p2', 'p1']);
    expect(await ids(['checkout', 'search'])).toEqual(['p3', 'p1']);
    expect(await ids([])).toEqual([]);
    // A page whose services change is found under its new ones only.
    await store.putPage({ ...pageRecord('p2', 2_000, ['search']), status: 'resolved' });
    expect(await ids(['ledger'])).toEqual(['p1']);
    expect(
      (await store.listPages({ services: ['search'], status: 'open', limit: 10 })).length,
    ).toBe(1);

    // Migration 0014 on a database whose pages were stored before it.
    await database.db.schema.dropTable('page_services').execute();
    await addPageServices(database.db);
    expect(await ids(['ledger'])).toEqual(['p1']);
    expect(await ids(['search'])).toEqual(['p3', 'p2']);
  });

  it('finds an open page by the keys of the alerts it holds now, and a resolved one by none', async () => {
    const alert = (key: string): Page['alerts'][number] => ({
      id: `p1.${key}`,
      key,
      source: 'webhook',
      integration: 'hooks',
      dedupKey: key,
      senderGroup: undefined,
      status: 'triggered',
      summary: key,
      severity: 'critical',
      service: 'checkout',
      labels: {},
      annotations: {},
      runbookUrl: undefined,
      links: [],
      startsAt: 1_000,
      endsAt: undefined,
      firstSeenAt: 1_000,
      lastSeenAt: 1_000,
      triggerCount: 1,
      acknowledgedAt: undefined,
      resolvedAt: undefined,
    });
    const page = (keys: string[], services: string[]): Page => ({
      ...pageRecord('p1', 1_000, services),
      alerts: keys.map(alert),
    });
    const found = async (key: string) =>
      (await store.listOpenPagesFor([key])).map((each) => each.id);
    await store.putPage(page(['disk', 'cpu'], ['checkout']));
    expect(await found(alertKey('disk'))).toEqual(['p1']);
    expect(await found(serviceKey('checkout'))).toEqual(['p1']);
    // Written again with one alert gone, one come and its service changed: only the
    // keys it has now find it.
    await store.putPage(page(['cpu', 'memory'], ['search']));
    expect(await found(alertKey('disk'))).toEqual([]);
    expect(await found(alertKey('cpu'))).toEqual(['p1']);
    expect(await found(alertKey('memory'))).toEqual(['p1']);
    expect(await found(serviceKey('checkout'))).toEqual([]);
    expect(await found(serviceKey('search'))).toEqual(['p1']);
    await store.putPage({ ...page(['cpu', 'memory'], ['search']), status: 'resolved' });
    expect(await found(alertKey('cpu'))).toEqual([]);
    expect(await found(serviceKey('search'))).toEqual([]);
  });

  it('deletes old pings a chunk at a time until none is left, and keeps the rest', async () => {
    await store.ensureHeartbeats([{ name: 'backup', token: 'token-1' }], 0);
    const old = Array.from({ length: 2 * PING_DELETE_CHUNK + 100 }, (_, index) =>
      pingRecord('backup', 1_000 + index, index % 2 === 0 ? 'start' : 'success'),
    );
    await store.insertHeartbeatPings([...old, pingRecord('backup', 900_000, 'fail')]);
    expect(await store.deleteHeartbeatPingsBefore(500_000)).toBe(old.length);
    expect((await store.listHeartbeatPings('backup', 10)).map((each) => each.kind)).toEqual([
      'fail',
    ]);
    expect(await store.deleteHeartbeatPingsBefore(500_000)).toBe(0);
  });

  it("knows which pings a check's state has not taken in yet, as a crash leaves them", async () => {
    await store.ensureHeartbeats([{ name: 'backup', token: 'token-1' }], 0);
    const up = (at: number, nextVersion: number) => ({
      name: 'backup',
      status: 'up',
      state: { status: 'up', lastSuccessAt: at },
      nextCheckAt: at + 60_000,
      updatedAt: at,
      nextVersion,
    });
    const unfolded = async () =>
      (await store.listUnfoldedHeartbeatPings()).map((ping) => `${ping.kind}@${ping.at}`);
    // Pings written with the states they moved, as a transaction writes them.
    await store.transaction(async (tx) => {
      await tx.insertHeartbeatPings([pingRecord('backup', 1_000, 'success')]);
      await tx.putHeartbeatStates([up(1_000, 1)]);
    });
    expect(await unfolded()).toEqual([]);
    // Pings whose states were never written: a writer that died in between.
    await store.insertHeartbeatPings([
      pingRecord('backup', 2_000, 'start'),
      pingRecord('backup', 3_000, 'success'),
    ]);
    expect(await unfolded()).toEqual(['start@2000', 'success@3000']);
    // The check's state written: its pings so far are in it.
    await store.putHeartbeatStates([up(3_000, 2)]);
    expect(await unfolded()).toEqual([]);
    // Or every ping marked as folded, once every state is written.
    await store.insertHeartbeatPings([pingRecord('backup', 4_000, 'start')]);
    expect(await unfolded()).toEqual(['start@4000']);
    await store.markHeartbeatPingsFolded();
    expect(await unfolded()).toEqual([]);
  });

  it("reads a check's pings down its chain, the checks' pings interleaved in and across batches", async () => {
    await store.ensureHeartbeats(
      ['a', 'b', 'quiet'].map((name) => ({ name, token: `token-${name}` })),
      0,
    );
    await store.insertHeartbeatPings([
      pingRecord('a', 1_000, 'start'),
      pingRecord('b', 1_100, 'success'),
      pingRecord('a', 1_200, 'success'),
      pingRecord('a', 1_300, 'start'),
      pingRecord('b', 1_400, 'fail'),
    ]);
    await store.insertHeartbeatPings([pingRecord('a', 1_500, 'fail')]);
    const ats = (pings: readonly { at: number }[]) => pings.map((ping) => ping.at);
    expect(ats(await store.listHeartbeatPings('a', 10))).toEqual([1_500, 1_300, 1_200, 1_000]);
    expect(ats(await store.listHeartbeatPings('a', 2))).toEqual([1_500, 1_300]);
    expect(ats(await store.listHeartbeatPings('b', 10))).toEqual([1_400, 1_100]);
    expect(await store.listHeartbeatPings('quiet', 10)).toEqual([]);
    expect(await store.listHeartbeatPings('no-such-check', 10)).toEqual([]);

    // Completions (success, fail) after one time and up to another, oldest first.
    expect(ats(await store.listHeartbeatCompletions('a', 0, 2_000, 10))).toEqual([1_200, 1_500]);
    expect(ats(await store.listHeartbeatCompletions('a', 1_200, 2_000, 10))).toEqual([1_500]);
    expect(ats(await store.listHeartbeatCompletions('a', 0, 1_400, 10))).toEqual([1_200]);
    expect(ats(await store.listHeartbeatCompletions('a', 0, 2_000, 1))).toEqual([1_200]);
    expect(await store.listHeartbeatCompletions('quiet', 0, 2_000, 10)).toEqual([]);
    expect(await store.lastHeartbeatCompletionAt('a', 1_400)).toBe(1_200);
    expect(await store.lastHeartbeatCompletionAt('a', 1_500)).toBe(1_500);
    expect(await store.lastHeartbeatCompletionAt('a', 1_100)).toBeNull();
    expect(await store.lastHeartbeatCompletionAt('b', 9_000)).toBe(1_400);
    expect(await store.lastHeartbeatCompletionAt('quiet', 9_000)).toBeNull();
  });

  it('chains the pings stored before migration 0018, each check in the order of its ids', async () => {
    await store.ensureHeartbeats(
      [
        { name: 'a', token: 'token-a' },
        { name: 'b', token: 'token-b' },
      ],
      0,
    );
    await unchainPings(database.db);
    await database.db
      .insertInto('heartbeat_pings')
      .values(
        [
          pingRecord('a', 1_000, 'start'),
          pingRecord('b', 1_100, 'success'),
          pingRecord('a', 1_200, 'success'),
          pingRecord('b', 1_300, 'fail'),
          pingRecord('a', 1_400, 'log'),
        ].map((ping) => ({
          heartbeat: ping.heartbeat,
          at: ping.at,
          kind: ping.kind,
          exit_status: null,
          run_id: null,
          duration_ms: null,
          body: null,
          body_bytes: null,
          remote: null,
          user_agent: null,
        })),
      )
      .execute();
    await chainPings(database.db);
    const ats = async (name: string) =>
      (await store.listHeartbeatPings(name, 10)).map((ping) => ping.at);
    expect(await ats('a')).toEqual([1_400, 1_200, 1_000]);
    expect(await ats('b')).toEqual([1_300, 1_100]);
    // Pings after it go on each chain.
    await store.insertHeartbeatPings([pingRecord('b', 1_500, 'start')]);
    expect(await ats('b')).toEqual([1_500, 1_300, 1_100]);
    expect(await store.lastHeartbeatCompletionAt('a', 9_000)).toBe(1_200);
  });

  it("lists a check's pings in the order they were stored, newest first, whatever their times say", async () => {
    await store.ensureHeartbeats([{ name: 'backup', token: 'token-1' }], 0);
    // The same millisecond twice, then a clock that stepped back.
    await store.insertHeartbeatPings([
      pingRecord('backup', 5_000, 'start'),
      pingRecord('backup', 5_000, 'success'),
      pingRecord('backup', 4_000, 'fail'),
    ]);
    expect((await store.listHeartbeatPings('backup', 10)).map((each) => each.kind)).toEqual([
      'fail',
      'success',
      'start',
    ]);
  });

  it("rotates a check's token with a new version, keeping its state, and fails writes computed before", async () => {
    await store.ensureHeartbeats([{ name: 'backup', token: 'token-1' }], 0);
    const up = {
      name: 'backup',
      status: 'up',
      state: { status: 'up', lastSuccessAt: 1_000 },
      nextCheckAt: 61_000,
      updatedAt: 1_000,
      nextVersion: 7,
    };
    await store.putHeartbeatStates([up]);
    expect(await store.rotateHeartbeatToken('backup', 'token-2', 8, 2_000)).toBe(true);
    expect(await store.getHeartbeat('backup')).toMatchObject({
      token: 'token-2',
      version: 8,
      status: 'up',
      state: up.state,
      nextCheckAt: 61_000,
      updatedAt: 2_000,
    });
    expect(await store.findHeartbeatByToken('token-1')).toBeUndefined();
    expect((await store.findHeartbeatByToken('token-2'))?.name).toBe('backup');
    // A batch computed from the version before the rotation is not written.
    expect(
      await store.applyHeartbeatPings(
        [pingRecord('backup', 3_000, 'success')],
        [{ ...up, updatedAt: 3_000, version: 7, nextVersion: 9 }],
      ),
    ).toBe(false);
    expect(await store.listHeartbeatPings('backup', 10)).toEqual([]);
    expect(await store.rotateHeartbeatToken('no-such-check', 'token-3', 10, 2_000)).toBe(false);
  });

  it('writes pings with the states they moved only while every check is at the version read', async () => {
    // On SQLite the server writes these through its worker thread: the same contract.
    const stores: [string, Store][] = [['the query builder', store]];
    if (database.batchWriter !== undefined) {
      stores.push([
        'the writer thread',
        kyselyStore(database.db, database.dialect, false, database.batchWriter),
      ]);
    }
    for (const [via, writer] of stores) {
      const [first, second] = [`${via}: backup`, `${via}: report`];
      await writer.ensureHeartbeats(
        [
          { name: first, token: `${via}-1` },
          { name: second, token: `${via}-2` },
        ],
        0,
      );
      const apply = (at: number, ...states: HeartbeatStateWrite[]) =>
        writer.applyHeartbeatPings(
          states.map((each) => pingRecord(each.name, at, 'success')),
          states,
        );
      const pingsOf = async (name: string) =>
        (await writer.listHeartbeatPings(name, 10)).map((each) => each.at);

      expect((await writer.getHeartbeat(first))?.version, via).toBe(0);
      expect(await apply(1_000, stateWrite(first, 1_000, 0, 11)), via).toBe(true);
      expect(await writer.getHeartbeat(first), via).toMatchObject({
        status: 'up',
        state: { status: 'up', lastSuccessAt: 1_000 },
        nextCheckAt: 61_000,
        version: 11,
      });
      // Computed from version 0 again: the newer state is not written over.
      expect(await apply(2_000, stateWrite(first, 2_000, 0, 12)), via).toBe(false);
      expect(await pingsOf(first), via).toEqual([1_000]);
      expect((await writer.getHeartbeat(first))?.version, via).toBe(11);

      // One stale check fails the whole batch: nothing of it is written.
      expect(
        await apply(3_000, stateWrite(second, 3_000, 0, 13), stateWrite(first, 3_000, 0, 14)),
        via,
      ).toBe(false);
      expect(await pingsOf(second), via).toEqual([]);
      expect(await writer.getHeartbeat(second), via).toMatchObject({ status: 'new', version: 0 });

      // Every state write stamps its version, the evaluator's and a pause's too.
      await writer.putHeartbeatStates([stateWrite(first, 4_000, 11, 15)]);
      expect((await writer.getHeartbeat(first))?.version, via).toBe(15);
      expect(await apply(5_000, stateWrite(first, 5_000, 11, 16)), via).toBe(false);
      expect(await apply(5_000, stateWrite(first, 5_000, 15, 16)), via).toBe(true);
      expect(await pingsOf(first), via).toEqual([5_000, 1_000]);
    }
  });

  it('filters alert transitions by service, kind, severity and time', async () => {
    const numbers = { longBurnRate: 20, shortBurnRate: 30, factor: 14.4 } as never;
    const transition = (at: number, service: string, severity: string) => ({
      sloId: 1,
      slo: `${service}-availability`,
      service,
      rule: `${severity}:1h/5m:14.4`,
      severity,
      transition: 'started' as const,
      at,
      numbers,
    });
    await store.insertAlertTransitions([
      transition(1_000, 'checkout', 'page'),
      transition(2_000, 'checkout', 'ticket'),
      transition(3_000, 'search', 'page'),
      { ...transition(4_000, 'checkout', 'page'), transition: 'resolved' },
    ]);
    const found = await store.listAlertTransitions({
      service: 'checkout',
      transition: 'started',
      severity: 'page',
      fromMs: 500,
      toMs: 5_000,
      limit: 10,
    });
    expect(found.map((each) => each.at)).toEqual([1_000]);
    expect(
      (await store.listAlertTransitions({ fromMs: 2_000, toMs: 4_000, limit: 10 })).map(
        (each) => each.at,
      ),
    ).toEqual([3_000, 2_000]);
  });

  it('pages through the audit log newest first', async () => {
    for (let index = 0; index < 5; index += 1) {
      await store.appendAudit({
        at: index,
        actor: 'system',
        action: 'create',
        kind: 'Team',
        name: `team-${index}`,
        before: null,
        after: { index },
      });
    }
    const page = await store.listAudit({ limit: 2 });
    expect(page.map((entry) => entry.name)).toEqual(['team-4', 'team-3']);
    const next = await store.listAudit({ limit: 2, before: page.at(-1)?.id ?? 0 });
    expect(next.map((entry) => entry.name)).toEqual(['team-2', 'team-1']);
    expect(await store.configGeneration()).toBe(page[0]?.id);
  });

  it('moves the config generation for changes, not for audit-only entries', async () => {
    const entry = (name: string, configChange?: boolean) => ({
      at: 1,
      actor: 'system',
      action: 'create' as const,
      kind: 'Thing',
      name,
      before: null,
      after: null,
      ...(configChange === undefined ? {} : { configChange }),
    });
    await store.appendAudit(entry('resource'));
    const generation = await store.configGeneration();
    await store.appendAudit(entry('toil', false));
    expect(await store.configGeneration()).toBe(generation);
    expect((await store.listAudit({ limit: 1 }))[0]?.name).toBe('toil');
    await store.appendAudit(entry('policy', true));
    expect(await store.configGeneration()).toBeGreaterThan(generation);
  });
});
