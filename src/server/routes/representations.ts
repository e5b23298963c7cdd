// Stored records as the API shows them: instants as ISO-8601, secrets never.
import type {
  AlertTransitionRecord,
  AuditRecord,
  IngestKeyRecord,
  ServiceRecord,
  SloRecord,
  TeamRecord,
  TokenRecord,
  UserRecord,
} from '../../app/ports/records.js';
import { isoOf, isoOrNull } from '../../store/codec.js';

export const teamView = (team: TeamRecord) => ({
  name: team.name,
  displayName: team.displayName,
  createdAt: isoOf(team.createdAt),
  updatedAt: isoOf(team.updatedAt),
});

export const userView = (user: UserRecord) => ({
  name: user.name,
  displayName: user.displayName,
  email: user.email,
  timeZone: user.timeZone,
  teams: [...user.teams],
  createdAt: isoOf(user.createdAt),
  updatedAt: isoOf(user.updatedAt),
});

export const tokenView = (token: TokenRecord) => ({
  id: token.id,
  name: token.name,
  role: token.role,
  teams: [...token.teams],
  user: token.user,
  createdAt: isoOf(token.createdAt),
  expiresAt: isoOrNull(token.expiresAt),
  lastUsedAt: isoOrNull(token.lastUsedAt),
  revokedAt: isoOrNull(token.revokedAt),
});

export const ingestKeyView = (key: IngestKeyRecord) => ({
  id: key.id,
  name: key.name,
  service: key.service,
  createdAt: isoOf(key.createdAt),
  revokedAt: isoOrNull(key.revokedAt),
});

/** The stored document with the server's timestamps. */
export const resourceView = (record: ServiceRecord | SloRecord) => ({
  ...(record.document as Record<string, unknown>),
  status: { createdAt: isoOf(record.createdAt), updatedAt: isoOf(record.updatedAt) },
});

export const auditView = (entry: AuditRecord) => ({
  id: entry.id,
  at: isoOf(entry.at),
  actor: entry.actor,
  action: entry.action,
  kind: entry.kind,
  name: entry.name,
  before: entry.before,
  after: entry.after,
});

export const alertTransitionView = (transition: AlertTransitionRecord) => ({
  id: transition.id,
  slo: transition.slo,
  service: transition.service,
  rule: transition.rule,
  severity: transition.severity,
  transition: transition.transition,
  at: isoOf(transition.at),
  numbers: transition.numbers,
});
