// One HTTP request and its whole answer, for a command that makes a call or two and
// exits. Node's own http client parses with its built-in llhttp; undici (and fetch,
// which is undici) parses with llhttp compiled to WebAssembly, whose optimising
// compile runs in the background and is waited for when the process exits: about a
// quarter of a second added to every `headroom gate` in a CI job and every `headroom
// run` of a cron job, on top of the 140 ms it takes to load. The server, which lives
// long, uses undici.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

export interface HttpExchange {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  /** For the whole exchange: connecting, sending, waiting and reading the answer. */
  readonly timeoutMs: number;
}

/**
 * Sends the request on a connection of its own (closed after the answer, so that
 * nothing holds the process open) and reads the answer to its end. Rejects with Node's
 * error (its `code`: ECONNREFUSED, ENOTFOUND…), or one named `TimeoutError` when the
 * time ran out.
 */
export async function exchange(url: URL, request: HttpExchange): Promise<HttpAnswer> {
  const send = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  return new Promise((resolve, reject) => {
    const outgoing = send(url, {
      method: request.method,
      agent: false,
      headers: {
        ...request.headers,
        connection: 'close',
        ...(body === undefined ? {} : { 'content-length': String(body.length) }),
      },
    });
    const timer = setTimeout(() => {
      const error = new Error(`no answer within ${String(request.timeoutMs / 1000)} s`);
      error.name = 'TimeoutError';
      outgoing.destroy(error);
    }, request.timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    outgoing.on('error', fail);
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', fail);
      incoming.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    outgoing.end(body);
  });
}
