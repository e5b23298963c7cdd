// A background tick that fails (here: its database lost the lease table) is logged as
// an error, and the runner goes on ticking: nothing in the background fails unseen.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadroom, type RunningHeadroom } from '../src/server/headroom-server.js';
import { TEST_DATABASES, type TestDatabase } from '../src/store/test-databases.js';

describe.each(TEST_DATABASES)('background errors on $name', (kind) => {
  let database: TestDatabase | undefined;
  let running: RunningHeadroom | undefined;

  afterEach(async () => {
    await running?.close();
    await database?.drop();
  });

  it('logs a failed tick and keeps ticking', async () => {
    database = await kind.create();
    const logged: string[] = [];
    running = await startHeadroom({
      host: '127.0.0.1',
      port: 0,
      database: database.location,
      bootstrapToken: 'hr_background-errors-token-0123456789',
      version: 'test',
      background: { intervalMs: 60_000, leaseTtlMs: 3_000, tickMs: 50 },
      logger: { level: 'error', stream: { write: (line: string) => logged.push(line) } },
    });
    await sql`drop table leases`.execute(running.database.db);
    const failures = () =>
      logged
        .map((line) => JSON.parse(line) as { msg?: string; level?: number })
        .filter((entry) => entry.msg?.startsWith('a background tick failed') === true);
    for (let waited = 0; failures().length < 2 && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(failures().length).toBeGreaterThanOrEqual(2);
    expect(failures()[0]?.level).toBe(50);
    expect(logged.join('\n')).toMatch(/leases/);
  });
});
