import { expect } from 'chai';
import type { Express } from 'express';
import { harness } from '../support/harness.js';
import { toOpenApiPath } from '../../src/http/openapi.js';

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
    const schema = doc.paths['/api/v1/filings'].post.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).to.equal(false);
    expect(schema.required).to.include.members(['enterpriseUscc', 'type', 'itemCodes', 'inspectorIds', 'plannedStart', 'plannedEnd']);
    expect(schema.properties.type.enum).to.deep.equal(['routine', 'case', 'special', 'random', 'emergency']);
    expect(doc.paths['/api/v1/verify/{code}'].get.security).to.deep.equal([]);
  });

  it('declares the errors every route can answer, each with the error shape', async () => {
    const h = await harness();
    const doc = (await h.api().get('/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>>;
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses);
        const where = `${method} ${path}: ${statuses.join(',')}`;
        if (path !== '/healthz') expect(statuses, where).to.include('503');
        if (path.includes('{')) expect(statuses, where).to.include('404');
        if (op.requestBody) expect(statuses, where).to.include.members(['400', '413', '415']);
        for (const [status, r] of Object.entries(op.responses)) {
          if (Number(status) >= 400 && !(path === '/api/v1/verify/{code}' && status === '404')) {
            expect(r.content?.['application/json']?.schema.properties, `${where} ${status}`).to.have.property('error');
          }
        }
      }
    }
  });

  it('serves interactive docs at /docs', async () => {
    const h = await harness();
    const res = await h.api().get('/docs/').redirects(1);
    expect(res.status).to.equal(200);
    expect(res.text).to.include('swagger-ui');
  });
});
