// The web UI on the API's port: the files Vite built (dist/web), and index.html for every
// other GET outside the API, so that a reload or a shared link of any screen works.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemFor, sendProblem } from './problem.js';

/** Paths the UI never owns: a miss there is the API's 404, not the UI's index.html. */
const NOT_UI = /^\/(api\/|healthz$|readyz$|metrics$)/;

// Hashed file names change with their content: browsers may keep them for a year.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// index.html names the current hashes, so it is checked with the server every time.
const REVALIDATE = 'no-cache';

/**
 * dist/web of this package: next to the compiled server (dist/src/server -> dist/web)
 * or, when running from the sources (tests), where `npm run build` puts it.
 */
export function defaultWebRoot(): string {
  const built = import.meta.url.endsWith('.js');
  return fileURLToPath(new URL(built ? '../../web/' : '../../dist/web/', import.meta.url));
}

export async function registerWebUi(app: FastifyInstance, root: string): Promise<void> {
  if (!existsSync(path.join(root, 'index.html'))) {
    registerNotBuilt(app, root);
    return;
  }
  // Files are looked up per request, so a rebuild is served without a restart.
  await app.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/assets/',
    index: false,
    preCompressed: true,
    cacheControl: false,
    // sendFile (index.html) passes here too.
    setHeaders: (response, file) => {
      const isIndex = /index\.html(\.gz)?$/.test(file);
      response.setHeader('cache-control', isIndex ? REVALIDATE : IMMUTABLE);
    },
  });
  const index = (request: FastifyRequest, reply: FastifyReply) => {
    if (NOT_UI.test(pathOf(request))) return notFound(request, reply);
    return reply.sendFile('index.html', root);
  };
  app.get('/', index);
  app.get('/*', index);
}

/** Running from sources before a build: say so at the UI's paths, keep the API working. */
function registerNotBuilt(app: FastifyInstance, root: string): void {
  const page = notBuiltPage(root);
  const answer = (request: FastifyRequest, reply: FastifyReply) => {
    if (NOT_UI.test(pathOf(request))) return notFound(request, reply);
    return reply.type('text/html; charset=utf-8').header('cache-control', REVALIDATE).send(page);
  };
  app.get('/', answer);
  app.get('/*', answer);
}

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

function notFound(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(
    reply,
    problemFor('NOT_FOUND', `there is no route ${request.method} ${pathOf(request)}`, request.url),
  );
}

function notBuiltPage(root: string): string {
  const escaped = root.replace(/[&<>"]/g, (c) => `&#${String(c.charCodeAt(0))};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Headroom: the web UI is not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The web UI is not built</h1>
<p>This Headroom serves its API (<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>), but found
no built UI in <code>${escaped}</code>.</p>
<p>Build it from the repository with <code>npm run build</code> (<code>npm ci</code> does it too), then
restart <code>headroom serve</code>.</p>
</body></html>
`;
}
