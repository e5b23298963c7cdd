// The database as Kysely sees it. Instants are epoch milliseconds (bigint), JSON is
// text and booleans are 0/1 integers on both databases: the portable subset, so that
// one migration set and one code path serve SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface TeamsTable {
  name: string;
  display_name: string | null;
  toil_cap_percent: number | null;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  name: string;
  display_name: string | null;
  email: string | null;
  time_zone: string;
  /** JSON array of role names; policies name roles as approvers. */
  roles: string;
  /** JSON {days, start, end}; null for the default working hours. */
  working_hours: string | null;
  /** JSON {start, end}; null for the default sleep hours. */
  sleep_hours: string | null;
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
  /** 1: changes what the catalog reads; 0: audit only (toil, tokens, pages). */
  config_change: Generated<number>;
}

export interface ApprovalsTable {
  id: string;
  service: string;
  approver: string;
  /** JSON array: the roles the approver held when approving. */
  approver_roles: string;
  requester: string | null;
  reason: string;
  /** JSON: "all" or an array of rule references. */
  scope: string;
  granted_at: number;
  expires_at: number;
  /** The credential that gave it, as the audit log names it. */
  created_by: string;
  revoked_at: number | null;
  revoked_by: string | null;
}

export interface DeployDecisionsTable {
  seq: Generated<number>;
  id: string;
  at: number;
  service: string;
  /** Who deploys, as the request said. */
  actor: string;
  /** The credential that asked. */
  requested_by: string;
  /** 1 allowed, 0 held. */
  allowed: number;
  version: string | null;
  commit_sha: string | null;
  labels: string;
  /** The decision, JSON. */
  decision: string;
}

export interface DeploysTable {
  seq: Generated<number>;
  id: string;
  service: string;
  /** started | finished | failed | rolled_back */
  status: string;
  version: string | null;
  commit_sha: string | null;
  labels: string;
  actor: string;
  at: number;
  decision_id: string | null;
  recorded_by: string;
  recorded_at: number;
  /** The Idempotency-Key CI sent with it: unique per service. */
  idempotency_key: string | null;
}

export interface AlertIntegrationsTable {
  id: string;
  name: string;
  kind: string;
  service: string | null;
  key_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface ReceivedAlertsTable {
  id: Generated<number>;
  integration_id: string;
  received_at: number;
  body: string;
}

export interface PagesTable {
  id: string;
  status: string;
  opened_at: number;
  updated_at: number;
  document: string;
  escalation: string | null;
  revision: Generated<number>;
  next_wake_at: number | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  key: string;
  page_id: string;
  channel: string;
  destination: string;
  message: string;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  log: Generated<string>;
  created_at: number;
  sent_at: number | null;
}

export interface PageKeysTable {
  key: string;
  page_id: string;
}

/** The services a page names (its document's `services`), one row each. */
export interface PageServicesTable {
  service: string;
  page_id: string;
}

export interface SettingsTable {
  name: string;
  value: string;
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
  alert_integrations: AlertIntegrationsTable;
  received_alerts: ReceivedAlertsTable;
  pages: PagesTable;
  notifications: NotificationsTable;
  settings: SettingsTable;
  page_keys: PageKeysTable;
  page_services: PageServicesTable;
  approvals: ApprovalsTable;
  deploy_decisions: DeployDecisionsTable;
  deploys: DeploysTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  incident_services: IncidentServicesTable;
  postmortems: PostmortemsTable;
  action_items: ActionItemsTable;
  heartbeats: HeartbeatsTable;
  heartbeat_pings: HeartbeatPingsTable;
  heartbeat_folds: HeartbeatFoldsTable;
  ping_keys: PingKeysTable;
  toil_entries: ToilEntriesTable;
  heartbeat_slo_accounts: HeartbeatSloAccountsTable;
}

export interface ToilEntriesTable {
  id: string;
  team: string;
  person: string;
  service: string | null;
  category: string;
  /** A double: fractional minutes are kept. */
  minutes: number;
  at: number;
  description: string;
  created_by: string;
  created_at: number;
}

export interface HeartbeatsTable {
  name: string;
  token: string;
  status: string;
  state: string;
  next_check_at: number | null;
  created_at: number;
  updated_at: number;
  /** The state's version, a random stamp each state write replaces (0: never written). */
  version: Generated<number>;
  /** The id of the last of the check's pings its state has taken in (see heartbeat_folds). */
  pings_through: Generated<number>;
  /** The id of the check's newest ping (0: none), where its chain of pings begins. */
  last_ping_id: Generated<number>;
}

/** One row (id 1): every ping with an id up to `folded_through` is in its check's state. */
export interface HeartbeatFoldsTable {
  id: number;
  folded_through: number;
}

export interface HeartbeatPingsTable {
  id: Generated<number>;
  heartbeat: string;
  at: number;
  kind: string;
  exit_status: number | null;
  run_id: string | null;
  duration_ms: number | null;
  body: string | null;
  /** The size of the body sent; above 10,000 bytes `body` holds only its start. */
  body_bytes: number | null;
  remote: string | null;
  user_agent: string | null;
  /** The id of the check's ping before this one: its pings are chained, newest first. */
  prev_id: number | null;
}

export interface HeartbeatSloAccountsTable {
  slo_id: number;
  heartbeat: string;
  counted_until: number;
  last_completion_at: number | null;
  updated_at: number;
}

export interface PingKeysTable {
  id: string;
  team: string;
  key_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface IncidentsTable {
  id: Generated<number>;
  title: string;
  severity: string;
  status: string;
  declared_at: number;
  started_at: number;
  resolved_at: number | null;
  updated_at: number;
  revision: number;
  document: string;
}

export interface IncidentEventsTable {
  incident_id: number;
  seq: number;
  at: number;
  kind: string;
  actor: string;
  body: string;
}

export interface IncidentServicesTable {
  service: string;
  incident_id: number;
}

export interface PostmortemsTable {
  incident_id: number;
  status: string;
  markdown: string;
  created_at: number;
  updated_at: number;
  updated_by: string;
  published_at: number | null;
  revision: number;
}

export interface ActionItemsTable {
  id: string;
  incident_id: number;
  title: string;
  owner: string;
  team: string;
  priority: string;
  due_at: number | null;
  status: string;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}
