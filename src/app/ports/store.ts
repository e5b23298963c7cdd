// The storage port: everything app verbs and jobs need from the database. The store
// layer implements it once with Kysely for SQLite and PostgreSQL.
import type { Page } from '../../core/alerts/grouping.js';
import type {
  ActionItemRecord,
  HeartbeatPingRecord,
  HeartbeatStatePut,
  HeartbeatStateWrite,
  HeartbeatSloAccountRecord,
  HeartbeatRecord,
  PingKeyRecord,
  IncidentEventRecord,
  IncidentRecord,
  PostmortemRecord,
  AlertIntegrationRecord,
  DeliveryAttempt,
  NotificationRecord,
  StoredEscalation,
  AlertStateRecord,
  ApprovalGrantRecord,
  DeployDecisionRecord,
  DeployRecord,
  AlertTransitionRecord,
  AuditRecord,
  EvaluationCycleRecord,
  EventCountsRecord,
  IngestBatchRecord,
  IngestKeyRecord,
  MinuteCounts,
  ConfigResourceRecord,
  ServiceRecord,
  SloRecord,
  TeamRecord,
  ToilEntryRecord,
  TokenRecord,
  UserRecord,
} from './records.js';

export interface DirectoryRepository {
  listTeams(): Promise<TeamRecord[]>;
  getTeam(name: string): Promise<TeamRecord | undefined>;
  putTeam(team: TeamRecord): Promise<void>;
  deleteTeam(name: string): Promise<void>;

  listUsers(): Promise<UserRecord[]>;
  getUser(name: string): Promise<UserRecord | undefined>;
  /** Inserts or replaces the user and their team memberships. */
  putUser(user: UserRecord): Promise<void>;
  deleteUser(name: string): Promise<void>;

  listTokens(): Promise<TokenRecord[]>;
  countTokens(): Promise<number>;
  insertToken(token: TokenRecord, tokenHash: string): Promise<void>;
  findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  getToken(id: string): Promise<TokenRecord | undefined>;
  touchToken(id: string, at: number): Promise<void>;
  revokeToken(id: string, at: number): Promise<void>;

  listIngestKeys(service: string): Promise<IngestKeyRecord[]>;
  insertIngestKey(key: IngestKeyRecord, keyHash: string): Promise<void>;
  findIngestKeyByHash(keyHash: string): Promise<IngestKeyRecord | undefined>;
  getIngestKey(id: string): Promise<IngestKeyRecord | undefined>;
  revokeIngestKey(id: string, at: number): Promise<void>;
}

export interface ResourceRepository {
  listServices(): Promise<ServiceRecord[]>;
  getService(name: string): Promise<ServiceRecord | undefined>;
  insertService(service: ServiceRecord): Promise<void>;
  updateService(service: ServiceRecord): Promise<void>;
  deleteService(name: string): Promise<void>;

  listSlos(): Promise<SloRecord[]>;
  getSlo(name: string): Promise<SloRecord | undefined>;
  /** Returns the new SLO's id. */
  insertSlo(slo: Omit<SloRecord, 'id'>): Promise<number>;
  updateSlo(slo: SloRecord): Promise<void>;
  /** Deletes the SLO with its counts and alert states. */
  deleteSlo(id: number): Promise<void>;

  /** Resources of the other config kinds, by kind then name. */
  listConfigResources(kind?: string): Promise<ConfigResourceRecord[]>;
  /** Creates or replaces the resource of that kind and name. */
  putConfigResource(resource: ConfigResourceRecord): Promise<void>;
  deleteConfigResource(kind: string, name: string): Promise<void>;
}

export interface EventRepository {
  /**
   * Serializes ingest transactions, so that event ids become visible in id order and
   * a reader tailing by id never skips a row committed late. Call first in the transaction.
   */
  lockIngest(): Promise<void>;
  insertEventCounts(records: readonly Omit<EventCountsRecord, 'id'>[]): Promise<void>;
  /** Records with an id above `afterId`, in id order. */
  readEventCountsAfter(afterId: number, limit: number): Promise<EventCountsRecord[]>;
  /** Highest event id, 0 when there is none. */
  lastEventId(): Promise<number>;
  /** All counts of one SLO summed per minute, from `fromMinute` on, in records up to `maxId`. */
  sumEventCounts(sloId: number, fromMinute: number, maxId: number): Promise<MinuteCounts[]>;
  /** Deletes records whose every minute is before `minute`; returns how many. */
  deleteEventCountsBefore(minute: number): Promise<number>;
  findIngestBatch(service: string, idempotencyKey: string): Promise<IngestBatchRecord | undefined>;
  /** Forgets idempotency records received before `at`; returns how many. */
  deleteIngestBatchesBefore(at: number): Promise<number>;
  /** False when a batch with the same key is already stored. */
  insertIngestBatch(batch: IngestBatchRecord): Promise<boolean>;
}

export interface AlertRepository {
  listAlertStates(): Promise<AlertStateRecord[]>;
  insertAlertState(state: AlertStateRecord): Promise<void>;
  deleteAlertState(sloId: number, rule: string): Promise<void>;
  insertAlertTransitions(transitions: readonly Omit<AlertTransitionRecord, 'id'>[]): Promise<void>;
  /** Newest first; every filter is optional. `fromMs` inclusive, `toMs` exclusive. */
  listAlertTransitions(options: {
    readonly slo?: string;
    readonly service?: string;
    readonly transition?: AlertTransitionRecord['transition'];
    readonly severity?: string;
    readonly fromMs?: number;
    readonly toMs?: number;
    readonly limit: number;
  }): Promise<AlertTransitionRecord[]>;
  /** False when a cycle for that instant is already recorded. */
  insertEvaluationCycle(cycle: EvaluationCycleRecord): Promise<boolean>;
  listEvaluationCycles(limit: number): Promise<EvaluationCycleRecord[]>;
}

export interface DeployRepository {
  insertApproval(approval: ApprovalGrantRecord): Promise<void>;
  getApproval(id: string): Promise<ApprovalGrantRecord | undefined>;
  /**
   * Approvals, newest grant first. `notRevoked`: without revoked ones; `expiringAfter`:
   * only those that expire after that instant.
   */
  listApprovals(options: {
    readonly service?: string;
    readonly notRevoked?: boolean;
    readonly expiringAfter?: number;
    readonly limit: number;
  }): Promise<ApprovalGrantRecord[]>;
  revokeApproval(id: string, at: number, by: string): Promise<void>;

  /** Many at once: the gate writes its decisions in batches. */
  insertDeployDecisions(decisions: readonly DeployDecisionRecord[]): Promise<void>;
  getDeployDecision(id: string): Promise<DeployDecisionRecord | undefined>;
  /** Newest first; `before`: older than the decision with that id. */
  listDeployDecisions(options: {
    readonly service?: string;
    readonly before?: string;
    readonly limit: number;
  }): Promise<DeployDecisionRecord[]>;

  /**
   * Answers the deploy stored under `idempotencyKey` (unique per service): this one,
   * or the one an earlier request stored with the key, in which case nothing is stored.
   */
  insertDeploy(deploy: DeployRecord, idempotencyKey?: string): Promise<DeployRecord>;
  getDeploy(id: string): Promise<DeployRecord | undefined>;
  /**
   * Newest first, by `at`; `fromMs` inclusive, `toMs` exclusive; `before`: older than
   * the deploy with that id (none when there is no such deploy).
   */
  listDeploys(options: {
    readonly service?: string;
    readonly status?: DeployRecord['status'];
    readonly fromMs?: number;
    readonly toMs?: number;
    readonly before?: string;
    readonly limit: number;
  }): Promise<DeployRecord[]>;
}

export interface LeaseRepository {
  /** Takes or renews the lease when it is free, expired, or already ours. */
  tryAcquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** True when `holder` holds an unexpired lease. */
  holdsLease(name: string, holder: string, now: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

export interface AuditRepository {
  /**
   * `configChange: false`: an audit-only entry (a toil entry, a token, a page) that
   * changes nothing the catalog reads, and so does not move configGeneration. Absent:
   * a change, which costs at most a reload that was not needed.
   */
  appendAudit(
    entry: Omit<AuditRecord, 'id'> & { readonly configChange?: boolean | undefined },
  ): Promise<void>;
  listAudit(options: { readonly before?: number; readonly limit: number }): Promise<AuditRecord[]>;
  /**
   * Grows with every audited change to what the catalog reads (not with audit-only
   * entries): a cheap "did the configuration change?" probe.
   */
  configGeneration(): Promise<number>;
}

export interface PagingRepository {
  /** Serializes page changes between instances (PostgreSQL); call first in a transaction. */
  lockPaging(): Promise<void>;
  insertIntegration(integration: AlertIntegrationRecord, keyHash: string): Promise<void>;
  findIntegrationByKeyHash(keyHash: string): Promise<AlertIntegrationRecord | undefined>;
  listIntegrations(): Promise<AlertIntegrationRecord[]>;
  revokeIntegration(id: string, at: number): Promise<void>;
  insertReceivedAlert(integrationId: string, receivedAt: number, body: unknown): Promise<void>;
  countReceivedAlerts(): Promise<number>;
  listOpenPages(): Promise<Page[]>;
  /**
   * The open pages with any of these keys (core/alerts/page-keys.ts: what an incoming
   * alert may dedup against or join).
   */
  listOpenPagesFor(keys: readonly string[]): Promise<Page[]>;
  /** Newest first; status `open` is every page not resolved. */
  listPages(filter: {
    readonly status?: string;
    /** Pages that name any of these services. */
    readonly services?: readonly string[];
    /** Opened in [openedFrom, openedTo). */
    readonly openedFrom?: number;
    readonly openedTo?: number;
    readonly limit: number;
  }): Promise<Page[]>;
  getPage(id: string): Promise<Page | undefined>;
  /** Creates or replaces the page (its escalation is kept). */
  putPage(page: Page): Promise<void>;
  getEscalation(pageId: string): Promise<StoredEscalation | undefined>;
  /** The escalations of these pages (pages without one are left out). */
  listEscalations(pageIds: readonly string[]): Promise<StoredEscalation[]>;
  /**
   * Stores the escalation if its revision is still `expectedRevision` (undefined: none
   * yet); false when someone else changed it first.
   */
  putEscalation(
    pageId: string,
    state: unknown,
    nextWakeAt: number | null,
    expectedRevision: number | undefined,
  ): Promise<boolean>;
  listDueEscalations(atMs: number, limit: number): Promise<StoredEscalation[]>;
  /**
   * Makes the page's escalation due at `atMs` (now: one due earlier is due still),
   * bumping its revision so that a pass that read it before does not write over the wake.
   */
  wakeEscalation(pageId: string, atMs: number): Promise<void>;
  /**
   * Adds what is not there yet (by key); returns how many were new. A `log` is given
   * only for rows that are never sent (`unreached`): their log says why.
   */
  insertNotifications(
    notifications: readonly (Omit<NotificationRecord, 'id' | 'attempts' | 'log' | 'sentAt'> & {
      readonly log?: readonly DeliveryAttempt[];
    })[],
  ): Promise<number>;
  listDueNotifications(atMs: number, limit: number): Promise<NotificationRecord[]>;
  recordDelivery(
    id: number,
    attempt: DeliveryAttempt,
    outcome: { readonly status: NotificationRecord['status']; readonly nextAttemptAt: number },
  ): Promise<void>;
  listNotifications(pageId: string): Promise<NotificationRecord[]>;
  /** The rows of these pages still to be sent (due or held). */
  listPendingNotifications(pageIds: readonly string[]): Promise<NotificationRecord[]>;
  /** A pending row becomes due at `atMs`, saying `message` (a held notification released). */
  releaseNotification(id: number, atMs: number, message: unknown): Promise<void>;
  /** A pending row is not to be sent after all; `note` says why in its log. */
  withdrawNotification(id: number, note: DeliveryAttempt): Promise<void>;
  /** The `unreached` rows of these pages, oldest first: what the page API warns of. */
  listUnreachedNotifications(pageIds: readonly string[]): Promise<NotificationRecord[]>;
  getSetting(name: string): Promise<string | undefined>;
  /** Stores `value` unless the setting exists; returns the stored value either way. */
  ensureSetting(name: string, value: string): Promise<string>;
}

export interface IncidentRepository {
  /** Creates the incident with its declaration (seq 0); returns the new id. */
  insertIncident(
    incident: Omit<IncidentRecord, 'id'>,
    declaration: Omit<IncidentEventRecord, 'incidentId' | 'seq'>,
  ): Promise<number>;
  /**
   * Appends `events` (seq from `expectedRevision` on) and stores the new view, if the
   * incident is still at `expectedRevision`; false when another write came first.
   */
  appendIncidentEvents(
    incident: IncidentRecord,
    expectedRevision: number,
    events: readonly Omit<IncidentEventRecord, 'incidentId' | 'seq'>[],
  ): Promise<boolean>;
  getIncident(id: number): Promise<IncidentRecord | undefined>;
  listIncidentEvents(id: number): Promise<IncidentEventRecord[]>;
  /**
   * Newest start first. `status`: one status, or `open` (every one but resolved);
   * `fromMs`/`toMs` bound the start (inclusive, exclusive); `before`: ids below it.
   */
  listIncidents(filter: {
    readonly status?: string;
    readonly service?: string;
    readonly severity?: string;
    readonly fromMs?: number;
    readonly toMs?: number;
    readonly before?: number;
    readonly limit: number;
  }): Promise<IncidentRecord[]>;
  getPostmortem(incidentId: number): Promise<PostmortemRecord | undefined>;
  /** Stores it if its revision is still `expectedRevision` (undefined: none yet). */
  putPostmortem(
    postmortem: PostmortemRecord,
    expectedRevision: number | undefined,
  ): Promise<boolean>;
  putActionItem(item: ActionItemRecord): Promise<void>;
  getActionItem(id: string): Promise<ActionItemRecord | undefined>;
  /** By due date (none last), then creation. */
  listActionItems(filter: {
    readonly incidentId?: number;
    readonly team?: string;
    readonly owner?: string;
    /** `open`: neither done nor won't-do. */
    readonly status?: string;
    readonly limit: number;
  }): Promise<ActionItemRecord[]>;
}

export interface HeartbeatRepository {
  /** Creates the rows of checks that have none (with these tokens); others are kept. */
  ensureHeartbeats(
    rows: readonly { readonly name: string; readonly token: string }[],
    at: number,
  ): Promise<void>;
  /** By name; a page of them: the first `limit` after the name `after`. */
  listHeartbeats(page?: {
    readonly after?: string | undefined;
    readonly limit: number;
  }): Promise<HeartbeatRecord[]>;
  getHeartbeat(name: string): Promise<HeartbeatRecord | undefined>;
  findHeartbeatByToken(token: string): Promise<HeartbeatRecord | undefined>;
  /**
   * These checks' rows, locked for the transaction on PostgreSQL (SQLite has one writer):
   * two instances taking pings of one check apply them one after the other.
   */
  lockHeartbeats(names: readonly string[]): Promise<HeartbeatRecord[]>;
  /**
   * Writes these states, each with its new version, as taking in every ping of its check
   * stored so far (a transaction that inserts pings inserts them first).
   */
  putHeartbeatStates(rows: readonly HeartbeatStatePut[]): Promise<void>;
  /**
   * In one transaction of its own: the pings, and the states they moved, provided every
   * check is still at the version its new state was computed from. False, with nothing
   * written, when one is not (another writer moved it, or it is gone).
   *
   * Where `defersHeartbeatStates`, the states may be written after the pings, together
   * with later ones: this store's reads and transactions see them all the same, and
   * after a crash the pings are there to apply again (listUnfoldedHeartbeatPings).
   */
  applyHeartbeatPings(
    pings: readonly Omit<HeartbeatPingRecord, 'id'>[],
    states: readonly HeartbeatStateWrite[],
  ): Promise<boolean>;
  /**
   * Gives the check a new ping token and a new version, its state kept; false when it
   * has no row. The new version fails every ping batch computed before, so that one
   * carrying the old token is looked at again, and refused, under lock.
   */
  rotateHeartbeatToken(
    name: string,
    token: string,
    nextVersion: number,
    at: number,
  ): Promise<boolean>;
  /** Checks whose next check is due at `atMs`. */
  listDueHeartbeats(atMs: number, limit: number): Promise<HeartbeatRecord[]>;
  insertHeartbeatPings(pings: readonly Omit<HeartbeatPingRecord, 'id'>[]): Promise<void>;
  /**
   * Pings stored whose check's state does not take them in yet, oldest first: those of a
   * process that stopped before it wrote the states (defersHeartbeatStates; a second's
   * pings at most, so all of them).
   */
  listUnfoldedHeartbeatPings(): Promise<HeartbeatPingRecord[]>;
  /**
   * Records that every ping stored so far is in its check's state; in a transaction
   * that wrote those states, where no state waits to be written.
   */
  markHeartbeatPingsFolded(): Promise<void>;
  /** Newest first. */
  listHeartbeatPings(name: string, limit: number): Promise<HeartbeatPingRecord[]>;
  /** Deletes pings received before `at`; returns how many. */
  deleteHeartbeatPingsBefore(at: number): Promise<number>;
  insertPingKey(key: PingKeyRecord, keyHash: string): Promise<void>;
  findPingKeyByHash(keyHash: string): Promise<PingKeyRecord | undefined>;
  listPingKeys(team: string): Promise<PingKeyRecord[]>;
  revokePingKey(id: string, at: number): Promise<void>;
}

export interface HeartbeatSloRepository {
  listHeartbeatSloAccounts(): Promise<HeartbeatSloAccountRecord[]>;
  /**
   * Writes an account if it still counts until `expectedCountedUntil` (null: there is
   * none yet); false when another writer moved it first.
   */
  putHeartbeatSloAccount(
    account: HeartbeatSloAccountRecord,
    expectedCountedUntil: number | null,
  ): Promise<boolean>;
  /** Completions (success and fail pings) with at in (fromExclusive, toInclusive], oldest first. */
  listHeartbeatCompletions(
    heartbeat: string,
    fromExclusive: number,
    toInclusive: number,
    limit: number,
  ): Promise<HeartbeatPingRecord[]>;
  /** When the last completion at or before `atMs` was received; null: none kept. */
  lastHeartbeatCompletionAt(heartbeat: string, atMs: number): Promise<number | null>;
}

export interface ToilRepository {
  insertToilEntry(entry: ToilEntryRecord): Promise<void>;
  getToilEntry(id: string): Promise<ToilEntryRecord | undefined>;
  /** False when there was no such entry. */
  deleteToilEntry(id: string): Promise<boolean>;
  /**
   * Oldest first (by `at`, then id); every filter optional. `fromMs` inclusive, `toMs`
   * exclusive, on `at`.
   */
  listToilEntries(filter: {
    readonly team?: string;
    readonly person?: string;
    readonly fromMs?: number;
    readonly toMs?: number;
    readonly limit: number;
  }): Promise<ToilEntryRecord[]>;
}

export interface Store
  extends
    DirectoryRepository,
    HeartbeatRepository,
    HeartbeatSloRepository,
    IncidentRepository,
    PagingRepository,
    ResourceRepository,
    EventRepository,
    AlertRepository,
    DeployRepository,
    LeaseRepository,
    AuditRepository,
    ToilRepository {
  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  /**
   * True when writes begun one after another (applyHeartbeatPings, transaction) reach
   * the database in that order: SQLite's queue of one writer. On PostgreSQL the pool's
   * connections may run them in any order.
   */
  readonly ordersWrites: boolean;
  /**
   * True when applyHeartbeatPings writes states after their pings (SQLite's writer
   * thread): pings a crash left unfolded are then applied again at start.
   */
  readonly defersHeartbeatStates: boolean;
  /** True when the database answers and takes writes. */
  ping(): Promise<boolean>;
}
