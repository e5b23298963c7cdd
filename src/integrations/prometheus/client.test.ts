import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from '../../core/slo/model.js';
import { prometheusClient, QueryError } from './client.js';

interface Answer {
  readonly status: number;
  readonly body: string;
}

describe('the Prometheus client', () => {
  let server: Server;
  let url = '';
  let answer: Answer = { status: 200, body: '' };
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ headers: request.headers, body });
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  const dataSource = (fields: Partial<DataSource> = {}): DataSource => ({
    name: 'mimir',
    type: 'prometheus',
    url,
    isDefault: true,
    timeoutMs: 2000,
    headers: { 'X-Scope-OrgID': 'shop' },
    bearerToken: { env: 'MIMIR_TOKEN' },
    basicAuth: undefined,
    tls: { caFile: undefined, insecureSkipVerify: false },
    maxExpressionsPerQuery: 10,
    labels: {},
    ...fields,
  });

  it('sends the tenant header, the token from the environment and the query as a form', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1, '2.5'] }] },
      }),
    };
    const samples = await prometheusClient(dataSource(), { MIMIR_TOKEN: 's3cret' }).instant(
      'sum(up)',
      1_700_000_000_000,
    );
    expect(samples).toEqual([{ metric: { a: 'b' }, value: 2.5 }]);
    const request = seen.at(-1);
    expect(request?.headers['x-scope-orgid']).toBe('shop');
    expect(request?.headers.authorization).toBe('Bearer s3cret');
    expect(new URLSearchParams(request?.body).get('query')).toBe('sum(up)');
    expect(new URLSearchParams(request?.body).get('time')).toBe('1700000000');
  });

  it('tells a bad expression (400, 422) from a server fault (5xx, not the API, no secret)', async () => {
    const fault = async (reply: Answer, env: Record<string, string> = { MIMIR_TOKEN: 't' }) => {
      answer = reply;
      try {
        await prometheusClient(dataSource(), env).instant('x', 0);
      } catch (error) {
        if (error instanceof QueryError) return [error.fault, error.message];
        throw error;
      }
      return ['none', ''];
    };
    const error = (errorType: string, message: string) =>
      JSON.stringify({ status: 'error', errorType, error: message });
    expect(await fault({ status: 400, body: error('bad_data', 'parse error') })).toEqual([
      'query',
      'mimir answered 400 bad_data: parse error',
    ]);
    expect(await fault({ status: 422, body: error('execution', 'too many samples') })).toEqual([
      'query',
      'mimir answered 422 execution: too many samples',
    ]);
    expect((await fault({ status: 503, body: error('unavailable', 'down') }))[0]).toBe('server');
    expect(await fault({ status: 502, body: '<html>bad gateway</html>' })).toEqual([
      'server',
      expect.stringContaining('something other than JSON'),
    ]);
    expect(await fault({ status: 200, body: '{}' }, {})).toEqual([
      'server',
      expect.stringContaining('environment variable MIMIR_TOKEN'),
    ]);
  });
});
