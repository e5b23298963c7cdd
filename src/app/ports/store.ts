// The storage port: everything app verbs and jobs need from the database. The store
// layer implements it once with Kysely for SQLite and PostgreSQL.
import type {
  AlertStateRecord,
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
  listAlertTransitions(options: {
    readonly slo?: string;
    readonly limit: number;
  }): Promise<AlertTransitionRecord[]>;
  /** False when a cycle for that instant is already recorded. */
  insertEvaluationCycle(cycle: EvaluationCycleRecord): Promise<boolean>;
  listEvaluationCycles(limit: number): Promise<EvaluationCycleRecord[]>;
}

export interface LeaseRepository {
  /** Takes or renews the lease when it is free, expired, or already ours. */
  tryAcquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** True when `holder` holds an unexpired lease. */
  holdsLease(name: string, holder: string, now: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

export interface AuditRepository {
  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<void>;
  listAudit(options: { readonly before?: number; readonly limit: number }): Promise<AuditRecord[]>;
  /** Grows with every audited change: a cheap "did the configuration change?" probe. */
  configGeneration(): Promise<number>;
}

export interface Store
  extends
    DirectoryRepository,
    ResourceRepository,
    EventRepository,
    AlertRepository,
    LeaseRepository,
    AuditRepository {
  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
}
