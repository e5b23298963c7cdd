// Every route against every role: who may read, who may change which team's things.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../src/store/test-databases.js';
import { serviceDocument, sloDocument } from '../support/documents.js';
import { startTestHeadroom, type CallOptions, type TestHeadroom } from '../support/headroom.js';

const ROLES = [
  'admin',
  'payments-editor',
  'search-editor',
  'viewer',
  'ingest-key',
  'anonymous',
] as const;
type Role = (typeof ROLES)[number];

// The cases that write pass a description that differs per call, so that every write
// is a real change.
interface Case {
  readonly name: string;
  /** Roles that succeed; every other role gets 401 (no or wrong kind of credential) or 403. */
  readonly allowed: readonly Role[];
  /** Prepares what the request needs (as admin) and returns it. */
  readonly request: (
    headroom: TestHeadroom,
    unique: string,
  ) => Promise<{ method: string; url: string; options?: CallOptions }>;
}

const get = (url: string) => () => Promise.resolve({ method: 'GET', url });
const READERS: readonly Role[] = ['admin', 'payments-editor', 'search-editor', 'viewer'];
const ADMIN: readonly Role[] = ['admin'];
const PAYMENTS: readonly Role[] = ['admin', 'payments-editor'];

async function adminCall(
  headroom: TestHeadroom,
  method: string,
  url: string,
  body?: unknown,
): Promise<unknown> {
  const reply = await headroom.call(method, url, body === undefined ? {} : { body });
  if (reply.status >= 300) throw new Error(`setup ${method} ${url}: ${reply.status} ${reply.text}`);
  return reply.body;
}

const CASES: readonly Case[] = [
  { name: 'GET /api/v1/teams', allowed: READERS, request: get('/api/v1/teams') },
  { name: 'GET /api/v1/teams/:name', allowed: READERS, request: get('/api/v1/teams/payments') },
  { name: 'GET /api/v1/users', allowed: READERS, request: get('/api/v1/users') },
  { name: 'GET /api/v1/users/:name', allowed: READERS, request: get('/api/v1/users/ada') },
  { name: 'GET /api/v1/services', allowed: READERS, request: get('/api/v1/services') },
  {
    name: 'GET /api/v1/services/:name',
    allowed: READERS,
    request: get('/api/v1/services/checkout'),
  },
  { name: 'GET /api/v1/slos', allowed: READERS, request: get('/api/v1/slos') },
  {
    name: 'GET /api/v1/slos/:name',
    allowed: READERS,
    request: get('/api/v1/slos/checkout-availability'),
  },
  {
    name: 'GET /api/v1/slos/:name/status',
    allowed: READERS,
    request: get('/api/v1/slos/checkout-availability/status'),
  },
  {
    name: 'GET /api/v1/slos/:name/series',
    allowed: READERS,
    request: get('/api/v1/slos/checkout-availability/series'),
  },
  { name: 'GET /api/v1/status', allowed: READERS, request: get('/api/v1/status') },
  { name: 'GET /api/v1/overview', allowed: READERS, request: get('/api/v1/overview') },
  { name: 'GET /api/v1/deploys/gate', allowed: READERS, request: get('/api/v1/deploys/gate') },
  {
    name: 'GET /api/v1/deploys/:id',
    allowed: READERS,
    request: async (headroom) => {
      const deploy = (await adminCall(headroom, 'POST', '/api/v1/deploys', {
        service: 'checkout',
        status: 'finished',
        actor: 'ci',
      })) as { id: string };
      return { method: 'GET', url: `/api/v1/deploys/${deploy.id}` };
    },
  },
  {
    name: 'GET /api/v1/alerts/transitions',
    allowed: READERS,
    request: get('/api/v1/alerts/transitions'),
  },
  { name: 'GET /api/v1/audit', allowed: READERS, request: get('/api/v1/audit') },
  {
    name: 'GET /api/v1/services/:name/ingest-keys',
    allowed: READERS,
    request: get('/api/v1/services/checkout/ingest-keys'),
  },
  { name: 'GET /api/v1/tokens', allowed: ADMIN, request: get('/api/v1/tokens') },
  {
    name: 'POST /api/v1/teams',
    allowed: ADMIN,
    request: (_h, unique) =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/teams',
        options: { body: { name: `t-${unique}` } },
      }),
  },
  {
    name: 'PUT /api/v1/teams/:name',
    allowed: ADMIN,
    request: (_h, unique) =>
      Promise.resolve({
        method: 'PUT',
        url: `/api/v1/teams/t-${unique}`,
        options: { body: { displayName: 'T' } },
      }),
  },
  {
    name: 'DELETE /api/v1/teams/:name',
    allowed: ADMIN,
    request: async (headroom, unique) => {
      await adminCall(headroom, 'POST', '/api/v1/teams', { name: `t-${unique}` });
      return { method: 'DELETE', url: `/api/v1/teams/t-${unique}` };
    },
  },
  {
    name: 'POST /api/v1/users',
    allowed: ADMIN,
    request: (_h, unique) =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/users',
        options: { body: { name: `u-${unique}` } },
      }),
  },
  {
    name: 'PUT /api/v1/users/:name',
    allowed: ADMIN,
    request: (_h, unique) =>
      Promise.resolve({
        method: 'PUT',
        url: `/api/v1/users/u-${unique}`,
        options: { body: { teams: ['search'] } },
      }),
  },
  {
    name: 'DELETE /api/v1/users/:name',
    allowed: ADMIN,
    request: async (headroom, unique) => {
      await adminCall(headroom, 'POST', '/api/v1/users', { name: `u-${unique}` });
      return { method: 'DELETE', url: `/api/v1/users/u-${unique}` };
    },
  },
  {
    name: 'POST /api/v1/tokens',
    allowed: ADMIN,
    request: () =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/tokens',
        options: { body: { name: 'x', role: 'viewer' } },
      }),
  },
  {
    name: 'DELETE /api/v1/tokens/:id',
    allowed: ADMIN,
    request: async (headroom) => {
      const created = (await adminCall(headroom, 'POST', '/api/v1/tokens', {
        name: 'x',
        role: 'viewer',
      })) as { id: string };
      return { method: 'DELETE', url: `/api/v1/tokens/${created.id}` };
    },
  },
  {
    name: 'POST /api/v1/services (own team)',
    allowed: PAYMENTS,
    request: (_h, unique) =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/services',
        options: { body: serviceDocument(`s-${unique}`, 'payments') },
      }),
  },
  {
    name: 'PUT /api/v1/services/:name (own team)',
    allowed: PAYMENTS,
    request: (_h, unique) =>
      Promise.resolve({
        method: 'PUT',
        url: '/api/v1/services/checkout',
        options: { body: serviceDocument('checkout', 'payments', unique) },
      }),
  },
  {
    name: 'PUT /api/v1/services/:name (moving it to another team)',
    allowed: ADMIN,
    request: async (headroom, unique) => {
      await adminCall(
        headroom,
        'POST',
        '/api/v1/services',
        serviceDocument(`s-${unique}`, 'payments'),
      );
      return {
        method: 'PUT',
        url: `/api/v1/services/s-${unique}`,
        options: { body: serviceDocument(`s-${unique}`, 'search') },
      };
    },
  },
  {
    name: 'DELETE /api/v1/services/:name',
    allowed: PAYMENTS,
    request: async (headroom, unique) => {
      await adminCall(
        headroom,
        'POST',
        '/api/v1/services',
        serviceDocument(`s-${unique}`, 'payments'),
      );
      return { method: 'DELETE', url: `/api/v1/services/s-${unique}` };
    },
  },
  {
    name: 'POST /api/v1/slos (own team)',
    allowed: PAYMENTS,
    request: (_h, unique) =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/slos',
        options: { body: sloDocument(`o-${unique}`, 'checkout') },
      }),
  },
  {
    name: "PUT /api/v1/slos/:name (another team's SLO)",
    allowed: ['admin', 'search-editor'],
    request: (_h, unique) =>
      Promise.resolve({
        method: 'PUT',
        url: '/api/v1/slos/search-latency',
        options: { body: sloDocument('search-latency', 'search-api', unique) },
      }),
  },
  {
    name: 'DELETE /api/v1/slos/:name',
    allowed: PAYMENTS,
    request: async (headroom, unique) => {
      await adminCall(headroom, 'POST', '/api/v1/slos', sloDocument(`o-${unique}`, 'checkout'));
      return { method: 'DELETE', url: `/api/v1/slos/o-${unique}` };
    },
  },
  {
    name: 'POST /api/v1/services/:name/ingest-keys',
    allowed: PAYMENTS,
    request: () =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/services/checkout/ingest-keys',
        options: { body: { name: 'k' } },
      }),
  },
  {
    name: 'DELETE /api/v1/services/:name/ingest-keys/:id',
    allowed: PAYMENTS,
    request: async (headroom) => {
      const key = (await adminCall(headroom, 'POST', '/api/v1/services/checkout/ingest-keys', {
        name: 'k',
      })) as { id: string };
      return { method: 'DELETE', url: `/api/v1/services/checkout/ingest-keys/${key.id}` };
    },
  },
  {
    name: 'POST /api/v1/apply (own team)',
    allowed: PAYMENTS,
    request: (_h, unique) =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/apply',
        options: {
          body: {
            documents: [
              serviceDocument('checkout', 'payments'),
              sloDocument('checkout-availability', 'checkout', unique),
            ],
          },
        },
      }),
  },
  {
    name: "POST /api/v1/apply (another team's SLO)",
    allowed: ['admin', 'search-editor'],
    request: (_h, unique) =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/apply',
        options: { body: { documents: [sloDocument('search-latency', 'search-api', unique)] } },
      }),
  },
  {
    name: 'POST /api/v1/events',
    allowed: ['ingest-key'],
    request: () =>
      Promise.resolve({
        method: 'POST',
        url: '/api/v1/events',
        options: {
          raw: {
            content:
              '{"ts":"2026-11-01T00:00:00Z","slo":"checkout-availability","good":1,"total":1}',
            contentType: 'application/x-ndjson',
          },
        },
      }),
  },
  {
    // Whoever may pause a check may give it a new ping URL.
    name: 'POST /api/v1/heartbeats/:name/rotate-token',
    allowed: PAYMENTS,
    request: async (headroom) => {
      await adminCall(headroom, 'POST', '/api/v1/apply', {
        documents: [
          {
            apiVersion: 'headroom/v1',
            kind: 'Heartbeat',
            metadata: { name: 'checkout-export' },
            spec: { service: 'checkout', schedule: { every: '1h' } },
          },
        ],
      });
      return { method: 'POST', url: '/api/v1/heartbeats/checkout-export/rotate-token' };
    },
  },
];

describe.each(TEST_DATABASES)('authorization on $name', (kind) => {
  let headroom: TestHeadroom;
  const credentials = new Map<Role, string | null>();
  let counter = 0;

  beforeAll(async () => {
    headroom = await startTestHeadroom(kind);
    await adminCall(headroom, 'POST', '/api/v1/apply', {
      documents: [
        serviceDocument('checkout', 'payments'),
        serviceDocument('search-api', 'search'),
        sloDocument('checkout-availability', 'checkout'),
        sloDocument('search-latency', 'search-api'),
      ],
    });
    await adminCall(headroom, 'POST', '/api/v1/users', { name: 'ada', teams: ['payments'] });
    const token = async (role: string, teams: string[] = []) =>
      (
        (await adminCall(headroom, 'POST', '/api/v1/tokens', { name: role, role, teams })) as {
          token: string;
        }
      ).token;
    credentials.set('admin', await token('admin'));
    credentials.set('payments-editor', await token('editor', ['payments']));
    credentials.set('search-editor', await token('editor', ['search']));
    credentials.set('viewer', await token('viewer'));
    const key = (await adminCall(headroom, 'POST', '/api/v1/services/checkout/ingest-keys', {
      name: 'k',
    })) as {
      key: string;
    };
    credentials.set('ingest-key', key.key);
    credentials.set('anonymous', null);
  });
  afterAll(async () => {
    await headroom.close();
  });

  const table = CASES.flatMap((testCase) => ROLES.map((role) => ({ ...testCase, role })));
  it.each(table)('$name as $role', async ({ role, allowed, request }) => {
    counter += 1;
    const { method, url, options } = await request(headroom, `${role}-${counter}`);
    const reply = await headroom.call(method, url, {
      ...options,
      token: credentials.get(role) ?? null,
    });
    if (allowed.includes(role)) {
      expect(reply.status, reply.text).toBeLessThan(300);
    } else {
      const expected =
        role === 'anonymous' || role === 'ingest-key' || url === '/api/v1/events' ? 401 : 403;
      expect(reply.status, reply.text).toBe(expected);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});
