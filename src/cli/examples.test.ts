import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleEventLines } from '../../examples/make-events.js';
import type { SloStatus } from '../core/slo/status.js';
import { main } from './main.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function evaluateExample(): Promise<{ code: number; statuses: SloStatus[]; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['eval', '--config', 'examples/config', '--events', 'examples/events.ndjson'],
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from([]),
      stderrIsTerminal: false,
      cwd: root,
    },
  );
  return { code, statuses: JSON.parse(stdout) as SloStatus[], stderr };
}

describe('examples/events.ndjson', () => {
  it('is exactly what examples/make-events.ts generates', async () => {
    const generated = `${[...exampleEventLines()].join('\n')}\n`;
    const checkedIn = await readFile(new URL('examples/events.ndjson', `file://${root}`), 'utf8');
    // Compared by hash: a diff of 18 MB helps nobody. If this fails, regenerate the file.
    expect(sha256(checkedIn)).toBe(sha256(generated));
  });

  it('tells its story at the default time: checkout pages, payments-api uptime budget is low', async () => {
    const { code, statuses, stderr } = await evaluateExample();
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const byName = new Map(statuses.map((status) => [status.slo, status]));
    expect(statuses.every((status) => status.at === '2026-11-01T00:00:00.000Z')).toBe(true);
    expect(statuses.every((status) => status.sli !== null)).toBe(true);

    const checkout = byName.get('checkout-availability');
    const firing = (name: string): string[] =>
      (byName.get(name)?.alerts ?? [])
        .filter((alert) => alert.firing)
        .map((alert) => `${alert.severity} ${alert.longWindow}/${alert.shortWindow}`);
    expect(firing('checkout-availability')).toContain('page 1h/5m');
    expect(firing('checkout-availability')).not.toContain('page 6h/30m');
    expect(checkout?.errorBudget.remaining).toBeGreaterThan(0);

    const uptime = byName.get('payments-api-uptime');
    expect(uptime?.errorBudget.remaining).toBeGreaterThan(0);
    expect(uptime?.errorBudget.remaining).toBeLessThan(0.3);

    for (const name of [
      'payments-api-availability',
      'payments-api-uptime',
      'recommendations-availability',
      'checkout-latency',
    ]) {
      expect(firing(name)).toEqual([]);
    }
  });
});
