// What the app reads from and writes to storage. Instants are epoch milliseconds;
// documents are canonical headroom/v1 JSON.
import type { ActiveAlert, AlertTransition } from '../../core/slo/alert-transitions.js';
import type { Role } from '../../schema/api.js';

export interface TeamRecord {
  readonly name: string;
  readonly displayName: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface UserRecord {
  readonly name: string;
  readonly displayName: string | null;
  readonly email: string | null;
  readonly timeZone: string;
  readonly teams: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly teams: readonly string[];
  readonly user: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

export interface IngestKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface ServiceRecord {
  readonly name: string;
  readonly team: string;
  readonly document: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A config resource of a kind other than Service and SLO (DataSource, …). */
export interface ConfigResourceRecord {
  readonly kind: string;
  readonly name: string;
  readonly team: string | null;
  readonly document: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SloRecord {
  readonly id: number;
  readonly name: string;
  readonly service: string;
  readonly document: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface MinuteCounts {
  readonly minute: number;
  readonly good: number;
  readonly total: number;
}

/** The counts one batch delivered for one SLO, by minute. */
export interface EventCountsRecord {
  readonly id: number;
  readonly sloId: number;
  readonly counts: readonly MinuteCounts[];
}

export interface IngestBatchRecord {
  readonly service: string;
  readonly idempotencyKey: string;
  readonly bodyHash: string;
  readonly response: unknown;
  readonly createdAt: number;
}

export interface AuditRecord {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly kind: string;
  readonly name: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A burn-rate rule firing now, as the evaluator last stored it. */
export type AlertStateRecord = ActiveAlert;

export interface AlertTransitionRecord extends AlertTransition {
  readonly id: number;
}

export interface EvaluationCycleRecord {
  readonly at: number;
  readonly holder: string;
  readonly slos: number;
  readonly transitions: number;
  readonly finishedAt: number;
}
