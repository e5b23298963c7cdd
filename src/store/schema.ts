// The database as Kysely sees it. Instants are epoch milliseconds (bigint), JSON is
// text and booleans are 0/1 integers on both databases: the portable subset, so that
// one migration set and one code path serve SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface TeamsTable {
  name: string;
  display_name: string | null;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  name: string;
  display_name: string | null;
  email: string | null;
  time_zone: string;
  created_at: number;
  updated_at: number;
}

export interface TeamMembersTable {
  team: string;
  user_name: string;
}

export interface ApiTokensTable {
  /** Public id, shown in lists and the audit log; the secret is only hashed. */
  id: string;
  name: string;
  /** SHA-256 of the whole token, hex. */
  token_hash: string;
  role: string;
  /** JSON array of team names (editors). */
  teams: string;
  user_name: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ServicesTable {
  name: string;
  team: string;
  /** The canonical headroom/v1 document, JSON. */
  document: string;
  created_at: number;
  updated_at: number;
}

export interface ConfigResourcesTable {
  kind: string;
  name: string;
  team: string | null;
  /** The canonical headroom/v1 document, JSON. */
  document: string;
  created_at: number;
  updated_at: number;
}

export interface SlosTable {
  id: Generated<number>;
  name: string;
  service: string;
  document: string;
  created_at: number;
  updated_at: number;
}

export interface IngestKeysTable {
  id: string;
  name: string;
  service: string;
  key_hash: string;
  created_at: number;
  revoked_at: number | null;
}

/**
 * Per-minute counts as they arrived: one row per SLO of each batch, its minutes
 * encoded in `counts` (codec.ts). A batch of 1,000 lines over 10 SLOs is 10 rows.
 */
export interface EventCountsTable {
  id: Generated<number>;
  slo_id: number;
  first_minute: number;
  last_minute: number;
  counts: string;
}

export interface IngestBatchesTable {
  service: string;
  idempotency_key: string;
  /** SHA-256 of the body: a key reused with other events is a conflict, not a replay. */
  body_hash: string;
  /** The JSON answer the batch got, returned again on a replay. */
  response: string;
  created_at: number;
}

export interface AlertStatesTable {
  slo_id: number;
  /** `page:1h/5m:14.4`: severity, windows and factor identify a rule. */
  rule: string;
  severity: string;
  since: number;
  /** The numbers when it started firing, JSON. */
  numbers: string;
}

export interface AlertTransitionsTable {
  id: Generated<number>;
  slo_id: number;
  slo: string;
  service: string;
  rule: string;
  severity: string;
  /** `started` or `resolved`. */
  transition: string;
  at: number;
  numbers: string;
}

export interface EvaluationCyclesTable {
  /** The instant evaluated; unique, so that no cycle runs twice. */
  at: number;
  holder: string;
  slos: number;
  transitions: number;
  finished_at: number;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
  acquired_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  kind: string;
  name: string;
  before: string | null;
  after: string | null;
}

export interface DatabaseSchema {
  teams: TeamsTable;
  users: UsersTable;
  team_members: TeamMembersTable;
  api_tokens: ApiTokensTable;
  services: ServicesTable;
  slos: SlosTable;
  config_resources: ConfigResourcesTable;
  ingest_keys: IngestKeysTable;
  event_counts: EventCountsTable;
  ingest_batches: IngestBatchesTable;
  alert_states: AlertStatesTable;
  alert_transitions: AlertTransitionsTable;
  evaluation_cycles: EvaluationCyclesTable;
  leases: LeasesTable;
  audit_log: AuditLogTable;
}
