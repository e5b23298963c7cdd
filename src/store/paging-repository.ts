// Alert integrations, every alert body received, and pages (stored whole, as the core's
// Page value: they are read and written as one).
import { sql, type Kysely, type Selectable } from 'kysely';
import type { PagingRepository } from '../app/ports/store.js';
import type {
  AlertIntegrationRecord,
  DeliveryAttempt,
  IntegrationKind,
  NotificationChannelKind,
  NotificationRecord,
  StoredEscalation,
} from '../app/ports/records.js';
import type { Page } from '../core/alerts/grouping.js';
import { pageKeys } from '../core/alerts/page-keys.js';
import { decodeJson, encodeJson, type Dialect } from './codec.js';
import type { AlertIntegrationsTable, DatabaseSchema, NotificationsTable } from './schema.js';

/** Any constant distinct from the ingest lock's: serializes page changes on PostgreSQL. */
const PAGING_LOCK_KEY = 7_262_201;

export function pagingRepository(db: Kysely<DatabaseSchema>, dialect: Dialect): PagingRepository {
  return {
    async lockPaging() {
      // SQLite has one writer at a time already.
      if (dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(${PAGING_LOCK_KEY})`.execute(db);
    },
    async insertIntegration(integration, keyHash) {
      await db
        .insertInto('alert_integrations')
        .values({
          id: integration.id,
          name: integration.name,
          kind: integration.kind,
          service: integration.service,
          key_hash: keyHash,
          created_at: integration.createdAt,
          revoked_at: integration.revokedAt,
        })
        .execute();
    },
    async findIntegrationByKeyHash(keyHash) {
      const row = await db
        .selectFrom('alert_integrations')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row === undefined ? undefined : integrationOf(row);
    },
    async listIntegrations() {
      const rows = await db
        .selectFrom('alert_integrations')
        .selectAll()
        .orderBy('created_at')
        .execute();
      return rows.map(integrationOf);
    },
    async revokeIntegration(id, at) {
      await db
        .updateTable('alert_integrations')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async insertReceivedAlert(integrationId, receivedAt, body) {
      await db
        .insertInto('received_alerts')
        .values({ integration_id: integrationId, received_at: receivedAt, body: encodeJson(body) })
        .execute();
    },
    async countReceivedAlerts() {
      const row = await db
        .selectFrom('received_alerts')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return row.count;
    },
    async listOpenPages() {
      const rows = await db
        .selectFrom('pages')
        .select('document')
        .where('status', '!=', 'resolved')
        .orderBy('opened_at')
        .execute();
      return rows.map((row) => decodeJson(row.document) as Page);
    },
    async listOpenPagesFor(keys) {
      if (keys.length === 0) return [];
      const rows = await db
        .selectFrom('pages')
        .select('document')
        .where('status', '!=', 'resolved')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('page_keys')
            .select('page_id')
            .where('key', 'in', [...new Set(keys)]),
        )
        .orderBy('opened_at')
        .execute();
      return rows.map((row) => decodeJson(row.document) as Page);
    },
    async listPages(filter) {
      let query = db.selectFrom('pages').select('document');
      if (filter.status === 'open') query = query.where('status', '!=', 'resolved');
      else if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.services !== undefined) {
        if (filter.services.length === 0) return [];
        const services = [...new Set(filter.services)];
        query = query.where('id', 'in', (eb) =>
          eb.selectFrom('page_services').select('page_id').where('service', 'in', services),
        );
      }
      if (filter.openedFrom !== undefined)
        query = query.where('opened_at', '>=', filter.openedFrom);
      if (filter.openedTo !== undefined) query = query.where('opened_at', '<', filter.openedTo);
      const rows = await query.orderBy('opened_at', 'desc').limit(filter.limit).execute();
      return rows.map((row) => decodeJson(row.document) as Page);
    },
    async getPage(id) {
      const row = await db
        .selectFrom('pages')
        .select('document')
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : (decodeJson(row.document) as Page);
    },
    async putPage(page) {
      const values = {
        id: page.id,
        status: page.status,
        opened_at: page.openedAt,
        updated_at: page.updatedAt,
        document: encodeJson(page),
      };
      await db
        .insertInto('pages')
        .values(values)
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet({
            status: values.status,
            updated_at: values.updated_at,
            document: values.document,
          }),
        )
        .execute();
      // A page gains an alert or two at a time and may hold hundreds: its keys and
      // services are written as they change, not deleted and written again whole.
      await replacePageRows(
        db,
        'page_keys',
        'key',
        page.id,
        page.status === 'resolved' ? [] : pageKeys(page),
      );
      await replacePageRows(db, 'page_services', 'service', page.id, page.services);
    },

    async getEscalation(pageId) {
      const row = await db
        .selectFrom('pages')
        .select(['id', 'escalation', 'revision'])
        .where('id', '=', pageId)
        .executeTakeFirst();
      return row?.escalation == null
        ? undefined
        : storedEscalationOf(row.id, row.escalation, row.revision);
    },
    async listEscalations(pageIds) {
      if (pageIds.length === 0) return [];
      const rows = await db
        .selectFrom('pages')
        .select(['id', 'escalation', 'revision'])
        .where('id', 'in', [...pageIds])
        .execute();
      return escalationsOf(rows);
    },
    async putEscalation(pageId, state, nextWakeAt, expectedRevision) {
      let update = db
        .updateTable('pages')
        .set((eb) => ({
          escalation: encodeJson(state),
          next_wake_at: nextWakeAt,
          revision: eb('revision', '+', 1),
        }))
        .where('id', '=', pageId);
      update =
        expectedRevision === undefined
          ? update.where('escalation', 'is', null)
          : update.where('revision', '=', expectedRevision);
      const result = await update.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async wakeEscalation(pageId, atMs) {
      await db
        .updateTable('pages')
        .set((eb) => ({ next_wake_at: atMs, revision: eb('revision', '+', 1) }))
        .where('id', '=', pageId)
        .where('escalation', 'is not', null)
        .execute();
    },
    async listDueEscalations(atMs, limit) {
      const rows = await db
        .selectFrom('pages')
        .select(['id', 'escalation', 'revision'])
        .where('next_wake_at', '<=', atMs)
        .orderBy('next_wake_at')
        .limit(limit)
        .execute();
      return escalationsOf(rows);
    },
    async insertNotifications(notifications) {
      let added = 0;
      for (const notification of notifications) {
        const result = await db
          .insertInto('notifications')
          .values({
            key: notification.key,
            page_id: notification.pageId,
            channel: notification.channel,
            destination: notification.destination,
            message: encodeJson(notification.message),
            status: notification.status,
            next_attempt_at: notification.nextAttemptAt,
            created_at: notification.createdAt,
            ...(notification.log === undefined ? {} : { log: encodeJson(notification.log) }),
          })
          .onConflict((conflict) => conflict.column('key').doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      return added;
    },
    async listDueNotifications(atMs, limit) {
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', atMs)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      return rows.map(notificationOf);
    },
    async recordDelivery(id, attempt, outcome) {
      const row = await db
        .selectFrom('notifications')
        .select(['log', 'attempts'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const log = [...(decodeJson(row.log) as DeliveryAttempt[]), attempt];
      await db
        .updateTable('notifications')
        .set({
          log: encodeJson(log),
          attempts: row.attempts + 1,
          status: outcome.status,
          next_attempt_at: outcome.nextAttemptAt,
          sent_at: outcome.status === 'sent' ? attempt.at : null,
        })
        .where('id', '=', id)
        .execute();
    },
    async listPendingNotifications(pageIds) {
      if (pageIds.length === 0) return [];
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('page_id', 'in', [...pageIds])
        .where('status', '=', 'pending')
        .orderBy('id')
        .execute();
      return rows.map(notificationOf);
    },
    async releaseNotification(id, atMs, message) {
      await db
        .updateTable('notifications')
        .set({ next_attempt_at: atMs, message: encodeJson(message) })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },
    async withdrawNotification(id, note) {
      const row = await db
        .selectFrom('notifications')
        .select(['log'])
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (row === undefined) return;
      await db
        .updateTable('notifications')
        .set({
          log: encodeJson([...(decodeJson(row.log) as DeliveryAttempt[]), note]),
          status: 'withdrawn',
        })
        .where('id', '=', id)
        .execute();
    },
    async listNotifications(pageId) {
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('page_id', '=', pageId)
        .orderBy('id')
        .execute();
      return rows.map(notificationOf);
    },
    async listUnreachedNotifications(pageIds) {
      if (pageIds.length === 0) return [];
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('status', '=', 'unreached')
        .where('page_id', 'in', [...new Set(pageIds)])
        .orderBy('id')
        .execute();
      return rows.map(notificationOf);
    },
    async getSetting(name) {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirst();
      return row?.value;
    },
    async ensureSetting(name, value) {
      await db
        .insertInto('settings')
        .values({ name, value })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .execute();
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return row.value;
    },
  };
}

function notificationOf(row: Selectable<NotificationsTable>): NotificationRecord {
  return {
    id: row.id,
    key: row.key,
    pageId: row.page_id,
    channel: row.channel as NotificationChannelKind,
    destination: row.destination,
    message: decodeJson(row.message),
    status: row.status as NotificationRecord['status'],
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    log: decodeJson(row.log) as DeliveryAttempt[],
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

function integrationOf(row: Selectable<AlertIntegrationsTable>): AlertIntegrationRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as IntegrationKind,
    service: row.service,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function escalationsOf(
  rows: readonly { id: string; escalation: string | null; revision: number }[],
): StoredEscalation[] {
  return rows.flatMap((row) =>
    row.escalation === null ? [] : [storedEscalationOf(row.id, row.escalation, row.revision)],
  );
}

function storedEscalationOf(
  pageId: string,
  escalation: string,
  revision: number,
): StoredEscalation {
  return { pageId, state: decodeJson(escalation), revision };
}

/** Makes a page's rows in `table` hold exactly `values`: deletes the others, inserts the new. */
async function replacePageRows(
  db: Kysely<DatabaseSchema>,
  table: 'page_keys' | 'page_services',
  column: 'key' | 'service',
  pageId: string,
  values: readonly string[],
): Promise<void> {
  if (values.length === 0) {
    await db.deleteFrom(table).where('page_id', '=', pageId).execute();
    return;
  }
  const wanted = new Set(values);
  const storedRows = sql<{ value: string }>`
    select ${sql.ref(column)} as value from ${sql.table(table)} where page_id = ${pageId}`;
  const stored = new Set((await storedRows.execute(db)).rows.map((row) => row.value));
  const gone = [...stored].filter((value) => !wanted.has(value));
  const added = [...wanted].filter((value) => !stored.has(value));
  if (gone.length > 0) {
    await db
      .deleteFrom(table)
      .where('page_id', '=', pageId)
      .where(sql.ref(column), 'in', gone)
      .execute();
  }
  if (added.length > 0) {
    await sql`insert into ${sql.table(table)} (${sql.ref(column)}, page_id)
      values ${sql.join(added.map((value) => sql`(${value}, ${pageId})`))}`.execute(db);
  }
}
