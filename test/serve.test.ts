// `headroom serve` as people start it: what it prints, the first admin token, a clean
// stop on SIGTERM, and a database from a newer Headroom refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/database.js';
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
