// A load generator's HTTP/1.1 client, as light as it can be: kept-alive sockets, the
// most recently freed used first, the request written as one string, the answer read
// only as far as its status and its length. An open loop is timed from when each
// request was due, so whatever the generator spends on a request counts against the
// server; a general client (undici's pool, its parser in WebAssembly) does far more
// per request than a bench needs.
import { connect, type Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

interface Exchange {
  readonly resolve: (status: number) => void;
  readonly reject: (error: Error) => void;
}

class Connection {
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private exchange: Exchange | undefined;

  constructor(
    private readonly socket: Socket,
    /** Told when the connection is free for the next request. */
    private readonly onIdle: (connection: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      this.receivedBytes += chunk.length;
      this.settleIfWhole();
    });
    socket.on('error', (error) => {
      this.fail(error);
    });
    socket.on('close', () => {
      this.fail(new Error('the server closed the connection'));
    });
  }

  get idle(): boolean {
    return this.exchange === undefined && !this.socket.destroyed;
  }

  send(request: string, exchange: Exchange): void {
    this.exchange = exchange;
    this.socket.write(request);
  }

  close(): void {
    this.socket.destroy();
  }

  private settleIfWhole(): void {
    const answer = this.received.length === 1 ? this.received[0] : Buffer.concat(this.received);
    if (answer === undefined) return;
    this.received = [answer];
    const headerEnd = answer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = answer.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const whole =
      length === null
        ? answer.lastIndexOf(CHUNKED_END) === this.receivedBytes - CHUNKED_END.length
        : this.receivedBytes >= headerEnd + HEADER_END.length + Number(length[1]);
    if (!whole) return;
    const exchange = this.exchange;
    this.exchange = undefined;
    this.received = [];
    this.receivedBytes = 0;
    exchange?.resolve(Number(head.slice(9, 12)));
    this.onIdle(this);
  }

  private fail(error: Error): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    exchange?.reject(error);
  }
}

/**
 * Up to `connections` kept-alive connections to host:port, one request at a time on
 * each; requests beyond them wait for one to be free.
 */
export class RawHttpClient {
  private readonly open: Connection[] = [];
  private readonly idle: Connection[] = [];
  private readonly queued: { request: string; exchange: Exchange }[] = [];

  constructor(
    private readonly url: URL,
    private readonly connections: number,
  ) {}

  /** POSTs a JSON body; resolves with the answer's status once the whole answer is read. */
  post(path: string, headers: Readonly<Record<string, string>>, body: string): Promise<number> {
    let request = `POST ${path} HTTP/1.1\r\nhost: ${this.url.host}\r\ncontent-length: ${String(Buffer.byteLength(body))}\r\n`;
    for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
    request += `\r\n${body}`;
    return new Promise((resolve, reject) => {
      const exchange = { resolve, reject };
      const connection = this.connection();
      if (connection === undefined) this.queued.push({ request, exchange });
      else connection.send(request, exchange);
    });
  }

  close(): void {
    for (const connection of this.open) connection.close();
    this.open.length = 0;
    this.idle.length = 0;
  }

  private connection(): Connection | undefined {
    while (this.idle.length > 0) {
      const connection = this.idle.pop();
      if (connection?.idle === true) return connection;
    }
    if (this.open.length >= this.connections) return undefined;
    const connection = new Connection(
      connect({ host: this.url.hostname, port: Number(this.url.port) }),
      (free) => {
        const next = this.queued.shift();
        if (next === undefined) this.idle.push(free);
        else free.send(next.request, next.exchange);
      },
    );
    this.open.push(connection);
    return connection;
  }
}
