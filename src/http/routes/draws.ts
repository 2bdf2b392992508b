import { Type } from '@sinclair/typebox';
import {
  Draw,
  DrawInputs,
  DrawListQuery,
  DrawPlan,
  DrawPlanCreate,
  DrawPlanStop,
  DrawSummary,
  DrawVerification,
  Page,
} from '../../domain/schemas.js';
import { defineRoute, who } from '../route.js';

const tag = 'Draws';

export const drawRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/draw-plans',
    summary:
      'A random-inspection plan (双随机) for an agency: whom to draw from, how many (at most 20%); ' +
      "its first draw is committed at once (seed hash published). Admins and supervisors of the agency's regions only: " +
      'an agency never designs its own draw',
    tag,
    auth: ['admin', 'supervisor'],
    body: DrawPlanCreate,
    creates: true,
    limitedPerKey: true,
    responses: {
      201: { description: 'the plan, with the committed draw and the least population it draws from', schema: DrawPlan },
      400: {
        description:
          'above the 20% cap, too few inspectors, or fewer enterprises than the plan needs (10, five for every one drawn): ' +
          'the refusal names what the plan needs, never how many there are',
      },
      403: { description: 'an agency key, or an agency outside your regions' },
      409: { description: 'the agency has DRAW_MAX_ACTIVE_PLANS active plans already (or the Idempotency-Key was used with another body)' },
      429: { description: 'this key asked for DRAW_PLAN_RATE_LIMIT plans this hour, refused ones included (Retry-After)' },
    },
    handler: async (c) => ({ status: 201, body: await c.services.draws.createPlan(who(c), c.body, c.idempotency) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/draw-plans/:id/stop',
    summary: 'Stop a draw plan: it draws no more (its committed seed is never drawn); audited. A plan is never edited',
    tag,
    auth: ['admin', 'supervisor'],
    body: DrawPlanStop,
    responses: {
      200: { description: 'the stopped plan', schema: DrawPlan },
      404: { description: 'no such plan in your regions' },
      409: { description: 'stopped already' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.draws.stopPlan(who(c), c.params.id ?? '', c.body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/draw-plans/:id/draw',
    summary:
      "Make the plan's committed draw now, instead of at the next hourly run (its seed hash is already published); " +
      "audited as draw.made by the caller. Admins and supervisors of the agency's regions; a deactivated agency is not drawn for",
    tag,
    auth: ['admin', 'supervisor'],
    responses: {
      200: { description: 'the draw, with its seed revealed and its assignments', schema: Draw },
      403: { description: 'an agency, enterprise or hotline key' },
      404: { description: 'no such plan in your regions' },
      409: {
        description:
          "the agency is deactivated; the plan is stopped; its period's draw is made already, or its next draw is not due " +
          'until a later day; no seed hash is published yet; or fewer than 3 certified inspectors: the message says which',
      },
    },
    handler: async (c) => ({ status: 200, body: await c.services.draws.drawNow(who(c), c.params.id ?? '') }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/draw-plans',
    summary: 'Draw plans in your scope',
    tag,
    auth: ['admin', 'supervisor', 'agency'],
    responses: { 200: { description: 'plans', schema: Type.Object({ items: Type.Array(DrawPlan) }) } },
    handler: async (c) => ({ status: 200, body: { items: await c.services.draws.listPlans(who(c)) } }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/draws',
    summary: 'Draws, newest first (public): commitment, seed once drawn, assignments and their results',
    tag,
    auth: 'public',
    rateLimited: true,
    query: DrawListQuery,
    responses: { 200: { description: 'a page of draws, without their assignments', schema: Page(DrawSummary) } },
    handler: async (c) => ({ status: 200, body: await c.services.draws.list(c.query) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/draws/:id',
    summary: 'One draw (public)',
    tag,
    auth: 'public',
    rateLimited: true,
    responses: { 200: { description: 'the draw', schema: Draw }, 404: { description: 'no such draw' } },
    handler: async (c) => ({ status: 200, body: await c.services.draws.get(c.params.id ?? '') }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/draws/:id/inputs',
    summary:
      'What a made draw was made from: seed, sorted population with risk classes, inspector pool, pairs to avoid, the algorithm; ' +
      "re-run it anywhere (supervisors of the agency's region, admin)",
    tag,
    auth: ['admin', 'supervisor'],
    responses: {
      200: { description: 'the inputs', schema: DrawInputs },
      404: { description: 'no such draw' },
      409: { description: 'not made yet: the seed is still secret' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.draws.inputs(who(c), c.params.id ?? '') }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/draws/:id/verify',
    summary:
      'Whether a made draw checks out: re-run from its recorded seed and population when it was made (or at its latest recheck) ' +
      'and compared with what was recorded and audited (public; a read, never a re-run)',
    tag,
    auth: 'public',
    rateLimited: true,
    responses: {
      200: { description: 'the check, with when it was made', schema: DrawVerification },
      404: { description: 'no such draw' },
      409: { description: 'not made yet' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.draws.verify(c.params.id ?? '') }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/draws/:id/recheck',
    summary:
      'Re-run a made draw now from its recorded seed and population, compare it with what was recorded and audited, ' +
      'and keep the result as the check the public reads (admin; the CLI: `draws verify ID`)',
    tag,
    auth: ['admin'],
    responses: {
      200: { description: 'the check, made now', schema: DrawVerification },
      404: { description: 'no such draw' },
      409: { description: 'not made yet' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.draws.recheck(c.params.id ?? '') }),
  }),
];
