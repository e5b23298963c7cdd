// The Prometheus HTTP API, as far as SLIs need it: instant and range queries against a
// data source, with its headers, credentials, TLS settings and timeout. Every failure
// becomes a QueryError whose message a person can act on, and which says whether the
// query itself was at fault (worth isolating) or the server (nothing to isolate).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { DataSource, SecretReference } from '../../core/slo/model.js';
import type { Sample } from './query-batch.js';

export type QueryFault = 'query' | 'server';

export class QueryError extends Error {
  constructor(
    message: string,
    /** `query`: Prometheus refused or could not run this expression; `server`: it did not answer. */
    readonly fault: QueryFault,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

const sampleValue = z.tuple([z.number(), z.string()]);
const answerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })),
      }),
      z.object({
        resultType: z.literal('matrix'),
        result: z.array(
          z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleValue) }),
        ),
      }),
      z.object({ resultType: z.literal('scalar'), result: sampleValue }),
      z.object({ resultType: z.literal('string'), result: z.unknown() }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

type SuccessData = Extract<z.infer<typeof answerSchema>, { status: 'success' }>['data'];

export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** [epoch ms, value] */
  readonly points: readonly (readonly [number, number])[];
}

export interface PrometheusClient {
  instant(expr: string, atMs: number): Promise<Sample[]>;
  range(expr: string, fromMs: number, toMs: number, stepSeconds: number): Promise<RangeSeries[]>;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** A client for one data source. Secrets are read when a request is made. */
export function prometheusClient(dataSource: DataSource, env: Environment): PrometheusClient {
  const agent = agentFor(dataSource);
  const post = async (path: string, form: Record<string, string>): Promise<SuccessData> => {
    const headers = {
      ...dataSource.headers,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...authorization(dataSource, env),
    };
    const url = `${dataSource.url.replace(/\/+$/, '')}${path}`;
    const timeout = `${dataSource.timeoutMs / 1000}s`;
    let response;
    try {
      response = await request(url, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ ...form, timeout }).toString(),
        signal: AbortSignal.timeout(dataSource.timeoutMs),
        dispatcher: agent,
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new QueryError(
        timedOut
          ? `${dataSource.name} did not answer within ${timeout}`
          : `${dataSource.name} is unreachable at ${dataSource.url}: ${describe(error)}`,
        'server',
      );
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw new QueryError(`${dataSource.name} broke off its answer: ${describe(error)}`, 'server');
    }
    const { statusCode } = response;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new QueryError(
        `${dataSource.name} answered ${statusCode} with something other than JSON: ${text.slice(0, 200)}`,
        'server',
      );
    }
    const parsed = answerSchema.safeParse(body);
    if (!parsed.success) {
      throw new QueryError(
        `${dataSource.name} answered ${statusCode} with JSON that is not a Prometheus API answer`,
        'server',
      );
    }
    if (parsed.data.status === 'error') {
      // 400 bad_data and 422 execution errors belong to the expression; the rest to the server.
      const fault: QueryFault = statusCode === 400 || statusCode === 422 ? 'query' : 'server';
      throw new QueryError(
        `${dataSource.name} answered ${statusCode} ${parsed.data.errorType}: ${parsed.data.error}`,
        fault,
      );
    }
    if (statusCode >= 300) {
      throw new QueryError(`${dataSource.name} answered ${statusCode}`, 'server');
    }
    return parsed.data.data;
  };

  return {
    async instant(expr, atMs) {
      const data = await post('/api/v1/query', { query: expr, time: String(atMs / 1000) });
      if (data.resultType === 'scalar') return [{ metric: {}, value: Number(data.result[1]) }];
      if (data.resultType !== 'vector') {
        throw new QueryError(`the query gave a ${data.resultType}, not an instant vector`, 'query');
      }
      return data.result.map((series) => ({
        metric: series.metric,
        value: Number(series.value[1]),
      }));
    },
    async range(expr, fromMs, toMs, stepSeconds) {
      const data = await post('/api/v1/query_range', {
        query: expr,
        start: String(fromMs / 1000),
        end: String(toMs / 1000),
        step: String(stepSeconds),
      });
      if (data.resultType !== 'matrix') {
        throw new QueryError(`the range query gave a ${data.resultType}, not a matrix`, 'query');
      }
      return data.result.map((series) => ({
        metric: series.metric,
        points: series.values.map(([at, value]) => [Math.round(at * 1000), Number(value)] as const),
      }));
    },
  };
}

function authorization(dataSource: DataSource, env: Environment): Record<string, string> {
  if (dataSource.bearerToken !== undefined) {
    return { authorization: `Bearer ${secret(dataSource.bearerToken, dataSource, env)}` };
  }
  if (dataSource.basicAuth !== undefined) {
    const { username, password } = dataSource.basicAuth;
    const pair = `${username}:${secret(password, dataSource, env)}`;
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  }
  return {};
}

function secret(reference: SecretReference, dataSource: DataSource, env: Environment): string {
  if ('env' in reference) {
    const value = env[reference.env];
    if (value === undefined || value === '') {
      throw new QueryError(
        `${dataSource.name}'s credentials come from the environment variable ${reference.env}, which the server does not have`,
        'server',
      );
    }
    return value;
  }
  try {
    return readFileSync(reference.file, 'utf8').trim();
  } catch (error) {
    throw new QueryError(
      `${dataSource.name}'s credentials file ${reference.file} cannot be read: ${describe(error)}`,
      'server',
    );
  }
}

function agentFor(dataSource: DataSource): Agent {
  const { caFile, insecureSkipVerify } = dataSource.tls;
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new QueryError(
        `${dataSource.name}'s CA file ${caFile} cannot be read: ${describe(error)}`,
        'server',
      );
    }
  }
  return new Agent({
    connect: {
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: !insecureSkipVerify,
    },
    headersTimeout: dataSource.timeoutMs,
    bodyTimeout: dataSource.timeoutMs,
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
