// The main SQLite connection's single writes, outside a transaction, wait for the
// writer thread (sqlite-batch-writer.ts) without holding the event loop.
//
// SQLite lets one connection write at a time. A statement of the main connection that
// finds the writer thread committing waits through busy_timeout, and SQLite's default
// busy handler waits by sleeping: 1, 2, 5, 10, 15, 20, 25 ms… With the writer
// committing gate decisions a millisecond apart, the evaluator lease's renewal every
// five seconds slept up to 78 ms on the event loop, and every check arriving meanwhile
// waited it out: most of the gate's 99th percentile over half a minute. Here such a
// statement waits for the batches in flight to commit, asynchronously, as a
// transaction of the main connection does (`SqliteBatchWriter.exclusive`), and then
// finds the lock free.
//
// Kysely gives no hook between compiling a query and taking the connection, so the
// Kysely instance is put together from its public parts with a query executor that
// does that; its transactions run on executors of their own connection, which are
// Kysely's (a transaction is exclusive as a whole already).
import {
  DefaultConnectionProvider,
  DefaultQueryExecutor,
  Kysely,
  SqliteDialect,
  type CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  type Driver,
  type KyselyPlugin,
  type QueryExecutor,
  type QueryResult,
  type RootOperationNode,
  type TransactionSettings,
} from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import type { DatabaseSchema } from './schema.js';

/** Runs `work` once no batch of the writer thread is in flight, holding later ones off. */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

export function sqliteKysely(
  sqlite: SqliteDatabase.Database,
  exclusive: Exclusive,
): Kysely<DatabaseSchema> {
  const dialect = new SqliteDialect({ database: sqlite });
  const driver = new InitializedOnce(dialect.createDriver());
  const executor = new DefaultQueryExecutor(
    dialect.createQueryCompiler(),
    dialect.createAdapter(),
    new DefaultConnectionProvider(driver),
    [],
  );
  return new Kysely<DatabaseSchema>({
    config: { dialect },
    dialect,
    driver,
    executor: new ExclusiveWrites(executor, exclusive),
  });
}

/** Whether a statement writes: a read never waits for the writer thread (WAL). */
export function writes(query: CompiledQuery): boolean {
  switch (query.query.kind) {
    case 'SelectQueryNode':
      return false;
    case 'RawNode':
      return !/^\s*(select|pragma|explain)\b/i.test(query.sql);
    default:
      return true;
  }
}

class ExclusiveWrites implements QueryExecutor {
  constructor(
    private readonly inner: QueryExecutor,
    private readonly exclusive: Exclusive,
  ) {}

  get adapter(): QueryExecutor['adapter'] {
    return this.inner.adapter;
  }

  get plugins(): readonly KyselyPlugin[] {
    return this.inner.plugins;
  }

  transformQuery<T extends RootOperationNode>(
    node: T,
    queryId: Parameters<QueryExecutor['transformQuery']>[1],
  ): T {
    return this.inner.transformQuery(node, queryId);
  }

  compileQuery<R = unknown>(
    node: RootOperationNode,
    queryId: Parameters<QueryExecutor['compileQuery']>[1],
  ): CompiledQuery<R> {
    return this.inner.compileQuery(node, queryId);
  }

  provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    return this.inner.provideConnection(consumer);
  }

  executeQuery<R>(compiledQuery: CompiledQuery<R>): Promise<QueryResult<R>> {
    return writes(compiledQuery)
      ? this.exclusive(() => this.inner.executeQuery(compiledQuery))
      : this.inner.executeQuery(compiledQuery);
  }

  stream<R>(
    compiledQuery: CompiledQuery<R>,
    chunkSize: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.stream(compiledQuery, chunkSize);
  }

  // A transaction's (or db.connection()'s) own connection: the caller holds it already.
  withConnectionProvider(connectionProvider: ConnectionProvider): QueryExecutor {
    return this.inner.withConnectionProvider(connectionProvider);
  }

  withPlugin(plugin: KyselyPlugin): QueryExecutor {
    return new ExclusiveWrites(this.inner.withPlugin(plugin), this.exclusive);
  }

  withPlugins(plugins: readonly KyselyPlugin[]): QueryExecutor {
    return new ExclusiveWrites(this.inner.withPlugins(plugins), this.exclusive);
  }

  withPluginAtFront(plugin: KyselyPlugin): QueryExecutor {
    return new ExclusiveWrites(this.inner.withPluginAtFront(plugin), this.exclusive);
  }

  withoutPlugins(): QueryExecutor {
    return new ExclusiveWrites(this.inner.withoutPlugins(), this.exclusive);
  }
}

/** Kysely initializes its driver on first use; a Kysely put together by hand must too. */
class InitializedOnce implements Driver {
  private initialized: Promise<void> | undefined;

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    this.initialized ??= this.inner.init();
    return this.initialized;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.init();
    return this.inner.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  async destroy(): Promise<void> {
    if (this.initialized !== undefined) await this.inner.destroy();
  }
}
