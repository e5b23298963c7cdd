// A server that looks lived in, for the web UI tests: the example config and its 30
// days of events, two on-call schedules, and evaluator cycles over the last three days
// so that burn alerts have a history.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import path from 'node:path';
import { repositoryRoot } from '../../src/cli/captured-io.js';
import { parseAllDocuments } from 'yaml';
import { runEvaluationCycle } from '../../src/jobs/evaluation-cycle.js';
import { exampleDocuments, type TestHeadroom } from './headroom.js';

/** The instant the example events end: checkout-availability is burning then. */
export const EXAMPLE_NOW = '2026-11-01T00:00:00Z';

export const PAYMENTS_SCHEDULE = {
  apiVersion: 'headroom/v1',
  kind: 'Schedule',
  metadata: { name: 'payments-primary' },
  spec: {
    team: 'payments',
    description: 'Checkout and payments-api, around the clock.',
    timeZone: 'Europe/Amsterdam',
    layers: [
      {
        name: 'amsterdam',
        members: ['anna', 'bram'],
        start: '2026-10-19T09:00',
        shiftLength: '1w',
      },
      {
        name: 'new-york-evenings',
        timeZone: 'America/New_York',
        members: ['nick'],
        start: '2026-10-19T12:00',
        shiftLength: '1w',
        restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '12:00', to: '18:00' }],
      },
    ],
  },
};

export const INCIDENT_SCHEDULE = {
  apiVersion: 'headroom/v1',
  kind: 'Schedule',
  metadata: { name: 'incident-response' },
  spec: {
    timeZone: 'UTC',
    layers: [
      { name: 'ic', members: ['ines', 'ivo'], start: '2026-01-05T00:00', shiftLength: '1w' },
    ],
  },
};

async function ok(reply: Promise<{ status: number; text: string }>, what: string): Promise<void> {
  const { status, text } = await reply;
  if (status >= 300) throw new Error(`${what}: ${String(status)} ${text}`);
}

export async function seedExample(headroom: TestHeadroom): Promise<void> {
  const documents = await exampleDocuments();
  await ok(
    headroom.call('POST', '/api/v1/apply', {
      body: { documents: [...documents, PAYMENTS_SCHEDULE, INCIDENT_SCHEDULE] },
    }),
    'apply',
  );
  const serviceOf = new Map<string, string>();
  for (const document of documents as {
    kind: string;
    metadata: { name: string };
    spec: { service?: string };
  }[]) {
    if (document.kind === 'SLO' && document.spec.service !== undefined) {
      serviceOf.set(document.metadata.name, document.spec.service);
    }
  }
  const lines = new Map<string, string[]>();
  const events = readFileSync(path.join(repositoryRoot, 'examples/events.ndjson'), 'utf8');
  for (const line of events.split('\n')) {
    const slo = /"slo":"([^"]+)"/.exec(line)?.[1];
    const service = slo === undefined ? undefined : serviceOf.get(slo);
    if (service === undefined) continue;
    const list = lines.get(service) ?? [];
    list.push(line);
    lines.set(service, list);
  }
  for (const [service, serviceLines] of lines) {
    const created = await headroom.call('POST', `/api/v1/services/${service}/ingest-keys`, {
      body: { name: 'web tests' },
    });
    const { key } = created.body as { key: string };
    await ok(
      headroom.call('POST', '/api/v1/events', {
        token: key,
        raw: { content: serviceLines.join('\n'), contentType: 'application/x-ndjson' },
      }),
      `events of ${service}`,
    );
  }
  const { deps } = headroom.server;
  await deps.store.tryAcquireLease('evaluator', 'web-test', deps.clock.now(), 3_600_000);
  const end = Date.parse(EXAMPLE_NOW);
  for (let hoursBack = 72; hoursBack >= 0; hoursBack -= 6) {
    await runEvaluationCycle(deps, 'web-test', end - hoursBack * 3_600_000);
  }
}

/** The severity scale and the checkout runbook of examples/config/incidents.yaml. */
export async function applyExampleIncidentSettings(headroom: TestHeadroom): Promise<void> {
  const documents = parseAllDocuments(
    readFileSync(path.join(repositoryRoot, 'examples/config/incidents.yaml'), 'utf8'),
  ).map((document) => document.toJS() as unknown);
  const applied = await headroom.call('POST', '/api/v1/apply', { body: { documents } });
  if (applied.status >= 300) throw new Error(`applying incidents.yaml: ${applied.text}`);
}

/** A read the test expects to succeed: its body, or the test fails naming the route. */
export async function readOk<T>(headroom: TestHeadroom, route: string): Promise<T> {
  const reply = await headroom.call('GET', route);
  expect(reply.status, route).toBe(200);
  return reply.body as T;
}
