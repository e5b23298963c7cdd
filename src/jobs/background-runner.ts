// Background work shared by every instance on one database: each tick renews or
// takes the lease, and the holder runs the evaluation cycle once per interval. An
// instance that dies stops renewing; another takes the lease when it expires.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppDependencies } from '../app/ports/slo-catalog.js';
import { EVALUATOR_LEASE, runEvaluationCycle, type CycleOutcome } from './evaluation-cycle.js';
import { applyRetention } from './retention.js';
import { countHeartbeatSlos } from '../app/heartbeat-slos.js';
import { evaluateHeartbeats } from '../app/heartbeats.js';
import { advanceEscalations, deliverNotifications, type PagingContext } from '../app/paging.js';
import type { NotificationRecord } from '../app/ports/records.js';

export interface DeliveryResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface BackgroundOptions {
  /** Evaluate every this many ms, at multiples of it (a minute in production). */
  readonly intervalMs: number;
  /** A holder that stops renewing loses the lease after this long. */
  readonly leaseTtlMs: number;
  /** How often to renew the lease and look for due work. */
  readonly tickMs: number;
  readonly onCycle?: (at: number, outcome: CycleOutcome) => void;
  /** Escalations and notification delivery; absent: pages are stored but nobody is told. */
  readonly paging?: {
    readonly context: PagingContext;
    readonly deliver: (notification: NotificationRecord) => Promise<DeliveryResult>;
  };
  readonly onError?: (error: unknown) => void;
}

const RETENTION_INTERVAL_MS = 60 * 60_000;
const PAGING_PAUSE_MS = 100;

export const DEFAULT_BACKGROUND_OPTIONS: BackgroundOptions = {
  intervalMs: 60_000,
  leaseTtlMs: 15_000,
  tickMs: 5_000,
};

export class BackgroundRunner {
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private lastCycleAt = Number.NEGATIVE_INFINITY;
  private lastRetentionAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private leader = false;

  constructor(
    private readonly deps: AppDependencies,
    private readonly options: BackgroundOptions = DEFAULT_BACKGROUND_OPTIONS,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    const loop = (): void => {
      this.ticking = this.tick()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.ticking = undefined;
          if (this.timer !== undefined) this.timer = setTimeout(loop, this.options.tickMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** One pass: renew or take the lease; run the cycle when one is due. */
  async tick(): Promise<void> {
    const { store, clock } = this.deps;
    this.leader = await store.tryAcquireLease(
      EVALUATOR_LEASE,
      this.holder,
      clock.now(),
      this.options.leaseTtlMs,
    );
    if (!this.leader) return;
    // Cron jobs' deadlines are checked every tick: a missed run pages within seconds.
    await evaluateHeartbeats(this.deps, clock.now());
    await countHeartbeatSlos(this.deps, clock.now());
    await this.page();
    if (clock.now() - this.lastRetentionAt >= RETENTION_INTERVAL_MS) {
      this.lastRetentionAt = clock.now();
      await applyRetention(this.deps);
    }
    const due = Math.floor(clock.now() / this.options.intervalMs) * this.options.intervalMs;
    if (due <= this.lastCycleAt) return;
    const outcome = await runEvaluationCycle(this.deps, this.holder, due);
    // Burn alerts that started paging are escalated now, not at the next tick.
    if (outcome.ran && outcome.started > 0) await this.page();
    if (outcome.ran || outcome.reason === 'already-done') this.lastCycleAt = due;
    this.options.onCycle?.(due, outcome);
  }

  /**
   * Escalates what is due and delivers what the outbox holds. Runs at every tick and
   * when a page opens (`pagesChanged`), one pass at a time.
   */
  private paging: Promise<void> | undefined;
  /** Wake-ups asked for; a pass that saw fewer runs again. */
  private pagingRequests = 0;

  pagesChanged(): void {
    if (!this.leader || this.timer === undefined) return;
    this.pagingRequests += 1;
    if (this.paging !== undefined) return;
    this.page().catch((error: unknown) => this.options.onError?.(error));
  }

  private async page(): Promise<void> {
    const { paging } = this.options;
    if (paging === undefined) return;
    if (this.paging !== undefined) {
      await this.paging;
      return;
    }
    const pass = async () => {
      for (;;) {
        const seen = this.pagingRequests;
        await advanceEscalations(this.deps, paging.context, this.deps.clock.now());
        await deliverNotifications(this.deps, paging.deliver, () => this.deps.clock.now());
        if (this.pagingRequests === seen) return;
        // An alert storm wakes this with every body: a short pause lets intake have
        // the database, and one pass then covers all the pages opened meanwhile.
        await new Promise((resolve) => setTimeout(resolve, PAGING_PAUSE_MS));
      }
    };
    this.paging = pass().finally(() => {
      this.paging = undefined;
    });
    await this.paging;
  }

  /** Stops ticking and hands the lease back, so that another instance takes over at once. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ticking !== undefined) await this.ticking;
    if (this.paging !== undefined) await this.paging;
    if (this.leader) await this.deps.store.releaseLease(EVALUATOR_LEASE, this.holder);
    this.leader = false;
  }
}
