import type { TSchema } from '@sinclair/typebox';
import * as decisionSchemas from '../domain/decision.js';
import * as schemas from '../domain/schemas.js';
import type { AnyRoute } from './route.js';

const { ErrorResponse } = schemas;
type Json = Record<string, unknown>;
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Json;
export const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

/**
 * The shapes the document names once under components/schemas: every object schema the domain
 * exports (queries excepted: they become parameters), by its export name.
 */
function namedSchemas(): Map<string, string> {
  const byJson = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...decisionSchemas, ...schemas })) {
    if (!value || typeof value !== 'object' || (value as TSchema).type !== 'object' || name.endsWith('Query')) continue;
    const json = JSON.stringify(value);
    if (!byJson.has(json)) byJson.set(json, name.replace(/Schema$/, ''));
  }
  return byJson;
}

/** A schema with every part that is a named shape replaced by a $ref to it. */
function withRefs(schema: unknown, names: Map<string, string>, isRoot = false): unknown {
  if (Array.isArray(schema)) return schema.map((x) => withRefs(x, names));
  if (!schema || typeof schema !== 'object') return schema;
  const name = isRoot ? undefined : names.get(JSON.stringify(schema));
  if (name) return { $ref: `#/components/schemas/${name}` };
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, withRefs(v, names)]));
}

/** The errors every route of a shape can answer, declared once under components/responses. */
const COMMON_ERRORS = {
  400: ['BadRequest', 'bad input: the details name the field'],
  401: ['Unauthorized', 'no key, or a key that is not valid (revoked, expired, unknown)'],
  403: ['Forbidden', 'this key may not do this'],
  404: ['NotFound', "not found, or not in the caller's scope"],
  409: ['Conflict', 'the Idempotency-Key was used with another body (or the thing exists already)'],
  413: ['PayloadTooLarge', 'body larger than BODY_LIMIT_BYTES'],
  415: ['UnsupportedMediaType', 'body not application/json (or compressed)'],
  429: ['TooManyRequests', 'too many requests, or too many failed keys, from this address (Retry-After says when to retry)'],
  503: ['Unavailable', 'the database cannot be reached (Retry-After says when to retry), or no rule set applies'],
} as const;
type CommonStatus = keyof typeof COMMON_ERRORS;
const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } };

/** The OpenAPI document, generated from the same route table and schemas the server runs on. */
export function buildOpenApi(routes: readonly AnyRoute[], version: string): Record<string, unknown> {
  const names = namedSchemas();
  const ref = (schema: unknown) => withRefs(plain(schema), names);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = toOpenApiPath(r.path);
    const parameters: unknown[] = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (r.query) {
      const q = plain(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
      }
    }
    if (r.creates) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'the same key and body return the first response; the same key with another body is 409',
        schema: { type: 'string', maxLength: 200 },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      // an error a route declares without a shape has the one error shape
      const schema = spec.schema ?? (Number(status) >= 400 ? ErrorResponse : undefined);
      const content: Record<string, unknown> = {};
      if (schema || spec.contentType)
        content[spec.contentType ?? 'application/json'] = { schema: schema ? ref(schema) : { type: 'string' } };
      for (const other of spec.alternatives ?? []) content[other] = { schema: { type: 'string' } };
      responses[status] = { description: spec.description, ...(Object.keys(content).length ? { content } : {}) };
    }
    // the errors any route of this shape can answer, whatever it declares itself
    const common: CommonStatus[] = [
      400,
      ...(r.auth === 'public' ? [] : ([401, 403] as const)),
      // a path id, or an id in the body (an enterprise, inspector or agency), that is unknown or out of scope
      ...(r.path.includes(':') || r.body ? ([404] as const) : []),
      ...(r.creates ? ([409] as const) : []),
      // every method with a body is parsed, whether the route reads it or not
      ...(r.method !== 'get' ? ([413, 415] as const) : []),
      // a rate-limited route, or any keyed one once its address has too many failed keys
      ...(r.rateLimited || r.auth !== 'public' ? ([429] as const) : []),
      ...(r.path === '/healthz' ? [] : ([503] as const)),
    ];
    for (const status of common) responses[String(status)] ??= { $ref: `#/components/responses/${COMMON_ERRORS[status][0]}` };
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === 'public' ? { security: [] } : { description: `Roles: ${r.auth.join(', ')}` }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: ref(r.body), ...(r.example ? { example: r.example } : {}) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'inspection-filing 涉企检查备案系统',
      version,
      description:
        'Enterprise inspection filing, rule checks and verification. Errors: {"error": {code, message, details}}; ' +
        'messages in zh-CN by default, en with Accept-Language: en.',
    },
    components: {
      schemas: Object.fromEntries([...names].map(([json, name]) => [name, withRefs(JSON.parse(json), names, true)])),
      responses: Object.fromEntries(
        Object.values(COMMON_ERRORS).map(([name, description]) => [name, { description, content: errorContent }]),
      ),
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key' } },
    },
    security: [{ apiKey: [] }],
    paths,
  };
}
