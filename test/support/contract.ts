import type { ValidateFunction } from 'ajv';
import type supertest from 'supertest';
import { createAjv } from '../../src/domain/ajv.js';

// Every API response the suite receives through the harness is checked, at the end of the run,
// against what /openapi.json declares for its path, method and status: an undeclared status, a
// body that does not match its schema, an error without details, or a Chinese error whose details
// are not Chinese fails the run.

interface Seen {
  method: string;
  path: string;
  status: number;
  type: string;
  body: unknown;
  english: boolean;
}

interface Response {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  responses: Record<string, Response>;
}

const seen: Seen[] = [];
const CJK = /[\u3400-\u9fff]/;

/** Records every response of an agent's requests. */
export function recorded(agent: supertest.Agent): supertest.Agent {
  agent.on(
    'response',
    (res: {
      status: number;
      body: unknown;
      headers: Record<string, string>;
      req: { method: string; path: string; getHeader(name: string): string | number | string[] | undefined };
    }) => {
      const lang = String(res.req.getHeader('accept-language') ?? '');
      seen.push({
        method: res.req.method.toLowerCase(),
        path: res.req.path.split('?')[0] ?? '',
        status: res.status,
        type: (res.headers['content-type'] ?? '').split(';')[0] ?? '',
        body: res.body,
        english: /^en/i.test(lang),
      });
    },
  );
  return agent;
}

/** The problems of every recorded response against the document; how many were checked. */
export function contractProblems(openapi: {
  paths: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, Response> };
}): {
  checked: number;
  problems: string[];
} {
  const ajv = createAjv({ strict: false, validateFormats: true });
  ajv.addSchema({ $id: 'openapi.json', components: openapi.components }, 'openapi.json');
  const compiled = new Map<unknown, ValidateFunction>();
  const compile = (schema: unknown) => {
    let v = compiled.get(schema);
    if (!v) {
      // $refs point into the document's components
      const text = JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/');
      v = ajv.compile(JSON.parse(text) as object);
      compiled.set(schema, v);
    }
    return v;
  };
  const templates = Object.keys(openapi.paths).map((p) => ({ p, re: new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`) }));
  const problems = new Set<string>();
  let checked = 0;
  for (const s of seen) {
    // pages and unknown addresses are not part of the API document
    const match = templates.find((t) => t.re.test(s.path) && openapi.paths[t.p]?.[s.method]);
    if (!match) continue;
    checked++;
    const op = openapi.paths[match.p]?.[s.method] as Operation;
    const where = `${s.method.toUpperCase()} ${match.p} ${s.status}`;
    const given = op.responses[String(s.status)];
    const declared = given?.$ref ? openapi.components?.responses?.[given.$ref.split('/').pop() ?? ''] : given;
    if (!declared) {
      problems.add(`${where}: status not declared`);
      continue;
    }
    if (!declared.content) continue;
    const media = declared.content[s.type];
    if (!media) {
      problems.add(`${where}: ${s.type || 'no content type'} not declared (${Object.keys(declared.content).join(', ')})`);
      continue;
    }
    if (s.type !== 'application/json' || !media.schema) continue;
    const validate = compile(media.schema);
    if (!validate(s.body)) problems.add(`${where}: ${ajv.errorsText(validate.errors)}`);
    const details = (s.body as { error?: { details?: { message: string }[] } } | null)?.error?.details ?? [];
    if (s.status >= 400 && !s.english) {
      for (const d of details) if (!CJK.test(d.message)) problems.add(`${where}: a Chinese response's detail is not Chinese: ${d.message}`);
    }
  }
  return { checked, problems: [...problems] };
}
