import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProblemHandling } from './problem.js';
import { defaultWebRoot, registerWebUi } from './web-ui.js';

async function serverFor(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  registerProblemHandling(app);
  app.get('/api/v1/teams', () => Promise.resolve([]));
  app.get('/healthz', () => Promise.resolve({ status: 'ok' }));
  await registerWebUi(app, root);
  await app.ready();
  return app;
}

describe('the web UI routes', () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'headroom-web-'));
    mkdirSync(path.join(root, 'assets'));
    const index = '<!doctype html><div id="root"></div><script src="/assets/app-1a2b.js"></script>';
    writeFileSync(path.join(root, 'index.html'), index);
    writeFileSync(path.join(root, 'assets/app-1a2b.js'), 'console.log("ui")');
    writeFileSync(path.join(root, 'assets/app-1a2b.js.gz'), gzipSync('console.log("ui")'));
    app = await serverFor(root);
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers index.html at / and at every screen path, checked again on each load', async () => {
    for (const url of ['/', '/slos/checkout-availability', '/oncall/payments-primary?x=1']) {
      const reply = await app.inject({ method: 'GET', url });
      expect(reply.statusCode, url).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^text\/html/);
      expect(reply.body).toContain('<div id="root">');
      expect(reply.headers['cache-control']).toBe('no-cache');
    }
  });

  it('lets browsers keep hashed assets for a year, gzipped when they accept it', async () => {
    const plain = await app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe('console.log("ui")');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gzipped = await app.inject({
      method: 'GET',
      url: '/assets/app-1a2b.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toMatch(/javascript/);
    expect(gzipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('keeps the API, health and missing assets out of the fallback: problem+json 404s', async () => {
    for (const url of ['/api/v1/nothing', '/assets/gone-9f8e.js', '/metrics']) {
      const reply = await app.inject({ method: 'GET', url });
      expect(reply.statusCode, url).toBe(404);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/teams' })).json()).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/slos/x' })).statusCode).toBe(404);
  });
});

describe('the web UI before it is built', () => {
  it('says so at the UI paths, with how to build it, and the API still answers', async () => {
    const app = await serverFor(path.join(tmpdir(), 'headroom-no-such-build'));
    try {
      for (const url of ['/', '/slos/checkout-availability']) {
        const reply = await app.inject({ method: 'GET', url });
        expect(reply.statusCode).toBe(200);
        expect(reply.body).toContain('The web UI is not built');
        expect(reply.body).toContain('npm run build');
      }
      expect((await app.inject({ method: 'GET', url: '/api/v1/teams' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/v1/none' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('looks for the build in dist/web of the package, from the sources', () => {
    expect(defaultWebRoot()).toBe(path.resolve(import.meta.dirname, '../../dist/web') + path.sep);
  });
});
