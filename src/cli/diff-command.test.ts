import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApplyResponse } from '../schema/api.js';
import { formatPlan } from './apply-command.js';
import { captureIo } from './captured-io.js';
import { runDiff } from './diff-command.js';
import { main } from './main.js';

const withChanges: ApplyResponse = {
  dryRun: true,
  changes: [
    {
      action: 'create',
      kind: 'Service',
      name: 'checkout',
      team: 'payments',
      before: null,
      after: {},
      fields: [],
    },
  ],
};

let server: Server;
let url: string;
let bodies: unknown[] = [];
let answer: ApplyResponse = withChanges;

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      bodies.push(JSON.parse(text) as unknown);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  bodies = [];
  answer = withChanges;
});

async function diff(options: { exitCode: boolean; prune?: boolean }) {
  const captured = captureIo();
  const code = await runDiff(
    { files: ['examples/config'], prune: options.prune ?? false, url, exitCode: options.exitCode },
    captured.io,
    {},
  );
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('runDiff', () => {
  it('asks for a dry run and prints the plan', async () => {
    const result = await diff({ exitCode: false, prune: true });
    expect(result).toEqual({ code: 0, stdout: formatPlan(withChanges, 'plan'), stderr: '' });
    expect(bodies).toEqual([expect.objectContaining({ prune: true, dryRun: true })]);
  });

  it.each([
    [withChanges, false, 0],
    [withChanges, true, 1],
    [{ dryRun: true, changes: [] }, true, 0],
    [{ dryRun: true, changes: [] }, false, 0],
  ])('with changes %#: --exit-code %s exits %i', async (response, exitCode, code) => {
    answer = response;
    expect((await diff({ exitCode })).code).toBe(code);
  });
});

describe('headroom diff and apply on the command line', () => {
  it('reads -f, --prune, --url and --exit-code', async () => {
    const captured = captureIo();
    const code = await main(
      [
        'diff',
        '-f',
        'examples/config/services.yaml',
        'examples/config/slos',
        '--prune',
        '--url',
        url,
        '--exit-code',
      ],
      captured.io,
    );
    expect(captured.stderr()).toBe('');
    expect(code).toBe(1);
    expect(bodies).toEqual([expect.objectContaining({ prune: true, dryRun: true })]);
    expect((bodies[0] as { documents: unknown[] }).documents).toHaveLength(8);
  });

  it('applies without a dry run', async () => {
    const captured = captureIo();
    answer = { dryRun: false, changes: [] };
    expect(await main(['apply', '-f', 'examples/config', '--url', url], captured.io)).toBe(0);
    expect(captured.stdout()).toBe('No changes: the server matches the config.\n');
    expect(bodies).toEqual([expect.objectContaining({ prune: false, dryRun: false })]);
  });

  it('needs -f', async () => {
    const captured = captureIo();
    expect(await main(['apply', '--url', url], captured.io)).toBe(2);
    expect(captured.stderr()).toContain("required option '-f, --file <paths...>' not specified");
    expect(bodies).toEqual([]);
  });
});
