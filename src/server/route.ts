// One route = one definition: method, path, the zod schemas of its input and output,
// who may call it, and the handler. The server mounts definitions on Fastify and the
// OpenAPI document is generated from the same list, so they cannot disagree.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../app/principal.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `public`: no credentials; `token`: an API token; `ingest`: a service's ingest key;
 * `feed`: an API token, in the Authorization header or as `?token=` (calendar apps
 * subscribe to a URL and cannot send headers).
 */
export type Authentication = 'public' | 'token' | 'ingest' | 'feed';

type Schema = z.ZodType;
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  readonly params: Parsed<P>;
  readonly query: Parsed<Q>;
  readonly body: Parsed<B>;
  /** Set for every route but public ones. */
  readonly principal: Principal;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteDefinition<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema | undefined = Schema | undefined,
> {
  readonly method: HttpMethod;
  /** Fastify syntax: `/api/v1/slos/:name`. */
  readonly url: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly auth: Authentication;
  readonly params?: P;
  readonly query?: Q;
  /** A JSON body validated by this schema. */
  readonly body?: B;
  /**
   * `handler`: the body schema only documents the body; the handler validates it (config
   * documents go through the config adapter, which reports every issue with its path).
   */
  readonly bodyValidation?: 'schema' | 'handler';
  /** The body as raw bytes, for these content types (e.g. NDJSON); not validated here. */
  readonly rawBody?: { readonly contentTypes: readonly string[]; readonly description: string };
  /** Extra request headers worth documenting (e.g. Idempotency-Key). */
  readonly headers?: readonly { readonly name: string; readonly description: string }[];
  /** Headers a success may answer with besides the usual (e.g. Idempotent-Replayed). */
  readonly responseHeaders?: readonly { readonly name: string; readonly description: string }[];
  /** Status of a success (200 unless given). */
  readonly status?: number;
  /** Schema of a success body; undefined for an empty body (204). */
  readonly response?: R;
  /** Content type of a success body other than JSON (e.g. text/plain). */
  readonly responseContentType?: string;
  /** HTTP statuses of the problems this route answers with, for the OpenAPI document. */
  readonly problems?: readonly number[];
  /**
   * Error answers in a wire format of their own instead of problem+json (PagerDuty's
   * Events API answers in PagerDuty's shape), for the OpenAPI document.
   */
  readonly errorAnswers?: readonly {
    readonly status: number;
    readonly schema: z.ZodType;
    readonly description: string;
  }[];
  /**
   * `debug`: Fastify's two lines per request (received, completed) only at debug level
   * and below. For the ping URLs, which take thousands a second from cron jobs: at
   * info they would bury every other line and cost a sixth of the throughput.
   */
  readonly requestLog?: 'debug';
  readonly handler: (
    input: RouteInput<P, Q, B>,
  ) => Promise<R extends z.ZodType ? z.input<R> : unknown>;
}

/** Keeps the definition's types; route files export arrays of these. */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | undefined = undefined,
>(definition: RouteDefinition<P, Q, B, R>): RouteDefinition {
  return definition;
}

/** The problems a read of a resource answers with. */
export const READ_PROBLEMS: readonly number[] = [401, 403, 404];
/** The problems a change of a resource answers with. */
export const WRITE_PROBLEMS: readonly number[] = [400, 401, 403, 404, 409];
