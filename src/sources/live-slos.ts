// Pushed events as an SLI source: every SLO's per-minute series held in memory and
// kept current by tailing the event table by id. Ingest transactions commit in id
// order (see EventRepository.lockIngest), so a reader that has seen id N has seen
// every row below it, whichever instance wrote them.
import type { LiveSlo, SloCatalog } from '../app/ports/slo-catalog.js';
import type { Store } from '../app/ports/store.js';
import type { Clock } from '../app/ports/clock.js';
import { readDocumentValues } from '../config/documents.js';
import { createSeries, epochMinute } from '../core/slo/minute-series.js';
import type { Service, Slo } from '../core/slo/model.js';

// Small pages: each is applied in one synchronous stretch, and requests wait for none longer.
const TAIL_PAGE = 2_000;
const DAY_MINUTES = 24 * 60;
/** Counts older than this can count for no window (a quarter plus zone slack). */
const LOOKBACK_MINUTES = 95 * DAY_MINUTES;

export class LiveSlos implements SloCatalog {
  private byId = new Map<number, LiveSlo>();
  private byName = new Map<string, LiveSlo>();
  private lastEventId = 0;
  private generation = -1;
  /** The catch-up under way, and the one queued to start after it. */
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private lastStartedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  get(name: string): LiveSlo | undefined {
    return this.byName.get(name);
  }

  all(): readonly LiveSlo[] {
    return [...this.byName.values()];
  }

  invalidate(): void {
    this.lastStartedAt = Number.NEGATIVE_INFINITY;
  }

  async refresh(options: { readonly maxAgeMs?: number } = {}): Promise<void> {
    const { maxAgeMs } = options;
    // Recent enough for this reader: no waiting at all.
    if (maxAgeMs !== undefined && this.clock.now() - this.lastStartedAt < maxAgeMs) return;
    if (this.current === undefined) {
      await this.startCatchUp();
      return;
    }
    // The one running may have started before what this caller must see was committed:
    // wait for the next one. Everyone who arrives meanwhile shares that same next one.
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.startCatchUp();
      });
    await this.next;
  }

  private startCatchUp(): Promise<void> {
    this.lastStartedAt = this.clock.now();
    const running = this.catchUp().finally(() => {
      this.current = undefined;
    });
    this.current = running;
    return running;
  }

  private async catchUp(): Promise<void> {
    const generation = await this.store.configGeneration();
    if (generation !== this.generation) {
      await this.reloadDefinitions();
      this.generation = generation;
    }
    for (;;) {
      const rows = await this.store.readEventCountsAfter(this.lastEventId, TAIL_PAGE);
      let unknownSlo = false;
      for (const record of rows) {
        const entry = this.byId.get(record.sloId);
        if (entry === undefined) unknownSlo = true;
        else
          for (const { minute, good, total } of record.counts)
            entry.series.add(minute, good, total);
        this.lastEventId = record.id;
      }
      // Counts of an SLO created after the definitions were read: read them again;
      // the new SLO's series is then loaded from the table up to lastEventId.
      if (unknownSlo) await this.reloadDefinitions();
      if (rows.length < TAIL_PAGE) return;
    }
  }

  private async reloadDefinitions(): Promise<void> {
    const [records, serviceRecords] = await Promise.all([
      this.store.listSlos(),
      this.store.listServices(),
    ]);
    const services = new Map<string, Service>();
    const read = readDocumentValues(serviceRecords.map((record) => record.document));
    for (const { value } of read.services) services.set(value.name, value);

    const fromMinute = epochMinute(this.clock.now()) - LOOKBACK_MINUTES;
    const byId = new Map<number, LiveSlo>();
    for (const record of records) {
      const slo = readDocumentValues([record.document]).slos[0]?.value;
      if (slo === undefined) continue;
      const service = services.get(slo.service);
      const known = this.byId.get(record.id);
      if (known !== undefined && sameCounting(known.slo, slo)) {
        byId.set(record.id, { ...known, slo, service });
        continue;
      }
      const series = createSeries(slo);
      for (const counts of await this.store.sumEventCounts(
        record.id,
        fromMinute,
        this.lastEventId,
      )) {
        series.add(counts.minute, counts.good, counts.total);
      }
      series.compact();
      byId.set(record.id, { id: record.id, slo, service, series });
    }
    this.byId = byId;
    this.byName = new Map([...byId.values()].map((entry) => [entry.slo.name, entry]));
  }
}

/** The series keeps what it counted unless the slice rule that classifies minutes changed. */
function sameCounting(before: Slo, after: Slo): boolean {
  const [a, b] = [before.budgeting, after.budgeting];
  if (a.kind !== b.kind) return false;
  if (a.kind === 'occurrences' || b.kind === 'occurrences') return true;
  return (
    a.sliceTarget.numerator * b.sliceTarget.denominator ===
    b.sliceTarget.numerator * a.sliceTarget.denominator
  );
}
