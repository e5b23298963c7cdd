// Builds the web UI (src/web) into dist/web, which `headroom serve` serves next to the API.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(root, 'dist/web');

// The server sends a .gz twin when the browser accepts gzip (@fastify/static
// preCompressed): compressing once at build time costs nothing per request.
function precompress(): Plugin {
  const compress = promisify(gzip);
  return {
    name: 'headroom-precompress',
    apply: 'build',
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => /\.(js|css|html|svg)$/.test(name));
      await Promise.all(
        files.map(async (name) => {
          const file = path.join(outDir, name);
          await writeFile(`${file}.gz`, await compress(await readFile(file), { level: 9 }));
        }),
      );
    },
  };
}

// main.tsx loads the app with import() so that its own small script starts the first
// reads at once; this asks the browser for the app's chunk right away, in parallel.
function preloadApp(): Plugin {
  return {
    name: 'headroom-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, context) => {
        const app = Object.values(context.bundle ?? {}).find(
          (output) =>
            output.type === 'chunk' && output.facadeModuleId?.endsWith('/shell/mount.tsx') === true,
        );
        if (app === undefined) throw new Error('the app chunk (shell/mount.tsx) is missing');
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${app.fileName}` },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}

export default defineConfig({
  root: path.join(root, 'src/web'),
  base: '/',
  plugins: [react(), preloadApp(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Hashed names: the server lets browsers keep them for a year.
    assetsDir: 'assets',
  },
});
