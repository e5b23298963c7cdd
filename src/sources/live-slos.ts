// Pushed events as an SLI source: every SLO's per-minute series held in memory and
// kept current by tailing the event table by id. Ingest transactions commit in id
// order (see EventRepository.lockIngest), so a reader that has seen id N has seen
// every row below it, whichever instance wrote them.
import type { ApprovalGrantRecord } from '../app/ports/records.js';
import type { LiveSlo, LoadedPolicies, SloCatalog } from '../app/ports/slo-catalog.js';
import type { Store } from '../app/ports/store.js';
import type { Clock } from '../app/ports/clock.js';
import { readDocumentValues } from '../config/documents.js';
import { compilePolicy, PolicyIndex, type CompiledPolicy } from '../core/policy/compile.js';
import { copySince, lookbackMinutes } from '../core/slo/lookback.js';
import { createSeries, epochMinute } from '../core/slo/minute-series.js';
import type {
  DataSource,
  EscalationPolicyResource,
  HeartbeatResource,
  IncidentSettingsResource,
  RunbookResource,
  ScheduleResource,
  Service,
  Slo,
} from '../core/slo/model.js';

// Small pages: each is applied in one synchronous stretch, and requests wait for none longer.
const TAIL_PAGE = 2_000;
const DAY_MINUTES = 24 * 60;
/** Expired approvals stay this long, so that the gate can say why one no longer counts. */
const SHOWN_AFTER_EXPIRY_MS = 24 * 60 * 60_000;
/** Approvals last hours; more than this many in force at once is not a policy, it is a bypass. */
const MAX_LOADED_APPROVALS = 100_000;
/** Series are cut back to what can still count this often, and when a day beyond it. */
const TRIM_INTERVAL_MS = 60 * 60_000;

export class LiveSlos implements SloCatalog {
  private byId = new Map<number, LiveSlo>();
  private readonly documents = new ReadDocuments();
  private byName = new Map<string, LiveSlo>();
  private knownDataSources: readonly DataSource[] = [];
  private knownSchedules: readonly ScheduleResource[] = [];
  private knownEscalationPolicies: readonly EscalationPolicyResource[] = [];
  private knownRunbooks: readonly RunbookResource[] = [];
  private knownHeartbeats: readonly HeartbeatResource[] = [];
  private knownIncidentSettings: IncidentSettingsResource | undefined;
  private servicesByName = new Map<string, Service>();
  /** SLO names by service, in name order; entries are looked up by name (trims replace them). */
  private sloNamesByService = new Map<string, readonly string[]>();
  private loadedPolicies: LoadedPolicies = { list: [], index: new PolicyIndex([]) };
  private approvalsByService = new Map<string, ApprovalGrantRecord[]>();
  private rolesByUser = new Map<string, readonly string[]>();
  private lastEventId = 0;
  private generation = -1;
  /** The catch-up under way, and the one queued to start after it. */
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private lastTrimmedAt = Number.NEGATIVE_INFINITY;

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

  dataSources(): readonly DataSource[] {
    return this.knownDataSources;
  }

  schedules(): readonly ScheduleResource[] {
    return this.knownSchedules;
  }

  escalationPolicies(): readonly EscalationPolicyResource[] {
    return this.knownEscalationPolicies;
  }

  runbooks(): readonly RunbookResource[] {
    return this.knownRunbooks;
  }

  heartbeats(): readonly HeartbeatResource[] {
    return this.knownHeartbeats;
  }

  incidentSettings(): IncidentSettingsResource | undefined {
    return this.knownIncidentSettings;
  }

  service(name: string): Service | undefined {
    return this.servicesByName.get(name);
  }

  slosOf(service: string): readonly LiveSlo[] {
    const names = this.sloNamesByService.get(service) ?? [];
    return names.flatMap((name) => this.byName.get(name) ?? []);
  }

  policies(): LoadedPolicies {
    return this.loadedPolicies;
  }

  approvalsOf(service: string): readonly ApprovalGrantRecord[] {
    return this.approvalsByService.get(service) ?? [];
  }

  rolesOf(user: string): readonly string[] {
    return this.rolesByUser.get(user) ?? [];
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
        // A reader woken by the end of the last one may have started one already, after
        // that end and so after this queue formed: it will do. Two at once would apply
        // the same rows twice.
        return this.current ?? this.startCatchUp();
      });
    await this.next;
  }

  private startCatchUp(): Promise<void> {
    this.lastStartedAt = this.clock.now();
    const running = this.catchUp().finally(() => {
      if (this.current === running) this.current = undefined;
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
      if (rows.length < TAIL_PAGE) break;
    }
    this.trimWhenDue();
  }

  /** Drops minutes that no window can reach any more: memory stays bounded by the windows. */
  private trimWhenDue(): void {
    const now = this.clock.now();
    if (now - this.lastTrimmedAt < TRIM_INTERVAL_MS) return;
    this.lastTrimmedAt = now;
    const nowMinute = epochMinute(now);
    for (const [id, entry] of this.byId) {
      const from = nowMinute - lookbackMinutes(entry.slo);
      const first = entry.series.extent()?.first;
      if (first === undefined || first >= from - DAY_MINUTES) continue;
      const trimmed = { ...entry, series: copySince(entry.slo, entry.series, from) };
      this.byId.set(id, trimmed);
      this.byName.set(entry.slo.name, trimmed);
    }
  }

  private async reloadDefinitions(): Promise<void> {
    const [records, serviceRecords, configRecords, users] = await Promise.all([
      this.store.listSlos(),
      this.store.listServices(),
      this.store.listConfigResources(),
      this.store.listUsers(),
    ]);
    this.rolesByUser = new Map(users.map((user) => [user.name, user.roles]));
    // Each document is looked up once: the lookup serializes it, and thousands of them
    // read once per kind stalled every request for the length of a reload.
    const config = configRecords.map((record) => this.documents.read(record.document));
    this.knownDataSources = config.flatMap((read) => read.dataSource ?? []);
    this.knownSchedules = config.flatMap((read) => read.schedule ?? []);
    this.knownEscalationPolicies = config.flatMap((read) => read.escalationPolicy ?? []);
    this.knownRunbooks = config.flatMap((read) => read.runbook ?? []);
    this.knownHeartbeats = config.flatMap((read) => read.heartbeat ?? []);
    this.knownIncidentSettings = config.flatMap((read) => read.incidentSettings ?? []).at(0);
    const policies = config.flatMap((read) => read.policy ?? []);
    // One index per change of the config: a gate check then does no parsing or compiling.
    this.loadedPolicies = { list: policies, index: new PolicyIndex(policies) };
    const approvals = await this.store.listApprovals({
      notRevoked: true,
      expiringAfter: this.clock.now() - SHOWN_AFTER_EXPIRY_MS,
      limit: MAX_LOADED_APPROVALS,
    });
    const approvalsByService = new Map<string, ApprovalGrantRecord[]>();
    for (const approval of approvals) {
      const list = approvalsByService.get(approval.service);
      if (list === undefined) approvalsByService.set(approval.service, [approval]);
      else list.push(approval);
    }
    this.approvalsByService = approvalsByService;
    const services = new Map<string, Service>();
    for (const record of serviceRecords) {
      const service = this.documents.read(record.document).service;
      if (service !== undefined) services.set(service.name, service);
    }

    const nowMinute = epochMinute(this.clock.now());
    const byId = new Map<number, LiveSlo>();
    for (const record of records) {
      const slo = this.documents.read(record.document).slo;
      if (slo === undefined) continue;
      const service = services.get(slo.service);
      const known = this.byId.get(record.id);
      if (known !== undefined && sameCounting(known.slo, slo)) {
        byId.set(record.id, { ...known, slo, service });
        continue;
      }
      const series = createSeries(slo);
      const fromMinute = nowMinute - lookbackMinutes(slo);
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
    this.servicesByName = services;
    const sloNames = new Map<string, string[]>();
    for (const entry of [...byId.values()].sort((a, b) => compareText(a.slo.name, b.slo.name))) {
      const names = sloNames.get(entry.slo.service);
      if (names === undefined) sloNames.set(entry.slo.service, [entry.slo.name]);
      else names.push(entry.slo.name);
    }
    this.sloNamesByService = sloNames;
    this.documents.forgetUnread();
  }
}

/**
 * Stored documents read into model values, remembered by their text: any change to what
 * the catalog reads (one resource, a user's roles, an approval) reloads the definitions,
 * and reading a thousand unchanged documents again each time would stall every request. Unchanged SLOs also keep their identity,
 * which the engine's per-SLO caches key on.
 */
class ReadDocuments {
  private byText = new Map<
    string,
    {
      slo?: Slo;
      service?: Service;
      dataSource?: DataSource;
      schedule?: ScheduleResource;
      escalationPolicy?: EscalationPolicyResource;
      runbook?: RunbookResource;
      heartbeat?: HeartbeatResource;
      incidentSettings?: IncidentSettingsResource;
      policy?: CompiledPolicy;
    }
  >();

  private readonly readSinceForget = new Set<string>();

  read(document: unknown): {
    readonly slo?: Slo;
    readonly service?: Service;
    readonly dataSource?: DataSource;
    readonly schedule?: ScheduleResource;
    readonly escalationPolicy?: EscalationPolicyResource;
    readonly runbook?: RunbookResource;
    readonly heartbeat?: HeartbeatResource;
    readonly incidentSettings?: IncidentSettingsResource;
    /** Compiled once per stored text: holiday calendars and zones are not cheap. */
    readonly policy?: CompiledPolicy;
  } {
    const text = JSON.stringify(document);
    this.readSinceForget.add(text);
    let read = this.byText.get(text);
    if (read === undefined) {
      const values = readDocumentValues([document]);
      read = {};
      const slo = values.slos[0]?.value;
      const service = values.services[0]?.value;
      if (slo !== undefined) read.slo = slo;
      if (service !== undefined) read.service = service;
      const dataSource = values.dataSources[0]?.value;
      if (dataSource !== undefined) read.dataSource = dataSource;
      const schedule = values.schedules[0]?.value;
      if (schedule !== undefined) read.schedule = schedule;
      const escalationPolicy = values.escalationPolicies[0]?.value;
      if (escalationPolicy !== undefined) read.escalationPolicy = escalationPolicy;
      const runbook = values.runbooks[0]?.value;
      if (runbook !== undefined) read.runbook = runbook;
      const heartbeat = values.heartbeats[0]?.value;
      if (heartbeat !== undefined) read.heartbeat = heartbeat;
      const incidentSettings = values.incidentSettings[0]?.value;
      if (incidentSettings !== undefined) read.incidentSettings = incidentSettings;
      const policy = values.policies[0]?.value;
      // Apply compiles every policy before storing it, so this does not throw for a
      // stored one; the schema and compilePolicy refuse the same mistakes.
      if (policy !== undefined) read.policy = compilePolicy(policy.policy);
      this.byText.set(text, read);
    }
    return read;
  }

  /** Forgets the documents not read since the last call: a reload reads every stored one. */
  forgetUnread(): void {
    for (const text of this.byText.keys()) {
      if (!this.readSinceForget.has(text)) this.byText.delete(text);
    }
    this.readSinceForget.clear();
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

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
