import type { AnyRoute } from './route.js';
import { ErrorResponse } from '../domain/schemas.js';

const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
export const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

/** The OpenAPI document, generated from the same route table and schemas the server runs on. */
export function buildOpenApi(routes: readonly AnyRoute[], version: string): Record<string, unknown> {
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
      responses[status] = {
        description: spec.description,
        ...(schema || spec.contentType ? { content: { [spec.contentType ?? 'application/json']: { schema: schema ? plain(schema) : { type: 'string' } } } } : {}),
      };
    }
    // the errors any route of this shape can answer, whatever it declares itself
    const errorStatuses: [number, string][] = [
      [400, 'bad input: the details name the field'],
      ...(r.auth === 'public' ? [] : ([[401, 'no key, or a key that is not valid'], [403, 'this key may not do this']] as [number, string][])),
      // a path id, or an id in the body (an enterprise, inspector or agency), that is unknown or out of scope
      ...(r.path.includes(':') || r.body ? ([[404, 'not found, or not in the caller\'s scope']] as [number, string][]) : []),
      ...(r.creates ? ([[409, 'the Idempotency-Key was used with another body (or the thing exists already)']] as [number, string][]) : []),
      // every method with a body is parsed, whether the route reads it or not
      ...(r.method !== 'get' ? ([[413, 'body larger than BODY_LIMIT_BYTES'], [415, 'body not application/json (or compressed)']] as [number, string][]) : []),
      ...(r.rateLimited ? ([[429, 'too many requests from this address']] as [number, string][]) : []),
      ...(r.path === '/healthz' ? [] : ([[503, 'the database cannot be reached (Retry-After says when to retry), or no rule set applies']] as [number, string][])),
    ];
    for (const [status, description] of errorStatuses) {
      responses[String(status)] ??= { description, content: { 'application/json': { schema: plain(ErrorResponse) } } };
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === 'public' ? { security: [] } : { description: `Roles: ${r.auth.join(', ')}` }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: plain(r.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'inspection-filing 涉企检查备案系统',
      version,
      description: 'Enterprise inspection filing, rule checks and verification. Errors: {"error": {code, message, details}}; messages in zh-CN by default, en with Accept-Language: en.',
    },
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key' } } },
    security: [{ apiKey: [] }],
    paths,
  };
}
