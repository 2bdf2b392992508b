import { Ground, GroundCreate, GroundDetail, GroundListQuery, GroundUpdate, Page } from '../../domain/schemas.js';
import { defineRoute, who } from '../route.js';
import { examples } from './examples.js';

const tag = 'Grounds';

export const groundRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/grounds',
    summary:
      'Register a ground (a hotline ticket, referral, lead, accident, assignment or campaign) that a case or campaign visit may cite. ' +
      'Admin; a supervisor for its regions; the hotline platform (complaints); ' +
      'an agency for a lead of its own in its jurisdiction (unverified until a supervisor looks)',
    tag,
    auth: ['admin', 'supervisor', 'hotline', 'agency'],
    body: GroundCreate,
    example: examples.ground,
    creates: true,
    responses: {
      201: { description: 'registered', schema: Ground },
      403: { description: 'outside your regions or jurisdiction, or a kind your role does not register' },
      404: { description: 'no such enterprise or agency' },
      409: { description: 'the same kind, reference and enterprise are registered already' },
    },
    handler: async (c) => ({ status: 201, body: await c.services.grounds.register(who(c), c.body, c.idempotency) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/grounds',
    summary: 'Grounds you may see (supervisor: your regions; agency: assigned to it, or to none in its jurisdiction), newest first',
    tag,
    auth: ['admin', 'supervisor', 'agency'],
    query: GroundListQuery,
    responses: { 200: { description: 'a page of grounds', schema: Page(Ground) } },
    handler: async (c) => ({ status: 200, body: await c.services.grounds.list(who(c), c.query) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/grounds/:id',
    summary: 'A ground with the filings that cite it (an agency sees its own)',
    tag,
    auth: ['admin', 'supervisor', 'agency'],
    responses: { 200: { description: 'the ground', schema: GroundDetail }, 404: { description: 'not found or not yours to see' } },
    handler: async (c) => ({ status: 200, body: await c.services.grounds.get(who(c), c.params.id ?? '') }),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/grounds/:id',
    summary:
      'Confirm or reject a ground an agency registered itself (supervisor of its region, admin); ' +
      'a rejection raises unfounded_exemption against the agency for every visit it grounded',
    tag,
    auth: ['admin', 'supervisor'],
    body: GroundUpdate,
    responses: {
      200: { description: 'the ground', schema: Ground },
      404: { description: 'not found or outside your regions' },
      409: { description: 'reviewed already' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.grounds.review(who(c), c.params.id ?? '', c.body) }),
  }),
];
