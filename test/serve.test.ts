// `headroom serve` as people start it: what it prints, the first admin token, a clean
// stop on SIGTERM, and a database from a newer Headroom refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/database.js';
import { CHECKOUT_DOCUMENTS } from './support/documents.js';
import { spawnServer, type ServerProcess } from './support/process.js';

describe('headroom serve', () => {
  let directory: string | undefined;
  let server: ServerProcess | undefined;

  afterEach(async () => {
    server?.child.kill('SIGKILL');
    if (server !== undefined) await server.exited;
    server = undefined;
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('prints where it serves and the first admin token, once', async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-serve-'));
    server = await spawnServer(['--data-dir', directory], {});
    const started = server;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started.stderr()).toContain(`(database: SQLite ${path.join(directory, 'headroom.db')})`);
    const token = /^\s+(hr_\S+)$/m.exec(started.stderr())?.[1];
    expect(token).toBeDefined();
    const services = await fetch(new URL('/api/v1/services', started.url), {
      headers: { authorization: `Bearer ${token ?? ''}` },
    });
    expect(services.status).toBe(200);

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(started.stderr()).toContain('SIGTERM: finishing in-flight requests and stopping');

    server = await spawnServer(['--data-dir', directory], {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.stderr()).not.toContain('admin token was created');
  });

  it('stops cleanly on a SIGTERM sent as soon as it says where it serves', async () => {
    // The handlers go in before that line: a SIGTERM right after it was once a kill.
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-serve-'));
    for (let round = 0; round < 3; round += 1) {
      server = await spawnServer(['--data-dir', directory], {});
      const started = server;
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
      expect(started.stderr()).toContain('SIGTERM: finishing in-flight requests and stopping');
      server = undefined;
    }
  });

  it('refuses a database migrated by a newer Headroom', async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-serve-'));
    server = await spawnServer(['--data-dir', directory], {});
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;
    const database = openDatabase({ kind: 'sqlite', file: path.join(directory, 'headroom.db') });
    await sql`insert into kysely_migration (name, timestamp) values ('9000-future', '2030-01-01')`.execute(
      database.db,
    );
    await database.close();

    await expect(spawnServer(['--data-dir', directory], {})).rejects.toThrow(
      /exited \(2\)[\s\S]*migrated by a newer Headroom.*9000-future.*upgrade headroom/,
    );
  });
});

describe('headroom serve on SIGTERM', () => {
  it('finishes a request in flight before it stops', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'headroom-serve-'));
    const token = 'hr_sigterm-test-admin-token-0123456789';
    const server = await spawnServer(['--data-dir', directory], {
      HEADROOM_BOOTSTRAP_TOKEN: token,
    });
    try {
      const applied = await fetch(new URL('/api/v1/apply', server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ documents: CHECKOUT_DOCUMENTS }),
      });
      expect(applied.status).toBe(200);
      const created = await fetch(new URL('/api/v1/services/checkout/ingest-keys', server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'k' }),
      });
      const { key } = (await created.json()) as { key: string };

      // The body arrives in two parts, with SIGTERM between them.
      const line = (minute: number) =>
        `${JSON.stringify({ ts: new Date((Math.floor(Date.now() / 60_000) - minute) * 60_000).toISOString(), slo: 'checkout-availability', good: 1, total: 1 })}\n`;
      let sendRest: (() => void) | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(line(2)));
          sendRest = () => {
            controller.enqueue(new TextEncoder().encode(line(1)));
            controller.close();
          };
        },
      });
      const answer = fetch(new URL('/api/v1/events', server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
        body,
        duplex: 'half',
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      server.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      sendRest?.();
      const response = await answer;
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ accepted: 2 });
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
