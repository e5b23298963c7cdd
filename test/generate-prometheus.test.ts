// `headroom generate prometheus` output is what Prometheus accepts: checked by
// promtool, which `.ci/run` installs (Debian's prometheus package).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/captured-io.js';
import { main } from '../src/cli/main.js';

describe('headroom generate prometheus', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'headroom-rules-'));
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  const headroomConfig = `apiVersion: headroom/v1
kind: Service
metadata: { name: checkout }
spec: { team: payments }
---
apiVersion: headroom/v1
kind: SLO
metadata: { name: checkout-availability, labels: { tier: critical } }
spec:
  service: checkout
  objective: 99.9
  window: 28d
  sli:
    ratio: { counts: good }
    source:
      prometheus:
        goodQuery: sum(rate(http_requests_total{job="checkout",code!~"5.."}[{{.window}}]))
        totalQuery: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
`;

  it.each([
    ['Sloth', 'test/fixtures/config/sloth'],
    ['headroom/v1', path.join(directory, 'slos.yaml')],
  ])('writes rules for %s SLOs that promtool accepts', async (format, config) => {
    if (format === 'headroom/v1') writeFileSync(config, headroomConfig);
    const output = path.join(directory, `${format.replace('/', '-')}.yml`);
    const cli = captureIo();
    const code = await main(['generate', 'prometheus', '-f', config, '-o', output], cli.io);
    expect(code, cli.stderr()).toBe(0);
    const checked = execFileSync('promtool', ['check', 'rules', output], { encoding: 'utf8' });
    expect(checked).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('explains why SLOs fed by pushed events get no rules, and exits 2 when none does', async () => {
    const cli = captureIo();
    expect(await main(['generate', 'prometheus', '-f', 'examples/config'], cli.io)).toBe(2);
    expect(cli.stderr()).toContain(
      'SLO "checkout-availability": no rules: its counts are pushed to Headroom',
    );
    expect(cli.stdout()).toBe('');
  });
});
