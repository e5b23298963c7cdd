import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { modelToDocuments } from '../config/formats/headroom-write.js';
import type { ApplyResponse } from '../schema/api.js';
import { captureIo, repositoryRoot } from './captured-io.js';
import { formatPlan, runApply } from './apply-command.js';
import { runValidate } from './validate-command.js';

const before = {
  apiVersion: 'headroom/v1',
  kind: 'SLO',
  metadata: { name: 'checkout-availability', labels: {} },
  spec: { service: 'checkout', objective: 99.9, alerting: { enabled: true } },
};
const after = {
  ...before,
  metadata: { name: 'checkout-availability', labels: { tier: 'gold' } },
  spec: { ...before.spec, objective: 99.95, description: 'Orders go through.' },
};

const plan: ApplyResponse = {
  dryRun: true,
  changes: [
    {
      action: 'create',
      kind: 'Team',
      name: 'payments',
      team: 'payments',
      before: null,
      after: null,
      fields: [],
    },
    {
      action: 'create',
      kind: 'Service',
      name: 'checkout',
      team: 'payments',
      before: null,
      after: {},
      fields: [],
    },
    {
      action: 'update',
      kind: 'SLO',
      name: 'checkout-availability',
      team: 'payments',
      before,
      after,
      fields: ['metadata.labels.tier', 'spec.description', 'spec.objective'],
    },
    { action: 'delete', kind: 'SLO', name: 'old', team: null, before: {}, after: null, fields: [] },
  ],
};

describe('formatPlan', () => {
  it('prints each change like terraform plan, with the changed fields of an update', () => {
    expect(formatPlan(plan, 'plan')).toBe(
      [
        '+ Team payments',
        '+ Service checkout (team payments)',
        '~ SLO checkout-availability (team payments)',
        '    metadata.labels.tier: (none) -> "gold"',
        '    spec.description: (none) -> "Orders go through."',
        '    spec.objective: 99.9 -> 99.95',
        '- SLO old (no team)',
        '',
        'Plan: 2 to create, 1 to change, 1 to delete.',
        '',
      ].join('\n'),
    );
  });

  it('says what was done after an apply', () => {
    expect(formatPlan({ ...plan, dryRun: false }, 'applied')).toMatch(
      /\n\nApplied: 2 created, 1 changed, 1 deleted\.\n$/,
    );
  });

  it.each(['plan', 'applied'] as const)('says when there is nothing to do (%s)', (mode) => {
    expect(formatPlan({ dryRun: mode === 'plan', changes: [] }, mode)).toBe(
      'No changes: the server matches the config.\n',
    );
  });
});

// ---- against a fake server ------------------------------------------------------

interface Received {
  readonly url: string | undefined;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

let server: Server;
let url: string;
let received: Received[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: plan };

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({
        url: request.url,
        authorization: request.headers.authorization,
        body: JSON.parse(text) as unknown,
      });
      response
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.body));
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
  received = [];
  answer = { status: 200, body: { ...plan, dryRun: false } };
});

async function apply(files: string[], options: { prune?: boolean; cwd?: string } = {}) {
  const captured = captureIo(options.cwd === undefined ? {} : { cwd: options.cwd });
  const code = await runApply(
    { files, prune: options.prune ?? false, url: undefined },
    captured.io,
    { HEADROOM_URL: url, HEADROOM_TOKEN: 'secret' },
  );
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('runApply', () => {
  it('posts the config as headroom/v1 documents and prints what was applied', async () => {
    const result = await apply(['examples/config'], { prune: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(formatPlan({ ...plan, dryRun: false }, 'applied'));

    const { model } = await loadConfig(['examples/config'], { cwd: repositoryRoot });
    const documents = modelToDocuments(model);
    expect(received).toEqual([
      {
        url: '/api/v1/apply',
        authorization: 'Bearer secret',
        body: {
          documents: [
            ...documents.services,
            ...documents.slos,
            ...documents.runbooks,
            ...documents.incidentSettings,
          ],
          prune: true,
          dryRun: false,
        },
      },
    ]);
  });

  it('reports config errors like headroom validate, exits 2 and sends nothing', async () => {
    const files = [
      'test/fixtures/config/headroom/bad/missing-field.yaml',
      'test/fixtures/config/headroom/bad/unknown-kind.yaml',
    ];
    const validate = captureIo();
    await runValidate(files, { json: false }, validate.io);
    const result = await apply(files);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${validate.stderr()}headroom apply: 2 errors in 2 files; nothing was sent\n`,
    );
    expect(received).toEqual([]);
  });

  it('refuses a Sloth service without a team before any request', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'headroom-apply-'));
    try {
      await writeFile(
        path.join(dir, 'sloth.yaml'),
        "version: prometheus/v1\nservice: orphan\nslos:\n  - name: up\n    objective: 99\n    sli:\n      raw:\n        error_ratio_query: 'x[{{.window}}]'\n",
      );
      const result = await apply(['.'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'headroom apply: service "orphan" has no team; declare it in a headroom/v1 Service document, or set labels.team in its Sloth file\n',
      );
      expect(received).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a refused request with every field error and exits 2', async () => {
    answer = {
      status: 403,
      body: {
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        code: 'FORBIDDEN',
        detail: 'this token may not make this change',
        errors: [
          { path: 'documents[0]', message: 'Service "checkout" belongs to team "payments"' },
        ],
      },
    };
    const result = await apply(['examples/config']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'headroom apply: Forbidden: this token may not make this change\n  documents[0]: Service "checkout" belongs to team "payments"\n',
    });
  });

  it('exits 3 when the server fails or answers nonsense', async () => {
    answer = { status: 200, body: { changes: 'all of them' } };
    const nonsense = await apply(['examples/config']);
    expect(nonsense.code).toBe(3);
    expect(nonsense.stderr).toContain('in a shape this CLI does not understand');

    answer = { status: 500, body: {} };
    const failed = await apply(['examples/config']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toBe(`headroom apply: the Headroom server at ${url} failed (HTTP 500)\n`);
  });

  it('exits 3 when nothing listens at the URL, and 2 for a URL that is not one', async () => {
    const unreachable = captureIo();
    const code = await runApply(
      { files: ['examples/config'], prune: false, url: 'http://127.0.0.1:1' },
      unreachable.io,
      {},
    );
    expect(code).toBe(3);
    expect(unreachable.stderr()).toMatch(
      /^headroom apply: cannot reach the Headroom server at http:\/\/127\.0\.0\.1:1: /,
    );

    const bad = captureIo();
    expect(
      await runApply({ files: ['examples/config'], prune: false, url: 'localhost' }, bad.io, {}),
    ).toBe(2);
    expect(bad.stderr()).toMatch(/^headroom apply: invalid server URL "localhost"/);
  });
});
