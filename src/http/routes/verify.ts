import { Arrival, Verification, VerificationNotFound } from '../../domain/schemas.js';
import { AppError } from '../../domain/errors.js';
import { errorReply } from '../errors.js';
import { sharedJson } from '../shared-json.js';
import { defineRoute, who } from '../route.js';

const tag = 'Verification';

export const verifyRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/verify/:code',
    summary: 'Is this visit filed? Public, no key; rate-limited; credential numbers masked',
    tag,
    auth: 'public',
    rateLimited: true,
    responses: {
      200: { description: 'the filing behind the code', schema: Verification },
      404: { description: 'no filing has this code', schema: VerificationNotFound },
    },
    handler: async (c) => {
      try {
        const view = await c.services.verification.verify(c.params.code ?? '');
        // one frozen answer per filing view and window state, the same for every scan
        return { status: 200, body: view, json: sharedJson(view) };
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
        return { status: 404, body: { valid: false, ...errorReply(err, c.lang, c.requestId).body } };
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/verify/:code/arrival',
    summary: "Confirm the inspectors arrived (the filing's enterprise, or the filing agency)",
    tag,
    auth: ['enterprise', 'agency'],
    rateLimited: true,
    responses: {
      200: { description: 'arrival recorded; outside the window an outside_window violation is raised', schema: Arrival },
      404: { description: 'no filing has this code' },
      409: { description: 'already arrived, completed or cancelled' },
    },
    handler: async (c) => ({ status: 200, body: await c.services.verification.arrive(who(c), c.params.code ?? '') }),
  }),
];
