// The machine's own ceiling, for the benches to divide by: a Fastify server that does
// nothing (answers the ping and gate routes at once, no database, no auth), run as its
// own process and loaded by the same generator as Headroom. Requests per second and
// latency vary by half from one VM to the next; Headroom's share of what this server
// manages on the same cores, at the same moment, varies far less.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';

export interface BareServer {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts the bare server in a child process; stop() ends it. */
export async function startBareServer(): Promise<BareServer> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /serving (http:\/\/\S+)/.exec(text);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => {
      reject(new Error(`the bare server exited with ${String(code)}`));
    });
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function serve(): Promise<void> {
  const app = Fastify();
  app.get('/ping/*', () => 'OK');
  app.post('/api/v1/deploys/check', () => ({ allowed: true, reasons: [] }));
  app.get('/metrics', () => '');
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`serving ${address}\n`);
  process.on('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
}

if (process.argv.includes('--serve')) await serve();
