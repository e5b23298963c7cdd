// The SLOs as the engine sees them: model, per-minute series, and where they came from.
import type { MinuteSeries } from '../../core/slo/minute-series.js';
import type { Service, Slo } from '../../core/slo/model.js';
import type { CredentialCache } from '../credential-cache.js';
import type { Clock } from './clock.js';
import type { Store } from './store.js';

export interface LiveSlo {
  readonly id: number;
  readonly slo: Slo;
  readonly service: Service | undefined;
  readonly series: MinuteSeries;
}

export interface SloCatalog {
  /**
   * Brings definitions and counts up to date with the database. With `maxAgeMs`, a
   * refresh that started less than that long ago is good enough (hot read paths).
   */
  refresh(options?: { readonly maxAgeMs?: number }): Promise<void>;
  /** Something changed here: the next read refreshes, whatever its `maxAgeMs`. */
  invalidate(): void;
  get(name: string): LiveSlo | undefined;
  all(): readonly LiveSlo[];
}

/** Everything app verbs need from the outside world. */
export interface AppDependencies {
  readonly store: Store;
  readonly clock: Clock;
  readonly catalog: SloCatalog;
  readonly credentials: CredentialCache;
}
