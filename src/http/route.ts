import type { Static, TSchema, TUnknown } from '@sinclair/typebox';
import type { Lang } from '../domain/i18n.js';
import type { Principal, Role } from '../domain/principal.js';
import type { IdempotencyClaim } from '../services/idempotency.js';
import type { Services } from '../services/index.js';

export interface Reply {
  status: number;
  body: unknown;
  /** non-JSON replies (HTML, SVG) set the content type and send `body` as a string */
  contentType?: string;
  /** `body` as JSON text, when the handler has it cheaper than stringifying `body` (see shared-json.ts) */
  json?: string;
}

export interface HandlerContext<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  principal: Principal | null;
  lang: Lang;
  requestId: string;
  services: Services;
  /** set when a creating request carries an Idempotency-Key: pass it to the service, which stores the response with its work */
  idempotency?: IdempotencyClaim;
}

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  contentType?: string;
  /** other media types the same answer comes in (asked for with ?format), as text */
  alternatives?: readonly string[];
}

export interface RouteDef<B extends TSchema = TUnknown, Q extends TSchema = TUnknown> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express path, e.g. /api/v1/filings/:id */
  path: string;
  summary: string;
  tag: string;
  /** roles that may call it, or 'public' for no key */
  auth: readonly Role[] | 'public';
  /**
   * a token from the configuration that also opens it, as `Authorization: Bearer <token>`, besides
   * the keys of `auth`'s roles (`metrics`: METRICS_TOKEN, for Prometheus)
   */
  token?: 'metrics';
  body?: B;
  /** a typical request body, shown in the document (and checked against the schema by the tests) */
  example?: Static<B>;
  query?: Q;
  /** honours Idempotency-Key */
  creates?: boolean;
  rateLimited?: boolean;
  /** a password or code is checked: a 401 counts toward the sign-in failure limit (AUTH_FAILURE_LIMIT) shared with keys */
  signIn?: boolean;
  /** counted per key (DRAW_PLAN_RATE_LIMIT an hour), refused or not: 429 with Retry-After over it */
  limitedPerKey?: boolean;
  responses: Record<number, ResponseSpec>;
  handler(ctx: HandlerContext<Static<B>, Static<Q>>): Reply | Promise<Reply>;
}

// Erased form kept in the route table; defineRoute keeps the handler's types at the definition.
export type AnyRoute = RouteDef<TSchema, TSchema>;

export function defineRoute<B extends TSchema = TUnknown, Q extends TSchema = TUnknown>(def: RouteDef<B, Q>): AnyRoute {
  return def;
}

/** The principal of an authenticated route (the auth middleware guarantees it). */
export function who<B, Q>(ctx: HandlerContext<B, Q>): Principal {
  if (!ctx.principal) throw new Error('route declared as authenticated but no principal');
  return ctx.principal;
}
