import { expect } from 'chai';
import type { Express } from 'express';
import { harness } from '../support/harness.js';
import { createAjv } from '../../src/domain/ajv.js';
import { toOpenApiPath } from '../../src/http/openapi.js';

interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
}
interface Response {
  $ref?: string;
  content?: Record<string, { schema: Schema }>;
}
interface Doc {
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> }; responses: Record<string, Response> }
    >
  >;
  components: { schemas: Record<string, Schema>; responses: Record<string, Response> };
}

/** A response or schema, or the component its $ref names. */
function resolve<T extends { $ref?: string }>(doc: Doc, x: T | undefined): T | undefined {
  if (!x?.$ref) return x;
  const [, , kind, name] = x.$ref.split('/');
  return (doc.components as unknown as Record<string, Record<string, T>>)[kind ?? '']?.[name ?? ''];
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** What Express will actually serve, read from its router, not from our route table. */
function servedRoutes(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  return stack.filter((l) => l.route).flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m} ${toOpenApiPath(l.route!.path)}`));
}

describe('OpenAPI document', () => {
  it('describes every route the server has, and nothing it does not', async () => {
    const h = await harness();
    const doc = (await h.api().get('/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).to.equal('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const served = servedRoutes(h.runtime.app).filter((r) => r !== 'get /openapi.json');
    expect([...documented].sort()).to.deep.equal([...served].sort());
    expect(documented).to.include('post /api/v1/filings');
  });

  it('the request schema in the document is the one the server validates with', async () => {
    const h = await harness();
    const doc = (await h.api().get('/openapi.json')).body;
    const schema =
      doc.components.schemas[doc.paths['/api/v1/filings'].post.requestBody.content['application/json'].schema.$ref.split('/').pop()];
    expect(schema.additionalProperties).to.equal(false);
    expect(schema.required).to.include.members(['enterpriseUscc', 'type', 'itemCodes', 'inspectorIds', 'plannedStart', 'plannedEnd']);
    expect(schema.properties.type.enum).to.deep.equal(['routine', 'case', 'special', 'random', 'emergency']);
    expect(doc.paths['/api/v1/verify/{code}'].get.security).to.deep.equal([]);
  });

  it('declares the errors every route can answer, each with the error shape, from shared components', async () => {
    const h = await harness();
    const doc = (await h.api().get('/openapi.json')).body as Doc;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses);
        const where = `${method} ${path}: ${statuses.join(',')}`;
        if (path !== '/healthz') expect(statuses, where).to.include('503');
        if (path.includes('{')) expect(statuses, where).to.include('404');
        if (op.requestBody) expect(statuses, where).to.include.members(['400', '413', '415']);
        for (const [status, r] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          const schema = resolve(doc, resolve(doc, r)?.content?.['application/json']?.schema);
          expect(schema?.properties, `${where} ${status}`).to.have.property('error');
        }
      }
    }
    // a shape is described once and referred to: no decision is spelled out inside an operation
    expect(Object.keys(doc.components.schemas)).to.include.members([
      'ErrorResponse',
      'Filing',
      'Decision',
      'Finding',
      'Verification',
      'Violation',
      'Enterprise',
    ]);
    expect(JSON.stringify(doc.paths)).not.to.include('evaluatedAt');
    expect(doc.paths['/api/v1/filings/{id}']?.get?.responses['401']).to.deep.equal({ $ref: '#/components/responses/Unauthorized' });
  });

  it('gives the main requests an example, each valid against its own schema', async () => {
    const h = await harness();
    const doc = (await h.api().get('/openapi.json')).body as Doc;
    const ajv = createAjv();
    ajv.addSchema({ components: doc.components }, 'openapi.json');
    const withExamples: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const media = op.requestBody?.content['application/json'];
        if (!media?.example) continue;
        withExamples.push(`${method} ${path}`);
        const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"openapi.json#/components/')) as object;
        const validate = ajv.compile(schema);
        expect(validate(media.example), `${method} ${path}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
      }
    }
    expect(withExamples).to.include.members([
      'post /api/v1/filings',
      'post /api/v1/agencies',
      'post /api/v1/enterprises',
      'post /api/v1/keys',
      'post /api/v1/reports',
    ]);
  });

  it('serves interactive docs at /docs', async () => {
    const h = await harness();
    const res = await h.api().get('/docs/').redirects(1);
    expect(res.status).to.equal(200);
    expect(res.text).to.include('swagger-ui');
  });
});
