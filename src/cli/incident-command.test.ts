import { describe, expect, it } from 'vitest';
import { captureIo } from './captured-io.js';
import { main } from './main.js';

describe('headroom incident declare --help', () => {
  it('says which options are required', async () => {
    const captured = captureIo();
    expect(await main(['incident', 'declare', '--help'], captured.io)).toBe(0);
    const help = captured.stdout();
    expect(help).toMatch(/--severity <name>\s+required: SEV1 to SEV4/);
    expect(help).toMatch(/-s, --service <name>\s+required: an impacted service/);
  });
});
