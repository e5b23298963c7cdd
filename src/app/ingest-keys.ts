// Ingest keys: per-service credentials that may only send events. Editors of the
// service's team manage them.
import { recordChange } from './audit.js';
import { hashSecret, INGEST_KEY_PREFIX, newPublicId, newSecret } from './credentials.js';
import { notFound } from './errors.js';
import type { IngestKeyRecord, ServiceRecord } from './ports/records.js';
import type { AppDependencies } from './ports/slo-catalog.js';
import type { Store } from './ports/store.js';
import { requireReader, requireTeamEditor, type Principal } from './principal.js';

export async function listIngestKeys(
  { store }: AppDependencies,
  principal: Principal,
  service: string,
): Promise<IngestKeyRecord[]> {
  requireReader(principal);
  await existingService(store, service);
  return store.listIngestKeys(service);
}

export async function createIngestKey(
  { store, clock }: AppDependencies,
  principal: Principal,
  service: string,
  name: string,
): Promise<{ key: IngestKeyRecord; secret: string }> {
  return store.transaction(async (tx) => {
    const owner = await existingService(tx, service);
    requireTeamEditor(principal, owner.team, 'creating an ingest key');
    const now = clock.now();
    const secret = newSecret(INGEST_KEY_PREFIX);
    const key: IngestKeyRecord = {
      id: newPublicId(),
      name,
      service,
      createdAt: now,
      revokedAt: null,
    };
    await tx.insertIngestKey(key, hashSecret(secret));
    await recordChange(tx, now, principal, {
      action: 'create',
      kind: 'IngestKey',
      name: key.id,
      before: null,
      after: key,
    });
    return { key, secret };
  });
}

export async function revokeIngestKey(
  { store, clock, credentials }: AppDependencies,
  principal: Principal,
  service: string,
  id: string,
): Promise<void> {
  await store.transaction(async (tx) => {
    const owner = await existingService(tx, service);
    requireTeamEditor(principal, owner.team, 'revoking an ingest key');
    const before = await tx.getIngestKey(id);
    if (before === undefined || before.service !== service) {
      throw notFound(`ingest key "${id}" of service "${service}"`);
    }
    if (before.revokedAt !== null) return;
    const now = clock.now();
    await tx.revokeIngestKey(id, now);
    await recordChange(tx, now, principal, {
      action: 'delete',
      kind: 'IngestKey',
      name: id,
      before,
      after: { ...before, revokedAt: now },
    });
  });
  credentials.forget();
}

async function existingService(store: Store, name: string): Promise<ServiceRecord> {
  const service = await store.getService(name);
  if (service === undefined) throw notFound(`service "${name}"`);
  return service;
}
