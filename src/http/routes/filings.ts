import {
  BlockedResponse,
  CancelCreate,
  CheckResponse,
  Filing,
  FilingCreate,
  FilingListQuery,
  FilingWithDecision,
  JointAccept,
  JointAnswer,
  JointDecline,
  Page,
  ResultCreate,
} from '../../domain/schemas.js';
import { defineRoute, who } from '../route.js';
import { examples } from './examples.js';

const tag = 'Filings';

export const filingRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/filings',
    summary: 'File an inspection before the visit; it is checked against the active rule sets at once',
    tag,
    auth: ['agency'],
    body: FilingCreate,
    example: examples.filing,
    creates: true,
    responses: {
      201: { description: 'filed, with its number, verification code and decision', schema: FilingWithDecision },
      404: { description: 'enterprise, inspector or joint agency not found' },
      422: { description: 'blocked by a rule; the attempt is recorded', schema: BlockedResponse },
      503: { description: 'the rules could not be evaluated; nothing was filed' },
    },
    handler: async (c) => ({ status: 201, body: await c.services.filings.file(who(c), c.body, c.idempotency) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/filings/check',
    summary: 'The decision this filing would get now; records nothing',
    tag,
    auth: ['agency'],
    body: FilingCreate,
    example: examples.filing,
    responses: { 200: { description: 'the decision', schema: CheckResponse } },
    handler: async (c) => ({ status: 200, body: { decision: await c.services.filings.check(who(c), c.body) } }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/filings',
    summary: 'List filings in scope, newest first',
    tag,
    auth: ['admin', 'supervisor', 'agency', 'enterprise'],
    query: FilingListQuery,
    responses: { 200: { description: 'a page of filings', schema: Page(Filing) } },
    handler: async (c) => ({ status: 200, body: await c.services.filings.list(who(c), c.query) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/filings/:id',
    summary: 'A filing with the decision as it was made',
    tag,
    auth: ['admin', 'supervisor', 'agency', 'enterprise'],
    responses: { 200: { description: 'the filing', schema: FilingWithDecision }, 404: { description: 'not found or not in scope' } },
    handler: async (c) => ({ status: 200, body: await c.services.filings.get(who(c), c.params.id ?? '') }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/filings/:id/result',
    summary: 'Record the result of the inspection (the filing agency)',
    tag,
    auth: ['agency'],
    body: ResultCreate,
    example: examples.result,
    creates: true,
    responses: {
      200: { description: 'the completed filing', schema: Filing },
      409: { description: 'not in a state that takes a result, or not_conducted before the planned start (cancel instead)' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.filings.recordResult(who(c), c.params.id ?? '', c.body, c.idempotency) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/filings/:id/cancel',
    summary: 'Cancel a filing before its planned start (the filing agency)',
    tag,
    auth: ['agency'],
    body: CancelCreate,
    creates: true,
    responses: {
      200: { description: 'the cancelled filing', schema: Filing },
      409: {
        description:
          'the planned start has passed (record a result instead, outcome not_conducted if need be), or already completed or cancelled',
      },
    },
    handler: async (c) => ({ status: 200, body: await c.services.filings.cancel(who(c), c.params.id ?? '', c.body, c.idempotency) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/filings/:id/joint/accept',
    summary:
      "A joint agency named on the filing accepts the visit: checked against its own annual cap (its system's visits counted); " +
      'until it accepts, the visit counts for the lead agency only',
    tag,
    auth: ['agency'],
    body: JointAccept,
    responses: {
      200: { description: "accepted: the filing with each joint agency's answer, and the cap decision", schema: JointAnswer },
      403: { description: 'not a joint agency of the filing' },
      409: { description: 'answered already, or the filing is completed or cancelled' },
      422: { description: "accepting would break the agency's cap: not accepted", schema: BlockedResponse },
    },
    handler: async (c) => ({ status: 200, body: await c.services.filings.respondJoint(who(c), c.params.id ?? '', 'accepted', c.body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/filings/:id/joint/decline',
    summary: "A joint agency named on the filing declines it, saying why: the visit stays the lead agency's alone",
    tag,
    auth: ['agency'],
    body: JointDecline,
    responses: {
      200: { description: "declined: the filing with each joint agency's answer", schema: JointAnswer },
      403: { description: 'not a joint agency of the filing' },
      409: { description: 'answered already, or the filing is completed or cancelled' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.filings.respondJoint(who(c), c.params.id ?? '', 'declined', c.body) }),
  }),
];
