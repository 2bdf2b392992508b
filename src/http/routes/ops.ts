import { Type } from '@sinclair/typebox';
import type { LoadedRuleSet } from '../../rules/load.js';
import { defineRoute } from '../route.js';

const tag = 'Operations';

const RuleSetSummary = Type.Object({
  id: Type.String(),
  version: Type.String(),
  sha256: Type.String(),
  title: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
  jurisdiction: Type.String(),
  effectiveFrom: Type.String(),
  effectiveTo: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  template: Type.Boolean({ description: 'shipped as a template: its texts are to be replaced by the local ones' }),
  rules: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), severity: Type.String(), enabled: Type.Boolean() })),
});
const summarize = ({ file, sha256 }: LoadedRuleSet) => ({
  id: file.id,
  version: file.version,
  sha256,
  title: file.title,
  jurisdiction: file.jurisdiction,
  effectiveFrom: file.effectiveFrom,
  effectiveTo: file.effectiveTo ?? null,
  enabled: file.enabled,
  template: file.template ?? false,
  rules: file.rules.map((r) => ({ id: r.id, kind: r.kind, severity: r.severity, enabled: r.enabled !== false })),
});

export const opsRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'The process is up',
    tag,
    auth: 'public',
    responses: { 200: { description: 'alive', schema: Type.Object({ status: Type.Literal('ok') }) } },
    handler: () => ({ status: 200, body: { status: 'ok' } }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    summary: 'The database answers (a standby will do, writes: false) and rule sets are loaded',
    tag,
    auth: 'public',
    responses: {
      200: {
        description: 'ready',
        schema: Type.Object({
          status: Type.Literal('ready'),
          database: Type.String(),
          ruleSets: Type.Integer(),
          writes: Type.Boolean({
            description: 'false: no primary answers, a standby does; scans are answered (marked), everything that writes answers 503',
          }),
        }),
      },
      503: { description: 'not ready' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.readiness.check() }),
  }),

  defineRoute({
    method: 'get',
    path: '/metrics',
    summary:
      'Prometheus metrics: HTTP by route and status, filings by outcome, rule evaluation time, job runs, digest deliveries ' +
      '(Bearer METRICS_TOKEN, or an admin key)',
    tag,
    auth: ['admin'],
    token: 'metrics',
    responses: { 200: { description: 'the text exposition format', contentType: 'text/plain' } },
    handler: async (c) => ({
      status: 200,
      body: await c.services.ctx.metrics.registry.metrics(),
      contentType: c.services.ctx.metrics.registry.contentType,
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/rulesets',
    summary: 'The rule sets in force',
    tag,
    auth: ['admin', 'supervisor'],
    responses: { 200: { description: 'active rule sets', schema: Type.Object({ items: Type.Array(RuleSetSummary) }) } },
    handler: (c) => ({ status: 200, body: { items: c.services.ctx.rules.active().map(summarize) } }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/rulesets/reload',
    summary: 'Reload rule sets from RULES_DIR; a bad file refuses the reload and the active sets stay',
    tag,
    auth: ['admin'],
    responses: {
      200: { description: 'the rule sets now in force', schema: Type.Object({ items: Type.Array(RuleSetSummary) }) },
      400: { description: 'a file is invalid; details name the file and JSON pointer' },
    },
    handler: async (c) => ({ status: 200, body: { items: (await c.services.rulesets.reload()).map(summarize) } }),
  }),
];
