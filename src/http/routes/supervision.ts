import {
  Attempt,
  AttemptListQuery,
  FeedbackCreate,
  FeedbackView,
  Page,
  ReportCreate,
  ReportCreated,
  Violation,
  ViolationBulkResult,
  ViolationBulkUpdate,
  ViolationCreate,
  ViolationDetail,
  ViolationListQuery,
  ViolationUpdate,
} from '../../domain/schemas.js';
import { defineRoute, who } from '../route.js';
import { examples } from './examples.js';

const supervision = 'Supervision';
const enterprise = 'Enterprise';

export const supervisionRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/violations',
    summary: 'Violations in your regions, newest first',
    tag: supervision,
    auth: ['admin', 'supervisor'],
    query: ViolationListQuery,
    responses: { 200: { description: 'a page of violations', schema: Page(Violation) } },
    handler: async (c) => ({ status: 200, body: await c.services.violations.list(who(c), c.query) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/violations/:id',
    summary: 'A violation with every status change, its note and who made it',
    tag: supervision,
    auth: ['admin', 'supervisor'],
    responses: {
      200: { description: 'the violation', schema: ViolationDetail },
      404: { description: 'not found or outside your regions' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.violations.get(who(c), c.params.id ?? '') }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/violations',
    summary: 'Raise a violation from a check of your own (明察暗访), with its evidence',
    tag: supervision,
    auth: ['admin', 'supervisor'],
    body: ViolationCreate,
    creates: true,
    responses: {
      201: { description: 'raised', schema: Violation },
      403: { description: 'the enterprise or agency is outside your regions' },
      404: { description: 'agency, filing or enterprise not found' },
    },
    handler: async (c) => ({ status: 201, body: await c.services.violations.raiseBySupervisor(who(c), c.body, c.idempotency) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/violations/:id',
    summary:
      'Work a violation: open → acknowledged → resolved (founded) | dismissed (not founded), with a note ' +
      "(on an enterprise's report, the note is the reply it reads under GET /api/v1/reports)",
    tag: supervision,
    auth: ['admin', 'supervisor'],
    body: ViolationUpdate,
    responses: {
      200: { description: 'the violation with its history', schema: ViolationDetail },
      404: { description: 'not found or outside your regions' },
      409: { description: 'not a change its status allows' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.violations.change(who(c), c.params.id ?? '', c.body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/violations/bulk',
    summary: 'Work many violations at once (e.g. dismiss a flood of reports), all or none, each recorded as its own PATCH',
    tag: supervision,
    auth: ['admin', 'supervisor'],
    body: ViolationBulkUpdate,
    responses: {
      200: { description: 'the violations as changed', schema: ViolationBulkResult },
      404: { description: 'an id not found or outside your regions (details name each): nothing changed' },
      409: { description: 'a violation whose status does not allow the change (details name each): nothing changed' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.violations.changeMany(who(c), c.body) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/attempts',
    summary: 'Blocked filing attempts and filings made with warnings, newest first',
    tag: supervision,
    auth: ['admin', 'supervisor'],
    query: AttemptListQuery,
    responses: { 200: { description: 'a page of attempts', schema: Page(Attempt) } },
    handler: async (c) => ({ status: 200, body: await c.services.violations.attempts(who(c), c.query) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/reports',
    summary: 'Report a visit nobody filed, or misconduct (the enterprise); a 12345/8890 hotline ticket may be attached',
    tag: enterprise,
    auth: ['enterprise'],
    body: ReportCreate,
    example: examples.report,
    creates: true,
    responses: {
      201: { description: 'recorded as a violation for supervisors', schema: ReportCreated },
      404: { description: 'no such filing about your enterprise, or no such agency' },
    },
    handler: async (c) => ({ status: 201, body: await c.services.violations.report(who(c), c.body, c.idempotency) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/filings/:id/feedback',
    summary: 'Rate a completed inspection 1-5 (好差评), once, naming conduct items if any (the enterprise inspected)',
    tag: enterprise,
    auth: ['enterprise'],
    body: FeedbackCreate,
    creates: true,
    responses: {
      201: { description: 'the rating; conduct items named raise a conduct violation', schema: FeedbackView },
      404: { description: 'no such filing about your enterprise' },
      409: { description: 'not completed yet, or already rated' },
    },
    handler: async (c) => ({ status: 201, body: await c.services.violations.rate(who(c), c.params.id ?? '', c.body, c.idempotency) }),
  }),
];
