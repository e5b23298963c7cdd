// One running Headroom: database opened and migrated, the live SLO catalog, the
// first admin token, the HTTP server and the background runner, and their shutdown.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { bootstrapAdminToken } from '../app/bootstrap.js';
import { loadHolidayRules } from '../core/policy/holidays.js';
import { CredentialCache } from '../app/credential-cache.js';
import { countHeartbeatSlos } from '../app/heartbeat-slos.js';
import { evaluateHeartbeats, replayUnfoldedPings } from '../app/heartbeats.js';
import { storedIncidents } from '../app/incidents.js';
import { systemClock, type Clock } from '../app/ports/clock.js';
import type { AppDependencies, WarningLog } from '../app/ports/slo-catalog.js';
import {
  BackgroundRunner,
  DEFAULT_BACKGROUND_OPTIONS,
  type BackgroundOptions,
} from '../jobs/background-runner.js';
import { PrometheusSliReader } from '../integrations/prometheus/sli-reader.js';
import { LiveSlos } from '../sources/live-slos.js';
import { advanceEscalations, deliverNotifications, linkSigningKey } from '../app/paging.js';
import type { NotificationRecord } from '../app/ports/records.js';
import { Deliverer } from '../integrations/notify/deliver.js';
import { openDatabase, type DatabaseLocation, type OpenDatabase } from '../store/database.js';
import { kyselyStore } from '../store/kysely-store.js';
import { migrateToLatest } from '../store/migrate.js';
import { buildServer, DEFAULT_BODY_LIMIT_BYTES, type LoggerOptions } from './build-server.js';

export interface HeadroomOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly database: DatabaseLocation;
  readonly bootstrapToken: string | undefined;
  readonly version: string;
  readonly background: BackgroundOptions | false;
  readonly bodyLimitBytes?: number;
  readonly logger?: boolean | LoggerOptions;
  readonly clock?: Clock;
  /** Where data sources' credentials come from ({ env: NAME }); the process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningHeadroom {
  readonly url: string;
  readonly database: OpenDatabase;
  readonly deps: AppDependencies;
  readonly app: FastifyInstance;
  readonly runner: BackgroundRunner | undefined;
  /** One pass of escalation and delivery now (tests run it with their own clock). */
  runPaging(): Promise<void>;
  /** One pass of the heartbeat evaluator at the clock's now (tests run no background loop). */
  runHeartbeats(): Promise<void>;
  /** The admin token created on an empty database, to show once; undefined otherwise. */
  readonly bootstrapToken: string | undefined;
  /** Stops accepting, finishes in-flight requests, stops background work, closes the database. */
  close(): Promise<void>;
}

const FOLLOW_INTERVAL_MS = 1000;

export function sqliteLocation(dataDir: string): DatabaseLocation {
  return { kind: 'sqlite', file: path.join(dataDir, 'headroom.db') };
}

export async function startHeadroom(options: HeadroomOptions): Promise<RunningHeadroom> {
  const database = openDatabase(options.database);
  try {
    await migrateToLatest(database.db);
    loadHolidayRules();
    const clock = options.clock ?? systemClock;
    const store = kyselyStore(database.db, database.dialect, false, database.batchWriter);
    const catalog = new LiveSlos(store, clock);
    // The runner exists only after the server listens; intake wakes it through this.
    const signals = { pagesChanged: (): void => undefined };
    // The server's logger exists once the server is built; warnings before go nowhere.
    const log: WarningLog = { warn: () => undefined };
    const deps: AppDependencies = {
      signals,
      log,
      store,
      clock,
      catalog,
      credentials: new CredentialCache(),
      sliReader: new PrometheusSliReader(catalog, clock, options.env ?? {}),
      incidents: storedIncidents(store),
    };
    const bootstrap = await bootstrapAdminToken(deps, options.bootstrapToken);
    await catalog.refresh();
    const replayedPings = await replayUnfoldedPings(deps);
    const lifecycle = { closing: false };
    const app = await buildServer({
      lifecycle,
      deps,
      db: database.db,
      version: options.version,
      bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      logger: options.logger ?? false,
      publicUrl: options.env?.HEADROOM_PUBLIC_URL,
    });
    log.warn = (details, message) => {
      app.log.warn(details, message);
    };
    if (replayedPings > 0)
      app.log.warn(
        { pings: replayedPings },
        'applied again the heartbeat pings whose states the last run had not written (it did not stop cleanly)',
      );
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `http://${host}:${port}`;
    const linkKey = await linkSigningKey(store);
    const deliverer = new Deliverer(options.env ?? {}, linkKey);
    const paging = {
      context: { publicUrl: options.env?.HEADROOM_PUBLIC_URL ?? url, linkKey },
      deliver: (notification: NotificationRecord) => deliverer.deliver(notification),
    };
    const runner =
      options.background === false
        ? undefined
        : new BackgroundRunner(deps, {
            ...options.background,
            paging,
            // A tick that fails is tried again at the next; it must not fail unseen.
            onError:
              options.background.onError ??
              ((error: unknown) => {
                app.log.error(
                  { err: error },
                  'a background tick failed; the next tick tries again',
                );
              }),
          });
    signals.pagesChanged = () => {
      runner?.pagesChanged();
    };
    runner?.start();
    // Following the event table in the background keeps each read's catch-up small.
    const follow = setInterval(() => {
      catalog.refresh({ maxAgeMs: FOLLOW_INTERVAL_MS }).catch((error: unknown) => {
        app.log.error({ err: error }, 'catching up with the event table failed');
      });
    }, FOLLOW_INTERVAL_MS);
    follow.unref();
    let closing: Promise<void> | undefined;
    return {
      url,
      runHeartbeats: async () => {
        await evaluateHeartbeats(deps, clock.now());
        await countHeartbeatSlos(deps, clock.now());
      },
      runPaging: async () => {
        await advanceEscalations(deps, paging.context, clock.now());
        await deliverNotifications(deps, paging.deliver, () => clock.now());
      },
      database,
      deps,
      app,
      runner,
      bootstrapToken: bootstrap?.generated === true ? bootstrap.token : undefined,
      close: () => {
        closing ??= (async () => {
          clearInterval(follow);
          lifecycle.closing = true;
          await app.close();
          await runner?.stop();
          deliverer.close();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export { DEFAULT_BACKGROUND_OPTIONS };
